//! Message bodies (`MsgBody`) and the rules every stored message obeys.

use serde::Serialize;
use serde_json::Value;

/// Largest message, in bytes, as [`message_size`] counts it.
pub const MAX_MSG_BYTES: usize = 8000;
/// Largest `OfflinePushInfo` and `GroupAtInfo` together, counted the same way. Tencent's pages
/// give them no limit of their own; they are stored with the message, so they are bounded too.
pub const MAX_EXTRAS_BYTES: usize = 8000;
/// The window within which a repeated `Random` from the same sender is a duplicate.
pub const DEDUP_WINDOW_SECS: i64 = 300;

/// What is stored of a message besides its header columns, serialized straight from the
/// request (no copy of the body). Readers look fields up by name; absent optional ones are
/// left out.
#[derive(Debug, Serialize)]
pub struct StoredPayload<'a> {
    #[serde(rename = "CloudCustomData")]
    pub cloud_custom_data: Option<&'a str>,
    #[serde(rename = "GroupAtInfo", skip_serializing_if = "Option::is_none")]
    pub group_at_info: Option<&'a [Value]>,
    #[serde(rename = "MsgBody")]
    pub msg_body: &'a [Value],
    #[serde(rename = "OfflinePushInfo", skip_serializing_if = "Option::is_none")]
    pub offline_push_info: Option<&'a Value>,
}

impl StoredPayload<'_> {
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serializing borrowed JSON values into a Vec cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// Required fields of each element type and whether each must be a string (else a number).
fn required_fields(msg_type: &str) -> Option<&'static [(&'static str, bool)]> {
    Some(match msg_type {
        "TIMTextElem" => &[("Text", true)],
        "TIMLocationElem" => &[("Desc", true), ("Latitude", false), ("Longitude", false)],
        "TIMFaceElem" => &[("Index", false)],
        "TIMCustomElem" => &[],
        "TIMSoundElem" => &[("UUID", true), ("Size", false), ("Second", false)],
        "TIMImageElem" => &[("UUID", true), ("ImageFormat", false)],
        "TIMFileElem" => &[("UUID", true), ("FileSize", false), ("FileName", true)],
        "TIMVideoFileElem" => &[
            ("VideoUUID", true),
            ("VideoSize", false),
            ("VideoSecond", false),
        ],
        "TIMRelayElem" => &[],
        _ => return None,
    })
}

/// Why a body was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    Invalid(String),
    TooLong,
}

/// Bytes a JSON value counts toward a size limit: every key and every scalar as text (strings
/// by their UTF-8 bytes, numbers as written, `true`, `false` and `null` by their letters), and
/// every value at least one byte, so that empty strings, arrays and objects are not free. What
/// is stored is then within a small multiple of the count (quotes, separators, escapes).
pub fn json_bytes(v: &Value) -> usize {
    let bytes = match v {
        Value::Null | Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::String(s) => s.len(),
        Value::Number(n) => n.to_string().len(),
        Value::Array(items) => items.iter().map(json_bytes).sum(),
        Value::Object(map) => map.iter().map(|(k, v)| k.len() + json_bytes(v)).sum(),
    };
    bytes.max(1)
}

/// The size of a message as its 8000-byte limit counts it, the one measure for every command
/// that stores a message: each element's `MsgContent` (keys and values) and any field beside
/// it (key and value), plus `CloudCustomData`. Only an element's framing — its `MsgType` and
/// the key `MsgContent` — is free, which matches Tencent's "sum of the elements' field lengths"
/// for ordinary messages.
pub fn message_size(body: &[Value], cloud_custom_data: Option<&str>) -> usize {
    let elements: usize = body
        .iter()
        .map(|elem| match elem.as_object() {
            Some(obj) => obj
                .iter()
                .map(|(k, v)| match k.as_str() {
                    "MsgType" if v.is_string() => 0,
                    "MsgContent" => json_bytes(v),
                    _ => k.len() + json_bytes(v),
                })
                .sum(),
            None => json_bytes(elem),
        })
        .sum();
    elements + cloud_custom_data.map_or(0, str::len)
}

