// Who is signed in and which tenant the pages administer (an admin picks one; a manager has its own).

export interface Tenant {
  slug: string;
  name: string;
  disabled: boolean;
  createdAt: string;
}

export interface Group {
  name: string;
  displayName: string;
  agents: number;
  campaigns: string[];
}

export const state: {
  role: 'admin' | 'manager';
  /** The tenant the pages act on (its slug); null while an admin has none yet. */
  tenant: string | null;
  tenants: Tenant[];
} = { role: 'manager', tenant: null, tenants: [] };

/** The tenant's path prefix on the admin API, e.g. `/tenants/acme`. */
export function tenantPath(): string {
  return `/tenants/${encodeURIComponent(state.tenant ?? '')}`;
}
