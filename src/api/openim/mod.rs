//! `v4/openim/*`: one-to-one (C2C) messages — import, send, history, recall, read marks,
//! unread counts, modification, online status.
//!
//! This module holds what the commands share: two-party accounts and their existence, MsgKey
//! fields, the message content of the commands that store one (`content`); the fields every
//! service reads alike are in `api::fields`. Tencent numbers most field errors apart
//! (`error::openim_field_code`), so a field's error names the field.

pub mod admin_getroammsg;
pub mod admin_msgwithdraw;
pub mod admin_set_msg_read;
pub mod batchsendmsg;
pub mod content;
pub mod get_c2c_unread_msg_num;
pub mod importmsg;
pub mod modify_c2c_msg;
pub mod query_online_status;
pub mod querystate;
pub mod sendmsg;

use crate::api::Ctx;
pub use crate::api::fields::{account, flag, imported, no_nul, required};
use crate::domain::c2c::MsgKey;
use crate::domain::ids::UserId;
use crate::error::ApiError;

/// Two distinct accounts of a conversation: a conversation with oneself is refused.
pub fn two_accounts(
    (field_a, a): (&str, Option<String>),
    (field_b, b): (&str, Option<String>),
) -> Result<(UserId, UserId), ApiError> {
    let a = account(field_a, a)?;
    let b = account(field_b, b)?;
    if a == b {
        return Err(ApiError::field(
            field_b,
            format!("{field_b} must differ from {field_a}"),
        ));
    }
    Ok((a, b))
}

/// Fails with the first field whose account is not imported: its field's error, or for a
/// message's recipient (`recipient_field`) 90012.
pub async fn require_imported(
    ctx: &Ctx,
    fields: &[(&str, &UserId)],
    recipient_field: Option<&str>,
) -> Result<(), ApiError> {
    let ids: Vec<&str> = fields.iter().map(|(_, id)| id.as_str()).collect();
    let found = imported(ctx, &ids).await?;
    match fields.iter().zip(found).find(|(_, ok)| !ok) {
        Some(((field, id), _)) if Some(*field) == recipient_field => {
            Err(ApiError::RecipientNotFound(id.as_str().to_string()))
        }
        Some(((field, id), _)) => Err(ApiError::field(
            field,
            format!("{field} {} is not imported", id.as_str()),
        )),
        None => Ok(()),
    }
}

/// A required `MsgKey` field.
pub fn msg_key(raw: Option<String>) -> Result<MsgKey, ApiError> {
    let raw = required("MsgKey", raw)?;
    MsgKey::parse(&raw).ok_or_else(|| ApiError::field("MsgKey", format!("invalid MsgKey {raw:?}")))
}

/// 20022: no message with `key` that `from` sent `to` (recall and modification).
pub fn no_such_message(key: MsgKey, from: &UserId, to: &UserId) -> ApiError {
    ApiError::C2cMsgNotFound(format!(
        "no message {key} from {} to {}",
        from.as_str(),
        to.as_str()
    ))
}
