//! The running server: shared state, start-up (apps, store, kicks) and the HTTP/1.1 listener
//! with header timeouts, optional TLS and graceful shutdown.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api;
use crate::auth::Authenticator;
use crate::clock::SharedClock;
use crate::config::{AppConfig, Settings};
use crate::error::ApiError;
use crate::ratelimit::RateLimiters;
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

/// Everything a request needs, shared by all connections.
pub struct AppState {
    pub settings: Settings,
    /// The apps served, by SDKAppID; keys and admins change on reload (SIGHUP).
    apps: RwLock<HashMap<u64, Arc<AppConfig>>>,
    pub store: SharedStore,
    pub clock: SharedClock,
    pub auth: Authenticator,
    pub limits: RateLimiters,
}

impl AppState {
    /// The app with this SDKAppID, as currently configured.
    pub fn app(&self, sdkappid: u64) -> Option<Arc<AppConfig>> {
        self.apps.read().ok()?.get(&sdkappid).cloned()
    }

    /// Every app served, by SDKAppID.
    pub fn apps(&self) -> Vec<Arc<AppConfig>> {
        let mut apps: Vec<_> = self
            .apps
            .read()
            .map(|a| a.values().cloned().collect())
            .unwrap_or_default();
        apps.sort_by_key(|a| a.sdkappid);
        apps
    }

    /// Takes new keys and admins for the apps served (a reload). Requests in flight finish
    /// with the app as they found it; UserSigs verified before are verified again, so a
    /// removed key stops working at once. Apps are added or removed only by a restart (their
    /// rate limiters are built at start); such changes are reported and ignored.
    pub fn reload_apps(&self, configured: &[AppConfig]) -> Vec<String> {
        let mut notes = Vec::new();
        let Ok(mut apps) = self.apps.write() else {
            return vec!["the app table is unusable".into()];
        };
        for new in configured {
            match apps.get_mut(&new.sdkappid) {
                Some(app) => *app = Arc::new(new.clone()),
                None => notes.push(format!(
                    "app {} is not served; restart to add it",
                    new.sdkappid
                )),
            }
        }
        for id in apps.keys() {
            if !configured.iter().any(|a| a.sdkappid == *id) {
                notes.push(format!(
                    "app {id} is no longer configured; restart to remove it"
                ));
            }
        }
        drop(apps);
        self.auth.forget_verified();
        notes
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
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
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

async fn handle(
    state: Arc<AppState>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let is_post = req.method() == Method::POST;
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let limit = state.settings.body_limit;
    // Compressed bodies are refused rather than inflated: Tencent's clients send plain JSON,
    // and refusing leaves no decompression bomb to defuse.
    let encoding = req
        .headers()
        .get(hyper::header::CONTENT_ENCODING)
        .map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|v| !v.is_empty() && v != "identity");
    let body = if let Some(encoding) = encoding {
        Err(ApiError::BadRequestLine(format!(
            "Content-Encoding {encoding:?} is not supported: send the body uncompressed"
        )))
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
    Ok(response)
}
