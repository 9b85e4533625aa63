// The manager dashboard: signs in, reads the figures for the chosen filters once, then follows them
// live without a reload (live.ts). Everything on screen is drawn by render() (render.ts) from the
// latest snapshot. Served bundled as /manager/assets/manager.js (src/dashboard-files.ts).
import { $, byTestId, type SignedInManager as SignedIn } from '@pronto/pages/browser';
import { filterQuery, filtersForm, loadFiltersFromUrl, onRangeChange, syncRangeInputs } from './filters.ts';
import { follow, stopFollowing } from './live.ts';
import { problemDetail, setText } from './text.ts';

async function start() {
  const response = await fetch('/manager/session');
  if (response.ok) showDashboard(((await response.json()) as { manager: SignedIn }).manager);
  else showSignIn();
}

function showSignIn() {
  stopFollowing();
  $('#dashboard').hidden = true;
  $('#signin').hidden = false;
  byTestId('signin-username').focus();
}

function showDashboard(manager: SignedIn) {
  // An admin acts for the installation, which has no dashboard of its own: the tenants come first.
  if (manager.role === 'admin') {
    location.assign('/manager/admin');
    return;
  }
  $('#signin').hidden = true;
  $('#dashboard').hidden = false;
  setText('manager-name', manager.displayName);
  loadFiltersFromUrl();
  follow(showSignIn);
}

$<HTMLFormElement>('#signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const signinForm = event.target as HTMLFormElement;
  const form = new FormData(signinForm);
  const response = await fetch('/manager/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
  });
  if (!response.ok) {
    setText('signin-error', await problemDetail(response));
    return;
  }
  setText('signin-error', '');
  signinForm.reset();
  showDashboard(((await response.json()) as { manager: SignedIn }).manager);
});

$('#signout').addEventListener('click', async () => {
  await fetch('/manager/session', { method: 'DELETE' });
  showSignIn();
});

onRangeChange(syncRangeInputs);
filtersForm.addEventListener('submit', (event) => {
  event.preventDefault();
  history.replaceState(null, '', `/manager?${filterQuery()}`);
  follow(showSignIn);
});

start();
