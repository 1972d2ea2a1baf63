/**
 * A payment's life: created (our row exists, the gateway not yet asked) → pending (the
 * customer has a cashier/QR) → succeeded | failed | expired. Money that arrives always wins:
 * a verified "paid" settles a failed or expired payment too, because the customer's money
 * is real whatever we thought of the attempt (the extra, if any, becomes credit balance).
 */
export const PAYMENT_STATUSES = ['created', 'pending', 'succeeded', 'failed', 'expired'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const GATEWAYS = ['sandbox', 'alipay', 'wechatpay'] as const;
export type GatewayName = (typeof GATEWAYS)[number];
export const isGatewayName = (s: string): s is GatewayName => (GATEWAYS as readonly string[]).includes(s);

/** In flight: the customer may have paid and we do not know yet. */
export const IN_FLIGHT: readonly PaymentStatus[] = ['created', 'pending'];
export const isInFlight = (s: PaymentStatus): boolean => IN_FLIGHT.includes(s);

/** What the customer sees. In flight is "processing" (处理中), never "unpaid". */
export type CustomerPaymentState = 'processing' | 'paid' | 'failed' | 'expired';
export function customerState(s: PaymentStatus): CustomerPaymentState {
  switch (s) {
    case 'created': case 'pending': return 'processing';
    case 'succeeded': return 'paid';
    case 'failed': return 'failed';
    case 'expired': return 'expired';
  }
}

export const CUSTOMER_STATE_LABELS: Record<CustomerPaymentState, string> = {
  processing: '处理中', paid: '已支付', failed: '支付失败', expired: '已过期',
};

/** Our order number at the gateways: the payment id without dashes (32 hex; WeChat allows at most 32). */
export function outTradeNoOf(paymentId: string): string {
  return paymentId.replace(/-/g, '').toLowerCase();
}

/** The inverse, or null when the text cannot be one of ours. */
export function paymentIdOf(outTradeNo: string): string | null {
  if (!/^[0-9a-f]{32}$/.test(outTradeNo)) return null;
  const h = outTradeNo;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
