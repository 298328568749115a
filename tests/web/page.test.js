// The sandbox's web page in a real browser: Debian's Chromium driven by playwright-core.
// Run by tests/web_e2e.rs, which starts `cardlint serve` and the wechatpy flow first.
// Environment: CARDLINT_URL (the sandbox), CARDLINT_BIN (for `cardlint sign card-ext`),
// CARDLINT_CHROMIUM (the browser), CARDLINT_SCREENSHOTS (folder for the README's pictures).
"use strict";
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");

const base = process.env.CARDLINT_URL.replace(/\/$/, "");
const shots = process.env.CARDLINT_SCREENSHOTS;
let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CARDLINT_CHROMIUM || "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    ],
  });
});

after(async () => {
  await browser?.close();
});

// A page whose console errors, page errors and CSP violations fail the test that opened it.
async function open(url, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, locale: "en-US" });
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") page.problems.push(`console: ${m.text()}`);
  });
  await page.goto(base + url);
  return page;
}

async function close(page) {
  const problems = page.problems;
  await page.context().close();
  assert.deepEqual(problems, [], "the page logged errors");
}

// Replaces the editor's text as a paste would.
async function paste(page, text) {
  await page.locator('[data-testid="editor"] .cm-content').click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(text);
}

async function editorText(page) {
  return page.locator('[data-testid="editor"] .cm-content').evaluate((el) =>
    Array.from(el.querySelectorAll(".cm-line")).map((l) => l.textContent).join("\n"));
}

const broken = `{
  "card": {
    "card_type": "GROUPON",
    "groupon": {
      "base_info": {
        "logo_url": "http://mmbiz.qpic.cn/mmbiz/logo/0",
        "code_type": "CODE_TYPE_QRCODE",
        "brand_name": "微信餐厅",
        "title": "132元双人火锅套餐",
        "color": "Color010",
        "notice": "使用时向服务员出示此券",
        "description": "不可与其他优惠同享",
        "sku": { "quantity": "500" },
        "date_info": { "type": "DATE_TYPE_FIX_TERM", "fixed_term": 15, "fixed_begin_term": 0 }
      },
      "deal_detail": "以下锅底2选1"
    }
  }
}`;

test("a broken card shows TYPE001 at its line, and its fix removes it", async () => {
  const page = await open("/");
  await paste(page, broken);
  const finding = page.locator('[data-code="TYPE001"]');
  await finding.first().waitFor();
  assert.equal(await finding.count(), 1);
  // line 13, the column of "500" counted in code points (the Chinese text above is 1 each)
  assert.equal(await finding.getAttribute("data-line"), "13");
  assert.equal(await finding.getAttribute("data-column"), "30");
  // marked inline in the editor too
  await page.locator(".cm-lintRange-error").first().waitFor();
  if (shots) await page.screenshot({ path: path.join(shots, "playground.png") });
  await finding.locator('[data-testid="fix"]').click();
  await finding.waitFor({ state: "detached" });
  const text = await editorText(page);
  assert.match(text, /"quantity": 500 \}/);
  assert.equal(text.replace('"quantity": 500', '"quantity": "500"'), broken, "nothing else changed");
  await close(page);
});

test("the findings follow the zh/en switch", async () => {
  const page = await open("/");
  await paste(page, broken);
  const finding = page.locator('[data-code="TYPE001"]');
  await finding.first().waitFor();
  await page.locator('[data-testid="lang"]').selectOption("zh");
  await page.waitForFunction(() =>
    /[\u4e00-\u9fff]/.test(document.querySelector('[data-code="TYPE001"]')?.textContent || ""));
  assert.equal(await page.locator("html").getAttribute("lang"), "zh");
  await close(page);
});

test("explain 40053 lists the causes, and check my request marks the one found", async () => {
  const page = await open("/");
  await paste(page, broken);
  await page.locator('[data-code="TYPE001"]').first().waitFor();
  const box = page.locator('[data-testid="explain"]');
  await box.locator("input, textarea").first().fill("40053");
  await box.locator("input, textarea").first().press("Enter");
  const causes = box.locator('[data-testid="cause"]');
  await causes.first().waitFor();
  assert.ok((await causes.count()) >= 3);
  assert.match(await box.textContent(), /TYPE001/);
  await page.locator('[data-testid="explain-check"]').click();
  const found = box.locator('[data-testid="cause"][data-found="true"]');
  await found.first().waitFor();
  assert.match(await found.first().textContent(), /TYPE001/);
  await close(page);
});

