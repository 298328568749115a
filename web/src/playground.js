// The playground page: an editor checked as you type, the findings inline and in a list, the
// fixes, the endpoint picker, file loading and share links; plus the explain box and the
// signature tool beside it.

import { byId, el, setText } from './dom.js';
import { t, getLang, onLangChange } from './i18n.js';
import { api, isAbort, messageOf } from './api.js';
import { createEditor, showFindings, goTo, replaceMinimally, replaceAll, relabelEditor } from './editor.js';
import { renderFindings, findingsOf, summaryText } from './findings.js';
import { readShare, shareFragment, shareLink } from './share.js';
import { startExplain } from './explain.js';
import { startSignature } from './signature.js';

// A card/create body with one classic mistake (a quoted integer), so the page shows a
// finding, its explanation and its fix right away.
const EXAMPLE = `{
  "card": {
    "card_type": "CASH",
    "cash": {
      "base_info": {
        "logo_url": "http://mmbiz.qpic.cn/mmbiz_jpg/example/0",
        "brand_name": "麦香坊烘焙",
        "code_type": "CODE_TYPE_QRCODE",
        "title": "20元代金券",
        "color": "Color090",
        "notice": "结账时向收银员出示此券",
        "description": "满100元可用，不找零",
        "date_info": {
          "type": "DATE_TYPE_FIX_TERM",
          "fixed_term": 30,
          "fixed_begin_term": 0
        },
        "sku": {
          "quantity": "500"
        },
        "get_limit": 3
      },
      "least_cost": 10000,
      "reduce_cost": 2000
    }
  }
}
`;

// An .http request (REST Client style) starts with its request line; its endpoint then comes
// from the URL.
const REQUEST_LINE = /^\s*(GET|POST|PUT|DELETE|PATCH)\s+\S+/i;
const DEBOUNCE_MS = 250;
// Larger files would make the editor sluggish and exceed the sandbox's body limit anyway.
const MAX_FILE_BYTES = 4 * 1024 * 1024;

export const kindOf = (text) => (REQUEST_LINE.test(text) ? 'http' : 'json');

