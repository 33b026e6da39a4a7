import { MAX_NESTING_DEPTH } from '../limits';
import { RESERVED_ATTRIBUTES } from '../store/item-layout';
import { childPointer } from './json-pointer';

/**
 * What DynamoDB (or our reading back) would mangle or refuse, found before we answer:
 * a record we cannot store faithfully must be refused now, not fail at PutItem and be
 * retried by TCCC into oblivion. Returns one message per problem, JSON Pointer first.
 */
export function findUnstorable(value: unknown): string[] {
  const problems: string[] = [];
  const walk = (node: unknown, pointer: string, depth: number): void => {
    if (problems.length >= 10) return;
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) problems.push(`${pointer || '/'} number is out of range`);
      else if (Number.isInteger(node) && !Number.isSafeInteger(node)) {
        problems.push(`${pointer || '/'} integer is beyond 2^53 and would lose precision`);
      }
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (depth > MAX_NESTING_DEPTH) {
      problems.push(`${pointer} is nested deeper than ${MAX_NESTING_DEPTH} levels`);
      return;
    }
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) walk(item, childPointer(pointer, index), depth + 1);
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      const keyPointer = childPointer(pointer, key);
      if (key === '') problems.push(`${keyPointer} property name is empty`);
      else if (key === '__proto__') problems.push(`${keyPointer} property name __proto__ is not accepted`);
      else if (depth === 1 && RESERVED_ATTRIBUTES.includes(key))
        problems.push(`${keyPointer} property name is reserved by the receiver`);
      else walk(child, keyPointer, depth + 1);
    }
  };
  walk(value, '', 1);
  return problems;
}
