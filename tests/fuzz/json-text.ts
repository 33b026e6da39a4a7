/**
 * JSON documents as the fuzz test generates them, and their text. A document is plain
 * data (fast-check shrinks and prints it) that says how its text spells it: raw number
 * spellings, repeated names, `__proto__`, escapes, whitespace. SessionIds are rendered
 * unique per rendering (`sid` nodes), so requests never see each other's records, unless a
 * scenario shares one on purpose (`session` nodes).
 */
import { randomUUID } from 'node:crypto';
import { codePoints } from './oracle';

export type J =
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'lit'; text: string }
  | { k: 'bool'; v: boolean }
  | { k: 'null' }
  | { k: 'arr'; items: J[] }
  | { k: 'obj'; entries: Array<[string, J]> }
  /** `depth` nested containers around `leaf`: bit i of `kinds` makes level i an array, else {"d": …}. */
  | { k: 'deep'; depth: number; kinds: number; leaf: J }
  /** A unique string: prefix, '#', a fresh id; `total` forces its length in code points. */
  | { k: 'sid'; prefix: string; total?: number }
  /** The SessionId a scenario's pushes share (RenderContext.sessionId). */
  | { k: 'session' };

export interface Style {
  /** 0: compact; otherwise the seed of the whitespace put between tokens. */
  ws: number;
  /** How strings are spelled: as is, non-ASCII as \u escapes, or everything but [A-Za-z0-9] escaped. */
  escape: 'none' | 'nonAscii' | 'all';
}

export const COMPACT: Style = { ws: 0, escape: 'none' };

export const str = (v: string): J => ({ k: 'str', v });
export const num = (v: number): J => ({ k: 'num', v });
export const lit = (text: string): J => ({ k: 'lit', text });
export const obj = (entries: Array<[string, J]>): J => ({ k: 'obj', entries });
export const arr = (items: J[]): J => ({ k: 'arr', items });

// ---------------------------------------------------------------- editing documents

/** Where JSON.parse takes a name's value from: its last occurrence. */
export const lastIndexOf = (entries: Array<[string, J]>, name: string) => entries.map(([key]) => key).lastIndexOf(name);

/** The object under `path` (created as {} where missing or not an object), edited by `edit`. */
export function atObject(doc: J, path: string[], edit: (entries: Array<[string, J]>) => Array<[string, J]>): J {
  const entries = doc.k === 'obj' ? doc.entries : [];
  if (path.length === 0) return obj(edit(entries));
  const [head, ...rest] = path as [string, ...string[]];
  const index = lastIndexOf(entries, head);
  const child = index >= 0 ? (entries[index] as [string, J])[1] : obj([]);
  const edited = atObject(child.k === 'obj' ? child : obj([]), rest, edit);
  return obj(
    index >= 0 ? entries.map((entry, i) => (i === index ? [head, edited] : entry)) : [...entries, [head, edited]],
  );
}

/** Sets `key`: in place of its last occurrence ('replace', appended if absent), or as a repeat first or last. */
export const setEntry = (key: string, value: J, where: 'replace' | 'first' | 'last' = 'replace') => {
  return (entries: Array<[string, J]>): Array<[string, J]> => {
    if (where === 'first') return [[key, value], ...entries];
    if (where === 'last') return [...entries, [key, value]];
    const index = lastIndexOf(entries, key);
    return index >= 0
      ? entries.map((entry, i): [string, J] => (i === index ? [key, value] : entry))
      : [...entries, [key, value]];
  };
};

// ---------------------------------------------------------------- rendering

function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 8;
  };
}

const WHITESPACE = ['', ' ', '\n', '\t', '\r\n', '  ', ' \n  '];
const RUN = randomUUID().slice(0, 8);
let sequence = 0;
/** Unique in this run and across runs on one table. */
export const freshId = () => `${RUN}.${(sequence++).toString(36)}`;

const ESCAPED = { nonAscii: /["\\]|[^\u0020-\u007e]/g, all: /[^A-Za-z0-9]/g };

function spellString(text: string, spelling: Style['escape']): string {
  if (spelling === 'none') return JSON.stringify(text);
  const spelled = text.replace(ESCAPED[spelling], (char) =>
    char === '"' || char === '\\' ? `\\${char}` : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${spelled}"`;
}

/** A fresh SessionId-like string from a `sid` node. */
export function sidValue(node: Extract<J, { k: 'sid' }>): string {
  const tail = `#${freshId()}`;
  if (node.total === undefined) return `${node.prefix}${tail}`;
  if (node.total === 0) return '';
  const room = Math.max(0, node.total - codePoints(tail));
  const prefix = [...node.prefix].slice(0, room);
  while (prefix.length < room) prefix.push(prefix.length % 2 === 0 ? '会' : 'x');
  return prefix.join('') + tail;
}

export interface RenderContext {
  /** Every SessionId-like string the text spelled, pushed as rendered. */
  sids: string[];
  /** What `session` nodes spell. */
  sessionId?: string;
}

/** The JSON text of `doc`. */
export function renderJson(doc: J, style: Style, context: RenderContext): string {
  const random = seededRandom(style.ws);
  const space = () => (style.ws === 0 ? '' : (WHITESPACE[random() % WHITESPACE.length] as string));
  const out: string[] = [];
  const walk = (node: J): void => {
    out.push(space());
    switch (node.k) {
      case 'str':
        out.push(spellString(node.v, style.escape));
        break;
      case 'sid': {
        const value = sidValue(node);
        context.sids.push(value);
        out.push(spellString(value, style.escape));
        break;
      }
      case 'session':
        out.push(spellString(context.sessionId ?? '', style.escape));
        break;
      case 'num':
        out.push(JSON.stringify(node.v));
        break;
      case 'lit':
        out.push(node.text);
        break;
      case 'bool':
        out.push(String(node.v));
        break;
      case 'null':
        out.push('null');
        break;
      case 'arr':
        out.push('[');
        node.items.forEach((item, index) => {
          if (index > 0) out.push(',');
          walk(item);
        });
        out.push(space(), ']');
        break;
      case 'deep': {
        const isArray = (level: number) => (node.kinds >> (level % 30)) & 1;
        for (let level = 0; level < node.depth; level++) out.push(isArray(level) ? '[' : '{"d":');
        walk(node.leaf);
        for (let level = node.depth - 1; level >= 0; level--) out.push(isArray(level) ? ']' : '}');
        break;
      }
      case 'obj':
        out.push('{');
        node.entries.forEach(([key, value], index) => {
          if (index > 0) out.push(',');
          out.push(space(), spellString(key, style.escape), space(), ':');
          walk(value);
        });
        out.push(space(), '}');
        break;
    }
    out.push(space());
  };
  walk(doc);
  return out.join('');
}
