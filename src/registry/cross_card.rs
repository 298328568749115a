//! Which cross-card checks (`rules::card_book`) look at a body of each endpoint when the body
//! names a card the user defined (`--card`, `[cards]`, or a card the sandbox created). It
//! decides which bodies the sandbox looks cards up for and is listed in docs/rules.md; a meta
//! test holds it to the rules' fixtures.

use crate::finding::Code;
use crate::registry::code;

/// Endpoint → the rules `rules::card_book` may report for it, in the order of the rules.
pub const CHECKS: &[(&str, &[Code])] = &[
    (
        "card/qrcode/create",
        &[
            code::CODE001,
            code::CODE002,
            code::CODE003,
            code::CODE004,
            code::CODE005,
        ],
    ),
    (
        "card_ext",
        &[
            code::CODE001,
            code::CODE002,
            code::CODE003,
            code::CODE004,
            code::CODE005,
        ],
    ),
    ("card/landingpage/create", &[code::CODE006]),
    ("card/mpnews/gethtml", &[code::CODE006]),
    ("card/code/update", &[code::CODE009]),
    ("card/code/consume", &[code::CODE015]),
    ("card/code/get", &[code::CODE015]),
    ("card/code/unavailable", &[code::CODE015]),
    ("card/code/mark", &[code::CODE015]),
    ("card/code/deposit", &[code::CODE010]),
    ("card/code/getdepositcount", &[code::CODE010]),
    ("card/code/checkcode", &[code::CODE010]),
    ("card/membercard/activate", &[code::CODE011, code::CODE013]),
    (
        "card/membercard/updateuser",
        &[code::CODE011, code::CODE013],
    ),
    ("card/membercard/userinfo/get", &[code::CODE011]),
    ("card/membercard/activateuserform/set", &[code::CODE011]),
    ("card/generalcard/updateuser", &[code::CODE012]),
    ("card/meetingticket/updateuser", &[code::CODE012]),
    ("card/movieticket/updateuser", &[code::CODE012]),
    ("card/boardingpass/checkin", &[code::CODE012]),
    ("card/luckymoney/updateuserbalance", &[code::CODE012]),
    ("card/paycell/set", &[code::CARD023, code::CODE014]),
    ("card/selfconsumecell/set", &[code::CODE014]),
];

/// The cross-card rules of `endpoint` (empty when none looks at it).
pub fn checks_for(endpoint: &str) -> &'static [Code] {
    CHECKS
        .iter()
        .find(|(e, _)| *e == endpoint)
        .map(|(_, c)| *c)
        .unwrap_or(&[])
}
