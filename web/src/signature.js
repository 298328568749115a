// The cardExt signature tool. The api_ticket is a credential: it lives only in its input,
// goes only into the POST body to this sandbox, and is never written to storage, the address
// or a share link.

import { byId, el, setText, showMessage } from './dom.js';
import { t, getLang } from './i18n.js';
import { api, messageOf, ApiError } from './api.js';
import { renderFindings, findingsOf } from './findings.js';
import { stringOffset } from './positions.js';

const FIELDS = ['api_ticket', 'card_id', 'code', 'openid', 'timestamp', 'nonce_str'];
const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random nonce_str of letters and digits (WeChat allows up to 32 characters). */
export function randomNonce(length = 16) {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  // 62 does not divide 256, but a slight bias does not matter for a nonce
  return Array.from(bytes, (b) => NONCE_ALPHABET[b % NONCE_ALPHABET.length]).join('');
}

export const unixSeconds = () => String(Math.floor(Date.now() / 1000));

export function startSignature() {
  const form = byId('sign-form');
  const input = (name) => byId(`sign-${name}`);
  const ticket = input('api_ticket');
  const toggle = byId('ticket-toggle');
  const error = byId('sign-error');
  const output = byId('sign-result');
  const checkInput = byId('card-ext-input');
  const checkResult = byId('card-ext-result');
  let checked = false; // a check result is on screen (re-asked in a new language)
  let signSeq = 0;
  let checkSeq = 0;

  // fresh defaults, so one click on "Sign" gives a usable cardExt
  input('timestamp').value = unixSeconds();
  input('nonce_str').value = randomNonce();

  const relabelToggle = () => {
    const shown = ticket.type === 'text';
    toggle.setAttribute('aria-pressed', shown ? 'true' : 'false');
    setText(toggle, t(shown ? 'sign.hide' : 'sign.show'));
  };
  toggle.addEventListener('click', () => {
    ticket.type = ticket.type === 'password' ? 'text' : 'password';
    relabelToggle();
  });
  byId('timestamp-now').addEventListener('click', () => { input('timestamp').value = unixSeconds(); });
  byId('nonce-random').addEventListener('click', () => { input('nonce_str').value = randomNonce(); });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const fields = {};
    for (const name of FIELDS) fields[name] = input(name).value.trim();
    const missing = ['api_ticket', 'card_id', 'timestamp'].filter((n) => !fields[n]);
    if (missing.length) {
      showMessage(error, t('sign.missing', { fields: missing.join(', ') }));
      input(missing[0]).focus();
      return;
    }
    const mine = ++signSeq;
    showMessage(error, '');
    try {
      const res = await api.sign(fields);
      if (mine !== signSeq) return;
      if (res.errcode && res.errcode !== 0) throw new ApiError(res.errmsg || `errcode ${res.errcode}`);
      showSigned(res);
    } catch (err) {
      if (mine !== signSeq) return;
      output.hidden = true;
      showMessage(error, messageOf(err));
    }
  });

  function showSigned(res) {
    const cardExt = typeof res.card_ext === 'string' ? res.card_ext : '';
    const signature = typeof res.signature === 'string' ? res.signature : '';
    const sorted = Array.isArray(res.sorted) ? res.sorted.map(String) : [];
    byId('card-ext-output').value = cardExt;
    setText(byId('signature'), signature);
    byId('sorted-values').replaceChildren(...sorted.map((v) => el('li', {}, el('code', { class: 'wrap', text: v }))));
    // the server shows the ticket as a placeholder, so the joined string is illustrative
    setText(byId('concatenation'), sorted.join(''));
    setText(byId('sha1-result'), `sha1(…) = ${signature}`);
    output.hidden = false;
  }

  byId('card-ext-check').addEventListener('click', () => runCheck(true));

  async function runCheck(focusError) {
    // sent as pasted, so the findings' line:column point into the textarea as it is
    const cardExt = checkInput.value;
    const apiTicket = ticket.value.trim();
    if (!apiTicket || !cardExt.trim()) {
      checked = false;
      checkResult.replaceChildren(el('p', { class: 'notice error', role: 'alert', text: t(apiTicket ? 'sign.need_card_ext' : 'sign.need_ticket') }));
      if (focusError) (apiTicket ? checkInput : ticket).focus();
      return;
    }
    const mine = ++checkSeq;
    checkResult.setAttribute('aria-busy', 'true');
    try {
      const doc = await api.checkCardExt({ api_ticket: apiTicket, card_id: input('card_id').value.trim(), card_ext: cardExt }, getLang());
      if (mine !== checkSeq) return;
      checked = true;
      const findings = findingsOf(doc);
      if (!findings.length) {
        checkResult.replaceChildren(el('p', { class: 'summary clean', 'data-testid': 'card-ext-ok', text: t('sign.correct') }));
        return;
      }
      const list = el('ol', { class: 'findings' });
      // the positions are in the pasted string: select that part of the textarea
      renderFindings(list, findings, {
        onGoto: (f) => {
          const from = stringOffset(checkInput.value, f.line, f.column);
          const to = Number.isFinite(f.end_line) ? stringOffset(checkInput.value, f.end_line, f.end_column) : from;
          checkInput.focus();
          checkInput.setSelectionRange(from, Math.max(from, to));
        },
      });
      checkResult.replaceChildren(el('p', { class: 'summary failed', text: t('sign.problems', { n: findings.length }) }), list);
    } catch (err) {
      if (mine !== checkSeq) return;
      checked = false;
      checkResult.replaceChildren(el('p', { class: 'notice error', role: 'alert', text: messageOf(err) }));
    } finally {
      if (mine === checkSeq) checkResult.removeAttribute('aria-busy');
    }
  }

  return {
    refresh() {
      relabelToggle();
      if (checked) runCheck(false);
    },
  };
}
