//! The editor's settings for cardlint, from `initializationOptions` and
//! `workspace/didChangeConfiguration` (either the settings themselves or nested under
//! `cardlint`, as VS Code sends them).

use crate::config::check_selector;
use crate::registry::Lang;
use crate::Severity;
use serde_json::Value;

/// Shown when a rule's page is linked from a diagnostic, unless `rulesUrl` says otherwise.
pub const RULES_URL: &str = concat!(
    "https://docs.rs/crate/cardlint/",
    env!("CARGO_PKG_VERSION"),
    "/source/docs/rules.md"
);

#[derive(Debug, Clone)]
pub struct Settings {
    pub lang: Option<Lang>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// The least severity shown (`info` shows all).
    pub show: Severity,
    /// Quiet time after the last change before a document is checked.
    pub debounce_ms: u64,
    /// docs/rules.md, where each diagnostic's code links to (`#card001`).
    pub rules_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lang: None,
            select: Vec::new(),
            ignore: Vec::new(),
            show: Severity::Info,
            debounce_ms: 100,
            rules_url: RULES_URL.into(),
        }
    }
}

impl Settings {
    /// Applies the keys present in `value`; returns what was wrong with it (unknown codes,
    /// bad values), each said in one line, the rest applied.
    pub fn update(&mut self, value: &Value) -> Vec<String> {
        let value = value.get("cardlint").unwrap_or(value);
        let mut problems = Vec::new();
        if let Some(v) = value.get("lang") {
            match v.as_str() {
                Some("zh") => self.lang = Some(Lang::Zh),
                Some("en") => self.lang = Some(Lang::En),
                Some("") => self.lang = None,
                None if v.is_null() => self.lang = None,
                _ => problems.push(format!("lang: {v} is not zh or en")),
            }
        }
        for (key, list) in [("select", &mut self.select), ("ignore", &mut self.ignore)] {
            let Some(v) = value.get(key) else { continue };
            let codes: Vec<String> = match v {
                Value::String(s) => vec![s.clone()],
                Value::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect(),
                _ => Vec::new(),
            };
            list.clear();
            for code in codes {
                match check_selector(&code) {
                    Ok(()) => list.push(code),
                    Err(suggestion) => problems.push(format!(
                        "{key}: unknown rule {code}{}",
                        suggestion
                            .map(|s| format!(" (did you mean {s}?)"))
                            .unwrap_or_default()
                    )),
                }
            }
        }
        if let Some(v) = value.get("show") {
            match v.as_str() {
                Some("error") => self.show = Severity::Error,
                Some("warning") => self.show = Severity::Warning,
                Some("info") => self.show = Severity::Info,
                _ => problems.push(format!("show: {v} is not error, warning or info")),
            }
        }
        if let Some(ms) = value.get("debounceMs").and_then(Value::as_u64) {
            self.debounce_ms = ms.min(5_000);
        }
        if let Some(url) = value.get("rulesUrl").and_then(Value::as_str) {
            if url.parse::<lsp_types::Uri>().is_ok() {
                self.rules_url = url.to_string();
            } else {
                problems.push(format!("rulesUrl: {url} is not a URI"));
            }
        }
        problems
    }
}

/// The client's locale (`zh-CN`, `en-US`) as a language of ours.
pub fn lang_of_locale(locale: &str) -> Lang {
    if locale.to_ascii_lowercase().starts_with("zh") {
        Lang::Zh
    } else {
        Lang::En
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_read_flat_or_nested_and_bad_codes_said() {
        let mut s = Settings::default();
        let problems = s.update(&serde_json::json!({"cardlint": {
            "lang": "zh", "ignore": ["JSON004", "CARDX"], "show": "warning", "debounceMs": 0
        }}));
        assert_eq!(s.lang, Some(Lang::Zh));
        assert_eq!(s.ignore, vec!["JSON004".to_string()]);
        assert_eq!(s.show, Severity::Warning);
        assert_eq!(s.debounce_ms, 0);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("CARDX"));
    }
}
