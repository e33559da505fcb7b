//! `v4/recentcontact/delete` — delete one conversation from an account's list (TC 1047/43088).
//!
//! `Type` 1 names a one-to-one conversation by `To_Account`, 2 a group conversation by
//! `ToGroupid` (also read as `ToGroupId`). The conversation leaves the list until its next
//! message and what it had unread becomes read (a deleted conversation shows no unread count).
//! `ClearRamble: 1` also removes a one-to-one conversation's messages so far from the owner's
//! history (not the peer's); group history is shared and stays.

use serde::{Deserialize, Serialize};

use super::imported_account;
use crate::api::Ctx;
use crate::api::fields::{flag, required};
use crate::domain::ids::GroupId;
use crate::error::ApiError;
use crate::store::Peer;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    // `type` is the spelling the Go server SDK (dobyte/tencent-im) sends.
    #[serde(rename = "Type", alias = "type")]
    kind: Option<i64>,
    #[serde(rename = "To_Account")]
    to_account: Option<String>,
    #[serde(rename = "ToGroupid", alias = "ToGroupId")]
    to_group_id: Option<String>,
    #[serde(rename = "ClearRamble")]
    clear_ramble: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let clear = flag("ClearRamble", req.clear_ramble)?;
    let owner = imported_account(ctx, "From_Account", req.from_account).await?;
    let peer = match required("Type", req.kind)? {
        1 => {
            let peer = imported_account(ctx, "To_Account", req.to_account).await?;
            Peer::Account(peer.into_string())
        }
        2 => {
            let raw = required("ToGroupid", req.to_group_id)?;
            let id = GroupId::parse(&raw)
                .map_err(|e| ApiError::invalid(format!("ToGroupid {raw:?}: {e}")))?;
            Peer::Group(id.as_str().to_string())
        }
        _ => return Err(ApiError::invalid("Type must be 1 (C2C) or 2 (group)")),
    };
    ctx.store()
        .delete_conversation(ctx.sdkappid(), owner.as_str(), &peer, clear)
        .await?;
    Ok(Response {})
}
