//! The real `opentim` binary as a separate process, for crash, signal and fault tests.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::{ADMIN, KEY, SDKAPPID, sign};

/// The server process.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub client: reqwest::Client,
    /// Holds the file the server writes its address to.
    _ready: tempfile::TempDir,
}

impl Server {
    /// Starts `opentim serve` on `database`, on a port the system picks, and waits until it
    /// says it is listening.
    pub async fn start(database: &str, extra_env: &[(&str, &str)]) -> Server {
        let ready = tempfile::tempdir().expect("temp dir");
        let ready_file = ready.path().join("ready");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_opentim"));
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--database", database])
            .arg("--ready-file")
            .arg(&ready_file)
            .env("OPENTIM_SDKAPPID", SDKAPPID.to_string())
            .env("OPENTIM_SECRET_KEY", KEY)
            .env("OPENTIM_BENCH", "1")
            .env("OPENTIM_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("opentim starts");
        let addr = ready_address(&ready_file, &mut child).await;
        Server {
            child,
            base: format!("http://{addr}"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            _ready: ready,
        }
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

/// The address a server started with `--ready-file PATH` listens on, read from PATH once it
/// is there (the server writes it whole, once listening). Short waits between looks, bounded;
/// a server that exits first fails the test at once.
pub async fn ready_address(path: &Path, child: &mut Child) -> String {
    for _ in 0..6000 {
        if let Ok(text) = std::fs::read_to_string(path) {
            return text.trim_end().to_string();
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("opentim exited before it was listening: {status}");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("opentim did not say it was listening within 30 s");
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
