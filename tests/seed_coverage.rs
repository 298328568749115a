//! docs/seed-coverage.md maps every row of the seed's Part.2 table and every Part.1 / Part.3
//! item to rule codes or explain entries; each one named must exist.

mod common;

#[test]
fn every_seed_item_is_covered_by_existing_rules_or_explain_entries() {
    let text = std::fs::read_to_string(common::root().join("docs/seed-coverage.md")).unwrap();
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| P")).collect();
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r.split('|').nth(1).unwrap().trim())
        .collect();
    // 14 Part.2 rows, 5 Part.1 items, 8 Part.3 questions
    assert_eq!(ids.iter().filter(|i| i.starts_with("P2-")).count(), 14);
    assert_eq!(ids.iter().filter(|i| i.starts_with("P1-")).count(), 5);
    assert_eq!(ids.iter().filter(|i| i.starts_with("P3-")).count(), 8);
    for row in rows {
        let covered = row.trim_end_matches('|').rsplit('|').next().unwrap();
        let entries: Vec<&str> = covered.split_whitespace().collect();
        assert!(!entries.is_empty(), "{row}");
        for e in entries {
            if let Some(key) = e.strip_prefix("explain:") {
                assert!(
                    !cardlint::explain::lookup(key).is_empty(),
                    "{row}: no explain entry for {key}"
                );
            } else {
                assert!(
                    cardlint::registry::lookup(e).is_some(),
                    "{row}: no rule {e}"
                );
            }
        }
    }
}
