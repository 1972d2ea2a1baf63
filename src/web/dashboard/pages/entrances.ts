import type { EntranceState, Incident } from '../../../app/dashboard/operations.ts';
import { html, type Html } from '../../html.ts';
import { alert } from '../../portal/layout.ts';
import { dashboardPage, type DashboardView } from '../layout.ts';
import { dashboardPaths } from '../paths.ts';
import { may } from '../staff-auth.ts';
import { entranceTable, incidentTable } from './tables.ts';

export interface EntrancesState { entrances: readonly EntranceState[]; incidents: readonly Incident[]; notice?: string; error?: string }

/** 还款入口与事件: status changes and incidents, for those whose role allows them; everyone else reads. */
export function entrancesPage(v: DashboardView, s: EntrancesState): Html {
  const d = v.d;
  const staff = v.staff!;
  const readOnly = !may(staff, 'entrances') && !may(staff, 'incidents');
  return dashboardPage(v, { title: d.navEntrances, section: 'entrances' }, html`<h1>${d.navEntrances}</h1>
${s.error ? alert('danger', s.error) : ''}${s.notice ? alert('ok', s.notice) : ''}
${readOnly ? alert('info', d.readOnly) : ''}
<section class="card"><h2>${d.entrancesTitle}</h2>${entranceTable(v, s.entrances, staff)}</section>
<section class="card"><h2>${d.incidentsTitle}</h2>${incidentTable(v, s.incidents, staff)}
${may(staff, 'incidents') ? html`<form method="post" action="${dashboardPaths.incidents}"><label for="title">${d.incidentTitleLabel}</label>
<input id="title" name="title" type="text" minlength="4" maxlength="500" required><button class="btn small danger" type="submit">${d.declareIncident}</button></form>` : ''}
</section>`);
}
