import type { Db } from '../adapters/db/tx.ts';
import type { DatabaseKind } from '../adapters/db/connect.ts';
import type { BusinessCalendar, Clock, IdGenerator, Notifier, RiskDecider } from './ports.ts';
import type { Config } from '../config.ts';

/**
 * Everything a use case may touch, wired once in main.ts. Kysely is the store port: use
 * cases compose typed queries against the schema, and the dialect (PGlite or pg) is the
 * adapter, so one query layer runs unchanged on both databases.
 */
export interface AppDeps {
  db: Db;
  dbKind: DatabaseKind;
  clock: Clock;
  calendar: BusinessCalendar;
  ids: IdGenerator;
  notifier: Notifier;
  risk: RiskDecider;
  config: Config;
  /** Deployment signing secret (links, lookup hashes); never logged. */
  secret: string;
  log: (message: string, fields?: Record<string, unknown>) => void;
}
