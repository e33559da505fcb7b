//! Community topics: create, import (both paths), get, modify, destroy; custom ids and their
//! collisions; limits with read-back; SDK defaults; the muted list under both names.

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::groups::cmd;

pub const GROUP: &str = "@TGS#_c1";
const M: &str = "million_group_open_http_svc";

pub fn topic_cmd(name: &str) -> String {
    format!("{M}/{name}")
}

/// A Community with topics, `GROUP`, owned by `owner`, with the admin `adm` and members `a`, `b`.
pub async fn community(s: &TestServer) {
    s.import_accounts(&["owner", "adm", "a", "b", "out"]).await;
    s.ok(
        &cmd("create_group"),
        json!({"Type": "Community", "Name": "c", "GroupId": GROUP, "Owner_Account": "owner",
               "SupportTopic": 1, "MemberList": [{"Member_Account": "adm", "Role": "Admin"},
               {"Member_Account": "a"}, {"Member_Account": "b"}]}),
    )
    .await;
}

pub async fn create_topic(s: &TestServer, body: Value) -> String {
    let v = s.ok(&topic_cmd("create_topic"), body).await;
    v["TopicId"].as_str().unwrap().to_string()
}

/// The get_topic answer's items as `user` sees them, for `ids` (empty: all).
pub async fn topics(s: &TestServer, user: &str, ids: &[&str]) -> Vec<Value> {
    let v = s
        .ok(
            &topic_cmd("get_topic"),
            json!({"GroupId": GROUP, "From_Account": user, "TopicIdList": ids}),
        )
        .await;
    v["TopicAndSelfInfo"].as_array().unwrap().clone()
}

/// One live topic's item.
pub async fn topic(s: &TestServer, user: &str, id: &str) -> Value {
    let items = topics(s, user, &[id]).await;
    assert_eq!(items[0]["ErrorCode"], 0, "{items:?}");
    items[0].clone()
}

