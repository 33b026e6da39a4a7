/** A rollup's views of a day: its quarter-hours (for time groupings), and each dimension for the whole day. */
export const VIEWS = ['quarter', 'seat', 'skillGroup', 'status'] as const;
export type View = (typeof VIEWS)[number];

/** What a summary can group sessions by besides time: each a field of the contribution, and a view of the rollup. */
export const DIMENSIONS = ['seat', 'skillGroup', 'status'] as const satisfies readonly View[];
export type Dimension = (typeof DIMENSIONS)[number];
