import type { FastifyReply } from 'fastify';
import type { DomainError, ErrorCode } from '../../core/errors.ts';

/** The one table from domain error code to HTTP status (GUIDE rule 3). Unlisted codes are 422. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  validation_failed: 400,
  amount_invalid: 400,
  rate_invalid: 400,
  terms_invalid: 400,
  date_invalid: 400,
  method_unknown: 400,
  rate_required: 400,
  down_payment_invalid: 400,
  return_amount_invalid: 400,
  allocation_strategy_unknown: 400,
  unauthorized: 401,
  otp_invalid: 401,
  otp_expired: 401,
  forbidden: 403,
  reauthentication_required: 403,
  not_found: 404,
  plan_not_found: 404,
  customer_not_found: 404,
  product_not_found: 404,
  merchant_not_found: 404,
  repayment_not_found: 404,
  bill_not_found: 404,
  payment_not_found: 404,
  webhook_not_found: 404,
  ticket_not_found: 404,
  approval_not_found: 404,
  idempotency_key_reused: 409,
  idempotency_key_in_flight: 409,
  merchant_order_exists: 409,
  repayment_already_reversed: 409,
  phone_in_use: 409,
  payment_in_flight: 409,
  conflict: 409,
  case_not_found: 404,
  hardship_offer_not_found: 404,
  hardship_offer_stale: 409,
  ticket_status_invalid: 409,
  credit_report_not_found: 404,
  credit_report_month_open: 409,
  otp_too_many_attempts: 429,
  rate_limited: 429,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code] ?? 422;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  field?: string;
  [extra: string]: unknown;
}

export function toProblem(error: DomainError, status = statusOf(error.code)): Problem {
  return {
    type: `https://fenqi.dev/problems/${error.code}`,
    title: error.code.replace(/_/g, ' '),
    status,
    code: error.code,
    detail: error.message,
    ...(error.field ? { field: error.field } : {}),
    ...(error.details ?? {}),
  };
}

/** Sends RFC 9457 problem+json. */
export function sendProblem(reply: FastifyReply, error: DomainError, status?: number): FastifyReply {
  const problem = toProblem(error, status);
  return reply.code(problem.status).type('application/problem+json').send(problem);
}
