// One way of showing a finding, used by the playground, the cardExt check and the
// inspector: an element carrying data-code/data-line/data-column (what tests and scripts
// select on) with the severity, code, position, message, explanation, help and errcodes.

import { el } from './dom.js';
import { t } from './i18n.js';

/** The findings of the first file of a check document (an empty list when absent). */
export function findingsOf(doc) {
  const file = doc && Array.isArray(doc.files) ? doc.files[0] : null;
  return file && Array.isArray(file.findings) ? file.findings : [];
}

/** "no problems" or the counts, from a check document's summary (or the findings). */
export function summaryText(doc) {
  const findings = findingsOf(doc);
  const s = (doc && doc.summary) || {};
  const count = (sev) => (Number.isFinite(s[sev + 's']) ? s[sev + 's'] : findings.filter((f) => f.severity === sev).length);
  const errors = count('error');
  const warnings = count('warning');
  const infos = count('info');
  if (errors + warnings + infos === 0 && findings.length === 0) return t('summary.none');
  return t('summary.counts', {
    errors: t('count.errors', { n: errors }),
    warnings: t('count.warnings', { n: warnings }),
    infos: t('count.infos', { n: infos }),
  });
}

/**
 * Renders findings into `list` (an <ol>). options:
 *   onGoto(finding)  clicking the finding moves there (absent: not clickable)
 *   onFix(finding)   a fix button for findings that carry `fix` (absent: no buttons)
 *   disabled         fix buttons start disabled (the list is being refreshed)
 */
export function renderFindings(list, findings, { onGoto, onFix, disabled = false } = {}) {
  list.replaceChildren(...findings.map((f) => findingElement(f, { onGoto, onFix, disabled })));
}

function findingElement(f, { onGoto, onFix, disabled }) {
  const severity = ['error', 'warning', 'info'].includes(f.severity) ? f.severity : 'info';
  const position = `${f.line ?? '?'}:${f.column ?? '?'}`;
  const heading = [
    el('span', { class: `sev sev-${severity}`, text: t(`severity.${severity}`) }),
    ' ',
    el('code', { class: 'code', text: f.code || '' }),
    ' ',
    el('span', { class: 'pos', text: position, 'aria-label': t('finding.position', { line: f.line, column: f.column }) }),
    ' ',
    el('span', { class: 'msg', text: f.message || '' }),
  ];
  const head = onGoto
    ? el('button', { type: 'button', class: 'finding-goto', title: t('finding.goto') }, heading)
    : el('p', { class: 'finding-head' }, heading);

  const errcodes = Array.isArray(f.errcodes) && f.errcodes.length
    ? el('p', { class: 'errcodes' }, el('span', { class: 'label', text: t('finding.errcodes') }), ' ', f.errcodes.join(', '))
    : null;

  let fix = null;
  if (onFix && f.fix) {
    const unsafe = f.fix.safety === 'unsafe';
    fix = el('button', {
      type: 'button',
      class: unsafe ? 'fix unsafe' : 'fix',
      'data-testid': 'fix',
      'data-safety': unsafe ? 'unsafe' : 'safe',
      title: t(unsafe ? 'fix.unsafe_title' : 'fix.safe_title'),
      disabled,
      text: t(unsafe ? 'fix.unsafe' : 'fix.one'),
      on: { click: (e) => { e.stopPropagation(); onFix(f, e.currentTarget); } },
    });
  }

  const item = el('li', {
    class: `finding sev-${severity}${onGoto ? ' clickable' : ''}`,
    dataset: { code: f.code || '', line: f.line ?? '', column: f.column ?? '', severity },
  },
  head,
  f.name ? el('p', { class: 'rule-name', text: f.name }) : null,
  f.explanation ? el('p', { class: 'explanation' }, el('span', { class: 'label', text: t('finding.why') }), ' ', f.explanation) : null,
  f.help ? el('p', { class: 'help' }, el('span', { class: 'label', text: t('finding.help') }), ' ', f.help) : null,
  errcodes,
  fix);

  if (onGoto) {
    // the whole element is a target for the mouse; the heading button serves the keyboard
    item.addEventListener('click', (e) => {
      if (e.target.closest('button.fix')) return;
      if (window.getSelection && String(window.getSelection()).length > 0 && !e.target.closest('button')) return;
      onGoto(f);
    });
  }
  return item;
}
