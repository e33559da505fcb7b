//! `v4/group_open_http_svc/delete_group_counter` — delete group counters (TC 1047/53429).
//! `GroupCounterKeys` absent (or `[]`, an SDK's default for "not given") deletes every
//! counter; named keys that do not exist are ignored, so a repeated delete answers OK.
//! Community → 10007.

use serde::Serialize;

use super::counters;
use super::group_id;
use crate::api::Ctx;
use crate::error::ApiError;

pub type Request = counters::KeysRequest;

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let keys = counters::keys(req.group_counter_keys)?;
    ctx.store()
        .delete_group_counters(ctx.sdkappid(), id.as_str(), keys.as_deref())
        .await?;
    Ok(Response {})
}
