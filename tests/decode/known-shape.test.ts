import { VideoCdrV1Shape } from '../../handler/push-types/generated/video-cdr-v1';
import { findNovelties, type KnownShape } from '../../handler/push-types/known-shape';
import schema from '../../schemas/video-cdr.v1.schema.json';
import { sampleRecord } from '../support/events';

describe('findNovelties: what the schema does not document', () => {
  it('finds nothing in the original sample', () => {
    expect(findNovelties(sampleRecord(), VideoCdrV1Shape)).toEqual({ unknownFields: [], unknownValues: [] });
  });

  it('knows every EndStatusString value the schema lists, the document’s seven among them', () => {
    const known = Object.keys(schema.properties.EndStatusString['x-known-values']);
    expect(known).toEqual(
      expect.arrayContaining([
        'ok',
        'seatGiveUp',
        'seatForward',
        'ringingGiveUp',
        'noSeatOnline',
        'notWorkTime',
        'error',
      ]),
    );
    for (const status of known) {
      expect(findNovelties(sampleRecord({ EndStatusString: status }), VideoCdrV1Shape).unknownValues).toEqual([]);
    }
  });

  it('points at new fields at any depth and at new values, escaping JSON Pointer characters', () => {
    const record = sampleRecord({ 'a/b~c': 1, SeatUser: { Name: 'n', Extra: [1] }, EndStatusString: 'new' });

    expect(findNovelties(record, VideoCdrV1Shape)).toEqual({
      unknownFields: ['/SeatUser/Extra', '/a~1b~0c'],
      unknownValues: ['/EndStatusString=new'],
    });
  });

  it('flags an integer outside an integer enum, whose known values are JSON object keys (strings)', () => {
    const shape: KnownShape = { properties: { Direction: { knownValues: ['0', '1'] } } };

    expect(findNovelties({ Direction: 1 }, shape).unknownValues).toEqual([]);
    expect(findNovelties({ Direction: 2 }, shape).unknownValues).toEqual(['/Direction=2']);
  });
});
