// Drives `cardlint proxy` (in front of `cardlint serve`) with wechat-api (node), unchanged but
// for api.endpoint.
// Usage: node proxy_flow.js PROXY_URL FIXTURE_JSON
// Prints one line per step; exits non-zero at the first step that does not behave as expected.
'use strict';
const fs = require('fs');
const API = require('wechat-api');

const base = process.argv[2].replace(/\/$/, '');
const groupon = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const api = new API('wxsandbox', 'sandbox-secret');
api.endpoint = base; // the token comes through the proxy from the sandbox

function step(name, ok, detail) {
  console.log((ok ? 'ok   ' : 'FAIL ') + name + (detail ? ': ' + detail : ''));
  if (!ok) process.exit(1);
}

function call(method, ...args) {
  return new Promise((resolve) => api[method](...args, (err, data) => resolve({ err, data })));
}

(async () => {
  const broken = JSON.parse(JSON.stringify(groupon.card));
  broken.groupon.base_info.sku.quantity = '100';
  let r = await call('createCard', broken);
  step('broken card/create returns 40053', r.err && r.err.code === 40053, r.err && r.err.message);
  step('the proxy answered it (not the upstream)', /cardlint-proxy/.test(r.err.message) && /TYPE001/.test(r.err.message), r.err.message);

  r = await call('createCard', groupon.card);
  step("valid card/create returns the upstream's card_id", !r.err && typeof r.data.card_id === 'string' && r.data.card_id.length === 28, JSON.stringify(r.data));
  const cardId = r.data.card_id;

  r = await call('getCode', 'D2Vcja0000ab21', cardId);
  step("an unknown code returns the upstream's 40056", r.err && r.err.code === 40056, r.err && r.err.message);
  const causes = (((r.data || {}).cardlint || {}).explain || {}).causes || [];
  step('the answer carries cardlint.explain.causes', causes.length > 0, JSON.stringify(r.data).slice(0, 200));
})();
