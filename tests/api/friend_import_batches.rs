//! friend_import's batches: items that repeat a friend (already in the list, or earlier in
//! the same call) replace its data in place, new ones keep the order of the call, pages read
//! past the places repeated items left unused, and the 3,000-friend limit fails only the items
//! past it.

use serde_json::{Value, json};

use crate::blocklist::codes;
use crate::both;
use crate::common::*;

fn item(to: &str) -> Value {
    json!({"To_Account": to, "AddSource": "AddSource_Type_Import"})
}

fn with_remark(to: &str, remark: &str) -> Value {
    json!({"To_Account": to, "AddSource": "AddSource_Type_Import", "Remark": remark})
}

async fn import(s: &TestServer, owner: &str, items: &[Value]) -> Value {
    s.ok(
        "sns/friend_import",
        json!({"From_Account": owner, "AddFriendItem": items}),
    )
    .await
}

async fn import_accounts(s: &TestServer, ids: &[String]) {
    for chunk in ids.chunks(100) {
        let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
        s.import_accounts(&chunk).await;
    }
}

/// Every friend of `owner` in page order, with its remark, and the FriendNum pages answer.
async fn friends_in_order(s: &TestServer, owner: &str) -> (Vec<(String, String)>, Value) {
    let (mut seen, mut start) = (Vec::new(), json!(0));
    loop {
        let v = s
            .ok(
                "sns/friend_get",
                json!({"From_Account": owner, "StartIndex": start}),
            )
            .await;
        for f in v["UserDataItem"].as_array().expect("UserDataItem") {
            let remark = f["ValueItem"]
                .as_array()
                .expect("ValueItem")
                .iter()
                .find(|t| t["Tag"] == "Tag_SNS_IM_Remark")
                .map(|t| t["Value"].as_str().unwrap_or_default().to_string())
                .unwrap_or_default();
            seen.push((f["To_Account"].as_str().unwrap_or_default().into(), remark));
        }
        if v["CompleteFlag"] == 1 {
            return (seen, v["FriendNum"].clone());
        }
        start = v["NextStartIndex"].clone();
    }
}

async fn repeated_items_replace_data_in_place(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let ids: Vec<String> = (0..150).map(|i| format!("f{i:03}")).collect();
    import_accounts(&s, &ids).await;
    s.import_accounts(&["owner"]).await;
    let first: Vec<Value> = ids[..60].iter().map(|id| item(id)).collect();
    import(&s, "owner", &first).await;
    // Thirty friends again (with remarks), ninety new ones, and one new one twice: the
    // second time of it wins, as if the items were imported one by one.
    let mut again: Vec<Value> = ids[..30]
        .iter()
        .map(|id| with_remark(id, "again"))
        .collect();
    again.extend(ids[60..150].iter().map(|id| item(id)));
    again.push(with_remark("f149", "last"));
    let v = import(&s, "owner", &again).await;
    assert_eq!(codes(&v, "ResultItem"), vec![0; again.len()]);
    assert_eq!(v.get("Fail_Account"), None, "no item failed");
    let (seen, total) = friends_in_order(&s, "owner").await;
    assert_eq!(total, 150);
    let order: Vec<&str> = seen.iter().map(|(id, _)| id.as_str()).collect();
    let want: Vec<&str> = ids.iter().map(String::as_str).collect();
    assert_eq!(order, want, "every friend once, in the order first added");
    assert_eq!(seen[0].1, "again");
    assert_eq!(seen[29].1, "again");
    assert_eq!(seen[30].1, "");
    assert_eq!(seen[149].1, "last");
}
both!(repeated_items_replace_data_in_place);

async fn the_friend_limit_fails_only_items_past_it(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let ids: Vec<String> = (0..3001).map(|i| format!("f{i:04}")).collect();
    import_accounts(&s, &ids).await;
    s.import_accounts(&["owner"]).await;
    for chunk in ids[..2990].chunks(1000) {
        let items: Vec<Value> = chunk.iter().map(|id| item(id)).collect();
        let v = import(&s, "owner", &items).await;
        assert_eq!(codes(&v, "ResultItem"), vec![0; items.len()]);
    }
    // A friend already in the list, then eleven new ones: ten fit, the last does not.
    let mut items = vec![with_remark("f0000", "kept")];
    items.extend(ids[2990..].iter().map(|id| item(id)));
    let v = import(&s, "owner", &items).await;
    let mut want = vec![0; 11];
    want.push(30010);
    assert_eq!(codes(&v, "ResultItem"), want);
    assert_eq!(v["Fail_Account"], json!(["f3000"]));
    // Full: a friend already in the list is still replaced, a new one refused.
    let v = import(&s, "owner", &[with_remark("f0001", "full"), item("owner2")]).await;
    assert_eq!(codes(&v, "ResultItem"), [0, 30003]);
    let (seen, total) = friends_in_order(&s, "owner").await;
    assert_eq!(total, 3000);
    assert_eq!(seen.len(), 3000);
    assert_eq!(seen[0], ("f0000".to_string(), "kept".to_string()));
    assert_eq!(seen[1], ("f0001".to_string(), "full".to_string()));
    assert_eq!(seen[2999].0, "f2999");
}
both!(the_friend_limit_fails_only_items_past_it);
