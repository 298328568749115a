// Entry point of both pages: <body data-page="playground|inspector"> says which one to start.

import { initToken } from './api.js';
import { initI18n, t } from './i18n.js';
import { byId, showMessage } from './dom.js';
import { startPlayground } from './playground.js';
import { startInspector } from './inspector.js';

const PAGES = { playground: startPlayground, inspector: startInspector };

function showPageError(error) {
  const message = error && error.message ? error.message : String(error);
  showMessage(byId('page-error'), t('error.page', { message }));
}

function start() {
  initToken();
  initI18n(byId('lang'));
  const page = PAGES[document.body.dataset.page];
  if (!page) return;
  try {
    page();
  } catch (e) {
    showPageError(e);
  }
}

// a last resort: whatever slipped through is said in the page, not only in the console
window.addEventListener('error', (e) => showPageError(e.error || e.message));
window.addEventListener('unhandledrejection', (e) => showPageError(e.reason));

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
