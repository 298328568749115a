//! card/create and card/update business rules: the type key, date_info per type, colors,
//! URL cells, stock and deposit mode, locations, sharing, image hosts and permissions.

use super::{join, Ctx, Out};
use crate::model::value::as_int;
use crate::registry::code;
use serde_json::{Map, Value};

use crate::model::facts::{INNER_KEYS, PALETTE};

/// `(pointer of the type object, its key)`: `/card/cash` for create, `/cash` for update.
pub fn inner(ctx: &Ctx) -> Option<(String, &'static str)> {
    let (base, obj) = match ctx.endpoint {
        "card/create" => ("/card", ctx.get("/card")?.as_object()?),
        _ => ("", ctx.value.as_object()?),
    };
    if ctx.endpoint == "card/create" {
        let t = obj.get("card_type")?.as_str()?.trim().to_ascii_lowercase();
        if let Some(k) = INNER_KEYS.iter().find(|k| **k == t) {
            if obj.contains_key(*k) {
                return Some((join(base, k), k));
            }
        }
    }
    INNER_KEYS
        .iter()
        .find(|k| obj.contains_key(**k))
        .map(|k| (join(base, k), *k))
}

pub fn check(ctx: &Ctx, out: &mut Out) {
    if ctx.endpoint == "card/create" {
        card_type_matches(ctx, out);
    }
    let Some((inner_p, key)) = inner(ctx) else {
        return;
    };
    let base_p = join(&inner_p, "base_info");
    if let Some(base) = ctx.get(&base_p).and_then(Value::as_object) {
        date_info(ctx, out, &base_p, base, key);
        color(ctx, out, &base_p, base);
        url_cells(ctx, out, &base_p, base);
        stock(ctx, out, &base_p, base);
        locations(ctx, out, &base_p, base);
        permissions(ctx, out, &base_p, base);
        for legacy in ["sub_title", "url_name_type"] {
            if base.contains_key(legacy) {
                out.push(ctx.key_hit(code::CARD024, &join(&base_p, legacy)));
            }
        }
        if ctx.endpoint == "card/update" && base.contains_key("brand_name") {
            out.push(ctx.key_hit(code::CARD022, &join(&base_p, "brand_name")));
        }
    }
    if key == "member_card" {
        if let Some(true) = ctx
            .get(&join(&inner_p, "supply_balance"))
            .and_then(Value::as_bool)
        {
            out.push(ctx.key_hit(code::CARD020, &join(&inner_p, "supply_balance")));
        }
    }
    share_friends(ctx, out, &join(&inner_p, "advanced_info"));
}

/// CARD001: `card_type` names the one inner object (`CASH` -> `cash`).
fn card_type_matches(ctx: &Ctx, out: &mut Out) {
    let Some(card) = ctx.get("/card").and_then(Value::as_object) else {
        return;
    };
    let Some(t) = card.get("card_type").and_then(Value::as_str) else {
        return;
    };
    let expected = t.trim().to_ascii_lowercase();
    if !INNER_KEYS.contains(&expected.as_str()) {
        return; // an unknown card_type is the schema's enum finding
    }
    for k in INNER_KEYS
        .iter()
        .filter(|k| card.contains_key(**k) && **k != expected)
    {
        out.push(
            ctx.key_hit(code::CARD001, &join("/card", k))
                .arg("card_type", t)
                .arg("expected", expected.clone())
                .arg("found", *k),
        );
        // the fields the wrong type object lacks follow from the wrong key, not on their own
        out.supersede(code::SCHEMA002, join("/card", &expected));
        out.supersede(code::SCHEMA002, format!("{}/*", join("/card", k)));
        out.supersede(code::SCHEMA003, format!("{}/*", join("/card", k)));
    }
    if card.contains_key(&expected) || INNER_KEYS.iter().any(|k| card.contains_key(*k)) {
        return;
    }
    // no type object at all, but one under a key of no card type (`"aaa": {"base_info": ..}`)
    let mut keyed_elsewhere = card
        .iter()
        .filter(|(k, v)| *k != "card_type" && v.get("base_info").is_some())
        .map(|(k, _)| k);
    if let (Some(k), None) = (keyed_elsewhere.next(), keyed_elsewhere.next()) {
        let found_p = join("/card", k);
        out.push(
            ctx.key_hit(code::CARD001, &found_p)
                .arg("card_type", t)
                .arg("expected", expected.clone())
                .arg("found", k.as_str()),
        );
        out.supersede(code::SCHEMA002, join("/card", &expected));
        out.supersede(code::SCHEMA003, found_p);
    }
}

