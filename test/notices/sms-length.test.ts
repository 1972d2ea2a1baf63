import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { smsLength, withSignature } from '../../src/core/notices/sms-length.ts';

const zh = (n: number) => '还'.repeat(n);

describe('SMS length, mainland counting (70 / 67, signature included)', () => {
  it('counts every character as one, full- or half-width', () => {
    assert.deepEqual(smsLength('【分期】您好, ok！1', 'cn'), { encoding: 'cn', units: 12, segments: 1 });
  });
  it('one message up to 70, then 67 per part', () => {
    assert.equal(smsLength(zh(70), 'cn').segments, 1);
    assert.equal(smsLength(zh(71), 'cn').segments, 2);
    assert.equal(smsLength(zh(134), 'cn').segments, 2);
    assert.equal(smsLength(zh(135), 'cn').segments, 3);
    assert.equal(smsLength(zh(201), 'cn').segments, 3);
    assert.equal(smsLength('', 'cn').segments, 0);
  });
  it('the signature counts, brackets too', () => {
    assert.equal(withSignature(zh(66), '分期'), `【分期】${zh(66)}`);
    assert.equal(smsLength(withSignature(zh(66), '分期'), 'cn').segments, 1);
    assert.equal(smsLength(withSignature(zh(67), '分期'), 'cn').segments, 2);
  });
});

describe('SMS length, GSM 7-bit and UCS-2', () => {
  it('GSM-7: 160 in one, 153 per part', () => {
    assert.deepEqual(smsLength('a'.repeat(160), 'gsm'), { encoding: 'gsm7', units: 160, segments: 1 });
    assert.equal(smsLength('a'.repeat(161), 'gsm').segments, 2);
    assert.equal(smsLength('a'.repeat(306), 'gsm').segments, 2);
    assert.equal(smsLength('a'.repeat(307), 'gsm').segments, 3);
  });
  it('¥ and £ are in the default alphabet; € and { take two septets', () => {
    assert.deepEqual(smsLength('¥1,536.00 £ @', 'gsm'), { encoding: 'gsm7', units: 13, segments: 1 });
    assert.deepEqual(smsLength('€'.repeat(80), 'gsm'), { encoding: 'gsm7', units: 160, segments: 1 });
    assert.equal(smsLength('€'.repeat(81), 'gsm').segments, 2);
  });
  it('an escape pair never straddles two parts', () => {
    // 152 plain septets then €: 154 septets do not fit one part of 153, and € moves whole to part 2.
    const text = `${'a'.repeat(152)}€${'a'.repeat(10)}`;
    assert.deepEqual(smsLength(text, 'gsm'), { encoding: 'gsm7', units: 164, segments: 2 });
    const edge = `${'a'.repeat(152)}€${'a'.repeat(152)}`; // 152 | 2+151 | 1 → 3 parts, though 306 septets would fit 2 if split
    assert.equal(smsLength(edge, 'gsm').units, 306);
    assert.equal(smsLength(edge, 'gsm').segments, 3);
  });
  it('anything outside GSM-7 goes as UCS-2: 70 in one, 67 per part', () => {
    assert.deepEqual(smsLength('还款'.repeat(35), 'gsm'), { encoding: 'ucs2', units: 70, segments: 1 });
    assert.equal(smsLength('还'.repeat(71), 'gsm').segments, 2);
    assert.equal(smsLength('还'.repeat(134), 'gsm').segments, 2);
    assert.equal(smsLength('还'.repeat(135), 'gsm').segments, 3);
  });
  it('an emoji is two UTF-16 units and is never split', () => {
    assert.deepEqual(smsLength('😀'.repeat(35), 'gsm'), { encoding: 'ucs2', units: 70, segments: 1 });
    assert.equal(smsLength(`${'a'.repeat(66)}😀${'a'.repeat(5)}`, 'gsm').segments, 2);
  });
});