/// Validates a `MsgBody` array: known element types, their required fields, at most one
/// custom element, and the message (with its `CloudCustomData`) within [`MAX_MSG_BYTES`].
pub fn check_body(body: &[Value], cloud_custom_data: Option<&str>) -> Result<(), BodyError> {
    if body.is_empty() {
        return Err(BodyError::Invalid("MsgBody must not be empty".into()));
    }
    let mut custom = 0;
    for (i, elem) in body.iter().enumerate() {
        let obj = elem
            .as_object()
            .ok_or_else(|| BodyError::Invalid(format!("MsgBody[{i}] must be an object")))?;
        let msg_type = obj
            .get("MsgType")
            .and_then(Value::as_str)
            .ok_or_else(|| BodyError::Invalid(format!("MsgBody[{i}].MsgType must be a string")))?;
        let fields = required_fields(msg_type).ok_or_else(|| {
            BodyError::Invalid(format!(
                "MsgBody[{i}].MsgType {msg_type:?} is not supported"
            ))
        })?;
        let content = obj
            .get("MsgContent")
            .and_then(Value::as_object)
            .ok_or_else(|| {
                BodyError::Invalid(format!("MsgBody[{i}].MsgContent must be an object"))
            })?;
        for (name, is_string) in fields {
            let ok = match content.get(*name) {
                Some(Value::String(_)) => *is_string,
                Some(Value::Number(_)) => !*is_string,
                _ => false,
            };
            if !ok {
                let kind = if *is_string { "a string" } else { "a number" };
                return Err(BodyError::Invalid(format!(
                    "MsgBody[{i}].MsgContent.{name} must be {kind}"
                )));
            }
        }
        if msg_type == "TIMCustomElem" {
            custom += 1;
        }
    }
    if custom > 1 {
        return Err(BodyError::Invalid(
            "MsgBody may contain at most one TIMCustomElem".into(),
        ));
    }
    if message_size(body, cloud_custom_data) > MAX_MSG_BYTES {
        return Err(BodyError::TooLong);
    }
    Ok(())
}

/// Checks `OfflinePushInfo` and `GroupAtInfo`: they are stored with the message, so they are
/// bounded like it, measured the same way.
pub fn check_extras(push: Option<&Value>, at: Option<&[Value]>) -> Result<(), String> {
    let size = push.map_or(0, json_bytes) + at.map_or(0, |a| a.iter().map(json_bytes).sum());
    if size > MAX_EXTRAS_BYTES {
        return Err(format!(
            "OfflinePushInfo and GroupAtInfo together hold {size} bytes; at most {MAX_EXTRAS_BYTES}"
        ));
    }
    Ok(())
}

/// `MsgPriority` input strings to the numbers history reports (1 High … 4 Lowest).
pub fn parse_priority(s: Option<&str>) -> Option<i64> {
    match s {
        None | Some("Normal") => Some(2),
        Some("High") => Some(1),
        Some("Low") => Some(3),
        Some("Lowest") => Some(4),
        _ => None,
    }
}