export function startPlayground() {
  const list = byId('findings');
  const summary = byId('summary');
  const status = byId('status');
  const select = byId('endpoint');
  const inferred = byId('inferred-endpoint');
  const fixAllButton = byId('fix-all');

  const shared = readShare(location.hash);
  let timer = null;
  let controller = null;
  let seq = 0;
  // the findings on screen and the document they were computed for
  let shown = { doc: null, findings: [] };
  let fixing = false;
  let fixedJustNow = false; // the next answer follows a fix

  const view = createEditor(byId('editor'), {
    doc: shared ? shared.text : EXAMPLE,
    label: t('editor.label'),
    onChange: (update) => {
      // what is on screen no longer matches the text: no fixing until the next answer
      if (controller) controller.abort();
      markStale(true);
      // after a paste or a loaded file over most of the text, the old findings describe a
      // text that is gone: drop them rather than show them until the answer comes
      let removed = 0;
      update.changes.iterChangedRanges((fromA, toA) => { removed += toA - fromA; });
      const before = update.startState.doc.length;
      if (before > 0 && removed * 2 >= before) clearFindings();
      clearTimeout(timer);
      timer = setTimeout(check, DEBOUNCE_MS);
    },
  });

  const say = (text) => setText(status, text || '');

  const params = (text) => ({ endpoint: select.value, lang: getLang(), kind: kindOf(text) });

  function markStale(stale) {
    list.classList.toggle('stale', stale);
    if (stale) list.setAttribute('aria-busy', 'true');
    else list.removeAttribute('aria-busy');
    updateButtons();
  }

  function updateButtons() {
    const usable = !fixing && shown.doc === view.state.doc;
    for (const b of list.querySelectorAll('button.fix')) b.disabled = !usable;
    fixAllButton.disabled = !usable || !shown.findings.some((f) => f.fix && f.fix.safety !== 'unsafe');
  }

  async function check() {
    clearTimeout(timer);
    timer = null;
    if (controller) controller.abort();
    const mine = ++seq;
    const ctrl = new AbortController();
    controller = ctrl;
    const doc = view.state.doc;
    const text = doc.toString();
    try {
      const result = await api.check(text, params(text), ctrl.signal);
      if (mine !== seq || view.state.doc !== doc) return; // a newer text is being checked
      render(result, doc);
    } catch (e) {
      if (isAbort(e) || mine !== seq) return;
      showFailure(messageOf(e));
    } finally {
      if (controller === ctrl) controller = null;
    }
  }

  function render(result, doc) {
    const findings = findingsOf(result);
    shown = { doc, findings };
    showFindings(view, findings, (f) => (f.fix
      ? [{ name: t(f.fix.safety === 'unsafe' ? 'fix.unsafe' : 'fix.one'), apply: () => fixOne(f) }]
      : []));
    // a keyboard user whose focused fix button just disappeared lands on the next finding
    const hadFocus = list.contains(document.activeElement) || document.activeElement === document.body;
    renderFindings(list, findings, { onGoto: (f) => goTo(view, f), onFix: (f) => fixOne(f) });
    if (hadFocus && fixedJustNow) {
      const next = list.querySelector('button.finding-goto');
      if (next) next.focus();
      else view.focus();
    }
    fixedJustNow = false;
    summary.classList.remove('failed');
    summary.classList.toggle('clean', findings.length === 0);
    setText(summary, summaryText(result));
    const file = result.files && result.files[0];
    const endpoint = file && file.endpoint;
    setText(inferred, endpoint ? t('endpoint.checked_as', { endpoint }) : t('endpoint.unknown'));
    markStale(false);
  }

  function clearFindings() {
    shown = { doc: null, findings: [] };
    list.replaceChildren();
    summary.classList.remove('clean', 'failed');
    setText(summary, t('summary.checking'));
    updateButtons();
  }

  function showFailure(message) {
    shown = { doc: null, findings: [] };
    showFindings(view, []);
    list.replaceChildren();
    summary.classList.remove('clean');
    summary.classList.add('failed');
    setText(summary, t('summary.failed', { message }));
    setText(inferred, '');
    markStale(false);
  }

  /** Asks the server for a fix (one finding, or all safe ones) and applies it. */
  async function applyFix(extra) {
    if (fixing || shown.doc !== view.state.doc) return;
    const doc = view.state.doc;
    const text = doc.toString();
    fixing = true;
    updateButtons();
    try {
      const res = await api.fix(text, { ...params(text), ...extra });
      if (view.state.doc !== doc) {
        say(t('fix.stale'));
        return;
      }
      if (typeof res.text === 'string') replaceMinimally(view, res.text);
      fixedJustNow = true;
      say(t('fix.applied', { n: Number.isFinite(res.fixed) ? res.fixed : 1 }));
    } catch (e) {
      say(messageOf(e));
    } finally {
      fixing = false;
      updateButtons();
    }
    check();
  }

  const fixOne = (f) => applyFix({ code: f.code, line: f.line, column: f.column });
  fixAllButton.addEventListener('click', () => applyFix({}));

  // endpoint picker: "inferred" first, then the server's list; a shared link's endpoint is
  // selected even before the list arrives so the first check already uses it
  function setEndpointOptions(endpoints, keep) {
    const options = endpoints.map((e) => el('option', { value: e, text: e }));
    select.replaceChildren(select.options[0], ...options);
    if (keep && !endpoints.includes(keep)) select.append(el('option', { value: keep, text: keep }));
    select.value = keep || '';
  }
  if (shared && shared.endpoint) setEndpointOptions([], shared.endpoint);
  select.addEventListener('change', () => check());
  api.endpoints()
    .then((res) => {
      const endpoints = Array.isArray(res.endpoints) ? res.endpoints.filter((e) => typeof e === 'string') : [];
      const keep = select.value;
      setEndpointOptions(endpoints, keep);
    })
    .catch((e) => say(t('endpoint.load_failed', { message: messageOf(e) })));

  // a local file: .json, or an .http request with its request line
  const fileInput = byId('open-file');
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    try {
      if (file.size > MAX_FILE_BYTES) {
        say(t('file.too_big', { name: file.name }));
        return;
      }
      const text = await file.text();
      replaceAll(view, text);
      say(t('file.loaded', { name: file.name }));
      view.focus();
    } catch (e) {
      say(t('file.failed', { name: file.name, message: String(e && e.message ? e.message : e) }));
    } finally {
      fileInput.value = ''; // choosing the same file again still loads it
    }
  });

  // share: the payload travels in the fragment only
  const shareRow = byId('share-row');
  const shareInput = byId('share-link');
  const shareStatus = byId('share-status');
  byId('share').addEventListener('click', async () => {
    const text = view.state.doc.toString();
    const link = shareLink(text, select.value);
    history.replaceState(history.state, '', `${location.pathname}${location.search}#${shareFragment(text, select.value)}`);
    shareRow.hidden = false;
    shareInput.value = link;
    let copied = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(link);
        copied = true;
      }
    } catch { copied = false; }
    setText(shareStatus, t(copied ? 'share.copied' : 'share.copy_yourself'));
    shareInput.focus();
    shareInput.select();
  });

  // a share link pasted into this tab's address bar only changes the fragment
  window.addEventListener('hashchange', () => {
    const next = readShare(location.hash);
    if (!next || next.text === view.state.doc.toString()) return;
    if (next.endpoint && ![...select.options].some((o) => o.value === next.endpoint)) {
      select.append(el('option', { value: next.endpoint, text: next.endpoint }));
    }
    select.value = next.endpoint || '';
    replaceAll(view, next.text);
  });

  const editorText = () => view.state.doc.toString();
  const explain = startExplain({ text: editorText, params });
  const signature = startSignature();

  onLangChange(() => {
    // a message in the previous language would linger until the next action
    say('');
    setText(byId('share-status'), '');
    relabelEditor(view, t('editor.label'));
    check();
    explain.refresh();
    signature.refresh();
  });

  check();
}
