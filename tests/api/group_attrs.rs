//! Group custom attributes: set (reset) / modify (upsert) / delete / clear in
//! group_open_http_svc, get in group_open_attr_http_svc; the limits, each refused write read
//! back unchanged; every group type; unknown and destroyed groups; SDK defaults.

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::groups::{cmd, create};

const GET: &str = "group_open_attr_http_svc/get_group_attr";

/// Creates a group of type `t` owned by "owner" and returns its id.
pub async fn group_of(s: &TestServer, t: &str) -> String {
    s.import_accounts(&["owner"]).await;
    create(
        s,
        json!({"Owner_Account": "owner", "Type": t, "Name": "attrs"}),
    )
    .await
}

/// The group's attributes as get_group_attr answers them.
async fn attrs(s: &TestServer, g: &str) -> Value {
    s.ok(GET, json!({"GroupId": g})).await["GroupAttrAry"].clone()
}

fn kv(pairs: &[(&str, &str)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect(),
    )
}

async fn set(s: &TestServer, g: &str, pairs: &[(&str, &str)]) {
    s.ok(
        &cmd("set_group_attr"),
        json!({"GroupId": g, "GroupAttr": kv(pairs)}),
    )
    .await;
}

async fn every_write_on_every_type(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    for t in ["Private", "Public", "ChatRoom", "AVChatRoom", "Community"] {
        let g = group_of(&s, t).await;
        assert_eq!(attrs(&s, &g).await, json!([]), "{t}: none at first");
        set(&s, &g, &[("b", "2"), ("a", "1"), ("c", "3")]).await;
        // Ordered by key.
        assert_eq!(
            attrs(&s, &g).await,
            kv(&[("a", "1"), ("b", "2"), ("c", "3")]),
            "{t}"
        );
        // Reset: exactly the keys given remain.
        set(&s, &g, &[("c", "new"), ("d", "4")]).await;
        assert_eq!(attrs(&s, &g).await, kv(&[("c", "new"), ("d", "4")]), "{t}");
        // Modify: upsert, the others kept.
        s.ok(
            &cmd("modify_group_attr"),
            json!({"GroupId": g, "GroupAttr": kv(&[("d", "four"), ("e", "5")])}),
        )
        .await;
        assert_eq!(
            attrs(&s, &g).await,
            kv(&[("c", "new"), ("d", "four"), ("e", "5")]),
            "{t}"
        );
        s.ok(
            &cmd("delete_group_attr"),
            json!({"GroupId": g, "GroupAttr": [{"key": "c"}, {"key": "e"}]}),
        )
        .await;
        assert_eq!(attrs(&s, &g).await, kv(&[("d", "four")]), "{t}");
        s.ok(&cmd("clear_group_attr"), json!({"GroupId": g})).await;
        assert_eq!(attrs(&s, &g).await, json!([]), "{t}");
    }
}
both!(every_write_on_every_type);

async fn values_round_trip(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let g = group_of(&s, "Public").await;
    let odd = "nul\u{0000}, quote \", emoji 😀, newline\n";
    set(&s, &g, &[("empty", ""), ("odd", odd), ("键", "值")]).await;
    assert_eq!(
        attrs(&s, &g).await,
        kv(&[("empty", ""), ("odd", odd), ("键", "值")])
    );
    // A key named twice: the later value wins, in set and in modify alike.
    set(&s, &g, &[("k", "first"), ("k", "second")]).await;
    assert_eq!(attrs(&s, &g).await, kv(&[("k", "second")]));
    s.ok(
        &cmd("modify_group_attr"),
        json!({"GroupId": g, "GroupAttr": kv(&[("k", "x"), ("k", "y")])}),
    )
    .await;
    assert_eq!(attrs(&s, &g).await, kv(&[("k", "y")]));
    // Deleting a key named twice removes it once.
    s.ok(
        &cmd("delete_group_attr"),
        json!({"GroupId": g, "GroupAttr": [{"key": "k"}, {"key": "k"}]}),
    )
    .await;
    assert_eq!(attrs(&s, &g).await, json!([]));
}
both!(values_round_trip);

