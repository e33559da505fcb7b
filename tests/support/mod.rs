//! Running the real `opentim` binary as a separate process, for crash and fault tests.

#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

pub const SDKAPPID: u64 = 1400000000;
pub const KEY: &str = "crash-test-key-0123456789abcdef0123456789abcdef0123456789abcdef";
pub const ADMIN: &str = "administrator";

/// A database for one test: SQLite in a temporary directory, or a fresh PostgreSQL schema.
pub struct Db {
    pub url: String,
    pub sqlite_path: Option<std::path::PathBuf>,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite_db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("opentim.db");
    Db {
        url: format!("sqlite://{}", path.display()),
        sqlite_path: Some(path),
        _dir: Some(dir),
    }
}

/// A fresh schema in OPENTIM_TEST_DATABASE_URL, or None (and a SKIPPED line) without it.
pub async fn postgres_db(label: &str) -> Option<Db> {
    let Ok(base) = std::env::var("OPENTIM_TEST_DATABASE_URL") else {
        eprintln!("SKIPPED: {label} on PostgreSQL (set OPENTIM_TEST_DATABASE_URL to run it)");
        return None;
    };
    use sqlx::Connection;
    let n: u64 = rand_u64();
    let schema = format!("p_{n:x}");
    let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(Db {
        url: format!("{base}{sep}options=-c%20search_path%3D{schema}"),
        sqlite_path: None,
        _dir: None,
    })
}

pub fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(std::process::id() as u64);
    h.finish()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The server process.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub client: reqwest::Client,
}

impl Server {
    /// Starts `opentim serve` on `database` and waits until it answers.
    pub async fn start(database: &str, extra_env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_opentim"));
        cmd.args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database",
            database,
        ])
        .env("OPENTIM_SDKAPPID", SDKAPPID.to_string())
        .env("OPENTIM_SECRET_KEY", KEY)
        .env("OPENTIM_BENCH", "1")
        .env("OPENTIM_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("opentim starts");
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
        };
        // Readiness is a successful answer, polled; there is no fixed sleep.
        for _ in 0..3000 {
            if server
                .try_call("opentim_bench/ceiling", &serde_json::json!({}))
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("opentim did not start");
    }

    pub fn url(&self, command: &str) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let sig = opentim::usersig::sign(SDKAPPID, KEY, ADMIN, now - 60, 86400);
        format!(
            "{}/v4/{command}?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={sig}&contenttype=json",
            self.base
        )
    }

    /// Calls a command; Err on any transport failure (the outcome is then unknown).
    pub async fn try_call(&self, command: &str, body: &Value) -> Result<Value, String> {
        let resp = self
            .client
            .post(self.url(command))
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        resp.json::<Value>().await.map_err(|e| e.to_string())
    }

    pub async fn ok(&self, command: &str, body: Value) -> Value {
        let v = self.try_call(command, &body).await.expect("answer");
        assert_eq!(v["ErrorCode"], 0, "{command} {body} -> {v}");
        v
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every message of a group, oldest first, read through group_msg_get_simple.
pub async fn history(s: &Server, group: &str) -> Vec<Value> {
    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            serde_json::json!({"GroupIdList": [group]}),
        )
        .await;
    let mut upto = info["GroupInfo"][0]["NextMsgSeq"].as_i64().unwrap() - 1;
    let mut out = Vec::new();
    while upto > 0 {
        let v = s
            .ok(
                "group_open_http_svc/group_msg_get_simple",
                serde_json::json!({"GroupId": group, "ReqMsgNumber": 20, "ReqMsgSeq": upto}),
            )
            .await;
        let list = v["RspMsgList"].as_array().unwrap().clone();
        if list.is_empty() {
            break;
        }
        upto = list.last().unwrap()["MsgSeq"].as_i64().unwrap() - 1;
        out.extend(list);
    }
    out.reverse();
    out
}

/// Asserts SQLite's `PRAGMA integrity_check` is `ok` for the database file at `path`.
pub async fn assert_sqlite_intact(path: &std::path::Path) {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let row: (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(row.0, "ok");
}
