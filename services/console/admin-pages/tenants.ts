// Tenants (an admin's page): the list, a new tenant, disabling one (its keys, managers and leads stop).
import { api, problemText } from './api.ts';
import {
  button,
  clearErrors,
  fillTable,
  loaded,
  loading,
  notice,
  pageError,
  row,
  showProblem,
  when,
} from './dom.ts';
import { state, type Tenant } from './state.ts';
import { loadTenants, pickTenant } from './tenant-picker.ts';

const form = document.querySelector('#tenant-form') as HTMLFormElement;

export async function showTenants() {
  loading('tenants');
  await loadTenants();
  loaded('tenants');
  fillTable(
    'tenants',
    state.tenants.map((tenant) =>
      row(
        tenant.slug,
        tenant.name,
        tenant.disabled ? 'Disabled' : 'Active',
        when(tenant.createdAt),
        actions(tenant),
      ),
    ),
  );
}

function actions(tenant: Tenant) {
  const cell = document.createElement('span');
  cell.className = 'row-actions';
  cell.append(
    button('Administer', `tenant-open-${tenant.slug}`, async () => {
      location.hash = '#campaigns';
      await pickTenant(tenant.slug);
    }),
    button(tenant.disabled ? 'Enable' : 'Disable', `tenant-toggle-${tenant.slug}`, async () => {
      if (!tenant.disabled && !confirm(`Disable ${tenant.slug}? Its keys, managers and leads stop at once.`))
        return;
      const answer = await api<Tenant>('PATCH', `/tenants/${encodeURIComponent(tenant.slug)}`, {
        disabled: !tenant.disabled,
      });
      if (!answer.ok) return pageError(problemText(answer.problem));
      notice(`${tenant.slug} ${answer.data.disabled ? 'disabled' : 'enabled'}.`);
      await showTenants();
    }),
  );
  return cell;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const answer = await api<Tenant>('POST', '/tenants', { slug: data.get('slug'), name: data.get('name') });
  if (!answer.ok) return showProblem(form, answer.problem);
  clearErrors(form);
  form.reset();
  notice(`Tenant ${answer.data.slug} created.`);
  await showTenants();
});
