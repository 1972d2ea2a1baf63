import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/app/ports.ts';
import { loadNoticeSettings } from '../../src/app/notices/settings.ts';
import { buildNoticeServices } from '../../src/app/notices/services.ts';
import { logSmsSender } from '../../src/adapters/notify/sms/log-sms.ts';
import { logEmailSender } from '../../src/adapters/notify/email/log-email.ts';

const config = { publicUrl: 'https://fq.example.cn/' };
const clock = new ManualClock(new Date('2026-02-07T02:00:00Z'));

describe('notice settings from the environment', () => {
  it('defaults', () => {
    const s = loadNoticeSettings({}, config);
    assert.equal(s.publicUrl, 'https://fq.example.cn');
    assert.deepEqual(s.quietHours, { startMinute: 1260, endMinute: 480 });
    assert.deepEqual(s.retry.backoffMs, [60_000, 300_000, 1_800_000]);
    assert.deepEqual([s.payPathTemplate, s.loginPath, s.linkMode], ['/portal/pay?dueDate={dueDate}', '/login', 'page']);
    assert.deepEqual(s.sms, { signName: '分期', countMode: 'cn', maxSegments: 3 });
    assert.deepEqual(s.rules.due_today.channels, ['sms', 'email']);
  });

  it('overrides, and refuses bad values with the variable named', () => {
    const s = loadNoticeSettings({ FENQI_QUIET_HOURS: 'off', FENQI_NOTICE_RULES: '{"bill_ready":{"enabled":false}}', FENQI_PORTAL_PAY_PATH: '/portal/pay?dueDate={dueDate}', FENQI_BRAND: '好分期' }, config);
    assert.equal(s.quietHours, null);
    assert.equal(s.rules.bill_ready.enabled, false);
    assert.equal(s.payPathTemplate, '/portal/pay?dueDate={dueDate}');
    assert.equal(s.sms.signName, '好分期');
    assert.throws(() => loadNoticeSettings({ FENQI_NOTICE_RULES: '{"due_today":{"channels":["fax"]}}' }, config), /^Error: FENQI_NOTICE_RULES: rule for due_today/);
    assert.throws(() => loadNoticeSettings({ FENQI_NOTICE_RULES: '{' }, config), /not valid JSON/);
    assert.throws(() => loadNoticeSettings({ FENQI_QUIET_HOURS: '9pm-8am' }, config), /FENQI_QUIET_HOURS/);
    assert.throws(() => loadNoticeSettings({ FENQI_PORTAL_PAY_PATH: 'https://evil.example/{dueDate}' }, config), /FENQI_PORTAL_PAY_PATH/);
    assert.throws(() => loadNoticeSettings({ FENQI_PORTAL_PAY_PATH: '/repay' }, config), /FENQI_PORTAL_PAY_PATH/);
  });

  it('builds log channels by default and providers when configured', () => {
    const log = () => {};
    assert.deepEqual(Object.values(buildNoticeServices({}, config, clock, log).senders).map((s) => s.provider), ['log', 'log']);
    const aliyun = buildNoticeServices({ FENQI_SMS_PROVIDER: 'aliyun', FENQI_ALIYUN_ACCESS_KEY_ID: 'id', FENQI_ALIYUN_ACCESS_KEY_SECRET: 'secret', FENQI_SMS_TEMPLATES: '{"due_today":"SMS_1"}', FENQI_SMTP_URL: 'smtp://127.0.0.1:2525' }, config, clock, log);
    assert.deepEqual([aliyun.senders.sms.provider, aliyun.senders.email.provider], ['aliyun', 'smtp']);
    assert.throws(() => buildNoticeServices({ FENQI_SMS_PROVIDER: 'tencent', FENQI_SMS_TEMPLATES: '{}' }, config, clock, log), /FENQI_TENCENT_SECRET_ID is required/);
    assert.throws(() => buildNoticeServices({ FENQI_SMS_PROVIDER: 'aliyun', FENQI_ALIYUN_ACCESS_KEY_ID: 'id', FENQI_ALIYUN_ACCESS_KEY_SECRET: 's' }, config, clock, log), /FENQI_SMS_TEMPLATES is required/);
    assert.throws(() => buildNoticeServices({ FENQI_SMS_PROVIDER: 'twilio' }, config, clock, log), /must be log, aliyun or tencent/);
  });

  it('the log channels never write a full phone number or address', async () => {
    const lines: string[] = [];
    const log = (m: string, f?: Record<string, unknown>) => { lines.push(`${m} ${JSON.stringify(f)}`); };
    await logSmsSender(log, '分期').send({ to: '13800138000', text: '您的账单536.00元明天到期', reference: 'n1', template: { kind: 'due_tomorrow', locale: 'zh-CN', params: {}, paramOrder: [] } });
    await logEmailSender(log).send({ to: 'li.hua@example.com', subject: '还款提醒', text: 'x', html: 'x', reference: 'n2' });
    assert.match(lines[0]!, /^sms → 138\*\*\*\*8000: 【分期】您的账单536\.00元明天到期/);
    assert.match(lines[1]!, /^email → l\*\*\*@example\.com: 还款提醒/);
    assert.doesNotMatch(lines.join('\n'), /13800138000|li\.hua/);
  });
});
