import { sql } from 'kysely';
import { addDays } from '../../core/calendar/business-date.ts';
import { shanghaiDateOf } from '../../core/calendar/shanghai.ts';
import type { BusinessCalendar, Clock } from '../../app/ports.ts';
import type { Db } from './tx.ts';

/**
 * The business date lives in the database (system_state), not the wall clock: once a
 * daily close has run, the open date is the day after the last closed one; an operator or
 * a test may also set it. Before anything is set, it is today's date in Shanghai.
 */
export function dbBusinessCalendar(db: Db, clock: Clock): BusinessCalendar {
  return {
    async today() {
      const row = await db.selectFrom('system_state').select('value').where('key', '=', 'business_date').executeTakeFirst();
      return typeof row?.value === 'string' ? row.value : shanghaiDateOf(clock.now());
    },
  };
}

export async function setBusinessDate(db: Db, date: string, at: Date): Promise<void> {
  await sql`insert into system_state (key, value, updated_at) values ('business_date', ${JSON.stringify(date)}, ${at})
            on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`.execute(db);
}

export const nextBusinessDate = (date: string): string => addDays(date, 1);
