//! `v4/openim/admin_set_msg_read` — mark what `Report_Account` received from `Peer_Account`
//! as read (TC 1047/38996).
//!
//! Messages up to `MsgReadTime` (a string of Unix seconds on the page; a number is accepted
//! too) become read; absent, everything up to now, and a time ahead of now counts as now. The
//! read mark never moves back.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{require_imported, two_accounts};
use crate::api::Ctx;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "Report_Account")]
    report_account: Option<String>,
    #[serde(rename = "Peer_Account")]
    peer_account: Option<String>,
    #[serde(rename = "MsgReadTime")]
    msg_read_time: Option<Value>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

/// `MsgReadTime` as a time: a string of digits or a number.
fn read_time(v: Option<Value>, now: i64) -> Result<i64, ApiError> {
    let time = match &v {
        // `""` and 0 are SDK defaults for an unset field: now, as when it is absent.
        None | Some(Value::Null) => return Ok(now),
        Some(Value::String(s)) if s.is_empty() => return Ok(now),
        Some(Value::Number(n)) if n.as_i64() == Some(0) => return Ok(now),
        Some(Value::String(s)) => s.parse::<i64>().ok(),
        Some(Value::Number(n)) => n.as_i64(),
        Some(_) => None,
    };
    time.filter(|t| *t >= 0).ok_or_else(|| {
        ApiError::field(
            "MsgReadTime",
            "MsgReadTime must be a time in Unix seconds, written as a string",
        )
    })
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (reader, peer) = two_accounts(
        ("Report_Account", req.report_account),
        ("Peer_Account", req.peer_account),
    )?;
    // A mark ahead of the clock would leave every later message read on arrival.
    let time = read_time(req.msg_read_time, ctx.now())?.min(ctx.now());
    require_imported(
        ctx,
        &[("Report_Account", &reader), ("Peer_Account", &peer)],
        None,
    )
    .await?;
    ctx.store()
        .set_c2c_read(ctx.sdkappid(), reader.as_str(), peer.as_str(), time)
        .await?;
    Ok(Response {})
}
