//! One-to-one (`openim`) commands: bad input answered with each field's own code (and nothing
//! stored), de-duplication, send options, batch partial success, history paging, recall,
//! modification, read marks and online status, on both backends.

use std::time::Duration;

use serde_json::{Value, json};

use crate::both;
use crate::c2c::{history, text, unread_total};
use crate::common::*;

/// `openim/{cmd}`, asserting success.
async fn ok(s: &TestServer, cmd: &str, body: Value) -> Value {
    s.ok(&format!("openim/{cmd}"), body).await
}

/// `openim/{cmd}`, asserting the error `code`.
async fn fails(s: &TestServer, cmd: &str, body: Value, code: i64) -> Value {
    s.fails(&format!("openim/{cmd}"), body, code).await
}

/// `base` with the fields of `extra` set.
fn with(base: &Value, extra: Value) -> Value {
    let mut b = base.clone();
    for (k, v) in extra.as_object().expect("an object") {
        b[k] = v.clone();
    }
    b
}

/// `base` without `key`.
fn without(base: &Value, key: &str) -> Value {
    let mut b = base.clone();
    b.as_object_mut().expect("an object").remove(key);
    b
}

/// Requests a command must refuse: `base` with one field changed, each with its code and the
/// field whose error it is.
struct Cases {
    base: Value,
    list: Vec<(Value, i64, String)>,
}

impl Cases {
    fn on(base: &Value) -> Cases {
        let base = base.clone();
        Cases { base, list: vec![] }
    }

    /// `field` set to each of `values` (a JSON array; null: the field left out).
    fn bad(mut self, field: &str, code: i64, values: Value) -> Cases {
        for v in values.as_array().expect("an array of values") {
            let body = match v {
                Value::Null => without(&self.base, field),
                v => with(&self.base, json!({ field: v })),
            };
            self.list.push((body, code, field.to_string()));
        }
        self
    }

    /// MsgBody values every command storing a body refuses.
    fn bodies(self) -> Cases {
        let custom = json!({"MsgType": "TIMCustomElem", "MsgContent": {"Data": "d"}});
        let elem = |t: &str, c: Value| json!([{"MsgType": t, "MsgContent": c}]);
        let bogus = elem("TIMBogusElem", json!({}));
        let empty = elem("TIMTextElem", json!({}));
        let number = elem("TIMTextElem", json!({"Text": 5}));
        let malformed = json!([null, [], {}, "hi", [custom, custom], bogus, empty, number]);
        // "Text" (4 bytes) and 7997 bytes: one over the 8000-byte measure.
        let long = json!([text(&"x".repeat(7997))]);
        self.bad("MsgBody", 90002, malformed)
            .bad("MsgBody", 93000, long)
    }

    async fn refused(self, s: &TestServer, cmd: &str) {
        for (body, code, _) in self.list {
            fails(s, cmd, body, code).await;
        }
    }

    /// Refused, each `ErrorInfo` naming the field.
    async fn refused_naming(self, s: &TestServer, cmd: &str) {
        for (body, code, field) in self.list {
            let v = fails(s, cmd, body, code).await;
            let info = v["ErrorInfo"].as_str().unwrap_or_default();
            assert!(info.contains(&field), "{cmd}: {info:?} should name {field}");
        }
    }
}

/// A server with `users` imported; None when the backend is not configured.
async fn start(backend: Backend, users: &[&str]) -> Option<TestServer> {
    let s = TestServer::start(backend).await?;
    s.import_accounts(users).await;
    Some(s)
}

