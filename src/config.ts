/**
 * Deployment settings from the environment (and CLI flags, which win). Secrets such as
 * gateway keys come only from here or a file it names, never from code, and are never logged.
 */
export interface Config {
  dataDir: string;
  databaseUrl?: string;
  host: string;
  port: number;
  /** Public base URL used in repayment links and printed at start-up. */
  publicUrl: string;
  /** Default statement day and due day for new customers (bill on the 1st, due on the 10th). */
  statementDay: number;
  dueDay: number;
  /** Secret for signing repayment links and session tokens; generated per data folder if unset. */
  signingSecret?: string;
  poolSize: number;
  /** Credit line (fen) given to a customer the first time a merchant checks them out. */
  defaultCreditLineFen: number;
  /** Minimum account age in days before a plan is approved (0: none). */
  minAccountAgeDays: number;
  logLevel: string;
  seedDemo: boolean;
  /** Daily close inside `fenqi serve` at this Asia/Shanghai time ("HH:MM"); off when unset. */
  eodAt?: string;
  /** Collections and hardship (issue 6); unset fields take the defaults in src/app/collections/settings.ts. */
  collections?: { assignment?: 'round_robin' | 'by_load'; contactsPerDay?: number; agentWaiverLimitFen?: number; offerValidDays?: number };
  /** Customer service: the most (fen) one staff member of each role may waive or refund per action without a second approval. */
  serviceLimitsFen?: Partial<Record<'agent' | 'supervisor' | 'admin', number>>;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: Partial<Config> = {}): Config {
  const port = Number(flags.port ?? env.FENQI_PORT ?? env.PORT ?? 3000);
  const host = flags.host ?? env.FENQI_HOST ?? '127.0.0.1';
  return {
    dataDir: flags.dataDir ?? env.FENQI_DATA_DIR ?? './.fenqi',
    ...(flags.databaseUrl ?? env.FENQI_DATABASE_URL ? { databaseUrl: flags.databaseUrl ?? env.FENQI_DATABASE_URL } : {}),
    host,
    port,
    publicUrl: flags.publicUrl ?? env.FENQI_PUBLIC_URL ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    statementDay: Number(env.FENQI_STATEMENT_DAY ?? 1),
    dueDay: Number(env.FENQI_DUE_DAY ?? 10),
    ...(env.FENQI_SIGNING_SECRET ? { signingSecret: env.FENQI_SIGNING_SECRET } : {}),
    poolSize: Number(env.FENQI_DB_POOL_SIZE ?? 20),
    defaultCreditLineFen: Math.round(Number(env.FENQI_DEFAULT_CREDIT_LINE ?? '20000') * 100),
    minAccountAgeDays: Number(env.FENQI_MIN_ACCOUNT_AGE_DAYS ?? 0),
    logLevel: env.FENQI_LOG_LEVEL ?? 'info',
    seedDemo: (flags.seedDemo ?? env.FENQI_DEMO ?? '1') !== '0' && flags.seedDemo !== false,
    ...(flags.eodAt ?? env.FENQI_EOD_AT ? { eodAt: flags.eodAt ?? env.FENQI_EOD_AT } : {}),
    collections: {
      ...(env.FENQI_COLLECTIONS_ASSIGNMENT === 'by_load' || env.FENQI_COLLECTIONS_ASSIGNMENT === 'round_robin' ? { assignment: env.FENQI_COLLECTIONS_ASSIGNMENT } : {}),
      ...(env.FENQI_COLLECTIONS_CONTACTS_PER_DAY ? { contactsPerDay: Number(env.FENQI_COLLECTIONS_CONTACTS_PER_DAY) } : {}),
      ...(env.FENQI_HARDSHIP_AGENT_WAIVER_LIMIT ? { agentWaiverLimitFen: Math.round(Number(env.FENQI_HARDSHIP_AGENT_WAIVER_LIMIT) * 100) } : {}),
    },
    ...serviceLimitsFrom(env),
  };
}

/** FENQI_SERVICE_LIMIT_AGENT / _SUPERVISOR / _ADMIN in yuan (e.g. "50"); unset roles keep the defaults in core/service/limits.ts. */
function serviceLimitsFrom(env: NodeJS.ProcessEnv): Pick<Config, 'serviceLimitsFen'> {
  const limits: NonNullable<Config['serviceLimitsFen']> = {};
  for (const role of ['agent', 'supervisor', 'admin'] as const) {
    const raw = env[`FENQI_SERVICE_LIMIT_${role.toUpperCase()}`];
    if (raw !== undefined && Number.isFinite(Number(raw)) && Number(raw) >= 0) limits[role] = Math.round(Number(raw) * 100);
  }
  return Object.keys(limits).length ? { serviceLimitsFen: limits } : {};
}
