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

use super::PushError;
use super::remote::Remote;

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

/// The runtime batch-mode requests run on.
pub(super) struct Transport {
    runtime: tokio::runtime::Runtime,
}

impl Transport {
    pub(super) fn new() -> std::io::Result<Self> {
        Ok(Self {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .thread_name("velocity-metrics-push")
                .build()?,
        })
    }

    /// Makes `body` on the blocking pool (a render, with its checks), then
    /// sends it with `method` to `url`; `Ok` on a 2xx answer. Nothing is
    /// sent when `body` fails.
    pub(super) fn send(
        &self,
        connection: &Connection,
        method: Method,
        url: &Url,
        body: impl FnOnce() -> Result<String, PushError> + Send + 'static,
    ) -> Result<(), PushError> {
        let remote = connection.remote();
        let address = remote.address();
        let transfer = |reason: String| PushError::Transfer {
            address: address.clone(),
            reason,
        };
        self.runtime.block_on(async {
            let body = tokio::task::spawn_blocking(body)
                .await
                .map_err(|e| transfer(format!("rendering failed: {e}")))??;
            let mut request = Request::builder().method(method).uri(url.as_str()).header(
                USER_AGENT,
                concat!("velocity_metrics/", env!("CARGO_PKG_VERSION")),
            );
            if !body.is_empty() {
                request = request.header(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            }
            if let Some(auth) = &remote.auth {
                request = request.header(AUTHORIZATION, auth.header()?);
            }
            let request = request
                .body(Full::new(Bytes::from(body)))
                .map_err(|e| transfer(e.to_string()))?;
            let client = connection.client()?;
            let exchange = async {
                let response = client.request(request).await.map_err(|e| {
                    if e.is_connect() {
                        PushError::Connect {
                            address: address.clone(),
                            reason: chain(&e),
                        }
                    } else {
                        transfer(chain(&e))
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
            let (status, answer) = tokio::time::timeout(remote.timeout, exchange)
                .await
                .map_err(|_| transfer(format!("no answer within {:?}", remote.timeout)))??;
            let answer: String = String::from_utf8_lossy(&answer)
                .chars()
                .take(ANSWER_SHOWN)
                .collect();
            match status.as_u16() {
                200..=299 => Ok(()),
                401 | 403 => Err(PushError::Unauthorized {
                    address: address.clone(),
                    status: status.as_u16(),
                }),
                code => Err(PushError::Rejected {
                    status: code,
                    body: answer,
                }),
            }
        })
    }
}
