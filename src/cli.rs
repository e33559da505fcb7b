//! The command line: `opentim serve`, `opentim bench` and `opentim usersig gen|verify`, on
//! top of the library's public API.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use opentim::app;
use opentim::clock::SystemClock;
use opentim::config::{ConfigError, Overrides, Settings};
use opentim::usersig;

use crate::bench;

#[derive(Parser)]
#[command(
    name = "opentim",
    version,
    about = "A server that speaks Tencent Cloud IM's REST API"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (SQLite under ./opentim-data/ by default).
    Serve {
        /// TOML settings file (see opentim.example.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<String>,
        /// sqlite://PATH or postgres://USER@HOST/DB.
        #[arg(long)]
        database: Option<String>,
        /// Once listening, write the bound address (e.g. `127.0.0.1:41234`) to this file,
        /// whole or not at all: for scripts and tests that start the server on port 0.
        #[arg(long)]
        ready_file: Option<PathBuf>,
    },
    /// Measure this machine: prepare data, drive scenarios, print throughput and latency.
    Bench(bench::BenchArgs),
    /// Generate or verify UserSigs (TLSSigAPIv2, HMAC-SHA256).
    Usersig {
        #[command(subcommand)]
        action: UsersigAction,
    },
}

#[derive(Subcommand)]
enum UsersigAction {
    /// Print a UserSig for an identifier.
    Gen {
        #[arg(long)]
        sdkappid: u64,
        #[arg(long)]
        key: String,
        #[arg(long)]
        identifier: String,
        /// Validity in seconds (default 180 days).
        #[arg(long, default_value_t = usersig::DEFAULT_EXPIRE)]
        expire: i64,
    },
    /// Say whether a UserSig is valid now, and why not.
    Verify {
        #[arg(long)]
        sdkappid: u64,
        #[arg(long)]
        key: String,
        #[arg(long)]
        identifier: String,
        sig: String,
    },
}

/// Runs the command line; returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Usersig { action } => usersig_command(action),
        Command::Bench(args) => bench::command(args),
        Command::Serve {
            config,
            listen,
            database,
            ready_file,
        } => {
            // The same sources are read again on SIGHUP (key rotation without a restart).
            let load = move || {
                let env: HashMap<String, String> = std::env::vars().collect();
                let flags = Overrides {
                    listen: listen.clone(),
                    database: database.clone(),
                };
                Settings::load(config.as_deref(), &env, &flags)
            };
            let settings = match load() {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("opentim: {e}");
                    return 2;
                }
            };
            init_logging();
            app::raise_fd_limit(settings.max_connections);
            match tokio::runtime::Runtime::new() {
                Ok(rt) => rt.block_on(serve(settings, load, ready_file)),
                Err(e) => {
                    eprintln!("opentim: cannot start the runtime: {e}");
                    1
                }
            }
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("OPENTIM_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn usersig_command(action: UsersigAction) -> i32 {
    let now = SystemClock::shared().unix_now();
    match action {
        UsersigAction::Gen {
            sdkappid,
            key,
            identifier,
            expire,
        } => {
            println!(
                "{}",
                usersig::sign(sdkappid, &key, &identifier, now, expire)
            );
            0
        }
        UsersigAction::Verify {
            sdkappid,
            key,
            identifier,
            sig,
        } => match usersig::verify(sdkappid, &key, &identifier, &sig, now) {
            Ok(claims) => {
                println!(
                    "valid: identifier {} sdkappid {} issued {} expires {}",
                    claims.identifier,
                    claims.sdkappid,
                    claims.time,
                    claims.valid_until().unwrap_or(i64::MAX)
                );
                0
            }
            Err(e) => {
                println!("invalid: {e}");
                1
            }
        },
    }
}

