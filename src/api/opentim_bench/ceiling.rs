//! `v4/opentim_bench/ceiling` — does no storage work: it measures the full HTTP, authentication,
//! rate-limit, body-parsing and envelope path that every command pays. Benchmark mode only.

use serde::{Deserialize, Serialize};

use crate::api::Ctx;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(_ctx: &Ctx, _req: Request) -> Result<Response, ApiError> {
    Ok(Response {})
}
