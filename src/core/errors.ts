/**
 * The closed list of domain error codes. Codes are stable: clients and the
 * HTTP error table key on them, so never rename one; add new ones instead.
 */
export const ERROR_CODES = [
  'amount_invalid',
  'rate_invalid',
  'terms_invalid',
  'date_invalid',
  'method_unknown',
  'rate_required',
  'down_payment_invalid',
  'apr_above_cap',
  'allocation_strategy_unknown',
  'validation_failed',
  'not_found',
  'plan_not_found',
  'customer_not_found',
  'product_not_found',
  'merchant_not_found',
  'product_not_offered',
  'credit_line_insufficient',
  'credit_line_frozen',
  'origination_declined',
  'plan_not_active',
  'nothing_owed',
  'repayment_not_found',
  'repayment_already_reversed',
  'return_amount_invalid',
  'idempotency_key_reused',
  'idempotency_key_in_flight',
  'merchant_order_exists',
  'unauthorized',
  'forbidden',
  'otp_invalid',
  'otp_expired',
  'otp_too_many_attempts',
  'rate_limited',
  'account_has_balance',
  'phone_in_use',
  'conflict',
  'session_required',
  'reauthentication_required',
  'account_cancelled',
  'customer_data_erased',
  'plan_not_returnable',
  'credit_balance_insufficient',
  'waiver_invalid',
  'payoff_quote_stale',
  'limit_exceeded',
  'approval_required',
  'product_invalid',
  'webhook_not_found',
  'bill_not_found',
  'payoff_amount_insufficient',
  'payment_in_flight',
  'payment_not_found',
  'gateway_unavailable',
  'gateway_not_configured',
  'ticket_not_found',
  'ticket_status_invalid',
  'approval_not_found',
  'contact_quiet_hours',
  'contact_limit_reached',
  'case_not_found',
  'hardship_offer_not_found',
  'hardship_offer_expired',
  'hardship_offer_stale',
  'credit_report_not_found',
  'credit_report_month_open',
  // Append new codes above this line; never rename or remove one.
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface DomainError {
  code: ErrorCode;
  message: string;
  /** Which input field was wrong, when there is one. */
  field?: string;
  details?: Record<string, unknown>;
}

export const domainError = (code: ErrorCode, message: string, field?: string, details?: Record<string, unknown>): DomainError =>
  ({ code, message, ...(field ? { field } : {}), ...(details ? { details } : {}) });
