//! `v4/openconfigsvr/getnospeaking` — an account's global mutes (CT 269/4229, TC 34924).
//!
//! Each time is what is left of the mute in seconds: 0 when not muted (or the mute has ended),
//! 4294967295 when it never ends. `Get_Account` must be imported (else 130003).

use serde::{Deserialize, Serialize};

use super::account_field;
use crate::api::Ctx;
use crate::domain::nospeaking::remaining;
use crate::envelope;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "Get_Account")]
    get_account: Option<String>,
}

#[derive(Debug, Serialize)]
struct Response {
    #[serde(rename = "C2CmsgNospeakingTime")]
    c2c_time: u64,
    #[serde(rename = "GroupmsgNospeakingTime")]
    group_time: u64,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Vec<u8>, ApiError> {
    let user = account_field("Get_Account", req.get_account)?;
    let Some(muted) = ctx
        .store()
        .nospeaking(ctx.sdkappid(), user.as_str())
        .await?
    else {
        return Err(ApiError::field(
            "Get_Account",
            format!("the account {user} is not imported"),
        ));
    };
    let now = ctx.now();
    Ok(envelope::ok_without_status(&Response {
        c2c_time: remaining(muted.c2c_until, now),
        group_time: remaining(muted.group_until, now),
    }))
}
