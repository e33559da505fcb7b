//! `v4/openim/get_c2c_unread_msg_num` — an account's one-to-one unread count, in total or
//! with up to 10 peers (TC 1047/41046).
//!
//! Counts come from counters kept with every message and read mark, never from history: the
//! total is one row, each peer one row. Peers that are not imported go to `ErrorList` (70107).

use serde::{Deserialize, Serialize};

use super::{account, imported, require_imported};
use crate::api::Ctx;
use crate::error::{ApiError, ItemError};

/// Most peers one call may ask about.
pub const MAX_PEERS: usize = 10;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "To_Account")]
    to_account: Option<String>,
    #[serde(
        rename = "Peer_Account",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    peer_account: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Response {
    Total {
        #[serde(rename = "AllC2CUnreadMsgNum")]
        all: i64,
    },
    PerPeer {
        #[serde(rename = "C2CUnreadMsgNumList")]
        list: Vec<PeerUnread>,
        #[serde(rename = "ErrorList")]
        errors: Vec<PeerError>,
    },
}

#[derive(Debug, Serialize)]
pub struct PeerUnread {
    #[serde(rename = "Peer_Account")]
    peer_account: String,
    #[serde(rename = "C2CUnreadMsgNum")]
    unread: i64,
}

#[derive(Debug, Serialize)]
pub struct PeerError {
    #[serde(rename = "Peer_Account")]
    peer_account: String,
    #[serde(rename = "ErrorCode")]
    error_code: i64,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let user = account("To_Account", req.to_account)?;
    if req
        .peer_account
        .as_ref()
        .is_some_and(|p| p.len() > MAX_PEERS)
    {
        return Err(ApiError::invalid(format!(
            "Peer_Account lists more than {MAX_PEERS} accounts"
        )));
    }
    require_imported(ctx, &[("To_Account", &user)], None).await?;
    let app = ctx.sdkappid();
    let Some(peers) = req.peer_account else {
        let all = ctx.store().c2c_unread_total(app, user.as_str()).await?;
        return Ok(Response::Total { all });
    };
    let ids: Vec<&str> = peers.iter().map(String::as_str).collect();
    let found = imported(ctx, &ids).await?;
    let (known, unknown): (Vec<_>, Vec<_>) = peers.into_iter().zip(found).partition(|(_, ok)| *ok);
    let known: Vec<String> = known.into_iter().map(|(p, _)| p).collect();
    let counts = ctx.store().c2c_unread(app, user.as_str(), &known).await?;
    Ok(Response::PerPeer {
        list: known
            .into_iter()
            .zip(counts)
            .map(|(peer_account, unread)| PeerUnread {
                peer_account,
                unread,
            })
            .collect(),
        errors: unknown
            .into_iter()
            .map(|(peer_account, _)| PeerError {
                peer_account,
                error_code: ItemError::AccountNotFound.code(),
            })
            .collect(),
    })
}
