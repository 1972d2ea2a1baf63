import { formatYuan } from '../../core/money/parse.ts';
import type { Restructure } from '../../core/hardship/restructure.ts';
import type { HardshipPlansTable } from '../collections/tables.ts';
import type { Selectable } from 'kysely';

/** What the customer is shown and agrees to, frozen at the offer: acceptance must reproduce it exactly. */
export interface OfferPreview {
  schedule: { number: number; dueDate: string; principal: string; interest: string; fee: string; total: string }[];
  figures: Record<string, string>;
  /** The old schedule's next unpaid installment and the new schedule's largest one ("lower the installment"). */
  installmentBefore: string;
  installmentAfter: string;
}

export function previewOf(r: Restructure, installmentBefore: number): OfferPreview {
  return {
    schedule: r.schedule.map((s) => ({ number: s.number, dueDate: s.dueDate, principal: formatYuan(s.principal), interest: formatYuan(s.interest), fee: formatYuan(s.fee), total: formatYuan(s.total) })),
    figures: Object.fromEntries(Object.entries(r.figures).map(([k, v]) => [k, formatYuan(v)])),
    installmentBefore: formatYuan(installmentBefore),
    installmentAfter: formatYuan(Math.max(...r.schedule.map((s) => s.total))),
  };
}

export interface OfferView {
  offerId: string; customerId: string; planId: string; status: string; approval: string; terms: number; firstDueDate: string;
  penaltyWaived: string; capitalised: string; offeredOn: string; expiresAt: string; acceptedOn: string | null; preview: OfferPreview;
}

export function offerView(row: Selectable<HardshipPlansTable>): OfferView {
  return {
    offerId: row.id, customerId: row.customer_id, planId: row.plan_id, status: row.status, approval: row.approval, terms: row.terms,
    firstDueDate: row.first_due_date, penaltyWaived: formatYuan(Number(row.penalty_waived_fen)), capitalised: formatYuan(Number(row.capitalised_fen)),
    offeredOn: row.offered_on, expiresAt: new Date(row.expires_at).toISOString(), acceptedOn: row.accepted_on, preview: row.preview as OfferPreview,
  };
}
