//! `v4/group_open_http_svc/delete_group_member` — remove up to 100 members (CT 269/1622).
//! Accounts that are not members are ignored (still success). The owner can only leave a
//! Private (Work) group, which is then ownerless; elsewhere → 10009 (transfer ownership first),
//! judged inside the removal's transaction.
//! AVChatRoom → 10004, as documented (mute instead). A removed member that joins again starts
//! with no unread messages.

use serde::{Deserialize, Serialize};

use super::fields::flag;
use super::{group_id, live_group, user_id};
use crate::api::Ctx;
use crate::domain::group::GroupType;
use crate::domain::ids::GroupId;
use crate::error::ApiError;

const MAX_MEMBERS: usize = 100;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Silence")]
    silence: Option<u8>,
    #[serde(rename = "Reason")]
    reason: Option<String>,
    #[serde(rename = "MemberToDel_Account")]
    member_to_del_account: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

impl Request {
    fn parse(self) -> Result<(GroupId, Vec<String>), ApiError> {
        let id = group_id(&self.group_id)?;
        flag("Silence", self.silence)?;
        // Reason is shown to the removed members' clients; opentim has none to show it to.
        let _ = self.reason;
        if self.member_to_del_account.is_empty() {
            return Err(ApiError::invalid("MemberToDel_Account must not be empty"));
        }
        if self.member_to_del_account.len() > MAX_MEMBERS {
            // Tencent's page lists no 10005 here (only create/add/import of members do).
            return Err(ApiError::invalid(format!(
                "MemberToDel_Account holds more than {MAX_MEMBERS} accounts"
            )));
        }
        let ids = self
            .member_to_del_account
            .iter()
            .map(|m| user_id("MemberToDel_Account", m).map(|u| u.into_string()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((id, ids))
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (id, ids) = req.parse()?;
    let group = live_group(ctx, &id).await?;
    if group.group_type == GroupType::AVChatRoom {
        return Err(ApiError::invalid(
            "members cannot be removed from an AVChatRoom group; mute them instead",
        ));
    }
    // The owner rule (10009) is judged by the store on the locked group: the owner then, not
    // the one read here (change_group_owner may run in between). The type never changes.
    ctx.store()
        .remove_members(ctx.sdkappid(), id.as_str(), &ids)
        .await?;
    Ok(Response {})
}
