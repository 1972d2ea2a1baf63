import type { EntranceState, Incident } from '../../../app/dashboard/operations.ts';
import { ENTRANCE_STATUSES } from '../../../core/entrances/entrance.ts';
import { html, type Html } from '../../html.ts';
import { dateTime } from '../../i18n/format.ts';
import type { DashboardView } from '../layout.ts';
import { dashboardPaths } from '../paths.ts';
import { may, type Staff } from '../staff-auth.ts';

const STATUS_BADGE: Record<string, string> = { open: 'paid', degraded: 'due', closed: 'overdue', ended: 'paid' };

/** Entrances with their status; with `actor` allowed to act, a small form per row changes it (with a reason, for the audit log). */
export function entranceTable(v: DashboardView, entrances: readonly EntranceState[], actor: Staff | null): Html {
  const d = v.d;
  if (entrances.length === 0) return html`<p class="muted">${d.none}</p>`;
  const act = actor !== null && may(actor, 'entrances');
  return html`<div class="table-wrap"><table data-testid="entrances">
<thead><tr><th scope="col">${d.name}</th><th scope="col">${d.kind}</th><th scope="col">${d.status}</th><th scope="col">${d.updated}</th>${act ? html`<th scope="col">${d.setStatus}</th>` : ''}</tr></thead>
<tbody>${entrances.map((e) => html`<tr><td>${e.name}<br><span class="small muted">${e.code}</span></td><td>${e.kind}</td>
<td><span class="badge ${STATUS_BADGE[e.status] ?? ''}">${d.entranceStatus[e.status] ?? e.status}</span></td><td class="small">${dateTime(v.locale, e.updatedAt)}</td>
${act ? html`<td><form class="inline" method="post" action="${dashboardPaths.entranceStatus(e.code)}">
<label class="small" for="st-${e.code}">${d.status}</label><select id="st-${e.code}" name="status">${ENTRANCE_STATUSES.map((s) => html`<option value="${s}"${s === e.status ? html` selected` : ''}>${d.entranceStatus[s] ?? s}</option>`)}</select>
<label class="small" for="why-${e.code}">${d.reason}</label><input id="why-${e.code}" type="text" name="reason" minlength="4" maxlength="500" required>
<button class="btn small" type="submit">${d.save}</button></form></td>` : ''}</tr>`)}</tbody></table></div>`;
}

/** Incidents, newest first; open ones can be ended by those allowed to. */
export function incidentTable(v: DashboardView, incidents: readonly Incident[], actor: Staff | null): Html {
  const d = v.d;
  if (incidents.length === 0) return html`<p class="muted">${d.none}</p>`;
  const act = actor !== null && may(actor, 'incidents');
  return html`<div class="table-wrap"><table data-testid="incidents">
<thead><tr><th scope="col">${d.title_}</th><th scope="col">${d.status}</th><th scope="col">${d.startsAt}</th><th scope="col">${d.endsAt}</th><th scope="col">${d.protectedInstallments}</th>${act ? html`<th scope="col"></th>` : ''}</tr></thead>
<tbody>${incidents.map((i) => html`<tr><td>${i.title}</td><td><span class="badge ${STATUS_BADGE[i.status] ?? 'overdue'}">${d.incidentStatus[i.status] ?? i.status}</span></td>
<td class="small">${dateTime(v.locale, i.startsAt)}</td><td class="small">${i.endsAt ? dateTime(v.locale, i.endsAt) : '—'}</td><td class="num">${i.protectedInstallments}</td>
${act ? html`<td>${i.status === 'open' ? html`<form method="post" action="${dashboardPaths.endIncident(i.id)}"><button class="btn small secondary" type="submit">${d.endIncident}</button></form>` : ''}</td>` : ''}</tr>`)}</tbody></table></div>`;
}
