//! `v4/opentim_bench/fill_c2c` — stores `Count` history messages between `A` and `B` in one
//! statement, one a second from `FirstTime`, so a benchmark can compare reads over a short and a
//! very long history without importing a million messages one call at a time. Benchmark mode
//! only.

use serde::{Deserialize, Serialize};

use crate::api::Ctx;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "A")]
    a: String,
    #[serde(rename = "B")]
    b: String,
    #[serde(rename = "Count")]
    count: u32,
    #[serde(rename = "FirstTime")]
    first_time: i64,
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    if req.a == req.b {
        return Err(ApiError::invalid("A and B must differ"));
    }
    ctx.store()
        .fill_c2c_history(
            ctx.sdkappid(),
            &req.a,
            &req.b,
            i64::from(req.count),
            req.first_time,
        )
        .await?;
    Ok(Response {})
}
