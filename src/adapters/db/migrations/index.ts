import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-foundation.ts';
import * as m0002 from './0002-admin.ts';
import * as m0003 from './0003-customer-identity.ts';
import * as m0004 from './0004-payments.ts';
import * as m0005 from './0005-daily-close.ts';
import * as m0006 from './0006-notices.ts';
import * as m0007 from './0007-partners.ts';
import * as m0008p from './0008-payments-autodebit.ts';
import * as m0009 from './0009-service-tickets.ts';
import * as m0010 from './0010-collections-hardship.ts';
import * as m0011 from './0011-credit-reporting.ts';
import * as m0012 from './0012-payments-refunds-autodebit-gateways.ts';
import * as m0013 from './0013-close-speed.ts';
import * as m0014 from './0014-repayments-speed.ts';
import * as m0015 from './0015-close-speed-2.ts';
import * as m0016 from './0016-repayments-speed-2.ts';
import * as m0017 from './0017-web-staff.ts';
import * as m0018 from './0018-simulator-speed.ts';
import * as m0021 from './0021-staff-sessions.ts';
import * as m0022 from './0022-one-plan-id-index.ts';

/**
 * The one migration set for PGlite and PostgreSQL. Forward-only: a migration is never
 * edited once released; a change is a new file. Listed statically so bundling or a changed
 * working directory cannot reorder or drop one.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-admin': m0002,
  '0003-customer-identity': m0003,
  '0004-payments': m0004,
  '0005-daily-close': m0005,
  '0006-notices': m0006,
  '0007-partners': m0007,
  '0008-payments-autodebit': m0008p,
  '0009-service-tickets': m0009,
  '0010-collections-hardship': m0010,
  '0011-credit-reporting': m0011,
  '0012-payments-refunds-autodebit-gateways': m0012,
  '0013-close-speed': m0013,
  '0014-repayments-speed': m0014,
  '0015-close-speed-2': m0015,
  '0016-repayments-speed-2': m0016,
  '0017-web-staff': m0017,
  '0018-simulator-speed': m0018,
  '0021-staff-sessions': m0021,
  '0022-one-plan-id-index': m0022,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() { return MIGRATIONS; },
};
