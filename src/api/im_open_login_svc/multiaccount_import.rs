//! `v4/im_open_login_svc/multiaccount_import` — import up to 100 accounts (CT 269/4919).
//! Takes the older `Accounts` list of strings or the newer `AccountList` of objects;
//! ids that break the UserID rules are reported in `FailAccounts`, the rest are imported.

use serde::{Deserialize, Serialize};

use super::check_batch;
use crate::api::Ctx;
use crate::domain::ids::UserId;
use crate::error::ApiError;
use crate::store::AccountInput;

#[derive(Debug, PartialEq, Deserialize)]
pub struct AccountItem {
    #[serde(rename = "UserID")]
    user_id: String,
    #[serde(
        rename = "Nick",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    nick: Option<String>,
    #[serde(
        rename = "FaceUrl",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    face_url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(
        rename = "Accounts",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    accounts: Option<Vec<String>>,
    #[serde(
        rename = "AccountList",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    account_list: Option<Vec<AccountItem>>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "FailAccounts")]
    fail_accounts: Vec<String>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let items: Vec<AccountInput> = match (req.accounts, req.account_list) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "give either Accounts or AccountList, not both",
            ));
        }
        (Some(ids), None) => {
            check_batch("Accounts", ids.len())?;
            ids.into_iter()
                .map(|user_id| AccountInput {
                    user_id,
                    nick: None,
                    face_url: None,
                })
                .collect()
        }
        (None, Some(list)) => {
            check_batch("AccountList", list.len())?;
            list.into_iter()
                .map(|a| AccountInput {
                    user_id: a.user_id,
                    nick: a.nick,
                    face_url: a.face_url,
                })
                .collect()
        }
        (None, None) => return Err(ApiError::invalid("Accounts or AccountList is required")),
    };
    let (valid, invalid): (Vec<_>, Vec<_>) = items
        .into_iter()
        .partition(|a| UserId::parse(&a.user_id).is_ok());
    if !valid.is_empty() {
        ctx.store()
            .import_accounts(ctx.sdkappid(), &valid, ctx.now())
            .await?;
    }
    Ok(Response {
        fail_accounts: invalid.into_iter().map(|a| a.user_id).collect(),
    })
}
