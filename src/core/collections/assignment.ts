import { invariant } from '../result.ts';

/** How new cases are given to agents: in turn, or to whoever has the fewest open cases. */
export const ASSIGNMENT_MODES = ['round_robin', 'by_load'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

export interface AgentLoad { agentId: string; openCases: number }

/**
 * Round robin over agents in id order, starting after the last agent given a case (who may
 * have left the roster since: then it starts at the next id after theirs). Returns one agent
 * per case, in case order.
 */
export function roundRobin(agentIds: readonly string[], lastAgentId: string | null, cases: number): string[] {
  invariant(agentIds.length > 0, 'round robin needs at least one agent');
  const sorted = [...agentIds].sort();
  let next = lastAgentId === null ? 0 : sorted.findIndex((id) => id > lastAgentId);
  if (next < 0) next = 0;
  const out: string[] = [];
  for (let k = 0; k < cases; k++) out.push(sorted[(next + k) % sorted.length]!);
  return out;
}

/** Each case goes to the agent with the fewest open cases at that moment; ties go to the lower id. */
export function byLoad(agents: readonly AgentLoad[], cases: number): string[] {
  invariant(agents.length > 0, 'assignment by load needs at least one agent');
  const loads = agents.map((a) => ({ ...a })).sort((a, b) => (a.agentId < b.agentId ? -1 : 1));
  const out: string[] = [];
  for (let k = 0; k < cases; k++) {
    let best = loads[0]!;
    for (const a of loads) if (a.openCases < best.openCases) best = a;
    best.openCases += 1;
    out.push(best.agentId);
  }
  return out;
}

export function assignAgents(mode: AssignmentMode, agents: readonly AgentLoad[], lastAgentId: string | null, cases: number): string[] {
  return mode === 'by_load' ? byLoad(agents, cases) : roundRobin(agents.map((a) => a.agentId), lastAgentId, cases);
}