/// Checks the SendTime of each message in an import batch: strictly after the group's creation,
/// not before the newest message (stored, or accepted earlier in this batch), and before `now`.
/// Equal times are allowed, because real histories hold several messages per second and
/// Tencent's own sample imports two messages with one SendTime (see docs/compat.md).
pub fn check_import_times(
    created_at: i64,
    last_msg_time: i64,
    times: &[i64],
    now: i64,
) -> Vec<bool> {
    let mut newest = last_msg_time;
    times
        .iter()
        .map(|&t| {
            let ok = t > created_at && t >= newest && t < now;
            if ok {
                newest = t;
            }
            ok
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_payload_leaves_absent_optional_fields_out() {
        let body =
            vec![serde_json::json!({"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}})];
        let bare = StoredPayload {
            cloud_custom_data: None,
            group_at_info: None,
            msg_body: &body,
            offline_push_info: None,
        };
        assert_eq!(
            String::from_utf8(bare.to_bytes()).unwrap(),
            r#"{"CloudCustomData":null,"MsgBody":[{"MsgContent":{"Text":"hi"},"MsgType":"TIMTextElem"}]}"#
        );
        let push = serde_json::json!({"Title": "t"});
        let full = StoredPayload {
            cloud_custom_data: Some("c"),
            group_at_info: Some(&[]),
            msg_body: &body,
            offline_push_info: Some(&push),
        };
        let v: Value = serde_json::from_slice(&full.to_bytes()).unwrap();
        assert_eq!(v["CloudCustomData"], "c");
        assert_eq!(v["GroupAtInfo"], serde_json::json!([]));
        assert_eq!(v["OfflinePushInfo"]["Title"], "t");
        assert_eq!(v["MsgBody"][0]["MsgContent"]["Text"], "hi");
    }
    use serde_json::json;

    #[test]
    fn body_rules() {
        let text = json!([{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]);
        assert!(check_body(text.as_array().unwrap(), None).is_ok());
        assert!(check_body(&[], None).is_err());
        let unknown = json!([{"MsgType":"X","MsgContent":{}}]);
        assert!(matches!(
            check_body(unknown.as_array().unwrap(), None),
            Err(BodyError::Invalid(_))
        ));
        let big = json!([{"MsgType":"TIMTextElem","MsgContent":{"Text":"a".repeat(8001)}}]);
        assert_eq!(
            check_body(big.as_array().unwrap(), None),
            Err(BodyError::TooLong)
        );
        let two_custom = json!([
            {"MsgType":"TIMCustomElem","MsgContent":{"Data":"a"}},
            {"MsgType":"TIMCustomElem","MsgContent":{"Data":"b"}}]);
        assert!(check_body(two_custom.as_array().unwrap(), None).is_err());
    }

    #[test]
    fn the_size_counts_keys_scalars_siblings_and_cloud_custom_data() {
        let text = |t: &str| json!([{"MsgType":"TIMTextElem","MsgContent":{"Text":t}}]);
        // "Text" (4) + the text; the element's framing is free.
        assert_eq!(message_size(text("abc").as_array().unwrap(), None), 7);
        assert_eq!(message_size(text("abc").as_array().unwrap(), Some("xy")), 9);
        let fits = text(&"a".repeat(MAX_MSG_BYTES - 4));
        assert!(check_body(fits.as_array().unwrap(), None).is_ok());
        assert_eq!(
            check_body(fits.as_array().unwrap(), Some("c")),
            Err(BodyError::TooLong)
        );
        // Keys, null, booleans and fields beside MsgContent all count.
        let odd = json!([{"MsgType":"TIMCustomElem","MsgContent":{"k":null,"t":true,"f":false,"n":12},"Extra":"xyz"}]);
        assert_eq!(
            message_size(odd.as_array().unwrap(), None),
            5 + 5 + 6 + 3 + 8
        );
        let many_keys: serde_json::Map<String, Value> = (0..2000)
            .map(|i| (format!("k{i:04}"), Value::Null))
            .collect();
        // Empty values count too: thousands of them cannot ride along for free.
        let empties = json!([{"MsgType":"TIMCustomElem","MsgContent":
            {"Data":"x","E": vec![json!([]); 9000], "F": vec![json!({}); 10], "G": vec![""; 10]}}]);
        assert_eq!(
            message_size(empties.as_array().unwrap(), None),
            4 + 1 + 1 + 9000 + 1 + 10 + 1 + 10
        );
        assert_eq!(
            check_body(empties.as_array().unwrap(), None),
            Err(BodyError::TooLong)
        );
        let keys = json!([{"MsgType":"TIMCustomElem","MsgContent": many_keys}]);
        assert_eq!(
            check_body(keys.as_array().unwrap(), None),
            Err(BodyError::TooLong)
        );
    }

    #[test]
    fn import_time_rules() {
        assert_eq!(
            check_import_times(100, 0, &[101, 101, 100, 150, 300], 200),
            vec![true, true, false, true, false]
        );
        assert_eq!(
            check_import_times(100, 120, &[110, 130], 200),
            vec![false, true]
        );
    }
}
