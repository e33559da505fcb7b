//! `v4/group_open_http_svc/get_group_shutted_uin` — the members muted now, with the time each
//! mute ends (CT 269/2925).

use serde::{Deserialize, Serialize};

use super::{group_id, live_group};
use crate::api::Ctx;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
}

#[derive(Debug, Serialize)]
pub struct Muted {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "ShuttedUntil")]
    shutted_until: i64,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "ShuttedUinList")]
    shutted_uin_list: Vec<Muted>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let group = live_group(ctx, &id).await?;
    let muted = ctx
        .store()
        .muted(ctx.sdkappid(), id.as_str(), ctx.now())
        .await?;
    Ok(Response {
        group_id: group.group_id,
        shutted_uin_list: muted
            .into_iter()
            .map(|(member_account, shutted_until)| Muted {
                member_account,
                shutted_until,
            })
            .collect(),
    })
}
