import { Type } from 'typebox';
import type { AuditRow } from '../../../app/admin/list-audit-log.ts';
import type { JournalEntryLine } from '../../../app/admin/list-journal.ts';
import type { TrialBalance } from '../../../app/admin/trial-balance.ts';
import type { Page } from '../../../app/admin/paging.ts';
import type { LedgerCheckReport } from '../../../app/check-ledger.ts';
import { formatYuan } from '../../../core/money/parse.ts';
import { maskPhonesIn } from '../../../core/privacy/mask.ts';
import { DateString, Money } from '../schemas.ts';
import { iso, Nullable, Paged, Timestamp } from './admin-schemas.ts';

export const DateRangeQuery = Type.Object({
  from: Type.Optional(DateString), to: Type.Optional(DateString),
}, { additionalProperties: false, examples: [{ from: '2026-01-01', to: '2026-01-31' }] });

export const TrialBalanceSchema = Type.Object({
  from: Nullable(Type.String()), to: Nullable(Type.String()),
  lines: Type.Array(Type.Object({ account: Type.String(), name: Type.String(), normalSide: Type.String({ enum: ['debit', 'credit'] }), debit: Money, credit: Money, balance: Money })),
  totals: Type.Object({ debit: Money, credit: Money }), balanced: Type.Boolean(),
});

const Failures = Type.Array(Type.String());
export const LedgerCheckSchema = Type.Object({
  ok: Type.Boolean(), range: Type.Object({ from: Type.Optional(Type.String()), to: Type.Optional(Type.String()) }),
  totals: Type.Object({ debit: Money, credit: Money }), accounts: Type.Array(Type.Object({ account: Type.String(), debit: Money, credit: Money })),
  failures: Type.Record(Type.String(), Failures, { description: 'each list names what failed (up to 50); all empty when ok' }),
  counts: Type.Record(Type.String(), Type.Integer()),
});

const Posting = Type.Object({ seq: Type.Integer(), debitAccount: Type.String(), creditAccount: Type.String(), amount: Money, planId: Nullable(Type.String()) });
export const JournalPageSchema = Paged(Type.Object({
  entryId: Type.String(), kind: Type.String(), reference: Type.String(), businessDate: Type.String(), createdAt: Timestamp, postings: Type.Array(Posting),
}));

export const AuditQuery = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 200, description: 'prefix of "kind:id:role", e.g. "staff:" or "merchant:<id>"' })),
  action: Type.Optional(Type.String({ maxLength: 100, description: 'an action, or a family ("credit_line" matches credit_line.freeze)' })),
  target: Type.Optional(Type.String({ maxLength: 200, description: 'exactly, e.g. "customer:<id>"' })),
});
export const AuditPageSchema = Paged(Type.Object({
  id: Type.String(), at: Timestamp, actor: Type.String(), action: Type.String(), target: Nullable(Type.String()), ip: Nullable(Type.String()),
  details: Type.Object({}, { additionalProperties: true }),
}, { examples: [{
  id: '0192f0c8-5c2a-7000-8000-0000000000a1', at: '2026-01-05T02:00:00.000Z', actor: 'staff:0192f0c8-5c2a-7000-8000-00000000000a:supervisor',
  action: 'customer.reveal_phone', target: 'customer:0192f0c8-5c2a-7000-8000-000000000003', ip: '10.0.0.8', details: { reason: 'identity check, ticket 4411' },
}] }));

export const trialBalanceView = (t: TrialBalance) => ({
  from: t.from, to: t.to, balanced: t.balanced, totals: { debit: formatYuan(t.totals.debitFen), credit: formatYuan(t.totals.creditFen) },
  lines: t.lines.map((l) => ({ account: l.account, name: l.name, normalSide: l.normalSide, debit: formatYuan(l.debitFen), credit: formatYuan(l.creditFen), balance: formatYuan(l.balanceFen) })),
});

export const ledgerCheckView = (r: LedgerCheckReport) => ({
  ok: r.ok, range: r.range, totals: { debit: formatYuan(r.totals.debitFen), credit: formatYuan(r.totals.creditFen) },
  accounts: r.accounts.map((a) => ({ account: a.account, debit: formatYuan(a.debitFen), credit: formatYuan(a.creditFen) })),
  failures: r.failures as Record<string, string[]>, counts: r.counts as unknown as Record<string, number>,
});

export const journalPageView = (p: Page<JournalEntryLine>) => ({
  nextCursor: p.nextCursor,
  items: p.items.map((e) => ({
    entryId: e.id, kind: e.kind, reference: e.reference, businessDate: e.businessDate, createdAt: iso(e.createdAt),
    postings: e.postings.map((x) => ({ seq: x.seq, debitAccount: x.debitAccount, creditAccount: x.creditAccount, amount: formatYuan(x.amountFen), planId: x.planId })),
  })),
});

/** Rows are masked when written; masking again on the way out costs little and covers any row written around audit(). */
export const auditPageView = (p: Page<AuditRow>) => ({
  nextCursor: p.nextCursor,
  items: p.items.map((a) => ({
    id: a.id, at: iso(a.at), actor: a.actor, action: a.action, target: a.target, ip: a.ip,
    details: JSON.parse(maskPhonesIn(JSON.stringify(a.details ?? {}))) as Record<string, unknown>,
  })),
});
