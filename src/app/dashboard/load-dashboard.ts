import type { Db } from '../../adapters/db/tx.ts';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { delinquencyByMonth, vintageCurves, type DelinquencyMonth, type Vintage } from './delinquency.ts';
import {
  autoDebitByDay, closeRuns, entrancesAndIncidents, noticesByDay, partnersAndSettlements,
  type AutoDebitDay, type CloseRun, type EntranceState, type Incident, type NoticeDay, type PartnerQuota, type PartnerSettlement,
} from './operations.ts';
import { collectionsByDay, outstandingPrincipal, type CollectionDay, type DatedFen } from './portfolio.ts';
import type { DashboardWindow } from './window.ts';

export interface Dashboard {
  window: DashboardWindow;
  outstanding: DatedFen[];
  collections: CollectionDay[];
  delinquency: DelinquencyMonth[];
  vintages: Vintage[];
  autoDebit: AutoDebitDay[];
  notices: NoticeDay[];
  closeRuns: CloseRun[];
  entrances: EntranceState[];
  incidents: Incident[];
  partners: PartnerQuota[];
  settlements: PartnerSettlement[];
}

/**
 * Everything the operator dashboard shows, as of the business date: a dozen grouped
 * queries run side by side, none of which loads plans one by one, so the page costs the same
 * for a hundred plans or a million (the database does the counting).
 */
export async function loadDashboard(db: Db, today: BusinessDate, days = 30, months = 12): Promise<Dashboard> {
  const window: DashboardWindow = { today, days, months };
  const [outstanding, collections, delinquency, vintages, autoDebit, notices, runs, ent, partners] = await Promise.all([
    outstandingPrincipal(db, window), collectionsByDay(db, window), delinquencyByMonth(db, window), vintageCurves(db, window),
    autoDebitByDay(db, window), noticesByDay(db, window), closeRuns(db, window), entrancesAndIncidents(db), partnersAndSettlements(db, window),
  ]);
  return { window, outstanding, collections, delinquency, vintages, autoDebit, notices, closeRuns: runs, ...ent, ...partners };
}
