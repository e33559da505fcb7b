//! Friendships with a deleted account (account_delete), or with one that deleted all its
//! friends on both sides (friend_delete_all), leave every other list at once as far as any
//! answer shows: lists, counts, sequences, checks, friend lists, the friend limit, and an
//! account imported again under the same UserID starting with no friendships.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::blocklist::codes;
use crate::both;
use crate::common::*;

fn item(to: &str) -> Value {
    json!({"To_Account": to, "AddSource": "AddSource_Type_Import"})
}

async fn import(s: &TestServer, owner: &str, to: &[&str]) -> Value {
    let items: Vec<Value> = to.iter().map(|t| item(t)).collect();
    s.ok(
        "sns/friend_import",
        json!({"From_Account": owner, "AddFriendItem": items}),
    )
    .await
}

async fn delete_accounts(s: &TestServer, ids: &[&str]) {
    let items: Vec<Value> = ids.iter().map(|id| json!({"UserID": id})).collect();
    let v = s
        .ok(
            "im_open_login_svc/account_delete",
            json!({"DeleteItem": items}),
        )
        .await;
    assert_eq!(codes(&v, "ResultItem"), vec![0; ids.len()]);
}

/// The first page of `owner`'s friends: (friends in order, FriendNum, StandardSequence).
async fn page(s: &TestServer, owner: &str) -> (Vec<String>, Value, i64) {
    let v = s
        .ok(
            "sns/friend_get",
            json!({"From_Account": owner, "StartIndex": 0}),
        )
        .await;
    let friends = v["UserDataItem"]
        .as_array()
        .expect("UserDataItem")
        .iter()
        .map(|f| f["To_Account"].as_str().unwrap_or_default().to_string())
        .collect();
    let seq = v["StandardSequence"].as_i64().expect("StandardSequence");
    (friends, v["FriendNum"].clone(), seq)
}

/// `owner`'s relation with each of `to`, both ways.
async fn relations(s: &TestServer, owner: &str, to: &[&str]) -> Vec<String> {
    crate::friends::relations(s, owner, to, "CheckResult_Type_Both").await
}

async fn a_deleted_account_leaves_every_list(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c", "d", "e"]).await;
    import(&s, "a", &["b", "c", "d"]).await;
    import(&s, "c", &["b"]).await;
    import(&s, "b", &["a"]).await;
    s.ok(
        "sns/group_add",
        json!({"From_Account": "a", "GroupName": ["work"], "To_Account": ["b", "d"]}),
    )
    .await;
    let (_, _, seq_before) = page(&s, "a").await;
    delete_accounts(&s, &["b", "e"]).await;
    // a's list, count and sequence, as friend_get answers them.
    let (friends, num, seq) = page(&s, "a").await;
    assert_eq!(friends, ["c", "d"]);
    assert_eq!(num, 2);
    assert!(
        seq > seq_before,
        "the list changed: {seq} after {seq_before}"
    );
    // c's list is reached first through a check, then a page.
    assert_eq!(
        relations(&s, "c", &["b", "a"]).await,
        ["CheckResult_Type_NoRelation", "CheckResult_Type_BWithA"]
    );
    assert_eq!(page(&s, "c").await.1, 0);
    // Friend lists and friend_get_list no longer name b.
    let v = s
        .ok(
            "sns/group_get",
            json!({"From_Account": "a", "LastSequence": 0, "NeedFriend": "Need_Friend_Type_Yes"}),
        )
        .await;
    assert_eq!(
        v["ResultItem"],
        json!([{"GroupName": "work", "FriendNumber": 1, "To_Account": ["d"]}])
    );
    let v = s
        .ok(
            "sns/friend_get_list",
            json!({"From_Account": "a", "To_Account": ["b", "c"],
                "TagList": ["Tag_SNS_IM_Remark"]}),
        )
        .await;
    let results = codes(&v, "InfoItem");
    assert_ne!(results[0], 0, "b is no friend of a: {v}");
    assert_eq!(results[1], 0, "{v}");
    // The same page again: nothing more moves.
    assert_eq!(page(&s, "a").await, (friends, json!(2), seq));
}
both!(a_deleted_account_leaves_every_list);

