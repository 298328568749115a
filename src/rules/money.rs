//! Member-card balances are counted in fen (分): a fraction of a fen is a balance in yuan.
//! The schemas accept any number there, because the sources disagree on the type (int in the
//! old docs, Double in WxJava); a fraction is wrong under both readings.

use super::{Ctx, Out, Path};
use crate::registry::code;
use serde_json::Value;

const BALANCE_KEYS: &[&str] = &["balance", "add_balance", "init_balance"];

/// CARD028 (called for every value, from the shared walk).
pub fn balance(ctx: &Ctx, out: &mut Out, path: &Path, v: &Value) {
    if !matches!(
        ctx.endpoint,
        "card/membercard/updateuser" | "card/membercard/activate" | "card/generalcard/updateuser"
    ) || !path.field().is_some_and(|k| BALANCE_KEYS.contains(&k))
    {
        return;
    }
    let Some(n) = v.as_f64().filter(|n| n.fract() != 0.0) else {
        return;
    };
    let raw = ctx.text.get(ctx.span(&path.pointer())).unwrap_or_default();
    out.push(
        ctx.hit(code::CARD028, &path.pointer())
            .arg("value", raw)
            .arg("fen", format!("{}", (n * 100.0).round() as i64)),
    );
}
