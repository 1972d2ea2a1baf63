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
  };
}
