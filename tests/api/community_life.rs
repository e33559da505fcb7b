//! A community's whole life: members join, leave, change roles and read, as every member's
//! view (role and unread count) shows it at each step.

use serde_json::{Value, json};

use crate::administration::role;
use crate::both;
use crate::common::*;
use crate::groups::{cmd, create, info, send, text, unread};

/// Every member's view: (role, unread) per user, as get_role_in_group and the joined list show it.
async fn views(s: &TestServer, group: &str, users: &[&str]) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for u in users {
        let r = role(s, group, u).await;
        let n = if r == "NotMember" {
            -1
        } else {
            unread(s, group, u).await
        };
        out.push((r, n));
    }
    out
}

fn expect(rows: &[(&str, i64)]) -> Vec<(String, i64)> {
    rows.iter().map(|(r, n)| (r.to_string(), *n)).collect()
}

async fn community_life_story(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let users = ["ada", "ben", "cy", "dot"];
    s.import_accounts(&users).await;
    let g = create(
        &s,
        json!({"Type": "Community", "Name": "club", "Owner_Account": "ada"}),
    )
    .await;
    assert!(g.starts_with("@TGS#_"));
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[
            ("Owner", 0),
            ("NotMember", -1),
            ("NotMember", -1),
            ("NotMember", -1)
        ])
    );

    // Invite three people, promote one.
    s.ok(&cmd("add_group_member"), json!({"GroupId": g, "MemberList": [{"Member_Account": "ben"}, {"Member_Account": "cy"}, {"Member_Account": "dot"}]})).await;
    s.ok(
        &cmd("modify_group_member_info"),
        json!({"GroupId": g, "Member_Account": "ben", "Role": "Admin"}),
    )
    .await;
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[("Owner", 0), ("Admin", 0), ("Member", 0), ("Member", 0)])
    );

    // Chat: ada and cy talk.
    send(&s, &g, "ada", 1).await;
    send(&s, &g, "cy", 2).await;
    send(&s, &g, "ada", 3).await;
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[("Owner", 1), ("Admin", 3), ("Member", 2), ("Member", 3)])
    );

    // Mute dot; dot cannot speak, the others go on.
    s.ok(
        &cmd("forbid_send_msg"),
        json!({"GroupId": g, "Members_Account": ["dot"], "ShutUpTime": 3600}),
    )
    .await;
    s.fails(
        &cmd("send_group_msg"),
        json!({"GroupId": g, "From_Account": "dot", "Random": 4, "MsgBody": text("hey")}),
        10017,
    )
    .await;
    send(&s, &g, "ben", 5).await;
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[("Owner", 2), ("Admin", 3), ("Member", 3), ("Member", 4)])
    );

    // Recall ben's message: counts stay, history shows the placeholder.
    s.ok(
        &cmd("group_msg_recall"),
        json!({"GroupId": g, "MsgSeqList": [{"MsgSeq": 4}]}),
    )
    .await;
    let h = s
        .ok(
            &cmd("group_msg_get_simple"),
            json!({"GroupId": g, "ReqMsgNumber": 1}),
        )
        .await;
    assert_eq!(h["RspMsgList"][0]["IsPlaceMsg"], 2);
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[("Owner", 2), ("Admin", 3), ("Member", 3), ("Member", 4)])
    );

    // cy catches up; a notification changes nothing.
    s.ok(
        &cmd("set_unread_msg_num"),
        json!({"GroupId": g, "Member_Account": "cy", "UnreadMsgNum": 0}),
    )
    .await;
    s.ok(
        &cmd("send_group_system_notification"),
        json!({"GroupId": g, "Content": "rules"}),
    )
    .await;
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[("Owner", 2), ("Admin", 3), ("Member", 0), ("Member", 4)])
    );

    // Ownership passes to ben; ada stays as a member with her count.
    s.ok(
        &cmd("change_group_owner"),
        json!({"GroupId": g, "NewOwner_Account": "ben"}),
    )
    .await;
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[("Member", 2), ("Owner", 3), ("Member", 0), ("Member", 4)])
    );

    // dot is removed and comes back: nothing unread, still muted.
    s.ok(
        &cmd("delete_group_member"),
        json!({"GroupId": g, "MemberToDel_Account": ["dot"]}),
    )
    .await;
    s.ok(
        &cmd("add_group_member"),
        json!({"GroupId": g, "MemberList": [{"Member_Account": "dot"}]}),
    )
    .await;
    s.fails(
        &cmd("send_group_msg"),
        json!({"GroupId": g, "From_Account": "dot", "Random": 6, "MsgBody": text("hey")}),
        10017,
    )
    .await;
    send(&s, &g, "ben", 7).await;
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[("Member", 3), ("Owner", 3), ("Member", 1), ("Member", 1)])
    );

    // The end.
    s.ok(&cmd("destroy_group"), json!({"GroupId": g})).await;
    for u in users {
        let v = s
            .ok(
                &cmd("get_joined_group_list"),
                json!({"Member_Account": u, "WithNoActiveGroups": 1}),
            )
            .await;
        assert_eq!(v["TotalCount"], 0, "{u}");
    }
    s.fails(
        &cmd("get_role_in_group"),
        json!({"GroupId": g, "User_Account": ["ben"]}),
        10010,
    )
    .await;
    let _: Value = info(&s, &g).await;
}
both!(community_life_story);
