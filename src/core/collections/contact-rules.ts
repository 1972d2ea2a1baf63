import { shanghaiDateOf } from '../calendar/shanghai.ts';
import type { BusinessDate } from '../calendar/business-date.ts';
import { domainError, type DomainError } from '../errors.ts';
import { DEFAULT_QUIET_HOURS, isQuiet, type QuietHours } from '../notices/quiet-hours.ts';
import { err, ok, type Result } from '../result.ts';

/**
 * China's debt collection conduct rules (互联网金融逾期债务催收自律公约; the 2021 guidance on
 * collection conduct) forbid contact between 21:00 and 08:00 and frequent harassing contact,
 * and limit contact to the debtor. The window's start is inside it and its end is not
 * (21:00:00 is refused, 08:00:00 is allowed), the same convention as SMS quiet hours.
 */
export const COLLECTION_QUIET_HOURS: QuietHours = DEFAULT_QUIET_HOURS;
export const DEFAULT_CONTACTS_PER_DAY = 3;

export const CONTACT_CHANNELS = ['phone', 'sms', 'app'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
export const CONTACT_OUTCOMES = ['reached', 'no_answer', 'busy', 'promise_to_pay', 'refused_to_pay', 'dispute', 'hardship_requested'] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

export interface ContactAttempt {
  at: Date;
  /** Attempts already recorded with this customer on the Shanghai calendar day of `at`. */
  attemptsToday: number;
  contactsPerDay: number;
}

/** The Shanghai calendar day an attempt counts against (the cap is per customer per day). */
export const contactDayOf = (at: Date): BusinessDate => shanghaiDateOf(at);

/** Whether an attempt may be made (and recorded) now. Every attempt counts, answered or not. */
export function checkContact(attempt: ContactAttempt): Result<true, DomainError> {
  if (isQuiet(attempt.at, COLLECTION_QUIET_HOURS)) {
    return err(domainError('contact_quiet_hours', 'collection contact is not allowed between 21:00 and 08:00 (Asia/Shanghai)'));
  }
  if (attempt.attemptsToday >= attempt.contactsPerDay) {
    return err(domainError('contact_limit_reached', `at most ${attempt.contactsPerDay} contact attempts per customer per day`, undefined,
      { limit: attempt.contactsPerDay }));
  }
  return ok(true);
}
