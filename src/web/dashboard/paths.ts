import { DASHBOARD } from './staff-auth.ts';

export const dashboardPaths = {
  home: DASHBOARD,
  login: `${DASHBOARD}/login`,
  logout: `${DASHBOARD}/logout`,
  entrances: `${DASHBOARD}/entrances`,
  entranceStatus: (code: string) => `${DASHBOARD}/entrances/${code}/status`,
  incidents: `${DASHBOARD}/incidents`,
  endIncident: (id: string) => `${DASHBOARD}/incidents/${id}/end`,
  products: `${DASHBOARD}/products`,
  newProduct: `${DASHBOARD}/products/new`,
  product: (id: string) => `${DASHBOARD}/products/${id}`,
  productAction: (id: string, action: 'versions' | 'new-version' | 'retire') => `${DASHBOARD}/products/${id}/${action}`,
  offer: (productId: string, merchantId: string, action: 'offer' | 'withdraw') => `${DASHBOARD}/products/${productId}/merchants/${merchantId}/${action}`,
  merchants: `${DASHBOARD}/merchants`,
  merchant: (id: string) => `${DASHBOARD}/merchants/${id}`,
  merchantAction: (id: string, action: 'edit' | 'keys' | 'offer') => `${DASHBOARD}/merchants/${id}/${action}`,
  revokeKey: (merchantId: string, keyId: string) => `${DASHBOARD}/merchants/${merchantId}/keys/${keyId}/revoke`,
  partners: `${DASHBOARD}/partners`,
  newPartner: `${DASHBOARD}/partners/new`,
  partner: (id: string) => `${DASHBOARD}/partners/${id}`,
} as const;