async fn create_get_modify(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    community(&s).await;
    let generated = create_topic(
        &s,
        json!({"GroupId": GROUP, "TopicName": "general", "From_Account": "a"}),
    )
    .await;
    assert!(
        generated.starts_with("@TGS#_c1@TOPIC#_@TOPIC#c"),
        "{generated}"
    );
    let custom = "@TGS#_c1@TOPIC#_news";
    let id = create_topic(
        &s,
        json!({"GroupId": GROUP, "TopicId": custom, "TopicName": "news", "CustomString": "cs",
               "FaceUrl": "http://f", "Notification": "no", "Introduction": "in"}),
    )
    .await;
    assert_eq!(id, custom);
    let item = topic(&s, "a", custom).await;
    assert_eq!(
        item["TopicInfo"],
        json!({"TopicId": custom, "TopicName": "news", "GroupID": GROUP, "FaceUrl": "http://f",
               "NextMsgSeq": 1, "Notification": "no", "Introduction": "in", "CreateTime": T0,
               "LastMsgTime": 0, "MuteAllMember": "Off", "CustomString": "cs"})
    );
    assert_eq!(
        item["SelfInfo"],
        json!({"ShutUpTime": 0, "MsgSeq": 0, "MsgFlag": "AcceptAndNotify"})
    );
    let all = topics(&s, "a", &[]).await;
    let ids: Vec<&str> = all
        .iter()
        .map(|t| t["TopicInfo"]["TopicId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&custom) && ids.contains(&generated.as_str()));

    s.ok(
        &topic_cmd("modify_topic"),
        json!({"GroupId": GROUP, "TopicId": custom, "TopicName": "renamed",
               "Notification": "", "MuteAllMember": "On", "From_Account": "owner"}),
    )
    .await;
    let info = topic(&s, "a", custom).await["TopicInfo"].clone();
    assert_eq!(info["TopicName"], "renamed");
    assert_eq!(info["Notification"], "");
    assert_eq!(info["Introduction"], "in");
    assert_eq!(info["MuteAllMember"], "On");
}
both!(create_get_modify);

async fn destroy_twice_and_ids_stay_taken(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    community(&s).await;
    let generated = create_topic(&s, json!({"GroupId": GROUP, "TopicName": "general"})).await;
    let custom = "@TGS#_c1@TOPIC#_news";
    create_topic(
        &s,
        json!({"GroupId": GROUP, "TopicId": custom, "TopicName": "news"}),
    )
    .await;
    let v = s
        .ok(
            &topic_cmd("destroy_topic"),
            json!({"GroupId": GROUP, "TopicIdList": [custom, "@TGS#_c1@TOPIC#_nope"]}),
        )
        .await;
    assert_eq!(v["DestroyResultItem"][0]["ErrorCode"], 0);
    assert_eq!(v["DestroyResultItem"][0]["TopicId"], custom);
    assert_eq!(v["DestroyResultItem"][1]["ErrorCode"], 10010);
    // Destroying again: the item says 110003, the call succeeds.
    let v = s
        .ok(
            &topic_cmd("destroy_topic"),
            json!({"GroupId": GROUP, "TopicIdList": [custom]}),
        )
        .await;
    assert_eq!(v["DestroyResultItem"][0]["ErrorCode"], 110003);
    let items = topics(&s, "a", &[custom, "@TGS#_c1@TOPIC#_nope", &generated]).await;
    assert_eq!(items[0]["ErrorCode"], 110003);
    assert_eq!(items[0]["TopicInfo"]["TopicId"], custom);
    assert_eq!(items[1]["ErrorCode"], 10010);
    assert_eq!(items[2]["ErrorCode"], 0);
    assert_eq!(topics(&s, "a", &[]).await.len(), 1);
    // A destroyed topic cannot be modified, and its id stays taken.
    s.fails(
        &topic_cmd("modify_topic"),
        json!({"GroupId": GROUP, "TopicId": custom, "TopicName": "x"}),
        110003,
    )
    .await;
    s.fails(
        &topic_cmd("modify_topic"),
        json!({"GroupId": GROUP, "TopicId": "@TGS#_c1@TOPIC#_nope", "TopicName": "x"}),
        10010,
    )
    .await;
    s.fails(
        &topic_cmd("create_topic"),
        json!({"GroupId": GROUP, "TopicId": custom, "TopicName": "again"}),
        10025,
    )
    .await;
    s.fails(
        &topic_cmd("import_topic"),
        json!({"GroupId": GROUP, "TopicId": custom, "TopicName": "again"}),
        10021,
    )
    .await;
}
both!(destroy_twice_and_ids_stay_taken);

async fn import_topic_on_both_paths(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["owner"]).await;
    s.ok(
        &cmd("import_group"),
        json!({"Type": "Community", "Name": "c", "GroupId": GROUP, "Owner_Account": "owner",
               "SupportTopic": 1, "CreateTime": T0 - 1000}),
    )
    .await;
    let old = "@TGS#_c1@TOPIC#_old";
    let v = s
        .ok(
            &cmd("import_topic"),
            json!({"Type": "Community", "GroupId": GROUP, "TopicId": old, "TopicName": "old",
                   "CreateTime": T0 - 500, "From_Account": "someone"}),
        )
        .await;
    assert_eq!(v["TopicId"], old);
    let v = s
        .ok(
            &topic_cmd("import_topic"),
            json!({"Type": "", "GroupId": GROUP, "TopicName": "gen", "CreateTime": 0,
                   "TopicId": "", "From_Account": ""}),
        )
        .await;
    let generated = v["TopicId"].as_str().unwrap().to_string();
    assert!(generated.starts_with("@TGS#_c1@TOPIC#_@TOPIC#c"));
    let items = topics(&s, "owner", &[old, &generated]).await;
    assert_eq!(items[0]["TopicInfo"]["CreateTime"], T0 - 500);
    assert_eq!(items[1]["TopicInfo"]["CreateTime"], T0);
    // The same custom id again, on either path: 10021; create_topic says 10025.
    for c in [cmd("import_topic"), topic_cmd("import_topic")] {
        s.fails(
            &c,
            json!({"GroupId": GROUP, "TopicId": old, "TopicName": "x"}),
            10021,
        )
        .await;
    }
    s.fails(
        &topic_cmd("create_topic"),
        json!({"GroupId": GROUP, "TopicId": old, "TopicName": "x"}),
        10025,
    )
    .await;
    for (body, code) in [
        (
            json!({"GroupId": GROUP, "TopicName": "f", "CreateTime": T0 + 10}),
            10004,
        ),
        (
            json!({"GroupId": GROUP, "TopicName": "f", "CreateTime": T0 - 2000}),
            10004,
        ),
        (
            json!({"GroupId": GROUP, "TopicName": "f", "Type": "Public"}),
            10004,
        ),
        (json!({"GroupId": "@TGS#_none", "TopicName": "f"}), 10010),
    ] {
        s.fails(&cmd("import_topic"), body, code).await;
    }
    assert_eq!(
        topics(&s, "owner", &[]).await.len(),
        2,
        "nothing imported by the failures"
    );
}
both!(import_topic_on_both_paths);

async fn only_communities_with_topics(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["owner"]).await;
    for (t, id) in [("Community", "@TGS#_plain"), ("Public", "pub1")] {
        // SupportTopic on a Public group is accepted and has no effect.
        s.ok(
            &cmd("create_group"),
            json!({"Type": t, "Name": "n", "GroupId": id, "Owner_Account": "owner",
                   "SupportTopic": if t == "Public" { 1 } else { 0 }}),
        )
        .await;
        for (c, body) in [
            ("create_topic", json!({"GroupId": id, "TopicName": "t"})),
            ("import_topic", json!({"GroupId": id, "TopicName": "t"})),
            ("get_topic", json!({"GroupId": id, "From_Account": "owner"})),
            (
                "destroy_topic",
                json!({"GroupId": id, "TopicIdList": ["x"]}),
            ),
        ] {
            s.fails(&topic_cmd(c), body, 11000).await;
        }
        s.fails(
            &cmd("send_group_msg"),
            json!({"GroupId": id, "Random": 1, "TopicId": format!("{id}@TOPIC#_x"),
                   "MsgBody": crate::groups::text("hi")}),
            11000,
        )
        .await;
        let info = crate::groups::info(&s, id).await;
        assert_eq!(info["NextMsgSeq"], 1);
        // A Community says whether it has topics; other types have no such field.
        let support = if t == "Community" {
            json!(0)
        } else {
            Value::Null
        };
        assert_eq!(info["SupportTopic"], support, "{info}");
    }
    s.fails(
        &topic_cmd("create_topic"),
        json!({"GroupId": "@TGS#_missing", "TopicName": "t"}),
        10010,
    )
    .await;
    s.fails(
        &topic_cmd("create_topic"),
        json!({"GroupId": "", "TopicName": "t"}),
        10015,
    )
    .await;
    // No Community may be named like a topic: topic ids are GroupIds followed by @TOPIC#_.
    s.fails(
        &cmd("create_group"),
        json!({"Type": "Community", "Name": "n", "GroupId": "@TGS#_plain@TOPIC#_x"}),
        10015,
    )
    .await;
}
both!(only_communities_with_topics);

