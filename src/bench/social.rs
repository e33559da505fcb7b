//! The relationship-chain scenarios: friend_import of 100 friends a call (neighbours in the
//! pool, or scattered over it), and friend_get and friend_check pages of accounts with 10, 100
//! and 5,000 friends. A friend_check of 10 accounts must cost alike for all; a friend_get page
//! holds up to 100 friends, so the 100- and 5,000-friend accounts answer the same size of page
//! (the 10-friend one a tenth of it).

use serde_json::{Value, json};

use super::client::{Client, run_all};

/// Accounts friends are drawn from.
const POOL: usize = 5000;
/// Friends per friend_import call.
const PER_IMPORT: usize = 100;

pub const SOCIAL_SCENARIOS: &[&str] = &[
    "friend_import",
    "friend_import_scattered",
    "friend_get_10",
    "friend_get_100",
    "friend_get_5000",
    "friend_check_10",
    "friend_check_5000",
];

fn pool(i: usize) -> String {
    format!("p{}", i % POOL)
}

/// A friend_import call's items: the accounts of the pool at `offsets` from `owner` (each in
/// 1..POOL, so never the owner).
fn items_at(owner: usize, offsets: impl Iterator<Item = usize>) -> Vec<Value> {
    offsets
        .map(|o| json!({"To_Account": pool(owner + o), "AddSource": "AddSource_Type_Bench"}))
        .collect()
}

/// Spreads friend_import_scattered's friends over the pool: the k-th friend of an owner is
/// `(k × 47 mod 4,999) + 1` places after it (4,999 is prime: distinct for k < 4,999).
const SCATTER: usize = 47;

fn items(from: usize, n: usize) -> Vec<Value> {
    (from..from + n)
        .map(|i| json!({"To_Account": pool(i), "AddSource": "AddSource_Type_Bench"}))
        .collect()
}

/// The pool of accounts, and three owners: with 10, 100 and 5,000 friends.
pub(super) async fn prepare(client: &Client) -> Result<(), String> {
    let mut ids: Vec<String> = (0..POOL).map(pool).collect();
    ids.extend(["few", "hundred", "many"].map(String::from));
    let calls: Vec<(String, Value)> = ids
        .chunks(100)
        .map(|c| {
            (
                "im_open_login_svc/multiaccount_import".to_string(),
                json!({"Accounts": c}),
            )
        })
        .collect();
    run_all(client, 8, calls).await?;
    let mut calls = vec![
        (
            "sns/friend_import".to_string(),
            json!({"From_Account": "few", "AddFriendItem": items(0, 10)}),
        ),
        (
            "sns/friend_import".to_string(),
            json!({"From_Account": "hundred", "AddFriendItem": items(0, 100)}),
        ),
    ];
    for start in (0..POOL).step_by(1000) {
        calls.push((
            "sns/friend_import".to_string(),
            json!({"From_Account": "many", "AddFriendItem": items(start, 1000)}),
        ));
    }
    // One owner's imports one after the other (each locks the owner's counters).
    run_all(client, 1, calls).await
}

/// The request of a relationship-chain scenario, or None for another scenario.
pub(super) fn request(name: &str, conn: usize, k: u64) -> Option<(String, Value)> {
    let (command, body) = match name {
        "friend_import" => {
            // As a migration imports: every call new friends. Calls go round the pool's owners;
            // an owner's next call takes the next 100 accounts after it (up to 3,000 friends
            // before an owner comes round 30 times).
            let call = k as usize * 64 + conn;
            let (owner, round) = (call % POOL, call / POOL % 30);
            let first = owner + 1 + round * PER_IMPORT;
            (
                "sns/friend_import",
                json!({"From_Account": pool(owner), "AddFriendItem": items(first, PER_IMPORT)}),
            )
        }
        "friend_import_scattered" => {
            // As friend_import, but an owner's friends are spread over the pool, as in a social
            // graph: a call's friends are not neighbours of each other.
            let call = k as usize * 64 + conn;
            let (owner, round) = (call % POOL, call / POOL % 30);
            let first = round * PER_IMPORT;
            let offsets = (first..first + PER_IMPORT).map(|k| k * SCATTER % (POOL - 1) + 1);
            (
                "sns/friend_import",
                json!({"From_Account": pool(owner), "AddFriendItem": items_at(owner, offsets)}),
            )
        }
        "friend_get_10" | "friend_get_100" | "friend_get_5000" => {
            let owner = match name {
                "friend_get_10" => "few",
                "friend_get_100" => "hundred",
                _ => "many",
            };
            (
                "sns/friend_get",
                json!({"From_Account": owner, "StartIndex": 0}),
            )
        }
        "friend_check_10" | "friend_check_5000" => {
            let owner = if name.ends_with("_10") { "few" } else { "many" };
            let to: Vec<String> = (0..10).map(|i| pool(k as usize * 10 + i)).collect();
            (
                "sns/friend_check",
                json!({"From_Account": owner, "To_Account": to, "CheckType": "CheckResult_Type_Both"}),
            )
        }
        _ => return None,
    };
    Some((command.to_string(), body))
}
