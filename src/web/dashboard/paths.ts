import { DASHBOARD } from './staff-auth.ts';

export const dashboardPaths = {
  home: DASHBOARD,
  login: `${DASHBOARD}/login`,
  logout: `${DASHBOARD}/logout`,
  entrances: `${DASHBOARD}/entrances`,
  entranceStatus: (code: string) => `${DASHBOARD}/entrances/${code}/status`,
  incidents: `${DASHBOARD}/incidents`,
  endIncident: (id: string) => `${DASHBOARD}/incidents/${id}/end`,
} as const;
