import type { FastifyInstance } from 'fastify';
import type { Staff } from './staff-auth.ts';

export type StaffResult = { ok: true } | { ok: false; status: number; code: string; detail: string };

/**
 * The dashboard's actions go through the admin API in-process, like the portal's: the same
 * role check (an auditor's key is refused there too), validation, audit log and error codes.
 */
export class StaffApi {
  constructor(private readonly app: FastifyInstance, private readonly staff: Staff, private readonly ip: string) {}

  private async post(url: string, body: object): Promise<StaffResult> {
    const res = await this.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${this.staff.key}` }, payload: body, remoteAddress: this.ip });
    if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true };
    let p: { code?: string; detail?: string } = {};
    try { p = res.json(); } catch { /* not a problem document */ }
    return { ok: false, status: res.statusCode, code: p.code ?? 'unknown', detail: p.detail ?? '' };
  }

  setEntranceStatus(code: string, status: string, reason: string) { return this.post(`/v1/admin/entrances/${encodeURIComponent(code)}/status`, { status, reason }); }
  declareIncident(title: string) { return this.post('/v1/admin/incidents', { title, scope: { partnerIds: [], productIds: [], merchantIds: [], planIds: [] } }); }
  endIncident(id: string) { return this.post(`/v1/admin/incidents/${encodeURIComponent(id)}/end`, {}); }
}
