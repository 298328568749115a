// The explain box: an errcode, a pasted WeChat response or a symptom in, the meanings and the
// ranked likely causes out. "Check my request" sends the editor text along so the server can
// mark (and rank first) the causes whose rules fire on it.

import { byId, el, setText } from './dom.js';
import { t, getLang } from './i18n.js';
import { api, messageOf } from './api.js';

const str = (v) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

export function startExplain({ text, params }) {
  const form = byId('explain-form');
  const input = byId('explain-q');
  const result = byId('explain-result');
  const checkButton = byId('explain-check');
  let last = null; // the last query shown, re-asked when the language changes
  let seq = 0;

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run({ q: input.value.trim(), withRequest: false });
  });
  checkButton.addEventListener('click', () => run({ q: input.value.trim(), withRequest: true }));

  async function run({ q, withRequest }) {
    if (!q) {
      result.replaceChildren(el('p', { class: 'notice', text: t('explain.empty') }));
      input.focus();
      return;
    }
    const mine = ++seq;
    result.setAttribute('aria-busy', 'true');
    try {
      let data;
      if (withRequest) {
        const body = text();
        const p = params(body);
        data = await api.explainWith(body, { q, lang: getLang(), endpoint: p.endpoint, kind: p.kind });
      } else {
        data = await api.explain({ q, lang: getLang() });
      }
      if (mine !== seq) return;
      last = { q, withRequest };
      render(data, withRequest);
    } catch (e) {
      if (mine !== seq) return;
      last = null;
      result.replaceChildren(el('p', { class: 'notice error', role: 'alert', text: messageOf(e) }));
    } finally {
      if (mine === seq) result.removeAttribute('aria-busy');
    }
  }

  function render(data, withRequest) {
    const parts = [];
    const head = el('div', { class: 'explain-head' });
    if (data.errcode !== undefined && data.errcode !== null) {
      head.append(el('p', { class: 'errcode-line' },
        el('strong', { text: `errcode ${str(data.errcode)}` }),
        data.errmsg ? ` ${str(data.errmsg)}` : ''));
    }
    if (data.symptom) head.append(el('p', { class: 'symptom' }, el('strong', { text: str(data.symptom) })));
    if (data.hint) head.append(el('p', {}, el('span', { class: 'label', text: t('explain.hint') }), ' ', el('code', { class: 'wrap', text: str(data.hint) })));
    if (data.field) head.append(el('p', {}, el('span', { class: 'label', text: t('explain.field') }), ' ', el('code', { text: str(data.field) })));
    if (head.childNodes.length) parts.push(head);

    const meanings = Array.isArray(data.meanings) ? data.meanings : [];
    if (meanings.length) {
      parts.push(el('h3', { text: t('explain.meanings') }));
      parts.push(el('ul', { class: 'meanings' }, meanings.map((m) => el('li', {},
        m.platform ? el('span', { class: 'tag', text: str(m.platform) }) : null,
        m.endpoint ? [' ', el('code', { text: str(m.endpoint) })] : null,
        ' ', str(m.meaning)))));
    }

    const causes = Array.isArray(data.causes) ? data.causes : [];
    if (causes.length) {
      parts.push(el('h3', { text: t('explain.causes') }));
      if (withRequest) {
        const found = causes.filter((c) => c.found === true).length;
        parts.push(el('p', { class: found ? 'summary' : 'summary clean', 'data-testid': 'explain-found', text: t('explain.found_count', { n: found }) }));
      }
      parts.push(el('ol', { class: 'causes' }, causes.map(causeElement)));
    }
    if (!parts.length) parts.push(el('p', { class: 'notice', text: t('explain.nothing') }));
    result.replaceChildren(...parts);
  }

  function causeElement(c) {
    const found = c.found === true;
    const rules = Array.isArray(c.rules) ? c.rules : [];
    return el('li', {
      class: `cause${found ? ' found' : ''}`,
      'data-testid': 'cause',
      'data-found': found ? 'true' : 'false',
      'data-rules': rules.join(' '),
    },
    el('p', { class: 'cause-title' },
      el('strong', { text: str(c.cause) }),
      found ? [' ', el('span', { class: 'badge badge-found', text: t('explain.found') })] : null,
      c.account === true ? [' ', el('span', { class: 'badge badge-account', text: t('explain.account') })] : null),
    c.check ? el('p', {}, el('span', { class: 'label', text: t('explain.check_how') }), ' ', str(c.check)) : null,
    c.fix ? el('p', {}, el('span', { class: 'label', text: t('explain.fix') }), ' ', str(c.fix)) : null,
    rules.length ? el('p', { class: 'rules' }, el('span', { class: 'label', text: t('explain.rules') }), ' ',
      rules.map((r, i) => [i ? ' ' : '', el('code', { text: str(r) })])) : null);
  }

  return {
    /** Asks again in the current language. */
    refresh() {
      if (last) run(last);
    },
  };
}
