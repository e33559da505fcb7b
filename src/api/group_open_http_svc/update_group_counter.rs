//! `v4/group_open_http_svc/update_group_counter` — set, increase or decrease group counters
//! (CT 269/85952). `Mode` absent or `""` is `Set`; a missing key starts at 0; items apply in
//! order. Answers each named counter once with its new value. More than 20 counters in the
//! group → 10063; a result outside the signed 64-bit range → 10004; Community → 10007.

use serde::{Deserialize, Serialize};

use super::counters::Counter;
use super::group_id;
use crate::api::Ctx;
use crate::domain::group_attr::{self, CounterMode};
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "GroupCounter")]
    group_counter: Vec<Counter>,
    #[serde(rename = "Mode")]
    mode: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "GroupCounter")]
    group_counter: Vec<Counter>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let mode = CounterMode::parse(req.mode.as_deref()).ok_or_else(|| {
        ApiError::invalid("Mode must be Set, Increase or Decrease (case as documented)")
    })?;
    let items = req
        .group_counter
        .into_iter()
        .map(|c| {
            group_attr::counter_key(&c.key)?;
            Ok((c.key, c.value))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let updated = ctx
        .store()
        .update_group_counters(ctx.sdkappid(), id.as_str(), mode, &items)
        .await?;
    Ok(Response {
        group_counter: updated.into_iter().map(Counter::from).collect(),
    })
}
