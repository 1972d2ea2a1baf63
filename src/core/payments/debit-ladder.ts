import { addDays, type BusinessDate } from '../calendar/business-date.ts';

/**
 * The auto-debit (自动扣款) retry ladder: the times, in Shanghai, at which the amount due is
 * attempted — several times on the due date (salaries and transfers land during the day),
 * then once on each grace day. Data, so a product or a deployment can set its own.
 */
export interface DebitLadder {
  /** "HH:MM" on the due date, ascending. */
  dueDayTimes: string[];
  /** "HH:MM" on each grace day. */
  graceDayTime: string;
}

export const DEFAULT_LADDER: DebitLadder = { dueDayTimes: ['08:00', '12:00', '20:00'], graceDayTime: '10:00' };

export interface LadderSlot { slot: number; day: BusinessDate; at: Date }

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function parseLadder(text: string | undefined): DebitLadder {
  if (!text) return DEFAULT_LADDER;
  // "08:00,12:00,20:00;10:00"
  const [due, grace] = text.split(';');
  const dueDayTimes = (due ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const graceDayTime = (grace ?? DEFAULT_LADDER.graceDayTime).trim();
  if (dueDayTimes.length === 0 || ![...dueDayTimes, graceDayTime].every((t) => HHMM.test(t))) throw new Error(`debit ladder "${text}" is not "HH:MM,...;HH:MM"`);
  return { dueDayTimes: [...dueDayTimes].sort(), graceDayTime };
}

const shanghai = (day: BusinessDate, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`);

/** Every attempt time for one due date: the due-day times, then one per grace day. */
export function ladderSlots(dueDate: BusinessDate, graceDays: number, ladder: DebitLadder = DEFAULT_LADDER): LadderSlot[] {
  const slots: LadderSlot[] = ladder.dueDayTimes.map((t, i) => ({ slot: i, day: dueDate, at: shanghai(dueDate, t) }));
  for (let d = 1; d <= graceDays; d++) {
    const day = addDays(dueDate, d);
    slots.push({ slot: slots.length, day, at: shanghai(day, ladder.graceDayTime) });
  }
  return slots;
}

/**
 * The slot to attempt now: the latest one whose time has come, as long as its window (until
 * the next slot, or the end of its day for the last) is still open. A slot missed while the
 * server was down is not made up later: one attempt per window, never a burst.
 */
export function currentSlot(slots: LadderSlot[], now: Date): LadderSlot | undefined {
  for (let i = slots.length - 1; i >= 0; i--) {
    const s = slots[i]!;
    if (s.at.getTime() > now.getTime()) continue;
    const end = slots[i + 1]?.at ?? shanghai(addDays(s.day, 1), '00:00');
    return now.getTime() < end.getTime() ? s : undefined;
  }
  return undefined;
}
