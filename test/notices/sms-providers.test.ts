import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../src/app/ports.ts';
import type { SmsMessage } from '../../src/app/notices/ports.ts';
import { aliyunSignature, aliyunStringToSign } from '../../src/adapters/notify/sms/aliyun-sign.ts';
import { aliyunSmsSender } from '../../src/adapters/notify/sms/aliyun-sms.ts';
import { tc3Sign } from '../../src/adapters/notify/sms/tencent-sign.ts';
import { tencentSmsSender } from '../../src/adapters/notify/sms/tencent-sms.ts';
import { renderSms } from '../../src/core/notices/templates.ts';

const clock = new ManualClock(new Date('2026-02-09T01:30:00.123Z'));
const rendered = renderSms('due_tomorrow', 'zh-CN', { amountFen: 153_600, dueDate: '2026-02-10', link: 'http://fenqi.test/r/abc' }, '分期');
const message: SmsMessage = {
  to: '13800138000', text: rendered.text, reference: '0192f0c8-5c2a-7000-8000-000000000001',
  template: { kind: 'due_tomorrow', locale: 'zh-CN', params: rendered.params, paramOrder: rendered.paramOrder },
};

describe('the providers\' documented signing examples', () => {
  it('Aliyun: the SendSms example from the 签名机制 page signs to zJDF+Lrzhj/ThnlvIToysFRq6t4=', () => {
    const params = {
      AccessKeyId: 'testId', Action: 'SendSms', Format: 'XML', OutId: '123', PhoneNumbers: '15300000001', RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用', SignatureMethod: 'HMAC-SHA1', SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466', SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007', TemplateParam: '{"customer":"test"}', Timestamp: '2017-07-12T02:42:19Z', Version: '2017-05-25',
    };
    assert.match(aliyunStringToSign('GET', params), /^GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF/);
    assert.equal(aliyunSignature('testSecret', 'GET', params), 'zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('Tencent: the TC3-HMAC-SHA256 example (CVM, timestamp 1551113065) signs to 72e494ea…5168', () => {
    const signed = tc3Sign({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE', secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE', service: 'cvm', timestamp: 1551113065, method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', Host: 'cvm.tencentcloudapi.com' },
      payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
    });
    assert.equal(signed.canonicalRequest.split('\n').at(-1), '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    assert.equal(signed.stringToSign, 'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
    assert.equal(signed.signature, '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    assert.equal(signed.authorization, 'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
  });
});

interface Received { headers: IncomingMessage['headers']; body: string }
async function endpoint(handle: (r: Received) => { status: number; json: unknown }): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const r = { headers: req.headers, body };
      received.push(r);
      const out = handle(r);
      res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, received };
}

/**
 * An Aliyun endpoint that checks requests the way the service does, written from the
 * documentation independently of the adapter: rebuild the canonical query from the form
 * fields, HMAC-SHA1 with secret + "&", compare.
 */
function aliyunVerifier(secret: string) {
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return (r: Received) => {
    const form = Object.fromEntries(new URLSearchParams(r.body));
    const { Signature, ...rest } = form;
    const canonical = Object.keys(rest).sort().map((k) => `${enc(k)}=${enc(rest[k]!)}`).join('&');
    const expected = createHmac('sha1', `${secret}&`).update(`POST&${enc('/')}&${enc(canonical)}`).digest('base64');
    if (Signature !== expected) return { status: 400, json: { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.', RequestId: 'R1' } };
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(form.Timestamp ?? '')) return { status: 400, json: { Code: 'InvalidTimeStamp.Format', Message: 'bad timestamp' } };
    if (form.PhoneNumbers === '13900000000') return { status: 200, json: { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发小时级流控Permits:5', RequestId: 'R2' } };
    return { status: 200, json: { Code: 'OK', Message: 'OK', BizId: '900619746936498440^0', RequestId: 'R3' } };
  };
}

describe('Aliyun SMS against a local endpoint that checks the signature', () => {
  let ep: Awaited<ReturnType<typeof endpoint>>;
  before(async () => { ep = await endpoint(aliyunVerifier('s3cret')); });
  after(() => { ep.server.close(); });
  const sender = (secret: string) => aliyunSmsSender({
    accessKeyId: 'LTAI-test', accessKeySecret: secret, signName: '分期', endpoint: ep.url, templates: { 'due_tomorrow.zh-CN': 'SMS_1001' },
  }, clock, () => 'nonce-1');

  it('sends a signed SendSms the endpoint accepts', async () => {
    const r = await sender('s3cret').send(message);
    assert.deepEqual(r, { ok: true, provider: 'aliyun', providerRef: '900619746936498440^0' });
    const form = Object.fromEntries(new URLSearchParams(ep.received.at(-1)!.body));
    assert.equal(ep.received.at(-1)!.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual({ ...form, Signature: undefined }, {
      AccessKeyId: 'LTAI-test', Action: 'SendSms', Format: 'JSON', OutId: message.reference, PhoneNumbers: '13800138000', RegionId: 'cn-hangzhou',
      SignName: '分期', SignatureMethod: 'HMAC-SHA1', SignatureNonce: 'nonce-1', SignatureVersion: '1.0', TemplateCode: 'SMS_1001',
      TemplateParam: JSON.stringify({ amount: '1,536.00元', dueDate: '2026年2月10日', link: 'http://fenqi.test/r/abc' }),
      Timestamp: '2026-02-09T01:30:00Z', Version: '2017-05-25', Signature: undefined,
    });
  });

  it('a wrong secret is refused, and that is permanent', async () => {
    const r = await sender('wrong').send(message);
    assert.deepEqual(r, { ok: false, provider: 'aliyun', permanent: true, error: 'SignatureDoesNotMatch: Specified signature is not matched with our calculation.' });
  });

  it('flow control is worth a retry', async () => {
    const r = await sender('s3cret').send({ ...message, to: '13900000000' });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.permanent, false);
  });

  it('a kind without a registered template fails for good without calling out', async () => {
    const count = ep.received.length;
    const r = await sender('s3cret').send({ ...message, template: { ...message.template, kind: 'overdue_3' } });
    assert.deepEqual(r, { ok: false, provider: 'aliyun', permanent: true, error: 'no Aliyun template registered for overdue_3.zh-CN' });
    assert.equal(ep.received.length, count);
  });

  it('an unreachable endpoint is transient', async () => {
    const r = await aliyunSmsSender({ accessKeyId: 'a', accessKeySecret: 'b', signName: '分期', endpoint: 'http://127.0.0.1:9/', templates: { due_tomorrow: 'SMS_1' } }, clock).send(message);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.permanent, false);
  });
});

/** A Tencent Cloud endpoint that checks TC3-HMAC-SHA256 from the request as received. */
function tencentVerifier(secretKey: string) {
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const hmac = (k: Buffer | string, m: string) => createHmac('sha256', k).update(m).digest();
  return (r: Received) => {
    const auth = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d\d-\d\d)\/(\w+)\/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/.exec(String(r.headers.authorization));
    const fail = (code: string) => ({ status: 200, json: { Response: { Error: { Code: code, Message: code }, RequestId: 'T1' } } });
    if (!auth) return fail('AuthFailure.InvalidAuthorization');
    const [, , date, service, signedHeaders, signature] = auth;
    const timestamp = Number(r.headers['x-tc-timestamp']);
    if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) return fail('AuthFailure.SignatureFailure');
    const names = signedHeaders!.split(';');
    if (!names.includes('content-type') || !names.includes('host')) return fail('AuthFailure.SignatureFailure');
    const canonicalHeaders = names.map((n) => `${n}:${String(r.headers[n]).trim().toLowerCase()}\n`).join('');
    const canonical = ['POST', '/', '', canonicalHeaders, signedHeaders, sha(r.body)].join('\n');
    const toSign = ['TC3-HMAC-SHA256', String(timestamp), `${date}/${service}/tc3_request`, sha(canonical)].join('\n');
    const key = hmac(hmac(hmac(`TC3${secretKey}`, date!), service!), 'tc3_request');
    if (createHmac('sha256', key).update(toSign).digest('hex') !== signature) return fail('AuthFailure.SignatureFailure');
    const body = JSON.parse(r.body);
    if (body.PhoneNumberSet[0] === '+8613900000000') {
      return { status: 200, json: { Response: { SendStatusSet: [{ Code: 'InvalidParameterValue.IncorrectPhoneNumber', Message: 'incorrect number', SerialNo: '' }], RequestId: 'T2' } } };
    }
    return { status: 200, json: { Response: { SendStatusSet: [{ SerialNo: '2028:1234', PhoneNumber: body.PhoneNumberSet[0], Fee: 2, Code: 'Ok', Message: 'send success', IsoCode: 'CN' }], RequestId: 'T3' } } };
  };
}

describe('Tencent Cloud SMS against a local endpoint that checks the signature', () => {
  let ep: Awaited<ReturnType<typeof endpoint>>;
  before(async () => { ep = await endpoint(tencentVerifier('tk-secret')); });
  after(() => { ep.server.close(); });
  const sender = (secretKey: string) => tencentSmsSender({
    secretId: 'AKID-test', secretKey, sdkAppId: '1400000001', signName: '分期', endpoint: ep.url, templates: { due_tomorrow: '2001' },
  }, clock);

  it('sends a signed SendSms the endpoint accepts, params in template order', async () => {
    const r = await sender('tk-secret').send(message);
    assert.deepEqual(r, { ok: true, provider: 'tencent', providerRef: '2028:1234' });
    const got = ep.received.at(-1)!;
    assert.equal(got.headers['x-tc-action'], 'SendSms');
    assert.equal(got.headers['x-tc-version'], '2021-01-11');
    assert.equal(got.headers['x-tc-region'], 'ap-guangzhou');
    assert.equal(got.headers['x-tc-timestamp'], String(Math.floor(clock.now().getTime() / 1000)));
    assert.match(String(got.headers.authorization), /Credential=AKID-test\/2026-02-09\/sms\/tc3_request, SignedHeaders=content-type;host;x-tc-action,/);
    assert.deepEqual(JSON.parse(got.body), {
      PhoneNumberSet: ['+8613800138000'], SmsSdkAppId: '1400000001', SignName: '分期', TemplateId: '2001',
      TemplateParamSet: ['1,536.00元', '2026年2月10日', 'http://fenqi.test/r/abc'], SessionContext: message.reference,
    });
  });

  it('a wrong key is refused, and that is permanent', async () => {
    const r = await sender('wrong').send(message);
    assert.deepEqual(r, { ok: false, provider: 'tencent', permanent: true, error: 'AuthFailure.SignatureFailure: AuthFailure.SignatureFailure' });
  });

  it('a per-number failure in SendStatusSet is reported', async () => {
    const r = await sender('tk-secret').send({ ...message, to: '13900000000' });
    assert.deepEqual(r, { ok: false, provider: 'tencent', permanent: true, error: 'InvalidParameterValue.IncorrectPhoneNumber: incorrect number' });
  });

  it('the signing date is UTC: at 00:30 in Beijing it is still yesterday', async () => {
    const late = new ManualClock(new Date('2026-02-09T16:30:00Z')); // 00:30 on 10 Feb in Beijing
    const r = await tencentSmsSender({ secretId: 'AKID-test', secretKey: 'tk-secret', sdkAppId: '1', signName: '分期', endpoint: ep.url, templates: { due_tomorrow: '2001' } }, late).send(message);
    assert.equal(r.ok, true);
    assert.match(String(ep.received.at(-1)!.headers.authorization), /\/2026-02-09\/sms\//);
  });
});
