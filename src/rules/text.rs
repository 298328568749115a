//! Free text (titles, notices, descriptions): a lone space between two Chinese characters,
//! which is how text copied from a page or a PDF usually arrives (`食 客`).

use super::{Ctx, Out, Path};
use crate::registry::code;
use serde_json::Value;

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// The first `X Y` with X and Y Chinese characters and one ASCII space between them.
fn stray_space(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    chars
        .windows(3)
        .find_map(|w| (is_cjk(w[0]) && w[1] == ' ' && is_cjk(w[2])).then(|| w.iter().collect()))
}

/// CARD025 (called for every value, from the shared walk).
pub fn value(ctx: &Ctx, out: &mut Out, path: &Path, v: &Value) {
    let Some(s) = v.as_str() else {
        return;
    };
    // cheap test first: most values have no space or no Chinese text
    if !s.contains(' ') || s.is_ascii() {
        return;
    }
    if let Some(text) = stray_space(s) {
        out.push(ctx.hit(code::CARD025, &path.pointer()).arg("text", text));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_space_between_two_chinese_characters() {
        assert_eq!(super::stray_space("老食 客推荐").as_deref(), Some("食 客"));
        assert_eq!(super::stray_space("满 100 元可用"), None);
        assert_eq!(super::stray_space("Coffee 咖啡"), None);
        assert_eq!(super::stray_space("两个  空格"), None);
    }
}
