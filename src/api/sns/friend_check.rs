//! `v4/sns/friend_check` — the relation between one account and up to 1,000 others
//! (CT 269/1646).
//!
//! `CheckType` `CheckResult_Type_Single` looks only at `From_Account`'s list (AWithB or
//! NoRelation); `CheckResult_Type_Both` at both lists (BothWay, AWithB, BWithA, NoRelation).
//! An account that is not imported fails alone (30003, Relation NoRelation). Each account is
//! two key lookups, whatever the lists' lengths.

use serde::{Deserialize, Serialize};

use super::{ResultItem, owner};
use crate::api::Ctx;
use crate::api::fields::{imported, required};
use crate::domain::friend::CheckType;
use crate::domain::ids::UserId;
use crate::error::{ApiError, ItemError};

/// Most accounts one call may check.
pub const MAX_ACCOUNTS: usize = 1000;

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
    #[serde(rename = "InfoItem")]
    info_item: Vec<Info>,
    #[serde(rename = "Fail_Account", skip_serializing_if = "Vec::is_empty")]
    fail_account: Vec<String>,
    #[serde(rename = "ErrorDisplay")]
    error_display: &'static str,
}

#[derive(Debug, Serialize)]
struct Info {
    #[serde(rename = "Relation")]
    relation: &'static str,
    #[serde(flatten)]
    result: ResultItem,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let owner = owner(ctx, req.from_account).await?;
    let to = required("To_Account", req.to_account)?;
    if to.is_empty() || to.len() > MAX_ACCOUNTS {
        return Err(ApiError::invalid(format!(
            "To_Account must list 1 to {MAX_ACCOUNTS} accounts"
        )));
    }
    let raw = required("CheckType", req.check_type)?;
    let check = CheckType::parse(&raw).ok_or_else(|| {
        ApiError::invalid("CheckType must be CheckResult_Type_Single or CheckResult_Type_Both")
    })?;
    let ids: Vec<&str> = to.iter().map(String::as_str).collect();
    let mut found = imported(ctx, &ids).await?;
    for (ok, id) in found.iter_mut().zip(&to) {
        *ok = *ok && UserId::parse(id).is_ok();
    }
    let known: Vec<String> = to
        .iter()
        .zip(&found)
        .filter(|(_, ok)| **ok)
        .map(|(id, _)| id.clone())
        .collect();
    let mut relations = ctx
        .store()
        .friendships(ctx.sdkappid(), owner.as_str(), &known)
        .await?
        .into_iter();
    let mut res = Response {
        info_item: Vec::with_capacity(to.len()),
        fail_account: Vec::new(),
        error_display: "",
    };
    for (id, ok) in to.into_iter().zip(found) {
        if !ok {
            let info = format!("the account {id} is not imported");
            res.fail_account.push(id.clone());
            res.info_item.push(Info {
                relation: check.relation(false, false),
                result: ResultItem::failed(id, ItemError::SnsAccountNotFound, info),
            });
            continue;
        }
        let (a_has_b, b_has_a) = relations.next().unwrap_or_default();
        res.info_item.push(Info {
            relation: check.relation(a_has_b, b_has_a),
            result: ResultItem::ok(id),
        });
    }
    Ok(res)
}
