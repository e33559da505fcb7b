//! Conversation lists and read marks (`recentcontact`, admin_set_msg_read): the 100-conversation
//! cap, paging inside runs of equal times, read marks before a first message, deleting with and
//! without ClearRamble, group conversations, and bad input, on both backends.

use std::time::Duration;

use serde_json::json;

use crate::both;
use crate::c2c::{history, text, unread_total};
use crate::c2c_model::*;
use crate::common::*;
use crate::groups::cmd;

// ---------------------------------------------------------------------------------------
// The list's size and paging.

/// Tencent keeps an ordinary account's 100 most recent conversations: the 5 oldest of 105
/// drop out of the owner's list (not out of the peers' lists), in two full-sized pages.
async fn only_the_100_newest_conversations_are_listed(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o"]).await;
    let peers = accounts(&s, "p", 105).await;
    let first = s.now() - 1000;
    for (i, p) in peers.iter().enumerate() {
        import(&s, "o", p, 2, i as u32, first + i as i64).await;
    }
    let (all, pages) = walk(&s, "o").await;
    let expected: Vec<_> = (5..105)
        .rev()
        .map(|i| c2c(&peers[i], first + i as i64))
        .collect();
    assert_eq!(all, expected);
    assert_eq!(pages, 2);
    assert_eq!(list(&s, &peers[0]).await, [c2c("o", first)]);
}
both!(only_the_100_newest_conversations_are_listed);

/// 70 conversations in three runs of equal times (a frozen clock between advances), the page
/// boundary inside the middle run: the cursor resumes inside the run, in peer order, with no
/// duplicate and no gap. Then 60 conversations all of one second.
async fn paging_resumes_inside_a_run_of_equal_times(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o", "q"]).await;
    let peers = accounts(&s, "p", 70).await;
    let mut expected = Vec::new();
    for run in [0..10, 10..55, 55..70] {
        s.clock.advance(Duration::from_secs(7));
        for i in run.clone() {
            send(&s, &peers[i], "o", i as u32).await;
        }
        let mut items: Vec<_> = run.map(|i| c2c(&peers[i], s.now())).collect();
        items.append(&mut expected);
        expected = items;
    }
    let first = page(&s, "o", 0, 0).await;
    // 15 of the newest second, then 35 of the 45 of the middle one.
    assert_eq!(
        (first["TimeStamp"].as_i64(), first["StartIndex"].as_i64()),
        (Some(expected[49].2), Some(35))
    );
    let (all, pages) = walk(&s, "o").await;
    assert_eq!(all, expected);
    assert_eq!(pages, 2);

    s.clock.advance(Duration::from_secs(7));
    for (i, p) in peers.iter().take(60).enumerate() {
        send(&s, p, "q", 100 + i as u32).await;
    }
    let (all, pages) = walk(&s, "q").await;
    let expected: Vec<_> = peers[..60].iter().map(|p| c2c(p, s.now())).collect();
    assert_eq!(all, expected);
    assert_eq!(pages, 2);
}
both!(paging_resumes_inside_a_run_of_equal_times);

// ---------------------------------------------------------------------------------------
// Read marks.

/// A read mark holds whether or not the conversation has a message yet ("the read mark never
/// moves back"): `a` marks both peers read up to now, `b` after `a` wrote to it, `c` before
/// any message; late real-time imports from both, older than the mark, arrive read alike.
async fn a_read_mark_holds_before_the_first_message(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c"]).await;
    let t = s.now();
    send(&s, "a", "b", 1).await;
    for peer in ["b", "c"] {
        let body =
            json!({"Report_Account": "a", "Peer_Account": peer, "MsgReadTime": t.to_string()});
        s.ok("openim/admin_set_msg_read", body).await;
    }
    import(&s, "b", "a", 5, 2, t - 10).await;
    import(&s, "c", "a", 5, 3, t - 10).await;
    let expected = vec![("b".to_string(), 0), ("c".to_string(), 0)];
    assert_eq!(counts(&s, "a", &["b", "c"]).await, expected);
    assert_eq!(unread_total(&s, "a").await, 0);
}
both!(a_read_mark_holds_before_the_first_message);

