/**
 * What decides which version of a record is current: a pushed version beats a pulled one (TCCC's
 * push is the record; reconcile's backfill only stands in until it comes), then ordering, then
 * the earlier receipt loses, then the versionId.
 */
export interface Rank {
  /** Backfilled from TCCC's pull API (receipt `source: "pull"`). */
  readonly pulled?: boolean;
  readonly ordering: number;
  readonly receivedAt: string;
  readonly versionId: string;
}

/** Total order, so that concurrent pushes all agree on the winner. */
export function outranks(a: Rank, b: Rank): boolean {
  if (Boolean(a.pulled) !== Boolean(b.pulled)) return !a.pulled;
  if (a.ordering !== b.ordering) return a.ordering > b.ordering;
  if (a.receivedAt !== b.receivedAt) return a.receivedAt > b.receivedAt;
  return a.versionId > b.versionId;
}
