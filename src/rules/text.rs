//! Free text (titles, notices, descriptions): a lone space between two Chinese characters,
//! which is how text copied from a page or a PDF usually arrives (`食 客`); Chinese text sent
//! percent-encoded (`%E7%A7%AF%E5%88%86`), PHP's urlencode before json_encode without the
//! urldecode after it.

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

/// The text a value percent-encoded by PHP's urlencode stands for, when it is one: only ASCII
/// as written (urlencode leaves nothing else), not an address, a path or a query (where
/// percent-encoding belongs), and Chinese once decoded.
pub fn url_decoded(key: Option<&str>, s: &str) -> Option<String> {
    let key = key.unwrap_or_default();
    if !s.is_ascii()
        || !s.contains('%')
        || s.contains(['/', '?', '=', '&', ':'])
        || key.ends_with("url")
        || key.ends_with("_pass")
    {
        return None;
    }
    // urlencode writes a space as `+` and a real `+` as %2B
    let spaced = s.replace('+', " ");
    let text = percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .ok()?
        .into_owned();
    text.chars().any(is_cjk).then_some(text)
}

/// CARD025 and CARD027 (called for every value, from the shared walk).
pub fn value(ctx: &Ctx, out: &mut Out, path: &Path, v: &Value) {
    let Some(s) = v.as_str() else {
        return;
    };
    if let Some(text) = url_decoded(path.owning_key(), s) {
        let ptr = path.pointer();
        let hit = ctx.hit(code::CARD027, &ptr).arg("text", text.as_str());
        out.encoded(&ptr, &text);
        out.push(ctx.replace_value(hit, &ptr, &Value::from(text)));
        return;
    }
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

    #[test]
    fn chinese_text_sent_percent_encoded() {
        let d = |k, s| super::url_decoded(Some(k), s);
        assert_eq!(
            d("record_bonus", "%E7%A7%AF%E5%88%86").as_deref(),
            Some("积分")
        );
        assert_eq!(d("title", "%E6%BB%A1+100").as_deref(), Some("满 100"));
        assert_eq!(d("title", "100%25+off"), None);
        assert_eq!(d("title", "打%E6%8A%98"), None);
        assert_eq!(d("custom_url", "%E7%A7%AF"), None);
        assert_eq!(d("custom_app_brand_pass", "%E7%A7%AF"), None);
        assert_eq!(d("outer_str", "a=%E7%A7%AF"), None);
        assert_eq!(d("title", "%E7%A7"), None);
    }
}
