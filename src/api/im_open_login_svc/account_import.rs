//! `v4/im_open_login_svc/account_import` — import one account (CT 269/1608).
//! Accepts `UserID` and the older `Identifier`; re-importing is idempotent, and a given
//! Nick/FaceUrl replaces the stored one.

use serde::{Deserialize, Serialize};

use super::single_user_id;
use crate::api::Ctx;
use crate::error::ApiError;
use crate::store::AccountInput;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(
        rename = "UserID",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    user_id: Option<String>,
    #[serde(
        rename = "Identifier",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    identifier: Option<String>,
    #[serde(
        rename = "Nick",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    nick: Option<String>,
    #[serde(
        rename = "FaceUrl",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    face_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let user = single_user_id(req.user_id, req.identifier)?;
    let account = AccountInput {
        user_id: user.into_string(),
        nick: req.nick,
        face_url: req.face_url,
    };
    ctx.store()
        .import_accounts(ctx.sdkappid(), &[account], ctx.now())
        .await?;
    Ok(Response {})
}
