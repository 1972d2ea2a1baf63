/**
 * Load generator for bench/portal, run as a child process so its CPU is not the server's.
 * Closed loop: `clients` loops, each issuing its next request when the last one answered,
 * for `seconds`. Two kinds of job:
 * - http: GET a portal page with a customer's session cookie (customers taken round-robin);
 * - raw: the database peer — one "page" is `queries` primary-key lookups issued one after
 *   the other on a pg pool of `clients` connections, what the page's own queries would cost
 *   with no HTTP, no API and no rendering.
 * Prints one JSON line: count, errors, p50/p99 in ms, CPU used by this process.
 */
import { Agent, request } from 'undici';
import pg from 'pg';

type Job =
  | { kind: 'http'; url: string; path: string; cookies: string[]; clients: number; seconds: number }
  | { kind: 'raw'; databaseUrl: string; customers: string[]; queries: number; clients: number; seconds: number };

const job = JSON.parse(process.argv[2]!) as Job;
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
  const shapes = [
    'select * from credit_lines where customer_id = $1',
    'select id, status from plans where customer_id = $1',
    'select * from installments where customer_id = $1 and number = 1',
    'select count(*) from inbox_messages where customer_id = $1 and read_at is null',
  ];
  await closedLoop(job.clients, job.seconds, async (w, n) => {
    const customer = job.customers[(w * 7919 + n * 104729) % job.customers.length]!;
    for (let q = 0; q < job.queries; q++) await pool.query(shapes[q % shapes.length]!, [customer]);
  });
  await pool.end();
}
const cpu = process.cpuUsage(cpuStart);
latencies.sort((a, b) => a - b);
const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]! : 0);
process.stdout.write(`${JSON.stringify({ count: latencies.length, errors, firstError, p50: pct(0.5), p99: pct(0.99), seconds: job.seconds, cpuUs: cpu.user + cpu.system })}\n`);
