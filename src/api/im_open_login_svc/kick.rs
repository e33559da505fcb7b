//! `v4/im_open_login_svc/kick` — invalidate every UserSig of an account issued so far (CT 269/3853).
//! UserSigs whose `TLS.time` is at or before the kick second stop working (70052); a UserSig
//! generated in a later second works. A UserSig issued ahead of the clock (up to a day of skew is
//! accepted) that was in use before the kick is revoked too: the kick then reaches up to its
//! `TLS.time`, and a new UserSig must be issued after that (docs/compat.md). App admins can be
//! kicked without being imported.

use serde::{Deserialize, Serialize};

use super::single_user_id;
use crate::api::Ctx;
use crate::error::ApiError;

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
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let user = single_user_id(req.user_id, req.identifier)?;
    let now = ctx.now();
    let at = ctx.state.auth.kick_time(ctx.sdkappid(), user.as_str(), now);
    let admin = ctx.app.admins.iter().any(|a| a == user.as_str());
    let kicked = ctx
        .store()
        .kick(ctx.sdkappid(), user.as_str(), at, admin.then_some(now))
        .await?;
    if !kicked {
        return Err(ApiError::AccountNotFound(user.to_string()));
    }
    ctx.state
        .auth
        .record_kick(ctx.sdkappid(), user.as_str(), at);
    Ok(Response {})
}
