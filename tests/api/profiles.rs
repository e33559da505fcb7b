//! Profiles (`profile`): setting and reading standard and declared custom tags, the values each
//! tag takes, per-account failures, and what account_import and account_delete do to a profile.

use serde_json::{Value, json};

use crate::both;
use crate::common::*;

const CUSTOM: &str = "Tag_Profile_Custom_Test";

async fn server(backend: Backend) -> Option<TestServer> {
    TestServer::start_with(backend, |s| {
        s.apps[0].profile_custom_tags = vec![CUSTOM.to_string()];
    })
    .await
}

fn set(user: &str, items: Value) -> Value {
    json!({"From_Account": user, "ProfileItem": items})
}

/// One account's tags as portrait_get answers them, as (tag, value) pairs.
async fn profile(s: &TestServer, user: &str, tags: &[&str]) -> Vec<(String, Value)> {
    let v = s
        .ok(
            "profile/portrait_get",
            json!({"To_Account": [user], "TagList": tags}),
        )
        .await;
    assert_eq!(v["ErrorDisplay"], "");
    let item = &v["UserProfileItem"][0];
    assert_eq!(item["ResultCode"], 0, "{v}");
    item["ProfileItem"]
        .as_array()
        .expect("ProfileItem")
        .iter()
        .map(|i| {
            (
                i["Tag"].as_str().unwrap_or_default().to_string(),
                i["Value"].clone(),
            )
        })
        .collect()
}

const ALL: &[&str] = &[
    "Tag_Profile_IM_Nick",
    "Tag_Profile_IM_Gender",
    "Tag_Profile_IM_BirthDay",
    "Tag_Profile_IM_Location",
    "Tag_Profile_IM_AllowType",
    "Tag_Profile_IM_Level",
    "Tag_Profile_IM_Image",
    CUSTOM,
];

async fn tags_are_stored_and_read_back(backend: Backend) {
    let Some(s) = server(backend).await else {
        return;
    };
    s.ok(
        "im_open_login_svc/account_import",
        json!({"UserID": "a", "Nick": "alice", "FaceUrl": "http://f/a.png"}),
    )
    .await;
    // account_import's Nick and FaceUrl are profile tags.
    let got = profile(&s, "a", &["Tag_Profile_IM_Image", "Tag_Profile_IM_Nick"]).await;
    assert_eq!(
        got,
        [
            ("Tag_Profile_IM_Image".to_string(), json!("http://f/a.png")),
            ("Tag_Profile_IM_Nick".to_string(), json!("alice")),
        ]
    );
    let v = s
        .ok(
            "profile/portrait_set",
            set(
                "a",
                json!([
                    {"Tag": "Tag_Profile_IM_Nick", "Value": "Alice"},
                    {"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Female"},
                    {"Tag": "Tag_Profile_IM_BirthDay", "Value": 20190419},
                    {"Tag": "Tag_Profile_IM_Level", "Value": 4294967295u64},
                    {"Tag": CUSTOM, "Value": "custom value"},
                    {"Tag": CUSTOM, "Value": "the last one"},
                ]),
            ),
        )
        .await;
    assert_eq!(v["ErrorDisplay"], "");
    let got = profile(&s, "a", ALL).await;
    let expected = [
        ("Tag_Profile_IM_Nick", json!("Alice")),
        ("Tag_Profile_IM_Gender", json!("Gender_Type_Female")),
        ("Tag_Profile_IM_BirthDay", json!(20190419)),
        ("Tag_Profile_IM_Level", json!(4294967295u64)),
        ("Tag_Profile_IM_Image", json!("http://f/a.png")),
        (CUSTOM, json!("the last one")),
    ]
    .map(|(t, v)| (t.to_string(), v));
    assert_eq!(
        got, expected,
        "requested tags with a value, in TagList order"
    );
    // A Nick given again at import replaces the stored one; an import without leaves it.
    s.ok(
        "im_open_login_svc/account_import",
        json!({"UserID": "a", "Nick": "A."}),
    )
    .await;
    s.ok("im_open_login_svc/account_import", json!({"UserID": "a"}))
        .await;
    let got = profile(&s, "a", &["Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"]).await;
    assert_eq!(got[0].1, json!("A."));
    assert_eq!(got[1].1, json!("http://f/a.png"));
}
both!(tags_are_stored_and_read_back);

