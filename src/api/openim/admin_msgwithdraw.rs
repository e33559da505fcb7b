//! `v4/openim/admin_msgwithdraw` — recall a one-to-one message by its `MsgKey`
//! (CT 269/38980, TC 1047/35015).
//!
//! No time limit, and no undo. The message keeps its place in history, where
//! `admin_getroammsg` shows it with `MsgFlagBits` 8, and keeps counting toward unread counts
//! as before. A key that names no message `From_Account` sent `To_Account` → 20022; one
//! recalled already → 20023; a malformed key → 90054.

use serde::{Deserialize, Serialize};

use super::{msg_key, no_such_message, require_imported, two_accounts};
use crate::api::Ctx;
use crate::error::ApiError;
use crate::store::C2cChange;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "To_Account")]
    to_account: Option<String>,
    #[serde(rename = "MsgKey")]
    msg_key: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (from, to) = two_accounts(
        ("From_Account", req.from_account),
        ("To_Account", req.to_account),
    )?;
    let key = msg_key(req.msg_key)?;
    require_imported(ctx, &[("From_Account", &from), ("To_Account", &to)], None).await?;
    let change = ctx
        .store()
        .recall_c2c(ctx.sdkappid(), from.as_str(), to.as_str(), key)
        .await?;
    match change {
        C2cChange::Done => Ok(Response {}),
        C2cChange::NotFound => Err(no_such_message(key, &from, &to)),
        C2cChange::AlreadyRecalled => Err(ApiError::C2cMsgAlreadyRecalled(format!(
            "the message {key} is already recalled"
        ))),
    }
}
