/**
 * The fuzz test's requests: plain data (so fast-check can shrink and print them) rendered
 * into the API Gateway events the handler receives, REST API (v1) or HTTP API (v2).
 */
import type { handler } from '../../handler/functions/push';
import { httpApiEvent, restApiEvent } from '../support/events';
import { type J, type RenderContext, renderJson, type Style } from './json-text';
import type { PushRequest } from './oracle';

export type PushEvent = Parameters<typeof handler>[0];

export type Damage =
  | { kind: 'insertText'; at: number; text: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'insertBytes'; at: number; bytes: number[] }
  | {
      kind: 'base64';
      at: number;
      how: 'dropPadding' | 'badChar' | 'urlAlphabet' | 'extraPadding' | 'cut';
      char: string;
    };

export type Body =
  | { kind: 'none' }
  /** Literal text, sent as is or as the base64 of its UTF-8. */
  | { kind: 'text'; text: string; base64: boolean }
  /** A literal base64 body (maybe not valid base64). */
  | { kind: 'raw64'; text: string }
  /** Arbitrary bytes, base64-encoded. */
  | { kind: 'bytes'; bytes: number[] }
  | {
      kind: 'doc';
      doc: J;
      style: Style;
      bom: boolean;
      /** null: the JSON text is the body; otherwise the base64 of its UTF-8, laid out so. */
      base64: 'plain' | 'wrapped' | 'spaced' | null;
      damage: Damage | null;
    };

/** A Content-Type value with what README says of it: only application/json, charset utf8/utf-8 or none. */
export interface ContentType {
  value: string;
  ok: boolean;
}

export interface RequestCase {
  format: 'v1' | 'v2';
  method: string;
  /** Query parameters in order, repeats allowed; null: no query string. */
  query: Array<[string, string]> | null;
  /** null: a REST API event with `headers: null`. */
  headers: Array<[string, string]> | null;
  contentTypes: ContentType[];
  body: Body;
  /** Once accepted, pushed again as TCCC retries: same body, same X-TCCC-PUSH-UUID. */
  retry: boolean;
}

export interface Rendered {
  /** A fresh event each call: a retry is a new HTTP request (a new API Gateway request id). */
  event: () => PushEvent;
  /** What the oracle judges. */
  sent: PushRequest;
  /** The X-TCCC-PUSH-UUID header, when exactly one was sent. */
  pushId: string | undefined;
  /** Every SessionId-like string the body spelled (nothing may be stored under it unless accepted). */
  sids: string[];
}

function wrapBase64(text: string, layout: 'plain' | 'wrapped' | 'spaced'): string {
  if (layout === 'plain') return text;
  const width = layout === 'wrapped' ? 76 : 13;
  const separator = layout === 'wrapped' ? '\r\n' : ' ';
  const lines: string[] = [];
  for (let index = 0; index < text.length; index += width) lines.push(text.slice(index, index + width));
  return lines.join(separator);
}

function damageBase64(text: string, damage: Extract<Damage, { kind: 'base64' }>): string {
  const at = damage.at % (text.length + 1);
  switch (damage.how) {
    case 'dropPadding':
      return text.replace(/=+$/, '');
    case 'badChar':
      return text.slice(0, at) + damage.char + text.slice(at);
    case 'urlAlphabet':
      return text.replace(/\+/g, '-').replace(/\//g, '_');
    case 'extraPadding':
      return `${text}=`;
    case 'cut':
      return text.slice(0, at);
  }
}

function renderDoc(body: Extract<Body, { kind: 'doc' }>, context: RenderContext) {
  let text = (body.bom ? '\ufeff' : '') + renderJson(body.doc, body.style, context);
  const damage = body.damage;
  if (damage?.kind === 'insertText') {
    const at = damage.at % (text.length + 1);
    text = text.slice(0, at) + damage.text + text.slice(at);
  } else if (damage?.kind === 'truncate') {
    text = text.slice(0, damage.at % text.length);
  }
  let layout = body.base64 ?? (damage?.kind === 'insertBytes' || damage?.kind === 'base64' ? 'plain' : null);
  if (layout === null) return { body: text, isBase64Encoded: false };
  let bytes = Buffer.from(text, 'utf8');
  // Line breaks only well under the cap: API Gateway never sends them, and the size of a
  // wrapped body near the cap is a question of its own (see the size-cap property).
  if (bytes.length > 100_000) layout = 'plain';
  if (damage?.kind === 'insertBytes') {
    const at = damage.at % (bytes.length + 1);
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(damage.bytes), bytes.subarray(at)]);
  }
  let encoded = bytes.toString('base64');
  if (damage?.kind === 'base64') encoded = damageBase64(encoded, damage);
  return { body: wrapBase64(encoded, layout), isBase64Encoded: true };
}

function renderBody(body: Body, context: RenderContext): { body: string | undefined; isBase64Encoded: boolean } {
  switch (body.kind) {
    case 'none':
      return { body: undefined, isBase64Encoded: false };
    case 'text':
      return body.base64
        ? { body: Buffer.from(body.text, 'utf8').toString('base64'), isBase64Encoded: true }
        : { body: body.text, isBase64Encoded: false };
    case 'raw64':
      return { body: body.text, isBase64Encoded: true };
    case 'bytes':
      return { body: Buffer.from(body.bytes).toString('base64'), isBase64Encoded: true };
    case 'doc':
      return renderDoc(body, context);
  }
}

/** `request` as API Gateway would deliver it; `sessionId` is what the body's `session` nodes spell. */
export function renderRequest(request: RequestCase, sessionId?: string): Rendered {
  const context: RenderContext = { sids: [], sessionId };
  const { body, isBase64Encoded } = renderBody(request.body, context);
  const grouped = new Map<string, string[]>();
  for (const [name, value] of request.query ?? []) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  const headers = Object.fromEntries(request.headers ?? []);
  const event = (): PushEvent => {
    if (request.format === 'v2') {
      // HTTP API joins a repeated query parameter with commas.
      const query = request.query && Object.fromEntries([...grouped].map(([name, values]) => [name, values.join(',')]));
      return httpApiEvent({ method: request.method, query, headers, body, isBase64Encoded });
    }
    // REST API: the last value of each parameter, and all of them in the multi-value map.
    const query =
      request.query && Object.fromEntries([...grouped].map(([name, values]) => [name, values.at(-1) ?? '']));
    const rest = restApiEvent({ method: request.method, query, headers, body, isBase64Encoded });
    rest.multiValueQueryStringParameters = request.query && Object.fromEntries(grouped);
    if (request.headers === null) Object.assign(rest, { headers: null, multiValueHeaders: null });
    return rest;
  };
  const pushIds = (request.headers ?? []).filter(([name]) => name.toLowerCase() === 'x-tccc-push-uuid');
  return {
    event,
    sent: {
      method: request.method,
      query: request.query,
      contentTypes: request.contentTypes,
      body: body ?? '',
      isBase64Encoded,
    },
    pushId: pushIds.length === 1 ? pushIds[0]?.[1] : undefined,
    sids: context.sids,
  };
}
