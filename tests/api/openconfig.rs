//! openconfigsvr: setnospeaking / getnospeaking (remaining time, permanence, expiry with the
//! clock, what a mute blocks) and getappinfo (30 Beijing days, strings, RequestField); answers
//! without ActionStatus; 130xxx codes with read-back.

use std::time::Duration;

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::groups::{cmd, create, text};

const SET: &str = "openconfigsvr/setnospeaking";
const GET: &str = "openconfigsvr/getnospeaking";
const INFO: &str = "openconfigsvr/getappinfo";

/// Calls an openconfigsvr command and checks its envelope: no ActionStatus, and `code`.
async fn call(s: &TestServer, command: &str, body: Value, code: i64) -> Value {
    let v = s.call(command, body.clone()).await;
    assert_eq!(v["ErrorCode"], code, "{command} {body} -> {v}");
    assert!(v.get("ActionStatus").is_none(), "{v}");
    if code != 0 {
        assert!(v["ErrorInfo"].as_str().is_some_and(|i| !i.is_empty()));
    }
    v
}

async fn mutes(s: &TestServer, user: &str) -> (u64, u64) {
    let v = call(s, GET, json!({"Get_Account": user}), 0).await;
    (
        v["C2CmsgNospeakingTime"].as_u64().unwrap(),
        v["GroupmsgNospeakingTime"].as_u64().unwrap(),
    )
}

async fn sendmsg(s: &TestServer, extra: Value) -> Value {
    let mut body = json!({"From_Account": "a", "To_Account": "b", "MsgRandom": rand_u32(),
                          "MsgBody": text("hi")});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    s.call("openim/sendmsg", body).await
}

async fn group_send(s: &TestServer) -> Value {
    s.call(
        &cmd("send_group_msg"),
        json!({"GroupId": "g", "From_Account": "a", "Random": rand_u32(), "MsgBody": text("x")}),
    )
    .await
}

fn rand_u32() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::SeqCst)
}

/// Accounts `a` and `b`, members of the Public group `g` that `a` owns.
async fn two_accounts_and_a_group(s: &TestServer) {
    s.import_accounts(&["a", "b"]).await;
    create(
        s,
        json!({"Type": "Public", "Name": "x", "GroupId": "g", "Owner_Account": "a",
               "MemberList": [{"Member_Account": "b"}]}),
    )
    .await;
}

async fn set(s: &TestServer, body: Value) {
    call(s, SET, body, 0).await;
}

async fn c2c_mutes_block_one_to_one_sends_and_expire(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    two_accounts_and_a_group(&s).await;
    assert_eq!(mutes(&s, "a").await, (0, 0));
    set(
        &s,
        json!({"Set_Account": "a", "C2CmsgNospeakingTime": 7200}),
    )
    .await;
    s.clock.advance(Duration::from_secs(4));
    assert_eq!(mutes(&s, "a").await, (7196, 0));
    // One-to-one sends fail with 20012, stored or not, single or batch; group sends go on.
    assert_eq!(sendmsg(&s, json!({})).await["ErrorCode"], 20012);
    assert_eq!(
        sendmsg(&s, json!({"OnlineOnlyFlag": 1})).await["ErrorCode"],
        20012
    );
    let batch = s
        .call(
            "openim/batchsendmsg",
            json!({"From_Account": "a", "To_Account": ["b"], "MsgRandom": 5,
                   "MsgBody": text("hi")}),
        )
        .await;
    assert_eq!(batch["ErrorCode"], 20012);
    assert_eq!(crate::c2c::history(&s, "b", "a").await.len(), 0);
    assert_eq!(group_send(&s).await["ErrorCode"], 0);
    // The other way is not muted.
    let back = s
        .call(
            "openim/sendmsg",
            json!({"From_Account": "b", "To_Account": "a", "MsgRandom": 1, "MsgBody": text("x")}),
        )
        .await;
    assert_eq!(back["ErrorCode"], 0);
    // The mute ends by itself.
    s.clock.advance(Duration::from_secs(7195));
    assert_eq!(mutes(&s, "a").await, (1, 0));
    assert_eq!(sendmsg(&s, json!({})).await["ErrorCode"], 20012);
    s.clock.advance(Duration::from_secs(1));
    assert_eq!(mutes(&s, "a").await, (0, 0));
    assert_eq!(sendmsg(&s, json!({})).await["ErrorCode"], 0);
    assert_eq!(crate::c2c::history(&s, "b", "a").await.len(), 2);
}