// ---------------------------------------------------------------------------------------
// Deleting.

/// ClearRamble 1 removes the messages so far from the owner's history only; the next message
/// brings the conversation back to the list, and into both histories.
async fn clear_ramble_clears_the_owners_history_only(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    let t = s.now();
    import(&s, "a", "b", 2, 1, t - 30).await;
    import(&s, "b", "a", 5, 2, t - 20).await;
    send(&s, "a", "b", 3).await;
    assert_eq!(unread_total(&s, "a").await, 1);
    delete(&s, "a", "b", 1).await;
    assert_eq!(unread_total(&s, "a").await, 0, "deleting reads everything");
    assert_eq!(list(&s, "a").await, []);
    assert_eq!(list(&s, "b").await, [c2c("a", t)]);
    assert_eq!(history(&s, "a", "b").await.len(), 0);
    assert_eq!(history(&s, "b", "a").await.len(), 3);

    s.clock.advance(Duration::from_secs(10));
    let key = send(&s, "b", "a", 4).await["MsgKey"].clone();
    assert_eq!(list(&s, "a").await, [c2c("b", t + 10)]);
    assert_eq!(unread_total(&s, "a").await, 1);
    let h = history(&s, "a", "b").await;
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["MsgKey"], key);
    assert_eq!(history(&s, "b", "a").await.len(), 4);
    // Without ClearRamble the history stays.
    delete(&s, "a", "b", 0).await;
    assert_eq!(history(&s, "a", "b").await.len(), 1);
    assert_eq!(list(&s, "a").await, []);
    assert_eq!(unread_total(&s, "a").await, 0);
}
both!(clear_ramble_clears_the_owners_history_only);

/// ClearRamble hides the history up to its newest message's key (time, MsgSeq, MsgRandom): a
/// message stored after the clear with a key above it is seen, even in the clear's second (a
/// frozen clock); an import older than the cleared part falls in it and stays hidden.
async fn clear_ramble_hides_up_to_the_newest_key(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    let t = s.now();
    let seq_send = |seq: u32| {
        json!({"From_Account": "b", "To_Account": "a", "MsgSeq": seq, "MsgRandom": seq,
            "MsgBody": text("s")})
    };
    s.ok("openim/sendmsg", seq_send(10)).await;
    delete(&s, "a", "b", 1).await;
    s.ok("openim/sendmsg", seq_send(11)).await;
    assert_eq!(list(&s, "a").await, [c2c("b", t)]);
    let same_second = history(&s, "a", "b").await;
    import(&s, "b", "a", 2, 3, t - 100).await;
    let with_older = history(&s, "a", "b").await;
    assert_eq!((same_second.len(), with_older.len()), (1, 1));
    assert_eq!(with_older[0]["MsgSeq"], 11);
    assert_eq!(
        history(&s, "b", "a").await.len(),
        3,
        "the peer sees everything"
    );
}
both!(clear_ramble_hides_up_to_the_newest_key);

/// The conversation leaves the list "until its next message": one in the delete's second
/// counts too, for a one-to-one and for a group conversation.
async fn a_message_in_the_second_of_the_delete_brings_it_back(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    public_group(&s, "g", &["b"]).await;
    let t = s.now();
    send(&s, "a", "b", 1).await;
    crate::groups::send(&s, "g", "a", 2).await;
    assert_eq!(list(&s, "b").await, [c2c("a", t), group("g", t)]);
    delete(&s, "b", "a", 0).await;
    delete_group(&s, "b", "g").await;
    assert_eq!(list(&s, "b").await, []);
    send(&s, "a", "b", 3).await;
    crate::groups::send(&s, "g", "a", 4).await;
    assert_eq!(list(&s, "b").await, [c2c("a", t), group("g", t)]);
}
both!(a_message_in_the_second_of_the_delete_brings_it_back);

