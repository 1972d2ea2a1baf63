import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * What a benchmark figure was measured on. Kept beside the database baseline because every
 * benchmark that quotes a ratio to it should print the same facts about the machine.
 */
export interface MachineInfo {
  dateUtc: string;
  nproc: number;
  cpuModel: string;
  ramGiB: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  return {
    dateUtc: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpuModel: cpuModel(),
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** /proc/cpuinfo is the source the reader can check; os.cpus() is the fallback off Linux. */
function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]!.trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function formatMachine(m: MachineInfo, extra: Record<string, string> = {}): string {
  const parts = [`${m.nproc} cores`, m.cpuModel, `${m.ramGiB} GiB RAM`, `Node ${m.node}`, ...Object.entries(extra).map(([k, v]) => `${k} ${v}`)];
  return `${m.dateUtc} · ${parts.join(' · ')}`;
}
