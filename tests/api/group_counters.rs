//! Group counters: update (Set / Increase / Decrease), get and delete; the 20-key limit and
//! overflow, each refused update read back unchanged; Community refused; unknown and
//! destroyed groups; SDK defaults (`""` Mode, `[]` key lists).

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::group_attrs::group_of;
use crate::groups::cmd;

fn counters(pairs: &[(&str, i64)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    )
}

async fn update(s: &TestServer, g: &str, mode: Option<&str>, pairs: &[(&str, i64)]) -> Value {
    let mut body = json!({"GroupId": g, "GroupCounter": counters(pairs)});
    if let Some(m) = mode {
        body["Mode"] = json!(m);
    }
    s.ok(&cmd("update_group_counter"), body).await["GroupCounter"].clone()
}

/// Every counter of the group (no `GroupCounterKeys`).
async fn all(s: &TestServer, g: &str) -> Value {
    s.ok(&cmd("get_group_counter"), json!({"GroupId": g})).await["GroupCounter"].clone()
}

async fn arithmetic(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let g = group_of(&s, "Public").await;
    assert_eq!(all(&s, &g).await, json!([]));
    // Absent Mode is Set; the answer lists the updated counters in the order sent.
    let v = update(&s, &g, None, &[("like", 5), ("dislike", 1)]).await;
    assert_eq!(v, counters(&[("like", 5), ("dislike", 1)]));
    // A missing key starts at 0.
    let v = update(&s, &g, Some("Increase"), &[("like", 3), ("new", 2)]).await;
    assert_eq!(v, counters(&[("like", 8), ("new", 2)]));
    // Decrease may go below 0; Increase by a negative number decreases.
    let v = update(&s, &g, Some("Decrease"), &[("dislike", 4), ("fresh", 1)]).await;
    assert_eq!(v, counters(&[("dislike", -3), ("fresh", -1)]));
    let v = update(&s, &g, Some("Increase"), &[("like", -10)]).await;
    assert_eq!(v, counters(&[("like", -2)]));
    // Items apply in order; a key named twice is answered once, with its final value.
    let v = update(
        &s,
        &g,
        Some("Increase"),
        &[("new", 1), ("like", 1), ("new", 1)],
    )
    .await;
    assert_eq!(v, counters(&[("new", 4), ("like", -1)]));
    // `""` (an SDK's default) is Set too; Set overwrites.
    let v = update(&s, &g, Some(""), &[("fresh", 100)]).await;
    assert_eq!(v, counters(&[("fresh", 100)]));
    let v = update(
        &s,
        &g,
        Some("Set"),
        &[("fresh", i64::MIN), ("big", i64::MAX)],
    )
    .await;
    assert_eq!(v, counters(&[("fresh", i64::MIN), ("big", i64::MAX)]));
    // get: all ordered by key, or the named ones that exist in the order named.
    let everything = counters(&[
        ("big", i64::MAX),
        ("dislike", -3),
        ("fresh", i64::MIN),
        ("like", -1),
        ("new", 4),
    ]);
    assert_eq!(all(&s, &g).await, everything);
    let v = s
        .ok(
            &cmd("get_group_counter"),
            json!({"GroupId": g, "GroupCounterKeys": ["new", "nope", "big", "new"]}),
        )
        .await;
    assert_eq!(
        v["GroupCounter"],
        counters(&[("new", 4), ("big", i64::MAX)])
    );
    for keys in [json!([]), json!(null)] {
        let v = s
            .ok(
                &cmd("get_group_counter"),
                json!({"GroupId": g, "GroupCounterKeys": keys}),
            )
            .await;
        assert_eq!(v["GroupCounter"], everything, "{keys} is every counter");
    }
    // An empty update changes nothing and answers nothing.
    assert_eq!(update(&s, &g, Some("Increase"), &[]).await, json!([]));
    assert_eq!(all(&s, &g).await, everything);
}
both!(arithmetic);

async fn deleting(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let g = group_of(&s, "AVChatRoom").await;
    update(&s, &g, None, &[("a", 1), ("b", 2), ("c", 3)]).await;
    let del = |keys: Value| json!({"GroupId": g, "GroupCounterKeys": keys});
    // Named keys that do not exist are ignored; deleting again answers OK.
    s.ok(&cmd("delete_group_counter"), del(json!(["a", "zzz"])))
        .await;
    assert_eq!(all(&s, &g).await, counters(&[("b", 2), ("c", 3)]));
    s.ok(&cmd("delete_group_counter"), del(json!(["a"]))).await;
    assert_eq!(all(&s, &g).await, counters(&[("b", 2), ("c", 3)]));
    // A deleted counter starts again at 0.
    let v = update(&s, &g, Some("Increase"), &[("a", 1)]).await;
    assert_eq!(v, counters(&[("a", 1)]));
    // `[]` (an SDK's default for "not given") deletes all, as an absent list does.
    s.ok(&cmd("delete_group_counter"), del(json!([]))).await;
    assert_eq!(all(&s, &g).await, json!([]));
    update(&s, &g, None, &[("x", 1)]).await;
    s.ok(&cmd("delete_group_counter"), json!({"GroupId": g}))
        .await;
    assert_eq!(all(&s, &g).await, json!([]));
    s.ok(&cmd("delete_group_counter"), json!({"GroupId": g}))
        .await;
}
both!(deleting);

