//! Request fields that several group commands read alike: 0/1 flags, mute durations,
//! GroupType filters.

use crate::domain::group::GroupType;
use crate::error::ApiError;

/// A 0/1 flag (absent = 0); any other number is 10004 naming the field.
pub fn flag(name: &str, v: Option<u8>) -> Result<bool, ApiError> {
    match v {
        None | Some(0) => Ok(false),
        Some(1) => Ok(true),
        Some(_) => Err(ApiError::invalid(format!("{name} must be 0 or 1"))),
    }
}

/// A mute duration given as `ShutUpTime` or its English name `MuteTime` (both must agree).
pub fn mute_seconds(shut_up: Option<u32>, mute: Option<u32>) -> Result<Option<u32>, ApiError> {
    match (shut_up, mute) {
        (Some(a), Some(b)) if a != b => Err(ApiError::invalid("ShutUpTime and MuteTime disagree")),
        (a, b) => Ok(a.or(b)),
    }
}

/// An optional `GroupType` filter; an unknown name is 10004.
pub fn group_type_filter(raw: Option<&str>) -> Result<Option<GroupType>, ApiError> {
    raw.map(|t| {
        GroupType::parse(t)
            .ok_or_else(|| ApiError::invalid(format!("GroupType {t:?} is not a group type")))
    })
    .transpose()
}
