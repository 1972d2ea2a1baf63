/**
 * Fault switches of the built-in sandbox gateway, so the failure modes real gateways have can
 * be shown on demand: the notification never comes, comes several times, the customer's
 * balance is short, or the gateway does not answer our calls in time.
 */
export interface SandboxFaults {
  lostCallback: boolean;
  /** Send each notification this many times (1 = normal). */
  duplicateCallbacks: number;
  insufficientFunds: boolean;
  /** Our calls to the gateway (create, query, refund) time out. */
  timeout: boolean;
  notifyDelayMs: number;
}

export const DEFAULT_FAULTS: SandboxFaults = { lostCallback: false, duplicateCallbacks: 1, insufficientFunds: false, timeout: false, notifyDelayMs: 2_000 };

/** FENQI_SANDBOX_FAULTS="lost_callback,duplicate_callback,insufficient_funds,timeout"; FENQI_SANDBOX_NOTIFY_DELAY_MS. */
export function faultsFromEnv(env: NodeJS.ProcessEnv): SandboxFaults {
  const set = new Set((env.FENQI_SANDBOX_FAULTS ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const delay = Number(env.FENQI_SANDBOX_NOTIFY_DELAY_MS ?? DEFAULT_FAULTS.notifyDelayMs);
  return {
    lostCallback: set.has('lost_callback'),
    duplicateCallbacks: set.has('duplicate_callback') ? 3 : 1,
    insufficientFunds: set.has('insufficient_funds'),
    timeout: set.has('timeout'),
    notifyDelayMs: Number.isFinite(delay) && delay >= 0 ? delay : DEFAULT_FAULTS.notifyDelayMs,
  };
}

export class GatewayTimeout extends Error {
  constructor(gateway: string) { super(`${gateway}: the gateway did not answer in time`); }
}
