//! "Did you mean": the closest known name to a misspelt key or enum value.

/// Lower-case, without `_`, `-` and spaces: `newcode` ~ `new_code`, `DATE_TYPE_FIX _TIME_RANGE`
/// ~ `DATE_TYPE_FIX_TIME_RANGE`, `color010` ~ `Color010`.
fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '\t'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Optimal string alignment distance (transpositions count as one edit).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let w = normalize(word);
    let w_chars = w.chars().count();
    if !(3..=64).contains(&w_chars) {
        return None;
    }
    let limit = (w_chars / 4).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let n = normalize(c);
        // the distance is at least the difference in length: past the limit it is not
        // worth computing (only the prefix and shortening cases below can still match)
        let gap = n.chars().count().abs_diff(w_chars);
        let d = if n == w {
            0
        } else if gap > limit {
            gap
        } else {
            distance(&w, &n)
        };
        // a prefix ("Color01" for "Color010") is a likely truncation, and a known name that
        // contains the word (`bonus` in `init_bonus`) a likely shortening
        let d = if d > 0 && n.starts_with(&w) && w.len() + 2 >= n.len() {
            1
        } else if d > 0 && w.len() >= 5 && (n.ends_with(&w) || n.starts_with(&w)) {
            limit
        } else {
            d
        };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_documented_typos() {
        let keys = [
            "least_money_to_use_bonus",
            "max_reduce_bonus",
            "cost_bonus_unit",
        ];
        assert_eq!(
            closest("least_moneyto_use_bonus", keys).as_deref(),
            Some("least_money_to_use_bonus")
        );
        assert_eq!(
            closest("newcode", ["new_code", "code", "card_id"]).as_deref(),
            Some("new_code")
        );
        assert_eq!(
            closest(
                "DATE_TYPE_FIX _TIME_RANGE",
                ["DATE_TYPE_FIX_TIME_RANGE", "DATE_TYPE_FIX_TERM"]
            )
            .as_deref(),
            Some("DATE_TYPE_FIX_TIME_RANGE")
        );
        assert_eq!(
            closest("Color01", ["Color010", "Color020"]).as_deref(),
            Some("Color010")
        );
        assert_eq!(closest("zzzzzz", ["card_id"]), None);
    }
}
