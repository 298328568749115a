//! `cardlint sign`: the card_ext of wx.addCard and the cardSign of wx.chooseCard, with the
//! api_ticket from the environment or a flag (never printed).

use clap::Subcommand;

#[derive(Subcommand)]
pub enum Sign {
    /// The card_ext string to pass as cardExt to wx.addCard
    CardExt {
        #[arg(long)]
        card_id: String,
        /// Seconds; default: now
        #[arg(long)]
        timestamp: Option<String>,
        /// Default: 16 random characters
        #[arg(long)]
        nonce_str: Option<String>,
        /// Only for use_custom_code cards
        #[arg(long, default_value = "")]
        code: String,
        /// Only for bind_openid cards
        #[arg(long, default_value = "")]
        openid: String,
        #[command(flatten)]
        ticket: Ticket,
    },
    /// The cardSign of wx.chooseCard
    ChooseCard {
        #[arg(long)]
        appid: String,
        #[arg(long, default_value = "")]
        location_id: String,
        #[arg(long, default_value = "")]
        card_id: String,
        #[arg(long, default_value = "")]
        card_type: String,
        #[arg(long)]
        timestamp: Option<String>,
        #[arg(long)]
        nonce_str: Option<String>,
        #[command(flatten)]
        ticket: Ticket,
    },
}

#[derive(clap::Args)]
pub struct Ticket {
    /// The wx_card api_ticket (never printed); default: $CARDLINT_API_TICKET
    #[arg(long, env = "CARDLINT_API_TICKET", hide_env_values = true)]
    api_ticket: String,
}

fn now_secs() -> String {
    cardlint::unix_now().to_string()
}

fn nonce() -> String {
    cardlint::model::nonce(16)
}

pub fn signing(sign: Sign) -> String {
    use cardlint::signature;
    match sign {
        Sign::CardExt {
            card_id,
            timestamp,
            nonce_str,
            code,
            openid,
            ticket,
        } => signature::card_ext_json(&signature::CardExtInput {
            api_ticket: ticket.api_ticket,
            card_id,
            timestamp: timestamp.unwrap_or_else(now_secs),
            nonce_str: nonce_str.unwrap_or_else(nonce),
            code,
            openid,
            balance: String::new(),
        }),
        Sign::ChooseCard {
            appid,
            location_id,
            card_id,
            card_type,
            timestamp,
            nonce_str,
            ticket,
        } => {
            let timestamp = timestamp.unwrap_or_else(now_secs);
            let nonce_str = nonce_str.unwrap_or_else(nonce);
            let sign = signature::choose_card_sign(
                &ticket.api_ticket,
                &appid,
                &location_id,
                &timestamp,
                &nonce_str,
                &card_id,
                &card_type,
            );
            serde_json::json!({
                "shopId": location_id,
                "cardType": card_type,
                "cardId": card_id,
                "timestamp": timestamp,
                "nonceStr": nonce_str,
                "signType": "SHA1",
                "cardSign": sign,
            })
            .to_string()
        }
    }
}
