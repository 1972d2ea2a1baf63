import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Staff } from '../dashboard/staff-auth.ts';
import { StaffApi } from '../dashboard/staff-api.ts';

export type Answer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; code: string; detail: string };

/**
 * The console talks to the staff API in-process (app.inject), like the portal does to the
 * customer API: the same role checks, limits, approvals, audit log and error codes apply to
 * a click as to an API call. Money actions carry the Idempotency-Key the form was rendered
 * with, so a double click or a resubmitted form moves money once.
 */
export class ConsoleApi {
  private readonly api: StaffApi;
  constructor(app: FastifyInstance, staff: Staff, ip: string) { this.api = new StaffApi(app, staff, ip); }

  get<T = any>(url: string): Promise<Answer<T>> { return this.call<T>('GET', url); }

  post<T = any>(url: string, body: object, idempotencyKey?: string): Promise<Answer<T>> { return this.call<T>('POST', url, body, idempotencyKey); }

  /** The dashboard's in-process admin call (same headers, same problem+json reading). */
  private call<T>(method: 'GET' | 'POST', url: string, body?: object, idempotencyKey?: string): Promise<Answer<T>> {
    return this.api.call<T>(method, url, body, idempotencyKey);
  }
}

/** A fresh key for a form that moves money; the form sends it back as `idem`. */
export const newFormKey = (): string => randomUUID();
