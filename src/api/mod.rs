//! The one table of commands, and the dispatch every REST call goes through.
//!
//! Dispatch: method and path → command; query → app, UserSig, admin; rate limit; body →
//! typed request; handler; envelope. Handlers never see HTTP.

pub mod fields;
pub mod group_open_attr_http_svc;
pub mod group_open_http_svc;
pub mod im_open_login_svc;
pub mod million_group_open_http_svc;
pub mod openconfigsvr;
pub mod openim;
pub mod opentim_bench;
pub mod profile;
pub mod recentcontact;
pub mod sns;
pub mod strict_json;

use std::sync::Arc;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::config::AppConfig;
use crate::envelope;
use crate::error::{ApiError, Family};
use crate::state::AppState;

/// Everything a handler may use: the server state, the app called and the admin calling.
#[derive(Clone)]
pub struct Ctx {
    pub state: Arc<AppState>,
    pub app: Arc<AppConfig>,
    pub identifier: String,
}

impl Ctx {
    pub fn sdkappid(&self) -> u64 {
        self.app.sdkappid
    }

    pub fn store(&self) -> &dyn crate::store::Store {
        self.state.store.as_ref()
    }

    pub fn now(&self) -> i64 {
        self.state.clock.unix_now()
    }
}

pub type Handler = fn(Ctx, Bytes) -> BoxFuture<'static, Result<Vec<u8>, ApiError>>;

/// One supported command: where it lives, its error family and its handler.
pub struct Command {
    pub service: &'static str,
    pub name: &'static str,
    pub family: Family,
    pub handler: Handler,
}

/// Parses a body into a command's request type. Syntax errors are 60003; a well-formed body
/// with missing, ill-typed or duplicated fields is the family's invalid-parameter error,
/// naming the field.
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let starts_with_object = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    let utf8 = std::str::from_utf8(body).is_ok();
    // The common case: a well-formed body parses once, without tracking field paths. Anything
    // else is parsed again below, step by step, to say exactly what is wrong.
    if utf8
        && starts_with_object
        && nesting_within(body, MAX_JSON_DEPTH)
        && let Ok(v) = serde_json::from_slice(body)
    {
        return Ok(v);
    }
    // Checked first: skipping a value does not look inside its strings.
    if !utf8 {
        return Err(ApiError::BadJson("request body is not valid UTF-8".into()));
    }
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        return Err(ApiError::BadJson(format!(
            "request body is not valid JSON: {e}"
        )));
    }
    if !starts_with_object {
        return Err(ApiError::BadJson(
            "request body must be a JSON object".into(),
        ));
    }
    if !nesting_within(body, MAX_JSON_DEPTH) {
        return Err(ApiError::BadJson(format!(
            "request body is nested deeper than {MAX_JSON_DEPTH} levels"
        )));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        // Strings are only decoded here, so a bad escape (a lone surrogate) shows up now: it is
        // still malformed JSON, not a wrong field.
        if matches!(
            inner.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        ) {
            return ApiError::BadJson(format!("request body is not valid JSON: {inner}"));
        }
        if path == "." {
            ApiError::InvalidParam(format!("invalid request: {inner}"))
        } else {
            let field = path.split(['.', '[']).next().unwrap_or_default();
            ApiError::field(field, format!("invalid field {path}: {inner}"))
        }
    })
}

/// Deepest JSON nesting accepted (serde_json's own limit for values).
pub const MAX_JSON_DEPTH: usize = 128;

