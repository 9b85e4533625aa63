// The administration pages (/manager/admin): a manager or an admin, signed in at /manager, keeps a
// tenant's campaigns, groups, agents and keys and reads its audit log; an admin also keeps the
// tenants. One page, one section per #hash. Served bundled as /manager/assets/admin.js
// (src/admin-page-files.ts); every call goes to the admin API (/v1/admin) with the session cookie.
import { $, byTestId } from '@pronto/pages/browser';
import { showAgents } from './agents.ts';
import { api, problemText, whenSignedOut } from './api.ts';
import { showAudit } from './audit.ts';
import { showCampaigns } from './campaigns.ts';
import { notice, pageError } from './dom.ts';
import { showGroups } from './groups.ts';
import { showKeys } from './keys.ts';
import { state } from './state.ts';
import { loadTenants, whenTenantPicked } from './tenant-picker.ts';
import { showTenants } from './tenants.ts';

const PAGES: Record<string, () => Promise<void>> = {
  tenants: showTenants,
  campaigns: showCampaigns,
  groups: showGroups,
  agents: showAgents,
  keys: showKeys,
  audit: showAudit,
};
const TENANT_PAGES = new Set(['campaigns', 'groups', 'agents', 'keys', 'audit']);

function showSignedOut() {
  $('#loading').hidden = true;
  $('#admin').hidden = true;
  $('#signed-out').hidden = false;
}

async function start() {
  whenSignedOut(showSignedOut);
  whenTenantPicked(showPage);
  const session = await fetch('/manager/session');
  if (!session.ok) return showSignedOut();
  const { manager } = (await session.json()) as { manager: { displayName: string } };
  const who = await api<{ role: 'admin' | 'manager'; tenant: string | null; actor: string }>(
    'GET',
    '/whoami',
  );
  $('#loading').hidden = true;
  $('#admin').hidden = false;
  if (!who.ok) {
    pageError(problemText(who.problem));
    return;
  }
  state.role = who.data.role;
  byTestId('admin-name').textContent = manager.displayName;
  byTestId('admin-role').textContent =
    who.data.role === 'admin' ? 'admin (every tenant)' : `manager of ${who.data.tenant}`;
  byTestId('nav-tenants').hidden = state.role !== 'admin';
  await loadTenants(who.data.tenant);
  window.addEventListener('hashchange', () => showPage());
  await showPage();
}

async function showPage() {
  // An admin starts at the tenants, to pick one; a manager at its own tenant's campaigns.
  const fallback = state.role === 'admin' ? 'tenants' : 'campaigns';
  let name = location.hash.slice(1) || fallback;
  if (!(name in PAGES) || (name === 'tenants' && state.role !== 'admin')) name = fallback;
  for (const section of document.querySelectorAll<HTMLElement>('[data-page]')) {
    section.hidden = section.dataset.page !== name;
  }
  for (const link of document.querySelectorAll<HTMLElement>('[data-page-link]')) {
    if (link.dataset.pageLink === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  pageError('');
  notice('');
  if (TENANT_PAGES.has(name) && !state.tenant) {
    pageError('Pick a tenant first (Tenants), or create one.');
    return;
  }
  await PAGES[name]?.();
}

$('#signout').addEventListener('click', async () => {
  await fetch('/manager/session', { method: 'DELETE' });
  location.assign('/manager');
});

start();