async fn an_account_imported_again_starts_with_no_friendships(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c"]).await;
    import(&s, "a", &["b", "c"]).await;
    delete_accounts(&s, &["b"]).await;
    s.import_accounts(&["b"]).await;
    // Imported again, b is nobody's friend until someone adds it again.
    assert_eq!(
        relations(&s, "a", &["b"]).await,
        ["CheckResult_Type_NoRelation"]
    );
    // a adds b before a's list was read: b is a new friend, after c, counted once.
    let v = import(&s, "a", &["b"]).await;
    assert_eq!(codes(&v, "ResultItem"), [0]);
    let (friends, num, _) = page(&s, "a").await;
    assert_eq!(
        (friends, num),
        (vec!["c".to_string(), "b".to_string()], json!(2))
    );
    assert_eq!(
        relations(&s, "a", &["b"]).await,
        ["CheckResult_Type_AWithB"]
    );
    // Deleted and imported again once more: a's new friendship goes too, c stays.
    delete_accounts(&s, &["b"]).await;
    s.import_accounts(&["b"]).await;
    let (friends, num, _) = page(&s, "a").await;
    assert_eq!((friends, num), (vec!["c".to_string()], json!(1)));
}
both!(an_account_imported_again_starts_with_no_friendships);

async fn delete_all_of_both_sides_reaches_one_way_friends(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a", "b", "x", "y"]).await;
    // x has b one way; a and b both ways; y has b and a.
    import(&s, "x", &["b"]).await;
    import(&s, "y", &["b", "a"]).await;
    s.ok(
        "sns/friend_add",
        json!({"From_Account": "a", "AddFriendItem": [item("b")], "AddType": "Add_Type_Both",
            "ForceAddFlags": 1}),
    )
    .await;
    s.ok(
        "sns/friend_delete_all",
        json!({"From_Account": "b", "DeleteType": "Delete_Type_Both"}),
    )
    .await;
    assert_eq!(page(&s, "x").await.1, 0);
    assert_eq!(page(&s, "y").await.0, ["a"]);
    assert_eq!(
        relations(&s, "a", &["b"]).await,
        ["CheckResult_Type_NoRelation"]
    );
    // Friends again both ways: each list holds the other once.
    let v = s
        .ok(
            "sns/friend_add",
            json!({"From_Account": "a", "AddFriendItem": [item("b")],
                "AddType": "Add_Type_Both", "ForceAddFlags": 1}),
        )
        .await;
    assert_eq!(codes(&v, "ResultItem"), [0]);
    assert_eq!(
        relations(&s, "a", &["b"]).await,
        ["CheckResult_Type_BothWay"]
    );
    assert_eq!(page(&s, "a").await.1, 1);
    assert_eq!(page(&s, "b").await.1, 1);
    // Deleted both ways from b's side: both counts right (b's list was behind b's own wipe).
    s.ok(
        "sns/friend_delete",
        json!({"From_Account": "b", "To_Account": ["a"], "DeleteType": "Delete_Type_Both"}),
    )
    .await;
    assert_eq!(page(&s, "a").await.1, 0);
    assert_eq!(page(&s, "b").await.1, 0);
}
both!(delete_all_of_both_sides_reaches_one_way_friends);

