//! Request fields every service that names accounts reads alike: required fields, UserIDs
//! and whether they are imported, 0/1 flags, text that can be stored. A field's error names the
//! field (`ApiError::field`), so each family gives it its own code.

use crate::api::Ctx;
use crate::domain::ids::UserId;
use crate::error::ApiError;

/// A required field's value, or the field's error.
pub fn required<T>(field: &str, v: Option<T>) -> Result<T, ApiError> {
    v.ok_or_else(|| ApiError::field(field, format!("{field} is required")))
}

/// A required UserID field.
pub fn account(field: &str, raw: Option<String>) -> Result<UserId, ApiError> {
    let raw = required(field, raw)?;
    UserId::parse(&raw).map_err(|e| ApiError::field(field, format!("{field} {raw:?} {e}")))
}

/// Whether each account is imported (app admins always are), in one read. A string that is no
/// UserID names no account, and never reaches the database.
pub async fn imported(ctx: &Ctx, ids: &[&str]) -> Result<Vec<bool>, ApiError> {
    let valid: Vec<bool> = ids.iter().map(|id| UserId::parse(id).is_ok()).collect();
    let asked: Vec<String> = ids
        .iter()
        .zip(&valid)
        .filter(|(_, ok)| **ok)
        .map(|(id, _)| id.to_string())
        .collect();
    let found = ctx.store().accounts_exist(ctx.sdkappid(), &asked).await?;
    let mut found = asked.iter().zip(found);
    Ok(valid
        .into_iter()
        .map(|ok| {
            ok && found
                .next()
                .is_some_and(|(id, ok)| ok || ctx.app.admins.contains(id))
        })
        .collect())
}

/// Refuses a NUL character in a text field: it cannot be stored as text everywhere.
pub fn no_nul(field: &str, s: &str) -> Result<(), ApiError> {
    if s.contains('\0') {
        return Err(ApiError::field(
            field,
            format!("{field} must not contain NUL"),
        ));
    }
    Ok(())
}

/// A 0/1 flag (absent = 0); any other number is the field's error.
pub fn flag(field: &str, v: Option<i64>) -> Result<bool, ApiError> {
    match v {
        None | Some(0) => Ok(false),
        Some(1) => Ok(true),
        Some(_) => Err(ApiError::field(field, format!("{field} must be 0 or 1"))),
    }
}

/// `#[serde(default, deserialize_with = "crate::api::fields::unset_if_default")]` for an optional
/// field whose default (`""`, `0`, `[]`, an object of unset fields, or `null`) means "not given".
/// SDKs serialise every optional field of their request types, so Tencent reads such a default
/// as absent wherever it names no real value (docs/compat.md, "Client quirks").
pub fn unset_if_default<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de> + Default + PartialEq,
{
    let v = <Option<T> as serde::Deserialize>::deserialize(d)?;
    Ok(v.filter(|v| *v != T::default()))
}
