import type { ColumnType, Generated } from 'kysely';

/** Row types for Kysely. Money columns end in _fen (BIGINT decoded as number); dates are 'YYYY-MM-DD'. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface SystemStateTable { key: string; value: Json; updated_at: Timestamp }
export interface LedgerAccountsTable { code: string; name: string; normal_side: 'debit' | 'credit' }

export interface MerchantsTable {
  id: string; name: string; webhook_url: string | null; webhook_secret: string;
  status: Generated<'active' | 'suspended'>; created_at: Timestamp;
}
export interface ApiKeysTable {
  id: string; merchant_id: string | null; role: string; name: string; key_hash: string; key_prefix: string;
  created_at: Timestamp; revoked_at: Timestamp | null;
}
export interface ProductsTable {
  id: string; version: number; code: string; name: string; method: string; terms: number;
  annual_rate: string | null; monthly_fee_rate: string | null; total_fee_rate: string | null; subsidy_rate: string | null;
  rounding: string; grace_days: number; late_charge_rule: Json; allocation_strategy: string; payoff_policy: Json;
  apr_cap: string; status: 'active' | 'retired'; created_at: Timestamp;
}
export interface MerchantProductsTable { merchant_id: string; product_id: string }
export interface CustomersTable {
  id: string; phone: string | null; phone_masked: string | null; statement_day: number; due_day: number;
  status: 'active' | 'cancelled'; created_at: Timestamp; cancelled_at: Timestamp | null;
}
export interface CustomerPhonesTable { phone_hash: string; customer_id: string }
export interface CreditLinesTable {
  customer_id: string; limit_fen: number; used_fen: Generated<number>; credit_balance_fen: Generated<number>;
  frozen: Generated<boolean>; frozen_reason: string | null; updated_at: Timestamp;
}
export interface PlansTable {
  customer_id: string; id: string; merchant_id: string; merchant_order_id: string; product_id: string; product_version: number;
  description: string | null; method: string; terms: number; amount_fen: number; down_payment_fen: number; financed_fen: number;
  merchant_subsidy_fen: Generated<number>; annual_rate: string | null; monthly_fee_rate: string | null; total_fee_rate: string | null;
  subsidy_rate: string | null; rounding: string; grace_days: number; late_charge_rule: Json; allocation_strategy: string;
  payoff_policy: Json; apr: string; start_date: string; first_due_date: string;
  status: 'pending' | 'active' | 'paid_off' | 'cancelled' | 'refunded' | 'written_off';
  decision: Json; created_at: Timestamp; updated_at: Timestamp; closed_on: string | null;
}
export interface MerchantOrdersTable { merchant_id: string; merchant_order_id: string; customer_id: string; plan_id: string }
export interface InstallmentsTable {
  customer_id: string; plan_id: string; number: number; due_date: string;
  principal_fen: number; interest_fen: number; fee_fen: number; penalty_fen: Generated<number>;
  paid_principal_fen: Generated<number>; paid_interest_fen: Generated<number>; paid_fee_fen: Generated<number>; paid_penalty_fen: Generated<number>;
  waived_principal_fen: Generated<number>; waived_interest_fen: Generated<number>; waived_fee_fen: Generated<number>; waived_penalty_fen: Generated<number>;
  settled_on: string | null;
}
export interface RepaymentsTable {
  customer_id: string; id: string; plan_id: string | null; kind: string; amount_fen: number; applied_fen: number;
  to_credit_balance_fen: number; charges_fen: Generated<number>; channel: string; external_ref: string | null; status: 'posted' | 'reversed';
  business_date: string; created_at: Timestamp; reversed_at: Timestamp | null; reversal_reason: string | null;
}
export interface AllocationsTable {
  customer_id: string; repayment_id: string; seq: number; plan_id: string; installment_number: number;
  component: 'principal' | 'interest' | 'fee' | 'penalty'; amount_fen: number;
}
export interface WaiversTable {
  customer_id: string; id: string; plan_id: string; installment_number: number; component: 'principal' | 'interest' | 'fee' | 'penalty';
  amount_fen: number; source: 'payoff' | 'staff' | 'return' | 'hardship' | 'cancellation' | 'outage'; reason: string; repayment_id: string | null;
  actor: string; business_date: string; created_at: Timestamp; reversed_at: Timestamp | null;
}
export interface RefundsTable {
  customer_id: string; id: string; kind: 'credit_balance' | 'return' | 'overpayment'; plan_id: string | null; amount_fen: number;
  channel: string; status: 'pending' | 'succeeded' | 'manual' | 'failed'; external_ref: string | null; business_date: string; created_at: Timestamp;
}
export interface ReturnsTable {
  customer_id: string; id: string; plan_id: string; merchant_id: string; kind: 'full' | 'partial' | 'cancellation'; amount_fen: number;
  principal_reduced_fen: number; refunded_fen: number; reason: string | null; business_date: string; created_at: Timestamp;
}
export interface ScheduleHistoryTable { customer_id: string; plan_id: string; version: number; reason: string; schedule: Json; business_date: string; created_at: Timestamp }
export interface JournalEntriesTable { customer_id: string; id: string; kind: string; reference: string; business_date: string; created_at: Timestamp }
export interface PostingsTable {
  customer_id: string; entry_id: string; seq: number; debit_account: string; credit_account: string;
  plan_id: string | null; amount_fen: number; business_date: string;
}
export interface IdempotencyKeysTable {
  scope: string; key: string; fingerprint: string; state: 'in_flight' | 'done'; response_status: number | null;
  response_body: Json | null; created_at: Timestamp;
}
export interface AuditLogTable { id: string; at: Timestamp; actor: string; action: string; target: string | null; ip: string | null; details: Json }
export interface EventsTable { id: string; topic: string; merchant_id: string | null; customer_id: string | null; payload: Json; created_at: Timestamp }
export interface WebhookDeliveriesTable {
  id: string; event_id: string; merchant_id: string; url: string; status: 'pending' | 'delivered' | 'failed'; attempts: Generated<number>;
  next_attempt_at: Timestamp; last_status_code: number | null; last_error: string | null; created_at: Timestamp; delivered_at: Timestamp | null;
}
export interface OtpCodesTable {
  id: string; phone_hash: string; code_hash: string; purpose: string; attempts: Generated<number>; expires_at: Timestamp;
  used_at: Timestamp | null; ip: string | null; created_at: Timestamp;
}
export interface SessionsTable {
  token_hash: string; customer_id: string; created_at: Timestamp; expires_at: Timestamp; reauthenticated_at: Timestamp | null; revoked_at: Timestamp | null;
}

export interface Database {
  system_state: SystemStateTable; ledger_accounts: LedgerAccountsTable; merchants: MerchantsTable; api_keys: ApiKeysTable;
  products: ProductsTable; merchant_products: MerchantProductsTable; customers: CustomersTable; customer_phones: CustomerPhonesTable;
  credit_lines: CreditLinesTable; plans: PlansTable; merchant_orders: MerchantOrdersTable; installments: InstallmentsTable;
  repayments: RepaymentsTable; allocations: AllocationsTable; waivers: WaiversTable; refunds: RefundsTable; returns: ReturnsTable; schedule_history: ScheduleHistoryTable; journal_entries: JournalEntriesTable; postings: PostingsTable;
  idempotency_keys: IdempotencyKeysTable; audit_log: AuditLogTable; events: EventsTable; webhook_deliveries: WebhookDeliveriesTable;
  otp_codes: OtpCodesTable; sessions: SessionsTable;
}
