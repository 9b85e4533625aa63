// The tenant's client API keys (what its systems sign events with): the list, a new key, rotation
// with a grace period, revocation. A new or rotated secret is shown once, in a dialog.
import { byTestId } from '@pronto/pages/browser';
import { api, problemText, seg } from './api.ts';
import {
  button,
  clearErrors,
  closable,
  el,
  fillTable,
  listFailed,
  loaded,
  loading,
  notice,
  pageError,
  row,
  submits,
  textOf,
  when,
} from './dom.ts';
import { tenantPath } from './state.ts';

/** A client key as the API lists it (never its secret), and as it answers a new or rotated one. */
type ApiKey = Record<'keyId' | 'createdAt', string> &
  Record<'name' | 'rotatedAt' | 'previousValidUntil' | 'revokedAt', string | null>;
type IssuedKey = ApiKey & { secret: string };

const form = document.querySelector('#key-form') as HTMLFormElement;
const secretDialog = document.querySelector('#secret-dialog') as HTMLDialogElement;
const rotateDialog = document.querySelector('#rotate-dialog') as HTMLDialogElement;
const rotateForm = document.querySelector('#rotate-form') as HTMLFormElement;
closable(rotateDialog);

let rotating: ApiKey | undefined;

const keyPath = (key: ApiKey) => `${tenantPath()}/keys/${seg(key.keyId)}`;

export async function showKeys() {
  loading('keys');
  const answer = await api<{ items: ApiKey[] }>('GET', `${tenantPath()}/keys`);
  loaded('keys');
  if (!answer.ok) {
    return listFailed('keys', answer.problem);
  }
  fillTable('keys', answer.data.items.map(keyRow));
}

function keyRow(key: ApiKey) {
  const tr = row(
    el('code', {}, key.keyId),
    key.name ?? '—',
    when(key.createdAt),
    when(key.rotatedAt),
    when(key.previousValidUntil),
    key.revokedAt ? `Revoked ${when(key.revokedAt)}` : 'Active',
    key.revokedAt
      ? ''
      : el(
          'span',
          { class: 'row-actions' },
          button(
            'Rotate',
            `key-rotate-${key.keyId}`,
            () => {
              rotating = key;
              rotateForm.reset();
              clearErrors(rotateForm);
              rotateDialog.showModal();
            },
            key.keyId,
          ),
          button(
            'Revoke',
            `key-revoke-${key.keyId}`,
            async () => {
              if (!confirm(`Revoke ${key.keyId}? Events signed with it are refused at once.`)) return;
              const answer = await api<ApiKey>('POST', `${keyPath(key)}/revoke`);
              if (!answer.ok) return pageError(problemText(answer.problem));
              await showKeys();
              notice(`${key.keyId} revoked.`);
            },
            key.keyId,
          ),
        ),
  );
  tr.dataset.testid = `key-row-${key.keyId}`;
  return tr;
}

/** The secret, once: with its key id and a copy button. */
function showSecret(keyId: string, secret: string) {
  byTestId('secret-key-id').textContent = keyId;
  byTestId('secret-value').textContent = secret;
  byTestId('secret-copied').textContent = '';
  secretDialog.showModal();
}

byTestId('secret-copy').addEventListener('click', async () => {
  const secret = byTestId('secret-value').textContent ?? '';
  try {
    await navigator.clipboard.writeText(secret);
    byTestId('secret-copied').textContent = 'Copied to the clipboard.';
  } catch {
    // No clipboard (a page over plain http on another host): select it for Ctrl+C instead.
    const range = document.createRange();
    range.selectNodeContents(byTestId('secret-value'));
    getSelection()?.removeAllRanges();
    getSelection()?.addRange(range);
    byTestId('secret-copied').textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
  }
});
/** The secret does not stay in the page once the dialog is closed. */
function forgetSecret() {
  byTestId('secret-value').textContent = '';
}
byTestId('secret-close').addEventListener('click', () => {
  forgetSecret();
  secretDialog.close();
});
// Escape closes the dialog too; its close event comes a task later.
secretDialog.addEventListener('close', forgetSecret);

submits(
  form,
  (data) => {
    const name = textOf(data, 'name');
    return api<IssuedKey>('POST', `${tenantPath()}/keys`, name ? { name } : {});
  },
  async (key) => {
    await showKeys();
    notice(`Key ${key.keyId} created.`);
    showSecret(key.keyId, key.secret);
  },
);

submits(
  rotateForm,
  (data) => {
    const grace = textOf(data, 'graceSeconds');
    return api<IssuedKey>(
      'POST',
      `${keyPath(rotating as ApiKey)}/rotate`,
      grace === '' ? {} : { graceSeconds: Number(grace) },
    );
  },
  async (key) => {
    rotateDialog.close();
    await showKeys();
    notice(`${key.keyId} rotated; the old secret works until ${when(key.previousValidUntil)} UTC.`);
    showSecret(key.keyId, key.secret);
  },
);
