//! Community topics at their edges: repeated and racing ids in destroy_topic, the bound on
//! get_topic's TopicIdList, and a topic id that an older group already has as its GroupId.
//! (The 10037 cap on live topics per Community, 1000, is tested in src/domain/topic.rs: a
//! thousand creations would make this suite slow.)

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::groups::cmd;
use crate::topics::{GROUP, community, create_topic, topic_cmd, topics};

const T1: &str = "@TGS#_c1@TOPIC#_one";
const T2: &str = "@TGS#_c1@TOPIC#_two";

async fn two_topics(s: &TestServer) {
    community(s).await;
    for id in [T1, T2] {
        create_topic(
            s,
            json!({"GroupId": GROUP, "TopicId": id, "TopicName": "t"}),
        )
        .await;
    }
}

async fn destroy(s: &TestServer, ids: &[&str]) -> Vec<(i64, String)> {
    let v = s
        .ok(
            &topic_cmd("destroy_topic"),
            json!({"GroupId": GROUP, "TopicIdList": ids}),
        )
        .await;
    items(&v["DestroyResultItem"])
}

fn items(v: &Value) -> Vec<(i64, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let id = i["TopicId"].as_str().unwrap_or_default().to_string();
            (i["ErrorCode"].as_i64().unwrap(), id)
        })
        .collect()
}

async fn destroy_repeated_ids(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    two_topics(&s).await;
    let nope = "@TGS#_c1@TOPIC#_nope";
    // Items in request order; a repeated id answers as its first occurrence.
    let got = destroy(&s, &[T2, T1, T2, nope, T1, nope]).await;
    let want = [
        (0, T2),
        (0, T1),
        (0, T2),
        (10010, nope),
        (0, T1),
        (10010, nope),
    ];
    assert_eq!(got, want.map(|(c, t)| (c, t.to_string())));
    let got = destroy(&s, &[T1, T1]).await;
    assert_eq!(got, vec![(110003, T1.into()), (110003, T1.into())]);
    let got: Vec<i64> = topics(&s, "a", &[T1, T2])
        .await
        .iter()
        .map(|i| i["ErrorCode"].as_i64().unwrap())
        .collect();
    assert_eq!(got, vec![110003, 110003]);
    assert!(topics(&s, "a", &[]).await.is_empty());
}
both!(destroy_repeated_ids);

async fn destroy_racing_in_opposite_orders(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    two_topics(&s).await;
    // Both calls succeed (no deadlock); each topic is destroyed by exactly one of them.
    let (x, y) = tokio::join!(destroy(&s, &[T1, T2]), destroy(&s, &[T2, T1]));
    for t in [T1, T2] {
        let codes: Vec<i64> = x
            .iter()
            .chain(&y)
            .filter(|i| i.1 == t)
            .map(|i| i.0)
            .collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(sorted, vec![0, 110003], "{t}: {x:?} {y:?}");
    }
    assert!(topics(&s, "a", &[]).await.is_empty());
}
both!(destroy_racing_in_opposite_orders);

async fn get_topic_list_is_bounded(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    two_topics(&s).await;
    destroy(&s, &[T2]).await;
    let get = topic_cmd("get_topic");
    let mut ids: Vec<String> = (0..99).map(|i| format!("{GROUP}@TOPIC#_n{i}")).collect();
    ids.push(T1.into());
    let body = |ids: &[String]| json!({"GroupId": GROUP, "From_Account": "a", "TopicIdList": ids});
    let v = s.ok(&get, body(&ids)).await;
    let got = v["TopicAndSelfInfo"].as_array().unwrap();
    assert_eq!(got.len(), 100);
    assert_eq!(got[0]["ErrorCode"], 10010);
    assert_eq!(got[99]["ErrorCode"], 0);
    assert_eq!(got[99]["TopicInfo"]["TopicId"], T1);
    ids.push(T2.into());
    let v = s.fails(&get, body(&ids), 10004).await;
    assert!(
        v["ErrorInfo"].as_str().unwrap().contains("at most 100"),
        "{v}"
    );
    // A repeated id is answered at each place; a destroyed one with 110003.
    let v = s
        .ok(&get, body(&[T2.into(), T1.into(), T2.into(), T1.into()]))
        .await;
    let got: Vec<(i64, String)> = v["TopicAndSelfInfo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let id = i["TopicInfo"]["TopicId"].as_str().unwrap().to_string();
            (i["ErrorCode"].as_i64().unwrap(), id)
        })
        .collect();
    let want = [(110003, T2), (0, T1), (110003, T2), (0, T1)];
    assert_eq!(got, want.map(|(c, t)| (c, t.to_string())));
    // The whole list: live topics only.
    let all = topics(&s, "a", &[]).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["TopicInfo"]["TopicId"], T1);
}
both!(get_topic_list_is_bounded);

