//! What a stored one-to-one message carries, read alike by importmsg, sendmsg and batchsendmsg:
//! `MsgBody` (the element rules and the 8000-byte measure of `domain::message`),
//! `CloudCustomData`, `MsgRandom`, `MsgSeq` (random when absent) and `OfflinePushInfo`
//! (checked; opentim pushes nothing, so it is not stored).

use serde_json::Value;

use super::required;
use crate::domain::message::{self, BodyError};
use crate::error::ApiError;

/// A message's content, checked.
pub struct Content {
    /// `MsgBody` as JSON bytes, as stored and returned by history.
    pub msg_body: Vec<u8>,
    pub cloud_custom_data: Option<String>,
    pub random: u32,
    pub seq: u32,
}

/// Fields of the request as parsed (required ones still optional).
pub struct Fields {
    pub msg_body: Option<Vec<Value>>,
    pub cloud_custom_data: Option<String>,
    pub msg_random: Option<u32>,
    pub msg_seq: Option<u32>,
    pub offline_push_info: Option<Value>,
}

impl Fields {
    pub fn check(self) -> Result<Content, ApiError> {
        let random = required("MsgRandom", self.msg_random)?;
        let body = checked_body(self.msg_body, self.cloud_custom_data.as_deref())?;
        if let Some(push) = &self.offline_push_info {
            if !push.is_object() {
                return Err(ApiError::field(
                    "OfflinePushInfo",
                    "OfflinePushInfo must be an object",
                ));
            }
            message::check_extras(Some(push), None)
                .map_err(|m| ApiError::field("OfflinePushInfo", m))?;
        }
        Ok(Content {
            msg_body: body,
            cloud_custom_data: self.cloud_custom_data,
            random,
            seq: self.msg_seq.unwrap_or_else(rand::random),
        })
    }
}

/// A required `MsgBody`, checked with its `CloudCustomData`, as JSON bytes.
pub fn checked_body(
    body: Option<Vec<Value>>,
    cloud_custom_data: Option<&str>,
) -> Result<Vec<u8>, ApiError> {
    let body = required("MsgBody", body)?;
    if let Some(data) = cloud_custom_data {
        super::no_nul("CloudCustomData", data)?;
    }
    message::check_body(&body, cloud_custom_data).map_err(|e| match e {
        BodyError::Invalid(m) => ApiError::field("MsgBody", m),
        BodyError::TooLong => ApiError::MsgTooLong,
    })?;
    // Serializing parsed JSON values cannot fail.
    Ok(serde_json::to_vec(&body).unwrap_or_default())
}
