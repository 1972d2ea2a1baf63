import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Staff } from '../dashboard/staff-auth.ts';

export type Answer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; code: string; detail: string };

/**
 * The console talks to the staff API in-process (app.inject), like the portal does to the
 * customer API: the same role checks, limits, approvals, audit log and error codes apply to
 * a click as to an API call. Money actions carry the Idempotency-Key the form was rendered
 * with, so a double click or a resubmitted form moves money once.
 */
export class ConsoleApi {
  constructor(private readonly app: FastifyInstance, private readonly staff: Staff, private readonly ip: string) {}

  get<T = any>(url: string): Promise<Answer<T>> { return this.call<T>('GET', url); }

  post<T = any>(url: string, body: object, idempotencyKey?: string): Promise<Answer<T>> { return this.call<T>('POST', url, body, idempotencyKey); }

  private async call<T>(method: 'GET' | 'POST', url: string, body?: object, idempotencyKey?: string): Promise<Answer<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.staff.key}` };
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const res = await this.app.inject({ method, url, headers, remoteAddress: this.ip, ...(body ? { payload: body } : {}) });
    let parsed: any = null;
    try { parsed = res.json(); } catch { /* not JSON */ }
    if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, status: res.statusCode, body: parsed as T };
    return { ok: false, status: res.statusCode, code: parsed?.code ?? 'unknown', detail: parsed?.detail ?? '' };
  }
}

/** A fresh key for a form that moves money; the form sends it back as `idem`. */
export const newFormKey = (): string => randomUUID();
