import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const fenqi = (...args: string[]) => spawnSync(process.execPath, ['bin/fenqi.js', ...args], { encoding: 'utf8' });

describe('fenqi quote (CLI contract)', () => {
  it('matches the published reference: 1,000,000 over 360 months at 4.9%', () => {
    const ei = fenqi('quote', '--amount', '1000000.00', '--terms', '360', '--method', 'equal-installment', '--annual-rate', '4.9', '--first-due', '2026-01-10', '--json');
    assert.equal(ei.status, 0, ei.stderr);
    const q = JSON.parse(ei.stdout);
    assert.equal(q.installments[0].total, '5307.27');
    assert.equal(q.installments[100].total, '5307.27');
    assert.equal(q.apr, '4.90');
    const ep = JSON.parse(fenqi('quote', '--amount', '1000000.00', '--terms', '360', '--method', 'equal-principal', '--annual-rate', '4.9', '--first-due', '2026-01-10', '--json').stdout);
    assert.equal(ep.installments[0].total, '6861.11');
    assert.equal(ep.installments[1].total, '6849.77');
  });

  it('prints the JSON contract with two-decimal money strings', () => {
    const r = fenqi('quote', '--amount', '6000.00', '--terms', '12', '--method', 'fee-per-period', '--monthly-fee-rate', '0.6', '--first-due', '2026-01-31', '--down-payment', '1399.80', '--json');
    assert.equal(r.status, 0, r.stderr);
    const q = JSON.parse(r.stdout);
    for (const key of ['amount', 'downPayment', 'financed', 'terms', 'method', 'apr', 'totalInterest', 'totalFees', 'totalRepayment', 'installments']) assert.ok(key in q, key);
    assert.equal(q.financed, '4600.20');
    assert.match(q.apr, /^\d+\.\d{2,}$/);
    assert.deepEqual(Object.keys(q.installments[0]), ['number', 'dueDate', 'principal', 'interest', 'fee', 'total', 'remainingPrincipal']);
    assert.equal(q.installments[1].dueDate, '2026-02-28');
    assert.equal(q.installments[2].dueDate, '2026-03-31');
    for (const i of q.installments) assert.match(i.total, /^\d+\.\d\d$/);
    const cents = (s: string) => Math.round(Number(s) * 100);
    assert.equal(q.installments.reduce((s: number, i: { principal: string }) => s + cents(i.principal), 0), cents(q.financed));
  });

  it('prints a readable table with a summary line', () => {
    const r = fenqi('quote', '--amount', '6000', '--terms', '3', '--method', 'interest-free', '--first-due', '2026-01-10');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2000\.00/);
    assert.match(r.stdout, /Monthly payment 2000\.00 .* APR 0\.00%/);
  });

  const bad: [string, string[]][] = [
    ['unknown method', ['--method', 'magic', '--annual-rate', '5']],
    ['terms < 1', ['--terms', '0']],
    ['negative rate', ['--annual-rate', '-1']],
    ['three decimals', ['--amount', '1.234']],
    ['negative amount', ['--amount', '-5']],
    ['down payment ≥ amount', ['--down-payment', '6000']],
    ['missing rate', ['--method', 'equal-principal', '--annual-rate', '']],
    ['APR over cap', ['--method', 'fee-per-period', '--monthly-fee-rate', '3', '--annual-rate', '']],
    ['unknown flag', ['--frobnicate', '1']],
  ];
  for (const [name, override] of bad) {
    it(`bad input: ${name} → one line on stderr, exit 2`, () => {
      const base: Record<string, string> = { '--amount': '6000', '--terms': '12', '--method': 'equal-installment', '--annual-rate': '12', '--first-due': '2026-01-10' };
      for (let i = 0; i < override.length; i += 2) base[override[i]!] = override[i + 1]!;
      const args = Object.entries(base).filter(([, v]) => v !== '').flat();
      const r = fenqi('quote', ...args);
      assert.equal(r.status, 2, `${name}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/);
    });
  }
});
