// Tenants (an admin's page): the list, a new tenant, disabling one (its keys, managers and leads stop).
import { api, problemText } from './api.ts';
import { button, fillTable, loaded, loading, notice, pageError, row, submits, textOf, when } from './dom.ts';
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
    button(
      'Administer',
      `tenant-open-${tenant.slug}`,
      async () => {
        location.hash = '#campaigns';
        await pickTenant(tenant.slug);
      },
      tenant.slug,
    ),
    button(
      tenant.disabled ? 'Enable' : 'Disable',
      `tenant-toggle-${tenant.slug}`,
      async () => {
        if (
          !tenant.disabled &&
          !confirm(`Disable ${tenant.slug}? Its keys, managers and leads stop at once.`)
        )
          return;
        const answer = await api<Tenant>('PATCH', `/tenants/${encodeURIComponent(tenant.slug)}`, {
          disabled: !tenant.disabled,
        });
        if (!answer.ok) return pageError(problemText(answer.problem));
        await showTenants();
        notice(`${tenant.slug} ${answer.data.disabled ? 'disabled' : 'enabled'}.`);
      },
      tenant.slug,
    ),
  );
  return cell;
}

submits(
  form,
  (data) => api<Tenant>('POST', '/tenants', { slug: textOf(data, 'slug'), name: textOf(data, 'name') }),
  async (tenant) => {
    await showTenants();
    notice(`Tenant ${tenant.slug} created.`);
  },
);