async fn recentcontact_errors(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    for (body, code) in [
        (
            json!({"From_Account": "nobody", "Type": 1, "To_Account": "b"}),
            50001,
        ),
        (
            json!({"From_Account": "a", "Type": 1, "To_Account": "nobody"}),
            50001,
        ),
        (
            json!({"From_Account": "a", "Type": 3, "To_Account": "b"}),
            50002,
        ),
        (json!({"Type": 1, "To_Account": "b"}), 50002),
        (json!({"From_Account": "a", "To_Account": "b"}), 50002),
        (json!({"From_Account": "a", "Type": 1}), 50002),
        (json!({"From_Account": "a", "Type": 2}), 50002),
    ] {
        s.fails("recentcontact/delete", body, code).await;
    }
    let get = json!({"From_Account": "nobody", "TimeStamp": 0, "StartIndex": 0,
        "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 7});
    s.fails("recentcontact/get_list", get.clone(), 50001).await;
    let mut missing = get;
    missing["From_Account"] = json!("a");
    missing.as_object_mut().unwrap().remove("TimeStamp");
    s.fails("recentcontact/get_list", missing, 50002).await;
}
both!(recentcontact_errors);

// ---------------------------------------------------------------------------------------
// Group conversations.

/// send_group_msg puts the group in every member's list (Type 2, GroupId, the message's
/// time) unless NoLastMsg; import_group_msg only with RecentContactFlag 1. Delete Type 2
/// hides it from that member until the group's next message.
async fn group_messages_update_members_lists(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c"]).await;
    let t = s.now();
    import(&s, "a", "b", 2, 1, t - 50).await;
    public_group(&s, "g1", &["b"]).await;
    public_group(&s, "g2", &[]).await;
    let before = [c2c("b", t - 50)];
    assert_eq!(
        list(&s, "a").await,
        before,
        "creating a group sends nothing"
    );

    s.clock.advance(Duration::from_secs(10));
    crate::groups::send(&s, "g1", "a", 1).await;
    let before = [group("g1", t + 10), c2c("b", t - 50)];
    assert_eq!(list(&s, "a").await, before);
    assert_eq!(list(&s, "b").await, [group("g1", t + 10), c2c("a", t - 50)]);
    assert_eq!(list(&s, "c").await, [], "not a member");

    s.clock.advance(Duration::from_secs(10));
    s.ok(
        &cmd("send_group_msg"),
        json!({"GroupId": "g2", "From_Account": "a", "Random": 2,
        "MsgBody": text("x"), "SendMsgControl": ["NoLastMsg"]}),
    )
    .await;
    assert_eq!(list(&s, "a").await, before, "NoLastMsg");

    s.clock.advance(Duration::from_secs(10));
    let import = |time: i64, random: i64| {
        json!({"GroupId": "g2", "MsgList": [
        {"From_Account": "a", "SendTime": time, "Random": random, "MsgBody": text("i")}]})
    };
    s.ok(&cmd("import_group_msg"), import(t + 22, 3)).await;
    assert_eq!(list(&s, "a").await, before, "no RecentContactFlag");
    let mut flagged = import(t + 25, 4);
    flagged["RecentContactFlag"] = json!(1);
    s.ok(&cmd("import_group_msg"), flagged).await;
    assert_eq!(
        list(&s, "a").await,
        [group("g2", t + 25), group("g1", t + 10), c2c("b", t - 50)]
    );

    delete_group(&s, "b", "g1").await;
    assert_eq!(list(&s, "b").await, [c2c("a", t - 50)]);
    assert_eq!(list(&s, "a").await.len(), 3, "the other members keep it");
    s.clock.advance(Duration::from_secs(10));
    crate::groups::send(&s, "g1", "a", 5).await;
    assert_eq!(list(&s, "b").await, [group("g1", t + 40), c2c("a", t - 50)]);
}
both!(group_messages_update_members_lists);
