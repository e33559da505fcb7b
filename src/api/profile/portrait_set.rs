//! `v4/profile/portrait_set` — set tags of one account's profile (CT 269/1640).
//!
//! Every item is checked before anything is stored, and the call stores all of them or none.
//! Tags: the standard ones with their types and values (an enum value outside its set → 40605,
//! a string for a number or the other way → 40610, over 500 bytes → 40601, `Location` over 16
//! bytes → 40605), and the custom tags the app declared in its configuration (`[[app]]`
//! `profile_custom_tags`, as Tencent's console declares them); any other tag → 40009.
//! `Tag_Profile_IM_Nick` and `Tag_Profile_IM_Image` are account_import's `Nick` and `FaceUrl`.
//! A tag given twice keeps its last value. An account that is not imported → 40003.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::Ctx;
use crate::api::fields::account;
use crate::domain::profile::{check_tag, check_value};
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "ProfileItem")]
    profile_item: Option<Vec<Item>>,
}

#[derive(Debug, Deserialize)]
struct Item {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(rename = "Value")]
    value: Value,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "ErrorDisplay")]
    error_display: &'static str,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let user = account("From_Account", req.from_account)?;
    let items = req
        .profile_item
        .filter(|items| !items.is_empty())
        .ok_or_else(|| ApiError::invalid("ProfileItem must list at least one tag"))?;
    let mut stored = Vec::with_capacity(items.len());
    for item in items {
        check_tag(&item.tag, &ctx.app.profile_custom_tags)?;
        let value = check_value(&item.tag, &item.value)?;
        stored.push((item.tag, value.to_string()));
    }
    let found = ctx
        .store()
        .set_profile(ctx.sdkappid(), user.as_str(), &stored)
        .await?;
    if !found {
        return Err(ApiError::AccountNotFound(user.into_string()));
    }
    Ok(Response { error_display: "" })
}
