//! `v4/openim/modify_c2c_msg` — overwrite a stored one-to-one message's `MsgBody` and/or
//! `CloudCustomData` (TC 1047/47722).
//!
//! At least one of the two must be given; each given one replaces the stored one, checked like
//! a message sent (element rules, 8000 bytes → 93000). A key that names no message
//! `From_Account` sent `To_Account` → 20022 (the page lists no code; recall's is used).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::content::checked_body;
use super::{msg_key, no_such_message, require_imported, two_accounts};
use crate::api::{Ctx, strict_json};
use crate::domain::message::MAX_MSG_BYTES;
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
    #[serde(
        rename = "MsgBody",
        default,
        deserialize_with = "strict_json::opt_values"
    )]
    msg_body: Option<Vec<Value>>,
    #[serde(rename = "CloudCustomData")]
    cloud_custom_data: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (from, to) = two_accounts(
        ("From_Account", req.from_account),
        ("To_Account", req.to_account),
    )?;
    let key = msg_key(req.msg_key)?;
    let ccd = req.cloud_custom_data;
    let body = match req.msg_body {
        Some(body) => Some(checked_body(Some(body), ccd.as_deref())?),
        None if ccd.is_none() => {
            return Err(ApiError::field(
                "MsgBody",
                "give MsgBody, CloudCustomData or both",
            ));
        }
        None => None,
    };
    if let Some(data) = &ccd {
        super::no_nul("CloudCustomData", data)?;
        if data.len() > MAX_MSG_BYTES {
            return Err(ApiError::MsgTooLong);
        }
    }
    require_imported(ctx, &[("From_Account", &from), ("To_Account", &to)], None).await?;
    let change = ctx
        .store()
        .modify_c2c(ctx.sdkappid(), from.as_str(), to.as_str(), key, body, ccd)
        .await?;
    match change {
        C2cChange::NotFound => Err(no_such_message(key, &from, &to)),
        _ => Ok(Response {}),
    }
}
