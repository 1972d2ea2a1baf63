import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deriveLinkKey, peekLinkTarget, signLink, verifyLink, type LinkTarget } from '../../src/core/links/repayment-link.ts';

const key = deriveLinkKey('test-secret');
const customerId = '0192f0c8-5c2a-7000-8000-00000000c0de';
const bill: LinkTarget = { kind: 'bill', customerId, dueDate: '2026-02-10' };
const expiresAt = new Date('2026-02-14T02:00:00Z');
const before = new Date('2026-02-07T02:00:00Z');

/** The token with character i changed to another valid base64url character. */
const flip = (token: string, i: number) => token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);

describe('signed repayment links', () => {
  it('signs a bill link in 44 characters of base64url and verifies it', () => {
    const token = signLink(key, bill, expiresAt);
    assert.match(token, /^[A-Za-z0-9_-]{44}$/);
    assert.deepEqual(verifyLink(key, token, before), { status: 'valid', target: bill, expiresAt });
  });

  it('binds a plan installment too', () => {
    const target: LinkTarget = { kind: 'installment', customerId, planId: '0192f0c8-5c2a-7000-8000-0000000000aa', installmentNumber: 12 };
    const token = signLink(key, target, expiresAt);
    assert.equal(token.length, 66);
    assert.deepEqual(verifyLink(key, token, before), { status: 'valid', target, expiresAt });
  });

  it('any changed character makes it invalid', () => {
    const token = signLink(key, bill, expiresAt);
    for (let i = 0; i < token.length; i++) {
      const v = verifyLink(key, flip(token, i), before);
      assert.equal(v.status, 'invalid', `position ${i}`);
    }
    assert.equal(verifyLink(key, token.slice(0, -1), before).status, 'invalid');
    assert.equal(verifyLink(key, `${token}A`, before).status, 'invalid');
    assert.equal(verifyLink(key, token.replace(/.$/, '='), before).status, 'invalid');
    assert.equal(verifyLink(key, '', before).status, 'invalid');
  });

  it('a different customer or due date needs a different MAC: swapping the payload is forged', () => {
    const token = signLink(key, bill, expiresAt);
    const other = signLink(key, { ...bill, customerId: '0192f0c8-5c2a-7000-8000-00000000beef' }, expiresAt);
    const spliced = other.slice(0, 30) + token.slice(30); // another customer's id with this token's MAC
    assert.deepEqual(verifyLink(key, spliced, before), { status: 'invalid', reason: 'forged' });
  });

  it('another deployment key does not verify it', () => {
    const token = signLink(key, bill, expiresAt);
    assert.deepEqual(verifyLink(deriveLinkKey('other-secret'), token, before), { status: 'invalid', reason: 'forged' });
  });

  it('expires at its expiry instant, and says so only for an authentic token', () => {
    const token = signLink(key, bill, expiresAt);
    assert.equal(verifyLink(key, token, new Date(expiresAt.getTime() - 1)).status, 'valid');
    assert.deepEqual(verifyLink(key, token, expiresAt), { status: 'expired', target: bill, expiresAt });
    assert.equal(verifyLink(key, flip(token, 40), new Date('2030-01-01')).status, 'invalid');
  });

  it('accepts only the canonical base64url spelling', () => {
    const token = signLink(key, { kind: 'installment', customerId, planId: '0192f0c8-5c2a-7000-8000-0000000000aa', installmentNumber: 1 }, expiresAt);
    // 49 bytes leave 2 unused bits in the last character; setting them decodes to the same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1)!);
    const sloppy = token.slice(0, -1) + alphabet[last | 1];
    assert.notEqual(sloppy, token);
    assert.deepEqual(Buffer.from(sloppy, 'base64url'), Buffer.from(token, 'base64url'));
    assert.deepEqual(verifyLink(key, sloppy, before), { status: 'invalid', reason: 'malformed' });
  });

  it('binds an email link to the address without carrying it', () => {
    const token = signLink(key, { kind: 'email', customerId }, expiresAt, 'li@example.com');
    assert.equal(verifyLink(key, token, before, 'li@example.com').status, 'valid');
    assert.equal(verifyLink(key, token, before, 'lee@example.com').status, 'invalid');
    assert.equal(verifyLink(key, token, before).status, 'invalid');
    assert.deepEqual(peekLinkTarget(token), { kind: 'email', customerId });
  });
});
