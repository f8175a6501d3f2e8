//! Serving `/metrics` from the engine's own HTTP server (axum on a tokio
//! multi-thread runtime), with no second port and the same exposition as the
//! built-in listener: names, types, help, histogram buckets, readiness.
//!
//! ```text
//! cargo run --example own_server                  # http://127.0.0.1:8080/metrics
//! cargo run --example own_server -- --port 8181 --duration 60
//! ```
//!
//! The engine keeps its routes (`/health` here) and adds one handler that
//! answers with [`Exporter::scrape_for`] (the format and compression the
//! scraper asks for, as the built-in listener negotiates them). Recording
//! happens where the engine
//! works: a tokio task and a plain thread both record below.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use velocity_metrics::exporter::{Exporter, ExporterBuilder};
use velocity_metrics::{Agent, PhysicsReading, Regime, Symbol, Timeframe, Trade};

/// `GET /metrics`: rendering costs CPU in proportion to the number of
/// series, so it runs on the blocking pool, not on an async worker.
async fn metrics(State(exporter): State<Arc<Exporter>>, headers: HeaderMap) -> Response {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let (accept, encoding) = (text(header::ACCEPT), text(header::ACCEPT_ENCODING));
    let scrape = tokio::task::spawn_blocking(move || {
        exporter.scrape_for(accept.as_deref(), encoding.as_deref())
    })
    .await;
    let Ok(scrape) = scrape else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "render failed").into_response();
    };
    let status = StatusCode::from_u16(scrape.status).unwrap_or(StatusCode::OK);
    let mut response = (status, scrape.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(scrape.content_type),
    );
    if let Some(encoding) = scrape.content_encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

fn options() -> Result<(u16, Option<Duration>), String> {
    let (mut port, mut duration) = (8080, None);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--port" => port = value.parse().map_err(|e| format!("--port: {e}"))?,
            "--duration" => {
                let secs: u64 = value.parse().map_err(|e| format!("--duration: {e}"))?;
                duration = Some(Duration::from_secs(secs));
            }
            _ => {
                return Err(format!(
                    "unknown flag {flag}; usage: own_server [--port 8080] [--duration SECONDS]"
                ));
            }
        }
    }
    Ok((port, duration))
}

/// One round of what the engine records, in a few of its shapes.
fn record_round(exporter: &Exporter, round: u32) -> Result<(), Box<dyn std::error::Error>> {
    let t = exporter.telemetry();
    let eurusd = Symbol::new("EURUSD+")?;
    let pnl = if round % 3 == 0 { -4.0 } else { 6.5 };
    let agent = if round % 2 == 0 {
        Agent::BERSERKER
    } else {
        Agent::SNIPER
    };
    t.record_trade(
        &Trade::closed(agent, eurusd, Timeframe::M5, pnl)
            .with_regime(Regime::Underdamped)
            .with_duration_secs(90.0),
    )?;
    t.record_equity_now(10_000.0 + f64::from(round), 10_000.0 + f64::from(round))?;
    t.record_regime(eurusd, Timeframe::M5, Regime::Underdamped);
    t.record_physics(
        eurusd,
        Timeframe::M5,
        &PhysicsReading {
            energy: 0.4,
            damping_ratio: Some(0.6),
            natural_frequency: Some(0.3),
            ..PhysicsReading::default()
        },
    )?;
    t.record_db_query(Duration::from_millis(3));
    t.record_signal(agent);
    t.add_ticks(10);
    t.set_mt5_connected(true);
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (port, duration) = options()?;
    let exporter = Arc::new(ExporterBuilder::new().build_embedded()?);

    // A tokio task of the engine records…
    let task_exporter = Arc::clone(&exporter);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(Duration::from_millis(100));
        for round in 0.. {
            ticks.tick().await;
            if let Err(error) = record_round(&task_exporter, round) {
                eprintln!("record: {error}");
            }
        }
    });
    // …and so does a plain thread (say, the MT5 bridge).
    let thread_exporter = Arc::clone(&exporter);
    std::thread::spawn(move || {
        loop {
            thread_exporter.telemetry().add_ticks(1);
            std::thread::sleep(Duration::from_millis(50));
        }
    });

    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/health", get(|| async { "ok" }))
        .with_state(Arc::clone(&exporter));
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(address).await?;
    println!(
        "serving http://{}/metrics from the engine's own server",
        listener.local_addr()?
    );
    let stop = async move {
        match duration {
            Some(d) => tokio::time::sleep(d).await,
            None => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await?;
    Ok(())
}
