//! Timestamps: seconds, not milliseconds (40079), before 2038-01-19 (a signed 32-bit value);
//! begin not after end; validity that already ended. Dates are shown in China time (UTC+8), as the card pages show them.

use super::{join, visit, Ctx, Out, Path};
use crate::model::value::as_int;
use crate::registry::code;
use serde_json::Value;

/// Keys whose values are Unix timestamps in seconds.
const TIMESTAMP_KEYS: &[&str] = &[
    "begin_timestamp",
    "end_timestamp",
    "activate_begin_time",
    "activate_end_time",
    "show_time",
    "boarding_time",
    "departure_time",
    "landing_time",
    "begin_time",
    "end_time",
    "fixed_begintimestamp",
    "timestamp",
];

/// `2026-11-27 18:00` in UTC+8.
pub fn china_time(ts: i64) -> String {
    let t = ts + 8 * 3600;
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // civil-from-days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

/// The last second a card timestamp can hold: 2038-01-19 11:14:07 China time.
const LAST_SECOND: i64 = i32::MAX as i64;

/// CARD006 (milliseconds), CARD026 (after 2038) and TYPE008 (quoted) for a timestamp; called
/// for every value, from the shared walk.
pub fn timestamp(ctx: &Ctx, out: &mut Out, path: &Path, v: &Value) {
    if !path.field().is_some_and(|k| TIMESTAMP_KEYS.contains(&k)) {
        return;
    }
    if let Some(n) = as_int(v) {
        // 13 digits: milliseconds (JavaScript Date.now(), Java currentTimeMillis())
        if n >= 100_000_000_000 {
            let ptr = path.pointer();
            let hit = ctx
                .hit(code::CARD006, &ptr)
                .arg("value", n.to_string())
                .arg("seconds", (n / 1000).to_string())
                .arg("date", china_time(n / 1000));
            // keep the value's JSON type: a quoted timestamp stays quoted
            let seconds = if v.is_string() {
                Value::from((n / 1000).to_string())
            } else {
                Value::from(n / 1000)
            };
            out.push(ctx.replace_value(hit, &ptr, &seconds));
            return;
        }
        if n > LAST_SECOND {
            let ptr = path.pointer();
            out.push(
                ctx.hit(code::CARD026, &ptr)
                    .arg("value", n.to_string())
                    .arg("date", china_time(n))
                    .arg("last", LAST_SECOND.to_string()),
            );
            // the schema's generic "out of range" says the same without the date
            out.supersede(code::SCHEMA007, ptr);
        }
        if v.is_string() && quoted_is_lenient(ctx, path) {
            // the create doc's prose asks for strings, its examples send numbers: a quoted
            // timestamp is a warning (TYPE008), not TYPE001's error
            let ptr = path.pointer();
            let raw = v.as_str().unwrap_or_default();
            let hit = ctx
                .hit(code::TYPE008, &ptr)
                .arg("value", raw)
                .arg("number", n.to_string());
            let hit = if raw == n.to_string() {
                ctx.replace_value(hit, &ptr, &Value::from(n))
            } else {
                hit
            };
            out.push(hit);
            out.supersede(code::TYPE001, ptr);
        }
    }
}

/// Whether a timestamp here is an integer field that people also send quoted (not card_ext's
/// `timestamp`, which is a string by definition).
fn quoted_is_lenient(ctx: &Ctx, path: &Path) -> bool {
    !matches!(ctx.endpoint, "card_ext" | "wx.addCard") && path.field() != Some("timestamp")
}

/// CARD007 and CARD008: the validity period of each date_info.
pub fn ranges(ctx: &Ctx, out: &mut Out) {
    for date_info in date_infos(ctx) {
        let begin_p = join(&date_info, "begin_timestamp");
        let end_p = join(&date_info, "end_timestamp");
        let begin = ctx
            .get(&begin_p)
            .and_then(as_int)
            .filter(|n| *n < 100_000_000_000);
        let end = ctx
            .get(&end_p)
            .and_then(as_int)
            .filter(|n| *n < 100_000_000_000);
        if let (Some(b), Some(e)) = (begin, end) {
            if b > e {
                out.push(
                    ctx.hit(code::CARD007, &end_p)
                        .arg("begin", china_time(b))
                        .arg("end", china_time(e)),
                );
            }
        }
        if let Some(e) = end {
            if e < ctx.now {
                out.push(
                    ctx.hit(code::CARD008, &end_p)
                        .arg("end", china_time(e))
                        .arg("now", china_time(ctx.now)),
                );
            }
        }
    }
}

/// Pointers of every `date_info` object in a card/create or card/update body.
pub fn date_infos(ctx: &Ctx) -> Vec<String> {
    let mut found = Vec::new();
    visit(ctx.value, &mut Path::default(), &mut |path, v| {
        if v.is_object() && path.ends_with_keys(&["base_info", "date_info"]) {
            found.push(path.pointer());
        }
    });
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn china_time_formats_utc_plus_8() {
        assert_eq!(super::china_time(0), "1970-01-01 08:00");
        assert_eq!(super::china_time(1_397_577_600), "2014-04-16 00:00");
        assert_eq!(super::china_time(1_893_427_199), "2029-12-31 23:59");
    }
}
