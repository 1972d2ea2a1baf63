import { byPriority, isCustomerFacing, servesPlan, statusAt, workingAt, type EntranceTimeline, type PlanClass } from './entrance.ts';

/**
 * Where a plan's customer pays at an instant. The plan's usual entrance is the
 * highest-priority customer-facing entrance serving it (whatever its status); when that one
 * is closed or in maintenance, the customer is sent to the highest-priority one that works.
 * Bills, notices and links all ask this function, so they can never disagree.
 */
export interface Resolution {
  entrance: EntranceTimeline | null;
  usual: EntranceTimeline | null;
  rerouted: boolean;
  reason: string;
}

export function resolveFor(entrances: readonly EntranceTimeline[], plan: PlanClass, at: number): Resolution {
  const serving = entrances.filter((e) => isCustomerFacing(e.kind) && statusAt(e, at) !== null && servesPlan(e.serves, plan)).sort(byPriority);
  const usual = serving[0] ?? null;
  const entrance = serving.find((e) => workingAt(e, at)) ?? null;
  if (!usual) return { entrance: null, usual: null, rerouted: false, reason: 'no entrance serves this plan' };
  if (!entrance) return { entrance: null, usual, rerouted: false, reason: 'no entrance serving this plan is working now; the due date is protected while this lasts' };
  if (entrance === usual) return { entrance, usual, rerouted: false, reason: `${usual.name} is working` };
  const why = workingAt(usual, at) ? 'working' : statusAt(usual, at) === 'closed' ? 'closed' : 'in maintenance';
  return { entrance, usual, rerouted: true, reason: `${usual.name} is ${why}; pay at ${entrance.name} instead` };
}

/**
 * Where someone who opens a given entrance should go now (the public redirect): itself while
 * it works; else its named successor if that works; else the best working entrance that
 * serves at least what it served (the Fenqi portal serves everything and always qualifies).
 */
export function successorFor(entrances: readonly EntranceTimeline[], code: string, at: number): EntranceTimeline | null {
  const self = entrances.find((e) => e.code === code);
  if (!self) return null;
  if (workingAt(self, at)) return self;
  const named = self.successorCode ? entrances.find((e) => e.code === self.successorCode) : undefined;
  if (named && workingAt(named, at) && isCustomerFacing(named.kind)) return named;
  const covers = (e: EntranceTimeline) => (['partnerIds', 'productIds', 'merchantIds'] as const)
    .every((k) => e.serves[k].length === 0 || (self.serves[k].length > 0 && self.serves[k].every((id) => e.serves[k].includes(id))));
  return entrances.filter((e) => e.code !== code && isCustomerFacing(e.kind) && workingAt(e, at) && covers(e)).sort(byPriority)[0] ?? null;
}