async fn writes_on_a_list_behind_a_wipe_count_right(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let ids: Vec<String> = (0..12).map(|i| format!("f{i:02}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    s.import_accounts(&refs).await;
    s.import_accounts(&["a", "small"]).await;
    import(&s, "a", &refs).await;
    import(&s, "small", &refs[..2]).await;
    // One wipe against a list of twelve; eleven against a list of two (each looked up the
    // other way round).
    delete_accounts(&s, &["f00"]).await;
    let v = s
        .ok(
            "sns/black_list_add",
            json!({"From_Account": "a", "To_Account": ["f01"]}),
        )
        .await;
    assert_eq!(codes(&v, "ResultItem"), [0]);
    let (friends, num, _) = page(&s, "a").await;
    assert_eq!(num, 10, "twelve, less the deleted one and the blocked one");
    assert_eq!(friends, refs[2..].to_vec());
    delete_accounts(&s, &refs[2..]).await;
    let v = s
        .ok(
            "sns/friend_update",
            json!({"From_Account": "small", "UpdateItem": [
                {"To_Account": "f00", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "x"}]},
                {"To_Account": "f01", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "y"}]},
            ]}),
        )
        .await;
    assert_ne!(codes(&v, "ResultItem")[0], 0, "f00 was deleted: {v}");
    assert_eq!(codes(&v, "ResultItem")[1], 0, "{v}");
    assert_eq!(page(&s, "small").await.0, ["f01"]);
    let (friends, num, _) = page(&s, "a").await;
    assert_eq!((friends.len(), num), (0, json!(0)));
}
both!(writes_on_a_list_behind_a_wipe_count_right);

async fn a_wipe_frees_room_under_the_friend_limit(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let ids: Vec<String> = (0..3001).map(|i| format!("f{i:04}")).collect();
    for chunk in ids.chunks(100) {
        let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
        s.import_accounts(&chunk).await;
    }
    s.import_accounts(&["owner"]).await;
    for chunk in ids[..3000].chunks(1000) {
        let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
        assert_eq!(
            codes(&import(&s, "owner", &chunk).await, "ResultItem"),
            vec![0; 1000]
        );
    }
    let v = import(&s, "owner", &["f3000"]).await;
    assert_eq!(codes(&v, "ResultItem"), [30010], "full: {v}");
    delete_accounts(&s, &["f0000"]).await;
    let v = import(&s, "owner", &["f3000"]).await;
    assert_eq!(codes(&v, "ResultItem"), [0], "room again: {v}");
    assert_eq!(page(&s, "owner").await.1, 3000);
}
both!(a_wipe_frees_room_under_the_friend_limit);