/// Whether arrays and objects in `body` (already known to be valid JSON) nest at most `max` deep.
fn nesting_within(body: &[u8], max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in body {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// Encodes a handler's answer inside the success envelope.
pub fn respond<T: Serialize>(res: &T) -> Vec<u8> {
    envelope::ok(res)
}

macro_rules! command {
    // A handler that builds its own envelope (an `ActionStatus` other than "OK", or none).
    ($family:expr, $service:ident, $name:ident, envelope) => {
        Command {
            service: stringify!($service),
            name: stringify!($name),
            family: $family,
            handler: |ctx, body| {
                Box::pin(async move {
                    let req = parse_body::<$service::$name::Request>(&body)?;
                    $service::$name::handle(&ctx, req).await
                })
            },
        }
    };
    ($family:expr, $service:ident, $name:ident) => {
        Command {
            service: stringify!($service),
            name: stringify!($name),
            family: $family,
            handler: |ctx, body| {
                Box::pin(async move {
                    let req = parse_body::<$service::$name::Request>(&body)?;
                    let res = $service::$name::handle(&ctx, req).await?;
                    Ok(respond(&res))
                })
            },
        }
    };
}

/// Every supported command. `docs/compat.md` lists the same set (a test keeps them in sync).
pub static COMMANDS: &[Command] = &[
    command!(Family::Account, im_open_login_svc, account_import),
    command!(Family::Account, im_open_login_svc, multiaccount_import),
    command!(Family::Account, im_open_login_svc, account_check),
    command!(Family::Account, im_open_login_svc, account_delete),
    command!(Family::Account, im_open_login_svc, kick),
    command!(Family::Group, group_open_http_svc, create_group),
    command!(Family::Group, group_open_http_svc, get_group_info),
    command!(Family::Group, group_open_http_svc, get_group_member_info),
    command!(Family::Group, group_open_http_svc, add_group_member),
    command!(Family::Group, group_open_http_svc, send_group_msg),
    command!(Family::Group, group_open_http_svc, group_msg_get_simple),
    command!(Family::Group, group_open_http_svc, get_joined_group_list),
    command!(Family::Group, group_open_http_svc, import_group),
    command!(Family::Group, group_open_http_svc, import_group_msg),
    command!(Family::Group, group_open_http_svc, import_group_member),
    command!(Family::Group, group_open_http_svc, set_unread_msg_num),
    command!(Family::Group, group_open_http_svc, modify_group_base_info),
    command!(Family::Group, group_open_http_svc, delete_group_member),
    command!(Family::Group, group_open_http_svc, modify_group_member_info),
    command!(Family::Group, group_open_http_svc, destroy_group),
    command!(Family::Group, group_open_http_svc, get_role_in_group),
    command!(Family::Group, group_open_http_svc, get_appid_group_list),
    command!(Family::Group, group_open_http_svc, change_group_owner),
    command!(Family::Group, group_open_http_svc, forbid_send_msg),
    command!(Family::Group, group_open_http_svc, get_group_shutted_uin),
    command!(Family::Group, group_open_http_svc, get_group_muted_account),
    command!(Family::Group, group_open_http_svc, import_topic),
    command!(Family::Group, million_group_open_http_svc, create_topic),
    command!(Family::Group, million_group_open_http_svc, get_topic),
    command!(Family::Group, million_group_open_http_svc, modify_topic),
    command!(Family::Group, million_group_open_http_svc, destroy_topic),
    command!(Family::Group, million_group_open_http_svc, import_topic),
    command!(Family::Group, group_open_http_svc, group_msg_recall),
    command!(
        Family::Group,
        group_open_http_svc,
        send_group_system_notification
    ),
    command!(
        Family::Group,
        group_open_http_svc,
        delete_group_msg_by_sender
    ),
    command!(Family::Group, group_open_http_svc, set_group_attr),
    command!(Family::Group, group_open_http_svc, modify_group_attr),
    command!(Family::Group, group_open_http_svc, delete_group_attr),
    command!(Family::Group, group_open_http_svc, clear_group_attr),
    command!(Family::Group, group_open_attr_http_svc, get_group_attr),
    command!(Family::Group, group_open_http_svc, get_group_counter),
    command!(Family::Group, group_open_http_svc, update_group_counter),
    command!(Family::Group, group_open_http_svc, delete_group_counter),
    command!(Family::Group, group_open_http_svc, ban_group_member),
    command!(Family::Group, group_open_http_svc, unban_group_member),
    command!(Family::Group, group_open_http_svc, get_group_ban_member),
    command!(Family::Group, group_open_http_svc, send_broadcast_msg),
    command!(Family::Group, group_open_http_svc, get_online_member_num),
    command!(
        Family::Group,
        group_open_http_svc,
        get_specified_group_member_info
    ),
    command!(Family::OpenIm, openim, importmsg),
    command!(Family::OpenIm, openim, sendmsg),
    command!(Family::OpenIm, openim, batchsendmsg, envelope),
    command!(Family::OpenIm, openim, admin_getroammsg),
    command!(Family::OpenIm, openim, admin_msgwithdraw),
    command!(Family::OpenIm, openim, admin_set_msg_read),
    command!(Family::OpenIm, openim, get_c2c_unread_msg_num),
    command!(Family::OpenIm, openim, modify_c2c_msg),
    command!(Family::OpenIm, openim, query_online_status),
    command!(Family::OpenIm, openim, querystate),
    command!(Family::RecentContact, recentcontact, get_list),
    command!(Family::RecentContact, recentcontact, delete),
    command!(Family::Profile, profile, portrait_set),
    command!(Family::Profile, profile, portrait_get),
    command!(Family::Sns, sns, friend_add),
    command!(Family::Sns, sns, friend_import),
    command!(Family::Sns, sns, friend_update),
    command!(Family::Sns, sns, friend_check),
    command!(Family::Sns, sns, friend_get),
    command!(Family::Sns, sns, friend_get_list),
    command!(Family::Sns, sns, friend_delete),
    command!(Family::Sns, sns, friend_delete_all),
    command!(Family::Sns, sns, black_list_add),
    command!(Family::Sns, sns, black_list_delete),
    command!(Family::Sns, sns, black_list_get),
    command!(Family::Sns, sns, black_list_check),
    command!(Family::Sns, sns, group_add),
    command!(Family::Sns, sns, group_delete),
    command!(Family::Sns, sns, group_get),
    command!(Family::Group, group_open_http_svc, clear_group_msg),
    command!(Family::Group, group_open_http_svc, group_msg_receipt),
    command!(Family::Group, group_open_http_svc, get_group_msg_receipt),
    command!(
        Family::Group,
        group_open_http_svc,
        get_group_msg_receipt_detail
    ),
    command!(Family::OpenConfig, openconfigsvr, setnospeaking, envelope),
    command!(Family::OpenConfig, openconfigsvr, getnospeaking, envelope),
    command!(Family::OpenConfig, openconfigsvr, getappinfo, envelope),
];

/// Commands that exist only in benchmark mode (`bench = true`).
pub static BENCH_COMMANDS: &[Command] = &[
    command!(Family::Rest, opentim_bench, ceiling),
    command!(Family::Rest, opentim_bench, fill_c2c),
];

/// The family of a service, used for errors raised before a command is found.
fn service_family(service: &str) -> Option<Family> {
    match service {
        "im_open_login_svc" => Some(Family::Account),
        "group_open_http_svc" | "group_open_attr_http_svc" | "million_group_open_http_svc" => {
            Some(Family::Group)
        }
        "openim" => Some(Family::OpenIm),
        "recentcontact" => Some(Family::RecentContact),
        "profile" => Some(Family::Profile),
        "sns" => Some(Family::Sns),
        "openconfigsvr" => Some(Family::OpenConfig),
        _ => None,
    }
}

/// Finds the command of a request path `/v4/{service}/{command}`.
pub fn route(path: &str, bench: bool) -> Result<&'static Command, (ApiError, Family)> {
    let parts: Vec<&str> = path.split('/').collect();
    let unknown = || {
        (
            ApiError::UnknownResource(format!("no REST API at {path}")),
            Family::Rest,
        )
    };
    let ["", "v4", service, name] = parts.as_slice() else {
        return Err(unknown());
    };
    let bench_commands = if bench { BENCH_COMMANDS } else { &[] };
    if let Some(cmd) = COMMANDS
        .iter()
        .chain(bench_commands)
        .find(|c| c.service == *service && c.name == *name)
    {
        return Ok(cmd);
    }
    match service_family(service) {
        Some(family) if !name.is_empty() => Err((
            ApiError::UnknownCommand(format!("{service}/{name}")),
            family,
        )),
        _ => Err(unknown()),
    }
}

/// Handles one REST call end to end and returns the envelope bytes.
pub async fn dispatch(
    state: Arc<AppState>,
    is_post: bool,
    path: &str,
    query: &str,
    body: Result<Bytes, ApiError>,
) -> Vec<u8> {
    let command = match route(path, state.settings.bench) {
        Ok(c) => c,
        Err((e, family)) => return envelope::fail(&e, family),
    };
    let family = command.family;
    if !is_post {
        return envelope::fail(
            &ApiError::BadRequestLine("REST APIs accept only the POST method".into()),
            family,
        );
    }
    match call(state, command, query, body).await {
        Ok(bytes) => bytes,
        Err(e) => envelope::fail(&e, family),
    }
}

async fn call(
    state: Arc<AppState>,
    command: &'static Command,
    query: &str,
    body: Result<Bytes, ApiError>,
) -> Result<Vec<u8>, ApiError> {
    let q = crate::auth::parse_query(query)?;
    let sdkappid = q.sdkappid()?;
    q.check_optional()?;
    let app = state.app(sdkappid).ok_or(ApiError::UnknownApp(sdkappid))?;
    let identifier = state.auth.authenticate(&app, &q, state.clock.unix_now())?;
    if !state.settings.bench {
        state
            .limits
            .check(sdkappid, command.name)
            .map_err(ApiError::RateLimited)?;
    }
    let body = body?;
    let ctx = Ctx {
        state,
        app,
        identifier,
    };
    (command.handler)(ctx, body).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Sample {
        #[serde(rename = "GroupId")]
        group_id: String,
        #[serde(rename = "UnreadMsgNum")]
        unread_msg_num: u32,
    }

    #[test]
    fn nesting_is_measured_outside_strings() {
        assert!(nesting_within(br#"{"a":"[[[[[[[[["}"#, 2));
        assert!(!nesting_within(b"[[[]]]", 2));
        assert!(nesting_within(br#"{"a":"\"[[["}"#, 1));
    }

    proptest! {
        /// Arbitrary bodies never panic the parser; they are accepted or refused with 60003/10004.
        #[test]
        fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            match parse_body::<Sample>(&body) {
                Ok(_) | Err(ApiError::BadJson(_)) | Err(ApiError::InvalidParam(_)) | Err(ApiError::InvalidField { .. }) => {}
                Err(other) => prop_assert!(false, "unexpected {other:?}"),
            }
        }

        /// Arbitrary query strings and paths never panic routing or query parsing.
        #[test]
        fn arbitrary_request_lines_never_panic(path in ".{0,80}", query in ".{0,200}") {
            let _ = route(&path, true);
            if let Ok(q) = crate::auth::parse_query(&query) {
                let _ = q.sdkappid();
                let _ = q.check_optional();
            }
        }
    }
}
