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
  /** Kept by the daily close (migration 0005). */
  days_past_due: Generated<number>; delinquency_bucket: Generated<string>;
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
  amount_fen: number; source: 'payoff' | 'staff' | 'return' | 'hardship' | 'cancellation' | 'outage' | 'writeoff'; reason: string; repayment_id: string | null;
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
/** Staff sessions (migration 0021): the console's and dashboard's sign-in, bound to an API key. */
export interface StaffSessionsTable {
  token_hash: string; api_key_id: string; surface: 'console' | 'dashboard'; ip: string | null; created_at: Timestamp; expires_at: Timestamp; revoked_at: Timestamp | null;
}

export interface SessionsTable {
  token_hash: string; customer_id: string; created_at: Timestamp; expires_at: Timestamp; reauthenticated_at: Timestamp | null; revoked_at: Timestamp | null;
}

/** Payments through gateways (migration 0004). */
export type PaymentStatus = 'created' | 'pending' | 'succeeded' | 'failed' | 'expired';
export interface PaymentsTable {
  customer_id: string; id: string; gateway: 'sandbox' | 'alipay' | 'wechatpay'; out_trade_no: string;
  kind: 'installment' | 'bill' | 'amount' | 'payoff'; target: Json; plan_ids: Json<string[]>; amount_fen: number; status: PaymentStatus;
  payload: Json | null; gateway_ref: string | null; repayment_id: string | null; settled_by: string | null; failure_reason: string | null;
  query_attempts: Generated<number>; next_query_at: Timestamp; expires_at: Timestamp; business_date: string;
  created_at: Timestamp; updated_at: Timestamp; settled_at: Timestamp | null;
}
export interface PaymentOrdersTable { out_trade_no: string; customer_id: string; payment_id: string; gateway: string }
export interface PaymentNotificationsTable {
  id: string; gateway: string; out_trade_no: string | null; payment_id: string | null;
  verdict: 'posted' | 'duplicate' | 'not_paid' | 'rejected' | 'mismatch'; reason: string | null; amount_fen: number | null; received_at: Timestamp;
}
export interface AlertsTable {
  id: string; kind: string; severity: 'info' | 'warning' | 'critical'; gateway: string | null; out_trade_no: string | null; message: string;
  details: Json; dedup_key: string; occurrences: Generated<number>; created_at: Timestamp; last_seen_at: Timestamp; acknowledged_at: Timestamp | null;
}
export interface SandboxTradesTable {
  out_trade_no: string; trade_no: string; amount_fen: number; subject: string; status: 'waiting' | 'paid' | 'failed' | 'closed';
  refunded_fen: Generated<number>; created_at: Timestamp; paid_at: Timestamp | null; expires_at: Timestamp;
}
export interface AutodebitAgreementsTable {
  customer_id: string; id: string; plan_id: string | null; gateway: 'sandbox' | 'alipay' | 'wechatpay'; agreement_no: string;
  status: 'active' | 'cancelled' | 'revoked'; created_at: Timestamp; ended_at: Timestamp | null; end_reason: string | null;
}
export type AutodebitResult = 'running' | 'succeeded' | 'insufficient_funds' | 'agreement_revoked' | 'failed' | 'skipped';
export interface AutodebitAttemptsTable {
  customer_id: string; id: string; agreement_id: string; due_date: string; slot: number; scheduled_at: Timestamp; amount_fen: Generated<number>;
  result: AutodebitResult; reason: string | null; payment_id: string | null; created_at: Timestamp; finished_at: Timestamp | null;
}
export interface ReconciliationsTable { gateway: string; statement_date: string; first_run_at: Timestamp; last_run_at: Timestamp; report: Json }
export interface SandboxAgreementsTable { agreement_no: string; status: 'active' | 'revoked'; created_at: Timestamp }
export interface SandboxRefundsTable { out_request_no: string; out_trade_no: string; amount_fen: number; refunded_at: Timestamp }