/// Friend writes, wipes, blocks and reads on the same accounts at once: every call is answered
/// (no deadlock between a wipe and the friend writes it waits for, nor between two writes on
/// the same two lists from either side), and afterwards every list's FriendNum is its length
/// and friend_check agrees with the lists on both sides.
async fn concurrent_wipes_and_friend_writes_keep_lists_consistent(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let s = Arc::new(s);
    let owners: Vec<String> = (0..8).map(|i| format!("o{i}")).collect();
    let targets: Vec<String> = (0..16).map(|i| format!("t{i:02}")).collect();
    let all: Vec<&str> = owners.iter().chain(&targets).map(String::as_str).collect();
    s.import_accounts(&all).await;
    let mut tasks = Vec::new();
    for (i, owner) in owners.iter().enumerate() {
        let (s, owner, targets) = (s.clone(), owner.clone(), targets.clone());
        tasks.push(tokio::spawn(async move {
            for chunk in targets.chunks(4) {
                let to: Vec<&str> = chunk.iter().map(String::as_str).collect();
                import(&s, &owner, &to).await;
            }
            let peer = &targets[i * 2];
            s.ok(
                "sns/friend_add",
                json!({"From_Account": owner, "AddFriendItem": [item(peer)],
                    "AddType": "Add_Type_Both", "ForceAddFlags": 1}),
            )
            .await;
        }));
    }
    let (s2, deleted) = (s.clone(), targets[..4].to_vec());
    tasks.push(tokio::spawn(async move {
        for id in &deleted {
            delete_accounts(&s2, &[id]).await;
        }
        let ids: Vec<&str> = deleted.iter().map(String::as_str).collect();
        s2.import_accounts(&ids).await;
    }));
    let (s3, leaving) = (s.clone(), targets[4..8].to_vec());
    tasks.push(tokio::spawn(async move {
        for _ in 0..3 {
            for id in &leaving {
                s3.ok(
                    "sns/friend_delete_all",
                    json!({"From_Account": id, "DeleteType": "Delete_Type_Both"}),
                )
                .await;
            }
        }
    }));
    let (s4, blocked) = (s.clone(), owners[..4].to_vec());
    tasks.push(tokio::spawn(async move {
        s4.ok(
            "sns/black_list_add",
            json!({"From_Account": "t08", "To_Account": blocked}),
        )
        .await;
        s4.ok(
            "sns/friend_delete",
            json!({"From_Account": "o4", "To_Account": ["t09"], "DeleteType": "Delete_Type_Both"}),
        )
        .await;
    }));
    // Two accounts blocking each other, and adding each other both ways, from either side at
    // once; reads racing the wipes.
    for (me, peer) in [("o5", "o6"), ("o6", "o5"), ("o7", "o5"), ("o5", "o7")] {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..4 {
                let pair = json!({"From_Account": me, "To_Account": [peer]});
                s.ok("sns/black_list_add", pair.clone()).await;
                s.ok("sns/black_list_delete", pair).await;
                s.ok(
                    "sns/friend_add",
                    json!({"From_Account": me, "AddFriendItem": [item(peer)],
                        "AddType": "Add_Type_Both", "ForceAddFlags": 1}),
                )
                .await;
                relations(&s, me, &["t00", "t04", peer]).await;
                page(&s, me).await;
            }
        }));
    }
    // Blocks and unblocks by and of accounts being deleted: refused once they are gone, never
    // an internal error.
    for (me, peer) in [("t01", "o0"), ("o1", "t02")] {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..6 {
                let pair = json!({"From_Account": me, "To_Account": [peer]});
                for command in ["sns/black_list_add", "sns/black_list_delete"] {
                    let v = s.call(command, pair.clone()).await;
                    let code = v["ErrorCode"].as_i64();
                    assert!(matches!(code, Some(0 | 30003)), "{command}: {v}");
                }
            }
        }));
    }
    // Accounts with no friends or blocks yet, writing to each other at once from either side:
    // their counters rows are made by the same writes.
    s.import_accounts(&["n1", "n2", "n3"]).await;
    for (me, peer) in [("n1", "n2"), ("n2", "n1")] {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.ok(
                "sns/friend_add",
                json!({"From_Account": me, "AddFriendItem": [item(peer)],
                    "AddType": "Add_Type_Both", "ForceAddFlags": 1}),
            )
            .await;
        }));
    }
    for command in ["sns/black_list_add", "sns/black_list_delete"] {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.ok(command, json!({"From_Account": "n3", "To_Account": ["o0"]}))
                .await;
        }));
    }
    for t in tasks {
        t.await.expect("a client task panicked");
    }
    // n3's next block takes a serial of its own, whichever way the two above went.
    let v = s
        .ok(
            "sns/black_list_add",
            json!({"From_Account": "n3", "To_Account": ["o1"]}),
        )
        .await;
    assert_eq!(codes(&v, "ResultItem"), [0]);
    let mut lists = std::collections::HashMap::new();
    for id in all.iter().chain(&["n1", "n2"]) {
        let (friends, num, _) = page(&s, id).await;
        assert_eq!(num, json!(friends.len()), "{id}: {friends:?}");
        lists.insert(id.to_string(), friends);
    }
    for owner in &owners {
        let to: Vec<&str> = targets.iter().map(String::as_str).collect();
        let got = relations(&s, owner, &to).await;
        for (t, relation) in targets.iter().zip(got) {
            let forth = lists[owner].contains(t);
            let back = lists[t].contains(owner);
            let want = match (forth, back) {
                (true, true) => "CheckResult_Type_BothWay",
                (true, false) => "CheckResult_Type_AWithB",
                (false, true) => "CheckResult_Type_BWithA",
                (false, false) => "CheckResult_Type_NoRelation",
            };
            assert_eq!(relation, want, "{owner} and {t}");
        }
    }
}
both!(concurrent_wipes_and_friend_writes_keep_lists_consistent);
