import type { BusinessDate } from '../core/calendar/business-date.ts';

/**
 * Ports the use cases talk through (GUIDE: adapters at the edge). Time comes in two kinds:
 * the wall clock (when something was written) and the business date (which day's books it
 * belongs to). They are separate so tests and the simulator can travel through months.
 */
export interface Clock {
  now(): Date;
}

export interface BusinessCalendar {
  /** The open business date: the day after the last closed one, or today's date in Shanghai. */
  today(): Promise<BusinessDate>;
}

export interface IdGenerator {
  /** Time-sortable unique id (UUIDv7). */
  next(): string;
}

export interface Notification {
  channel: 'sms' | 'email' | 'inbox' | 'log';
  to: string;
  template: string;
  locale: 'zh-CN' | 'en';
  params: Record<string, string>;
  dedupKey?: string;
}

export interface Notifier {
  send(notification: Notification): Promise<void>;
}

export interface RiskInput {
  customerId: string;
  financedFen: number;
  availableFen: number;
  accountAgeDays: number;
  overdueInstallments: number;
}
export interface RiskDecision { approve: boolean; reasons: string[]; source: string }
/** Pluggable origination decision after the built-in rules (a scorecard, a bureau call). */
export interface RiskDecider {
  decide(input: RiskInput): Promise<RiskDecision>;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests and the simulator can move. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date { return new Date(this.current.getTime()); }
  set(at: Date): void { this.current = new Date(at.getTime()); }
  advance(ms: number): void { this.current = new Date(this.current.getTime() + ms); }
}
