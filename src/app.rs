//! The running server: shared state, start-up (apps, store, kicks) and the HTTP/1.1 listener
//! with header timeouts, optional TLS and graceful shutdown.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body as _, Incoming};
use hyper::{Method, Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, oneshot};
use tokio::task::JoinHandle;

use crate::api;
use crate::auth::Authenticator;
use crate::clock::SharedClock;
use crate::config::{AppConfig, Settings};
use crate::error::ApiError;
use crate::ratelimit::RateLimiters;
use crate::state::AppState;
use crate::store::{self, SharedStore};

/// The SDKAppID of the app created on first start when none is configured.
pub const DEFAULT_SDKAPPID: u64 = 1400000000;
/// Time a request body may take to arrive in full.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// Time a TLS handshake may take.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Time in-flight requests get to finish after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// Largest request head (request line and headers) accepted.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// First pause after a failed accept; it doubles with each further failure.
const ACCEPT_PAUSE_FIRST: Duration = Duration::from_millis(10);
/// Longest pause between two accepts while they keep failing: recovery is noticed this fast.
const ACCEPT_PAUSE_MAX: Duration = Duration::from_secs(1);
/// Descriptors needed besides connections (store, listener, runtime, log), for the warning
/// about an open-file limit too low for `max_connections`.
const FD_RESERVE: u64 = 128;

/// Raises the soft limit on open files to the hard limit and logs the limit in effect. Every
/// connection takes a descriptor, and the usual soft limit (1,024) is reached by anyone
/// holding that many idle connections, long before `max_connections`.
pub fn raise_fd_limit(max_connections: usize) {
    let before = rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft);
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => {
            let before = before.unwrap_or(limit);
            if limit < (max_connections as u64).saturating_add(FD_RESERVE) {
                tracing::warn!(
                    limit,
                    before,
                    max_connections,
                    "the open-file limit is below max_connections: new clients meet refusals \
                     before the cap; raise the hard limit (ulimit -Hn) or lower max_connections"
                );
            } else {
                tracing::info!(limit, before, "open-file limit in effect");
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot raise the open-file limit"),
    }
}

/// A started server.
pub struct Server {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    /// The app created on this start, when there was none (to print its key once).
    pub created_app: Option<AppConfig>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Server {
    /// Stops accepting, lets in-flight requests finish, closes the store.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Waits until the server has stopped by itself (it only does after `stop`).
    pub async fn wait(self) {
        let _ = self.task.await;
    }

    /// A handle that stops the server when sent to.
    pub fn take_stop(&mut self) -> Option<oneshot::Sender<()>> {
        self.stop.take()
    }
}

fn random_key() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// The apps to serve: those configured, or else those remembered in the store, or else a new
/// one created and remembered now.
async fn resolve_apps(
    settings: &Settings,
    store: &SharedStore,
    now: i64,
) -> Result<(Vec<AppConfig>, Option<AppConfig>), String> {
    if !settings.apps.is_empty() {
        return Ok((settings.apps.clone(), None));
    }
    let stored = store
        .load_apps()
        .await
        .map_err(|e| format!("cannot read apps: {e:?}"))?;
    if !stored.is_empty() {
        return Ok((stored, None));
    }
    let app = AppConfig {
        profile_custom_tags: Vec::new(),
        sdkappid: DEFAULT_SDKAPPID,
        secret_key: random_key(),
        previous_keys: Vec::new(),
        admins: vec!["administrator".to_string()],
    };
    store
        .save_app(&app, now)
        .await
        .map_err(|e| format!("cannot save the new app: {e:?}"))?;
    Ok((vec![app.clone()], Some(app)))
}

fn tls_acceptor(settings: &Settings) -> Result<Option<tokio_rustls::TlsAcceptor>, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    use tokio_rustls::rustls;
    let (Some(cert), Some(key)) = (&settings.tls_cert, &settings.tls_key) else {
        return Ok(None);
    };
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read tls_cert {}: {e}", cert.display()))?;
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read tls_key {}: {e}", key.display()))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| format!("TLS setup failed: {e}"))?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|e| format!("TLS certificate rejected: {e}"))?;
    Ok(Some(tokio_rustls::TlsAcceptor::from(Arc::new(config))))
}

