import { toHttpRequest } from '../../handler/http/http-request';
import { httpApiEvent, restApiEvent } from '../support/events';

describe('toHttpRequest', () => {
  it('reads an HTTP API (v2) event', () => {
    const request = toHttpRequest(
      httpApiEvent({ headers: { 'content-type': 'application/json', 'x-tccc-push-uuid': 'u1' }, body: '{}' }),
    );

    expect(request).toMatchObject({
      method: 'POST',
      path: '/',
      query: { action: 'videoCdr', version: '1' },
      headers: { 'content-type': 'application/json', 'x-tccc-push-uuid': 'u1' },
      body: '{}',
      isBase64Encoded: false,
    });
  });

  it('reads a REST API (v1) event, lower-casing header names and joining repeated query keys', () => {
    const event = restApiEvent({
      headers: { 'X-TCCC-PUSH-UUID': 'u2', 'Content-Type': 'application/json' },
      body: '{}',
    });
    event.multiValueQueryStringParameters = { action: ['videoCdr', 'cdr'], version: ['1'] };

    const request = toHttpRequest(event);

    expect(request.headers).toEqual({ 'x-tccc-push-uuid': 'u2', 'content-type': 'application/json' });
    expect(request.query).toEqual({ action: 'videoCdr,cdr', version: '1' });
    expect(request.requestId).toBe(event.requestContext.requestId);
  });

  it('keeps header and query names such as constructor or __proto__ as plain entries', () => {
    const event = restApiEvent({ headers: { Constructor: 'a', constructor: 'b', ToString: 'c' }, body: '{}' });
    // As a JSON-decoded event holds it: "__proto__" an own key, not the prototype.
    event.multiValueQueryStringParameters = JSON.parse('{"__proto__":["x"],"valueOf":["y"]}');

    const request = toHttpRequest(event);

    expect(request.headers.constructor).toBe('a,b');
    expect(request.headers.tostring).toBe('c');
    expect(request.headers.authorization).toBeUndefined();
    expect(Object.getPrototypeOf(request.query)).toBeNull();
    expect(Object.entries(request.query)).toEqual([
      ['__proto__', 'x'],
      ['valueOf', 'y'],
    ]);
  });

  it('treats a missing body as empty', () => {
    expect(toHttpRequest(restApiEvent({})).body).toBe('');
  });
});