async fn at_most_twenty_counters(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let g = group_of(&s, "Private").await;
    let names: Vec<String> = (0..21).map(|i| format!("k{i:02}")).collect();
    let twenty: Vec<(&str, i64)> = names[..20].iter().map(|k| (k.as_str(), 1)).collect();
    update(&s, &g, None, &twenty).await;
    let before = all(&s, &g).await;
    assert_eq!(before.as_array().unwrap().len(), 20);
    // A 21st key: 10063, and the other items of the call are not applied either.
    let v = s
        .fails(
            &cmd("update_group_counter"),
            json!({"GroupId": g, "Mode": "Increase", "GroupCounter": counters(&[("k00", 5), ("k20", 1)])}),
            10063,
        )
        .await;
    assert!(v["ErrorInfo"].as_str().unwrap().contains("20"), "{v}");
    assert_eq!(all(&s, &g).await, before);
    // A 128-byte key is fine (after deleting one to make room).
    s.ok(
        &cmd("delete_group_counter"),
        json!({"GroupId": g, "GroupCounterKeys": ["k19"]}),
    )
    .await;
    let long = "k".repeat(128);
    assert_eq!(
        update(&s, &g, None, &[(&long, 1)]).await,
        counters(&[(&long, 1)])
    );
    assert_eq!(all(&s, &g).await.as_array().unwrap().len(), 20);
}
both!(at_most_twenty_counters);

async fn bad_updates_change_nothing(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let g = group_of(&s, "Private").await;
    update(&s, &g, Some("Set"), &[("k00", i64::MAX), ("k01", i64::MIN)]).await;
    let before = all(&s, &g).await;
    let bad: Vec<(Value, &str)> = vec![
        (
            json!({"Mode": "Increase", "GroupCounter": counters(&[("k02", 7), ("k00", 1)])}),
            "k00",
        ),
        (
            json!({"Mode": "Decrease", "GroupCounter": counters(&[("k01", 1)])}),
            "k01",
        ),
        (
            json!({"Mode": "Decrease", "GroupCounter": counters(&[("k02", i64::MIN)])}),
            "k02",
        ),
        (
            json!({"Mode": "Set", "GroupCounter": [{"Key": "k02", "Value": 9223372036854775808u64}]}),
            "Value",
        ),
        (
            json!({"Mode": "Set", "GroupCounter": [{"Key": "k02", "Value": "1"}]}),
            "Value",
        ),
        (
            json!({"Mode": "Set", "GroupCounter": [{"Key": "k02", "Value": 1.5}]}),
            "Value",
        ),
        (
            json!({"Mode": "Set", "GroupCounter": counters(&[(&"k".repeat(129), 1)])}),
            "128",
        ),
        (
            json!({"Mode": "Set", "GroupCounter": counters(&[("", 1)])}),
            "empty",
        ),
        (
            json!({"Mode": "Set", "GroupCounter": [{"Key": "k02"}]}),
            "Value",
        ),
        (
            json!({"Mode": "set", "GroupCounter": counters(&[("k02", 1)])}),
            "Mode",
        ),
        (json!({"Mode": "Set"}), "GroupCounter"),
        (json!({"Mode": "Set", "GroupCounter": null}), "GroupCounter"),
        // Lower-case names are attributes', not these.
        (json!({"GroupCounter": [{"key": "k02", "value": 1}]}), "Key"),
    ];
    for (mut body, says) in bad {
        body["GroupId"] = json!(g);
        let v = s
            .fails(&cmd("update_group_counter"), body.clone(), 10004)
            .await;
        assert!(
            v["ErrorInfo"].as_str().unwrap().contains(says),
            "{body} -> {v}"
        );
        assert_eq!(all(&s, &g).await, before, "{body} changed nothing");
    }
    for command in ["get_group_counter", "delete_group_counter"] {
        s.fails(
            &cmd(command),
            json!({"GroupId": g, "GroupCounterKeys": ["k".repeat(129)]}),
            10004,
        )
        .await;
        s.fails(
            &cmd(command),
            json!({"GroupId": g, "GroupCounterKeys": "k00"}),
            10004,
        )
        .await;
    }
    assert_eq!(all(&s, &g).await, before);
}
both!(bad_updates_change_nothing);

async fn types_and_groups(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    for t in ["Private", "Public", "ChatRoom", "AVChatRoom"] {
        let g = group_of(&s, t).await;
        let v = update(&s, &g, Some("Increase"), &[("n", 1)]).await;
        assert_eq!(v, counters(&[("n", 1)]), "{t}");
    }
    let community = group_of(&s, "Community").await;
    let destroyed = group_of(&s, "Public").await;
    update(&s, &destroyed, None, &[("n", 1)]).await;
    s.ok(&cmd("destroy_group"), json!({"GroupId": destroyed}))
        .await;
    let requests = |id: &str| {
        [
            (
                "update_group_counter",
                json!({"GroupId": id, "GroupCounter": counters(&[("n", 1)])}),
            ),
            ("get_group_counter", json!({"GroupId": id})),
            ("delete_group_counter", json!({"GroupId": id})),
        ]
    };
    for (command, body) in requests(&community) {
        let v = s.fails(&cmd(command), body, 10007).await;
        assert!(
            v["ErrorInfo"].as_str().unwrap().contains("Community"),
            "{v}"
        );
    }
    for id in [destroyed.as_str(), "no-such-group"] {
        for (command, body) in requests(id) {
            s.fails(&cmd(command), body, 10010).await;
        }
    }
    for (command, body) in requests("") {
        s.fails(&cmd(command), body, 10015).await;
    }
    for command in [
        "update_group_counter",
        "get_group_counter",
        "delete_group_counter",
    ] {
        s.fails(&cmd(command), json!({}), 10004).await;
    }
}
both!(types_and_groups);
