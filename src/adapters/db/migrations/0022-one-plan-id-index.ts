import { sql, type Kysely } from 'kysely';

/**
 * plans(id) was indexed twice: plans_id (0002, look-ups of a plan by id alone, the primary key
 * being (customer_id, id)) and plans_by_id (0009, the same index again). Every plan insert and
 * every update of an indexed column paid for both. The storage test now refuses two indexes
 * with one definition.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists plans_by_id`.execute(db);
}
