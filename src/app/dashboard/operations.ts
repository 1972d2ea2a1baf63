import { sql } from 'kysely';
import type { Db } from '../../adapters/db/tx.ts';
import { listIncidents } from '../entrances/incidents.ts';
import { firstDay, type DashboardWindow } from './window.ts';

export interface AutoDebitDay { date: string; succeeded: number; failed: number }
export interface NoticeDay { date: string; sent: number; failed: number }
export interface CloseRun { date: string; status: string; plans: number; errors: number; seconds: number | null }
export interface EntranceState { code: string; name: string; kind: string; status: string; updatedAt: string }
export interface Incident { id: string; title: string; status: string; startsAt: string; endsAt: string | null; protectedInstallments: number }
export interface PartnerQuota { id: string; code: string; name: string; status: string; quotaFen: number; usedFen: number }
export interface PartnerSettlement { partnerCode: string; date: string; plans: number; netDueFen: number; collectedFen: number }

/**
 * Auto-debit outcomes per day (Beijing date of the attempt). "Failed" is every finished
 * attempt that took no money (insufficient funds, agreement revoked, gateway failure);
 * attempts still running and those skipped (nothing owed) are neither.
 */
export async function autoDebitByDay(db: Db, w: DashboardWindow): Promise<AutoDebitDay[]> {
  const r = await sql<{ date: string; succeeded: number; failed: number }>`
    select (scheduled_at at time zone 'Asia/Shanghai')::date as date,
      count(*) filter (where result = 'succeeded')::bigint as succeeded,
      count(*) filter (where result in ('insufficient_funds', 'agreement_revoked', 'failed'))::bigint as failed
    from autodebit_attempts
    where scheduled_at >= (${firstDay(w)}::date)::timestamp at time zone 'Asia/Shanghai'
      and scheduled_at < (${w.today}::date + 1)::timestamp at time zone 'Asia/Shanghai'
    group by 1 order by 1`.execute(db);
  return r.rows;
}

/** Notices by business date: sent (on any channel) and failed (every channel tried, none took it). */
export async function noticesByDay(db: Db, w: DashboardWindow): Promise<NoticeDay[]> {
  const r = await sql<{ date: string; sent: number; failed: number }>`
    select business_date as date, count(*) filter (where status = 'sent')::bigint as sent, count(*) filter (where status = 'failed')::bigint as failed
    from notices where business_date between ${firstDay(w)}::date and ${w.today}::date group by 1 order by 1`.execute(db);
  return r.rows;
}

/** The daily close's runs over the window, with how long each took. */
export async function closeRuns(db: Db, w: DashboardWindow): Promise<CloseRun[]> {
  const rows = await db.selectFrom('close_runs').select(['business_date', 'status', 'plans_total', 'errors', 'started_at', 'finished_at'])
    .where('business_date', '>=', firstDay(w)).where('business_date', '<=', w.today).orderBy('business_date').execute();
  return rows.map((r) => ({
    date: r.business_date, status: r.status, plans: Number(r.plans_total), errors: Number(r.errors),
    seconds: r.finished_at ? Math.max(0, (r.finished_at.getTime() - r.started_at.getTime()) / 1000) : null,
  }));
}

export async function entrancesAndIncidents(db: Db): Promise<{ entrances: EntranceState[]; incidents: Incident[] }> {
  const [entrances, incidents] = await Promise.all([
    db.selectFrom('entrances').select(['code', 'name', 'kind', 'status', 'updated_at']).orderBy('priority').orderBy('code').execute(),
    listIncidents(db),
  ]);
  return {
    entrances: entrances.map((e) => ({ code: e.code, name: e.name, kind: e.kind, status: e.status, updatedAt: e.updated_at.toISOString() })),
    incidents: incidents.slice(0, 20).map((i) => ({
      id: i.id, title: i.title, status: i.status, startsAt: i.starts_at.toISOString(), endsAt: i.ends_at?.toISOString() ?? null, protectedInstallments: i.protected_installments,
    })),
  };
}

/** Each partner's quota and how much of it is used, and their daily settlements over the window. */
export async function partnersAndSettlements(db: Db, w: DashboardWindow): Promise<{ partners: PartnerQuota[]; settlements: PartnerSettlement[] }> {
  const [partners, settlements] = await Promise.all([
    db.selectFrom('partners').select(['id', 'code', 'name', 'status', 'quota_fen', 'quota_used_fen']).orderBy('priority').orderBy('code').execute(),
    db.selectFrom('partner_settlements as s').innerJoin('partners as p', 'p.id', 's.partner_id')
      .select(['p.code', 's.business_date', 's.plans', 's.net_due_fen', 's.collected_principal_fen', 's.collected_interest_fen', 's.collected_fee_fen', 's.collected_penalty_fen'])
      .where('s.business_date', '>=', firstDay(w)).where('s.business_date', '<=', w.today).orderBy('s.business_date').orderBy('p.code').execute(),
  ]);
  return {
    partners: partners.map((p) => ({ id: p.id, code: p.code, name: p.name, status: p.status, quotaFen: Number(p.quota_fen), usedFen: Number(p.quota_used_fen) })),
    settlements: settlements.map((s) => ({
      partnerCode: s.code, date: s.business_date, plans: Number(s.plans), netDueFen: Number(s.net_due_fen),
      collectedFen: Number(s.collected_principal_fen) + Number(s.collected_interest_fen) + Number(s.collected_fee_fen) + Number(s.collected_penalty_fen),
    })),
  };
}
