import { MAX_NESTING_DEPTH } from '../common/limits';
import { toPointer } from '../push-types/json-pointer';

/** DynamoDB numbers: magnitudes from 1E-130 to below 1E+126; attribute names up to 64 KiB - 1 of UTF-8. */
const DYNAMODB_NUMBER_MIN = 1e-130;
const DYNAMODB_NUMBER_MAX = 1e126;
const MAX_NAME_BYTES = 65_535;

/**
 * What DynamoDB (or our reading back) would mangle or refuse, found before we answer:
 * a record we cannot store faithfully must be refused now, not fail at PutItem and be
 * retried by TCCC into oblivion. Returns one message per problem, JSON Pointer first.
 */
export function findUnstorable(value: unknown): string[] {
  const problems: string[] = [];
  const path: Array<string | number> = [];
  const walk = (node: unknown): void => {
    if (problems.length >= 10) return;
    if (typeof node === 'number') {
      const magnitude = Math.abs(node);
      if (
        !Number.isFinite(node) ||
        magnitude >= DYNAMODB_NUMBER_MAX ||
        (magnitude !== 0 && magnitude < DYNAMODB_NUMBER_MIN)
      ) {
        problems.push(`${toPointer(path)} number is out of DynamoDB's range`);
      } else if (Number.isInteger(node) && !Number.isSafeInteger(node)) {
        problems.push(`${toPointer(path)} integer is beyond 2^53 and would lose precision`);
      }
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (path.length >= MAX_NESTING_DEPTH) {
      problems.push(`${toPointer(path)} is nested deeper than ${MAX_NESTING_DEPTH} levels`);
      return;
    }
    const entries: Array<[string | number, unknown]> = Array.isArray(node) ? [...node.entries()] : Object.entries(node);
    for (const [key, child] of entries) {
      path.push(key);
      if (key === '') problems.push(`${toPointer(path)} property name is empty`);
      else if (typeof key === 'string' && key.length > 16_383 && Buffer.byteLength(key) > MAX_NAME_BYTES) {
        problems.push(`${toPointer(path.slice(0, -1))} has a property name longer than ${MAX_NAME_BYTES} bytes`);
      } else if (key === '__proto__') problems.push(`${toPointer(path)} property name __proto__ is not accepted`);
      else walk(child);
      path.pop();
    }
  };
  walk(value);
  return problems;
}
