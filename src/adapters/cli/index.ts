import { runQuote, QUOTE_USAGE } from './quote.ts';
import { runServe } from './serve.ts';
import { runLedger } from './ledger.ts';
import { runDemo } from './demo.ts';
import { runEod, EOD_USAGE } from './eod.ts';
import { runSettle, SETTLE_USAGE } from './settle.ts';
import { runReconcile } from './reconcile.ts';
import { runCreditReportCli, CREDIT_REPORT_USAGE } from './credit-report.ts';
import { runSimulate, SIMULATE_USAGE } from './simulate.ts';
import { UsageError } from './usage-error.ts';

const USAGE = `usage: fenqi <command>
  serve   [--data DIR] [--port N]         run the server (default command of npm start)
  quote   ...                             print an installment schedule
          ${QUOTE_USAGE}
  ledger check [--from D] [--to D]        prove the books balance
  demo --reset                            rebuild the demo store from scratch
  eod --date D ...                        close business dates through D (日终)
          ${EOD_USAGE}
  ${SETTLE_USAGE}
  reconcile --gateway NAME --date D      match a gateway's statement against payments (对账)
  ${CREDIT_REPORT_USAGE}
                                          report a month to the credit bureau (征信), or its corrections
  simulate --customers N --months M ...   run a synthetic store through the real use cases
          ${SIMULATE_USAGE}
Environment: FENQI_DATA_DIR (embedded data folder, default ./.fenqi), FENQI_DATABASE_URL (use a PostgreSQL server)`;

type Command = (argv: string[]) => Promise<number | void>;

const COMMANDS: Record<string, Command> = {
  serve: (argv) => runServe(argv),
  quote: (argv) => runQuote(argv, process.stdout),
  ledger: (argv) => runLedger(argv, process.stdout),
  demo: (argv) => runDemo(argv, process.stdout),
  eod: (argv) => runEod(argv, process.stdout),
  settle: (argv) => runSettle(argv, process.stdout),
  reconcile: (argv) => runReconcile(argv, process.stdout),
  'credit-report': (argv) => runCreditReportCli(argv, process.stdout),
  simulate: (argv) => runSimulate(argv, process.stdout),
};

/** Runs one CLI command. Bad input: one line on stderr, exit 2. Anything else unexpected: exit 1. */
export async function runCli(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"; try: ${Object.keys(COMMANDS).join(', ')}`);
    const code = await command(rest);
    if (typeof code === 'number' && code !== 0) process.exitCode = code;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`fenqi: ${(error as Error).message.split('\n')[0]}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`fenqi: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
