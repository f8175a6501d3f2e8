//! The HTTP client of batch mode: hyper-util's client over hyper-rustls
//! (rustls with the ring provider, passed explicitly — no process-wide
//! crypto provider is installed), on a small runtime of the batch run's
//! own. Rendering runs on the runtime's blocking pool, never on the thread
//! that drives the connection.

use std::sync::{Arc, OnceLock};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use hyper::{Method, Request};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use url::Url;

use super::remote::Remote;
use super::{Auth, PushError};

/// Largest answer read back (the server's reason for a refusal).
const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// Characters of a refusal's answer kept in the error.
const ANSWER_SHOWN: usize = 300;

type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// One destination's client, made on first use (so a TLS setup problem is
/// a typed, counted push error like any other).
pub(super) struct Connection {
    remote: Remote,
    client: OnceLock<Result<HttpsClient, PushError>>,
}

/// The roots a connection trusts: the system's (for `https`), plus the
/// configured CA file's.
fn tls_config(remote: &Remote) -> Result<rustls::ClientConfig, PushError> {
    let mut roots = rustls::RootCertStore::empty();
    if remote.https() {
        for cert in rustls_native_certs::load_native_certs().certs {
            // A system certificate rustls cannot use is left out, as
            // browsers do.
            let _ = roots.add(cert);
        }
        for cert in &remote.ca_certs {
            roots.add(cert.clone()).map_err(|e| PushError::CaFile {
                path: remote.ca_file.clone().unwrap_or_default(),
                reason: e.to_string(),
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| PushError::Connect {
            address: remote.address(),
            reason: format!("TLS setup: {e}"),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

impl Connection {
    pub(super) fn new(remote: Remote) -> Self {
        Self {
            remote,
            client: OnceLock::new(),
        }
    }

    pub(super) fn remote(&self) -> &Remote {
        &self.remote
    }

    fn client(&self) -> Result<&HttpsClient, PushError> {
        self.client
            .get_or_init(|| {
                let https = HttpsConnectorBuilder::new()
                    .with_tls_config(tls_config(&self.remote)?)
                    .https_or_http()
                    .enable_http1()
                    .build();
                // No idle connections: a run may pause for long between
                // pushes, and nothing drives an idle one meanwhile.
                Ok(Client::builder(TokioExecutor::new())
                    .pool_max_idle_per_host(0)
                    .build(https))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// The messages of an error and its sources, most specific last.
fn chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = inner.source();
    }
    parts.join(": ")
}

/// The runtime batch-mode requests run on, driven by a thread of its own:
/// sending works the same from a plain thread and from inside another
/// tokio runtime (where blocking on a runtime would panic).
pub(super) struct Transport {
    handle: tokio::runtime::Handle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Transport {
    pub(super) fn new() -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("velocity-metrics-push".to_owned())
            .spawn(move || {
                let _ = runtime.block_on(stopped);
            })?;
        Ok(Self {
            handle,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Makes `body` on the blocking pool (a render, with its checks), then
    /// sends it with `method` to `url`; `Ok` on a 2xx answer. Nothing is
    /// sent when `body` fails. Waits for the answer (or the timeout).
    pub(super) fn send(
        &self,
        connection: &Connection,
        method: Method,
        url: &Url,
        body: impl FnOnce() -> Result<String, PushError> + Send + 'static,
    ) -> Result<(), PushError> {
        let remote = connection.remote();
        let address = remote.address();
        let stopped = || PushError::Transfer {
            address: address.clone(),
            reason: "the batch run's sending thread stopped".to_owned(),
        };
        let client = connection.client()?.clone();
        let authorization = remote.auth.as_ref().map(Auth::header).transpose()?;
        let exchange = Exchange {
            client,
            method,
            url: url.as_str().to_owned(),
            authorization,
            timeout: remote.timeout,
            address: address.clone(),
        };
        let (answer, answered) = std::sync::mpsc::channel();
        self.handle.spawn(async move {
            let _ = answer.send(exchange.run(body).await);
        });
        answered.recv().unwrap_or_else(|_| Err(stopped()))
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One request, owned, for the runtime's thread.
struct Exchange {
    client: HttpsClient,
    method: Method,
    url: String,
    authorization: Option<hyper::header::HeaderValue>,
    timeout: std::time::Duration,
    address: String,
}

impl Exchange {
    fn transfer(&self, reason: String) -> PushError {
        PushError::Transfer {
            address: self.address.clone(),
            reason,
        }
    }

    async fn run(
        self,
        body: impl FnOnce() -> Result<String, PushError> + Send + 'static,
    ) -> Result<(), PushError> {
        let body = tokio::task::spawn_blocking(body)
            .await
            .map_err(|e| self.transfer(format!("rendering failed: {e}")))??;
        let mut request = Request::builder()
            .method(self.method.clone())
            .uri(self.url.as_str())
            .header(
                USER_AGENT,
                concat!("velocity_metrics/", env!("CARGO_PKG_VERSION")),
            );
        if !body.is_empty() {
            request = request.header(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        }
        if let Some(value) = &self.authorization {
            request = request.header(AUTHORIZATION, value.clone());
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| self.transfer(e.to_string()))?;
        let exchange = async {
            let response = self.client.request(request).await.map_err(|e| {
                if e.is_connect() {
                    PushError::Connect {
                        address: self.address.clone(),
                        reason: chain(&e),
                    }
                } else {
                    self.transfer(chain(&e))
                }
            })?;
            let status = response.status();
            let answer = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
                .collect()
                .await
                .map(http_body_util::Collected::to_bytes)
                .unwrap_or_default();
            Ok::<_, PushError>((status, answer))
        };
        let (status, answer) = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| self.transfer(format!("no answer within {:?}", self.timeout)))??;
        match status.as_u16() {
            200..=299 => Ok(()),
            401 | 403 => Err(PushError::Unauthorized {
                address: self.address.clone(),
                status: status.as_u16(),
            }),
            code => Err(PushError::Rejected {
                status: code,
                body: String::from_utf8_lossy(&answer)
                    .chars()
                    .take(ANSWER_SHOWN)
                    .collect(),
            }),
        }
    }
}
