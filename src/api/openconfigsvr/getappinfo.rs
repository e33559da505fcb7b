//! `v4/openconfigsvr/getappinfo` — the app's operations data of the last 30 days, one row per
//! Beijing-time day, newest (today, so far) first (CT 269/4193, TC 34886).
//!
//! Every value is a string. `RequestField` absent or `[]` asks for every field; each row always
//! has `Date`. opentim computes what its tables hold: `AppId`, `RegistUserNumOneDay`,
//! `RegistUserNumTotal` (accounts by creation time), `GroupNewGroupNum`, `GroupAllGroupNum`
//! (live groups by creation time). Message, login and callback counts would need a counter on
//! every send or a scan of all history, so they are "0"; `AppName` and `Company` are "".
//! An unknown field name → 130001.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::api::Ctx;
use crate::domain::appinfo::{REPORT_DAYS, date_text, day_of};
use crate::envelope;
use crate::error::ApiError;

/// Every field Tencent documents, `Date` last.
const FIELDS: [&str; 32] = [
    "AppName",
    "AppId",
    "Company",
    "ActiveUserNum",
    "RegistUserNumOneDay",
    "RegistUserNumTotal",
    "LoginTimes",
    "LoginUserNum",
    "UpMsgNum",
    "SendMsgUserNum",
    "APNSMsgNum",
    "C2CUpMsgNum",
    "C2CDownMsgNum",
    "C2CSendMsgUserNum",
    "C2CAPNSMsgNum",
    "MaxOnlineNum",
    "DownMsgNum",
    "ChainIncrease",
    "ChainDecrease",
    "GroupUpMsgNum",
    "GroupDownMsgNum",
    "GroupSendMsgUserNum",
    "GroupAPNSMsgNum",
    "GroupSendMsgGroupNum",
    "GroupJoinGroupTimes",
    "GroupQuitGroupTimes",
    "GroupNewGroupNum",
    "GroupAllGroupNum",
    "GroupDestroyGroupNum",
    "CallBackReq",
    "CallBackRsp",
    "Date",
];

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "RequestField")]
    request_field: Option<Vec<String>>,
}

#[derive(serde::Serialize)]
struct Response {
    #[serde(rename = "Result")]
    result: Vec<Map<String, Value>>,
}

/// The fields asked for, `Date` always among them.
fn wanted(asked: Option<Vec<String>>) -> Result<Vec<&'static str>, ApiError> {
    let asked = asked.unwrap_or_default();
    if asked.is_empty() {
        return Ok(FIELDS.to_vec());
    }
    let mut out = Vec::with_capacity(asked.len() + 1);
    for name in &asked {
        let field = FIELDS
            .iter()
            .find(|f| **f == name.as_str())
            .ok_or_else(|| {
                ApiError::field("RequestField", format!("unknown RequestField {name:?}"))
            })?;
        if !out.contains(field) {
            out.push(*field);
        }
    }
    if !out.contains(&"Date") {
        out.push("Date");
    }
    Ok(out)
}

/// One day's counts: created that day, and in all by its end.
#[derive(Clone, Copy)]
struct Day {
    accounts_new: i64,
    accounts_total: i64,
    groups_new: i64,
    groups_total: i64,
}

fn value(field: &str, day: i64, d: Day, app: u64) -> String {
    match field {
        "AppName" | "Company" => String::new(),
        "AppId" => app.to_string(),
        "RegistUserNumOneDay" => d.accounts_new.to_string(),
        "RegistUserNumTotal" => d.accounts_total.to_string(),
        "GroupNewGroupNum" => d.groups_new.to_string(),
        "GroupAllGroupNum" => d.groups_total.to_string(),
        "Date" => date_text(day),
        _ => "0".to_string(),
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Vec<u8>, ApiError> {
    let fields = wanted(req.request_field)?;
    let today = day_of(ctx.now());
    let first = today - (REPORT_DAYS - 1);
    let stats = ctx.store().app_stats(ctx.sdkappid(), first).await?;
    let accounts: HashMap<i64, i64> = stats.accounts_by_day.into_iter().collect();
    let groups: HashMap<i64, i64> = stats.groups_by_day.into_iter().collect();
    let mut d = Day {
        accounts_new: 0,
        accounts_total: stats.accounts_before,
        groups_new: 0,
        groups_total: stats.groups_before,
    };
    let mut rows = Vec::with_capacity(REPORT_DAYS as usize);
    for day in first..=today {
        d.accounts_new = accounts.get(&day).copied().unwrap_or(0);
        d.groups_new = groups.get(&day).copied().unwrap_or(0);
        d.accounts_total += d.accounts_new;
        d.groups_total += d.groups_new;
        let row: Map<String, Value> = fields
            .iter()
            .map(|f| {
                (
                    f.to_string(),
                    Value::String(value(f, day, d, ctx.sdkappid())),
                )
            })
            .collect();
        rows.push(row);
    }
    rows.reverse();
    Ok(envelope::ok_without_status(&Response { result: rows }))
}