/** The daily close (migration 0005). */
export interface CloseRunsTable {
  business_date: string; status: 'running' | 'done'; partitions: number; plans_total: Generated<number>; started_at: Timestamp;
  finished_at: Timestamp | null; counts: Json; errors: Generated<number>;
}
export interface ClosePartitionsTable {
  business_date: string; partition: number; bucket_from: number; bucket_to: number; status: 'pending' | 'running' | 'done';
  step: Generated<string>; cursor: Json | null; claimed_by: string | null; lease_until: Timestamp | null; attempts: Generated<number>;
  plans_total: Generated<number>; plans_done: Generated<number>; counts: Json; started_at: Timestamp | null; finished_at: Timestamp | null;
}
export interface CloseAccrualsTable {
  customer_id: string; plan_id: string; business_date: string; step: 'income' | 'charges';
  interest_fen: Generated<number>; fee_fen: Generated<number>; penalty_fen: Generated<number>; late_fee_fen: Generated<number>; entry_id: string;
}
export interface CloseErrorsTable {
  customer_id: string; plan_id: string; business_date: string; step: string; message: string; at: Timestamp; resolved_at: Timestamp | null;
}
export interface CloseOutboxTable {
  customer_id: string; plan_id: string; installment_number: number; kind: string; business_date: string; send_on: string;
  created_at: Timestamp; consumed_at: Timestamp | null;
}

/** Funding partners and repayment entrances (migration 0007). */
export interface PartnersTable {
  id: string; code: string; name: string; status: 'active' | 'paused' | 'retired'; priority: number; quota_fen: number; quota_used_fen: Generated<number>;
  lenders: Json<{ partnerId: string; shareBp: number }[]>; product_ids: Json<string[]>; merchant_ids: Json<string[]>;
  settlement_mode: 'daily_net'; settlement_account: string | null; created_at: Timestamp; updated_at: Timestamp;
}
export interface PlanFundingTable {
  customer_id: string; plan_id: string; version: number; seq: number; partner_id: string; share_bp: number; effective_date: string;
  reason: Json; transfer_id: string | null; created_at: Timestamp;
}
export interface PartnerSettlementsTable {
  partner_id: string; business_date: string; plans: number; principal_funded_fen: number; merchant_subsidy_fen: number;
  collected_principal_fen: number; collected_interest_fen: number; collected_fee_fen: number; collected_penalty_fen: number;
  returned_principal_fen: number; net_due_fen: number; csv: string; entry_id: string | null; created_at: Timestamp;
}
export interface PortfolioTransfersTable {
  id: string; from_partner_id: string; to_partner_id: string; effective_date: string; selection: Json; fingerprint: string;
  plans: number; customers: number; principal_fen: number; reason: string; actor: string; created_at: Timestamp;
}
export interface PortfolioTransferPlansTable { customer_id: string; transfer_id: string; plan_id: string; share_bp: number; principal_fen: number; entry_id: string | null }
export interface ContinuityNoticesTable {
  customer_id: string; id: string; kind: 'portfolio_transfer' | 'due_date_protected'; dedup_key: string; payload: Json;
  business_date: string; created_at: Timestamp; sent_at: Timestamp | null;
}
export interface EntrancesTable {
  code: string; kind: 'fenqi_portal' | 'store_app' | 'partner_app' | 'bank_transfer' | 'auto_debit'; name: string; url: string;
  status: 'open' | 'degraded' | 'closed'; priority: number; serves: Json<{ partnerIds: string[]; productIds: string[]; merchantIds: string[] }>;
  successor_code: string | null; created_at: Timestamp; updated_at: Timestamp;
}
export interface EntranceStatusHistoryTable {
  id: string; code: string; status: 'open' | 'degraded' | 'closed'; reason: string; actor: string; changed_at: Timestamp; recorded_at: Timestamp;
}
export interface EntranceMaintenanceTable { id: string; code: string; starts_at: Timestamp; ends_at: Timestamp; reason: string; created_at: Timestamp; cancelled_at: Timestamp | null }
export interface IncidentsTable {
  id: string; title: string; scope: Json; starts_at: Timestamp; ends_at: Timestamp | null; status: 'open' | 'ended';
  declared_by: string; ended_by: string | null; review: string | null; created_at: Timestamp;
}
export interface PlanProtectionsTable {
  customer_id: string; plan_id: string; installment_number: number; cause_kind: 'outage' | 'entrance_moved' | 'incident'; cause_ref: string;
  due_date: string; window_from: string; window_to: string; extended_due_date: string; detail: Json; created_at: Timestamp; updated_at: Timestamp;
}

