import type { TimeGrouping } from './local-time';
import type { Figures } from './tally';
import type { Dimension } from './views';

/** What `GET /reports/summary` is asked and answers: types only, which the reports page shares. */
export type GroupBy = TimeGrouping | Dimension;

export interface SummaryRequest {
  readonly fromSeconds: number;
  readonly toSeconds: number;
  readonly timeZone: string;
  readonly groupBy: GroupBy;
  readonly actions: readonly string[];
}

export interface Summary {
  from: string;
  to: string;
  tz: string;
  groupBy: GroupBy;
  totals: Figures;
  groups: Array<{ key: string | null } & Figures>;
  /** Dimension groupings: how many groups beyond MAX_GROUPS were left out (the totals count them). */
  groupsOmitted?: number;
}
