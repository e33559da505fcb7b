//! batchsendmsg and blocks: the write checks each recipient's blocklist itself, so a block
//! made at the same moment as a batch still keeps the message from the blocker, and the write
//! names the blocker so the answer lists it (20007). The first test drives the store directly,
//! as no read before the write could have seen the block; the second goes over HTTP.

use opentim::domain::c2c::MsgKey;
use opentim::store::{AccountInput, NewC2cMessage, RoamQuery, SharedStore};
use serde_json::json;

use crate::both;
use crate::common::*;

const NOW: i64 = 1_700_000_000;

fn account(id: &str) -> AccountInput {
    AccountInput {
        user_id: id.to_string(),
        nick: None,
        face_url: None,
    }
}

/// How many messages `operator` sees from `peer`.
async fn history_len(store: &SharedStore, operator: &str, peer: &str) -> usize {
    let q = RoamQuery {
        operator: operator.to_string(),
        peer: peer.to_string(),
        min_time: 0,
        max_time: i64::MAX,
        before: None,
        limit: 100,
    };
    store
        .c2c_history(SDKAPPID, &q)
        .await
        .expect("history")
        .len()
}

async fn a_block_since_the_read_holds_in_the_write(backend: Backend) {
    let Some((url, _dir)) = fresh_database(backend).await else {
        return;
    };
    let store = opentim::store::open(&url).await.expect("open the store");
    let ids = ["sender", "reader", "blocker"].map(account);
    store
        .import_accounts(SDKAPPID, &ids, NOW)
        .await
        .expect("accounts");
    store
        .block(SDKAPPID, "blocker", &["sender".to_string()], NOW, 1000)
        .await
        .expect("block");
    let msg = NewC2cMessage {
        from: "sender".to_string(),
        to: String::new(),
        key: MsgKey {
            time: NOW,
            seq: 1,
            random: 7,
        },
        counts: true,
        sender_keeps: true,
        updates_conversation: true,
        msg_body: br#"[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]"#.to_vec(),
        cloud_custom_data: None,
    };
    let to = ["reader".to_string(), "blocker".to_string()];
    let blocking = store
        .store_c2c_batch(SDKAPPID, &msg, &to, 300)
        .await
        .expect("stored");
    assert_eq!(blocking, ["blocker"]);
    assert_eq!(history_len(&store, "reader", "sender").await, 1);
    assert_eq!(history_len(&store, "blocker", "sender").await, 0);
    assert_eq!(history_len(&store, "sender", "blocker").await, 0);
    // Sent again (a retry): the reader's copy is a repeat, the blocker is named again.
    let again = store
        .store_c2c_batch(SDKAPPID, &msg, &to, 300)
        .await
        .expect("stored");
    assert_eq!(again, ["blocker"]);
    assert_eq!(history_len(&store, "reader", "sender").await, 1);
}
both!(a_block_since_the_read_holds_in_the_write);

/// Over HTTP: a blocker is listed (20007) whether the message is stored or sent online only
/// (then nothing is written, and a read finds the blockers); the others get it.
async fn blockers_are_listed_stored_or_online_only(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["sender", "reader", "blocker"]).await;
    s.ok(
        "sns/black_list_add",
        json!({"From_Account": "blocker", "To_Account": ["sender"]}),
    )
    .await;
    for (random, online_only) in [(1, 0), (2, 1)] {
        let v = s
            .call(
                "openim/batchsendmsg",
                json!({"From_Account": "sender", "To_Account": ["blocker", "reader"],
                    "MsgRandom": random, "OnlineOnlyFlag": online_only,
                    "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]}),
            )
            .await;
        assert_eq!(v["ActionStatus"], "SomeError", "{v}");
        assert_eq!(
            v["ErrorList"],
            json!([{"To_Account": "blocker", "ErrorCode": 20007}])
        );
    }
}
both!(blockers_are_listed_stored_or_online_only);
