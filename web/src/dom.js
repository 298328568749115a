// Tiny DOM helpers. Every piece of server text goes in through text nodes (append/textContent),
// never through innerHTML, so a finding message or a request body can never become markup.

/** The element with this id. */
export const byId = (id) => document.getElementById(id);

/**
 * Creates an element. attrs: `class`, `text`, `dataset` (object), `on` (event -> listener),
 * anything else becomes an attribute (true: present, false/null: left out).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') {
      for (const [k, v] of Object.entries(value)) {
        if (v !== null && v !== undefined) node.dataset[k] = String(v);
      }
    } else if (key === 'on') {
      for (const [type, listener] of Object.entries(value)) node.addEventListener(type, listener);
    } else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

/** Appends nodes and strings (as text), skipping null/false, flattening arrays. */
export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** Sets text only when it differs, so aria-live regions do not repeat an unchanged message. */
export function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}

/** Shows or hides a message element; an empty message hides it. */
export function showMessage(node, text) {
  if (!node) return;
  setText(node, text || '');
  node.hidden = !text;
}
