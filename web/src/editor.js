// CodeMirror 6 set-up shared by the playground (editable) and the inspector (read-only), and
// the two operations both pages need: marking findings inline and replacing the text with
// the smallest change.

import { EditorState } from '@codemirror/state';
import {
  EditorView,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  drawSelection,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import {
  bracketMatching,
  indentOnInput,
  syntaxHighlighting,
  HighlightStyle,
} from '@codemirror/language';
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import { setDiagnostics, lintGutter, lintKeymap } from '@codemirror/lint';
import { tags } from '@lezer/highlight';
import { findingRange } from './positions.js';

// Colours chosen for at least 4.5:1 contrast on the white editor background; CodeMirror's
// default highlight style has a few lighter ones.
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: '#0550ae' },
  { tag: tags.string, color: '#116329' },
  { tag: tags.number, color: '#953800' },
  { tag: [tags.bool, tags.null, tags.keyword], color: '#6639ba' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: '#57606a', fontStyle: 'italic' },
  { tag: tags.invalid, color: '#b3261e' },
]);

// A theme, rather than app.css, because theme rules outrank CodeMirror's injected base
// styles regardless of stylesheet order.
const theme = EditorView.theme({
  '&': { backgroundColor: '#ffffff', color: '#1f2328', fontSize: '14px' },
  '.cm-content': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace' },
  '.cm-gutters': { backgroundColor: '#f6f8fa', color: '#57606a', borderRight: '1px solid #d0d7de' },
  '.cm-activeLine': { backgroundColor: '#eef4fb' },
  '.cm-activeLineGutter': { backgroundColor: '#dde7f3', color: '#1f2328' },
  '&.cm-focused': { outline: '3px solid #0a5bb5', outlineOffset: '2px' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': {
    backgroundColor: '#b6d4fe',
  },
  '.cm-tooltip-lint': { maxWidth: 'min(36rem, 90vw)' },
  '.cm-diagnostic': { whiteSpace: 'pre-wrap' },
  '.cm-panels': { backgroundColor: '#f6f8fa', color: '#1f2328' },
  '.cm-textfield, .cm-button': { fontSize: '14px' },
});

const SEVERITY = { error: 'error', warning: 'warning', info: 'info', hint: 'hint' };

/**
 * Creates an editor in `parent`. options: doc, readOnly, label (aria-label of the text area),
 * onChange(update) called after every document change.
 */
export function createEditor(parent, { doc = '', readOnly = false, label = '', onChange } = {}) {
  const view = new EditorView({ parent });
  view.setState(makeState(doc, { readOnly, label, onChange }));
  view.cardlint = { readOnly, label, onChange };
  return view;
}

function makeState(doc, { readOnly, label, onChange }) {
  const extensions = [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    indentOnInput(),
    syntaxHighlighting(highlight),
    bracketMatching(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    json(),
    lintGutter(),
    EditorView.lineWrapping,
    theme,
    // Tab is left to the browser so keyboard users can move out of the editor.
    keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, ...lintKeymap]),
    EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0', spellcheck: 'false', autocorrect: 'off', autocapitalize: 'off' }),
  ];
  if (readOnly) extensions.push(EditorState.readOnly.of(true));
  if (onChange) {
    extensions.push(EditorView.updateListener.of((u) => { if (u.docChanged) onChange(u); }));
  }
  return EditorState.create({ doc, extensions });
}

/** Replaces the whole state (document, history, marks): for showing another request. */
export function resetEditor(view, doc) {
  view.setState(makeState(doc, view.cardlint));
}

/** Updates the text area's accessible name, e.g. after a language switch. */
export function relabelEditor(view, label) {
  view.cardlint.label = label;
  view.contentDOM.setAttribute('aria-label', label);
}

/**
 * Marks `findings` (server positions) inline. `actions(finding)` may return CodeMirror
 * diagnostic actions, e.g. the fix.
 */
export function showFindings(view, findings, actions) {
  const doc = view.state.doc;
  const diagnostics = findings.map((f) => {
    const { from, to } = findingRange(doc, f);
    const text = [f.message, f.help].filter(Boolean).join('\n');
    return {
      from,
      to,
      severity: SEVERITY[f.severity] || 'info',
      source: f.code,
      message: text || f.code || '',
      actions: actions ? actions(f) : undefined,
    };
  });
  view.dispatch(setDiagnostics(view.state, diagnostics));
}

/** Puts the cursor at a finding's start, selects its range, scrolls to it and focuses. */
export function goTo(view, finding) {
  const { from, to } = findingRange(view.state.doc, finding);
  view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
  view.focus();
}

const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

/**
 * Replaces the document with `next` as one change covering only what differs (common prefix
 * and suffix kept), so the cursor, the marks and the undo history outside it survive.
 * Returns false when nothing differed.
 */
export function replaceMinimally(view, next, userEvent = 'input.fix') {
  const current = view.state.doc.toString();
  if (current === next) return false;
  const max = Math.min(current.length, next.length);
  let start = 0;
  while (start < max && current.charCodeAt(start) === next.charCodeAt(start)) start++;
  // never cut a surrogate pair in half
  if (start > 0 && isHigh(current.charCodeAt(start - 1))) start--;
  let endA = current.length;
  let endB = next.length;
  while (endA > start && endB > start && current.charCodeAt(endA - 1) === next.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  if (endA < current.length && isLow(current.charCodeAt(endA)) && endA > start) {
    endA++;
    endB++;
  }
  view.dispatch({
    changes: { from: start, to: endA, insert: next.slice(start, endB) },
    userEvent,
    scrollIntoView: true,
  });
  return true;
}

/** Replaces the whole text as one undoable change (loading a file or a shared link). */
export function replaceAll(view, text) {
  view.dispatch({
    changes: { from: 0, to: view.state.doc.length, insert: text },
    selection: { anchor: 0 },
    userEvent: 'input.load',
  });
}
