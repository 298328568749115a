//! The source a human report quotes for one finding: a few lines around its spans, a long line
//! cut to a window of columns around them, control characters shown escaped. miette reads this
//! window, never the whole input, so a report costs the same however long the input and its
//! lines are; the line and column numbers it prints (in code points) are the input's.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// Lines shown before and after a label.
const CONTEXT: usize = 1;
/// A label over more lines than this is shown on its first line only.
const SPAN_LINES: usize = 4;
/// Lines longer than this (in bytes) are not measured whole: their window is found by walking
/// from a known place.
const MEASURED: usize = 64 * 1024;

/// Where each line of an input starts: computed once per file.
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Lines<'t> {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { text, starts }
    }

    fn of(&self, byte: usize) -> usize {
        self.starts.partition_point(|s| *s <= byte) - 1
    }

    /// The bytes of line `i` without its line break.
    fn content(&self, i: usize) -> Range<usize> {
        let start = self.starts[i];
        let end = self.starts.get(i + 1).map_or(self.text.len(), |n| n - 1);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end
    }
}

/// A place a label marks: a byte span of the input, and the 0-based line and code-point column
/// of its start as the finding gives them.
pub struct Anchor {
    pub span: Range<usize>,
    pub line: usize,
    pub column: usize,
}

/// The shown part of one line: bytes `from..to`, the first at code-point column `col`.
#[derive(Clone, Copy)]
struct Window {
    from: usize,
    to: usize,
    col: usize,
}

/// What miette reads for one finding.
pub struct Snippet {
    name: String,
    text: String,
    lines: Vec<Shown>,
}

/// A line of the snippet: where it starts, its line in the input, and the input's column at
/// each character taken from it.
struct Shown {
    start: usize,
    line: usize,
    cols: Vec<(usize, usize)>,
}

