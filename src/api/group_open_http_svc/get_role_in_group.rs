//! `v4/group_open_http_svc/get_role_in_group` — the roles of up to 500 accounts in a group
//! (CT 269/1626): Owner, Admin, Member or NotMember. AVChatRoom → 10007.

use serde::{Deserialize, Serialize};

use super::{group_id, live_group, user_id};
use crate::api::Ctx;
use crate::error::ApiError;

const MAX_ACCOUNTS: usize = 500;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "User_Account")]
    user_account: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct UserRole {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "Role")]
    role: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "UserIdList")]
    user_id_list: Vec<UserRole>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    if req.user_account.is_empty() || req.user_account.len() > MAX_ACCOUNTS {
        return Err(ApiError::invalid(format!(
            "User_Account must hold 1 to {MAX_ACCOUNTS} accounts"
        )));
    }
    for u in &req.user_account {
        user_id("User_Account", u)?;
    }
    let group = live_group(ctx, &id).await?;
    if !group.group_type.stores_members() {
        return Err(ApiError::NoPermission(
            "roles cannot be queried in an AVChatRoom group; use get_group_member_info".into(),
        ));
    }
    let found = ctx
        .store()
        .memberships(ctx.sdkappid(), id.as_str(), &req.user_account)
        .await?;
    let user_id_list = req
        .user_account
        .into_iter()
        .zip(found)
        .map(|(member_account, m)| UserRole {
            member_account,
            role: m.map_or("NotMember", |m| m.role.as_str()),
        })
        .collect();
    Ok(Response { user_id_list })
}
