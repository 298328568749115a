//! Facts of the card API that more than one stage needs: the card type keys and the color
//! palette (sources in rules/*.toml and shared/reference/wechat-card-api.md).

/// The key of each card type's own object (`"card": {"card_type": "CASH", "cash": {...}}`).
pub const INNER_KEYS: &[&str] = &[
    "groupon",
    "cash",
    "discount",
    "gift",
    "general_coupon",
    "member_card",
    "scenic_ticket",
    "movie_ticket",
    "boarding_pass",
    "meeting_ticket",
    // the gift card (礼品卡), `sub_card_type: GIFT_CARD`
    "general_card",
];

/// The palette `card/getcolors` returns (name, hex).
pub const PALETTE: &[(&str, &str)] = &[
    ("Color010", "#63b359"),
    ("Color020", "#2c9f67"),
    ("Color030", "#509fc9"),
    ("Color040", "#5885cf"),
    ("Color050", "#9062c0"),
    ("Color060", "#d09a45"),
    ("Color070", "#e4b138"),
    ("Color080", "#ee903c"),
    ("Color081", "#f08500"),
    ("Color082", "#a9d92d"),
    ("Color090", "#dd6549"),
    ("Color100", "#cc463d"),
    ("Color101", "#cf3e36"),
    ("Color102", "#5e6671"),
];
