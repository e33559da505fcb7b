//! Request fields that several group commands read alike: 0/1 flags.

use crate::error::ApiError;

/// A 0/1 flag (absent = 0); any other number is 10004 naming the field.
pub fn flag(name: &str, v: Option<u8>) -> Result<bool, ApiError> {
    match v {
        None | Some(0) => Ok(false),
        Some(1) => Ok(true),
        Some(_) => Err(ApiError::invalid(format!("{name} must be 0 or 1"))),
    }
}
