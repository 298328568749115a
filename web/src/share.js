// Share links carry the payload in the URL fragment (#p=<base64url of the UTF-8 text>&e=<endpoint>).
// Browsers never send the fragment to a server, so a shared payload stays between the people
// who pass the link around.

/** base64url (no padding) of the UTF-8 bytes of `text`. */
export function encodeText(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  const chunk = 0x8000; // keeps String.fromCharCode's argument list small
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + chunk));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The text encoded by encodeText, or null when `b64` is not valid base64url. */
export function decodeText(b64) {
  try {
    const standard = b64.replace(/-/g, '+').replace(/_/g, '/');
    const padded = standard + '='.repeat((4 - (standard.length % 4)) % 4);
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new TextDecoder('utf-8').decode(bytes);
  } catch {
    return null;
  }
}

/** The fragment (without '#') for a payload and an optional endpoint. */
export function shareFragment(text, endpoint) {
  let fragment = `p=${encodeText(text)}`;
  if (endpoint) fragment += `&e=${encodeURIComponent(endpoint)}`;
  return fragment;
}

/** An absolute link to the playground holding the payload. */
export function shareLink(text, endpoint) {
  return `${location.origin}/#${shareFragment(text, endpoint)}`;
}

/** {text, endpoint} from a fragment such as location.hash, or null when it holds no payload. */
export function readShare(hash) {
  const params = fragmentParams(hash);
  if (!params.has('p')) return null;
  // decodeText accepts standard base64 ('+', '/', '=') too, for hand-made links
  const text = decodeText(params.get('p'));
  if (text === null) return null;
  return { text, endpoint: params.get('e') || '' };
}

/** key -> value of a fragment. Unlike URLSearchParams, '+' stays '+' (base64 uses it). */
export function fragmentParams(hash) {
  const params = new Map();
  for (const part of String(hash || '').replace(/^#/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    let value = raw;
    try { value = decodeURIComponent(raw); } catch { /* keep it as written */ }
    if (!params.has(key)) params.set(key, value);
  }
  return params;
}
