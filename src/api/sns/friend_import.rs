//! `v4/sns/friend_import` — import friends of one account, one direction each (CT 269/8301).
//!
//! Each item adds `To_Account` to `From_Account`'s list only (import both directions for a
//! two-way friendship). No AllowType, blocklist or pending-request rules and no callback, as
//! Tencent's page describes. Each item fails alone (`ResultItem`, `Fail_Account`): a bad field
//! → 30001, an account that is not imported → 30003, the owner at 3,000 friends → 30010. A
//! friend imported again has its data replaced (an import can be re-run). At most 1,000 items
//! per call (the usage-limit page). `AddTime` defaults to now.

use serde::Deserialize;
use serde_json::Value;

use super::{ResultItem, ResultList, owner};
use crate::api::Ctx;
use crate::api::fields::imported;
use crate::domain::friend::{self, MAX_ADD_WORDING_BYTES, MAX_FRIENDS, MAX_REMARK_BYTES};
use crate::domain::ids::UserId;
use crate::error::{ApiError, ItemError};
use crate::store::{FriendData, FriendImport};

/// Most items in one call.
pub const MAX_ITEMS: usize = 1000;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "AddFriendItem")]
    add_friend_item: Option<Vec<Item>>,
}

#[derive(Debug, Deserialize)]
struct Item {
    #[serde(rename = "To_Account")]
    to_account: Option<String>,
    #[serde(rename = "Remark")]
    remark: Option<String>,
    #[serde(rename = "RemarkTime")]
    remark_time: Option<i64>,
    #[serde(rename = "GroupName")]
    group_name: Option<Vec<String>>,
    #[serde(rename = "AddSource")]
    add_source: Option<String>,
    #[serde(rename = "AddWording")]
    add_wording: Option<String>,
    #[serde(
        rename = "AddTime",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    add_time: Option<i64>,
    #[serde(rename = "CustomItem")]
    custom_item: Option<Vec<CustomItem>>,
}

#[derive(Debug, Deserialize)]
struct CustomItem {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(rename = "Value")]
    value: Value,
}

/// Each item's result.
pub type Response = ResultList;

impl Item {
    /// The friend to store, or the item's account and why it fails.
    fn check(self, owner: &UserId, now: i64) -> Result<FriendData, (String, String)> {
        let to = self.to_account.clone().unwrap_or_default();
        self.check_fields(owner, now).map_err(|info| (to, info))
    }

    fn check_fields(self, owner: &UserId, now: i64) -> Result<FriendData, String> {
        let to = self.to_account.ok_or("To_Account is required")?;
        UserId::parse(&to).map_err(|e| format!("To_Account {to:?} {e}"))?;
        if to == owner.as_str() {
            return Err("an account cannot be its own friend".into());
        }
        let add_source = self.add_source.ok_or("AddSource is required")?;
        friend::check_add_source(&add_source)?;
        let remark = self.remark.unwrap_or_default();
        friend::check_len("Remark", &remark, MAX_REMARK_BYTES)?;
        let add_wording = self.add_wording.unwrap_or_default();
        friend::check_len("AddWording", &add_wording, MAX_ADD_WORDING_BYTES)?;
        let groups = self.group_name.unwrap_or_default();
        friend::check_lists(&groups)?;
        // Stored as text: a NUL character cannot be.
        let texts = [&remark, &add_wording].into_iter().chain(&groups);
        if texts.into_iter().any(|t| t.contains('\0')) {
            return Err("Remark, AddWording and GroupName must not contain NUL".into());
        }
        let mut custom = serde_json::Map::new();
        for c in self.custom_item.unwrap_or_default() {
            friend::check_custom(&c.tag, &c.value)?;
            custom.insert(c.tag, c.value);
        }
        Ok(FriendData {
            friend: to,
            add_time: self.add_time.unwrap_or(now),
            add_source,
            add_wording,
            remark,
            remark_time: self.remark_time.unwrap_or(0),
            groups,
            custom,
        })
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let owner = owner(ctx, req.from_account).await?;
    let items = req
        .add_friend_item
        .filter(|i| !i.is_empty())
        .ok_or_else(|| ApiError::invalid("AddFriendItem must list at least one friend"))?;
    if items.len() > MAX_ITEMS {
        return Err(ApiError::TooManyItems(format!(
            "AddFriendItem lists {} friends; at most {MAX_ITEMS} per call",
            items.len()
        )));
    }
    let now = ctx.now();
    let checked: Vec<Result<FriendData, (String, String)>> =
        items.into_iter().map(|i| i.check(&owner, now)).collect();
    let ids: Vec<&str> = checked
        .iter()
        .filter_map(|c| c.as_ref().ok().map(|f| f.friend.as_str()))
        .collect();
    let mut found = imported(ctx, &ids).await?.into_iter();
    // Each item: its friend to store, or its answer now.
    let mut results: Vec<Option<ResultItem>> = Vec::with_capacity(checked.len());
    let mut to_store = Vec::new();
    for item in checked {
        match item {
            Err((to, info)) => {
                results.push(Some(ResultItem::failed(to, ItemError::SnsInvalid, info)))
            }
            Ok(f) if !found.next().unwrap_or(false) => results.push(Some(ResultItem::failed(
                f.friend.clone(),
                ItemError::SnsAccountNotFound,
                format!("the account {} is not imported", f.friend),
            ))),
            Ok(f) => {
                results.push(None);
                to_store.push(f);
            }
        }
    }
    let stored = ctx
        .store()
        .import_friends(ctx.sdkappid(), owner.as_str(), &to_store, MAX_FRIENDS)
        .await?;
    let mut stored = to_store.into_iter().zip(stored);
    let result_item: Vec<ResultItem> = results
        .into_iter()
        .map(|r| match r {
            Some(r) => r,
            None => match stored.next() {
                Some((f, FriendImport::Full)) => ResultItem::failed(
                    f.friend,
                    ItemError::SnsFriendLimit,
                    format!("{} has {MAX_FRIENDS} friends already", owner.as_str()),
                ),
                Some((f, _)) => ResultItem::ok(f.friend),
                None => ResultItem::ok(String::new()),
            },
        })
        .collect();
    Ok(result_item.into())
}
