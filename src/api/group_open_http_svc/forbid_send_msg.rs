//! `v4/group_open_http_svc/forbid_send_msg` — mute or unmute up to 500 members (CT 269/1627).
//! `ShutUpTime` (English docs: `MuteTime`) in seconds; 0 unmutes, 4294967295 mutes for good.
//! A mute survives leaving and rejoining. Private (Work) groups → 10007; the owner cannot be
//! muted (10007); accounts that are not members → 10007. With `TopicId` (`""` = none): a mute
//! in that topic only (kept apart from the group mute, which applies in every topic).

use serde::{Deserialize, Serialize};

use super::fields::mute_seconds;
use super::{group_id, live_group, require_members, user_id};
use crate::api::Ctx;
use crate::api::million_group_open_http_svc::topic_id;
use crate::domain::ids::GroupId;
use crate::domain::member;
use crate::error::ApiError;

const MAX_ACCOUNTS: usize = 500;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Members_Account")]
    members_account: Vec<String>,
    #[serde(rename = "ShutUpTime")]
    shut_up_time: Option<u32>,
    #[serde(rename = "MuteTime")]
    mute_time: Option<u32>,
    #[serde(rename = "TopicId")]
    topic_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

impl Request {
    /// The group, the accounts and the mute's length in seconds (0 unmutes).
    fn parse(&self) -> Result<(GroupId, Vec<String>, u32), ApiError> {
        let id = group_id(&self.group_id)?;
        let secs = mute_seconds(self.shut_up_time, self.mute_time)?
            .ok_or_else(|| ApiError::invalid("ShutUpTime is required"))?;
        if self.members_account.is_empty() || self.members_account.len() > MAX_ACCOUNTS {
            return Err(ApiError::invalid(format!(
                "Members_Account must hold 1 to {MAX_ACCOUNTS} accounts"
            )));
        }
        let ids = self
            .members_account
            .iter()
            .map(|m| user_id("Members_Account", m).map(|u| u.into_string()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((id, ids, secs))
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (id, ids, secs) = req.parse()?;
    let group = live_group(ctx, &id).await?;
    let owner_among = !group.owner.is_empty() && ids.contains(&group.owner);
    member::check_mute(group.group_type, owner_among, secs).map_err(ApiError::NoPermission)?;
    require_members(ctx, &id, &ids).await?;
    let until = member::mute_until(ctx.now(), secs);
    let (store, app) = (ctx.store(), ctx.sdkappid());
    match topic_id(req.topic_id.as_deref()) {
        Some(topic) => {
            store
                .mute_in_topic(app, id.as_str(), topic, &ids, until)
                .await?
        }
        None => store.mute(app, id.as_str(), &ids, until).await?,
    }
    Ok(Response {})
}