/// Display width of a character: two for the wide scripts, one otherwise.
fn width(c: char) -> usize {
    let u = c as u32;
    let wide = matches!(u,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

/// Whether a character would act on a terminal (or hide what follows it): control
/// characters, bidirectional overrides, invisible marks.
fn hidden(c: char) -> bool {
    matches!(c as u32,
        0..=0x08 | 0x0A..=0x1F | 0x7F..=0x9F | 0x200B..=0x200F | 0x2028..=0x202E
        | 0x2060..=0x2069 | 0xFEFF | 0xFFF9..=0xFFFB)
}

/// A character of the input as it is shown: itself, or escaped when it is [`hidden`].
fn escape_char(c: char, out: &mut String) {
    if !hidden(c) {
        out.push(c);
        return;
    }
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if c.is_ascii() => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// `text` with every character that would act on a terminal escaped (tabs kept).
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        escape_char(c, &mut out);
    }
    std::borrow::Cow::Owned(out)
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

struct Builder<'l, 't> {
    lines: &'l Lines<'t>,
    /// Display columns a cut line shows.
    width: usize,
    windows: BTreeMap<usize, Window>,
}

impl Builder<'_, '_> {
    /// The whole of line `i` when it fits.
    fn whole(&self, i: usize) -> Option<Window> {
        let r = self.lines.content(i);
        let text = &self.lines.text[r.clone()];
        let fits =
            text.len() <= self.width * 4 && text.chars().map(width).sum::<usize>() <= self.width;
        fits.then_some(Window {
            from: r.start,
            to: r.end,
            col: 0,
        })
    }

    /// From `from` (at column `col`) as far as the width allows.
    fn forward(&self, i: usize, from: usize, col: usize) -> Window {
        let r = self.lines.content(i);
        let mut used = 0;
        let mut to = from;
        for c in self.lines.text[from..r.end].chars() {
            used += width(c);
            if used > self.width {
                break;
            }
            to += c.len_utf8();
        }
        Window { from, to, col }
    }

    /// A window of line `i` around byte `at`, which is at column `col`.
    fn around(&self, i: usize, at: usize, col: usize) -> Window {
        if let Some(w) = self.whole(i) {
            return w;
        }
        let r = self.lines.content(i);
        let at = floor(self.lines.text, at.clamp(r.start, r.end));
        let (mut from, mut back, mut used) = (at, 0, 0);
        for c in self.lines.text[r.start..at].chars().rev() {
            used += width(c);
            if used > self.width / 3 {
                break;
            }
            from -= c.len_utf8();
            back += 1;
        }
        self.forward(i, from, col.saturating_sub(back))
    }

    /// A window of line `i` from column `col` (a context line, aligned with its label's line).
    fn at_column(&self, i: usize, col: usize) -> Window {
        if let Some(w) = self.whole(i) {
            return w;
        }
        let r = self.lines.content(i);
        let text = &self.lines.text[r.clone()];
        let from = if text.len() <= MEASURED {
            r.start + text.char_indices().nth(col).map_or(text.len(), |(b, _)| b)
        } else {
            // too long to count: the same byte offset is as good for a line no label is on
            r.start + floor(text, col)
        };
        let (from, col) = if from >= r.end && r.end > r.start {
            (r.start, 0)
        } else {
            (from, col)
        };
        self.forward(i, from, col)
    }

    fn window(&mut self, i: usize, make: impl FnOnce(&Self) -> Window) -> Window {
        if let Some(w) = self.windows.get(&i) {
            return *w;
        }
        let w = make(self);
        self.windows.insert(i, w);
        w
    }
}

/// One anchor clamped to the text, its lines, and whether it is shown at its first line only.
struct Place {
    start: usize,
    end: usize,
    line: usize,
    end_line: usize,
    col: usize,
}

fn place(lines: &Lines, a: &Anchor) -> Place {
    let text = lines.text;
    let start = floor(text, a.span.start);
    let mut end = floor(text, a.span.end.max(start));
    let line = lines.of(start);
    let col = if a.line == line {
        a.column
    } else {
        text[lines.content(line).start..start.max(lines.content(line).start)]
            .chars()
            .count()
    };
    let mut end_line = if end > start { lines.of(end - 1) } else { line };
    if end_line - line > SPAN_LINES {
        end_line = line;
    }
    let floor_end = if end_line == line {
        start
    } else {
        lines.content(end_line).start
    };
    end = end.min(lines.content(end_line).end).max(floor_end);
    Place {
        start,
        end,
        line,
        end_line,
        col,
    }
}

/// The snippet for `anchors` (the finding's span first, then its related spans) and where
/// each anchor is in it; `None` for a related span that shares a line with an earlier one but
/// lies outside its window.
pub fn build(
    lines: &Lines,
    name: &str,
    anchors: &[Anchor],
    columns: usize,
) -> (Snippet, Vec<Option<SourceSpan>>) {
    let mut b = Builder {
        lines,
        width: columns,
        windows: BTreeMap::new(),
    };
    // lines whose window was chosen for a label on them (others only give context)
    let mut labelled = BTreeSet::new();
    // the empty line after a final line break is no line to show as context
    let mut last = lines.starts.len() - 1;
    if last > 0 && lines.text.ends_with('\n') {
        last -= 1;
    }
    let mut shown = BTreeSet::new();
    let mut places = Vec::new();
    for a in anchors {
        let p = place(lines, a);
        if labelled.insert(p.line) {
            let w = b.around(p.line, p.start, p.col);
            b.windows.insert(p.line, w);
        }
        let first = b.windows[&p.line];
        let inside = p.start >= first.from && p.start <= first.to;
        if !inside {
            places.push(None);
            continue;
        }
        for i in p.line + 1..=p.end_line {
            b.window(i, |b| b.at_column(i, first.col));
        }
        let low = p.line.saturating_sub(CONTEXT);
        let high = (p.end_line + CONTEXT).min(last).max(p.end_line);
        for i in low..=high {
            b.window(i, |b| b.at_column(i, first.col));
            shown.insert(i);
        }
        places.push(Some(p));
    }
    let mut text = String::new();
    let mut out = Vec::new();
    // per line: (input byte, snippet byte) at each character taken, and at the window's end
    let mut maps: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    for i in shown {
        let w = b.windows[&i];
        let r = lines.content(i);
        let start = text.len();
        let mut cols = Vec::new();
        let mut map = Vec::new();
        if w.from > r.start {
            cols.push((text.len(), w.col));
            text.push('…');
        }
        let mut col = w.col;
        for (at, c) in lines.text[w.from..w.to].char_indices() {
            map.push((w.from + at, text.len()));
            cols.push((text.len(), col));
            if c == '\t' {
                text.push(c);
            } else {
                escape_char(c, &mut text);
            }
            col += 1;
        }
        map.push((w.to, text.len()));
        cols.push((text.len(), col));
        if w.to < r.end {
            text.push('…');
        }
        text.push('\n');
        maps.insert(i, map);
        out.push(Shown {
            start,
            line: i,
            cols,
        });
    }
    let at = |line: usize, byte: usize| -> usize {
        let map = &maps[&line];
        let k = map.partition_point(|(b, _)| *b <= byte).max(1) - 1;
        map[k].1
    };
    let spans = places
        .iter()
        .map(|p| {
            p.as_ref().map(|p| {
                let s = at(p.line, p.start);
                let e = at(p.end_line, p.end).max(s);
                SourceSpan::from((s, e - s))
            })
        })
        .collect();
    (
        Snippet {
            name: name.to_string(),
            text,
            lines: out,
        },
        spans,
    )
}

impl Snippet {
    /// The input's line and code-point column (0-based) of a byte of the snippet.
    fn position(&self, offset: usize) -> (usize, usize) {
        let k = self.lines.partition_point(|l| l.start <= offset).max(1) - 1;
        let Some(line) = self.lines.get(k) else {
            return (0, 0);
        };
        let j = line.cols.partition_point(|(b, _)| *b <= offset).max(1) - 1;
        (line.line, line.cols.get(j).map_or(0, |c| c.1))
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let c = self.text.as_str().read_span(span, before, after)?;
        let data = c.data();
        let at = c.span().offset();
        // the lines this read holds, so that miette joins only neighbouring contexts
        let count = data.iter().filter(|b| **b == b'\n').count().max(1);
        let (line, column) = if before == 0 {
            self.position(span.offset())
        } else {
            (self.position(at).0, 0)
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            *c.span(),
            line,
            column,
            count,
        )))
    }
}