async fn group_mutes_last_until_unmuted(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    two_accounts_and_a_group(&s).await;
    set(&s, json!({"Set_Account": "a", "C2CmsgNospeakingTime": 30})).await;
    // A group mute keeps the one-to-one mute as it was.
    set(
        &s,
        json!({"Set_Account": "a", "GroupmsgNospeakingTime": 4294967295u64}),
    )
    .await;
    assert_eq!(mutes(&s, "a").await, (30, 4294967295));
    assert_eq!(group_send(&s).await["ErrorCode"], 10017);
    let online = s
        .call(
            &cmd("send_group_msg"),
            json!({"GroupId": "g", "From_Account": "a", "Random": 77, "MsgBody": text("x"),
                   "OnlineOnlyFlag": 1}),
        )
        .await;
    assert_eq!(online["ErrorCode"], 10017);
    assert_eq!(crate::groups::info(&s, "g").await["NextMsgSeq"], 1);
    s.clock.advance(Duration::from_secs(400 * 86_400));
    assert_eq!(mutes(&s, "a").await, (0, 4294967295));
    assert_eq!(group_send(&s).await["ErrorCode"], 10017);
    assert_eq!(sendmsg(&s, json!({})).await["ErrorCode"], 0);
    // 0 unmutes; the SDK default 0 for the other time is a value too.
    set(
        &s,
        json!({"Set_Account": "a", "C2CmsgNospeakingTime": 60, "GroupmsgNospeakingTime": 0}),
    )
    .await;
    assert_eq!(mutes(&s, "a").await, (60, 0));
    assert_eq!(group_send(&s).await["ErrorCode"], 0);
    set(
        &s,
        json!({"Set_Account": "a", "C2CmsgNospeakingTime": 0, "GroupmsgNospeakingTime": 0}),
    )
    .await;
    assert_eq!(mutes(&s, "a").await, (0, 0));
    assert_eq!(sendmsg(&s, json!({})).await["ErrorCode"], 0);
}

/// A send of `a` to the group `g` with `random`, its whole answer.
async fn group_send_random(s: &TestServer, random: u32) -> Value {
    s.call(
        &cmd("send_group_msg"),
        json!({"GroupId": "g", "From_Account": "a", "Random": random, "MsgBody": text("x")}),
    )
    .await
}

async fn a_group_retry_after_a_mute_answers_the_first_message(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    two_accounts_and_a_group(&s).await;
    let first = group_send_random(&s, 900).await;
    assert_eq!(first["ErrorCode"], 0, "{first}");
    let (seq, time) = (first["MsgSeq"].as_u64().unwrap(), s.now());
    set(
        &s,
        json!({"Set_Account": "a", "GroupmsgNospeakingTime": 600}),
    )
    .await;
    s.clock.advance(Duration::from_secs(5));
    // The same Random within the window repeats the stored message: its seq and time.
    let again = group_send_random(&s, 900).await;
    assert_eq!(again["ErrorCode"], 0, "{again}");
    assert_eq!(again["MsgSeq"], seq);
    assert_eq!(again["MsgTime"], time);
    // A new message is refused, and nothing was stored by either.
    assert_eq!(group_send_random(&s, 901).await["ErrorCode"], 10017);
    assert_eq!(crate::groups::info(&s, "g").await["NextMsgSeq"], seq + 1);
}

async fn a_one_to_one_retry_after_a_mute_answers_the_first_message(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    two_accounts_and_a_group(&s).await;
    let first = sendmsg(&s, json!({"MsgRandom": 900})).await;
    assert_eq!(first["ErrorCode"], 0, "{first}");
    let time = s.now();
    set(&s, json!({"Set_Account": "a", "C2CmsgNospeakingTime": 600})).await;
    s.clock.advance(Duration::from_secs(5));
    let again = sendmsg(&s, json!({"MsgRandom": 900})).await;
    assert_eq!(again["ErrorCode"], 0, "{again}");
    assert_eq!(again["MsgKey"], first["MsgKey"]);
    assert_eq!(again["MsgTime"], time);
    assert_eq!(
        sendmsg(&s, json!({"MsgRandom": 901})).await["ErrorCode"],
        20012
    );
    // A block is not a mute: checked before the repeat, it refuses the retry too.
    set(&s, json!({"Set_Account": "a", "C2CmsgNospeakingTime": 0})).await;
    s.ok(
        "sns/black_list_add",
        json!({"From_Account": "b", "To_Account": ["a"]}),
    )
    .await;
    let blocked = sendmsg(&s, json!({"MsgRandom": 900})).await;
    assert_eq!(blocked["ErrorCode"], 20007, "{blocked}");
    assert_eq!(crate::c2c::history(&s, "b", "a").await.len(), 1);
}