fn date_info(ctx: &Ctx, out: &mut Out, base_p: &str, base: &Map<String, Value>, key: &str) {
    let p = join(base_p, "date_info");
    let Some(di) = base.get("date_info").and_then(Value::as_object) else {
        return;
    };
    let t = di.get("type");
    let name = match t {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => "DATE_TYPE_FIX_TIME_RANGE",
        Some(Value::Number(n)) if n.as_u64() == Some(2) => "DATE_TYPE_FIX_TERM",
        Some(Value::String(s)) => match s.as_str() {
            "DATE_TYPE_FIX_TIME_RANGE" | "DATE_TYPE_FIX_TERM" | "DATE_TYPE_PERMANENT" => s,
            _ => return,
        },
        _ => return,
    };
    if matches!(t, Some(Value::Number(_))) {
        let tp = join(&p, "type");
        let hit = ctx
            .hit(code::CARD005, &tp)
            .arg("value", t.map(Value::to_string).unwrap_or_default())
            .arg("name", name);
        // only a number written plainly: `+1` or `01` is the parser's reading, not the author's
        let written = ctx.text.get(ctx.span(&tp)).unwrap_or_default();
        out.push(if matches!(written, "1" | "2") {
            ctx.replace_value(hit, &tp, &Value::from(name))
        } else {
            hit
        });
    }
    let (needed, foreign): (&[&str], &[&str]) = match name {
        "DATE_TYPE_FIX_TIME_RANGE" => (
            &["begin_timestamp", "end_timestamp"],
            &["fixed_term", "fixed_begin_term"],
        ),
        "DATE_TYPE_FIX_TERM" => (&["fixed_term", "fixed_begin_term"], &["begin_timestamp"]),
        _ => (
            &[],
            &[
                "begin_timestamp",
                "end_timestamp",
                "fixed_term",
                "fixed_begin_term",
            ],
        ),
    };
    // card/update sends only what changes, so only foreign fields are wrong there
    if ctx.endpoint == "card/create" {
        for f in needed.iter().filter(|f| !di.contains_key(**f)) {
            out.push(
                ctx.key_hit(code::CARD002, &p)
                    .at(join(&p, f))
                    .arg("field", *f)
                    .arg("type", name),
            );
        }
    }
    for f in foreign.iter().filter(|f| di.contains_key(**f)) {
        let at = join(&p, f);
        out.push(ctx.key_hit(code::CARD003, &at).arg("type", name));
        // its value (`""`, `false`, a bean's 0) is beside the point once the field goes
        out.unwanted(at);
    }
    if name == "DATE_TYPE_PERMANENT" && !matches!(key, "member_card" | "general_card") {
        out.push(ctx.hit(code::CARD004, &join(&p, "type")).arg("card", key));
    }
}

/// CARD009: a hex color (from a card/get response) instead of a palette name.
fn color(ctx: &Ctx, out: &mut Out, base_p: &str, base: &Map<String, Value>) {
    let Some(c) = base.get("color").and_then(Value::as_str) else {
        return;
    };
    let Some(rgb) = parse_hex(c) else {
        return;
    };
    let (name, hex) = PALETTE
        .iter()
        .min_by_key(|(_, h)| {
            let p = parse_hex(h).unwrap_or_default();
            (0..3)
                .map(|i| (i32::from(p[i]) - i32::from(rgb[i])).pow(2))
                .sum::<i32>()
        })
        .copied()
        .unwrap_or(PALETTE[0]);
    let p = join(base_p, "color");
    let hit = ctx
        .hit(code::CARD009, &p)
        .arg("value", c)
        .arg("suggestion", name)
        .arg("hex", hex);
    out.push(ctx.replace_value(hit, &p, &Value::from(name)));
    out.supersede(code::SCHEMA004, p);
}

fn parse_hex(s: &str) -> Option<[u8; 3]> {
    let h = s.trim().trim_start_matches('#');
    if h.len() != 6 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let b = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some([b(0)?, b(2)?, b(4)?])
}

/// CARD010 (a cell name without its target) and CARD011 (web-link jumps).
fn url_cells(ctx: &Ctx, out: &mut Out, base_p: &str, base: &Map<String, Value>) {
    for cell in ["custom", "promotion", "center"] {
        let url = format!("{cell}_url");
        let app = format!("{cell}_app_brand_user_name");
        let has_target = base.contains_key(&url) || base.contains_key(&app);
        // (url_name_type, the old docs' name for a cell, is CARD024's)
        let names: &[String] = &[
            format!("{cell}_url_name"),
            if cell == "center" {
                "center_title".into()
            } else {
                String::new()
            },
        ];
        if !has_target && ctx.endpoint == "card/create" {
            for n in names
                .iter()
                .filter(|n| !n.is_empty() && base.contains_key(n.as_str()))
            {
                out.push(
                    ctx.key_hit(code::CARD010, &join(base_p, n))
                        .arg("url", url.clone())
                        .arg("app", app.clone()),
                );
            }
        }
        // an empty url is no link (and, being optional, the same as leaving it out)
        let link = base.get(&url).is_some_and(|v| v.as_str() != Some(""));
        if link {
            out.push(
                ctx.key_hit(code::CARD011, &join(base_p, &url))
                    .arg("app", app.clone())
                    .arg("pass", format!("{cell}_app_brand_pass")),
            );
        }
    }
}

