/**
 * The UTC buckets the aggregates are kept in (handler/reports/README.md), in seconds, and the
 * start of the bucket a time falls in. Imports nothing: the push path (query-index.ts) uses it.
 */
export const QUARTER = 900;
export const HOUR = 3_600;
export const DAY = 86_400;

const startIn =
  (size: number) =>
  (seconds: number): number =>
    Math.floor(seconds / size) * size;

// Marked pure: a bundle that uses none of them (the push function's) drops them.
export const quarterOf = /* @__PURE__ */ startIn(QUARTER);
export const hourOf = /* @__PURE__ */ startIn(HOUR);
export const dayOf = /* @__PURE__ */ startIn(DAY);
