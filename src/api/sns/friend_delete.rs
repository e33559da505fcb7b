//! `v4/sns/friend_delete` — remove up to 1,000 friends of one account (CT 269/1644).
//!
//! `DeleteType` `Delete_Type_Single` (the default, as for friend_delete_all) removes them from
//! `From_Account`'s list only; `Delete_Type_Both` also removes `From_Account` from theirs. An
//! account with no friendship to remove fails alone with 31704; one not imported with 30003.

use serde::Deserialize;

use super::{ResultItem, ResultList, delete_type, owner};
use crate::api::Ctx;
use crate::api::fields::{imported, required};
use crate::error::{ApiError, ItemError};

/// Most accounts one call may remove.
pub const MAX_ACCOUNTS: usize = 1000;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "To_Account")]
    to_account: Option<Vec<String>>,
    #[serde(
        rename = "DeleteType",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    delete_type: Option<String>,
}

/// Each item's result.
pub type Response = ResultList;

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let owner = owner(ctx, req.from_account).await?;
    let to = required("To_Account", req.to_account)?;
    if to.is_empty() || to.len() > MAX_ACCOUNTS {
        return Err(ApiError::invalid(format!(
            "To_Account must list 1 to {MAX_ACCOUNTS} accounts"
        )));
    }
    let both = delete_type(req.delete_type.as_deref())?;
    let ids: Vec<&str> = to.iter().map(String::as_str).collect();
    let found = imported(ctx, &ids).await?;
    let known: Vec<String> = to
        .iter()
        .zip(&found)
        .filter(|(_, ok)| **ok)
        .map(|(id, _)| id.clone())
        .collect();
    let mut removed = ctx
        .store()
        .delete_friends(ctx.sdkappid(), owner.as_str(), &known, both)
        .await?
        .into_iter();
    let result_item: Vec<ResultItem> = to
        .into_iter()
        .zip(found)
        .map(
            |(id, ok)| match (ok, ok && removed.next().unwrap_or(false)) {
                (false, _) => {
                    let info = format!("the account {id} is not imported");
                    ResultItem::failed(id, ItemError::SnsAccountNotFound, info)
                }
                (true, false) => {
                    let info = format!("{id} is not a friend of {}", owner.as_str());
                    ResultItem::failed(id, ItemError::SnsNotFriend, info)
                }
                (true, true) => ResultItem::ok(id),
            },
        )
        .collect();
    Ok(result_item.into())
}