/// Renames a group's id in the database, as a group created before Community GroupIds were
/// refused `@TOPIC#_` would be named (no request can create one now).
async fn rename_group(s: &TestServer, from: &str, to: &str) {
    let sql = "UPDATE chat_groups SET group_id = $1 WHERE group_id = $2";
    if let Some(path) = s.database.strip_prefix("sqlite://") {
        let conn = rusqlite::Connection::open(path).unwrap();
        let n = conn.execute(sql, [to, from]).unwrap();
        assert_eq!(n, 1);
    } else {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&s.database).await.unwrap();
        let done = sqlx::query(sql)
            .bind(to)
            .bind(from)
            .execute(&mut conn)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1);
    }
}

async fn topic_id_used_by_an_older_group(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    community(&s).await;
    let old = "@TGS#_c1@TOPIC#_old";
    s.ok(
        &cmd("create_group"),
        json!({"Type": "Public", "Name": "old", "GroupId": "legacy1", "Owner_Account": "owner"}),
    )
    .await;
    rename_group(&s, "legacy1", old).await;
    let body = json!({"GroupId": GROUP, "TopicId": old, "TopicName": "t"});
    let v = s
        .fails(&topic_cmd("create_topic"), body.clone(), 10025)
        .await;
    assert!(v["ErrorInfo"].as_str().unwrap().contains(old), "{v}");
    s.fails(&topic_cmd("import_topic"), body.clone(), 10021)
        .await;
    s.fails(&cmd("import_topic"), body, 10021).await;
    // Nothing was created; the older group is still there under its id.
    let items = topics(&s, "a", &[old]).await;
    assert_eq!(items[0]["ErrorCode"], 10010);
    assert!(topics(&s, "a", &[]).await.is_empty());
    let v = s
        .ok(&cmd("get_group_info"), json!({"GroupIdList": [old]}))
        .await;
    assert_eq!(v["GroupInfo"][0]["ErrorCode"], 0, "{v}");
    assert_eq!(v["GroupInfo"][0]["Name"], "old");
}
both!(topic_id_used_by_an_older_group);

/// A Community with topics answers `SupportTopic: 1` in get_group_info, and in
/// get_joined_group_list when its filter names the field.
async fn a_community_with_topics_says_so(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    community(&s).await;
    assert_eq!(crate::groups::info(&s, GROUP).await["SupportTopic"], 1);
    let v = s
        .ok(
            &cmd("get_group_info"),
            json!({"GroupIdList": [GROUP],
                "ResponseFilter": {"GroupBaseInfoFilter": ["Type"]}}),
        )
        .await;
    assert_eq!(
        v["GroupInfo"][0].get("SupportTopic"),
        None,
        "not asked for: {v}"
    );
    let v = s
        .ok(
            &cmd("get_joined_group_list"),
            json!({"Member_Account": "a",
                "ResponseFilter": {"GroupBaseInfoFilter": ["Type", "SupportTopic"]}}),
        )
        .await;
    let group = &v["GroupIdList"][0];
    assert_eq!(
        (group["Type"].clone(), group["SupportTopic"].clone()),
        (json!("Community"), json!(1)),
        "{v}"
    );
}
both!(a_community_with_topics_says_so);
