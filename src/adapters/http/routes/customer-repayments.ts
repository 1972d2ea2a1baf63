import { Type } from 'typebox';
import { sql } from 'kysely';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import { RepaymentBatcher } from '../../../app/servicing/batch/repayment-batcher.ts';
import { refundCreditBalance } from '../../../app/servicing/refund-credit-balance.ts';
import { sandboxOf } from '../../../app/payments/gateways.ts';
import { formatYuan, parseYuan } from '../../../core/money/parse.ts';
import { actorOf, guards, hashToken, idempotencyKeyOf, scopeOf, SESSION_PREFIX } from '../auth.ts';
import { NaturalBatcher } from '../../../app/servicing/batch/natural-batcher.ts';
import { fingerprint } from '../../db/idempotency.ts';
import { SessionHints } from '../session-hints.ts';
import { domainError } from '../../../core/errors.ts';
import { runUseCase } from '../run-use-case.ts';
import { sendProblem } from '../problem.ts';
import { Money, ProblemSchema, RepaymentFields, RepaymentSchema } from '../schemas.ts';
import { repaymentView } from '../views/repayment-view.ts';
import { parseRepaymentRequest } from './repayment-request.ts';

const Headers = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ description: 'required: one key per payment attempt' })) });
const Problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema };

/** The live session for each token hash (undefined when none): authenticate()'s session rule, for many tokens at once. */
async function liveSessions(deps: AppDeps, hashes: string[]): Promise<({ customerId: string; expiresAt: Date } | undefined)[]> {
  const rows = await deps.db.selectFrom('sessions').select(['token_hash', 'customer_id', 'expires_at'])
    .where(sql<boolean>`token_hash = any(${[...new Set(hashes)]}::text[])`).where('revoked_at', 'is', null).where('expires_at', '>', deps.clock.now()).execute();
  const byHash = new Map(rows.map((r) => [r.token_hash, { customerId: r.customer_id, expiresAt: new Date(r.expires_at) }]));
  return hashes.map((h) => byHash.get(h));
}

/**
 * The customer pays. In this version money arrives through the built-in sandbox channel,
 * which settles at once, or from the customer's credit balance; real gateways post through
 * the same postRepayment use case when their verified notification arrives. Customer
 * repayments go through a RepaymentBatcher: requests arriving together share one transaction.
 */
