/**
 * Load generator, run as a child process so its CPU is not the server's: `clients` loops,
 * each posting repayments back to back over keep-alive for `seconds`, every request with
 * its own Idempotency-Key. Prints one JSON line: count, errors, latency percentiles, CPU used.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';

interface Job { url: string; clients: number; seconds: number; targets: { token: string; planId: string }[]; label: string }

// The job comes on stdin: with thousands of customers' tokens it outgrows one argument (E2BIG).
const job = JSON.parse(readFileSync(0, 'utf8')) as Job;
const agent = new Agent({ connections: job.clients, pipelining: 1, keepAliveTimeout: 30_000 });
const latencies: number[] = [];
let errors = 0;
let firstError = '';
const deadline = performance.now() + job.seconds * 1000;
// CPU from here on: the requests, not starting Node and compiling this file.
const cpuStart = process.cpuUsage();

async function loop(worker: number) {
  let n = 0;
  while (performance.now() < deadline) {
    const target = job.targets[(worker * 7919 + n * 104729) % job.targets.length]!;
    const started = performance.now();
    const res = await request(`${job.url}/v1/me/repayments`, {
      method: 'POST', dispatcher: agent,
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json', 'idempotency-key': `${job.label}-${worker}-${n}` },
      body: JSON.stringify({ kind: 'amount', planId: target.planId, amount: '0.01' }),
    });
    const text = await res.body.text();
    if (res.statusCode !== 201) { errors++; firstError ||= `${res.statusCode} ${text.slice(0, 200)}`; }
    else latencies.push(performance.now() - started);
    n++;
  }
}

await Promise.all(Array.from({ length: job.clients }, (_, w) => loop(w)));
const cpu = process.cpuUsage(cpuStart);
await agent.close();
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]! : 0;
process.stdout.write(`${JSON.stringify({ cpuUs: cpu.user + cpu.system, count: latencies.length, errors, firstError, p50: pct(0.5), p99: pct(0.99), seconds: job.seconds })}\n`);
