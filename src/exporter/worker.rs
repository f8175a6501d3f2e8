//! The exporter's one background thread: an HTTP listener (unless embedded)
//! and the histogram upkeep, on a single-threaded runtime that ends — and
//! closes every socket it holds — when the exporter stops.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use ipnet::IpNet;
use tokio::sync::Notify;

use super::ExporterError;
use super::endpoint::{Endpoint, Scrape};

/// How long a client may take to send its request headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The running background thread and the signal that stops it.
pub(crate) struct Worker {
    stop: Arc<Notify>,
    thread: JoinHandle<()>,
}

impl Worker {
    /// Starts the thread: serving `listener` (if any) and running histogram
    /// upkeep every `upkeep`.
    pub(crate) fn spawn(
        endpoint: Arc<Endpoint>,
        listener: Option<TcpListener>,
        allowed: Vec<IpNet>,
        upkeep: Duration,
    ) -> Result<Self, ExporterError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ExporterError::Runtime(e.to_string()))?;
        if let Some(listener) = &listener {
            listener
                .set_nonblocking(true)
                .map_err(|e| ExporterError::Runtime(e.to_string()))?;
        }
        let stop = Arc::new(Notify::new());
        let signal = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("velocity-metrics-exporter".into())
            .spawn(move || {
                runtime.block_on(run(endpoint, listener, Arc::new(allowed), upkeep, signal));
            })
            .map_err(|e| ExporterError::Runtime(e.to_string()))?;
        Ok(Self { stop, thread })
    }

    /// Signals the thread and waits for it to end.
    pub(crate) fn stop(self) {
        self.stop.notify_one();
        let _ = self.thread.join();
    }
}

async fn run(
    endpoint: Arc<Endpoint>,
    listener: Option<TcpListener>,
    allowed: Arc<Vec<IpNet>>,
    upkeep: Duration,
    stop: Arc<Notify>,
) {
    let listener = match listener.map(tokio::net::TcpListener::from_std) {
        Some(Ok(listener)) => Some(listener),
        Some(Err(_)) | None => None,
    };
    let mut ticks = tokio::time::interval(upkeep);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.notified() => break,
            _ = ticks.tick() => endpoint.handle.run_upkeep(),
            accepted = accept(listener.as_ref()) => match accepted {
                Ok((stream, peer)) => {
                    let permitted = is_allowed(&allowed, peer.ip());
                    tokio::spawn(serve_connection(Arc::clone(&endpoint), stream, permitted));
                }
                // Out of file descriptors and the like: back off, keep serving.
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            },
        }
    }
    // Dropping the runtime after this returns cancels every connection task
    // and closes the listener.
}

async fn accept(
    listener: Option<&tokio::net::TcpListener>,
) -> std::io::Result<(tokio::net::TcpStream, SocketAddr)> {
    match listener {
        Some(listener) => listener.accept().await,
        None => std::future::pending().await,
    }
}

fn is_allowed(allowed: &[IpNet], ip: IpAddr) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 @ IpAddr::V4(_) => v4,
    };
    allowed.is_empty() || allowed.iter().any(|net| net.contains(&ip))
}

async fn serve_connection(endpoint: Arc<Endpoint>, stream: tokio::net::TcpStream, permitted: bool) {
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let response = respond(&endpoint, permitted, &request);
        async move { Ok::<_, Infallible>(response) }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

fn text(status: StatusCode, body: &str) -> Scrape {
    Scrape {
        status: status.as_u16(),
        content_type: "text/plain; charset=utf-8",
        body: body.to_owned(),
    }
}

fn respond(
    endpoint: &Endpoint,
    permitted: bool,
    request: &Request<Incoming>,
) -> Response<Full<Bytes>> {
    let head = request.method() == Method::HEAD;
    let scrape = if !permitted {
        text(
            StatusCode::FORBIDDEN,
            "forbidden: client not in the allow-list\n",
        )
    } else if request.method() != Method::GET && !head {
        text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n")
    } else {
        match request.uri().path() {
            "/metrics" => endpoint.scrape(),
            "/ready" if endpoint.is_ready() => text(StatusCode::OK, "ready\n"),
            "/ready" => text(
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: restoring state\n",
            ),
            "/" => text(
                StatusCode::OK,
                "velocity_metrics exporter: /metrics (Prometheus text format), /ready (200 once state is restored)\n",
            ),
            _ => text(StatusCode::NOT_FOUND, "not found: try /metrics\n"),
        }
    };
    let body = if head { String::new() } else { scrape.body };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = StatusCode::from_u16(scrape.status).unwrap_or(StatusCode::OK);
    if let Ok(value) = hyper::header::HeaderValue::from_str(scrape.content_type) {
        response
            .headers_mut()
            .insert(hyper::header::CONTENT_TYPE, value);
    }
    response
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