async fn limits_refuse_and_change_nothing(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let g = group_of(&s, "AVChatRoom").await;
    let k32 = "k".repeat(32);
    let k33 = "k".repeat(33);
    let v4000 = "v".repeat(4000);
    let v4001 = "v".repeat(4001);
    // At the limits: a 32-byte key, 4000-byte values (sizes in UTF-8 bytes).
    set(&s, &g, &[(&k32, ""), ("a", &v4000), ("b", &v4000)]).await;
    let before = attrs(&s, &g).await;
    assert_eq!(before.as_array().unwrap().len(), 3);
    let cases: Vec<(&str, Value, i64)> = vec![
        ("set_group_attr", kv(&[(&k33, "x")]), 10045),
        (
            "modify_group_attr",
            kv(&[("ok", "1"), (&"é".repeat(17), "x")]),
            10045,
        ),
        ("set_group_attr", kv(&[("a", &v4001)]), 10046),
        (
            "modify_group_attr",
            kv(&[("ok", "1"), ("z", &v4001)]),
            10046,
        ),
        // 4000 + 4000 + 4000 + 4000 + 1 bytes of values.
        (
            "modify_group_attr",
            kv(&[("c", &v4000), ("d", &v4000), ("e", "1")]),
            10048,
        ),
        (
            "set_group_attr",
            kv(&[
                ("a", &v4000),
                ("b", &v4000),
                ("c", &v4000),
                ("d", &v4000),
                ("e", "1"),
            ]),
            10048,
        ),
    ];
    for (command, attr, code) in cases {
        let v = s
            .fails(
                &cmd(command),
                json!({"GroupId": g, "GroupAttr": attr}),
                code,
            )
            .await;
        assert!(
            v["ErrorInfo"].as_str().unwrap().contains("attribute"),
            "{v}"
        );
        assert_eq!(
            attrs(&s, &g).await,
            before,
            "{command} {code} changed nothing"
        );
    }
    // Exactly 16000 bytes fit.
    s.ok(
        &cmd("modify_group_attr"),
        json!({"GroupId": g, "GroupAttr": kv(&[("c", &v4000), ("d", &v4000)])}),
    )
    .await;
    assert_eq!(attrs(&s, &g).await.as_array().unwrap().len(), 5);
    let over = attrs(&s, &g).await;
    s.fails(
        &cmd("modify_group_attr"),
        json!({"GroupId": g, "GroupAttr": kv(&[("e", "1")])}),
        10048,
    )
    .await;
    assert_eq!(attrs(&s, &g).await, over);
}
both!(limits_refuse_and_change_nothing);

async fn at_most_sixteen_keys(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let g = group_of(&s, "Private").await;
    let names: Vec<String> = (0..17).map(|i| format!("k{i:02}")).collect();
    let sixteen: Vec<(&str, &str)> = names[..16].iter().map(|k| (k.as_str(), "v")).collect();
    set(&s, &g, &sixteen).await;
    let before = attrs(&s, &g).await;
    assert_eq!(before.as_array().unwrap().len(), 16);
    s.fails(
        &cmd("modify_group_attr"),
        json!({"GroupId": g, "GroupAttr": kv(&[("k00", "changed"), ("k16", "v")])}),
        10047,
    )
    .await;
    assert_eq!(attrs(&s, &g).await, before);
    let seventeen: Vec<(&str, &str)> = names.iter().map(|k| (k.as_str(), "w")).collect();
    s.fails(
        &cmd("set_group_attr"),
        json!({"GroupId": g, "GroupAttr": kv(&seventeen)}),
        10047,
    )
    .await;
    assert_eq!(attrs(&s, &g).await, before);
    // Overwriting keys that exist adds none; a reset is judged by what it leaves.
    s.ok(
        &cmd("modify_group_attr"),
        json!({"GroupId": g, "GroupAttr": kv(&[("k00", "changed")])}),
    )
    .await;
    let others: Vec<String> = (0..16).map(|i| format!("o{i:02}")).collect();
    let others: Vec<(&str, &str)> = others.iter().map(|k| (k.as_str(), "o")).collect();
    set(&s, &g, &others).await;
    assert_eq!(attrs(&s, &g).await, kv(&others));
}
both!(at_most_sixteen_keys);

async fn deleting_a_missing_key_changes_nothing(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let g = group_of(&s, "Community").await;
    set(&s, &g, &[("a", "1"), ("b", "2")]).await;
    let v = s
        .fails(
            &cmd("delete_group_attr"),
            json!({"GroupId": g, "GroupAttr": [{"key": "a"}, {"key": "nope"}]}),
            10050,
        )
        .await;
    assert!(v["ErrorInfo"].as_str().unwrap().contains("nope"), "{v}");
    assert_eq!(attrs(&s, &g).await, kv(&[("a", "1"), ("b", "2")]));
    // A key too long to exist is 10045 (delete's page lists it).
    s.fails(
        &cmd("delete_group_attr"),
        json!({"GroupId": g, "GroupAttr": [{"key": "k".repeat(33)}]}),
        10045,
    )
    .await;
    // Deleting again what was deleted: 10050, as for any missing key.
    let del_a = json!({"GroupId": g, "GroupAttr": [{"key": "a"}]});
    s.ok(&cmd("delete_group_attr"), del_a.clone()).await;
    s.fails(&cmd("delete_group_attr"), del_a, 10050).await;
    assert_eq!(attrs(&s, &g).await, kv(&[("b", "2")]));
    // Clearing twice is fine, and deleting from a cleared group is 10050.
    s.ok(&cmd("clear_group_attr"), json!({"GroupId": g})).await;
    s.ok(&cmd("clear_group_attr"), json!({"GroupId": g})).await;
    s.fails(
        &cmd("delete_group_attr"),
        json!({"GroupId": g, "GroupAttr": [{"key": "b"}]}),
        10050,
    )
    .await;
    assert_eq!(attrs(&s, &g).await, json!([]));
}
both!(deleting_a_missing_key_changes_nothing);

