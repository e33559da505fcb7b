//! `v4/sns/black_list_check` — whether accounts are blocked, by one account or both ways
//! (CT 269/3725). `BlackCheckResult_Type_Single` looks at `From_Account`'s blocklist (AWithB or
//! NO); `BlackCheckResult_Type_Both` at both (BothWay, AWithB, BWithA, NO). An account that is
//! not imported fails alone (30003, Relation NO).

use serde::{Deserialize, Serialize};

use super::{ResultItem, known, owner, target_accounts};
use crate::api::Ctx;
use crate::api::fields::required;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "To_Account")]
    to_account: Option<Vec<String>>,
    #[serde(rename = "CheckType")]
    check_type: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "BlackListCheckItem")]
    black_list_check_item: Vec<Item>,
    #[serde(rename = "Fail_Account", skip_serializing_if = "Vec::is_empty")]
    fail_account: Vec<String>,
    #[serde(rename = "ErrorDisplay")]
    error_display: &'static str,
}

#[derive(Debug, Serialize)]
struct Item {
    #[serde(rename = "Relation")]
    relation: &'static str,
    #[serde(flatten)]
    result: ResultItem,
}

/// The relation of A and B, given whether A blocks B and B blocks A.
fn relation(both: bool, a_blocks_b: bool, b_blocks_a: bool) -> &'static str {
    match (both, a_blocks_b, b_blocks_a) {
        (false, true, _) | (true, true, false) => "BlackCheckResult_Type_AWithB",
        (true, true, true) => "BlackCheckResult_Type_BothWay",
        (true, false, true) => "BlackCheckResult_Type_BWithA",
        _ => "BlackCheckResult_Type_NO",
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let owner = owner(ctx, req.from_account).await?;
    let both = match required("CheckType", req.check_type)?.as_str() {
        "BlackCheckResult_Type_Single" => false,
        "BlackCheckResult_Type_Both" => true,
        _ => {
            return Err(ApiError::invalid(
                "CheckType must be BlackCheckResult_Type_Single or BlackCheckResult_Type_Both",
            ));
        }
    };
    let targets = target_accounts(ctx, &owner, req.to_account, 1000).await?;
    let known = known(&targets);
    let mut blocks = ctx
        .store()
        .blocks(ctx.sdkappid(), owner.as_str(), &known)
        .await?
        .into_iter();
    let mut res = Response {
        black_list_check_item: Vec::with_capacity(targets.len()),
        fail_account: Vec::new(),
        error_display: "",
    };
    for (id, failed) in targets {
        let item = match failed {
            Some(result) => {
                res.fail_account.push(id);
                Item {
                    relation: relation(both, false, false),
                    result,
                }
            }
            None => {
                let (a, b) = blocks.next().unwrap_or_default();
                Item {
                    relation: relation(both, a, b),
                    result: ResultItem::ok(id),
                }
            }
        };
        res.black_list_check_item.push(item);
    }
    Ok(res)
}
