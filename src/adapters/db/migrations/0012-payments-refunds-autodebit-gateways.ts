import { sql, type Kysely } from 'kysely';

/**
 * Issue 4, second part:
 * - refunds through the original gateway: a refund row is recorded (status pending) in the
 *   transaction of the use case that owes the money, and a dispatcher sends it to the gateway
 *   afterwards. out_request_no is the refund's id (hex), which the gateways keep idempotent, so
 *   a refund dispatched twice pays once. A refusal turns it into a recorded manual payout.
 * - auto-debit agreements signed at Alipay / WeChat Pay: the signing is finished by the
 *   customer in the wallet app, so an agreement starts 'signing' until the gateway tells us
 *   (or our query finds) it is active.
 * - reconciliation of refunds: refund lines of a statement are matched, not only counted.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
alter table refunds add column payment_id uuid;
alter table refunds add column out_trade_no text;
alter table refunds add column out_request_no text;
alter table refunds add column reason text;
alter table refunds add column attempts int not null default 0;
alter table refunds add column next_attempt_at timestamptz;
alter table refunds add column failure_reason text;
alter table refunds add column settled_at timestamptz;
create index refunds_due on refunds (next_attempt_at) where status = 'pending';
create index refunds_payment on refunds (customer_id, payment_id) where payment_id is not null;

alter table autodebit_agreements drop constraint autodebit_agreements_status_check;
alter table autodebit_agreements add constraint autodebit_agreements_status_check check (status in ('signing', 'active', 'cancelled', 'revoked', 'failed'));
alter table autodebit_agreements add column sign_url text;
alter table autodebit_agreements add column signed_at timestamptz;
-- The number we give the gateway for an agreement (external_agreement_no / contract_code) is
-- its id in hex, and the gateway's sign notification carries nothing else of ours: found by id.
create index autodebit_agreements_by_id on autodebit_agreements (id);
`.execute(db);
}
