// The server reports 1-based lines and 1-based columns counted in Unicode code points (what
// the Rust side counts); CodeMirror and the DOM count UTF-16 units. An emoji or any
// character outside the BMP is one code point but two units, so columns cannot be used as
// offsets directly.

const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

/** UTF-16 length of the first `points` code points of `text` (clamped to its length). */
export function unitsForCodePoints(text, points) {
  let i = 0;
  let n = 0;
  while (n < points && i < text.length) {
    i += isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1)) ? 2 : 1;
    n++;
  }
  return i;
}

/**
 * The CodeMirror offset of (line, column) in `doc` (a CodeMirror Text). Positions past the
 * end of a line or of the document are clamped, so a stale or odd finding still lands
 * somewhere sensible instead of throwing.
 */
export function docOffset(doc, line, column) {
  if (!Number.isFinite(line) || line < 1) return 0;
  if (line > doc.lines) return doc.length;
  const l = doc.line(line);
  const col = Number.isFinite(column) && column > 1 ? column - 1 : 0;
  return l.from + unitsForCodePoints(l.text, col);
}

/** The [from, to] range of a finding in `doc`; `to` is never before `from`. */
export function findingRange(doc, f) {
  const from = docOffset(doc, f.line, f.column);
  const hasEnd = Number.isFinite(f.end_line) && Number.isFinite(f.end_column);
  const to = hasEnd ? docOffset(doc, f.end_line, f.end_column) : from;
  return { from, to: Math.max(from, to) };
}

/** The UTF-16 offset of (line, column) in a plain string, e.g. a textarea's value. */
export function stringOffset(text, line, column) {
  const lines = text.split(/\r\n|\r|\n/);
  if (!Number.isFinite(line) || line < 1) return 0;
  if (line > lines.length) return text.length;
  let offset = 0;
  const breaks = text.match(/\r\n|\r|\n/g) || [];
  for (let i = 0; i < line - 1; i++) offset += lines[i].length + breaks[i].length;
  const col = Number.isFinite(column) && column > 1 ? column - 1 : 0;
  return offset + unitsForCodePoints(lines[line - 1], col);
}
