// The staffing page (/manager/staffing): for a campaign and a day, the agents needed per hour (by
// Erlang and by the simulator running the dispatch policy) against the agents signed in, and a
// what-if (more leads, another target, another handle time). Signed in at /manager like the
// administration pages; every figure comes from GET /v1/staffing with the session cookie. Served
// bundled as /manager/assets/staffing.js (src/staffing-page-files.ts).
import { $, byTestId, type SignedInManager as SignedIn } from '@pronto/pages/browser';
import { fetchCampaigns, fetchStaffing } from './api.ts';
import { renderChart } from './chart.ts';
import {
  clearErrors,
  fillCampaigns,
  isWhatIf,
  loadFormFromUrl,
  resetWhatIf,
  setBusy,
  showAnsweredDate,
  showProblem,
  staffingForm,
  staffingQuery,
} from './form.ts';
import { renderAssumptions, renderTable } from './table.ts';

function showSignedOut() {
  $('#page-loading').hidden = true;
  $('#staffing').hidden = true;
  $('#signed-out').hidden = false;
}

async function start() {
  const session = await fetch('/manager/session');
  if (!session.ok) return showSignedOut();
  const { manager } = (await session.json()) as { manager: SignedIn };
  // An admin acts for the installation, which has no campaigns of its own: the tenants come first.
  if (manager.role === 'admin') {
    location.assign('/manager/admin');
    return;
  }
  const campaigns = await fetchCampaigns();
  if (campaigns === null) return showSignedOut();
  $('#page-loading').hidden = true;
  $('#staffing').hidden = false;
  byTestId('manager-name').textContent = manager.displayName;
  const params = new URLSearchParams(location.search);
  fillCampaigns(campaigns, params.get('campaign'));
  loadFormFromUrl(params);
  if (campaigns.length === 0) {
    showProblem({ status: 404, title: 'This tenant has no campaigns yet: create one under Administration.' });
    return;
  }
  await query();
}

/** The mode badge: "What-if" while any what-if input is set, so a changed figure is never mistaken for the forecast. */
function showMode(whatIf: boolean) {
  const mode = byTestId('staffing-mode');
  mode.dataset.mode = whatIf ? 'what-if' : 'forecast';
  mode.textContent = whatIf ? 'What-if (not the forecast)' : 'Forecast';
}

function showLoading(loading: boolean) {
  byTestId('staffing-loading').hidden = !loading;
  byTestId('staffing-result').setAttribute('aria-busy', String(loading));
  setBusy(loading);
}

/** Asks the advisor for the form's day and what-if, and redraws the chart and the table. */
async function query() {
  const params = staffingQuery();
  const whatIf = isWhatIf();
  showLoading(true);
  try {
    const answer = await fetchStaffing(params);
    if (!answer.ok) {
      if (answer.problem.status === 401) return showSignedOut();
      showProblem(answer.problem);
      return;
    }
    clearErrors();
    history.replaceState(null, '', `/manager/staffing?${params}`);
    showAnsweredDate(answer.data.date);
    showMode(whatIf);
    byTestId('staffing-period').textContent =
      `${answer.data.campaign} · ${answer.data.date} · computed ${answer.data.generatedAt.slice(11, 16)} UTC`;
    byTestId('staffing-result').hidden = false;
    renderAssumptions(answer.data);
    renderTable(answer.data);
    renderChart(answer.data);
  } finally {
    showLoading(false);
  }
}

staffingForm.addEventListener('submit', (event) => {
  event.preventDefault();
  query();
});

// Another campaign is another day's figures: shown at once, the what-if kept.
staffingForm.querySelector('select[name="campaign"]')?.addEventListener('change', () => query());

$('#whatif-reset').addEventListener('click', () => {
  resetWhatIf();
  query();
});

$('#signout').addEventListener('click', async () => {
  await fetch('/manager/session', { method: 'DELETE' });
  location.assign('/manager');
});

start();
