//! One-to-one (`openim`) behaviour: importmsg's de-duplication, sendmsg's repeat window and
//! delivery options, batch partial success, history paging, recall and modification by key,
//! read marks and online status, on both backends.

use std::time::Duration;

use serde_json::{Value, json};

use crate::both;
use crate::c2c::{history, text, unread_total};
use crate::c2c_input::*;
use crate::common::*;

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
