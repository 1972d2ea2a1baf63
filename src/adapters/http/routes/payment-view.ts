import { Type } from 'typebox';
import { formatYuan } from '../../../core/money/parse.ts';
import { CUSTOMER_STATE_LABELS, customerState } from '../../../core/payments/payment-status.ts';
import type { PaymentRow } from '../../../app/payments/payment-store.ts';
import { Money } from '../schemas.ts';

export const PaymentSchema = Type.Object({
  id: Type.String(),
  status: Type.String({ enum: ['processing', 'paid', 'failed', 'expired'], description: 'processing (处理中) while the gateway has not told us the result' }),
  statusLabel: Type.String({ examples: ['处理中'] }),
  gateway: Type.String({ enum: ['sandbox', 'alipay', 'wechatpay'] }),
  kind: Type.String({ enum: ['installment', 'bill', 'amount', 'payoff'] }),
  amount: Money,
  planIds: Type.Array(Type.String()),
  installmentNumber: Type.Optional(Type.Integer()),
  dueDate: Type.Optional(Type.String()),
  pay: Type.Union([
    Type.Object({ kind: Type.Literal('redirect'), url: Type.String() }),
    Type.Object({ kind: Type.Literal('qr'), codeUrl: Type.String() }),
    Type.Null(),
  ], { description: 'what to open (cashier page) or show as a QR code; null once the payment is no longer payable' }),
  repaymentId: Type.Union([Type.String(), Type.Null()]),
  failureReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(), expiresAt: Type.String(), settledAt: Type.Union([Type.String(), Type.Null()]),
});

export function paymentView(p: PaymentRow) {
  const state = customerState(p.status);
  const target = p.target as { installmentNumber?: number; dueDate?: string };
  return {
    id: p.id, status: state, statusLabel: CUSTOMER_STATE_LABELS[state], gateway: p.gateway, kind: p.kind, amount: formatYuan(p.amount_fen),
    planIds: p.plan_ids as string[],
    ...(target.installmentNumber ? { installmentNumber: target.installmentNumber } : {}), ...(target.dueDate ? { dueDate: target.dueDate } : {}),
    pay: p.status === 'pending' ? (p.payload as { kind: 'redirect'; url: string } | { kind: 'qr'; codeUrl: string }) : null,
    repaymentId: p.repayment_id, failureReason: p.failure_reason,
    createdAt: p.created_at.toISOString(), expiresAt: p.expires_at.toISOString(), settledAt: p.settled_at ? p.settled_at.toISOString() : null,
  };
}
