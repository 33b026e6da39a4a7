import { createHash } from 'node:crypto';
import { Refusal } from '../common/errors';
import { SORT_POSITION } from './query-index';
import type { SessionFilter } from './session-query';

/**
 * The opaque `cursor` of `GET /sessions`: base64url of `{"v":1,"p":<position>,"q":<query hash>}`.
 * It only ever narrows the query it came from (a position inside its range), so it needs
 * no signature: a forged one can skip or repeat the caller's own records, nothing else.
 * It is still checked whole: shape, version, and that it belongs to this very query.
 */
const VERSION = 1;
const MAX_CURSOR_CHARS = 256;

function queryHash(filter: SessionFilter): string {
  const { actions, fromSeconds, toSeconds, seat, skillGroup, status } = filter;
  const canonical = JSON.stringify([actions, fromSeconds, toSeconds, seat ?? null, skillGroup ?? null, status ?? null]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodeCursor(filter: SessionFilter, position: string): string {
  return Buffer.from(JSON.stringify({ v: VERSION, p: position, q: queryHash(filter) })).toString('base64url');
}

const refuse = (why: string) => new Refusal('INVALID_PARAMETER', `query parameter cursor ${why}`);

/** The position a cursor holds, once it is known to be well formed and of this query. */
export function decodeCursor(filter: SessionFilter, cursor: string): string {
  if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor))
    throw refuse('is not a cursor this API gave');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse('is not a cursor this API gave');
  }
  const { v, p, q } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (v !== VERSION || typeof p !== 'string' || !SORT_POSITION.test(p) || typeof q !== 'string') {
    throw refuse('is not a cursor this API gave');
  }
  if (q !== queryHash(filter)) throw refuse('belongs to another query (from, to, action or a filter differ)');
  const seconds = Number(p.slice(0, 16));
  if (seconds < filter.fromSeconds || seconds > filter.toSeconds) throw refuse('lies outside from and to');
  return p;
}