async fn limits_and_custom_ids(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    community(&s).await;
    let fits = json!({"GroupId": GROUP, "TopicName": "é".repeat(15),
        "CustomString": "c".repeat(3000), "FaceUrl": "f".repeat(100),
        "Notification": "n".repeat(300), "Introduction": "i".repeat(240)});
    let id = create_topic(&s, fits.clone()).await;
    let info = topic(&s, "a", &id).await["TopicInfo"].clone();
    for f in [
        "TopicName",
        "CustomString",
        "FaceUrl",
        "Notification",
        "Introduction",
    ] {
        assert_eq!(info[f], fits[f], "{f}");
    }
    for (field, long) in [
        ("TopicName", "é".repeat(15) + "x"),
        ("CustomString", "c".repeat(3001)),
        ("FaceUrl", "f".repeat(101)),
        ("Notification", "n".repeat(301)),
        ("Introduction", "i".repeat(241)),
    ] {
        let mut body = fits.clone();
        body[field] = json!(long);
        s.fails(&topic_cmd("create_topic"), body, 10004).await;
        s.fails(
            &topic_cmd("modify_topic"),
            json!({"GroupId": GROUP, "TopicId": id, field: long}),
            10004,
        )
        .await;
    }
    let over = format!("{GROUP}@TOPIC#_{}", "x".repeat(96 - GROUP.len() - 7));
    let at_limit = over[..over.len() - 1].to_string();
    for bad in [
        "@TGS#_other@TOPIC#_x".to_string(),
        format!("{GROUP}@TOPIC#_"),
        over.clone(),
        format!("{GROUP}@TOPIC#_a@TGS#_b"),
        format!("{GROUP}@TOPIC#_@TOPIC#cABC"),
        format!("{GROUP}@TOPIC#_\u{e9}"),
    ] {
        s.fails(
            &topic_cmd("create_topic"),
            json!({"GroupId": GROUP, "TopicId": bad, "TopicName": "t"}),
            10004,
        )
        .await;
    }
    for body in [
        json!({"GroupId": GROUP, "TopicName": ""}),
        json!({"GroupId": GROUP}),
        json!({"GroupId": GROUP, "TopicName": "t", "From_Account": "out"}),
    ] {
        let code = if body.get("From_Account").is_some() {
            10007
        } else {
            10004
        };
        s.fails(&topic_cmd("create_topic"), body, code).await;
    }
    // Nothing was created or changed by the failures.
    let all = topics(&s, "a", &[]).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["TopicInfo"], info);
    create_topic(
        &s,
        json!({"GroupId": GROUP, "TopicName": "t", "TopicId": at_limit}),
    )
    .await;
}
both!(limits_and_custom_ids);

