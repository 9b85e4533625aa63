// Campaigns: the list, and the form that PUTs a campaign's whole settings (create or update), with
// a dry run that tells what would change. The API's field errors show beside the inputs.
import { byTestId } from '@pronto/pages/browser';
import type { Static } from 'typebox';
import type { CampaignPutAnswer } from '../src/admin/campaign-schemas.ts';
import { api, seg } from './api.ts';
import {
  type Campaign,
  campaignForm,
  campaignSlug,
  fillCampaignForm,
  readCampaignForm,
} from './campaign-form.ts';
import { addWindow } from './campaign-windows.ts';
import {
  button,
  clearErrors,
  el,
  fillTable,
  listFailed,
  loaded,
  loading,
  notice,
  row,
  showProblem,
} from './dom.ts';
import { fetchGroups } from './groups.ts';
import { tenantPath } from './state.ts';

type PutAnswer = Static<typeof CampaignPutAnswer>;

const list = document.querySelector('#campaign-list') as HTMLElement;
const changes = byTestId('campaign-changes');

export async function showCampaigns() {
  showList();
  loading('campaigns');
  const answer = await api<{ items: Campaign[] }>('GET', `${tenantPath()}/campaigns`);
  loaded('campaigns');
  if (!answer.ok) {
    return listFailed('campaigns', answer.problem);
  }
  fillTable(
    'campaigns',
    answer.data.items.map((campaign) => {
      const tr = row(
        campaign.slug,
        campaign.name,
        `${campaign.slaSeconds} s · ${campaign.slaClock === 'calendar' ? 'calendar' : 'business hours'}`,
        campaign.timeZone,
        campaign.agentGroups.join(' → ') || '—',
        button('Edit', `campaign-edit-${campaign.slug}`, () => openForm(campaign), campaign.slug),
      );
      tr.dataset.testid = `campaign-row-${campaign.slug}`;
      return tr;
    }),
  );
}

function showList() {
  campaignForm.hidden = true;
  list.hidden = false;
}

async function openForm(campaign: Campaign | undefined) {
  const groups = await fetchGroups();
  clearErrors(campaignForm);
  changes.replaceChildren();
  fillCampaignForm(campaign, groups);
  byTestId('campaign-form-title').textContent = campaign ? `Campaign ${campaign.slug}` : 'New campaign';
  list.hidden = true;
  campaignForm.hidden = false;
  (campaignForm.elements.namedItem(campaign ? 'name' : 'slug') as HTMLInputElement).focus();
}

async function save(dryRun: boolean) {
  changes.replaceChildren();
  const slug = campaignSlug();
  if (!slug) {
    return showProblem(campaignForm, {
      status: 400,
      errors: [{ field: 'slug', detail: 'A campaign needs a slug (lowercase letters, digits, hyphens)' }],
    });
  }
  const read = readCampaignForm();
  if (!read.settings) return showProblem(campaignForm, { status: 400, errors: read.errors });
  const path = `${tenantPath()}/campaigns/${seg(slug)}${dryRun ? '?dryRun=true' : ''}`;
  const answer = await api<PutAnswer>('PUT', path, read.settings);
  if (!answer.ok) {
    // A problem about the path's slug names `campaign`: it is the slug input's.
    const errors = answer.problem.errors?.map((error) =>
      error.field === 'campaign' ? { ...error, field: 'slug' } : error,
    );
    return showProblem(campaignForm, { ...answer.problem, ...(errors ? { errors } : {}) });
  }
  clearErrors(campaignForm);
  const { campaign, created, applied } = answer.data;
  changes.replaceChildren(
    ...answer.data.changes.map((change) =>
      el('li', {}, `${change.field}: ${JSON.stringify(change.before)} → ${JSON.stringify(change.after)}`),
    ),
  );
  if (!applied) {
    notice(
      answer.data.changes.length ? 'Dry run: these changes would be made.' : 'Dry run: nothing would change.',
    );
    return;
  }
  fillCampaignForm(campaign, await fetchGroups());
  byTestId('campaign-form-title').textContent = `Campaign ${campaign.slug}`;
  if (created) notice(`Campaign ${campaign.slug} created.`);
  else notice(answer.data.changes.length ? `Campaign ${campaign.slug} saved.` : 'Nothing changed.');
}

campaignForm.addEventListener('submit', (event) => {
  event.preventDefault();
  save(false);
});
byTestId('campaign-check').addEventListener('click', () => save(true));
byTestId('campaign-cancel').addEventListener('click', () => showCampaigns());
byTestId('campaign-new').addEventListener('click', () => openForm(undefined));
byTestId('window-add').addEventListener('click', () => addWindow(undefined, true));
