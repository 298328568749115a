// The inspector page: the requests the sandbox answered (polled every second while the tab
// is visible), one request's body with its findings and answer, and the sandbox's cards,
// codes and QR tickets with a "scan" button per ticket.

import { byId, el, setText } from './dom.js';
import { t, onLangChange } from './i18n.js';
import { api, messageOf } from './api.js';
import { createEditor, resetEditor, showFindings, goTo, relabelEditor } from './editor.js';
import { renderFindings, findingsOf, summaryText } from './findings.js';
import { shareFragment } from './share.js';

const POLL_MS = 1000;
// the sandbox keeps 500; keeping as many here means nothing it still has goes missing
const MAX_ROWS = 500;
const DEFAULT_OPENID = 'o_sandbox_user';
const DEFAULT_FRIEND = 'o_sandbox_friend';

const pad = (n) => String(n).padStart(2, '0');
/** Local HH:MM:SS of a Unix time in milliseconds. */
export function clock(ms) {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '--:--:--' : `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
const dateTime = (ms) => {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(ms)}`;
};

const targetOf = (r) => r.endpoint || r.path || '';
const failed = (r) => (typeof r.errcode === 'number' && r.errcode !== 0) || (Number(r.status) >= 400);

/** The errcode filter: empty (all), a number (exactly), "!N", or "!0"/"errors" for failures. */
export function errcodeFilter(text) {
  const s = String(text || '').trim().toLowerCase();
  if (!s) return { ok: true, test: () => true };
  if (['!0', '!=0', '≠0', 'errors', 'error', 'failures', 'failed', 'fail', '错误', '失败'].includes(s)) {
    return { ok: true, test: failed };
  }
  let m = /^(-?\d+)$/.exec(s);
  if (m) return { ok: true, test: (r) => r.errcode === Number(m[1]) };
  m = /^(?:!|!=|≠)\s*(-?\d+)$/.exec(s);
  if (m) return { ok: true, test: (r) => r.errcode !== Number(m[1]) };
  return { ok: false, test: () => false };
}

/** The answer as an object when it is JSON (it may come as text when it did not parse). */
function answerObject(answer) {
  if (answer && typeof answer === 'object') return answer;
  if (typeof answer === 'string') {
    try { const v = JSON.parse(answer); return v && typeof v === 'object' ? v : null; } catch { return null; }
  }
  return null;
}

