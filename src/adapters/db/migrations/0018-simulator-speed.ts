import type { Kysely } from 'kysely';

/** Reserved slot: simulator and notice dispatch (issue 5). Empty until its work lands. */
export async function up(_db: Kysely<any>): Promise<void> {}
