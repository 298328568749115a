// Every label of both pages in English and Chinese. Static text in the HTML carries
// data-i18n (textContent), data-i18n-placeholder, data-i18n-title or data-i18n-aria-label;
// script-made text asks t(). The choice is remembered in localStorage; the first visit
// follows the browser's language.

const STORAGE_KEY = 'cardlint-lang';

const plural = (one, other) => ({ one, other });

const DICT = {
  en: {
    'title.playground': 'cardlint sandbox · Playground',
    'title.inspector': 'cardlint sandbox · Inspector',
    'brand.sandbox': 'sandbox',
    'nav.label': 'Pages',
    'nav.playground': 'Playground',
    'nav.inspector': 'Inspector',
    'nav.skip': 'Skip to the editor',
    'nav.skip_requests': 'Skip to the requests',
    'lang.label': 'Language',

    'error.network': 'The sandbox cannot be reached. Is cardlint serve still running?',
    'error.http': 'The sandbox answered HTTP {status}.',
    'error.not_json': 'The sandbox answered something that is not JSON.',
    'error.unexpected': 'Unexpected error: {message}',
    'error.page': 'This page hit an error: {message}',

    'editor.title': 'Request body',
    'editor.label': 'Request body (JSON, or an .http request)',
    'editor.hint': 'Paste a JSON body, or an .http request (request line, headers, blank line, body). Findings appear as you type.',
    'endpoint.label': 'Endpoint',
    'endpoint.inferred': 'inferred',
    'endpoint.checked_as': 'checked as {endpoint}',
    'endpoint.unknown': 'endpoint not recognised: pick one',
    'endpoint.load_failed': 'The endpoint list could not be loaded: {message}',
    'file.label': 'Open a file (.json, .http, .txt)',
    'file.loaded': 'Loaded {name}.',
    'file.failed': '{name} could not be read: {message}',
    'file.too_big': '{name} is too large for the playground.',
    'share.button': 'Share',
    'share.label': 'Link to this payload (kept in the link itself, never sent to the server)',
    'share.copied': 'Link copied to the clipboard.',
    'share.copy_yourself': 'Copy the link above.',

    'findings.title': 'Findings',
    'summary.none': 'No problems found.',
    'summary.counts': '{errors}, {warnings}, {infos}',
    'count.errors': plural('{n} error', '{n} errors'),
    'count.warnings': plural('{n} warning', '{n} warnings'),
    'count.infos': plural('{n} info', '{n} infos'),
    'summary.failed': 'Not checked: {message}',
    'summary.checking': 'Checking…',
    'severity.error': 'error',
    'severity.warning': 'warning',
    'severity.info': 'info',
    'finding.position': 'line {line}, column {column}',
    'finding.goto': 'Show in the editor',
    'finding.why': 'Why:',
    'finding.help': 'How to fix:',
    'finding.errcodes': 'WeChat answers:',
    'fix.one': 'Fix',
    'fix.unsafe': 'Fix (unsafe)',
    'fix.safe_title': 'Apply this fix; the sandbox verified it',
    'fix.unsafe_title': 'This fix may change what the request means: read the result',
    'fix.all': 'Fix all',
    'fix.all_title': 'Apply every safe fix',
    'fix.applied': plural('Fixed {n} problem.', 'Fixed {n} problems.'),
    'fix.stale': 'The text changed while the fix was computed; try again.',

    'explain.title': 'Explain an errcode',
    'explain.label': 'Errcode, WeChat response or symptom',
    'explain.placeholder': '40053 · {"errcode":40053,…} · 签名错误',
    'explain.button': 'Explain',
    'explain.check': 'Check my request',
    'explain.empty': 'Type an errcode (40053), paste a response, or describe the symptom (签名错误).',
    'explain.nothing': 'Nothing more is known about it.',
    'explain.hint': 'Hint:',
    'explain.field': 'Field:',
    'explain.meanings': 'What it means',
    'explain.causes': 'Likely causes',
    'explain.found_count': plural('{n} of these causes is in your request.', '{n} of these causes are in your request.'),
    'explain.found': 'found in your request',
    'explain.account': 'account setting',
    'explain.check_how': 'How to check:',
    'explain.fix': 'Fix:',
    'explain.rules': 'Rules:',

    'sign.title': 'cardExt signature',
    'sign.hint': 'The api_ticket stays in this page: it is sent only to this sandbox to compute the signature, never stored, never put in a link.',
    'sign.show': 'Show',
    'sign.hide': 'Hide',
    'sign.optional': '(optional)',
    'sign.now': 'Now',
    'sign.random': 'Random',
    'sign.button': 'Sign',
    'sign.missing': 'Fill in {fields}.',
    'sign.card_ext': 'cardExt (pass this string to wx.addCard)',
    'sign.signature': 'signature',
    'sign.steps': 'How it was computed',
    'sign.step_sort': 'The values, sorted as strings (the api_ticket is not shown):',
    'sign.step_concat': 'Joined with nothing in between:',
    'sign.step_sha1': 'SHA-1 of that string, in lowercase hex, is the signature:',
    'sign.check_title': 'Check a cardExt',
    'sign.check_label': 'A cardExt string from your page (checked with the api_ticket and card_id above)',
    'sign.check_button': 'Check signature',
    'sign.need_ticket': 'Fill in the api_ticket above first.',
    'sign.need_card_ext': 'Paste a cardExt string first.',
    'sign.correct': 'The signature is correct.',
    'sign.problems': plural('{n} problem:', '{n} problems:'),

    'requests.title': 'Requests',
    'requests.hint': 'Every request the sandbox answered, newest first, live. Secrets are masked.',
    'requests.none': 'No requests yet: point your SDK at this sandbox.',
    'requests.count': plural('{n} request', '{n} requests'),
    'requests.filtered': '{shown} of {n} requests shown',
    'requests.failed': 'Requests could not be loaded: {message}',
    'requests.findings': plural('{n} finding', '{n} findings'),
    'filter.endpoint': 'Endpoint',
    'filter.all': 'all',
    'filter.errcode': 'Errcode (a number, or !0 for failures)',
    'filter.errcode_placeholder': '40053 · !0',
    'filter.errcode_invalid': 'Errcode filter: type a number such as 40053, or !0 for every failure.',

    'detail.title': 'Request',
    'detail.title_id': 'Request #{id}',
    'detail.empty': 'Choose a request to see its body, findings and answer.',
    'detail.open': 'Open in the playground',
    'detail.body': 'Body',
    'detail.body_label': 'Request body (read-only)',
    'detail.truncated': 'The body was cut: only its beginning was kept.',
    'detail.findings': 'Findings',
    'detail.answer': 'Answer',
    'detail.time': 'Time',
    'detail.request': 'Request',
    'detail.endpoint': 'Endpoint',
    'detail.query': 'Query (masked)',
    'detail.status': 'HTTP status',
    'detail.errcode': 'errcode',

    'state.title': 'Sandbox state',
    'state.refresh': 'Refresh',
    'state.scan_openid': 'Scan as openid',
    'state.cards': 'Cards',
    'state.qrs': 'QR code tickets',
    'state.failed': 'The state could not be loaded: {message}',
    'state.no_cards': 'No cards yet.',
    'state.no_qrs': 'No QR codes yet.',
    'state.stock': 'Stock:',
    'state.custom_code': 'custom code',
    'state.deposit': 'deposit mode',
    'state.deleted': 'deleted',
    'state.deposited': 'deposited, not yet given out ({n})',
    'state.empty': 'none',
    'state.ticket': 'Ticket:',
    'state.card': 'Card:',
    'state.code': 'code:',
    'state.no_expiry': 'no expiry',
    'state.expired': 'expired',
    'state.expires': 'expires {time}',
    'state.scan': 'Scan',
    'state.scanned': 'Scanned as {openid}.',
    'state.scanned_code': 'Scanned as {openid}: code {code} received.',
    'state.more_cards': '{shown} of {total} cards shown.',
    'state.scan_failed': 'Scan failed: {message}',
    'state.friend_openid': 'Gift to openid',
    'action.view': 'View',
    'action.gift': 'Gift',
    'action.delete': 'Delete',
    'action.approve': 'Approve',
    'action.reject': 'Reject',
    'action.label': '{action} code {code}',
    'action.done': '{action}: done (the event is pushed when --callback is set).',
    'action.failed': '{action} failed: {message}',
    'status.NORMAL': 'received',
    'status.CONSUMED': 'consumed',
    'status.UNAVAILABLE': 'unavailable',
    'status.DELETE': 'deleted',
    'status.EXPIRE': 'expired',
    'status.GIFTING': 'being given',
    'status.GIFT_SUCC': 'given away',
    'status.GIFT_TIMEOUT': 'gift timed out',
  },
  zh: {
    'title.playground': 'cardlint 沙箱 · 在线检查',
    'title.inspector': 'cardlint 沙箱 · 请求记录',
    'brand.sandbox': '沙箱',
    'nav.label': '页面',
    'nav.playground': '在线检查',
    'nav.inspector': '请求记录',
    'nav.skip': '跳到编辑器',
    'nav.skip_requests': '跳到请求列表',
    'lang.label': '语言',

    'error.network': '无法连接沙箱。cardlint serve 还在运行吗？',
    'error.http': '沙箱返回了 HTTP {status}。',
    'error.not_json': '沙箱返回的不是 JSON。',
    'error.unexpected': '意外错误：{message}',
    'error.page': '页面出错：{message}',

    'editor.title': '请求内容',
    'editor.label': '请求内容（JSON 或 .http 请求）',
    'editor.hint': '粘贴 JSON 请求体，或 .http 请求（请求行、请求头、空行、请求体）。输入时即时检查。',
    'endpoint.label': '接口',
    'endpoint.inferred': '自动推断',
    'endpoint.checked_as': '按 {endpoint} 检查',
    'endpoint.unknown': '未能识别接口：请选择一个',
    'endpoint.load_failed': '无法加载接口列表：{message}',
    'file.label': '打开文件（.json、.http、.txt）',
    'file.loaded': '已加载 {name}。',
    'file.failed': '无法读取 {name}：{message}',
    'file.too_big': '{name} 太大，无法在此检查。',
    'share.button': '分享',
    'share.label': '此内容的链接（内容只在链接中，不会发送到服务器）',
    'share.copied': '链接已复制到剪贴板。',
    'share.copy_yourself': '请复制上面的链接。',

    'findings.title': '检查结果',
    'summary.none': '没有发现问题。',
    'summary.counts': '{errors}，{warnings}，{infos}',
    'count.errors': plural('{n} 个错误', '{n} 个错误'),
    'count.warnings': plural('{n} 个警告', '{n} 个警告'),
    'count.infos': plural('{n} 个提示', '{n} 个提示'),
    'summary.failed': '未能检查：{message}',
    'summary.checking': '正在检查…',
    'severity.error': '错误',
    'severity.warning': '警告',
    'severity.info': '提示',
    'finding.position': '第 {line} 行，第 {column} 列',
    'finding.goto': '在编辑器中显示',
    'finding.why': '原因：',
    'finding.help': '修改方法：',
    'finding.errcodes': '微信返回：',
    'fix.one': '修复',
    'fix.unsafe': '修复（不安全）',
    'fix.safe_title': '应用此修复（沙箱已验证）',
    'fix.unsafe_title': '此修复可能改变请求的含义：请检查结果',
    'fix.all': '全部修复',
    'fix.all_title': '应用所有安全的修复',
    'fix.applied': plural('已修复 {n} 个问题。', '已修复 {n} 个问题。'),
    'fix.stale': '计算修复时内容已改变，请重试。',

    'explain.title': '解释错误码',
    'explain.label': '错误码、微信返回内容或现象',
    'explain.placeholder': '40053 · {"errcode":40053,…} · 签名错误',
    'explain.button': '解释',
    'explain.check': '检查我的请求',
    'explain.empty': '请输入错误码（40053）、粘贴返回内容，或描述现象（签名错误）。',
    'explain.nothing': '没有更多信息。',
    'explain.hint': '提示：',
    'explain.field': '字段：',
    'explain.meanings': '含义',
    'explain.causes': '可能的原因',
    'explain.found_count': plural('你的请求中有 {n} 个原因。', '你的请求中有 {n} 个原因。'),
    'explain.found': '在你的请求中发现',
    'explain.account': '账号设置',
    'explain.check_how': '如何确认：',
    'explain.fix': '解决：',
    'explain.rules': '规则：',

    'sign.title': 'cardExt 签名',
    'sign.hint': 'api_ticket 只留在本页面：只发送给本沙箱用于计算签名，不会保存，也不会放进链接。',
    'sign.show': '显示',
    'sign.hide': '隐藏',
    'sign.optional': '（可选）',
    'sign.now': '当前时间',
    'sign.random': '随机',
    'sign.button': '签名',
    'sign.missing': '请填写 {fields}。',
    'sign.card_ext': 'cardExt（把这个字符串传给 wx.addCard）',
    'sign.signature': '签名',
    'sign.steps': '计算过程',
    'sign.step_sort': '各个值按字符串排序（不显示 api_ticket）：',
    'sign.step_concat': '直接拼接，中间没有分隔符：',
    'sign.step_sha1': '对该字符串做 SHA-1，小写十六进制即为签名：',
    'sign.check_title': '检查 cardExt',
    'sign.check_label': '页面中的 cardExt 字符串（用上面的 api_ticket 和 card_id 检查）',
    'sign.check_button': '检查签名',
    'sign.need_ticket': '请先在上面填写 api_ticket。',
    'sign.need_card_ext': '请先粘贴 cardExt 字符串。',
    'sign.correct': '签名正确。',
    'sign.problems': plural('{n} 个问题：', '{n} 个问题：'),

    'requests.title': '请求',
    'requests.hint': '沙箱收到的所有请求，最新的在前，实时更新。敏感信息已遮盖。',
    'requests.none': '还没有请求：把 SDK 的地址指向本沙箱。',
    'requests.count': plural('{n} 个请求', '{n} 个请求'),
    'requests.filtered': '显示 {shown} / {n} 个请求',
    'requests.failed': '无法加载请求：{message}',
    'requests.findings': plural('{n} 个问题', '{n} 个问题'),
    'filter.endpoint': '接口',
    'filter.all': '全部',
    'filter.errcode': '错误码（数字，或 !0 表示所有失败）',
    'filter.errcode_placeholder': '40053 · !0',
    'filter.errcode_invalid': '错误码筛选：请输入数字（如 40053），或 !0 表示所有失败。',

    'detail.title': '请求',
    'detail.title_id': '请求 #{id}',
    'detail.empty': '选择一个请求，查看请求内容、问题和返回。',
    'detail.open': '在在线检查中打开',
    'detail.body': '请求内容',
    'detail.body_label': '请求内容（只读）',
    'detail.truncated': '请求内容过长，只保留了开头部分。',
    'detail.findings': '检查结果',
    'detail.answer': '返回',
    'detail.time': '时间',
    'detail.request': '请求',
    'detail.endpoint': '接口',
    'detail.query': '查询参数（已遮盖）',
    'detail.status': 'HTTP 状态',
    'detail.errcode': '错误码',

    'state.title': '沙箱状态',
    'state.refresh': '刷新',
    'state.scan_openid': '扫码用户 openid',
    'state.cards': '卡券',
    'state.qrs': '二维码 ticket',
    'state.failed': '无法加载状态：{message}',
    'state.no_cards': '还没有卡券。',
    'state.no_qrs': '还没有二维码。',
    'state.stock': '库存：',
    'state.custom_code': '自定义 code',
    'state.deposit': '导入 code 模式',
    'state.deleted': '已删除',
    'state.deposited': '已导入、未发放（{n}）',
    'state.empty': '无',
    'state.ticket': 'ticket：',
    'state.card': '卡券：',
    'state.code': 'code：',
    'state.no_expiry': '永久有效',
    'state.expired': '已过期',
    'state.expires': '{time} 过期',
    'state.scan': '扫码',
    'state.scanned': '已用 {openid} 扫码。',
    'state.scanned_code': '已用 {openid} 扫码：领取到 code {code}。',
    'state.more_cards': '显示 {shown} / {total} 张卡券。',
    'state.scan_failed': '扫码失败：{message}',
    'state.friend_openid': '转赠给 openid',
    'action.view': '查看',
    'action.gift': '转赠',
    'action.delete': '删除',
    'action.approve': '审核通过',
    'action.reject': '审核不通过',
    'action.label': '{action} code {code}',
    'action.done': '{action}：完成（设置了 --callback 时会推送事件）。',
    'action.failed': '{action}失败：{message}',
    'status.NORMAL': '已领取',
    'status.CONSUMED': '已核销',
    'status.UNAVAILABLE': '已失效',
    'status.DELETE': '已删除',
    'status.EXPIRE': '已过期',
    'status.GIFTING': '转赠中',
    'status.GIFT_SUCC': '已转赠',
    'status.GIFT_TIMEOUT': '转赠超时',
  },
};

