//! `v4/group_open_http_svc/get_group_counter` — a group's counters (TC 1047/53427):
//! `GroupCounterKeys` absent or `[]` → all, ordered by key; otherwise those of the named keys
//! that exist, in the order named. Community → 10007.

use serde::Serialize;

use super::counters::{self, Counter};
use super::group_id;
use crate::api::Ctx;
use crate::error::ApiError;

pub type Request = counters::KeysRequest;

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "GroupCounter")]
    group_counter: Vec<Counter>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let keys = counters::keys(req.group_counter_keys)?;
    let found = ctx
        .store()
        .group_counters(ctx.sdkappid(), id.as_str(), keys.as_deref())
        .await?;
    Ok(Response {
        group_counter: found.into_iter().map(Counter::from).collect(),
    })
}
