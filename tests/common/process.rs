//! The real `opentim` binary as a separate process, for crash, signal and fault tests.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::{ADMIN, KEY, SDKAPPID, sign};

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
        let sig = sign(ADMIN, now - 60, 86400);
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
    let conn = rusqlite::Connection::open(path).unwrap();
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(verdict, "ok");
}
