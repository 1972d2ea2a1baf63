/**
 * Counts per step, kept on each partition row and summed into the run record. A flat map of
 * numbers so partitions written by different processes can be added without a schema.
 */
export type CloseCounts = Record<string, number>;

export function addCounts(into: CloseCounts, more: CloseCounts): CloseCounts {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
  return into;
}

export const sumCounts = (list: readonly CloseCounts[]): CloseCounts => list.reduce((acc, c) => addCounts(acc, c), {} as CloseCounts);