async fn sdk_defaults_and_bad_fields(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let g = group_of(&s, "Public").await;
    set(&s, &g, &[("a", "1")]).await;
    // `[]` is a value: modify and delete change nothing, set leaves no attribute.
    for command in ["modify_group_attr", "delete_group_attr"] {
        s.ok(&cmd(command), json!({"GroupId": g, "GroupAttr": []}))
            .await;
        assert_eq!(attrs(&s, &g).await, kv(&[("a", "1")]), "{command}");
    }
    let bad: Vec<(&str, Value)> = vec![
        ("set_group_attr", json!({"GroupId": g})),
        (
            "modify_group_attr",
            json!({"GroupId": g, "GroupAttr": null}),
        ),
        ("delete_group_attr", json!({"GroupId": g})),
        (
            "set_group_attr",
            json!({"GroupId": g, "GroupAttr": [{"key": "x"}]}),
        ),
        (
            "modify_group_attr",
            json!({"GroupId": g, "GroupAttr": [{"value": "x"}]}),
        ),
        (
            "modify_group_attr",
            json!({"GroupId": g, "GroupAttr": kv(&[("", "x")])}),
        ),
        (
            "delete_group_attr",
            json!({"GroupId": g, "GroupAttr": [{"key": ""}]}),
        ),
        (
            "modify_group_attr",
            json!({"GroupId": g, "GroupAttr": [{"key": "n", "value": 1}]}),
        ),
        (
            "modify_group_attr",
            json!({"GroupId": g, "GroupAttr": kv(&[("a\u{0000}", "x")])}),
        ),
        // Capitalised names are group custom data's, not these.
        (
            "modify_group_attr",
            json!({"GroupId": g, "GroupAttr": [{"Key": "a", "Value": "x"}]}),
        ),
        ("modify_group_attr", json!({"GroupAttr": kv(&[("a", "x")])})),
        ("clear_group_attr", json!({})),
    ];
    for (command, body) in bad {
        s.fails(&cmd(command), body, 10004).await;
        assert_eq!(attrs(&s, &g).await, kv(&[("a", "1")]), "{command}");
    }
    s.fails(GET, json!({}), 10004).await;
    s.ok(
        &cmd("set_group_attr"),
        json!({"GroupId": g, "GroupAttr": []}),
    )
    .await;
    assert_eq!(attrs(&s, &g).await, json!([]));
}
both!(sdk_defaults_and_bad_fields);

async fn unknown_and_destroyed_groups(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let g = group_of(&s, "ChatRoom").await;
    set(&s, &g, &[("a", "1")]).await;
    s.ok(&cmd("destroy_group"), json!({"GroupId": g})).await;
    let one = kv(&[("a", "2")]);
    for id in [g.as_str(), "no-such-group"] {
        for (command, body) in [
            (
                cmd("set_group_attr"),
                json!({"GroupId": id, "GroupAttr": one}),
            ),
            (
                cmd("modify_group_attr"),
                json!({"GroupId": id, "GroupAttr": one}),
            ),
            (
                cmd("delete_group_attr"),
                json!({"GroupId": id, "GroupAttr": [{"key": "a"}]}),
            ),
            (cmd("clear_group_attr"), json!({"GroupId": id})),
            (GET.to_string(), json!({"GroupId": id})),
        ] {
            s.fails(&command, body, 10010).await;
        }
    }
    for (command, body) in [
        (
            cmd("set_group_attr"),
            json!({"GroupId": "", "GroupAttr": one}),
        ),
        (cmd("clear_group_attr"), json!({"GroupId": "x".repeat(49)})),
        (GET.to_string(), json!({"GroupId": "tab\there"})),
    ] {
        s.fails(&command, body, 10015).await;
    }
    // The attribute service answers unknown commands as the group service does.
    s.fails("group_open_attr_http_svc/get_group_attrs", json!({}), 10003)
        .await;
}
both!(unknown_and_destroyed_groups);

async fn concurrent_writes_respect_the_limits(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let s = std::sync::Arc::new(s);
    let g = group_of(&s, "Public").await;
    // 24 clients each add a key at once: the limit is judged inside each write's transaction,
    // so exactly 16 succeed however they interleave; and 24 increments of one counter all count.
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (s, g) = (s.clone(), g.clone());
        tasks.push(tokio::spawn(async move {
            let attr = s
                .call(
                    &cmd("modify_group_attr"),
                    json!({"GroupId": g, "GroupAttr": kv(&[(&format!("k{i:02}"), "v")])}),
                )
                .await;
            s.ok(
                &cmd("update_group_counter"),
                json!({"GroupId": g, "Mode": "Increase", "GroupCounter": [{"Key": "n", "Value": 1}]}),
            )
            .await;
            attr["ErrorCode"].as_i64().unwrap()
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 16, "{codes:?}");
    assert_eq!(
        codes.iter().filter(|c| **c == 10047).count(),
        8,
        "{codes:?}"
    );
    assert_eq!(attrs(&s, &g).await.as_array().unwrap().len(), 16);
    let v = s.ok(&cmd("get_group_counter"), json!({"GroupId": g})).await;
    assert_eq!(v["GroupCounter"], json!([{"Key": "n", "Value": 24}]));
}
both!(concurrent_writes_respect_the_limits);
