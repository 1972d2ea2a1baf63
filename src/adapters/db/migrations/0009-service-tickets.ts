import type { Kysely } from 'kysely';

/** Reserved slot: customer-service tickets, agent approvals (issue 6, CS-TICKETS). Empty until its work lands. */
export async function up(_db: Kysely<any>): Promise<void> {}
