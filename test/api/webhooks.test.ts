import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, type TestStore } from '../support/store.ts';
import { WEBHOOK_BACKOFF_MS } from '../../src/app/events.ts';
import { dispatchWebhooks, startWebhookDispatcher } from '../../src/app/webhooks/dispatch-webhooks.ts';
import { signatureHeader, verifyWebhookSignature } from '../../src/app/webhooks/signature.ts';
import { expectRejected, tokenFor, UNKNOWN_ID } from './admin-support.ts';

interface Received { at: number; headers: IncomingHttpHeaders; body: string; verified: boolean }

/**
 * A merchant's receiver on 127.0.0.1: verifies each request's signature against the test
 * clock (as a merchant would against its own), then answers with the next scripted status
 * (the last one repeats); 'hang' never answers.
 */
async function startReceiver(t: TestApp, secret: () => string) {
  const received: Received[] = [];
  let script: (number | 'hang')[] = [200];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const nowSeconds = Math.floor(t.clock.now().getTime() / 1000);
      const verified = verifyWebhookSignature(secret(), req.headers['fenqi-signature'], body, nowSeconds).valid;
      received.push({ at: t.clock.now().getTime(), headers: req.headers, body, verified });
      const next = script.length > 1 ? script.shift()! : script[0]!;
      if (next === 'hang') return;
      res.writeHead(verified ? next : 400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fenqi/webhooks`;
  return {
    url, received,
    answer(...statuses: (number | 'hang')[]) { script = statuses; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('webhook signatures', () => {
  const body = '{"id":"e1","topic":"plan.created"}';
  const header = signatureHeader('whsec_test', 1_767_578_400, body);
  it('accepts a fresh, correct signature and refuses tampering, old timestamps and junk', () => {
    assert.deepEqual(verifyWebhookSignature('whsec_test', header, body, 1_767_578_400 + 299), { valid: true, timestamp: 1_767_578_400 });
    assert.deepEqual(verifyWebhookSignature('whsec_test', header, body, 1_767_578_400 + 301), { valid: false, reason: 'timestamp_outside_tolerance' });
    assert.deepEqual(verifyWebhookSignature('whsec_other', header, body, 1_767_578_400), { valid: false, reason: 'signature_mismatch' });
    assert.deepEqual(verifyWebhookSignature('whsec_test', header, body.replace('e1', 'e2'), 1_767_578_400), { valid: false, reason: 'signature_mismatch' });
    assert.deepEqual(verifyWebhookSignature('whsec_test', header.replace(/t=\d+/, 't=1767578401'), body, 1_767_578_400), { valid: false, reason: 'signature_mismatch' });
    for (const junk of [undefined, '', 'v1=abc', 't=1767578400', 't=x,v1=' + 'a'.repeat(64)]) {
      assert.deepEqual(verifyWebhookSignature('whsec_test', junk, body, 1_767_578_400), { valid: false, reason: 'malformed_header' }, String(junk));
    }
    const rotated = `t=1767578400,v1=${'0'.repeat(64)},${header.split(',')[1]}`;
    assert.equal(verifyWebhookSignature('whsec_test', rotated, Buffer.from(body), 1_767_578_400).valid, true, 'any v1 may match (secret rotation)');
  });
});

for (const target of testDatabases()) {
  describe(`webhook delivery on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let order = 0;
    before(async () => {
      t = await startTestApp(target);
      receiver = await startReceiver(t, () => store.webhookSecret);
      store = await seedTestStore(t, receiver.url);
    });
    after(async () => { await receiver.close(); await t.close(); });
    const buy = () => checkout(t, store, '13500135000', 'free-3', '300.00', `W-${++order}`);
    /** Each test buys and then follows that order's delivery: the newest one. */
    const latestDelivery = async () => (await t.api('GET', '/v1/merchant/webhooks/deliveries?limit=1', { token: store.merchantToken })).body.items[0];

    it('signs and sends an event, retries with backoff on the manual clock, then records delivery', async () => {
      receiver.answer(500, 503, 200);
      const plan = await buy();
      const start = t.clock.now().getTime();
      assert.deepEqual(await dispatchWebhooks(t.deps), { attempted: 1, delivered: 0, retrying: 1, failed: 0 });
      let d = await latestDelivery();
      assert.deepEqual([d.status, d.attempts, d.lastStatusCode, d.nextAttemptAt], ['pending', 1, 500, new Date(start + 10_000).toISOString()]);
      assert.equal((await dispatchWebhooks(t.deps)).attempted, 0, 'not due yet');
      t.clock.advance(9_999);
      assert.equal((await dispatchWebhooks(t.deps)).attempted, 0, 'still not due');
      t.clock.advance(1);
      assert.equal((await dispatchWebhooks(t.deps)).retrying, 1);
      d = await latestDelivery();
      assert.deepEqual([d.attempts, d.lastStatusCode, d.nextAttemptAt], [2, 503, new Date(start + 30_000).toISOString()]);
      t.clock.advance(20_000);
      assert.equal((await dispatchWebhooks(t.deps)).delivered, 1);
      d = await latestDelivery();
      assert.deepEqual([d.status, d.attempts, d.lastStatusCode, d.nextAttemptAt, d.deliveredAt], ['delivered', 3, 200, null, new Date(start + 30_000).toISOString()]);
      const got = receiver.received.slice(-3);
      assert.deepEqual(got.map((r) => r.at - start), [0, 10_000, 30_000]);
      assert.ok(got.every((r) => r.verified), 'every attempt carried a valid signature');
      assert.ok(got.every((r) => r.headers['fenqi-event-id'] === d.eventId && r.headers['content-type'] === 'application/json'));
      const event = JSON.parse(got[0]!.body);
      assert.deepEqual([event.id, event.topic, event.data.planId, event.data.merchantOrderId], [d.eventId, 'plan.created', plan.id, `W-${order}`]);
      assert.equal((await dispatchWebhooks(t.deps)).attempted, 0, 'a delivered event is not sent again');
    });

    it('fails a delivery after the last backoff interval; a retry sends it once more', async () => {
      receiver.answer(500);
      await buy();
      const sent = receiver.received.length;
      for (const wait of WEBHOOK_BACKOFF_MS) {
        assert.equal((await dispatchWebhooks(t.deps)).retrying, 1);
        t.clock.advance(wait);
      }
      assert.deepEqual(await dispatchWebhooks(t.deps), { attempted: 1, delivered: 0, retrying: 0, failed: 1 });
      assert.equal(receiver.received.length - sent, WEBHOOK_BACKOFF_MS.length + 1, 'a first try and one per backoff interval');
      const failed = await latestDelivery();
      assert.deepEqual([failed.status, failed.attempts, failed.nextAttemptAt], ['failed', 9, null]);
      t.clock.advance(10 * 24 * 3600_000);
      assert.equal((await dispatchWebhooks(t.deps)).attempted, 0, 'failed stays failed');
      receiver.answer(200);
      const retried = await t.api('POST', `/v1/merchant/webhooks/deliveries/${failed.deliveryId}/retry`, { token: store.merchantToken });
      assert.deepEqual([retried.status, retried.body.status], [200, 'pending']);
      assert.equal((await dispatchWebhooks(t.deps)).delivered, 1);
      const done = await t.api('GET', `/v1/admin/webhooks/deliveries?merchantId=${store.merchantId}&status=delivered`, { token: t.adminToken });
      assert.ok(done.body.items.some((d: any) => d.deliveryId === failed.deliveryId && d.attempts === 10));
      const audit = await t.api('GET', `/v1/admin/audit-log?target=webhook_delivery:${failed.deliveryId}`, { token: t.adminToken });
      assert.deepEqual(audit.body.items.map((a: any) => [a.action, a.actor.split(':')[0], a.details.previousStatus]), [['webhook.retry', 'merchant', 'failed']]);
    });

    it('counts a receiver that does not answer in time as a failed attempt', async () => {
      receiver.answer('hang');
      await buy();
      const r = await dispatchWebhooks(t.deps, { timeoutMs: 200 });
      assert.equal(r.retrying, 1);
      const pending = await t.api('GET', '/v1/merchant/webhooks/deliveries?status=pending', { token: store.merchantToken });
      assert.equal(pending.body.items[0].lastError, 'no answer within 200 ms');
      assert.equal(pending.body.items[0].lastStatusCode, null);
      receiver.answer(200);
      t.clock.advance(WEBHOOK_BACKOFF_MS[0]!);
      assert.equal((await dispatchWebhooks(t.deps)).delivered, 1);
    });

    it('sends each due delivery once even with two dispatchers at work', async () => {
      receiver.answer(200);
      for (let i = 0; i < 5; i++) await buy();
      const before = receiver.received.length;
      const reports = await Promise.all([dispatchWebhooks(t.deps, { batchSize: 3 }), dispatchWebhooks(t.deps, { batchSize: 3 }), dispatchWebhooks(t.deps, { batchSize: 3 })]);
      const delivered = reports.reduce((s, r) => s + r.delivered, 0) + (await dispatchWebhooks(t.deps)).delivered;
      assert.equal(delivered, 5);
      const ids = receiver.received.slice(before).map((r) => r.headers['fenqi-event-id']);
      assert.equal(new Set(ids).size, 5);
      assert.equal(ids.length, 5, 'no event sent twice');
    });

    it('runs in the background until stopped', async () => {
      receiver.answer(200);
      await buy();
      const stop = startWebhookDispatcher(t.deps, 10);
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline && (await t.api('GET', '/v1/merchant/webhooks/deliveries?status=pending', { token: store.merchantToken })).body.items.length > 0) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await stop();
      const pending = await t.api('GET', '/v1/merchant/webhooks/deliveries?status=pending', { token: store.merchantToken });
      assert.deepEqual(pending.body.items, []);
    });

    it("keeps merchants to their own deliveries and refuses bad retries", async () => {
      const other = await t.api('POST', '/v1/admin/merchants', { token: t.adminToken, body: { name: 'other shop' } });
      const otherToken = await tokenFor(t, 'merchant', other.body.merchantId);
      const mine = await t.api('GET', '/v1/merchant/webhooks/deliveries', { token: store.merchantToken });
      assert.ok(mine.body.items.length > 0);
      assert.deepEqual((await t.api('GET', '/v1/merchant/webhooks/deliveries', { token: otherToken })).body.items, []);
      const delivered = mine.body.items.find((d: any) => d.status === 'delivered');
      await expectRejected(t, [
        { name: "another merchant's delivery", method: 'POST', url: `/v1/merchant/webhooks/deliveries/${delivered.deliveryId}/retry`, token: otherToken, status: 404, code: 'webhook_not_found' },
        { name: 'unknown delivery', method: 'POST', url: `/v1/admin/webhooks/deliveries/${UNKNOWN_ID}/retry`, status: 404, code: 'webhook_not_found' },
        { name: 'already delivered', method: 'POST', url: `/v1/merchant/webhooks/deliveries/${delivered.deliveryId}/retry`, token: store.merchantToken, status: 409, code: 'conflict' },
        { name: 'id not a uuid', method: 'POST', url: '/v1/merchant/webhooks/deliveries/7/retry', token: store.merchantToken, status: 400, code: 'validation_failed' },
        { name: 'bad status filter', method: 'GET', url: '/v1/merchant/webhooks/deliveries?status=lost', token: store.merchantToken, status: 400, code: 'validation_failed' },
        { name: 'merchant filter on merchant API', method: 'GET', url: `/v1/merchant/webhooks/deliveries?merchantId=${other.body.merchantId}`, token: store.merchantToken, status: 400, code: 'validation_failed' },
        { name: 'admin on merchant API', method: 'GET', url: '/v1/merchant/webhooks/deliveries', status: 403, code: 'forbidden' },
        { name: 'merchant on admin API', method: 'GET', url: '/v1/admin/webhooks/deliveries', token: store.merchantToken, status: 403, code: 'forbidden' },
        { name: 'agent retries', method: 'POST', url: `/v1/admin/webhooks/deliveries/${delivered.deliveryId}/retry`, token: await tokenFor(t, 'agent'), status: 403, code: 'forbidden' },
      ]);
    });
  });
}