async fn sdk_defaults_and_filters(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    community(&s).await;
    let id = create_topic(
        &s,
        json!({"GroupId": GROUP, "TopicId": "", "TopicName": "t", "From_Account": "",
               "CustomString": "", "FaceUrl": "", "Notification": "", "Introduction": ""}),
    )
    .await;
    assert!(id.starts_with("@TGS#_c1@TOPIC#_@TOPIC#c"));
    s.ok(
        &topic_cmd("modify_topic"),
        json!({"GroupId": GROUP, "TopicId": id, "MuteAllMember": "On"}),
    )
    .await;
    // Every optional field at its default: nothing changes but what "" sets.
    s.ok(
        &topic_cmd("modify_topic"),
        json!({"GroupId": GROUP, "TopicId": id, "TopicName": "", "MuteAllMember": "",
               "From_Account": ""}),
    )
    .await;
    let v = s
        .ok(
            &topic_cmd("get_topic"),
            json!({"GroupId": GROUP, "From_Account": "a", "TopicIdList": [], "ResponseFilter": []}),
        )
        .await;
    let info = &v["TopicAndSelfInfo"][0]["TopicInfo"];
    assert_eq!(info["TopicName"], "t");
    assert_eq!(info["MuteAllMember"], "On");
    assert_eq!(info.as_object().unwrap().len(), 11);
    let v = s
        .ok(
            &topic_cmd("get_topic"),
            json!({"GroupId": GROUP, "From_Account": "a", "ResponseFilter": ["TopicName", "Nope"]}),
        )
        .await;
    assert_eq!(
        v["TopicAndSelfInfo"][0]["TopicInfo"],
        json!({"TopicId": id, "TopicName": "t"})
    );
    s.fails(
        &topic_cmd("get_topic"),
        json!({"GroupId": GROUP, "From_Account": "out"}),
        10007,
    )
    .await;
    s.fails(&topic_cmd("get_topic"), json!({"GroupId": GROUP}), 10004)
        .await;
    s.fails(
        &topic_cmd("modify_topic"),
        json!({"GroupId": GROUP, "TopicId": id, "MuteAllMember": "Yes"}),
        10004,
    )
    .await;
    s.fails(
        &topic_cmd("destroy_topic"),
        json!({"GroupId": GROUP, "TopicIdList": []}),
        10004,
    )
    .await;
    assert_eq!(topics(&s, "a", &[]).await.len(), 1);
}
both!(sdk_defaults_and_filters);
