import type { FastifyInstance } from 'fastify';
import type { Staff } from './staff-auth.ts';

export type StaffResult = { ok: true } | { ok: false; status: number; code: string; detail: string };
/** An answer with its body: the parsed JSON on success, the problem's code, detail and field on refusal. */
export type StaffAnswer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; code: string; detail: string; field?: string };

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The dashboard's actions go through the admin API in-process, like the portal's: the same
 * role check (an auditor's key is refused there too), validation, audit log and error codes.
 */
export class StaffApi {
  constructor(private readonly app: FastifyInstance, private readonly staff: Staff, private readonly ip: string) {}

  /** Any admin call; `idempotencyKey` is the key the form was rendered with, so a double submit writes once. */
  async call<T = any>(method: Method, url: string, body?: object, idempotencyKey?: string): Promise<StaffAnswer<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.staff.token}` };
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const res = await this.app.inject({ method, url, headers, remoteAddress: this.ip, ...(body ? { payload: body } : {}) });
    let parsed: any = null;
    try { parsed = res.json(); } catch { /* not JSON */ }
    if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, status: res.statusCode, body: parsed as T };
    return { ok: false, status: res.statusCode, code: parsed?.code ?? 'unknown', detail: parsed?.detail ?? '', ...(typeof parsed?.field === 'string' ? { field: parsed.field } : {}) };
  }

  private async post(url: string, body: object): Promise<StaffResult> {
    const r = await this.call('POST', url, body);
    return r.ok ? { ok: true } : { ok: false, status: r.status, code: r.code, detail: r.detail };
  }

  setEntranceStatus(code: string, status: string, reason: string) { return this.post(`/v1/admin/entrances/${encodeURIComponent(code)}/status`, { status, reason }); }
  declareIncident(title: string) { return this.post('/v1/admin/incidents', { title, scope: { partnerIds: [], productIds: [], merchantIds: [], planIds: [] } }); }
  endIncident(id: string) { return this.post(`/v1/admin/incidents/${encodeURIComponent(id)}/end`, {}); }
}
