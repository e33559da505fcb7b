//! One-to-one (`openim`) commands: bad input answered with each field's own code (and nothing
//! stored), de-duplication, send options, batch partial success, history paging, recall,
//! modification, read marks and online status, on both backends.

use serde_json::{Value, json};

use crate::both;
use crate::c2c::{history, text, unread_total};
use crate::common::*;

/// `openim/{cmd}`, asserting success.
pub async fn ok(s: &TestServer, cmd: &str, body: Value) -> Value {
    s.ok(&format!("openim/{cmd}"), body).await
}

/// `openim/{cmd}`, asserting the error `code`.
pub async fn fails(s: &TestServer, cmd: &str, body: Value, code: i64) -> Value {
    s.fails(&format!("openim/{cmd}"), body, code).await
}

/// `base` with the fields of `extra` set.
pub fn with(base: &Value, extra: Value) -> Value {
    let mut b = base.clone();
    for (k, v) in extra.as_object().expect("an object") {
        b[k] = v.clone();
    }
    b
}

/// `base` without `key`.
pub fn without(base: &Value, key: &str) -> Value {
    let mut b = base.clone();
    b.as_object_mut().expect("an object").remove(key);
    b
}

/// Requests a command must refuse: `base` with one field changed, each with its code and the
/// field whose error it is.
pub struct Cases {
    base: Value,
    list: Vec<(Value, i64, String)>,
}

impl Cases {
    pub fn on(base: &Value) -> Cases {
        let base = base.clone();
        Cases { base, list: vec![] }
    }

    /// `field` set to each of `values` (a JSON array; null: the field left out).
    pub fn bad(mut self, field: &str, code: i64, values: Value) -> Cases {
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
    pub fn bodies(self) -> Cases {
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

    pub async fn refused(self, s: &TestServer, cmd: &str) {
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
pub async fn start(backend: Backend, users: &[&str]) -> Option<TestServer> {
    let s = TestServer::start(backend).await?;
    s.import_accounts(users).await;
    Some(s)
}

pub async fn sessions(s: &TestServer, user: &str) -> Vec<Value> {
    let body = json!({"From_Account": user, "TimeStamp": 0, "StartIndex": 0,
        "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 7});
    let v = s.ok("recentcontact/get_list", body).await;
    v["SessionItem"].as_array().cloned().unwrap_or_default()
}

/// Nothing stored for `users`: no unread, no conversation, no message between any two.
pub async fn assert_nothing_stored(s: &TestServer, users: &[&str]) {
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
pub fn texts(msgs: &[Value]) -> Vec<&str> {
    msgs.iter().map(text_of).collect()
}

pub fn text_of(m: &Value) -> &str {
    m["MsgBody"][0]["MsgContent"]["Text"]
        .as_str()
        .unwrap_or("?")
}

pub fn msg(from: &str, to: &str, random: u32, body: &str) -> Value {
    json!({"From_Account": from, "To_Account": to, "MsgRandom": random, "MsgBody": text(body)})
}

pub async fn send(s: &TestServer, from: &str, to: &str, random: u32, body: &str) -> Value {
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
        .bad("SyncOtherMachine", 90031, json!([3, -1, "1"]))
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
