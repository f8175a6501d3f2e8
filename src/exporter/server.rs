//! [`Server`]: one connection of the built-in listener, from TLS handshake
//! to responses. Scrapes publish and render on the runtime's blocking pool,
//! so the thread that accepts connections and answers `/ready` and `/`
//! never waits for them.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use ipnet::IpNet;
use tokio::io::{AsyncRead, AsyncWrite};

use super::connections::{Connections, OpenGuard};
use super::endpoint::Endpoint;
use super::limits::Limits;
use super::negotiate::{ExpositionFormat, accepts_gzip};
use super::scrape::{PLAIN_TEXT, Scrape, ScrapeResponse};
#[cfg(feature = "tls")]
use super::security::{AuthOutcome, Security};
#[cfg(feature = "tls")]
use super::self_metrics::DropReason;
use super::self_metrics::RejectReason;

/// The page at `/`.
const INDEX: &str = "velocity_metrics exporter: /metrics (Prometheus text, OpenMetrics, protobuf; gzip), /ready (200 once state is restored)\n";

/// Everything a connection needs.
pub(crate) struct Server {
    pub(crate) endpoint: Arc<Endpoint>,
    pub(crate) allowed: Vec<IpNet>,
    pub(crate) limits: Limits,
    pub(crate) connections: Connections,
    #[cfg(feature = "tls")]
    pub(crate) security: Security,
}

type HttpResponse = Response<Full<Bytes>>;

impl Server {
    /// Serves connection `id` until it closes; its table entry goes with it.
    pub(crate) async fn serve(
        self: Arc<Self>,
        stream: tokio::net::TcpStream,
        peer: SocketAddr,
        id: u64,
    ) {
        let _open = OpenGuard {
            connections: &self.connections,
            id,
        };
        let permitted = is_allowed(&self.allowed, peer.ip());
        #[cfg(feature = "tls")]
        if let Some(config) = &self.security.tls {
            let acceptor = tokio_rustls::TlsAcceptor::from(Arc::clone(config));
            let handshake =
                tokio::time::timeout(self.limits.header_read_timeout, acceptor.accept(stream))
                    .await;
            match handshake {
                Ok(Ok(stream)) => self.serve_http(stream, id, permitted).await,
                Ok(Err(_)) | Err(_) => self
                    .connections
                    .counters()
                    .dropped(DropReason::TlsHandshake),
            }
            return;
        }
        self.serve_http(stream, id, permitted).await;
    }