export const customerRepaymentRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  const batcher = new RepaymentBatcher(deps, {
    respond: (r) => ({ status: 201, body: repaymentView(r) }),
    ...(process.env.FENQI_REPAYMENT_BATCH_MAX ? { maxBatch: Number(process.env.FENQI_REPAYMENT_BATCH_MAX) } : {}),
    ...(process.env.FENQI_REPAYMENT_BATCH_IN_FLIGHT ? { maxInFlight: Number(process.env.FENQI_REPAYMENT_BATCH_IN_FLIGHT) } : {}),
  });

  // The session is checked where it matters, in the repayment's own transaction under the
  // customer's lock (sessionTokenHash below, with authenticate()'s exact conditions), so the
  // guard only needs to know which customer a token names: from a hint when this process has
  // seen the session live before (no round trip), else from a lookup coalesced across the
  // requests that arrive together. Anything that is not a live session falls through to the
  // shared guard, which answers as every customer route does (401 / 403).
  const hints = new SessionHints();
  const sessions = new NaturalBatcher((hashes: string[]) => liveSessions(deps, hashes), { maxBatch: 256, maxInFlight: 4 });
  const customerGuard = async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (token.startsWith(SESSION_PREFIX)) {
      const tokenHash = hashToken(token);
      const hinted = hints.get(tokenHash, deps.clock.now());
      if (hinted) { req.principal = { kind: 'customer', customerId: hinted, tokenHash }; return; }
      const live = await sessions.submit(tokenHash);
      if (live) {
        hints.set(tokenHash, live.customerId, live.expiresAt);
        req.principal = { kind: 'customer', customerId: live.customerId, tokenHash };
        return;
      }
    }
    return guard.customer(req, reply);
  };

  app.post('/v1/me/repayments', {
    preHandler: customerGuard,
    schema: {
      tags: ['customer'], summary: 'Repay an installment, a bill, any amount, or pay a plan off', security: [{ bearer: [] }], headers: Headers,
      body: Type.Object({ ...RepaymentFields, channel: Type.Optional(Type.String({ enum: ['sandbox', 'credit_balance'] })) }, {
        additionalProperties: false,
        examples: [{ kind: 'bill', amount: '536.00' }, { kind: 'installment', planId: '0192f0c8-5c2a-7000-8000-000000000001', installmentNumber: 1, amount: '536.00' }],
      }),
      response: { 201: RepaymentSchema, ...Problems },
    },
  }, async (req, reply) => {
    const principal = req.principal!;
    if (principal.kind !== 'customer') return reply;
    const parsed = parseRepaymentRequest(req.body);
    if (!parsed.ok) return sendProblem(reply, parsed.error);
    const channel = (req.body.channel ?? 'sandbox') as 'sandbox' | 'credit_balance';
    const key = idempotencyKeyOf(req);
    if (key === 'invalid') return sendProblem(reply, domainError('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters', 'Idempotency-Key'));
    if (!key) return sendProblem(reply, domainError('validation_failed', 'this request moves money: send an Idempotency-Key header', 'Idempotency-Key'));
    // Through the batcher: concurrent repayments share one transaction (see RepaymentBatcher), each with its own key, audit and journal entry.
    // Paying again what a gateway payment in flight may already cover is refused (409 payment_in_flight), as at the cashier
    // (POST /v1/me/payments): checked in that transaction, under the customer's lock, so no payment can start in between.
    const result = await batcher.submit({
      refuseWhilePaymentInFlight: true,
      sessionTokenHash: principal.tokenHash,
      actor: actorOf(principal, req.ip),
      idempotency: { scope: scopeOf(principal), key, fingerprint: fingerprint([req.method, req.routeOptions.url, req.params, req.body]) },
      input: { customerId: principal.customerId, target: parsed.value.target, amount: parsed.value.amount, channel },
    });
    if (!result.ok) {
      if (result.error.code === 'unauthorized') hints.forget(principal.tokenHash);
      return sendProblem(reply, result.error);
    }
    if (result.replayed) return reply.code(result.response.status).header('idempotent-replayed', 'true').send(result.response.body as ReturnType<typeof repaymentView>);
    return reply.code(201).send(repaymentView(result.value));
  });

  app.post('/v1/me/credit-balance/refund', {
    preHandler: guard.customer,
    schema: {
      tags: ['customer'], summary: 'Refund the credit balance (溢缴款) to the original channel', security: [{ bearer: [] }], headers: Headers,
      body: Type.Object({ amount: Type.Optional(Money) }, { additionalProperties: false, examples: [{ amount: '12.50' }, {}] }),
      response: {
        201: Type.Object({
          refundId: Type.String(), amount: Money, channel: Type.String(), status: Type.String({ description: 'pending: on its way back through the gateway it came from' }),
          legs: Type.Array(Type.Object({ refundId: Type.String(), amount: Money, channel: Type.String(), status: Type.String() })),
        }),
        ...Problems,
      },
    },
  }, async (req, reply) => {
    const principal = req.principal!;
    if (principal.kind !== 'customer') return reply;
    let amount: number | undefined;
    if (req.body.amount !== undefined) {
      const parsed = parseYuan(req.body.amount, { field: 'amount', allowZero: false });
      if (!parsed.ok) return sendProblem(reply, parsed.error);
      amount = parsed.value;
    }
    // What no gateway payment can take back is paid at once by the sandbox where it runs (the demo), by hand otherwise.
    const channel = sandboxOf(deps) ? 'sandbox' : 'manual';
    return runUseCase(deps, req, reply, (ctx) => refundCreditBalance(ctx, { customerId: principal.customerId, channel, ...(amount ? { amount } : {}) }), {
      requireIdempotencyKey: true, status: 201,
      respond: (r) => ({
        refundId: r.refundId, amount: formatYuan(r.amount), channel: r.channel, status: r.status,
        legs: r.legs.map((l) => ({ refundId: l.refundId, amount: formatYuan(l.amount), channel: l.channel, status: l.status })),
      }),
    });
  });
};
