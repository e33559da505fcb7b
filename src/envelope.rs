//! The JSON envelope every answer carries: `ActionStatus`, `ErrorCode`, `ErrorInfo`, then the command's fields.
//! `openconfigsvr` answers carry no `ActionStatus` (every Tencent sample of that service).

use serde::Serialize;

use crate::error::{ApiError, Family};

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    #[serde(rename = "ActionStatus", skip_serializing_if = "Option::is_none")]
    action_status: Option<&'static str>,
    #[serde(rename = "ErrorCode")]
    error_code: i64,
    #[serde(rename = "ErrorInfo")]
    error_info: &'a str,
    #[serde(flatten)]
    body: &'a T,
}

#[derive(Serialize)]
struct Empty {}

/// A success answer with the command's own fields.
pub fn ok<T: Serialize>(body: &T) -> Vec<u8> {
    ok_with_status("OK", body)
}

/// A success answer (`ErrorCode` 0) with another `ActionStatus`: batchsendmsg answers
/// `"SomeError"` when some recipients failed.
pub fn ok_with_status<T: Serialize>(action_status: &'static str, body: &T) -> Vec<u8> {
    encode_ok(Some(action_status), body)
}

/// A success answer without `ActionStatus` (`openconfigsvr`).
pub fn ok_without_status<T: Serialize>(body: &T) -> Vec<u8> {
    encode_ok(None, body)
}

fn encode_ok<T: Serialize>(action_status: Option<&'static str>, body: &T) -> Vec<u8> {
    serde_json::to_vec(&Envelope {
        action_status,
        error_code: 0,
        error_info: "",
        body,
    })
    .unwrap_or_else(|_| {
        fail(
            &ApiError::Internal("response encoding".into()),
            Family::Rest,
        )
    })
}

/// A failure answer. Internal errors are logged in full and answered with a fixed text.
pub fn fail(err: &ApiError, family: Family) -> Vec<u8> {
    if let ApiError::Internal(detail) = err {
        tracing::error!(%detail, "internal error");
    }
    let info = err.info();
    serde_json::to_vec(&Envelope {
        action_status: (family != Family::OpenConfig).then_some("FAIL"),
        error_code: err.code(family),
        error_info: &info,
        body: &Empty {},
    })
    .unwrap_or_default()
}
