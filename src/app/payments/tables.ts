import type { ColumnType, Generated, Kysely, Selectable, Transaction } from 'kysely';
import type { AutodebitAgreementsTable, Database, RefundsTable } from '../../adapters/db/schema.ts';
import type { Db, Tx } from '../../adapters/db/tx.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Columns migration 0012 adds to refunds: the gateway leg of a refund and its dispatching. */
export interface GatewayRefundsTable extends RefundsTable {
  payment_id: string | null; out_trade_no: string | null; out_request_no: string | null; reason: string | null;
  attempts: Generated<number>; next_attempt_at: Timestamp | null; failure_reason: string | null; settled_at: Timestamp | null;
}

/** Migration 0012: agreements signed in the wallet app start as 'signing' with the page to sign on. */
export interface GatewayAgreementsTable extends Omit<AutodebitAgreementsTable, 'status'> {
  status: 'signing' | 'active' | 'cancelled' | 'revoked' | 'failed'; sign_url: string | null; signed_at: Timestamp | null;
}

export interface PaymentTables { refunds: GatewayRefundsTable; autodebit_agreements: GatewayAgreementsTable }
type PaymentDatabase = Omit<Database, keyof PaymentTables> & PaymentTables;
export type RefundRow = Selectable<GatewayRefundsTable>;

/** The same connection or transaction, typed to see migration 0012's columns. */
export function paymentsDb(db: Db): Kysely<PaymentDatabase>;
export function paymentsDb(db: Tx): Transaction<PaymentDatabase>;
export function paymentsDb(db: Db | Tx): Kysely<PaymentDatabase> {
  return db as unknown as Kysely<PaymentDatabase>;
}
