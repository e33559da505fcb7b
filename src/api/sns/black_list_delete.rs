//! `v4/sns/black_list_delete` — unblock up to 1,000 accounts (CT 269/3719). Per item: not
//! blocked → 30001, not imported → 30003. Friendships ended by the block do not come back.

use serde::Deserialize;

use super::{ResultItem, ResultList, known, owner, target_accounts};
use crate::api::Ctx;
use crate::error::{ApiError, ItemError};

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "To_Account")]
    to_account: Option<Vec<String>>,
}

/// Each item's result.
pub type Response = ResultList;

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let owner = owner(ctx, req.from_account).await?;
    let targets = target_accounts(ctx, &owner, req.to_account, 1000).await?;
    let known = known(&targets);
    let mut removed = ctx
        .store()
        .unblock(ctx.sdkappid(), owner.as_str(), &known)
        .await?
        .into_iter();
    let result_item: Vec<ResultItem> = targets
        .into_iter()
        .map(|(id, failed)| match failed {
            Some(item) => item,
            None if removed.next().unwrap_or(false) => ResultItem::ok(id),
            None => {
                let info = format!("{id} is not blocked");
                ResultItem::failed(id, ItemError::SnsInvalid, info)
            }
        })
        .collect();
    Ok(result_item.into())
}
