// The sandbox's /cardlint JSON API, same origin. Off loopback the server prints a link with
// #token=...; the token is kept for this tab only (sessionStorage) and sent with every call,
// and taken out of the address bar so it is not bookmarked or shared by accident.

import { t } from './i18n.js';
import { fragmentParams } from './share.js';

const TOKEN_KEY = 'cardlint-token';
let token = null;

/** Takes #token= out of the address and keeps it; true when there was one. */
function takeTokenFromFragment() {
  const fromUrl = fragmentParams(location.hash).get('token');
  if (!fromUrl) return false;
  token = fromUrl;
  try { sessionStorage.setItem(TOKEN_KEY, fromUrl); } catch { /* storage off: memory only */ }
  // the rest of the fragment (a shared payload) stays as it was written
  const rest = location.hash.slice(1).split('&').filter((part) => part && !part.startsWith('token=')).join('&');
  history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
  return true;
}

/** Reads #token= from the address (then removes it), else the token kept for this tab. */
export function initToken() {
  // registered before the pages' own hashchange listeners, so they see the fragment without it
  window.addEventListener('hashchange', takeTokenFromFragment);
  if (takeTokenFromFragment()) return;
  try { token = sessionStorage.getItem(TOKEN_KEY); } catch { token = null; }
}

/** An answer the page can show: errmsg from the server, or what went wrong on the way. */
export class ApiError extends Error {
  constructor(message, status = 0, body = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** Query string from an object, leaving out empty values (the server treats them as absent). */
function queryString(query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== null && v !== undefined && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/**
 * Calls the API. body: a string (sent as text) or an object (sent as JSON). Resolves to the
 * parsed JSON of a 2xx answer; rejects with ApiError (errmsg or a network message), or with
 * the AbortError when `signal` aborted it.
 */
export async function call(method, path, { query, body, signal } = {}) {
  const headers = {};
  if (token) headers['X-Cardlint-Token'] = token;
  let payload;
  if (body !== undefined) {
    if (typeof body === 'string') {
      headers['Content-Type'] = 'text/plain; charset=utf-8';
      payload = body;
    } else {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
  }
  let res;
  try {
    res = await fetch(path + queryString(query), {
      method,
      headers,
      body: payload,
      signal,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(t('error.network'), 0);
  }
  let text = '';
  try { text = await res.text(); } catch (e) {
    if (e && e.name === 'AbortError') throw e;
  }
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const message = data && typeof data.errmsg === 'string' && data.errmsg
      ? data.errmsg
      : t('error.http', { status: res.status });
    throw new ApiError(message, res.status, data);
  }
  if (data === null || typeof data !== 'object') throw new ApiError(t('error.not_json'), res.status);
  return data;
}

export const isAbort = (e) => e && e.name === 'AbortError';

/** A message for any failure, for showing in the page. */
export const messageOf = (e) => (e instanceof ApiError ? e.message : t('error.unexpected', { message: String(e && e.message ? e.message : e) }));

export const api = {
  endpoints: () => call('GET', '/cardlint/endpoints'),
  check: (text, q, signal) => call('POST', '/cardlint/check', { query: q, body: text, signal }),
  fix: (text, q) => call('POST', '/cardlint/fix', { query: q, body: text }),
  explain: (q) => call('GET', '/cardlint/explain', { query: q }),
  explainWith: (text, q) => call('POST', '/cardlint/explain', { query: q, body: text }),
  sign: (fields) => call('POST', '/cardlint/sign/card-ext', { body: fields }),
  checkCardExt: (fields, lang) => call('POST', '/cardlint/sign/card-ext/check', { query: { lang }, body: fields }),
  requests: (after, signal) => call('GET', '/cardlint/requests', { query: { after }, signal }),
  state: () => call('GET', '/cardlint/state'),
  scan: (ticket, openid) => call('POST', '/cardlint/scan', { body: { ticket, openid } }),
  // the user's and the reviewer's side: gift, delete, view, enter-session, pay, activate, review
  act: (action, body) => call('POST', `/cardlint/${action}`, { body }),
};
