import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maskIdNumber, maskPhone, maskPhonesIn } from './mask.ts';

describe('masking personal numbers (PIPL)', () => {
  it('masks a phone and an ID number on their own', () => {
    assert.equal(maskPhone('13812345678'), '138****5678');
    assert.equal(maskIdNumber('11010519491231002X'), '110***********002X');
  });

  it('masks phones in text however they are written', () => {
    const cases: [string, string][] = [
      ['login 13812345678 ok', 'login 138****5678 ok'],
      ['from +8613812345678', 'from +86138****5678'],
      ['from 008613812345678', 'from 0086138****5678'],
      ['from 8613812345678', 'from 86138****5678'],
      ['GET /v1/x?phone=%2B8613812345678', 'GET /v1/x?phone=%2B86138****5678'],
      ['call +86 138-1234-5678', 'call +86 138****5678'],
      ['call 138 1234 5678.', 'call 138****5678.'],
      ['id 11010519491231002X, phone 15900001111', 'id 110***********002X, phone 159****1111'],
    ];
    for (const [input, expected] of cases) assert.equal(maskPhonesIn(input), expected, input);
  });

  it('leaves numbers that are not phones alone', () => {
    for (const text of ['amount 12345678901', 'order 213812345678', 'fen 123456', '2026-11-25']) assert.equal(maskPhonesIn(text), text);
  });
});