    async fn serve_http<S>(self: &Arc<Self>, io: S, id: u64, permitted: bool)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let server = Arc::clone(self);
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let server = Arc::clone(&server);
            async move {
                server.connections.request_started(id);
                let response = server.respond(permitted, &request).await;
                server.connections.request_finished(id, Instant::now());
                Ok::<_, Infallible>(response)
            }
        });
        // No hyper timeouts: its header timeout would also cut keep-alive
        // short. The connection table's sweep closes a connection that sends
        // no complete request within the header timeout of opening, or of
        // its last answer plus the keep-alive timeout (slow headers included).
        let _ = hyper::server::conn::http1::Builder::new()
            .max_header_size(self.limits.max_header_bytes)
            .serve_connection(TokioIo::new(io), service)
            .await;
    }

    async fn respond(&self, permitted: bool, request: &Request<Incoming>) -> HttpResponse {
        let head = request.method() == Method::HEAD;
        let mut response = self.route(permitted, request).await;
        #[cfg(feature = "tls")]
        for (name, value) in &self.security.headers {
            response.headers_mut().insert(name.clone(), value.clone());
        }
        if head {
            // What GET would send, without the body: its length is known
            // (except for /metrics, which is not rendered for HEAD).
            *response.body_mut() = Full::new(Bytes::new());
        }
        response
    }

    async fn route(&self, permitted: bool, request: &Request<Incoming>) -> HttpResponse {
        let counters = self.connections.counters();
        if !permitted {
            counters.rejected(RejectReason::Forbidden);
            return text(
                StatusCode::FORBIDDEN,
                "forbidden: client not in the allow-list\n",
            );
        }
        if request.method() != Method::GET && request.method() != Method::HEAD {
            let mut response = text(
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed: use GET or HEAD\n",
            );
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return response;
        }
        let path = request.uri().path();
        if path == "/ready" {
            return if self.endpoint.is_ready() {
                text(StatusCode::OK, "ready\n")
            } else {
                text(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "not ready: restoring state\n",
                )
            };
        }
        #[cfg(feature = "tls")]
        if let Some(auth) = &self.security.auth {
            let authorization = request
                .headers()
                .get(header::AUTHORIZATION)
                .map(HeaderValue::as_bytes);
            match auth.check(authorization).await {
                AuthOutcome::Allowed => {}
                outcome => {
                    counters.rejected(if outcome == AuthOutcome::Busy {
                        RejectReason::AuthBusy
                    } else {
                        RejectReason::Unauthorized
                    });
                    let mut response = text(StatusCode::UNAUTHORIZED, "unauthorized\n");
                    response.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static(
                            "Basic realm=\"velocity_metrics\", charset=\"UTF-8\"",
                        ),
                    );
                    return response;
                }
            }
        }
        match path {
            "/metrics" => self.metrics(request).await,
            "/" => text(StatusCode::OK, INDEX),
            _ => text(StatusCode::NOT_FOUND, "not found: try /metrics\n"),
        }
    }

    async fn metrics(&self, request: &Request<Incoming>) -> HttpResponse {
        let headers = request.headers();
        let accept = header_text(headers, header::ACCEPT.as_str());
        let accept_encoding = header_text(headers, header::ACCEPT_ENCODING.as_str());
        if request.method() == Method::HEAD {
            return head_of_metrics(
                &self.endpoint,
                accept.as_deref(),
                accept_encoding.as_deref(),
            );
        }
        let deadline = self.limits.scrape_deadline(
            header_text(headers, "x-prometheus-scrape-timeout-seconds").as_deref(),
        );
        let endpoint = Arc::clone(&self.endpoint);
        let scrape = tokio::task::spawn_blocking(move || {
            endpoint.scrape_for(accept.as_deref(), accept_encoding.as_deref())
        });
        match tokio::time::timeout(deadline, scrape).await {
            Ok(Ok(scrape)) => from_scrape(scrape),
            Ok(Err(_)) => text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "scrape failed: rendering panicked\n",
            ),
            Err(_) => {
                self.connections
                    .counters()
                    .rejected(RejectReason::ScrapeTimeout);
                text(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &format!(
                        "scrape timed out after {:.1} s: publishing (on_publish hooks included) is still running; the next scrape gets its result\n",
                        deadline.as_secs_f64()
                    ),
                )
            }
        }
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Status and headers a GET would get, without publishing or rendering.
fn head_of_metrics(
    endpoint: &Endpoint,
    accept: Option<&str>,
    accept_encoding: Option<&str>,
) -> HttpResponse {
    if !endpoint.is_ready() {
        return from_scrape(ScrapeResponse::from(Scrape::not_ready()));
    }
    let format = ExpositionFormat::negotiate(accept);
    let mut response = Response::new(Full::new(Bytes::new()));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if accepts_gzip(accept_encoding) {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding"),
    );
    response
}

fn from_scrape(scrape: ScrapeResponse) -> HttpResponse {
    let length = scrape.body.len();
    let mut response = Response::new(Full::new(Bytes::from(scrape.body)));
    *response.status_mut() = StatusCode::from_u16(scrape.status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(scrape.content_type),
    );
    if let Some(encoding) = scrape.content_encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding"),
    );
    response
}

fn text(status: StatusCode, body: &str) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::from(body.to_owned())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PLAIN_TEXT));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    response
}

pub(crate) fn is_allowed(allowed: &[IpNet], ip: IpAddr) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 @ IpAddr::V4(_) => v4,
    };
    allowed.is_empty() || allowed.iter().any(|net| net.contains(&ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_list_matches_networks_and_mapped_addresses() {
        let nets: Vec<IpNet> = vec![
            "10.1.2.0/24".parse().unwrap(),
            "127.0.0.1/32".parse().unwrap(),
        ];
        assert!(is_allowed(&nets, "10.1.2.200".parse().unwrap()));
        assert!(!is_allowed(&nets, "10.1.3.1".parse().unwrap()));
        assert!(is_allowed(&nets, "::ffff:127.0.0.1".parse().unwrap()));
        assert!(is_allowed(&[], "192.0.2.1".parse().unwrap()));
    }
}