async fn bad_input_changes_nothing(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a"]).await;
    call(
        &s,
        SET,
        json!({"Set_Account": "a", "C2CmsgNospeakingTime": 100}),
        0,
    )
    .await;
    for (body, code) in [
        (json!({"C2CmsgNospeakingTime": 1}), 130004),
        (
            json!({"Set_Account": "", "C2CmsgNospeakingTime": 1}),
            130004,
        ),
        (json!({"Set_Account": 7, "C2CmsgNospeakingTime": 1}), 130005),
        (
            json!({"Set_Account": "x".repeat(33), "C2CmsgNospeakingTime": 1}),
            130005,
        ),
        (
            json!({"Set_Account": "ghost", "C2CmsgNospeakingTime": 1}),
            130005,
        ),
        (json!({"Set_Account": "a"}), 130008),
        (
            json!({"Set_Account": "a", "C2CmsgNospeakingTime": 4294967296u64}),
            130001,
        ),
        (
            json!({"Set_Account": "a", "C2CmsgNospeakingTime": -1}),
            130001,
        ),
        (
            json!({"Set_Account": "a", "GroupmsgNospeakingTime": "5"}),
            130001,
        ),
    ] {
        call(&s, SET, body, code).await;
    }
    call(&s, GET, json!({}), 130002).await;
    call(&s, GET, json!({"Get_Account": ""}), 130002).await;
    call(&s, GET, json!({"Get_Account": "ghost"}), 130003).await;
    call(&s, GET, json!({"Get_Account": ["a"]}), 130003).await;
    let path = format!(
        "/v4/{SET}?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={}&random=1&contenttype=json",
        s.sig(ADMIN)
    );
    let v = s.post_raw(&path, "{not json").await;
    assert_eq!(v["ErrorCode"], 130001);
    assert!(v.get("ActionStatus").is_none());
    assert_eq!(mutes(&s, "a").await, (100, 0));
    // A repeated set answers OK again; account_delete takes the mute with the account.
    call(
        &s,
        SET,
        json!({"Set_Account": "a", "C2CmsgNospeakingTime": 100}),
        0,
    )
    .await;
    s.ok(
        "im_open_login_svc/account_delete",
        json!({"DeleteItem": [{"UserID": "a"}]}),
    )
    .await;
    s.import_accounts(&["a"]).await;
    assert_eq!(mutes(&s, "a").await, (0, 0));
}

async fn appinfo_reports_thirty_beijing_days(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    // T0 is 2023-11-15 06:13:20 in Beijing.
    s.import_accounts(&["a", "b"]).await;
    create(&s, json!({"Type": "Public", "Name": "x", "GroupId": "g1"})).await;
    s.clock.advance(Duration::from_secs(86_400));
    s.import_accounts(&["c"]).await;
    create(&s, json!({"Type": "Public", "Name": "x", "GroupId": "g2"})).await;
    create(&s, json!({"Type": "Public", "Name": "x", "GroupId": "g3"})).await;
    s.ok(&cmd("destroy_group"), json!({"GroupId": "g3"})).await;
    let v = call(&s, INFO, json!({}), 0).await;
    let rows = v["Result"].as_array().unwrap();
    assert_eq!(rows.len(), 30);
    let today = &rows[0];
    assert_eq!(today["Date"], "20231116");
    assert_eq!(rows[1]["Date"], "20231115");
    assert_eq!(rows[29]["Date"], "20231018");
    assert_eq!(today.as_object().unwrap().len(), 32);
    assert!(
        today.as_object().unwrap().values().all(Value::is_string),
        "{today}"
    );
    assert_eq!(today["AppId"], SDKAPPID.to_string());
    assert_eq!(today["RegistUserNumOneDay"], "1");
    assert_eq!(today["RegistUserNumTotal"], "3");
    assert_eq!(rows[1]["RegistUserNumOneDay"], "2");
    assert_eq!(rows[1]["RegistUserNumTotal"], "2");
    assert_eq!(rows[2]["RegistUserNumTotal"], "0");
    assert_eq!(today["GroupNewGroupNum"], "1");
    assert_eq!(today["GroupAllGroupNum"], "2");
    assert_eq!(rows[1]["GroupAllGroupNum"], "1");
    assert_eq!(today["C2CUpMsgNum"], "0");
    // RequestField: the fields asked for and Date; [] (the SDK default) is every field.
    let v = call(
        &s,
        INFO,
        json!({"RequestField": ["RegistUserNumTotal", "GroupAllGroupNum"]}),
        0,
    )
    .await;
    let row = v["Result"][0].as_object().unwrap();
    assert_eq!(row.len(), 3);
    assert_eq!(row["RegistUserNumTotal"], "3");
    let v = call(&s, INFO, json!({"RequestField": []}), 0).await;
    assert_eq!(v["Result"][0].as_object().unwrap().len(), 32);
    call(&s, INFO, json!({"RequestField": ["Nope"]}), 130001).await;
    call(&s, INFO, json!({"RequestField": "Date"}), 130001).await;
}

both!(c2c_mutes_block_one_to_one_sends_and_expire);
both!(group_mutes_last_until_unmuted);
both!(a_group_retry_after_a_mute_answers_the_first_message);
both!(a_one_to_one_retry_after_a_mute_answers_the_first_message);
both!(bad_input_changes_nothing);
both!(appinfo_reports_thirty_beijing_days);
