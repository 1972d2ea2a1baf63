import { Type } from 'typebox';
import type { CustomerPicture } from '../../../app/service/customer-picture.ts';
import type { TicketDetail } from '../../../app/service/get-ticket.ts';
import type { TicketWithSla } from '../../../app/service/list-tickets.ts';
import type { AdjustmentOutcome } from '../../../app/service/request-adjustment.ts';
import type { ApprovalRow, TicketEventRow } from '../../../app/service/tables.ts';
import type { PaymentRow } from '../../../app/payments/payment-store.ts';
import type { BusinessDate } from '../../../core/calendar/business-date.ts';
import { formatYuan } from '../../../core/money/parse.ts';
import { CATEGORY_RULES, TICKET_CATEGORIES } from '../../../core/service/categories.ts';
import { TICKET_STATUSES } from '../../../core/service/status-flow.ts';
import { Money } from '../schemas.ts';
import { customerSummaryView, CustomerSummarySchema } from '../views/admin-customer-view.ts';
import { CurrentBillSchema } from '../views/customer-schemas.ts';
import { currentBillView } from '../views/customer-views.ts';
import { iso, isoOrNull, Nullable, Timestamp } from '../views/admin-schemas.ts';

/** Schemas and views of the customer-service API. Free text was masked when stored; phones only ever appear masked. */

const TICKET_ID = '0192f0c8-5c2a-7000-8000-0000000000a1';
const CUSTOMER_ID = '0192f0c8-5c2a-7000-8000-000000000002';

export const SlaSchema = Type.Object({
  firstResponseDueAt: Timestamp, resolutionDueAt: Timestamp, firstResponseAt: Nullable(Timestamp), resolvedAt: Nullable(Timestamp),
  firstResponseBreached: Type.Boolean(), resolutionBreached: Type.Boolean(), breached: Type.Boolean({ description: 'either timer late, by the clock now' }),
});
export const TicketSchema = Type.Object({
  id: Type.String(), customerId: Type.String(), category: Type.String({ enum: [...TICKET_CATEGORIES] }), categoryLabel: Type.String({ examples: ['找不到还款入口'] }),
  status: Type.String({ enum: [...TICKET_STATUSES] }), subject: Type.String(), description: Type.String(), source: Type.String({ enum: ['portal', 'agent'] }),
  openedBy: Type.Optional(Type.String()), assignee: Type.Optional(Nullable(Type.String({ description: 'staff key id' }))),
  planIds: Type.Array(Type.String()), paymentIds: Type.Array(Type.String()), sla: SlaSchema,
  createdAt: Timestamp, updatedAt: Timestamp, closedAt: Nullable(Timestamp),
}, {
  examples: [{
    id: TICKET_ID, customerId: CUSTOMER_ID, category: 'cannot_find_entrance', categoryLabel: '找不到还款入口', status: 'open', subject: '原来的还款入口关了',
    description: '原来的还款入口关了，不知道在哪里还款', source: 'portal', planIds: [], paymentIds: [],
    sla: { firstResponseDueAt: '2026-01-05T02:30:00.000Z', resolutionDueAt: '2026-01-05T06:00:00.000Z', firstResponseAt: null, resolvedAt: null, firstResponseBreached: false, resolutionBreached: false, breached: false },
    createdAt: '2026-01-05T02:00:00.000Z', updatedAt: '2026-01-05T02:00:00.000Z', closedAt: null,
  }],
});
export const TicketEventSchema = Type.Object({
  at: Timestamp, by: Type.String({ description: 'customer, staff (to the customer) or the staff actor (to staff)' }), kind: Type.String({ enum: ['opened', 'status', 'comment', 'assigned', 'action'] }),
  fromStatus: Nullable(Type.String()), toStatus: Nullable(Type.String()), body: Nullable(Type.String()), detail: Type.Record(Type.String(), Type.Unknown()),
});
export const TicketDetailSchema = Type.Object({ ...TicketSchema.properties, history: Type.Array(TicketEventSchema) });
export const TicketListSchema = Type.Object({ items: Type.Array(TicketSchema), nextCursor: Nullable(Type.String()) });

type Audience = 'customer' | 'staff';

export function ticketView({ ticket: t, sla }: TicketWithSla, audience: Audience) {
  return {
    id: t.id, customerId: t.customer_id, category: t.category, categoryLabel: CATEGORY_RULES[t.category].labelZh, status: t.status,
    subject: t.subject, description: t.description, source: t.source,
    // Staff key ids are internal: the customer sees that staff acted, not which key.
    ...(audience === 'staff' ? { openedBy: t.opened_by, assignee: t.assignee } : {}),
    planIds: t.plan_ids, paymentIds: t.payment_ids,
    sla: {
      firstResponseDueAt: iso(t.first_response_due_at), resolutionDueAt: iso(t.resolution_due_at), firstResponseAt: isoOrNull(t.first_response_at), resolvedAt: isoOrNull(t.resolved_at),
      ...sla,
    },
    createdAt: iso(t.created_at), updatedAt: iso(t.updated_at), closedAt: isoOrNull(t.closed_at),
  };
}

const eventView = (e: TicketEventRow, audience: Audience) => ({
  at: iso(e.at), by: audience === 'staff' ? e.actor : e.actor.split(':')[0]!, kind: e.kind, fromStatus: e.from_status, toStatus: e.to_status, body: e.body, detail: e.detail,
});

export const ticketDetailView = (d: TicketDetail, audience: Audience) => ({ ...ticketView(d, audience), history: d.history.map((e) => eventView(e, audience)) });