async fn bad_values_change_nothing(backend: Backend) {
    let Some(s) = server(backend).await else {
        return;
    };
    s.import_accounts(&["a"]).await;
    s.ok(
        "profile/portrait_set",
        set(
            "a",
            json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "before"}]),
        ),
    )
    .await;
    let good = json!({"Tag": "Tag_Profile_IM_Nick", "Value": "after"});
    let cases = [
        (json!({"Tag": "Tag_Profile_IM_Bogus", "Value": "x"}), 40009),
        (
            json!({"Tag": "Tag_Profile_Custom_Other", "Value": "x"}),
            40009,
        ),
        (
            json!({"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Robot"}),
            40605,
        ),
        (
            json!({"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_Maybe"}),
            40605,
        ),
        (
            json!({"Tag": "Tag_Profile_IM_Location", "Value": "x".repeat(17)}),
            40605,
        ),
        (
            json!({"Tag": "Tag_Profile_IM_SelfSignature", "Value": "x".repeat(501)}),
            40601,
        ),
        (json!({"Tag": CUSTOM, "Value": "x".repeat(501)}), 40601),
        (json!({"Tag": "Tag_Profile_IM_Level", "Value": "1"}), 40610),
        (json!({"Tag": "Tag_Profile_IM_Level", "Value": -1}), 40610),
        (
            json!({"Tag": "Tag_Profile_IM_Level", "Value": 4294967296u64}),
            40610,
        ),
        (json!({"Tag": "Tag_Profile_IM_Nick", "Value": 5}), 40610),
        (json!({"Tag": CUSTOM, "Value": 5}), 40610),
        (json!({"Tag": 5, "Value": "x"}), 40001),
        (json!({"Value": "x"}), 40001),
    ];
    for (bad, code) in cases {
        // The good item first: nothing of the call is stored.
        let v = s
            .fails("profile/portrait_set", set("a", json!([good, bad])), code)
            .await;
        assert!(!v["ErrorInfo"].as_str().unwrap_or_default().is_empty());
    }
    s.fails("profile/portrait_set", set("a", json!([])), 40001)
        .await;
    s.fails("profile/portrait_set", json!({"From_Account": "a"}), 40001)
        .await;
    s.fails(
        "profile/portrait_set",
        json!({"ProfileItem": [good]}),
        40001,
    )
    .await;
    s.fails("profile/portrait_set", set("nobody", json!([good])), 40003)
        .await;
    assert_eq!(
        profile(&s, "a", &["Tag_Profile_IM_Nick"]).await,
        [("Tag_Profile_IM_Nick".to_string(), json!("before"))]
    );
}
both!(bad_values_change_nothing);

async fn portrait_get_fails_per_account(backend: Backend) {
    let Some(s) = server(backend).await else {
        return;
    };
    s.import_accounts(&["a"]).await;
    let v = s
        .ok(
            "profile/portrait_get",
            json!({"To_Account": ["nobody", "a", "bad id with spaces that is far too long"],
                "TagList": ["Tag_Profile_IM_Nick"]}),
        )
        .await;
    let items = v["UserProfileItem"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["ResultCode"], 40003);
    assert_eq!(items[1]["ResultCode"], 0);
    assert_eq!(
        items[1]["ProfileItem"],
        json!([]),
        "a tag never set is left out"
    );
    assert_eq!(
        v["Fail_Account"],
        json!(["nobody", "bad id with spaces that is far too long"])
    );
    let many: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    let tags = json!(["Tag_Profile_IM_Nick"]);
    s.fails(
        "profile/portrait_get",
        json!({"To_Account": many, "TagList": tags}),
        40001,
    )
    .await;
    let unknown = json!({"To_Account": ["a"], "TagList": ["Tag_Profile_IM_Nick", "Tag_X"]});
    s.fails("profile/portrait_get", unknown, 40009).await;
    s.fails("profile/portrait_get", json!({"To_Account": ["a"]}), 40001)
        .await;
    s.fails("profile/portrait_get", json!({"TagList": tags}), 40001)
        .await;
    // All accounts known: no Fail_Account.
    let v = s
        .ok(
            "profile/portrait_get",
            json!({"To_Account": ["a"], "TagList": tags}),
        )
        .await;
    assert!(v.get("Fail_Account").is_none());
}
both!(portrait_get_fails_per_account);

async fn a_deleted_account_loses_its_profile(backend: Backend) {
    let Some(s) = server(backend).await else {
        return;
    };
    s.import_accounts(&["a"]).await;
    s.ok(
        "profile/portrait_set",
        set("a", json!([{"Tag": CUSTOM, "Value": "x"}])),
    )
    .await;
    s.ok(
        "im_open_login_svc/account_delete",
        json!({"DeleteItem": [{"UserID": "a"}]}),
    )
    .await;
    s.import_accounts(&["a"]).await;
    assert_eq!(profile(&s, "a", &[CUSTOM]).await, []);
}
both!(a_deleted_account_loses_its_profile);
