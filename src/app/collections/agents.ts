import { sql } from 'kysely';
import type { AgentLoad } from '../../core/collections/assignment.ts';
import type { Tx } from '../../adapters/db/tx.ts';

/** The roster: every api key with role 'agent' that is not revoked, with its open cases. */
export async function agentLoads(tx: Tx): Promise<AgentLoad[]> {
  const r = await sql<{ agent_id: string; open_cases: number }>`
    select k.id::text as agent_id, (select count(*) from collection_cases c where c.agent_id = k.id and c.status = 'open')::int as open_cases
    from api_keys k where k.role = 'agent' and k.revoked_at is null order by k.id`.execute(tx);
  return r.rows.map((x) => ({ agentId: x.agent_id, openCases: Number(x.open_cases) }));
}

export async function isActiveAgent(tx: Tx, agentId: string): Promise<boolean> {
  const k = await tx.selectFrom('api_keys').select('id').where('id', '=', agentId).where('role', '=', 'agent').where('revoked_at', 'is', null).executeTakeFirst();
  return Boolean(k);
}
