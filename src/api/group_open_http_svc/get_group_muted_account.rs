//! `v4/group_open_http_svc/get_group_muted_account` — the members muted now, with the time each
//! mute ends (CT 269/2925, TC 34964): the current name of get_group_shutted_uin, answered with
//! its own field names (`MutedAccountList` / `MutedUntil`). With `TopicId` (`""` = none): the
//! members muted in that topic of a Community with topics (11000 for another group; a
//! destroyed topic → 110003, an unknown one → 10010).

use serde::{Deserialize, Serialize};

use super::{group_id, live_group};
use crate::api::Ctx;
use crate::api::million_group_open_http_svc::topic_id;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "TopicId")]
    pub topic_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Muted {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "MutedUntil")]
    muted_until: i64,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MutedAccountList")]
    muted_account_list: Vec<Muted>,
}

/// The muted list both names answer: the group's id and each muted member with the end of
/// its mute, in the group or in one topic.
pub async fn muted_members(
    ctx: &Ctx,
    req: Request,
) -> Result<(String, Vec<(String, i64)>), ApiError> {
    let id = group_id(&req.group_id)?;
    let (app, now) = (ctx.sdkappid(), ctx.now());
    if let Some(topic) = topic_id(req.topic_id.as_deref()) {
        let muted = ctx
            .store()
            .topic_muted(app, id.as_str(), topic, now)
            .await?;
        return Ok((id.to_string(), muted));
    }
    let group = live_group(ctx, &id).await?;
    let muted = ctx.store().muted(app, id.as_str(), now).await?;
    Ok((group.group_id, muted))
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (group_id, muted) = muted_members(ctx, req).await?;
    Ok(Response {
        group_id,
        muted_account_list: muted
            .into_iter()
            .map(|(member_account, muted_until)| Muted {
                member_account,
                muted_until,
            })
            .collect(),
    })
}
