/** A rollup's views of a day: its quarter-hours (for time groupings), and each dimension for the whole day. */
export const VIEWS = ['quarter', 'seat', 'skillGroup', 'status'] as const;
export type View = (typeof VIEWS)[number];