/// CARD012-CARD016: stock, deposit mode and get_limit.
fn stock(ctx: &Ctx, out: &mut Out, base_p: &str, base: &Map<String, Value>) {
    let deposit = base.get("get_custom_code_mode").and_then(Value::as_str)
        == Some("GET_CUSTOM_CODE_MODE_DEPOSIT");
    let custom = base.get("use_custom_code").and_then(Value::as_bool) == Some(true);
    let qp = format!("{base_p}/sku/quantity");
    let quantity = ctx.get(&qp).and_then(as_int);
    if deposit {
        if !custom {
            out.push(ctx.hit(code::CARD014, &join(base_p, "get_custom_code_mode")));
        }
        if let Some(q) = quantity.filter(|q| *q != 0) {
            out.push(ctx.hit(code::CARD015, &qp).arg("value", q.to_string()));
        }
        return;
    }
    if ctx.endpoint != "card/create" {
        return;
    }
    match quantity {
        Some(0) => out.push(ctx.hit(code::CARD012, &qp)),
        Some(q) if (1..10).contains(&q) => {
            out.push(ctx.hit(code::CARD013, &qp).arg("value", q.to_string()))
        }
        _ => {}
    }
    let limit_p = join(base_p, "get_limit");
    if let (Some(limit), Some(q)) = (ctx.get(&limit_p).and_then(as_int), quantity) {
        if q > 0 && limit > q {
            out.push(
                ctx.hit(code::CARD016, &limit_p)
                    .arg("value", limit.to_string())
                    .arg("quantity", q.to_string()),
            );
        }
    }
}

/// CARD017: the location ids of the official example, copied as they are.
fn locations(ctx: &Ctx, out: &mut Out, base_p: &str, base: &Map<String, Value>) {
    let Some(list) = base.get("location_id_list").and_then(Value::as_array) else {
        return;
    };
    for (i, v) in list.iter().enumerate() {
        if let Some(id) = as_int(v).filter(|id| [123, 12321, 345345].contains(id)) {
            out.push(
                ctx.hit(code::CARD017, &format!("{base_p}/location_id_list/{i}"))
                    .arg("value", id.to_string()),
            );
        }
    }
}

/// CARD021: custom codes need the 自定义SN permission (43009).
fn permissions(ctx: &Ctx, out: &mut Out, base_p: &str, base: &Map<String, Value>) {
    if base.get("use_custom_code").and_then(Value::as_bool) == Some(true) {
        out.push(ctx.key_hit(code::CARD021, &join(base_p, "use_custom_code")));
    }
}

/// CARD018: a card shared to friends needs an abstract and pictures (45043).
fn share_friends(ctx: &Ctx, out: &mut Out, adv_p: &str) {
    let Some(adv) = ctx.get(adv_p).and_then(Value::as_object) else {
        return;
    };
    if adv.get("share_friends").and_then(Value::as_bool) != Some(true) {
        return;
    }
    let abstract_ok = adv.get("abstract").is_some_and(Value::is_object);
    let images_ok = adv
        .get("text_image_list")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    for (ok, missing) in [(abstract_ok, "abstract"), (images_ok, "text_image_list")] {
        if !ok {
            out.push(
                ctx.key_hit(code::CARD018, &join(adv_p, "share_friends"))
                    .at(join(adv_p, missing))
                    .arg("missing", missing),
            );
        }
    }
}

const IMAGE_KEYS: &[&str] = &[
    "logo_url",
    "background_pic_url",
    "image_url",
    "icon_url_list",
    "thumb_url",
    "banner",
];

/// CARD019: images must come from `media/uploadimg` (the mmbiz CDN) or the server answers
/// 40141 (called for every value, from the shared walk).
pub fn image(ctx: &Ctx, out: &mut Out, path: &super::Path, v: &Value) {
    let Some(url) = v.as_str() else {
        return;
    };
    if !path.owning_key().is_some_and(|k| IMAGE_KEYS.contains(&k)) {
        return;
    }
    // an address without a scheme is URL005's; no host can be told then
    let Some(host) = super::url::host(url) else {
        return;
    };
    let cdn = host == "mmbiz.qpic.cn" || host == "mmbiz.qlogo.cn" || host.ends_with(".qpic.cn");
    if !cdn && !url.trim().is_empty() {
        out.push(ctx.hit(code::CARD019, &path.pointer()).arg("host", host));
    }
}
