//! Read the engine's `trading_logs.db`: restore, export history, follow.
//!
//! ```text
//! # print the restored statistics as Prometheus would scrape them
//! cargo run --features sqlite --example backfill -- --db trading_logs.db
//! # history for Prometheus, one sample per minute, then load it:
//! cargo run --features sqlite --example backfill -- --db trading_logs.db \
//!     --openmetrics-out history.om --step 60s --starting-balance 10000
//! promtool tsdb create-blocks-from openmetrics history.om ./data
//! # restore, serve on :9090 and record new rows every 5 s
//! cargo run --features sqlite --example backfill -- --db trading_logs.db --port 9090 --follow 5s
//! ```
//!
//! The database is only ever read (see `velocity_metrics::backfill`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use velocity_metrics::backfill::{self, Follower, OpenMetricsOptions, Progress, ReplayOptions};
use velocity_metrics::exporter::ExporterBuilder;
use velocity_metrics::{Role, Telemetry};

#[derive(Debug, Default)]
struct Options {
    db: Option<PathBuf>,
    openmetrics_out: Option<PathBuf>,
    step: Option<Duration>,
    follow: Option<Duration>,
    port: Option<u16>,
    starting_balance: Option<f64>,
}

const USAGE: &str = "usage: backfill --db FILE [--openmetrics-out FILE [--step 60s]] \
[--port N] [--follow 5s] [--starting-balance X]";

/// `90`, `90s`, `5m`, `1h`, `500ms`.
fn duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = text
        .find(|c: char| c.is_ascii_alphabetic())
        .map_or((text, "s"), |i| text.split_at(i));
    let n: f64 = number.parse().map_err(|e| format!("{text:?}: {e}"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86_400.0,
        _ => return Err(format!("{text:?}: unit must be ms, s, m, h or d")),
    };
    Duration::try_from_secs_f64(secs).map_err(|e| format!("{text:?}: {e}"))
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--db" => options.db = Some(value.into()),
            "--openmetrics-out" => options.openmetrics_out = Some(value.into()),
            "--step" => options.step = Some(duration(&value)?),
            "--follow" => options.follow = Some(duration(&value)?),
            "--port" => options.port = Some(value.parse().map_err(|e| format!("--port: {e}"))?),
            "--starting-balance" => {
                options.starting_balance = Some(
                    value
                        .parse()
                        .map_err(|e| format!("--starting-balance: {e}"))?,
                );
            }
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    if options.db.is_none() {
        return Err(format!("--db is required\n{USAGE}"));
    }
    Ok(options)
}

fn write_history(
    options: &Options,
    db: &std::path::Path,
    out: &std::path::Path,
) -> Result<(), String> {
    let mut history = OpenMetricsOptions::new(options.step.unwrap_or(Duration::from_secs(60)));
    if let Some(balance) = options.starting_balance {
        history = history.starting_balance(balance);
    }
    let report = backfill::write_openmetrics_file(db, out, &history).map_err(|e| e.to_string())?;
    println!("{}", report.replay);
    println!(
        "wrote {} samples of {} series at {} steps to {}",
        report.samples,
        report.series,
        report.steps,
        out.display()
    );
    if let Some((first, last)) = report.span {
        println!(
            "load with: promtool tsdb create-blocks-from openmetrics {} ./data  (data from {first} to {last})",
            out.display()
        );
    }
    Ok(())
}

/// Restores the database into a telemetry, then prints it (no `--port`) or
/// serves it. A served exporter starts not ready and is marked ready only
/// once the restored state is in place, so no scrape ever sees counters
/// lower than the database's (a false reset for Prometheus).
fn restore_and_follow(options: &Options, db: &std::path::Path) -> Result<(), String> {
    let mut builder = Telemetry::builder().role(Role::DatabaseReader);
    if let Some(balance) = options.starting_balance {
        builder = builder.starting_balance(balance);
    }
    let exporter = match options.port {
        Some(port) => Some(
            ExporterBuilder::new()
                .port(port)
                .start_unready()
                .telemetry(builder.clone())
                .build()
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    if let Some(address) = exporter.as_ref().and_then(|e| e.listen_address()) {
        eprintln!("listening on http://{address}/metrics (503 until the restore is done)");
    }
    let printed = match &exporter {
        Some(_) => None,
        None => Some(
            ExporterBuilder::new()
                .telemetry(builder)
                .build_embedded()
                .map_err(|e| e.to_string())?,
        ),
    };
    let target = exporter
        .as_ref()
        .or(printed.as_ref())
        .ok_or("no telemetry")?;
    let mut show = |p: Progress| eprintln!("read {}/{} rows", p.rows_done, p.rows_total);
    // The telemetry's starting balance (above) rebuilds the equity curve.
    let replay = ReplayOptions::new().progress(&mut show).every_rows(250_000);
    let (mut follower, report) =
        Follower::start(db, target.telemetry(), replay).map_err(|e| e.to_string())?;
    eprintln!("{report}");
    target.set_ready();
    if exporter.is_none() && options.follow.is_none() {
        print!("{}", target.render());
        return Ok(());
    }
    eprintln!("restored; serving");
    let interval = options.follow.unwrap_or(Duration::from_secs(3600));
    loop {
        std::thread::sleep(interval);
        if options.follow.is_none() {
            continue;
        }
        match follower.poll() {
            Ok(new) if new.rows_read() > 0 => eprintln!("{new}"),
            Ok(_) => {}
            Err(e) => eprintln!("poll failed (will retry): {e}"),
        }
    }
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let db = options.db.clone().unwrap_or_default();
    let result = match &options.openmetrics_out {
        Some(out) => write_history(&options, &db, out),
        None => restore_and_follow(&options, &db),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
