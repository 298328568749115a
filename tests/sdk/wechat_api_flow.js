// Drives `cardlint serve` with wechat-api (node), unchanged but for api.endpoint.
// Usage: node wechat_api_flow.js BASE_URL FIXTURE_JSON
// Prints one line per step; exits non-zero at the first step that does not behave as expected.
'use strict';
const fs = require('fs');
const http = require('http');
const API = require('wechat-api');

const base = process.argv[2].replace(/\/$/, '');
const groupon = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const api = new API('wxsandbox', 'sandbox-secret');
api.endpoint = base; // the token comes from the sandbox's /cgi-bin/token too

function step(name, ok, detail) {
  console.log((ok ? 'ok   ' : 'FAIL ') + name + (detail ? ': ' + detail : ''));
  if (!ok) process.exit(1);
}

// wechat-api is callback based: (err, data)
function call(method, ...args) {
  return new Promise((resolve) => api[method](...args, (err, data) => resolve({ err, data })));
}

function scan(ticket, openid) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ ticket, openid });
    const req = http.request(base + '/cardlint/scan', { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end(body);
  });
}

(async () => {
  const broken = JSON.parse(JSON.stringify(groupon.card));
  broken.groupon.base_info.color = '#63b359';
  let r = await call('createCard', broken);
  step('broken card/create returns 40076', r.err && r.err.code === 40076, r.err && r.err.message);
  step('errmsg names the rule', /CARD009/.test(r.err.message), r.err.message);

  r = await call('createCard', groupon.card);
  step('valid card/create returns a card_id', !r.err && typeof r.data.card_id === 'string', JSON.stringify(r.data));
  const cardId = r.data.card_id;

  const deposit = JSON.parse(JSON.stringify(groupon.card));
  Object.assign(deposit.groupon.base_info, { use_custom_code: true, get_custom_code_mode: 'GET_CUSTOM_CODE_MODE_DEPOSIT' });
  deposit.groupon.base_info.sku.quantity = 0;
  r = await call('createCard', deposit);
  step('deposit-mode card/create', !r.err, r.err && r.err.message);
  const depId = r.data.card_id;

  r = await call('createQRCode', { card_id: depId });
  step('card/qrcode/create returns a ticket', !r.err && !!r.data.ticket, r.err && r.err.message);
  const ticket = r.data.ticket;

  r = await call('importCustomizedCodes', depId, ['NODE01', 'NODE02']);
  step('card/code/deposit', !r.err && r.data.succ_code.length === 2, JSON.stringify(r.data));
  r = await call('updateCardStock', depId, 2);
  step('card/modifystock', !r.err, r.err && r.err.message);

  const got = await scan(ticket, 'o_node_user');
  step('a user receives a deposited code', got.code === 'NODE01', JSON.stringify(got));

  r = await call('consumeCode', got.code, depId);
  step('card/code/consume', !r.err && r.data.card.card_id === depId, JSON.stringify(r.data));
  r = await call('consumeCode', got.code, depId);
  step('a second consume returns 40099', r.err && r.err.code === 40099, r.err && r.err.message);

  r = await call('getCard', cardId);
  step('card/get returns the created card', !r.err && r.data.card.card_type === 'GROUPON', r.err && r.err.message);
  console.log('wechat-api: all steps passed');
})().catch((e) => {
  console.log('FAIL ' + e.stack);
  process.exit(1);
});
