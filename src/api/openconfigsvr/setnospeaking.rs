//! `v4/openconfigsvr/setnospeaking` — mute an account's one-to-one and/or group messages in
//! the whole app (CT 269/4230, TC 34923).
//!
//! Each time is 0 (unmute), 4294967295 (forever) or seconds from now; a time not given keeps
//! what was set. `Set_Account` must be imported (else 130005). While muted, sendmsg and
//! batchsendmsg from the account fail with 20012 and send_group_msg with 10017, REST sends
//! naming it as `From_Account` included (opentim's choice, see docs/compat.md).

use serde::{Deserialize, Serialize};

use super::account_field;
use crate::api::Ctx;
use crate::domain::nospeaking::{self, PERMANENT};
use crate::envelope;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "Set_Account")]
    set_account: Option<String>,
    #[serde(rename = "C2CmsgNospeakingTime")]
    c2c_time: Option<u64>,
    #[serde(rename = "GroupmsgNospeakingTime")]
    group_time: Option<u64>,
}

#[derive(Debug, Serialize)]
struct Response {}

/// A duration from the request: at most [`PERMANENT`].
fn duration(field: &str, v: Option<u64>) -> Result<Option<u64>, ApiError> {
    match v {
        Some(s) if s > PERMANENT => Err(ApiError::field(
            field,
            format!("{field} must be between 0 and {PERMANENT}"),
        )),
        v => Ok(v),
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Vec<u8>, ApiError> {
    let user = account_field("Set_Account", req.set_account)?;
    let c2c = duration("C2CmsgNospeakingTime", req.c2c_time)?;
    let group = duration("GroupmsgNospeakingTime", req.group_time)?;
    if c2c.is_none() && group.is_none() {
        return Err(ApiError::NoMuteTime);
    }
    let now = ctx.now();
    let until = |secs: Option<u64>| secs.map(|s| nospeaking::until(s, now));
    let imported = ctx
        .store()
        .set_nospeaking(ctx.sdkappid(), user.as_str(), until(c2c), until(group))
        .await?;
    if !imported {
        return Err(ApiError::field(
            "Set_Account",
            format!("the account {user} is not imported"),
        ));
    }
    Ok(envelope::ok_without_status(&Response {}))
}
