//! `v4/group_open_http_svc/send_broadcast_msg` — one message to every AVChatRoom of the app
//! (CT 269/77402); there is no GroupId. AVChatRoom keeps no history and opentim has no clients
//! to deliver to, so nothing is stored per group: the call costs the same however many groups
//! the app has. `MsgSeq` numbers the app's broadcasts (1, 2, … kept durably); the same sender,
//! content and `Random` within 5 minutes answers the first broadcast's `MsgSeq` and adds nothing.
//! `MsgBody`/`CloudCustomData` are checked as send_group_msg checks them (10004, 80002 over 8000
//! bytes). `From_Account` absent or "" = the calling admin; otherwise imported (10019). Tencent's
//! 1 call per second (10023) is not enforced: CI pipelines call at machine speed.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::send_group_msg::check_body;
use super::{require_accounts, user_id};
use crate::api::{Ctx, strict_json};
use crate::error::ApiError;
use crate::store::NewBroadcast;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "Random")]
    random: u32,
    #[serde(rename = "MsgBody", deserialize_with = "strict_json::values")]
    msg_body: Vec<Value>,
    #[serde(rename = "CloudCustomData")]
    cloud_custom_data: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "MsgSeq")]
    msg_seq: i64,
}

/// What makes two broadcasts "the same content": sender, elements and CloudCustomData.
fn digest(from: &str, body: &[Value], cloud_custom_data: &str) -> Result<Vec<u8>, ApiError> {
    let bytes = serde_json::to_vec(&(from, body, cloud_custom_data))
        .map_err(|e| ApiError::Internal(format!("cannot encode a broadcast: {e}")))?;
    Ok(Sha256::digest(bytes).to_vec())
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let cloud_custom_data = req.cloud_custom_data.unwrap_or_default();
    check_body(&req.msg_body, Some(&cloud_custom_data))?;
    // SDKs send "" for an unset From_Account: the admin sends, as when it is absent.
    let from = match req.from_account.as_deref() {
        None | Some("") => ctx.identifier.clone(),
        Some(f) => user_id("From_Account", f)?.into_string(),
    };
    require_accounts(ctx, std::slice::from_ref(&from)).await?;
    let broadcast = NewBroadcast {
        random: i64::from(req.random),
        digest: digest(&from, &req.msg_body, &cloud_custom_data)?,
        time: ctx.now(),
    };
    let msg_seq = ctx.store().broadcast(ctx.sdkappid(), &broadcast).await?;
    Ok(Response { msg_seq })
}
