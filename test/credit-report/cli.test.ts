import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

/** Runs the real CLI; bad input is refused before any database is opened. */
function fenqi(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/fenqi.js', ...args], { env: { ...process.env, FENQI_DATA_DIR: 'memory://' } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('credit-report: bad input is one line on stderr and exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['credit-report'], /^fenqi: month must be a month YYYY-MM; got "undefined"; usage: fenqi credit-report --month YYYY-MM/],
    [['credit-report', '--month', '2026-13'], /^fenqi: month must be a month YYYY-MM; got "2026-13"/],
    [['credit-report', '--month', '2026-01', '--format', 'xml'], /^fenqi: --format must be csv or json; got "xml"/],
    [['credit-report', '--month', '2026-01', '--nonsense'], /^fenqi: Unknown option '--nonsense'/],
  ];
  const runs = await Promise.all(cases.map(([args]) => fenqi(...args)));
  for (const [k, r] of runs.entries()) {
    assert.equal(r.status, 2, `${cases[k]![0].join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, cases[k]![1]);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
  }
});
