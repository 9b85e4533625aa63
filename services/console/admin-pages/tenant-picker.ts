// The tenant the pages act on: the picker in the header, kept across reloads for an admin.
import { api, problemText } from './api.ts';
import { pageError } from './dom.ts';
import { state, type Tenant } from './state.ts';

const TENANT_KEY = 'pronto-admin-tenant';
const select = document.querySelector('#tenant-select') as HTMLSelectElement;

let afterPick: () => Promise<void> = async () => {};
/** What to do once a tenant is picked (show the current page for it). */
export function whenTenantPicked(handler: () => Promise<void>) {
  afterPick = handler;
}

/** The tenants the operator may administer, into the picker; the chosen one kept across reloads. */
export async function loadTenants(own: string | null = state.tenant) {
  const answer = await api<{ items: Tenant[] }>('GET', '/tenants');
  state.tenants = answer.ok ? answer.data.items : [];
  if (!answer.ok) pageError(problemText(answer.problem));
  if (own && !state.tenants.some((tenant) => tenant.slug === own) && state.role === 'manager') {
    state.tenants = [{ slug: own, name: own, disabled: false, createdAt: '' }];
  }
  const saved = state.role === 'admin' ? sessionStorage.getItem(TENANT_KEY) : own;
  const known = (slug: string | null) => state.tenants.some((tenant) => tenant.slug === slug);
  state.tenant = known(state.tenant) ? state.tenant : known(saved) ? saved : (state.tenants[0]?.slug ?? null);
  select.replaceChildren(
    ...state.tenants.map((tenant) => {
      const option = document.createElement('option');
      option.value = tenant.slug;
      option.textContent = `${tenant.name} (${tenant.slug})${tenant.disabled ? ' · disabled' : ''}`;
      return option;
    }),
  );
  select.value = state.tenant ?? '';
  select.disabled = state.tenants.length < 2;
}

/** Makes `slug` the tenant the pages act on, and shows the current page for it. */
export async function pickTenant(slug: string) {
  state.tenant = slug;
  sessionStorage.setItem(TENANT_KEY, slug);
  select.value = slug;
  await afterPick();
}

select.addEventListener('change', () => pickTenant(select.value));
