import { ERR_CODES, Refusal } from '../../handler/common/errors';
import { getRoutesHandler } from '../../handler/http/get-routes';
import { jsonReply } from '../../handler/http/reply';
import { httpApiEvent, restApiEvent } from '../support/events';

describe('getRoutesHandler', () => {
  const answered: string[] = [];
  const handler = getRoutesHandler('test', { '/things/{Id}': 'things' }, async (route, request) => {
    if (request.pathParameters.Id === 'refused') throw new Refusal('INVALID_PARAMETER', 'path parameter Id is refused');
    if (request.pathParameters.Id === 'broken') throw new Error('a fault with a secret in it');
    answered.push(route);
    return jsonReply(200, { route, id: request.pathParameters.Id, requestId: request.requestId });
  });
  const get = (id: string, method = 'GET') =>
    httpApiEvent({ method, path: `/things/${id}`, route: '/things/{Id}', pathParameters: { Id: id }, query: null });

  beforeEach(() => {
    answered.length = 0;
  });

  it('answers the route API Gateway matched, from either payload format', async () => {
    const v2 = get('a');
    const v1 = restApiEvent({ method: 'GET', path: '/things/b', route: '/things/{Id}', pathParameters: { Id: 'b' } });

    const replies = [await handler(v2), await handler(v1)];

    expect(replies.map((reply) => reply.statusCode)).toEqual([200, 200]);
    expect(JSON.parse(replies[0]?.body ?? '')).toEqual({
      route: 'things',
      id: 'a',
      requestId: v2.requestContext.requestId,
    });
    expect(JSON.parse(replies[1]?.body ?? '')).toMatchObject({ route: 'things', id: 'b' });
  });

  it('refuses an unknown route with 404 and another method with 405, without answering', async () => {
    const unknown = { ...get('a'), routeKey: 'GET /other/{Id}' };

    const replies = [await handler(unknown), await handler(get('a', 'POST'))];

    expect(replies.map((reply) => [reply.statusCode, JSON.parse(reply.body).ErrCode])).toEqual([
      [404, ERR_CODES.NOT_FOUND.errCode],
      [405, ERR_CODES.METHOD_NOT_ALLOWED.errCode],
    ]);
    expect(answered).toEqual([]);
  });

  it('answers what the route throws as an envelope: a refusal as it says, a fault as a 500 that hides it', async () => {
    const refused = await handler(get('refused'));
    const broken = await handler(get('broken'));

    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body)).toEqual({ ErrCode: 1009, ErrMsg: 'path parameter Id is refused' });
    expect([broken.statusCode, JSON.parse(broken.body).ErrCode]).toEqual([500, ERR_CODES.INTERNAL_ERROR.errCode]);
    expect(broken.body).not.toContain('secret');
  });
});
