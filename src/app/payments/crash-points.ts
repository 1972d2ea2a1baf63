/**
 * Named points in the money paths where the crash test kills the process (SIGKILL, no
 * cleanup), to show that every step is recoverable. Inert unless FENQI_CRASH_AT names the
 * point; read per call so one process can be told where to die.
 */
export type CrashPoint =
  | 'notify:verified' | 'notify:before-commit' | 'notify:after-commit'
  | 'debit:claimed' | 'debit:payment-created' | 'debit:after-gateway' | 'debit:settled';

export function crashPoint(name: CrashPoint): void {
  if (process.env.FENQI_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
