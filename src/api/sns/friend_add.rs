//! `v4/sns/friend_add` — add friends as an account would ask for them (CT 269/1643).
//!
//! `AddType` `Add_Type_Both` (the default) makes the friendship both ways, `Add_Type_Single`
//! adds to `From_Account`'s list only. Per item, in this order:
//! - the target is in `From_Account`'s blocklist → 30515, `From_Account` in the target's →
//!   30525 (even with `ForceAddFlags`);
//! - unless `ForceAddFlags: 1` (an admin's forced add): `From_Account` with
//!   `AdminForbid_Type_SendOut` → 30009; the target's `AllowType` `DenyAny` → 30516,
//!   `NeedConfirm` → 30539 (a request would wait for the target's answer; opentim has no
//!   clients to give it, so nothing is stored). An unset AllowType is NeedConfirm, Tencent's
//!   default;
//! - already friends (the way asked) → 30001; the owner at 3,000 friends → 30010, the target →
//!   30014; a bad field → 30001; not imported → 30003.

use serde::Deserialize;

use super::{ResultItem, ResultList, owner};
use crate::api::Ctx;
use crate::api::fields::{flag, imported};
use crate::domain::friend::{self, MAX_ADD_WORDING_BYTES, MAX_FRIENDS, MAX_REMARK_BYTES};
use crate::domain::ids::UserId;
use crate::error::{ApiError, ItemError};
use crate::store::{FriendAdd, FriendData};

/// Most items in one call (as friend_import).
pub const MAX_ITEMS: usize = 1000;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "AddFriendItem")]
    add_friend_item: Option<Vec<Item>>,
    #[serde(
        rename = "AddType",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    add_type: Option<String>,
    #[serde(rename = "ForceAddFlags")]
    force_add_flags: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct Item {
    #[serde(rename = "To_Account")]
    to_account: Option<String>,
    #[serde(rename = "Remark")]
    remark: Option<String>,
    #[serde(
        rename = "GroupName",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    group_name: Option<String>,
    #[serde(rename = "AddSource")]
    add_source: Option<String>,
    #[serde(rename = "AddWording")]
    add_wording: Option<String>,
}

/// Each item's result.
pub type Response = ResultList;

impl Item {
    fn check(self, owner: &UserId, now: i64) -> Result<FriendData, (String, String)> {
        let to = self.to_account.clone().unwrap_or_default();
        let fail = |info: String| (to.clone(), info);
        UserId::parse(&to).map_err(|e| fail(format!("To_Account {to:?} {e}")))?;
        if to == owner.as_str() {
            return Err(fail("an account cannot be its own friend".into()));
        }
        let add_source = self
            .add_source
            .ok_or_else(|| fail("AddSource is required".into()))?;
        friend::check_add_source(&add_source).map_err(fail)?;
        let remark = self.remark.unwrap_or_default();
        friend::check_len("Remark", &remark, MAX_REMARK_BYTES).map_err(fail)?;
        let add_wording = self.add_wording.unwrap_or_default();
        friend::check_len("AddWording", &add_wording, MAX_ADD_WORDING_BYTES).map_err(fail)?;
        let groups: Vec<String> = self.group_name.into_iter().collect();
        friend::check_lists(&groups).map_err(fail)?;
        if [&remark, &add_wording]
            .into_iter()
            .chain(&groups)
            .any(|t| t.contains('\0'))
        {
            return Err(fail(
                "Remark, AddWording and GroupName must not contain NUL".into(),
            ));
        }
        Ok(FriendData {
            friend: to,
            add_time: now,
            add_source,
            add_wording,
            remark,
            remark_time: 0,
            groups,
            custom: serde_json::Map::new(),
        })
    }
}

/// A profile tag's string value among an account's stored tags.
fn tag<'a>(profile: &'a [(String, String)], name: &str) -> Option<&'a str> {
    let (_, v) = profile.iter().find(|(t, _)| t == name)?;
    v.strip_prefix('"')?.strip_suffix('"')
}