test("the signature tool agrees with cardlint sign card-ext", async () => {
  const page = await open("/");
  const fields = {
    api_ticket: "IpK_1T69hDhZkLQTlwsAX1vdo3OcaA5sfNwj6UDgwk3iq9SDyu6yZumwY3Fq3gJBrVG9vq15TsP0vnYk1TbS0g",
    card_id: "pbLatjtZ7v1BG_ZnTjbW85GYc_E8",
    code: "",
    openid: "",
    timestamp: "1404121300",
    nonce_str: "4aRjuIC6fYpUdALc",
  };
  const sign = page.locator('[data-testid="sign"]');
  for (const [name, value] of Object.entries(fields)) {
    await sign.locator(`[name="${name}"]`).fill(value);
  }
  await page.locator('[data-testid="sign-button"]').click();
  const signature = page.locator('[data-testid="signature"]');
  await page.waitForFunction(() =>
    /^[0-9a-f]{40}$/.test(document.querySelector('[data-testid="signature"]')?.textContent?.trim()
      || document.querySelector('[data-testid="signature"]')?.value || ""));
  const shown = ((await signature.textContent()) || (await signature.inputValue())).trim();
  const cli = JSON.parse(execFileSync(process.env.CARDLINT_BIN, [
    "sign", "card-ext", "--card-id", fields.card_id, "--timestamp", fields.timestamp,
    "--nonce-str", fields.nonce_str, "--api-ticket", fields.api_ticket,
  ]).toString());
  assert.equal(shown, cli.signature);
  const ext = page.locator('[data-testid="card-ext"]');
  const extText = ((await ext.inputValue().catch(() => "")) || (await ext.textContent())).trim();
  assert.deepEqual(JSON.parse(extText), cli);
  // the ticket is neither kept by the page nor put in its address
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href);
  assert.ok(!stored.includes(fields.api_ticket));

  // a pasted cardExt whose signature is not the one its values give is named wrong
  const wrong = JSON.stringify({ ...cli, signature: "0".repeat(40) });
  await page.locator('[data-testid="card-ext-input"]').fill(wrong);
  await page.locator('[data-testid="card-ext-check"]').click();
  await sign.locator('[data-code="EXT008"]').first().waitFor();
  await close(page);
});

test("a wechatpy request shows in the inspector with its findings", async () => {
  const page = await open("/inspector");
  const rows = page.locator('[data-testid="request"]');
  await rows.first().waitFor();
  // the wechatpy flow began with a card/create refused for a quoted quantity
  const refused = rows.filter({ hasText: "40053" }).filter({ hasText: "TYPE001" });
  await refused.first().waitFor();
  await refused.first().click();
  const finding = page.locator('[data-code="TYPE001"]');
  await finding.first().waitFor();
  if (shots) await page.screenshot({ path: path.join(shots, "inspector.png") });
  assert.ok(Number(await finding.first().getAttribute("data-line")) >= 1);
  // no credential in the page
  assert.ok(!(await page.content()).includes("sandbox-token"));
  await page.locator('[data-testid="open-in-playground"]').first().click();
  await page.waitForURL(/\/#p=/);
  await page.locator('[data-code="TYPE001"]').first().waitFor();
  await close(page);
});

test("a new request appears in the inspector without reloading", async () => {
  const page = await open("/inspector");
  await page.locator('[data-testid="request"]').first().waitFor();
  const before = await page.locator('[data-testid="request"]').count();
  const r = await fetch(base + "/card/code/consume?access_token=T", {
    method: "POST", body: '{"code": 1434008071}',
  });
  assert.equal((await r.json()).errcode, 40053);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="request"]').length > n, before);
  await close(page);
});

test("the inspector acts for the user: a received code given to a friend", async () => {
  const page = await open("/inspector");
  const gift = page.locator('[data-testid="action"][data-action="gift"]');
  // a user scans the first QR code the wechatpy flow made, and holds a code
  await page.locator('[data-testid="scan"]').first().click();
  await page.waitForFunction(() => /code \d+|Scanned|扫码/.test(document.querySelector('[data-testid="state-status"]')?.textContent || ""));
  // the codes of each card are folded: open them all (they stay open across refreshes)
  const summaries = page.locator('[data-testid="cards"] details.codes:not([open]) summary');
  while (await summaries.count()) await summaries.first().click();
  await gift.first().waitFor();
  const code = await gift.first().getAttribute("data-card-code");
  await page.locator('[data-testid="friend-openid"]').fill("o_friend_of_the_test");
  await gift.first().click();
  // the gift is journaled like a request, and the code now belongs to the friend
  await page.locator('[data-testid="request"]').filter({ hasText: "cardlint/gift" }).first().waitFor();
  const state = await (await fetch(base + "/cardlint/state")).json();
  const holders = state.cards.flatMap((c) => c.codes).filter((c) => c.openid === "o_friend_of_the_test");
  assert.equal(holders.length, 1, JSON.stringify(state));
  assert.ok(code.length > 0);
  await close(page);
});

test("the playground fits a 390-pixel phone screen", async () => {
  const page = await open("/", { width: 390, height: 844 });
  await paste(page, broken);
  await page.locator('[data-code="TYPE001"]').first().waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width} px wide`);
  const box = await page.locator('[data-testid="editor"]').boundingBox();
  assert.ok(box.width > 300 && box.x >= 0, JSON.stringify(box));
  if (shots) await page.screenshot({ path: path.join(shots, "phone.png") });
  await close(page);
});

test("a share link restores the payload from the fragment alone", async () => {
  const page = await open("/");
  await paste(page, broken);
  await page.locator('[data-testid="share"]').click();
  const link = await page.locator('[data-testid="share-link"]').inputValue();
  assert.match(link, /#p=/);
  const other = await open(link.replace(base, ""));
  await other.locator('[data-code="TYPE001"]').first().waitFor();
  assert.equal(await editorText(other), broken);
  await close(other);
  await close(page);
});
