//! opentim in the test's own process: the server on port 0 with a frozen clock, called over
//! HTTP with signed requests.

use std::sync::Arc;

use opentim::app::{self, Server};
use opentim::clock::ManualClock;
use opentim::config::{AppConfig, Settings};
use serde_json::Value;

use super::{ADMIN, Backend, KEY, SDKAPPID, fresh_database, sign};

/// The frozen "now" every test starts at.
pub const T0: i64 = 1_700_000_000;

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub server: Option<Server>,
    pub database: String,
    _dir: Option<tempfile::TempDir>,
}

pub fn default_settings(database: &str) -> Settings {
    let mut settings = Settings {
        listen: "127.0.0.1:0".into(),
        database: database.into(),
        apps: vec![AppConfig {
            profile_custom_tags: Vec::new(),
            sdkappid: SDKAPPID,
            secret_key: KEY.into(),
            previous_keys: Vec::new(),
            admins: vec![ADMIN.into(), "admin2".into()],
        }],
        ..Settings::default()
    };
    // Tests list groups more often than Tencent's 1 call/s allows.
    settings
        .rate_limits
        .commands
        .insert("get_appid_group_list".into(), 1000);
    settings
}

impl TestServer {
    pub async fn start(backend: Backend) -> Option<TestServer> {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(
        backend: Backend,
        tweak: impl FnOnce(&mut Settings),
    ) -> Option<TestServer> {
        let (database, dir) = fresh_database(backend).await?;
        let mut settings = default_settings(&database);
        tweak(&mut settings);
        let clock = ManualClock::new(T0);
        let server = app::start(settings, clock.clone())
            .await
            .expect("server starts");
        Some(TestServer {
            base: format!("http://{}", server.addr),
            client: reqwest::Client::new(),
            clock,
            server: Some(server),
            database,
            _dir: dir,
        })
    }

    /// Stops the server (graceful) and starts a new one on the same database.
    pub async fn restart(&mut self) {
        if let Some(s) = self.server.take() {
            s.stop().await;
        }
        let settings = default_settings(&self.database);
        let server = app::start(settings, self.clock.clone())
            .await
            .expect("server restarts");
        self.base = format!("http://{}", server.addr);
        self.server = Some(server);
    }

    pub fn now(&self) -> i64 {
        use opentim::clock::Clock;
        self.clock.unix_now()
    }

    pub fn sig(&self, identifier: &str) -> String {
        sign(identifier, self.now(), 86400)
    }

    /// The URL of a command called by the default admin.
    pub fn url(&self, command: &str) -> String {
        format!(
            "{}/v4/{command}?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={}&random=42&contenttype=json",
            self.base,
            self.sig(ADMIN)
        )
    }

    /// POSTs raw bytes to `path_and_query` and returns the parsed envelope (asserting HTTP 200).
    pub async fn post_raw(&self, path_and_query: &str, body: impl Into<reqwest::Body>) -> Value {
        let resp = self
            .client
            .post(format!("{}{path_and_query}", self.base))
            .body(body)
            .send()
            .await
            .expect("request");
        assert_eq!(resp.status(), 200);
        resp.json().await.expect("JSON answer")
    }

    /// Calls a command (`service/command`) as the default admin.
    pub async fn call(&self, command: &str, body: Value) -> Value {
        let resp = self
            .client
            .post(self.url(command))
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("request");
        assert_eq!(resp.status(), 200);
        resp.json().await.expect("JSON answer")
    }

    /// Calls and asserts success.
    pub async fn ok(&self, command: &str, body: Value) -> Value {
        let v = self.call(command, body.clone()).await;
        assert_eq!(v["ErrorCode"], 0, "{command} {body} -> {v}");
        assert_eq!(v["ActionStatus"], "OK");
        v
    }

    /// Calls and asserts the given error code.
    pub async fn fails(&self, command: &str, body: Value, code: i64) -> Value {
        let v = self.call(command, body.clone()).await;
        assert_eq!(v["ErrorCode"], code, "{command} {body} -> {v}");
        assert_eq!(v["ActionStatus"], "FAIL");
        assert!(v["ErrorInfo"].as_str().is_some_and(|s| !s.is_empty()));
        v
    }

    pub async fn import_accounts(&self, ids: &[&str]) {
        let v = self
            .ok(
                "im_open_login_svc/multiaccount_import",
                serde_json::json!({ "Accounts": ids }),
            )
            .await;
        assert_eq!(v["FailAccounts"], serde_json::json!([]));
    }
}