async fn sessions(s: &TestServer, user: &str) -> Vec<Value> {
    let body = json!({"From_Account": user, "TimeStamp": 0, "StartIndex": 0,
        "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 7});
    let v = s.ok("recentcontact/get_list", body).await;
    v["SessionItem"].as_array().cloned().unwrap_or_default()
}

/// Nothing stored for `users`: no unread, no conversation, no message between any two.
async fn assert_nothing_stored(s: &TestServer, users: &[&str]) {
    for (i, u) in users.iter().enumerate() {
        assert_eq!(unread_total(s, u).await, 0, "{u} unread");
        assert_eq!(sessions(s, u).await, Vec::<Value>::new(), "{u} sessions");
        for p in &users[i + 1..] {
            assert!(history(s, u, p).await.is_empty(), "{u} sees {p}");
            assert!(history(s, p, u).await.is_empty(), "{p} sees {u}");
        }
    }
}

/// The text of each message (its first element's).
fn texts(msgs: &[Value]) -> Vec<&str> {
    msgs.iter().map(text_of).collect()
}

fn text_of(m: &Value) -> &str {
    m["MsgBody"][0]["MsgContent"]["Text"]
        .as_str()
        .unwrap_or("?")
}

fn msg(from: &str, to: &str, random: u32, body: &str) -> Value {
    json!({"From_Account": from, "To_Account": to, "MsgRandom": random, "MsgBody": text(body)})
}

async fn send(s: &TestServer, from: &str, to: &str, random: u32, body: &str) -> Value {
    ok(s, "sendmsg", msg(from, to, random, body)).await
}

async fn importmsg_refuses_bad_input(backend: Backend) {
    let Some(s) = start(backend, &["a", "b"]).await else {
        return;
    };
    let now = s.now();
    let base = json!({"SyncFromOldSystem": 5, "From_Account": "a", "To_Account": "b",
        "MsgSeq": 1, "MsgRandom": 1, "MsgTimeStamp": now - 10, "MsgBody": text("x")});
    Cases::on(&base)
        .bad("SyncFromOldSystem", 90030, json!([null, 3, 0, "5"]))
        .bad("From_Account", 90008, json!([null, 7, "ghost"]))
        // "a": a conversation with oneself.
        .bad("To_Account", 90003, json!([null, ["b"], "a"]))
        .bad("To_Account", 90012, json!(["ghost"]))
        .bad("MsgRandom", 90005, json!([null, "1", -1, 1_u64 << 32]))
        .bad("MsgTimeStamp", 90006, json!([null, "x", now + 1, 0]))
        .bad("MsgSeq", 90001, json!(["1"]))
        .bad("CloudCustomData", 90001, json!([5]))
        .bodies()
        .refused(&s, "importmsg")
        .await;
    // The unknown account, imported now, got nothing either.
    s.import_accounts(&["ghost"]).await;
    assert_nothing_stored(&s, &["a", "b", "ghost"]).await;
    // One byte under the limit fits, and a time equal to now is not in the future.
    let fits = json!({"MsgBody": text(&"x".repeat(7996)), "MsgTimeStamp": now});
    ok(&s, "importmsg", with(&base, fits)).await;
    let h = history(&s, "b", "a").await;
    assert_eq!((h.len(), texts(&h)[0].len()), (1, 7996));
    assert_eq!(h[0]["MsgTimeStamp"], now);
    assert_eq!(unread_total(&s, "b").await, 1);
}
both!(importmsg_refuses_bad_input);

async fn sendmsg_refuses_bad_input(backend: Backend) {
    let Some(s) = start(backend, &["a", "b"]).await else {
        return;
    };
    let base = msg("a", "b", 1, "x");
    Cases::on(&base)
        .bad("To_Account", 90003, json!([null, 5, "a"]))
        .bad("To_Account", 90012, json!(["ghost"]))
        .bad("From_Account", 90008, json!([5, "ghost"]))
        .bad("MsgRandom", 90005, json!([null, "1"]))
        .bad("MsgTimeStamp", 90006, json!(["x", 1.5]))
        .bad("SyncOtherMachine", 90031, json!([3, 0, "1"]))
        .bad("MsgLifeTime", 90044, json!([-1, "60"]))
        .bad("OfflinePushInfo", 90043, json!(["x"]))
        .bad("OnlineOnlyFlag", 90001, json!([2]))
        .bad("SendMsgControl", 90001, json!([["Bogus"], "NoUnread"]))
        .bad("ForbidCallbackControl", 90001, json!([["Nope"]]))
        .bad("IsNeedReadReceipt", 90001, json!([2]))
        .bodies()
        .refused(&s, "sendmsg")
        .await;
    // Without From_Account the admin sends: to itself is refused too.
    Cases::on(&without(&base, "From_Account"))
        .bad("To_Account", 90003, json!([ADMIN]))
        .refused(&s, "sendmsg")
        .await;
    s.import_accounts(&["ghost"]).await;
    assert_nothing_stored(&s, &["a", "b", "ghost"]).await;
    let fits = json!({"MsgBody": text(&"x".repeat(7996))});
    ok(&s, "sendmsg", with(&base, fits)).await;
    let h = history(&s, "b", "a").await;
    assert_eq!((h.len(), texts(&h)[0].len()), (1, 7996));
}
both!(sendmsg_refuses_bad_input);

async fn batchsendmsg_refuses_bad_input(backend: Backend) {
    let Some(s) = start(backend, &["a", "b"]).await else {
        return;
    };
    let base = with(&msg("a", "b", 1, "x"), json!({"To_Account": ["b"]}));
    // 501 recipients, b among them: refused as a whole.
    let mut many = vec!["b".to_string()];
    many.extend((1..=500).map(|i| format!("u{i}")));
    Cases::on(&base)
        .bad("To_Account", 90003, json!([null, "b", [], [5], ["b", "a"]]))
        .bad("To_Account", 90011, json!([many]))
        .bad("To_Account", 90012, json!([["ghost", "ghost2"]]))
        .bad("From_Account", 90008, json!([5, "ghost"]))
        .bad("MsgRandom", 90005, json!([null]))
        .bad("SyncOtherMachine", 90031, json!([3]))
        .bad("MsgLifeTime", 90044, json!([-1, "x"]))
        .bodies()
        .refused(&s, "batchsendmsg")
        .await;
    s.import_accounts(&["ghost", "ghost2"]).await;
    assert_nothing_stored(&s, &["a", "b", "ghost", "ghost2"]).await;
}
both!(batchsendmsg_refuses_bad_input);

async fn other_commands_refuse_bad_input(backend: Backend) {
    let Some(s) = start(backend, &["a", "b"]).await else {
        return;
    };
    let m = with(&msg("a", "b", 1, "orig"), json!({"CloudCustomData": "c0"}));
    let key = ok(&s, "sendmsg", m).await["MsgKey"].clone();
    let roam = json!({"Operator_Account": "a", "Peer_Account": "b", "MaxCnt": 10,
        "MinTime": 0, "MaxTime": s.now() + 10});
    Cases::on(&roam)
        .bad("Operator_Account", 90008, json!([null, 5, "ghost"]))
        .bad("Peer_Account", 90003, json!([null, "ghost", "a"]))
        .bad("MaxCnt", 90001, json!([null, 0, "5"]))
        .bad("MinTime", 90001, json!([null, s.now() + 20]))
        .bad("MaxTime", 90001, json!([null]))
        .bad("LastMsgKey", 90054, json!(["zzz", "1_2"]))
        .refused(&s, "admin_getroammsg")
        .await;
    let wd = json!({"From_Account": "a", "To_Account": "b", "MsgKey": key});
    Cases::on(&wd)
        .bad("From_Account", 90008, json!([null, "ghost"]))
        .bad("To_Account", 90003, json!([null, "ghost", "a"]))
        .bad("MsgKey", 90054, json!([null, 5, "1_2", "x_y_z", "1_2_3_4"]))
        .refused(&s, "admin_msgwithdraw")
        .await;
    Cases::on(&json!({"Report_Account": "b", "Peer_Account": "a"}))
        .bad("Report_Account", 90008, json!([null, "ghost"]))
        .bad("Peer_Account", 90003, json!([null, "ghost", "b"]))
        .bad("MsgReadTime", 90001, json!(["abc", "-5", -1, true]))
        .refused(&s, "admin_set_msg_read")
        .await;
    let eleven: Vec<String> = (0..11).map(|i| format!("p{i}")).collect();
    Cases::on(&json!({"To_Account": "b"}))
        .bad("To_Account", 90003, json!([null, 5, "ghost"]))
        .bad("Peer_Account", 90003, json!(["a"]))
        .bad("Peer_Account", 90001, json!([eleven]))
        .refused(&s, "get_c2c_unread_msg_num")
        .await;
    // bodies() leaves MsgBody out too: neither MsgBody nor CloudCustomData.
    let modify = with(&wd, json!({"MsgBody": text("new")}));
    Cases::on(&modify)
        .bad("From_Account", 90008, json!([null]))
        .bad("To_Account", 90003, json!([null]))
        .bad("MsgKey", 90054, json!([null, "k"]))
        .bad("MsgKey", 20022, json!(["1_2_3"]))
        .bad("CloudCustomData", 90001, json!([5]))
        .bodies()
        .refused(&s, "modify_c2c_msg")
        .await;
    Cases::on(&without(&modify, "MsgBody"))
        .bad("CloudCustomData", 93000, json!(["c".repeat(8001)]))
        .refused(&s, "modify_c2c_msg")
        .await;
    // The one message is as sent, on both sides: not recalled, modified or read.
    for (op, peer) in [("a", "b"), ("b", "a")] {
        let h = history(&s, op, peer).await;
        assert_eq!(texts(&h), ["orig"]);
        assert_eq!(h[0]["CloudCustomData"], "c0");
        assert_eq!(h[0]["MsgFlagBits"], 0);
        assert_eq!(sessions(&s, op).await.len(), 1);
    }
    assert_eq!(unread_total(&s, "b").await, 1);
    assert_eq!(unread_total(&s, "a").await, 0);
}
both!(other_commands_refuse_bad_input);

async fn error_info_names_the_field(backend: Backend) {
    let Some(s) = start(backend, &["a", "b"]).await else {
        return;
    };
    let m = msg("a", "b", 1, "x");
    Cases::on(&m)
        .bad("To_Account", 90003, json!([null]))
        .bad("MsgTimeStamp", 90006, json!(["x"]))
        .bad("SyncOtherMachine", 90031, json!([9]))
        .refused_naming(&s, "sendmsg")
        .await;
    let import = with(&m, json!({"SyncFromOldSystem": 2, "MsgTimeStamp": s.now()}));
    Cases::on(&import)
        .bad("MsgRandom", 90005, json!([null]))
        .bad("From_Account", 90008, json!([null]))
        .refused_naming(&s, "importmsg")
        .await;
    // The recipient's error names the account.
    let to_ghost = with(&import, json!({"To_Account": "ghost"}));
    let v = fails(&s, "importmsg", to_ghost, 90012).await;
    assert!(v["ErrorInfo"].as_str().is_some_and(|i| i.contains("ghost")));
    let roam = json!({"Operator_Account": "a", "Peer_Account": "b", "MaxCnt": 1,
        "MinTime": 0, "MaxTime": 1});
    Cases::on(&roam)
        .bad("Operator_Account", 90008, json!([null]))
        .refused_naming(&s, "admin_getroammsg")
        .await;
    Cases::on(&json!({"From_Account": "a", "To_Account": "b"}))
        .bad("MsgKey", 90054, json!(["nope"]))
        .refused_naming(&s, "admin_msgwithdraw")
        .await;
    assert_nothing_stored(&s, &["a", "b"]).await;
}
both!(error_info_names_the_field);

async fn importmsg_deduplicates(backend: Backend) {
    let Some(s) = start(backend, &["a", "b"]).await else {
        return;
    };
    let t = s.now() - 50;
    let m = |from: &str, to: &str, seq: u32, body: &str| {
        json!({"SyncFromOldSystem": 5, "From_Account": from, "To_Account": to, "MsgSeq": seq,
            "MsgRandom": 9, "MsgTimeStamp": t, "MsgBody": text(body)})
    };
    ok(&s, "importmsg", m("a", "b", 1, "first")).await;
    // Same triple again, then with From/To swapped: success, the first copy stays.
    ok(&s, "importmsg", m("a", "b", 1, "again")).await;
    ok(&s, "importmsg", m("b", "a", 1, "swapped")).await;
    for (op, peer) in [("a", "b"), ("b", "a")] {
        let h = history(&s, op, peer).await;
        assert_eq!(texts(&h), ["first"], "{op}'s view");
        assert_eq!(h[0]["From_Account"], "a");
        assert_eq!(h[0]["MsgKey"], format!("1_9_{t}"));
    }
    assert_eq!(unread_total(&s, "b").await, 1);
    assert_eq!(unread_total(&s, "a").await, 0);
    // Another MsgSeq with the same MsgRandom and time is another message.
    ok(&s, "importmsg", m("a", "b", 2, "second")).await;
    let h = history(&s, "a", "b").await;
    assert_eq!(texts(&h), ["first", "second"]);
    assert_eq!(h[1]["MsgSeq"], 2);
    assert_eq!(unread_total(&s, "b").await, 2);
}
both!(importmsg_deduplicates);

async fn sendmsg_random_repeat_window(backend: Backend) {
    let Some(s) = start(backend, &["a", "b", "c"]).await else {
        return;
    };
    let first = send(&s, "a", "b", 77, "one").await;
    let t = s.now();
    s.clock.advance(Duration::from_secs(10));
    // Within 5 minutes: the first message's key and time, nothing stored.
    let again = send(&s, "a", "b", 77, "two").await;
    assert_eq!(again["MsgKey"], first["MsgKey"]);
    assert_eq!(again["MsgTime"], t);
    assert_eq!(texts(&history(&s, "b", "a").await), ["one"]);
    assert_eq!(unread_total(&s, "b").await, 1);
    // The other direction, or another recipient, is another message.
    send(&s, "b", "a", 77, "back").await;
    assert_eq!(unread_total(&s, "a").await, 1);
    send(&s, "a", "c", 77, "to c").await;
    assert_eq!(texts(&history(&s, "c", "a").await), ["to c"]);
    s.clock.advance(Duration::from_secs(291));
    let third = send(&s, "a", "b", 77, "three").await;
    assert_ne!(third["MsgKey"], first["MsgKey"]);
    assert_eq!(third["MsgTime"], t + 301);
    let h = history(&s, "b", "a").await;
    assert_eq!(texts(&h), ["one", "back", "three"]);
    assert_eq!(unread_total(&s, "b").await, 2);
}
both!(sendmsg_random_repeat_window);

async fn sendmsg_delivery_options(backend: Backend) {
    let users = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    let Some(s) = start(backend, &users).await else {
        return;
    };
    let sent = async |from: &str, to: &str, extra: Value| {
        ok(&s, "sendmsg", with(&msg(from, to, 5, "m"), extra)).await
    };
    // NoUnread: stored and listed, not counted.
    sent("a", "b", json!({"SendMsgControl": ["NoUnread"]})).await;
    assert_eq!(unread_total(&s, "b").await, 0);
    assert_eq!(history(&s, "b", "a").await.len(), 1);
    assert_eq!(sessions(&s, "b").await[0]["To_Account"], "a");
    // NoLastMsg: in history and counted, but no conversation on either side.
    sent("c", "d", json!({"SendMsgControl": ["NoLastMsg"]})).await;
    assert_eq!(history(&s, "d", "c").await.len(), 1);
    assert_eq!(history(&s, "c", "d").await.len(), 1);
    assert_eq!(unread_total(&s, "d").await, 1);
    assert!(sessions(&s, "c").await.is_empty());
    assert!(sessions(&s, "d").await.is_empty());
    // SyncOtherMachine 2: not kept on the sender's side.
    sent("e", "f", json!({"SyncOtherMachine": 2})).await;
    assert!(history(&s, "e", "f").await.is_empty());
    assert_eq!(history(&s, "f", "e").await.len(), 1);
    assert!(sessions(&s, "e").await.is_empty());
    assert_eq!(sessions(&s, "f").await[0]["To_Account"], "e");
    assert_eq!(unread_total(&s, "f").await, 1);
    // Online only: answered with a key, nothing stored.
    for extra in [json!({"MsgLifeTime": 0}), json!({"OnlineOnlyFlag": 1})] {
        let key = sent("g", "h", extra).await["MsgKey"].clone();
        let suffix = format!("_5_{}", s.now());
        assert!(key.as_str().is_some_and(|k| k.ends_with(&suffix)));
        assert_nothing_stored(&s, &["g", "h"]).await;
    }
    // MsgKey is {MsgSeq}_{MsgRandom}_{MsgTime}, the time the server's own; a life time over
    // 7 days is capped, not refused.
    let now = s.now();
    let extra = json!({"MsgSeq": 123, "MsgRandom": 456, "MsgTimeStamp": now - 1000,
        "MsgLifeTime": 604_801});
    let v = sent("i", "j", extra).await;
    assert_eq!(v["MsgKey"], format!("123_456_{now}"));
    assert_eq!(v["MsgTime"], now);
    let h = history(&s, "j", "i").await;
    assert_eq!(h[0]["MsgSeq"], 123);
    assert_eq!(h[0]["MsgTimeStamp"], now);
    // No From_Account: the admin sends, without being imported.
    let adm = json!({"To_Account": "j", "MsgRandom": 1, "MsgBody": text("adm")});
    ok(&s, "sendmsg", adm).await;
    let h = history(&s, "j", ADMIN).await;
    assert_eq!(texts(&h), ["adm"]);
    assert_eq!(h[0]["From_Account"], ADMIN);
    assert_eq!(unread_total(&s, "j").await, 2);
}
both!(sendmsg_delivery_options);

async fn batchsendmsg_partial_delivery(backend: Backend) {
    let Some(s) = start(backend, &["a", "b", "c"]).await else {
        return;
    };
    let batch =
        |to: Value, random: u32| with(&msg("a", "", random, "hi"), json!({"To_Account": to}));
    let v = ok(&s, "batchsendmsg", batch(json!(["b", "c"]), 5)).await;
    let key = v["MsgKey"].as_str().expect("one MsgKey").to_string();
    assert!(key.ends_with(&format!("_5_{}", s.now())), "{key}");
    assert!(v.get("ErrorList").is_none_or(|l| l == &json!([])), "{v}");
    for u in ["b", "c"] {
        let h = history(&s, u, "a").await;
        assert_eq!(h.len(), 1);
        assert_eq!(h[0]["MsgKey"], key.as_str());
        assert_eq!(unread_total(&s, u).await, 1);
        assert_eq!(sessions(&s, u).await[0]["To_Account"], "a");
    }
    assert_eq!(sessions(&s, "a").await.len(), 2);
    // Some unknown: the known ones get it (a second later, so it sorts last).
    s.clock.advance(Duration::from_secs(1));
    let some = batch(json!(["b", "ghost"]), 6);
    let v = s.call("openim/batchsendmsg", some).await;
    assert_eq!(v["ActionStatus"], "SomeError", "{v}");
    assert_eq!(v["ErrorCode"], 0);
    let unknown = json!([{"To_Account": "ghost", "ErrorCode": 70107}]);
    assert_eq!(v["ErrorList"], unknown);
    let h = history(&s, "b", "a").await;
    assert_eq!(h.len(), 2);
    assert_eq!(h[1]["MsgKey"], v["MsgKey"]);
    assert_eq!(unread_total(&s, "b").await, 2);
    assert_eq!(unread_total(&s, "c").await, 1);
    // All unknown: the call fails and nothing moves.
    let none = batch(json!(["ghost", "ghost2"]), 7);
    fails(&s, "batchsendmsg", none, 90012).await;
    assert_eq!(history(&s, "a", "b").await.len(), 2);
    assert_eq!(history(&s, "a", "c").await.len(), 1);
    s.import_accounts(&["ghost", "ghost2"]).await;
    assert_nothing_stored(&s, &["ghost", "ghost2"]).await;
    assert!(history(&s, "a", "ghost").await.is_empty());
    assert_eq!(sessions(&s, "a").await.len(), 2);
}
both!(batchsendmsg_partial_delivery);

async fn getroammsg_pages_backwards(backend: Backend) {
    let Some(s) = start(backend, &["a", "b"]).await else {
        return;
    };
    let t = s.now() - 100;
    let import = async |from: &str, to: &str, seq: u32, time: i64, body: &str| {
        let m = json!({"SyncFromOldSystem": 2, "From_Account": from, "To_Account": to,
            "MsgSeq": seq, "MsgRandom": 100 + seq, "MsgTimeStamp": time, "MsgBody": text(body)});
        ok(&s, "importmsg", m).await;
    };
    for i in 0..5 {
        let (from, to) = if i % 2 == 0 { ("a", "b") } else { ("b", "a") };
        import(from, to, i + 1, t + i64::from(i), &format!("m{i}")).await;
    }
    let key = |i: i64| format!("{}_{}_{}", i + 1, 101 + i, t + i);
    let mut q = json!({"Operator_Account": "a", "Peer_Account": "b", "MaxCnt": 2,
        "MinTime": 0, "MaxTime": s.now()});
    // Newest page first, oldest first inside; LastMsg* name the oldest returned.
    let pages = [
        (vec!["m3", "m4"], 0, 3),
        (vec!["m1", "m2"], 0, 1),
        (vec!["m0"], 1, 0),
    ];
    for (want, complete, oldest) in pages {
        let v = ok(&s, "admin_getroammsg", q.clone()).await;
        let list = v["MsgList"].as_array().cloned().unwrap_or_default();
        assert_eq!(texts(&list), want, "{v}");
        assert_eq!(v["Complete"], complete);
        assert_eq!(v["MsgCnt"], want.len());
        assert_eq!(v["LastMsgTime"], t + oldest);
        assert_eq!(v["LastMsgKey"], key(oldest));
        q["MaxTime"] = v["LastMsgTime"].clone();
        q["LastMsgKey"] = v["LastMsgKey"].clone();
    }
    // A window, inclusive at both ends.
    let window = json!({"Operator_Account": "a", "Peer_Account": "b", "MaxCnt": 10,
        "MinTime": t + 1, "MaxTime": t + 3});
    let v = ok(&s, "admin_getroammsg", window).await;
    let list = v["MsgList"].as_array().cloned().unwrap_or_default();
    assert_eq!(texts(&list), ["m1", "m2", "m3"]);
    assert_eq!(v["Complete"], 1);
    // The old field names, from b's side.
    let old = json!({"From_Account": "b", "To_Account": "a", "MaxCnt": 10,
        "MinTime": 0, "MaxTime": s.now()});
    let v = ok(&s, "admin_getroammsg", old).await;
    assert_eq!(v["MsgCnt"], 5);
    assert_eq!(v["MsgList"][0]["From_Account"], "a");
    assert_eq!(v["MsgList"][0]["MsgKey"], key(0));
    assert_eq!(v["MsgList"][1]["From_Account"], "b");
    // Within one second, MsgSeq orders, whatever the import order.
    for seq in [30, 10, 20] {
        import("a", "b", seq, t + 50, &format!("s{seq}")).await;
    }
    let h = history(&s, "b", "a").await;
    assert_eq!(texts(&h[5..]), ["s10", "s20", "s30"]);
}
both!(getroammsg_pages_backwards);

async fn modify_and_recall_by_key(backend: Backend) {
    let Some(s) = start(backend, &["a", "b"]).await else {
        return;
    };
    let m = with(&msg("a", "b", 1, "orig"), json!({"CloudCustomData": "c0"}));
    let key = ok(&s, "sendmsg", m).await["MsgKey"].clone();
    let base = json!({"From_Account": "a", "To_Account": "b", "MsgKey": key});
    // What `op` sees of the one message: text, CloudCustomData and MsgFlagBits.
    let seen = async |op: &str, peer: &str| {
        let h = history(&s, op, peer).await;
        assert_eq!(h.len(), 1);
        let ccd = h[0]["CloudCustomData"].as_str().unwrap_or("?");
        format!("{} {ccd} {}", texts(&h)[0], h[0]["MsgFlagBits"])
    };
    let modify = async |extra: Value| ok(&s, "modify_c2c_msg", with(&base, extra)).await;
    modify(json!({"MsgBody": text("edited")})).await;
    assert_eq!(seen("b", "a").await, "edited c0 0");
    modify(json!({"CloudCustomData": "c1"})).await;
    assert_eq!(seen("a", "b").await, "edited c1 0");
    let both = json!({"MsgBody": text("both"), "CloudCustomData": "c2"});
    modify(both.clone()).await;
    let both = with(&base, both);
    // Refused: neither field, an unknown key, the key with From/To swapped (b did not send it).
    let unknown = json!({"MsgKey": "1_2_3"});
    let swapped = json!({"From_Account": "b", "To_Account": "a"});
    fails(&s, "modify_c2c_msg", base.clone(), 90002).await;
    fails(&s, "modify_c2c_msg", with(&both, unknown.clone()), 20022).await;
    fails(&s, "modify_c2c_msg", with(&both, swapped.clone()), 20022).await;
    fails(&s, "admin_msgwithdraw", with(&base, unknown), 20022).await;
    fails(&s, "admin_msgwithdraw", with(&base, swapped), 20022).await;
    for (op, peer) in [("a", "b"), ("b", "a")] {
        assert_eq!(seen(op, peer).await, "both c2 0");
    }
    // Recalled once, refused the second time; both sides see MsgFlagBits 8.
    ok(&s, "admin_msgwithdraw", base.clone()).await;
    fails(&s, "admin_msgwithdraw", base, 20023).await;
    for (op, peer) in [("a", "b"), ("b", "a")] {
        assert_eq!(seen(op, peer).await, "both c2 8");
    }
}
both!(modify_and_recall_by_key);

async fn set_msg_read_moves_forward_only(backend: Backend) {
    let Some(s) = start(backend, &["a", "b"]).await else {
        return;
    };
    let mut times = Vec::new();
    for i in 0..5 {
        let v = send(&s, "a", "b", i + 1, "m").await;
        times.push(v["MsgTime"].as_i64().expect("MsgTime"));
        s.clock.advance(Duration::from_secs(10));
    }
    assert_eq!(unread_total(&s, "b").await, 5);
    let mark = async |time: Value| {
        let body = json!({"Report_Account": "b", "Peer_Account": "a"});
        ok(&s, "admin_set_msg_read", with(&body, time)).await;
        unread_total(&s, "b").await
    };
    // Read up to the third message (a string, as the page writes it): two stay unread.
    assert_eq!(mark(json!({"MsgReadTime": times[2].to_string()})).await, 2);
    let per_peer = json!({"To_Account": "b", "Peer_Account": ["a", "ghost"]});
    let v = ok(&s, "get_c2c_unread_msg_num", per_peer).await;
    let counts = json!([{"Peer_Account": "a", "C2CUnreadMsgNum": 2}]);
    assert_eq!(v["C2CUnreadMsgNumList"], counts);
    let errors = json!([{"Peer_Account": "ghost", "ErrorCode": 70107}]);
    assert_eq!(v["ErrorList"], errors);
    // An earlier mark (a number) does not bring them back; later ones go on.
    assert_eq!(mark(json!({"MsgReadTime": times[0]})).await, 2);
    assert_eq!(mark(json!({"MsgReadTime": times[3]})).await, 1);
    // No MsgReadTime: everything up to now.
    assert_eq!(mark(json!({})).await, 0);
    assert_eq!(unread_total(&s, "a").await, 0);
}
both!(set_msg_read_moves_forward_only);

async fn online_status(backend: Backend) {
    let Some(s) = start(backend, &["a", "b"]).await else {
        return;
    };
    let many: Vec<String> = (0..501).map(|i| format!("u{i}")).collect();
    let query = json!({"To_Account": ["a", "ghost", "b"], "IsNeedDetail": 1});
    for cmd in ["query_online_status", "querystate"] {
        let v = ok(&s, cmd, query.clone()).await;
        let result = v["QueryResult"].as_array().expect("QueryResult");
        let names: Vec<&Value> = result.iter().map(|r| &r["To_Account"]).collect();
        assert_eq!(names, [&json!("a"), &json!("b")]);
        for r in result {
            assert_eq!(r["State"], "Offline");
            // Tencent gives an offline account no Detail.
            assert!(r.get("Detail").is_none());
        }
        let unknown = json!([{"To_Account": "ghost", "ErrorCode": 70107}]);
        assert_eq!(v["ErrorList"], unknown);
        Cases::on(&json!({"To_Account": ["a"]}))
            .bad("To_Account", 90001, json!([[]]))
            .bad("To_Account", 90011, json!([many]))
            .bad("To_Account", 90003, json!([null, "a"]))
            .bad("IsNeedDetail", 90001, json!([2]))
            .refused(&s, cmd)
            .await;
    }
}
both!(online_status);
