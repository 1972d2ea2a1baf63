import type { FastifyReply, FastifyRequest } from 'fastify';
import { execute } from '../../app/execute.ts';
import { fingerprint } from '../db/idempotency.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import type { Result } from '../../core/result.ts';
import type { TxContext } from '../../app/context.ts';
import type { AppDeps } from '../../app/deps.ts';
import { actorOf, idempotencyKeyOf, scopeOf } from './auth.ts';
import { sendProblem } from './problem.ts';

export interface RunOptions<T> {
  /** Money-moving POSTs require an Idempotency-Key; others accept one. */
  requireIdempotencyKey?: boolean;
  /** Status for a fresh success (201 for creations). */
  status?: number;
  /** The response body; a retry with the same key gets this exact body back, unless `replay` is given. */
  respond: (value: T) => unknown;
  /**
   * What is stored for a retry with the same key, when it must differ from the first answer: a
   * secret shown once (a webhook secret, an API key's token) is never written to the
   * idempotency store, so the retry learns that the thing exists but not its secret.
   */
  replay?: (value: T) => unknown;
}

/**
 * The HTTP side of a use case: resolves the actor, the idempotency key and its fingerprint
 * (method, route, params and body), runs the use case in one transaction and answers with
 * the body — or problem+json with the use case's stable error code.
 */
export async function runUseCase<T>(
  deps: AppDeps, req: FastifyRequest, reply: FastifyReply,
  work: (ctx: TxContext) => Promise<Result<T, DomainError>>, options: RunOptions<T>,
): Promise<FastifyReply> {
  const principal = req.principal;
  if (!principal) return sendProblem(reply, domainError('unauthorized', 'missing or invalid bearer token'));
  const key = idempotencyKeyOf(req);
  if (key === 'invalid') return sendProblem(reply, domainError('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters', 'Idempotency-Key'));
  if (!key && options.requireIdempotencyKey) return sendProblem(reply, domainError('validation_failed', 'this request moves money: send an Idempotency-Key header', 'Idempotency-Key'));
  const status = options.status ?? 200;
  const result = await execute(deps, actorOf(principal, req.ip), work, {
    ...(key ? { idempotency: { scope: scopeOf(principal), key, fingerprint: fingerprint([req.method, req.routeOptions.url, req.params, req.body]) } } : {}),
    respond: (value) => ({ status, body: (options.replay ?? options.respond)(value) }),
  });
  if (!result.ok) return sendProblem(reply, result.error);
  if (result.replayed) return reply.code(result.response.status).header('idempotent-replayed', 'true').send(result.response.body);
  return reply.code(status).send(options.respond(result.value));
}