/// Opens the store, resolves the apps and starts listening on `settings.listen`.
pub async fn start(settings: Settings, clock: SharedClock) -> Result<Server, String> {
    let store = store::open(&settings.database).await?;
    let (apps, created_app) = resolve_apps(&settings, &store, clock.unix_now()).await?;
    let auth = Authenticator::default();
    for (app, user, at) in store
        .kicked_accounts()
        .await
        .map_err(|e| format!("cannot read kicked accounts: {e:?}"))?
    {
        auth.record_kick(app, &user, at);
    }
    let names: Vec<&'static str> = api::COMMANDS.iter().map(|c| c.name).collect();
    let limits = RateLimiters::new(
        apps.iter().map(|a| a.sdkappid),
        &names,
        &settings.rate_limits,
        clock.clone(),
    );
    let tls = tls_acceptor(&settings)?;
    let listener = TcpListener::bind(&settings.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    let state = Arc::new(AppState {
        apps: RwLock::new(
            apps.into_iter()
                .map(|a| (a.sdkappid, Arc::new(a)))
                .collect(),
        ),
        settings,
        store,
        clock,
        auth,
        limits,
    });
    let (stop_tx, stop_rx) = oneshot::channel();
    let task = tokio::spawn(accept_loop(listener, tls, state.clone(), stop_rx));
    Ok(Server {
        addr,
        state,
        created_app,
        stop: Some(stop_tx),
        task,
    })
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    state: Arc<AppState>,
    mut stop: oneshot::Receiver<()>,
) {
    let graceful = GracefulShutdown::new();
    let header_timeout = Duration::from_secs(state.settings.header_timeout_secs);
    // One permit per open connection, held by its task: at the cap the loop stops accepting, so
    // further clients wait in the kernel's listen backlog instead of being accepted and dropped.
    let slots = Arc::new(Semaphore::new(state.settings.max_connections));
    let mut failures = AcceptFailures::default();
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                // The semaphore is never closed; should it be, no connection can be served.
                Err(_) => break,
            },
            _ = &mut stop => break,
        };
        let stream = tokio::select! {
            stream = accept(&listener, &mut failures) => stream,
            _ = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            // The connection's slot is given back when this task ends, however it ends.
            let _permit = permit;
            let service = hyper::service::service_fn(move |req| handle(state.clone(), req));
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .max_buf_size(MAX_HEAD_BYTES);
            let result = match tls {
                Some(acceptor) => {
                    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
                    {
                        Ok(Ok(tls_stream)) => {
                            watcher
                                .watch(http.serve_connection(TokioIo::new(tls_stream), service))
                                .await
                        }
                        _ => return,
                    }
                }
                None => {
                    watcher
                        .watch(http.serve_connection(TokioIo::new(stream), service))
                        .await
                }
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("some connections did not finish within the shutdown grace period");
    }
    state.store.close().await;
}

/// The next connection. A failed accept (other than one connection's own failure) is retried
/// after a pause, doubling from ACCEPT_PAUSE_FIRST to ACCEPT_PAUSE_MAX: the pending connection
/// stays queued, so an immediate retry fails the same way and spins a core. Connections already
/// open are served meanwhile by their own tasks. Cancel-safe (the listener's accept is).
async fn accept(listener: &TcpListener, failures: &mut AcceptFailures) -> TcpStream {
    loop {
        let quiet = failures.quiet_at();
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    failures.succeeded();
                    return stream;
                }
                Err(e) if is_one_connection_error(&e) => {
                    tracing::debug!(error = %e, "a connection failed before it was accepted");
                }
                Err(e) => tokio::time::sleep(failures.failed(&e)).await,
            },
            _ = tokio::time::sleep_until(quiet.unwrap_or_else(Instant::now).into()),
                if quiet.is_some() => failures.ended(),
        }
    }
}

/// Errors of accept that concern only the connection being accepted (it died in the backlog):
/// the next one may well succeed, so they are retried at once.
fn is_one_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted
    )
}

/// An episode of failing accepts, typically EMFILE (no descriptor left for a new socket). It
/// is logged twice, when it starts and when it ends, with its count: one line per failure
/// flooded the log at tens of MB/s. It ends once no accept has failed for ACCEPT_QUIET, not at
/// the first success: while descriptors free up one by one, accepts alternate between success
/// and failure, and each alternation would otherwise log two more lines.
#[derive(Default)]
struct AcceptFailures {
    count: u64,
    /// When the episode started and when its last failure was; None outside an episode.
    span: Option<(Instant, Instant)>,
    /// The pause after the last failure; zero when the last accept succeeded.
    pause: Duration,
}

/// No failed accept for this long ends an episode: longer than the longest pause, so that a
/// lasting shortage (a failure at least every ACCEPT_PAUSE_MAX) stays one episode.
const ACCEPT_QUIET: Duration = Duration::from_secs(2);

