//! Property test: random sequences of sends, imports, joins, set_unread and clear_group_msg
//! calls, checked after
//! every step against a simple model of the unread rules. Counts always equal the model's,
//! never negative, never above the number of messages.

use std::collections::BTreeMap;
use std::time::Duration;

use proptest::prelude::*;
use serde_json::json;

use crate::common::*;
use crate::groups::{cmd, text, unread};

const USERS: [&str; 4] = ["u0", "u1", "u2", "u3"];

#[derive(Debug, Clone)]
enum Op {
    Send {
        from: usize,
        no_unread: bool,
    },
    AdminSend,
    Import {
        n: usize,
    },
    Join {
        user: usize,
    },
    ImportMember {
        user: usize,
        unread: u32,
    },
    SetUnread {
        user: usize,
        n: u32,
    },
    /// clear_group_msg up to a seq (None: all; 0 too).
    Clear {
        upto: Option<i64>,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..4usize, any::<bool>()).prop_map(|(from, no_unread)| Op::Send { from, no_unread }),
        1 => Just(Op::AdminSend),
        2 => (1..4usize).prop_map(|n| Op::Import { n }),
        1 => (0..4usize).prop_map(|user| Op::Join { user }),
        1 => (0..4usize, 0..20u32).prop_map(|(user, unread)| Op::ImportMember { user, unread }),
        3 => (0..4usize, 0..20u32).prop_map(|(user, n)| Op::SetUnread { user, n }),
        1 => prop::option::of(0..30i64).prop_map(|upto| Op::Clear { upto }),
    ]
}

/// The rules, stated plainly.
#[derive(Default)]
struct Model {
    messages: i64,
    unread: BTreeMap<&'static str, i64>,
    last_time: i64,
    /// The newest seq cleared: unread is at most the messages after it.
    cleared: i64,
}

impl Model {
    fn clear(&mut self, upto: Option<i64>) {
        let upto = upto.filter(|u| *u > 0).unwrap_or(self.messages);
        self.cleared = self.cleared.max(upto.min(self.messages));
    }

    fn seen(&self, unread: i64) -> i64 {
        unread.min(self.messages - self.cleared)
    }
}

async fn run(backend: Backend, group_type: &'static str, ops: Vec<Op>) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&USERS).await;
    let created = T0 - 30 * 86400;
    let gid = if group_type == "Community" {
        "@TGS#_g"
    } else {
        "g"
    };
    s.ok(&cmd("import_group"), json!({"Type": group_type, "Name": "g", "GroupId": gid, "Owner_Account": "u0", "CreateTime": created})).await;
    let counts = group_type != "ChatRoom";
    let mut m = Model {
        last_time: created,
        ..Model::default()
    };
    m.unread.insert("u0", 0);
    for (step, op) in ops.iter().enumerate() {
        s.clock.advance(Duration::from_secs(10));
        let random = 1000 + step as u32;
        match *op {
            Op::Send { from, no_unread } => {
                let mut body = json!({"GroupId": gid, "From_Account": USERS[from], "Random": random, "MsgBody": text("x")});
                if no_unread {
                    body["SendMsgControl"] = json!(["NoUnread"]);
                }
                s.ok(&cmd("send_group_msg"), body).await;
                // The sender's count stays what it was, as it read before the message.
                let before = m.messages - m.cleared;
                if let Some(n) = m.unread.get_mut(USERS[from]) {
                    *n = (*n).min(before);
                }
                m.messages += 1;
                m.last_time = s.now();
                if !no_unread {
                    for (u, n) in m.unread.iter_mut() {
                        if *u != USERS[from] {
                            *n += 1;
                        }
                    }
                }
            }
            Op::AdminSend => {
                s.ok(
                    &cmd("send_group_msg"),
                    json!({"GroupId": gid, "Random": random, "MsgBody": text("a")}),
                )
                .await;
                m.messages += 1;
                m.last_time = s.now();
                m.unread.values_mut().for_each(|n| *n += 1);
            }
            Op::Import { n } => {
                let list: Vec<_> = (0..n as i64)
                    .map(|i| json!({"From_Account": "u1", "SendTime": m.last_time + 1 + i, "Random": random * 10 + i as u32, "MsgBody": text("i")}))
                    .collect();
                let v = s
                    .ok(
                        &cmd("import_group_msg"),
                        json!({"GroupId": gid, "MsgList": list}),
                    )
                    .await;
                assert!(
                    v["ImportMsgResult"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|r| r["Result"] == 0),
                    "{v}"
                );
                m.messages += n as i64;
                m.last_time += n as i64;
                m.unread.values_mut().for_each(|u| *u = 0);
            }
            Op::Join { user } => {
                s.ok(
                    &cmd("add_group_member"),
                    json!({"GroupId": gid, "MemberList": [{"Member_Account": USERS[user]}]}),
                )
                .await;
                m.unread.entry(USERS[user]).or_insert(0);
            }
            Op::ImportMember { user, unread } => {
                s.ok(&cmd("import_group_member"), json!({"GroupId": gid, "MemberList": [{"Member_Account": USERS[user], "UnreadMsgNum": unread}]})).await;
                let clamped = i64::from(unread).min(m.messages);
                m.unread.entry(USERS[user]).or_insert(clamped);
            }
            Op::SetUnread { user, n } => {
                let v = s
                    .call(
                        &cmd("set_unread_msg_num"),
                        json!({"GroupId": gid, "Member_Account": USERS[user], "UnreadMsgNum": n}),
                    )
                    .await;
                match m.unread.get_mut(USERS[user]) {
                    Some(u) => {
                        assert_eq!(v["ErrorCode"], 0);
                        *u = i64::from(n).min(m.messages);
                    }
                    None if counts => assert_eq!(v["ErrorCode"], 10007),
                    None => assert_eq!(v["ErrorCode"], 0, "ChatRoom ignores the call"),
                }
            }
            Op::Clear { upto } => {
                let mut body = json!({"GroupId": gid});
                if let Some(u) = upto {
                    body["MsgSeq"] = json!(u);
                }
                let v = s.call(&cmd("clear_group_msg"), body).await;
                if group_type == "Community" {
                    assert_eq!(v["ErrorCode"], 10007);
                } else {
                    assert_eq!(v["ErrorCode"], 0);
                    m.clear(upto);
                }
            }
        }
        for (user, expected) in &m.unread {
            let got = unread(&s, gid, user).await;
            let expected = if counts { m.seen(*expected) } else { 0 };
            assert!(
                got >= 0 && got <= m.messages,
                "step {step}: {got} out of range"
            );
            assert_eq!(got, expected, "step {step} {op:?}: {user}");
        }
    }
}

fn check(backend: Backend, cases: u32) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let types = prop_oneof![
        Just("Community"),
        Just("Public"),
        Just("Private"),
        Just("ChatRoom")
    ];
    proptest!(ProptestConfig { cases, ..ProptestConfig::default() }, |(t in types, ops in prop::collection::vec(op(), 1..25))| {
        rt.block_on(run(backend, t, ops));
    });
}

#[test]
fn unread_counts_follow_the_model_sqlite() {
    check(Backend::Sqlite, 24);
}

#[test]
fn unread_counts_follow_the_model_postgres() {
    if std::env::var("OPENTIM_TEST_DATABASE_URL").is_err() {
        eprintln!("SKIPPED: PostgreSQL property test (set OPENTIM_TEST_DATABASE_URL to run it)");
        return;
    }
    check(Backend::Postgres, 12);
}