/** Reminders and notices (migration 0006). */
export type NoticeStatus = 'pending' | 'sent' | 'failed' | 'skipped' | 'unknown';
export interface NoticeContactsTable {
  customer_id: string; locale: Generated<'zh-CN' | 'en'>; email: string | null; email_verified_at: Timestamp | null;
  pending_email: string | null; pending_email_at: Timestamp | null; updated_at: Timestamp;
}
export interface NoticesTable {
  customer_id: string; id: string; kind: string; dedup_key: string; business_date: string; plan_id: string | null;
  installment_number: number | null; due_date: string | null; facts: Json<Record<string, unknown>>; channels: Json<string[]>; inbox: boolean;
  status: NoticeStatus; channel_index: Generated<number>; attempts: Generated<number>; next_attempt_at: Timestamp; lease_until: Timestamp | null;
  sending_since: Timestamp | null; inboxed_at: Timestamp | null; sent_channel: string | null; sent_at: Timestamp | null; outcome: string | null;
  created_at: Timestamp; updated_at: Timestamp;
}
export interface NoticeDeliveriesTable {
  customer_id: string; id: string; notice_id: string; channel: string; provider: string;
  status: 'sent' | 'failed' | 'deferred' | 'skipped' | 'unknown'; permanent: Generated<boolean>; provider_ref: string | null; error: string | null; at: Timestamp;
}
export interface InboxMessagesTable {
  customer_id: string; id: string; notice_id: string | null; kind: string; title: string; body: string; action_path: string | null;
  created_at: Timestamp; read_at: Timestamp | null;
}

export interface Database {
  system_state: SystemStateTable; ledger_accounts: LedgerAccountsTable; merchants: MerchantsTable; api_keys: ApiKeysTable;
  products: ProductsTable; merchant_products: MerchantProductsTable; customers: CustomersTable; customer_phones: CustomerPhonesTable;
  credit_lines: CreditLinesTable; plans: PlansTable; merchant_orders: MerchantOrdersTable; installments: InstallmentsTable;
  repayments: RepaymentsTable; allocations: AllocationsTable; waivers: WaiversTable; refunds: RefundsTable; returns: ReturnsTable; schedule_history: ScheduleHistoryTable; journal_entries: JournalEntriesTable; postings: PostingsTable;
  idempotency_keys: IdempotencyKeysTable; audit_log: AuditLogTable; events: EventsTable; webhook_deliveries: WebhookDeliveriesTable;
  otp_codes: OtpCodesTable; sessions: SessionsTable; staff_sessions: StaffSessionsTable;
  close_runs: CloseRunsTable; close_partitions: ClosePartitionsTable; close_accruals: CloseAccrualsTable; close_errors: CloseErrorsTable; close_outbox: CloseOutboxTable;
  payments: PaymentsTable; payment_orders: PaymentOrdersTable; payment_notifications: PaymentNotificationsTable; alerts: AlertsTable;
  sandbox_trades: SandboxTradesTable; sandbox_refunds: SandboxRefundsTable; sandbox_agreements: SandboxAgreementsTable;
  autodebit_agreements: AutodebitAgreementsTable; autodebit_attempts: AutodebitAttemptsTable; reconciliations: ReconciliationsTable;
  partners: PartnersTable; plan_funding: PlanFundingTable; partner_settlements: PartnerSettlementsTable; portfolio_transfers: PortfolioTransfersTable;
  portfolio_transfer_plans: PortfolioTransferPlansTable; continuity_notices: ContinuityNoticesTable; entrances: EntrancesTable;
  entrance_status_history: EntranceStatusHistoryTable; entrance_maintenance: EntranceMaintenanceTable; incidents: IncidentsTable; plan_protections: PlanProtectionsTable;
  notice_contacts: NoticeContactsTable; notices: NoticesTable; notice_deliveries: NoticeDeliveriesTable; inbox_messages: InboxMessagesTable;
}