export const ApprovalSchema = Type.Object({
  id: Type.String(), customerId: Type.String(), ticketId: Nullable(Type.String()), kind: Type.String({ enum: ['waive', 'refund'] }), amount: Money,
  params: Type.Record(Type.String(), Type.Unknown()), reason: Type.String(), requestedBy: Type.String(), requestedRole: Type.String(),
  status: Type.String({ enum: ['pending', 'approved', 'rejected'] }), decidedBy: Nullable(Type.String()), decidedRole: Nullable(Type.String()),
  decidedAt: Nullable(Timestamp), decisionNote: Nullable(Type.String()), result: Nullable(Type.Record(Type.String(), Type.Unknown())), createdAt: Timestamp,
});
export const approvalView = (a: ApprovalRow) => ({
  id: a.id, customerId: a.customer_id, ticketId: a.ticket_id, kind: a.kind, amount: formatYuan(a.amount_fen), params: a.params, reason: a.reason,
  requestedBy: a.requested_by, requestedRole: a.requested_role, status: a.status, decidedBy: a.decided_by, decidedRole: a.decided_role,
  decidedAt: isoOrNull(a.decided_at), decisionNote: a.decision_note, result: a.result, createdAt: iso(a.created_at),
});

export const AdjustmentSchema = Type.Object({
  outcome: Type.String({ enum: ['done', 'pending_approval'], description: 'done: the money moved now; pending_approval: above your limit, waiting for a second person' }),
  result: Type.Optional(Type.Record(Type.String(), Type.Unknown())), approval: Type.Optional(ApprovalSchema),
  approverRoles: Type.Optional(Type.Array(Type.String())),
}, { examples: [{ outcome: 'done', result: { kind: 'waive', waiverId: '0192f0c8-5c2a-7000-8000-0000000000b1', amount: '30.00' } }] });
export const adjustmentView = (o: AdjustmentOutcome) => (o.outcome === 'done'
  ? { outcome: o.outcome, result: { ...o.result, amount: formatYuan(o.result.amountFen) } }
  : { outcome: o.outcome, approval: approvalView(o.approval), approverRoles: o.approverRoles });

/** A payment as staff see it: no cashier link (that is the customer's to open), the raw status beside the customer's. */
export const StaffPaymentSchema = Type.Object({
  id: Type.String(), status: Type.String(), gateway: Type.String(), kind: Type.String(), amount: Money, planIds: Type.Array(Type.String()),
  outTradeNo: Type.String(), repaymentId: Nullable(Type.String()), failureReason: Nullable(Type.String()), createdAt: Timestamp, expiresAt: Timestamp, settledAt: Nullable(Timestamp),
});
export const staffPaymentView = (p: PaymentRow) => ({
  id: p.id, status: p.status, gateway: p.gateway, kind: p.kind, amount: formatYuan(p.amount_fen), planIds: p.plan_ids as string[], outTradeNo: p.out_trade_no,
  repaymentId: p.repayment_id, failureReason: p.failure_reason, createdAt: iso(p.created_at), expiresAt: iso(p.expires_at), settledAt: isoOrNull(p.settled_at),
});

const EntranceRef = Nullable(Type.Object({ code: Type.String(), kind: Type.String(), name: Type.String(), url: Type.String(), status: Nullable(Type.String()) }));
export const PictureSchema = Type.Object({
  customer: CustomerSummarySchema,
  currentBill: CurrentBillSchema,
  paymentsInFlight: Type.Array(StaffPaymentSchema),
  recentPayments: Type.Array(StaffPaymentSchema),
  autoDebit: Type.Object({
    agreements: Type.Array(Type.Object({ id: Type.String(), planId: Nullable(Type.String()), gateway: Type.String(), status: Type.String(), createdAt: Timestamp, endReason: Nullable(Type.String()) })),
    attempts: Type.Array(Type.Object({ id: Type.String(), dueDate: Type.String(), amount: Money, result: Type.String(), reason: Nullable(Type.String()), paymentId: Nullable(Type.String()), at: Timestamp })),
  }),
  notices: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), status: Type.String(), businessDate: Type.String(), dueDate: Nullable(Type.String()), sentChannel: Nullable(Type.String()), sentAt: Nullable(Timestamp), outcome: Nullable(Type.String()) })),
  tickets: Type.Array(TicketSchema),
  pendingApprovals: Type.Array(ApprovalSchema),
  whereToPay: Type.Array(Type.Object({ planId: Type.String(), payAt: EntranceRef, usual: EntranceRef, rerouted: Type.Boolean(), reason: Type.String() }), { description: 'the entrance each open plan can be paid at right now' }),
}, { description: "one customer's whole account for the agent on the phone (phone masked)" });

export const pictureView = (p: CustomerPicture, today: BusinessDate) => ({
  customer: customerSummaryView(p.summary),
  currentBill: currentBillView(p.currentBill, today),
  paymentsInFlight: p.paymentsInFlight.map(staffPaymentView),
  recentPayments: p.recentPayments.map(staffPaymentView),
  autoDebit: {
    agreements: p.autoDebit.agreements.map((a) => ({ id: a.id, planId: a.plan_id, gateway: a.gateway, status: a.status, createdAt: iso(a.created_at), endReason: a.end_reason })),
    attempts: p.autoDebit.attempts.map((a) => ({ id: a.id, dueDate: a.due_date, amount: formatYuan(a.amount_fen), result: a.result, reason: a.reason, paymentId: a.payment_id, at: iso(a.finished_at ?? a.created_at) })),
  },
  notices: p.notices.map((n) => ({ id: n.id, kind: n.kind, status: n.status, businessDate: n.business_date, dueDate: n.due_date, sentChannel: n.sent_channel, sentAt: isoOrNull(n.sent_at), outcome: n.outcome })),
  tickets: p.tickets.map((t) => ticketView(t, 'staff')),
  pendingApprovals: p.pendingApprovals.map(approvalView),
  whereToPay: p.whereToPay,
});