/// Why the owner may not add `target` now, if it may not: blocklists, then (unless forced)
/// the owner's AdminForbidType and the target's AllowType.
fn refusal(
    blocks: (bool, bool),
    forced: bool,
    owner_profile: &[(String, String)],
    target_profile: &[(String, String)],
) -> Option<(ItemError, &'static str)> {
    match blocks {
        (true, _) => {
            return Some((
                ItemError::SnsInOwnBlocklist,
                "the target is in your blocklist",
            ));
        }
        (_, true) => {
            return Some((
                ItemError::SnsInTargetBlocklist,
                "you are in the target's blocklist",
            ));
        }
        _ => {}
    }
    if forced {
        return None;
    }
    if tag(owner_profile, "Tag_Profile_IM_AdminForbidType") == Some("AdminForbid_Type_SendOut") {
        return Some((
            ItemError::SnsAddForbidden,
            "you may not send friend requests",
        ));
    }
    match tag(target_profile, "Tag_Profile_IM_AllowType") {
        Some("AllowType_Type_AllowAny") => None,
        Some("AllowType_Type_DenyAny") => Some((
            ItemError::SnsTargetDenies,
            "the target accepts no friend requests",
        )),
        _ => Some((ItemError::SnsPending, "the target must confirm the request")),
    }
}

/// `AddType`: whether both ways (`Add_Type_Both`, the default).
fn add_type(raw: Option<&str>) -> Result<bool, ApiError> {
    match raw {
        None | Some("Add_Type_Both") => Ok(true),
        Some("Add_Type_Single") => Ok(false),
        Some(other) => Err(ApiError::invalid(format!(
            "AddType {other:?} must be Add_Type_Both or Add_Type_Single"
        ))),
    }
}

/// The answer for a friend the store was asked to add.
fn outcome_item((f, outcome): (FriendData, FriendAdd)) -> ResultItem {
    let (error, info) = match outcome {
        FriendAdd::Added => return ResultItem::ok(f.friend),
        FriendAdd::AlreadyFriends => (ItemError::SnsInvalid, "already friends"),
        FriendAdd::OwnerFull => (ItemError::SnsFriendLimit, "you have 3000 friends"),
        FriendAdd::PeerFull => (ItemError::SnsPeerFriendLimit, "the target has 3000 friends"),
    };
    ResultItem::failed(f.friend, error, info.into())
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let owner = owner(ctx, req.from_account).await?;
    let both = add_type(req.add_type.as_deref())?;
    let forced = flag("ForceAddFlags", req.force_add_flags)?;
    let items = req
        .add_friend_item
        .filter(|i| !i.is_empty() && i.len() <= MAX_ITEMS)
        .ok_or_else(|| {
            ApiError::invalid(format!("AddFriendItem must list 1 to {MAX_ITEMS} friends"))
        })?;
    let now = ctx.now();
    let checked: Vec<_> = items.into_iter().map(|i| i.check(&owner, now)).collect();
    let targets: Vec<String> = checked
        .iter()
        .filter_map(|c| c.as_ref().ok().map(|f| f.friend.clone()))
        .collect();
    let app = ctx.sdkappid();
    let ids: Vec<&str> = targets.iter().map(String::as_str).collect();
    let mut found = imported(ctx, &ids).await?.into_iter();
    let mut blocks = ctx
        .store()
        .blocks(app, owner.as_str(), &targets)
        .await?
        .into_iter();
    // A forced add looks at no profile (AllowType, AdminForbidType): none is read.
    let mut with_owner = vec![owner.as_str().to_string()];
    if !forced {
        with_owner.extend(targets.iter().cloned());
    }
    let mut profiles = ctx.store().profiles(app, &with_owner).await?.into_iter();
    let owner_profile = profiles.next().unwrap_or_default();
    let mut results: Vec<Option<ResultItem>> = Vec::with_capacity(checked.len());
    let mut to_add = Vec::new();
    for item in checked {
        let f = match item {
            Err((to, info)) => {
                results.push(Some(ResultItem::failed(to, ItemError::SnsInvalid, info)));
                continue;
            }
            Ok(f) => f,
        };
        let (ok, block, profile) = (
            found.next().unwrap_or(false),
            blocks.next().unwrap_or_default(),
            profiles.next().unwrap_or_default(),
        );
        let failed = if !ok {
            Some((ItemError::SnsAccountNotFound, "the account is not imported"))
        } else {
            refusal(block, forced, &owner_profile, &profile)
        };
        match failed {
            Some((error, info)) => {
                results.push(Some(ResultItem::failed(f.friend, error, info.into())))
            }
            None => {
                results.push(None);
                to_add.push(f);
            }
        }
    }
    let added = ctx
        .store()
        .add_friends(app, owner.as_str(), &to_add, both, MAX_FRIENDS)
        .await?;
    let mut added = to_add.into_iter().zip(added);
    let result_item: Vec<ResultItem> = results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| {
                added
                    .next()
                    .map_or(ResultItem::ok(String::new()), outcome_item)
            })
        })
        .collect();
    Ok(result_item.into())
}