async fn serve(
    settings: Settings,
    load: impl Fn() -> Result<Settings, ConfigError> + Send + 'static,
    ready_file: Option<PathBuf>,
) -> i32 {
    let database = opentim::store::redact_url(&settings.database);
    let scheme = if settings.tls_cert.is_some() {
        "https"
    } else {
        "http"
    };
    let configured = !settings.apps.is_empty();
    let mut server = match app::start(settings, SystemClock::shared()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("opentim: {e}");
            return 1;
        }
    };
    tracing::info!(addr = %server.addr, %database, "opentim is listening");
    if !configured {
        print_banner(&server, scheme);
    }
    let stop = server.take_stop();
    let mut signals = Signals::listen();
    #[cfg(unix)]
    if let Some(hangups) = signals.hangup.take() {
        tokio::spawn(reload_on_sighup(server.state.clone(), load, hangups));
    }
    #[cfg(not(unix))]
    drop(load);
    let ready = match &ready_file {
        Some(path) => write_ready_file(path, server.addr).map_err(|e| {
            eprintln!(
                "opentim: cannot write the ready file {}: {e}",
                path.display()
            );
        }),
        None => Ok(()),
    };
    if ready.is_ok() {
        signals.stopped().await;
        tracing::info!("shutting down: finishing in-flight requests");
    }
    if let Some(stop) = stop {
        let _ = stop.send(());
    }
    server.wait().await;
    if ready.is_ok() { 0 } else { 1 }
}

/// Writes the address to a file beside `path`, then renames it: whoever polls for `path`
/// finds nothing or the whole line, never part of it.
fn write_ready_file(path: &Path, addr: SocketAddr) -> std::io::Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::write(&partial, format!("{addr}\n"))?;
    std::fs::rename(&partial, path)
}

/// Prints the app to use and a ready-to-paste call (stdout, never the log).
fn print_banner(server: &app::Server, scheme: &str) {
    let Some(app) = server.state.apps().into_iter().next() else {
        return;
    };
    let admin = app
        .admins
        .first()
        .map(String::as_str)
        .unwrap_or("administrator");
    let now = server.state.clock.unix_now();
    let sig = usersig::sign(
        app.sdkappid,
        &app.secret_key,
        admin,
        now,
        usersig::DEFAULT_EXPIRE,
    );
    let created = if server.created_app.is_some() {
        " (created now, remembered in the database)"
    } else {
        ""
    };
    println!("opentim app{created}:");
    println!("  SDKAppID   {}", app.sdkappid);
    println!("  SecretKey  {}", app.secret_key);
    println!("  Admin      {admin}");
    println!("Try it:");
    println!(
        "  curl -s '{scheme}://{}/v4/im_open_login_svc/account_check?sdkappid={}&identifier={admin}&usersig={sig}&random=1&contenttype=json' -d '{{\"CheckItem\":[{{\"UserID\":\"{admin}\"}}]}}'",
        server.addr, app.sdkappid
    );
}

/// The signals the server acts on, listened for before it says it is ready: until its
/// handler exists, a SIGINT, SIGTERM or SIGHUP would end the process at once.
struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    hangup: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn listen() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
                hangup: signal(SignalKind::hangup()).ok(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// Returns on SIGINT or SIGTERM (Ctrl-C where there are no such signals).
    async fn stopped(&mut self) {
        #[cfg(unix)]
        if let (Some(interrupt), Some(terminate)) = (&mut self.interrupt, &mut self.terminate) {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// On each SIGHUP, reads the settings again and takes the apps' new keys and admins.
#[cfg(unix)]
async fn reload_on_sighup(
    state: std::sync::Arc<opentim::state::AppState>,
    load: impl Fn() -> Result<Settings, ConfigError>,
    mut hangups: tokio::signal::unix::Signal,
) {
    while hangups.recv().await.is_some() {
        match load() {
            Ok(settings) if settings.apps.is_empty() => tracing::warn!(
                "reload: no [[app]] is configured (apps come from the database); nothing changed"
            ),
            Ok(settings) => {
                for note in state.reload_apps(&settings.apps) {
                    tracing::warn!("reload: {note}");
                }
                tracing::info!(
                    apps = settings.apps.len(),
                    "reload: app keys and admins updated"
                );
            }
            Err(e) => tracing::error!("reload failed, keeping the current settings: {e}"),
        }
    }
}