let lang = 'en';
const listeners = [];

/** 'zh' or 'en': the remembered choice, else the browser's language. */
function detect() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh' || saved === 'en') return saved;
  } catch { /* storage blocked: fall back to the browser */ }
  return /^zh/i.test(navigator.language || '') ? 'zh' : 'en';
}

export const getLang = () => lang;
export const languages = () => Object.keys(DICT);

/**
 * The text of `key` in the current language with {name} replaced from `vars`. An entry with
 * one/other forms picks by vars.n. A key missing in Chinese falls back to English; a key
 * missing everywhere is returned as is.
 */
export function t(key, vars = {}) {
  let entry = DICT[lang][key] ?? DICT.en[key];
  if (entry === undefined) return key;
  if (typeof entry === 'object') entry = vars.n === 1 ? entry.one : entry.other;
  return entry.replace(/\{(\w+)\}/g, (m, name) => (vars[name] === undefined || vars[name] === null ? '' : String(vars[name])));
}

/** Puts the current language's text into every data-i18n* element under `root`. */
export function applyI18n(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) node.setAttribute('placeholder', t(node.dataset.i18nPlaceholder));
  for (const node of root.querySelectorAll('[data-i18n-title]')) node.setAttribute('title', t(node.dataset.i18nTitle));
  for (const node of root.querySelectorAll('[data-i18n-aria-label]')) node.setAttribute('aria-label', t(node.dataset.i18nAriaLabel));
  document.documentElement.lang = lang;
}

/** Called after every language switch (the page's static text is already updated then). */
export function onLangChange(listener) {
  listeners.push(listener);
}

export function setLang(next) {
  if (!DICT[next] || next === lang) return;
  lang = next;
  try { localStorage.setItem(STORAGE_KEY, next); } catch { /* remembered for this page only */ }
  applyI18n();
  for (const listener of listeners) listener(lang);
}

/** Picks the language, translates the page and wires the language <select>. */
export function initI18n(select) {
  lang = detect();
  applyI18n();
  if (select) {
    select.value = lang;
    select.addEventListener('change', () => setLang(select.value));
  }
}
