//! The README's first command as a user runs it: `opentim serve` with no configuration prints an
//! app and a curl command that works, and SIGTERM stops it cleanly.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn serve_prints_a_working_call_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_opentim"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    let curl = loop {
        let line = lines.next().expect("banner line").unwrap();
        printed.push(line.clone());
        if line.trim_start().starts_with("curl") {
            break line;
        }
    };
    assert!(
        printed.iter().any(|l| l.contains("SDKAppID   1400000000")),
        "{printed:?}"
    );
    assert!(
        printed
            .iter()
            .any(|l| l.contains("Admin      administrator"))
    );
    let url = curl.split('\'').nth(1).expect("quoted URL");
    let body = curl.split('\'').nth(3).expect("quoted body");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let answer: serde_json::Value = rt.block_on(async {
        reqwest::Client::new()
            .post(url)
            .body(body.to_string())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    assert_eq!(answer["ResultItem"][0]["AccountStatus"], "NotImported");
    assert!(dir.path().join("opentim-data/opentim.db").exists());

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exit status {exit:?}");
}

#[test]
fn usersig_gen_and_verify_commands() {
    let bin = env!("CARGO_BIN_EXE_opentim");
    let key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    let gen_out = Command::new(bin)
        .args(["usersig", "gen", "--sdkappid", "1400000000", "--key", key])
        .args(["--identifier", "administrator", "--expire", "3600"])
        .output()
        .unwrap();
    assert!(gen_out.status.success());
    let sig = String::from_utf8(gen_out.stdout)
        .unwrap()
        .trim()
        .to_string();
    let verify = |identifier: &str, key: &str| {
        Command::new(bin)
            .args([
                "usersig",
                "verify",
                "--sdkappid",
                "1400000000",
                "--key",
                key,
            ])
            .args(["--identifier", identifier, &sig])
            .output()
            .unwrap()
    };
    let ok = verify("administrator", key);
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("valid"));
    let wrong_id = verify("alice", key);
    assert_eq!(wrong_id.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong_id.stdout).contains("another identifier"));
    let wrong_key = verify("administrator", "other");
    assert!(String::from_utf8_lossy(&wrong_key.stdout).contains("does not match"));
}

/// The scenarios `opentim bench` knows, as it lists them when asked for an unknown one (the
/// benchmark belongs to the binary, not to the library).
fn bench_scenarios() -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_opentim"))
        .args(["bench", "--scenarios", "no-such-scenario"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let known = stderr.split("known: ").nth(1).expect("the known scenarios");
    known.trim().split(", ").map(str::to_string).collect()
}

/// A short run of `opentim bench` so it keeps working; no figure is asserted.
#[test]
fn bench_smoke_runs_every_scenario() {
    let out = Command::new(env!("CARGO_BIN_EXE_opentim"))
        .args(["bench", "--duration", "0.25", "--concurrency", "4"])
        .args(["--groups", "2", "--members", "120", "--messages", "10"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scenarios = bench_scenarios();
    assert!(scenarios.iter().any(|s| s == "ceiling"), "{scenarios:?}");
    for scenario in &scenarios {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(scenario.as_str()))
            .unwrap_or_else(|| panic!("no line for {scenario}: {stdout}"));
        // The errors column is 0 for every scenario.
        let errors = line.split_whitespace().nth(6).unwrap();
        assert_eq!(errors, "0", "{line}");
    }
}

/// Key rotation as an operator does it: edit the config file, send SIGHUP, no restart.
#[test]
fn sighup_reloads_app_keys() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("opentim.toml");
    let ready = dir.path().join("ready");
    let write_config = |key: &str, previous: &str| {
        let text = format!(
            "listen = \"127.0.0.1:0\"\ndatabase = \"sqlite://{}/db\"\n\n[[app]]\nsdkappid = 1400000000\nsecret_key = \"{key}\"\nprevious_keys = [{previous}]\n",
            dir.path().display()
        );
        std::fs::write(&config, text).unwrap();
    };
    write_config("key-one", "");
    let mut child = Command::new(env!("CARGO_BIN_EXE_opentim"))
        .args(["serve", "--config"])
        .arg(&config)
        .arg("--ready-file")
        .arg(&ready)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let addr = rt.block_on(common::ready_address(&ready, &mut child));
    let client = reqwest::Client::new();
    let code_with = |key: &str| -> Option<i64> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let sig = opentim::usersig::sign(1400000000, key, "administrator", now - 5, 3600);
        let url = format!(
            "http://{addr}/v4/im_open_login_svc/account_check?sdkappid=1400000000&identifier=administrator&usersig={sig}"
        );
        rt.block_on(async {
            let v: serde_json::Value = client
                .post(url)
                .body(r#"{"CheckItem":[{"UserID":"a"}]}"#)
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            v["ErrorCode"].as_i64()
        })
    };
    // Readiness is the first answer (polled, no fixed sleep).
    let first = (0..2000).find_map(|_| {
        let c = code_with("key-one");
        if c.is_none() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        c
    });
    assert_eq!(first, Some(0));
    assert_eq!(code_with("key-two"), Some(70009));
    let hangup = |child: &std::process::Child| {
        assert!(
            Command::new("kill")
                .args(["-HUP", &child.id().to_string()])
                .status()
                .unwrap()
                .success()
        );
    };
    // Rotate: the new key and the old one both work once the reload has happened.
    write_config("key-two", "\"key-one\"");
    hangup(&child);
    // The reload happens when the signal is handled: poll for its effect (no fixed sleep).
    let eventually = |key: &str, code: i64| {
        (0..2000).any(|_| {
            let seen = code_with(key) == Some(code);
            if !seen {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            seen
        })
    };
    assert!(eventually("key-two", 0), "the new key was not taken");
    assert_eq!(code_with("key-one"), Some(0));
    // Finish the rotation: the old key stops working, the server never restarted.
    write_config("key-two", "");
    hangup(&child);
    assert!(eventually("key-one", 70009), "the old key still works");
    assert_eq!(code_with("key-two"), Some(0));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the server is still the same process"
    );
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());
}

/// `--ready-file`: once listening on the port the system picked, the server writes that address
/// as one line, renamed into place (no partial file is left behind).
#[test]
fn serve_writes_its_address_to_the_ready_file() {
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("ready");
    let mut child = Command::new(env!("CARGO_BIN_EXE_opentim"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database"])
        .arg(format!("sqlite://{}/db", dir.path().display()))
        .arg("--ready-file")
        .arg(&ready)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let addr = rt.block_on(common::ready_address(&ready, &mut child));
    let text = std::fs::read_to_string(&ready).unwrap();
    assert_eq!(text, format!("{addr}\n"));
    let addr: std::net::SocketAddr = addr.parse().expect("an address");
    assert!(addr.ip().is_loopback() && addr.port() != 0, "{addr}");
    assert!(std::net::TcpStream::connect(addr).is_ok());
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !files
            .iter()
            .any(|f| f.to_string_lossy().contains("partial")),
        "{files:?}"
    );
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());
}

/// A ready file that cannot be written: the server does not go on serving unannounced.
#[test]
fn an_unwritable_ready_file_stops_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_opentim"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database"])
        .arg(format!("sqlite://{}/db", dir.path().display()))
        .arg("--ready-file")
        .arg(dir.path().join("no-such-folder/ready"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let exited = (0..6000).find_map(|_| {
        let status = child.try_wait().unwrap();
        if status.is_none() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        status
    });
    let Some(status) = exited else {
        let _ = child.kill();
        panic!("the server kept running");
    };
    assert_eq!(status.code(), Some(1));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("cannot write the ready file"), "{stderr}");
}
