/**
 * Load generator for bench/portal, run as a child process so its CPU is not the server's.
 * Closed loop: `clients` loops, each issuing its next request when the last one answered,
 * for `seconds`. Two kinds of job:
 * - http: GET a portal page with a customer's session cookie (customers taken round-robin);
 * - raw: the database peer — one "page" is the statements a real page sent (recorded by
 *   run.ts), replayed one after the other on a pg pool of `clients` connections as named
 *   prepared statements (as the app's pool sends them): the page's database work with no
 *   HTTP, no API and no rendering.
 * Prints one JSON line: count, errors, p50/p99 in ms, CPU used by this process.
 */
import { Agent, request } from 'undici';
import { createHash } from 'node:crypto';
import pg from 'pg';

type Job =
  | { kind: 'http'; url: string; path: string; cookies: string[]; clients: number; seconds: number }
  | { kind: 'raw'; databaseUrl: string; pages: { text: string; values: unknown[] }[][]; clients: number; seconds: number };

import { readFileSync } from 'node:fs';

// The job, or @file holding it (a raw job's recorded pages are too long for one argument).
const arg = process.argv[2]!;
const job = JSON.parse(arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg) as Job;
const latencies: number[] = [];
let errors = 0;
let firstError = '';

async function closedLoop(clients: number, seconds: number, once: (worker: number, n: number) => Promise<void>) {
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async (_, w) => {
    for (let n = 0; performance.now() < deadline; n++) {
      const started = performance.now();
      try { await once(w, n); latencies.push(performance.now() - started); } catch (e) { errors++; firstError ||= (e as Error).message.slice(0, 200); }
    }
  }));
}

const cpuStart = process.cpuUsage();
if (job.kind === 'http') {
  const agent = new Agent({ connections: job.clients, pipelining: 1, keepAliveTimeout: 30_000 });
  await closedLoop(job.clients, job.seconds, async (w, n) => {
    const cookie = job.cookies[(w * 7919 + n * 104729) % job.cookies.length]!;
    const res = await request(`${job.url}${job.path}`, { dispatcher: agent, headers: { cookie } });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${text.slice(0, 150)}`);
  });
  await agent.close();
} else {
  const pool = new pg.Pool({ connectionString: job.databaseUrl, max: job.clients });
  await Promise.all(Array.from({ length: job.clients }, () => pool.query('select 1')));
  const named = job.pages.map((page) => page.map((q) => ({
    text: q.text, values: q.values,
    ...(q.values.length ? { name: `fq_${createHash('sha1').update(q.text).digest('hex').slice(0, 20)}` } : {}),
  })));
  await closedLoop(job.clients, job.seconds, async (w, n) => {
    const page = named[(w * 7919 + n * 104729) % named.length]!;
    const client = await pool.connect();
    try { for (const q of page) await client.query(q); } finally { client.release(); }
  });
  await pool.end();
}
const cpu = process.cpuUsage(cpuStart);
latencies.sort((a, b) => a - b);
const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]! : 0);
process.stdout.write(`${JSON.stringify({ count: latencies.length, errors, firstError, p50: pct(0.5), p99: pct(0.99), seconds: job.seconds, cpuUs: cpu.user + cpu.system })}\n`);