impl std::fmt::Debug for Snippet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippet(text: &str, span: Range<usize>, width: usize) -> (Snippet, Option<SourceSpan>) {
        let lines = Lines::new(text);
        let line = lines.of(span.start);
        let column = text[lines.starts[line]..span.start].chars().count();
        let (s, spans) = build(&lines, "f", &[Anchor { span, line, column }], width);
        (s, spans[0])
    }

    #[test]
    fn a_long_line_is_cut_around_the_span_and_keeps_its_columns() {
        let text = format!("{{{}\"k\": 1}}", "\"a\": 1, ".repeat(20_000));
        let at = text.find("\"k\"").unwrap();
        let (s, span) = snippet(&text, at..at + 3, 60);
        let span = span.unwrap();
        assert!(s.text.len() < 300, "{}", s.text);
        assert_eq!(&s.text[span.offset()..span.offset() + span.len()], "\"k\"");
        let c = s.read_span(&span, 0, 0).unwrap();
        assert_eq!((c.line(), c.column()), (0, at));
    }

    #[test]
    fn columns_count_code_points_and_controls_are_escaped() {
        let text = "{\"标题\": \"\u{1b}[31m\", \"x\": 1}";
        let at = text.find("\"x\"").unwrap();
        let (s, span) = snippet(text, at..at + 3, 80);
        let c = s.read_span(&span.unwrap(), 0, 0).unwrap();
        assert_eq!(c.column(), text[..at].chars().count());
        assert!(!s.text.contains('\u{1b}') && s.text.contains("\\x1b[31m"));
    }

    #[test]
    fn context_lines_and_numbers_are_the_inputs() {
        let text = "a\nb\nc\nd\ne\n";
        let (s, span) = snippet(text, 6..7, 80);
        assert_eq!(s.text, "c\nd\ne\n");
        let c = s.read_span(&span.unwrap(), 1, 1).unwrap();
        assert_eq!(c.line(), 2);
    }
}
