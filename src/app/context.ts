import type { Tx } from '../adapters/db/tx.ts';
import type { BusinessDate } from '../core/calendar/business-date.ts';
import type { AppDeps } from './deps.ts';

/** Who is acting: recorded on every audit row. Customer data in `label` is already masked. */
export interface Actor {
  kind: 'merchant' | 'staff' | 'customer' | 'system';
  id: string;
  /** Role for staff ('admin', 'operator', 'agent', 'supervisor', 'auditor'); absent otherwise. */
  role?: string;
  ip?: string;
}

/** What a use case receives: the open transaction, the time it runs at, and the deps. */
export interface TxContext {
  tx: Tx;
  deps: AppDeps;
  actor: Actor;
  /** Wall time of this request (one value for the whole transaction). */
  at: Date;
  businessDate: BusinessDate;
}

export const systemActor: Actor = { kind: 'system', id: 'fenqi' };
