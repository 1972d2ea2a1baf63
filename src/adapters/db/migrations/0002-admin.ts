import { sql, type Kysely } from 'kysely';

/**
 * Indexes for the operator side: the audit log is read filtered by actor, action or target
 * and paged newest first (ids are UUIDv7, so id order is time order); webhook deliveries are
 * listed per merchant; admin tools look a plan up by its id alone, without its customer.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
create index audit_log_actor on audit_log (actor, id);
create index audit_log_action on audit_log (action, id);
create index audit_log_target on audit_log (target, id);
create index webhook_deliveries_merchant on webhook_deliveries (merchant_id, id);
create index api_keys_merchant on api_keys (merchant_id) where merchant_id is not null;
create index plans_id on plans (id);
`.execute(db);
}