impl AcceptFailures {
    /// Records a failure; returns the pause before the next accept.
    fn failed(&mut self, error: &std::io::Error) -> Duration {
        let now = Instant::now();
        self.count += 1;
        match &mut self.span {
            Some((_, last)) => *last = now,
            None => {
                self.span = Some((now, now));
                tracing::warn!(
                    %error,
                    "accept failed: retrying with pauses of up to {ACCEPT_PAUSE_MAX:?} (open \
                     connections are still served); one line will follow when it works again"
                );
            }
        }
        // A success in between means descriptors came free: start again from the short pause.
        self.pause = (self.pause * 2).clamp(ACCEPT_PAUSE_FIRST, ACCEPT_PAUSE_MAX);
        self.pause
    }

    /// An accept succeeded: the next failure pauses briefly again. The episode stays open
    /// until ACCEPT_QUIET has passed without failure (at the cap, until a slot frees).
    fn succeeded(&mut self) {
        self.pause = Duration::ZERO;
    }

    /// When the episode ends if no accept fails before.
    fn quiet_at(&self) -> Option<Instant> {
        self.span.map(|(_, last)| last + ACCEPT_QUIET)
    }

    /// Closes the episode with its count. A warning like its start, so that a log filtered to
    /// warnings shows both.
    fn ended(&mut self) {
        if let Some((since, last)) = self.span.take() {
            tracing::warn!(
                failures = self.count,
                lasted = ?last.duration_since(since),
                "accepting connections again; {} accepts had failed",
                self.count
            );
            *self = AcceptFailures::default();
        }
    }
}

async fn handle(
    state: Arc<AppState>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let is_post = req.method() == Method::POST;
    // CONNECT asks for a tunnel, and a 2xx answer to it opens one (RFC 9110 §9.3.6): hyper
    // sends such an answer with neither Content-Length nor body, so the envelope every other
    // method gets with HTTP 200 arrived empty. CONNECT gets that envelope with 405 instead, and
    // the connection is closed after it: bytes a client sends behind a CONNECT are meant for
    // the tunnel and must never be read as the next request.
    let connect = req.method() == Method::CONNECT;
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let limit = state.settings.body_limit;
    // Compressed bodies are refused rather than inflated: Tencent's clients send plain JSON,
    // and refusing leaves no decompression bomb to defuse. Every Content-Encoding line counts,
    // and every coding listed in each: the codings of all lines apply in turn, so `identity`
    // in the first line says nothing about a `gzip` in the next.
    let encodings: Vec<String> = req
        .headers()
        .get_all(hyper::header::CONTENT_ENCODING)
        .iter()
        .flat_map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .split(',')
                .map(|coding| coding.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .filter(|coding| !coding.is_empty() && coding != "identity")
        .collect();
    let body = if connect {
        // Refused whatever it carries (dispatch answers for the method first): not read.
        Ok(Bytes::new())
    } else if !encodings.is_empty() {
        Err(ApiError::BadRequestLine(format!(
            "Content-Encoding {:?} is not supported: send the body uncompressed",
            encodings.join(", ")
        )))
    } else if req.body().size_hint().lower() > limit as u64 {
        // A declared Content-Length over the limit is refused before any byte is read. hyper
        // sends `100 Continue` only when the body is polled, so a client that asked for it gets
        // this answer instead; the unread body makes hyper close the connection after it.
        Err(ApiError::BodyTooLarge(limit))
    } else {
        match tokio::time::timeout(BODY_TIMEOUT, Limited::new(req.into_body(), limit).collect())
            .await
        {
            Ok(Ok(collected)) => Ok(collected.to_bytes()),
            Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
                Err(ApiError::BodyTooLarge(limit))
            }
            Ok(Err(_)) => Err(ApiError::BadRequestLine(
                "the request body could not be read".into(),
            )),
            Err(_) => Err(ApiError::BadRequestLine(
                "the request body took too long to arrive".into(),
            )),
        }
    };
    let answer = api::dispatch(state, is_post, &path, &query, body).await;
    let mut response = Response::new(Full::new(Bytes::from(answer)));
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if connect {
        *response.status_mut() = hyper::StatusCode::METHOD_NOT_ALLOWED;
        let headers = response.headers_mut();
        headers.insert(
            hyper::header::ALLOW,
            hyper::header::HeaderValue::from_static("POST"),
        );
        headers.insert(
            hyper::header::CONNECTION,
            hyper::header::HeaderValue::from_static("close"),
        );
    }
    Ok(response)
}
