import type { Kysely } from 'kysely';

/** Reserved slot: gateway refunds, gateway auto-debit, statements (issue 4). Empty until its work lands. */
export async function up(_db: Kysely<any>): Promise<void> {}
