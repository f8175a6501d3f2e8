//! The exporter's one background thread: the HTTP listener (unless
//! embedded) and the histogram upkeep, on a single-threaded runtime that
//! ends — and closes every socket it holds — when the exporter stops.
//! Scrapes publish and render on the runtime's blocking pool (see
//! [`Server`]); this thread only accepts, routes and writes.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::ExporterError;
use super::connections::{Admission, Connections};
use super::endpoint::Endpoint;
use super::self_metrics::{DropReason, EndpointCounters};
use super::server::Server;

/// Threads that may publish, render or check passwords at once.
const BLOCKING_THREADS: usize = 8;

/// How often idle connections are looked for.
const SWEEP_INTERVAL: Duration = Duration::from_millis(500);

/// The running background thread and the signal that stops it.
pub(crate) struct Worker {
    stop: Arc<Notify>,
    thread: JoinHandle<()>,
}

/// What the listener serves, and how.
pub(crate) struct Serving {
    pub(crate) listener: TcpListener,
    pub(crate) allowed: Vec<ipnet::IpNet>,
    pub(crate) limits: super::limits::Limits,
    #[cfg(feature = "tls")]
    pub(crate) security: super::security::Security,
}

impl Worker {
    /// Starts the thread: serving (if any) and running histogram upkeep
    /// every `upkeep`.
    pub(crate) fn spawn(
        endpoint: Arc<Endpoint>,
        serving: Option<Serving>,
        upkeep: Duration,
    ) -> Result<Self, ExporterError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(BLOCKING_THREADS)
            .thread_name("velocity-metrics-scrape")
            .build()
            .map_err(|e| ExporterError::Runtime(e.to_string()))?;
        let server = match serving {
            Some(serving) => {
                serving
                    .listener
                    .set_nonblocking(true)
                    .map_err(|e| ExporterError::Runtime(e.to_string()))?;
                let counters = EndpointCounters::register(&endpoint.recorder);
                let server = Server {
                    endpoint: Arc::clone(&endpoint),
                    allowed: serving.allowed,
                    limits: serving.limits,
                    connections: Connections::new(serving.limits.max_connections, counters),
                    #[cfg(feature = "tls")]
                    security: serving.security,
                };
                Some((serving.listener, Arc::new(server)))
            }
            None => None,
        };
        let stop = Arc::new(Notify::new());
        let signal = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("velocity-metrics-exporter".into())
            .spawn(move || {
                runtime.block_on(run(endpoint, server, upkeep, signal));
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
    server: Option<(TcpListener, Arc<Server>)>,
    upkeep: Duration,
    stop: Arc<Notify>,
) {
    let (listener, server) = match server {
        Some((listener, server)) => match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => (Some(listener), Some(server)),
            Err(_) => (None, None),
        },
        None => (None, None),
    };
    let mut ticks = tokio::time::interval(upkeep);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut sweeps = tokio::time::interval(SWEEP_INTERVAL);
    sweeps.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.notified() => break,
            _ = ticks.tick() => endpoint.run_upkeep(),
            _ = sweeps.tick(), if server.is_some() => {
                if let Some(server) = &server {
                    let limits = server.limits;
                    server.connections.close_idle(
                        Instant::now(),
                        limits.header_read_timeout,
                        limits.keep_alive_timeout,
                    );
                }
            }
            accepted = accept(listener.as_ref()) => match (accepted, &server) {
                (Ok((stream, peer)), Some(server)) => admit(server, stream, peer),
                (Err(_), Some(server)) => {
                    // Out of file descriptors and the like: back off, keep serving.
                    server.connections.counters().dropped(DropReason::AcceptFailed);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                (_, None) => {}
            },
        }
    }
    // Dropping the runtime after this returns cancels every connection task
    // and closes the listener.
}

/// Serves `stream` if the connection table admits it (else it is dropped,
/// closing it, and counted).
fn admit(server: &Arc<Server>, stream: tokio::net::TcpStream, peer: SocketAddr) {
    if let Admission::Admitted(id) = server.connections.admit(Instant::now()) {
        let task = tokio::spawn(Arc::clone(server).serve(stream, peer, id));
        server.connections.attach(id, task.abort_handle());
    }
}

async fn accept(
    listener: Option<&tokio::net::TcpListener>,
) -> std::io::Result<(tokio::net::TcpStream, SocketAddr)> {
    match listener {
        Some(listener) => listener.accept().await,
        None => std::future::pending().await,
    }
}