export function startInspector() {
  const list = byId('requests');
  const status = byId('requests-status');
  const filterEndpoint = byId('filter-endpoint');
  const filterErrcode = byId('filter-errcode');

  let entries = []; // newest first
  const rows = new Map(); // id -> row element (the <li>)
  let last = 0;
  let selectedId = null;
  let pollTimer = null;
  let polling = false;
  let failure = '';
  const seen = new Set();

  // ----- the request list

  function rowFor(r) {
    const errcode = typeof r.errcode === 'number' ? r.errcode : null;
    const codes = Array.isArray(r.codes) ? r.codes : [];
    const count = Number.isFinite(r.findings) ? r.findings : codes.length;
    const button = el('button', {
      type: 'button',
      class: 'request',
      'data-testid': 'request',
      'data-id': r.id,
      'data-errcode': errcode ?? '',
      'data-endpoint': targetOf(r),
      'aria-current': r.id === selectedId ? 'true' : false,
      on: { click: () => select(r.id) },
    },
    el('span', { class: 'time', text: clock(r.ts) }),
    el('span', { class: 'method', text: r.method || '' }),
    el('span', { class: 'target', text: targetOf(r) }),
    el('span', {
      class: `errcode ${errcode === 0 && !failed(r) ? 'ok' : 'bad'}`,
      text: errcode === null ? `HTTP ${r.status ?? '?'}` : String(errcode),
      'aria-label': errcode === null ? `HTTP ${r.status ?? '?'}` : `errcode ${errcode}`,
    }),
    el('span', { class: 'count', text: t('requests.findings', { n: count }) }),
    codes.length ? el('span', { class: 'codes', text: codes.join(' ') }) : null);
    return el('li', { class: 'request-item' }, button);
  }

  function rebuildRows() {
    rows.clear();
    list.replaceChildren(...entries.map((r) => {
      const row = rowFor(r);
      rows.set(r.id, row);
      return row;
    }));
    applyFilters();
  }

  function addEntries(fresh) {
    entries = [...fresh, ...entries];
    const rowsToAdd = fresh.map((r) => {
      const row = rowFor(r);
      rows.set(r.id, row);
      return row;
    });
    list.prepend(...rowsToAdd);
    for (const r of entries.splice(MAX_ROWS)) {
      const row = rows.get(r.id);
      if (row) row.remove();
      rows.delete(r.id);
    }
    let added = false;
    for (const r of fresh) {
      const target = targetOf(r);
      if (target && !seen.has(target)) {
        seen.add(target);
        added = true;
      }
    }
    if (added) rebuildEndpointFilter();
    applyFilters();
  }

  function rebuildEndpointFilter() {
    const keep = filterEndpoint.value;
    const options = [...seen].sort().map((e) => el('option', { value: e, text: e }));
    filterEndpoint.replaceChildren(filterEndpoint.options[0], ...options);
    filterEndpoint.value = seen.has(keep) ? keep : '';
  }

  function applyFilters() {
    const endpoint = filterEndpoint.value;
    const errcode = errcodeFilter(filterErrcode.value);
    filterErrcode.setAttribute('aria-invalid', errcode.ok ? 'false' : 'true');
    let visible = 0;
    for (const r of entries) {
      const show = (!endpoint || targetOf(r) === endpoint) && errcode.test(r);
      const row = rows.get(r.id);
      if (row) row.hidden = !show;
      if (show) visible++;
    }
    let text;
    if (failure) text = failure;
    else if (!errcode.ok) text = t('filter.errcode_invalid');
    else if (!entries.length) text = t('requests.none');
    else if (visible === entries.length) text = t('requests.count', { n: entries.length });
    else text = t('requests.filtered', { shown: visible, n: entries.length });
    status.classList.toggle('failed', Boolean(failure) || !errcode.ok);
    setText(status, text);
  }
  filterEndpoint.addEventListener('change', applyFilters);
  filterErrcode.addEventListener('input', applyFilters);

  // ----- polling, only while someone can see the page

  async function poll() {
    pollTimer = null;
    if (polling || document.visibilityState !== 'visible') return;
    polling = true;
    let changed = false;
    try {
      const res = await api.requests(last);
      const requests = Array.isArray(res.requests) ? res.requests.filter((r) => r && Number.isFinite(r.id)) : [];
      if (Number.isFinite(res.last) && res.last < last) {
        // the sandbox restarted and counts from 1 again: start over
        entries = [];
        last = 0;
        rebuildRows();
        changed = true;
      } else {
        const fresh = requests.filter((r) => r.id > last).sort((a, b) => b.id - a.id);
        if (fresh.length) {
          last = fresh[0].id;
          addEntries(fresh);
          changed = true;
        }
      }
      if (failure) {
        failure = '';
        applyFilters();
      }
    } catch (e) {
      failure = t('requests.failed', { message: messageOf(e) });
      applyFilters();
    } finally {
      polling = false;
    }
    if (changed) refreshState();
    schedule(changed && last === 0 ? 0 : POLL_MS);
  }

  function schedule(ms) {
    clearTimeout(pollTimer);
    pollTimer = document.visibilityState === 'visible' ? setTimeout(poll, ms) : null;
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') schedule(0);
    else {
      clearTimeout(pollTimer);
      pollTimer = null;
    }
  });

  // ----- the detail pane

  const detail = byId('detail');
  const detailBody = byId('detail-body');
  let view = null;
  let shownRequest = null;

  function select(id) {
    const r = entries.find((x) => x.id === id);
    if (!r) return;
    selectedId = id;
    for (const [rid, row] of rows) {
      const button = row.firstElementChild;
      if (rid === id) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
    showDetail(r);
    // in the one-column layout the pane is below the list: bring it into view
    if (window.matchMedia('(max-width: 900px)').matches) detail.scrollIntoView({ block: 'start' });
  }

  function showDetail(r) {
    shownRequest = r;
    byId('detail-empty').hidden = true;
    detailBody.hidden = false;
    setText(byId('detail-title'), t('detail.title_id', { id: r.id }));

    const meta = byId('detail-meta');
    const row = (key, value) => (value === '' || value === null || value === undefined
      ? []
      : [el('dt', { text: t(key) }), el('dd', {}, el('code', { class: 'wrap', text: String(value) }))]);
    meta.replaceChildren(
      ...row('detail.time', dateTime(r.ts)),
      ...row('detail.request', `${r.method || ''} ${r.path || ''}`.trim()),
      ...row('detail.endpoint', r.endpoint || ''),
      ...row('detail.query', r.query || ''),
      ...row('detail.status', r.status ?? ''),
      ...row('detail.errcode', r.errcode ?? ''),
    );

    const body = typeof r.body === 'string' ? r.body : '';
    const link = byId('open-in-playground');
    link.href = `/#${shareFragment(body, r.endpoint || '')}`;
    byId('detail-truncated').hidden = !r.truncated;

    if (!view) view = createEditor(byId('detail-editor'), { doc: body, readOnly: true, label: t('detail.body_label') });
    else resetEditor(view, body);

    const answer = answerObject(r.answer);
    const doc = answer && answer.cardlint && typeof answer.cardlint === 'object' ? answer.cardlint : null;
    const findings = findingsOf(doc);
    showFindings(view, findings);
    renderFindings(byId('detail-findings'), findings, { onGoto: (f) => goTo(view, f) });
    setText(byId('detail-summary'), doc ? summaryText(doc) : t('summary.none'));

    let answerText;
    if (answer) answerText = JSON.stringify(answer, null, 2);
    else answerText = typeof r.answer === 'string' ? r.answer : '';
    setText(byId('detail-answer'), answerText);
  }

  // ----- the sandbox's state

  const cards = byId('cards');
  const qrs = byId('qrs');
  const stateStatus = byId('state-status');
  const scanOpenid = byId('scan-openid');
  const friendOpenid = byId('friend-openid');
  let stateBusy = false;
  let stateAgain = false;
  let lastState = null;

  async function refreshState() {
    if (stateBusy) {
      stateAgain = true;
      return;
    }
    stateBusy = true;
    try {
      lastState = await api.state();
      renderState();
    } catch (e) {
      setText(stateStatus, t('state.failed', { message: messageOf(e) }));
    } finally {
      stateBusy = false;
    }
    if (stateAgain) {
      stateAgain = false;
      refreshState();
    }
  }

  function renderState() {
    const s = lastState || {};
    const cardList = Array.isArray(s.cards) ? s.cards : [];
    const qrList = Array.isArray(s.qrs) ? s.qrs : [];
    cards.replaceChildren(...(cardList.length ? cardList.map(cardElement) : [el('p', { class: 'hint', text: t('state.no_cards') })]));
    // the sandbox may list only some of its cards
    if (Number.isFinite(s.total_cards) && s.total_cards > cardList.length) {
      cards.append(el('p', { class: 'hint', text: t('state.more_cards', { shown: cardList.length, total: s.total_cards }) }));
    }
    qrs.replaceChildren(...(qrList.length ? qrList.map(qrElement) : [el('li', { class: 'hint', text: t('state.no_qrs') })]));
  }

  function cardElement(c) {
    const flags = [
      c.use_custom_code ? t('state.custom_code') : null,
      c.deposit ? t('state.deposit') : null,
      c.deleted ? t('state.deleted') : null,
    ].filter(Boolean);
    const byStatus = new Map();
    for (const code of Array.isArray(c.codes) ? c.codes : []) {
      const key = String(code.status || '?');
      if (!byStatus.has(key)) byStatus.set(key, []);
      byStatus.get(key).push(code);
    }
    const deposited = Array.isArray(c.deposited) ? c.deposited : [];
    const groups = [];
    if (deposited.length || c.deposit) {
      groups.push(codeGroup(t('state.deposited', { n: deposited.length }), deposited.map((code) => el('li', {}, el('code', { text: String(code) }))), `${c.card_id}/deposited`));
    }
    for (const [st, codes] of byStatus) {
      groups.push(codeGroup(`${statusLabel(st)} (${codes.length})`, codes.map((code) => el('li', {},
        el('code', { text: String(code.code ?? '') }),
        code.openid ? [' ', el('span', { class: 'openid', text: String(code.openid) })] : null,
        st === 'NORMAL' ? codeActions(c, code) : null)), `${c.card_id}/${st}`));
    }
    return el('article', { class: `card-item${c.deleted ? ' deleted' : ''}`, 'data-card-id': c.card_id || '' },
      el('h4', {}, el('code', { class: 'wrap', text: String(c.card_id || '') })),
      el('p', {},
        c.card_type ? el('span', { class: 'tag', text: String(c.card_type) }) : null,
        c.title ? [' ', String(c.title)] : null),
      el('p', {}, el('span', { class: 'label', text: t('state.stock') }), ' ',
        `${c.quantity ?? '?'} / ${c.total_quantity ?? '?'}`),
      flags.length ? el('p', { class: 'flags', text: flags.join(' · ') }) : null,
      el('p', { class: 'actions' }, ['approve', 'reject'].map((a) => actionButton(a, c.card_id, null,
        { card_id: c.card_id, pass: a === 'approve', reason: 'sandbox review' }))),
      groups);
  }

  // what a user does with a code they hold: each call pushes its event to the callback
  function codeActions(card, code) {
    const body = { code: String(code.code ?? ''), card_id: card.card_id };
    return el('span', { class: 'actions' },
      actionButton('view', card.card_id, body.code, body),
      actionButton('gift', card.card_id, body.code, () => ({
        ...body, openid: friendOpenid.value.trim() || DEFAULT_FRIEND,
      })),
      actionButton('delete', card.card_id, body.code, body));
  }

  function actionButton(action, cardId, code, body) {
    const label = t(`action.${action}`);
    const button = el('button', {
      type: 'button',
      class: 'action',
      'data-testid': 'action',
      'data-action': action,
      'data-card-code': code || '',
      'aria-label': code ? t('action.label', { action: label, code }) : label,
      text: label,
      on: { click: () => act(action, typeof body === 'function' ? body() : body, button) },
    });
    return button;
  }

  async function act(action, body, button) {
    const label = t(`action.${action}`);
    button.disabled = true;
    try {
      const res = await api.act(action, body);
      if (typeof res.errcode === 'number' && res.errcode !== 0) {
        setText(stateStatus, t('action.failed', { action: label, message: `${res.errcode} ${res.errmsg || ''}`.trim() }));
      } else {
        setText(stateStatus, t('action.done', { action: label }));
      }
    } catch (e) {
      setText(stateStatus, t('action.failed', { action: label, message: messageOf(e) }));
    } finally {
      button.disabled = false;
    }
    await refreshState();
    schedule(0);
  }

  // which code lists are open, so that a refresh (after every new request) keeps them open
  const openGroups = new Set();

  function codeGroup(title, items, key) {
    const details = el('details', {
      class: 'codes',
      open: openGroups.has(key),
      on: { toggle: () => (details.open ? openGroups.add(key) : openGroups.delete(key)) },
    },
      el('summary', { text: title }),
      items.length ? el('ul', {}, items) : el('p', { class: 'hint', text: t('state.empty') }));
    return details;
  }

  function statusLabel(status) {
    const key = `status.${status}`;
    const label = t(key);
    return label === key ? status : `${status} · ${label}`;
  }

  function qrElement(q) {
    const now = Date.now() / 1000;
    let expiry;
    if (q.expire_at === null || q.expire_at === undefined) expiry = t('state.no_expiry');
    else if (q.expire_at <= now) expiry = t('state.expired');
    else expiry = t('state.expires', { time: clock(q.expire_at * 1000) });
    const button = el('button', {
      type: 'button',
      class: 'scan',
      'data-testid': 'scan',
      'data-ticket': q.ticket || '',
      text: t('state.scan'),
      on: { click: () => scan(q, button) },
    });
    return el('li', { class: 'qr', 'data-ticket': q.ticket || '' },
      el('p', {}, el('span', { class: 'label', text: t('state.ticket') }), ' ', el('code', { class: 'wrap', text: String(q.ticket || '') })),
      el('p', {},
        el('span', { class: 'label', text: t('state.card') }), ' ', el('code', { class: 'wrap', text: String(q.card_id || '') }),
        q.code ? [' · ', el('span', { class: 'label', text: t('state.code') }), ' ', el('code', { text: String(q.code) })] : null,
        ' · ', expiry),
      button);
  }

  async function scan(q, button) {
    button.disabled = true;
    const openid = scanOpenid.value.trim() || DEFAULT_OPENID;
    try {
      const res = await api.scan(q.ticket, openid);
      if (typeof res.errcode === 'number' && res.errcode !== 0) {
        setText(stateStatus, t('state.scan_failed', { message: `${res.errcode} ${res.errmsg || ''}`.trim() }));
      } else {
        setText(stateStatus, res.code
          ? t('state.scanned_code', { openid, code: String(res.code) })
          : t('state.scanned', { openid }));
      }
    } catch (e) {
      setText(stateStatus, t('state.scan_failed', { message: messageOf(e) }));
    } finally {
      button.disabled = false;
    }
    await refreshState();
    schedule(0); // the scan is a request of its own: show it now
  }

  byId('state-refresh').addEventListener('click', () => refreshState());

  onLangChange(() => {
    rebuildRows();
    renderState();
    if (view) relabelEditor(view, t('detail.body_label'));
    if (shownRequest) showDetail(shownRequest);
    else setText(byId('detail-title'), t('detail.title'));
  });

  applyFilters();
  refreshState();
  poll();
}
