import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import { sandboxOf } from '../../../app/payments/gateways.ts';
import { domainError } from '../../../core/errors.ts';
import { guards } from '../../http/auth.ts';
import { sendProblem } from '../../http/problem.ts';
import { cashierPage, resultPage } from './cashier-page.ts';
import { statementCsv } from './statement.ts';

const Cashier = { params: Type.Object({ outTradeNo: Type.String({ pattern: '^[0-9a-f]{32}$' }) }), querystring: Type.Object({ t: Type.String({ maxLength: 64 }) }) };

const PAY_RESULTS = {
  paid: '支付成功 Paid', already_paid: '已支付 Already paid', insufficient_funds: '余额不足 Insufficient funds', not_payable: '订单不可支付 This order can no longer be paid',
} as const;

/**
 * The sandbox gateway's own pages (its cashier and its statement download) and the switches
 * operations use to inject faults. They stand in for what Alipay or WeChat Pay serve.
 */
export const sandboxRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  // The cashier's buttons post plain HTML forms.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  const sandbox = () => sandboxOf(deps);

  app.get('/sandbox/cashier/:outTradeNo', { schema: { hide: true, ...Cashier } }, async (req, reply) => {
    const s = sandbox();
    if (!s || !s.checkCashierToken(req.params.outTradeNo, req.query.t)) return reply.code(404).type('text/plain').send('not found');
    const trade = await deps.db.selectFrom('sandbox_trades').selectAll().where('out_trade_no', '=', req.params.outTradeNo).executeTakeFirst();
    if (!trade) return reply.code(404).type('text/plain').send('not found');
    return reply.type('text/html; charset=utf-8').send(cashierPage({ outTradeNo: trade.out_trade_no, token: req.query.t, subject: trade.subject, amount: trade.amount_fen, status: trade.status }));
  });

  app.post('/sandbox/cashier/:outTradeNo/:action', {
    schema: { hide: true, params: Type.Object({ outTradeNo: Cashier.params.properties.outTradeNo, action: Type.String({ enum: ['pay', 'fail', 'later'] }) }), querystring: Cashier.querystring },
  }, async (req, reply) => {
    const s = sandbox();
    const { outTradeNo, action } = req.params;
    if (!s || !s.checkCashierToken(outTradeNo, req.query.t)) return reply.code(404).type('text/plain').send('not found');
    let message: string;
    if (action === 'pay') message = PAY_RESULTS[await s.pay(outTradeNo)];
    else if (action === 'fail') { await s.decline(outTradeNo); message = '支付失败 Payment failed'; } else message = '稍后支付 You can pay later from the cashier link';
    return reply.type('text/html; charset=utf-8').send(resultPage(message, outTradeNo));
  });

  app.get('/sandbox/statements/:date', {
    preHandler: guard.staff('operator', 'auditor'),
    schema: { tags: ['admin'], summary: 'The sandbox gateway statement (对账单) for a day, as CSV', security: [{ bearer: [] }], params: Type.Object({ date: Type.String({ format: 'date' }) }) },
  }, async (req, reply) => {
    const s = sandbox();
    if (!s) return sendProblem(reply, domainError('gateway_not_configured', 'the sandbox gateway is not in use'));
    return reply.type('text/csv; charset=utf-8').send(statementCsv(req.params.date, await s.statement(req.params.date)));
  });

  const Faults = Type.Object({
    lostCallback: Type.Boolean(), duplicateCallbacks: Type.Integer({ minimum: 1, maximum: 100 }), insufficientFunds: Type.Boolean(),
    timeout: Type.Boolean(), notifyDelayMs: Type.Integer({ minimum: 0, maximum: 600_000 }),
  });
  app.get('/v1/admin/sandbox/faults', {
    preHandler: guard.staff(), schema: { tags: ['admin'], summary: 'Sandbox gateway fault switches', security: [{ bearer: [] }], response: { 200: Faults } },
  }, async (_req, reply) => {
    const s = sandbox();
    return s ? s.faults : sendProblem(reply, domainError('gateway_not_configured', 'the sandbox gateway is not in use'));
  });
  app.put('/v1/admin/sandbox/faults', {
    preHandler: guard.staff(),
    schema: { tags: ['admin'], summary: 'Switch sandbox gateway faults on or off', security: [{ bearer: [] }], body: Type.Partial(Faults, { additionalProperties: false }), response: { 200: Faults } },
  }, async (req, reply) => {
    const s = sandbox();
    if (!s) return sendProblem(reply, domainError('gateway_not_configured', 'the sandbox gateway is not in use'));
    s.faults = { ...s.faults, ...req.body };
    deps.log('sandbox faults changed', { faults: s.faults });
    return s.faults;
  });
};
