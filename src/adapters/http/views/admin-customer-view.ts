import { Type } from 'typebox';
import type { CustomerRow, CustomerSummary } from '../../../app/admin/find-customers.ts';
import type { CreditLineRow } from '../../../app/admin/get-credit-line.ts';
import { formatYuan } from '../../../core/money/parse.ts';
import { Money } from '../schemas.ts';
import { iso, isoOrNull, MoneyThat, Nullable, Paged, Reason, Timestamp } from './admin-schemas.ts';

const PhoneMasked = Nullable(Type.String({ description: 'masked (138****1234); null once erased at account cancellation', examples: ['138****8000'] }));

export const PhoneLookupBody = Type.Object({ phone: Type.String({ minLength: 11, maxLength: 20 }) }, {
  additionalProperties: false, description: 'in the body, not the URL, so the number stays out of access logs', examples: [{ phone: '13800138000' }],
});
export const RevealBody = Type.Object({ reason: Reason }, { additionalProperties: false, examples: [{ reason: 'customer called from a new number; verifying identity per ticket #4411' }] });
export const RevealedPhoneSchema = Type.Object({ customerId: Type.String(), phone: Type.String({ examples: ['13800138000'] }) });
export const SetLimitBody = Type.Object({ total: MoneyThat('the credit limit (额度)'), reason: Type.Optional(Reason) }, { additionalProperties: false, examples: [{ total: '30000.00', reason: 'annual review: good repayment history' }] });
export const FreezeBody = Type.Object({ reason: Reason }, { additionalProperties: false, examples: [{ reason: 'customer reported the phone stolen' }] });

export const AdminCreditLineSchema = Type.Object({
  customerId: Type.String(), total: MoneyThat("the credit limit (额度); the names match the customer's /v1/me/credit-line"), used: Money,
  available: Type.String({ description: 'total − used, never below 0.00' }), creditBalance: Money, frozen: Type.Boolean(), frozenReason: Nullable(Type.String()),
  warnings: Type.Array(Type.String(), { description: 'why checkout would be refused, in words' }), updatedAt: Timestamp,
}, { examples: [{ customerId: '0192f0c8-5c2a-7000-8000-000000000002', total: '20000.00', used: '6000.00', available: '14000.00', creditBalance: '0.00', frozen: false, frozenReason: null, warnings: [], updatedAt: '2026-01-05T02:00:00.000Z' }] });

const customerFields = {
  customerId: Type.String(), phoneMasked: PhoneMasked, status: Type.String({ enum: ['active', 'cancelled'] }),
  statementDay: Type.Integer(), dueDay: Type.Integer(), createdAt: Timestamp, cancelledAt: Nullable(Timestamp),
};
export const CustomerListItemSchema = Type.Object(customerFields);
export const CustomerPageSchema = Paged(CustomerListItemSchema);
export const CustomerSummarySchema = Type.Object({
  ...customerFields, creditLine: AdminCreditLineSchema,
  plans: Type.Array(Type.Object({
    planId: Type.String(), merchantId: Type.String(), merchantOrderId: Type.String(), productId: Type.String(), status: Type.String(), terms: Type.Integer(),
    financed: Money, outstanding: Money, overdueInstallments: Type.Integer(), createdAt: Timestamp,
  })),
});

export function creditLineView(l: CreditLineRow) {
  const warnings: string[] = [];
  if (l.frozen) warnings.push(`frozen (${l.frozen_reason ?? 'no reason recorded'}): new plans are refused; repayment is not affected`);
  if (l.used_fen > l.limit_fen) warnings.push(`the limit is ${formatYuan(l.used_fen - l.limit_fen)} below what is in use: new plans are refused until repaid principal brings use under the limit`);
  return {
    customerId: l.customer_id, total: formatYuan(l.limit_fen), used: formatYuan(l.used_fen), available: formatYuan(Math.max(0, l.limit_fen - l.used_fen)),
    creditBalance: formatYuan(l.credit_balance_fen), frozen: l.frozen, frozenReason: l.frozen_reason, warnings, updatedAt: iso(l.updated_at),
  };
}

export const customerItemView = (c: CustomerRow) => ({
  customerId: c.id, phoneMasked: c.phone_masked, status: c.status, statementDay: c.statement_day, dueDay: c.due_day,
  createdAt: iso(c.created_at), cancelledAt: isoOrNull(c.cancelled_at),
});

export const customerSummaryView = (s: CustomerSummary) => ({
  ...customerItemView(s.customer), creditLine: creditLineView(s.line),
  plans: s.plans.map((p) => ({
    planId: p.id, merchantId: p.merchant_id, merchantOrderId: p.merchant_order_id, productId: p.product_id, status: p.status, terms: p.terms,
    financed: formatYuan(p.financed_fen), outstanding: formatYuan(p.outstanding_fen), overdueInstallments: p.overdue_installments, createdAt: iso(p.created_at),
  })),
});
