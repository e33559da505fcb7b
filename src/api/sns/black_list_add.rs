//! `v4/sns/black_list_add` — block up to 1,000 accounts for one account (CT 269/3718).
//!
//! Blocking ends any friendship between the two, both ways; while blocked, the blocked account
//! cannot send the blocker one-to-one messages (sendmsg → 20007) nor friend requests, and the
//! blocker cannot add it as a friend. Per item: already blocked → 30001, not imported → 30003,
//! oneself → 30001, the blocklist at 1,000 → 30013.

use serde::Deserialize;

use super::{ResultItem, ResultList, known, owner, target_accounts};
use crate::api::Ctx;
use crate::domain::friend::MAX_BLOCKED;
use crate::error::{ApiError, ItemError};
use crate::store::BlockResult;

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
    let mut done = ctx
        .store()
        .block(
            ctx.sdkappid(),
            owner.as_str(),
            &known,
            ctx.now(),
            MAX_BLOCKED,
        )
        .await?
        .into_iter();
    let result_item: Vec<ResultItem> = targets
        .into_iter()
        .map(|(id, failed)| match failed {
            Some(item) => item,
            None => match done.next() {
                Some(BlockResult::AlreadyBlocked) => {
                    let info = format!("{id} is blocked already");
                    ResultItem::failed(id, ItemError::SnsInvalid, info)
                }
                Some(BlockResult::Full) => {
                    let info = format!("the blocklist holds {MAX_BLOCKED} accounts already");
                    ResultItem::failed(id, ItemError::SnsBlocklistFull, info)
                }
                _ => ResultItem::ok(id),
            },
        })
        .collect();
    Ok(result_item.into())
}
