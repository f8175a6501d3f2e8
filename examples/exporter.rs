//! A simulated VelocityPTrader engine exporting every series on :9090.
//!
//! ```text
//! cargo run --example exporter                      # serve on 127.0.0.1:9090 until Ctrl-C
//! cargo run --example exporter -- --port 9191 --duration 60
//! cargo run --features tls --example exporter -- --listen 0.0.0.0:9090 --web-config web.yml   # HTTPS + basic auth
//! cargo run --example exporter -- --scenario drawdown   # demonstrate an alert
//! curl -s localhost:9090/metrics | grep velocitytrader_win_rate
//!
//! # one engine of a fleet: engine, account and mode on every series
//! cargo run --example exporter -- --port 9101 --engine ams-01 --account acc-1 --mode live --engine-version 2.4.1
//!
//! # batch mode: a one-second backtest pushed to a Pushgateway (and/or its
//! # curve imported into VictoriaMetrics), then exit
//! cargo run --features push --example exporter -- --engine bt-runner --run-id r-1 \
//!     --push http://127.0.0.1:9091 [--push-every 1] [--delete] [--import http://127.0.0.1:8428] [--duration 1] \
//!     [--auth-user ci --auth-password-file secret.txt | --auth-token-file token.txt] [--ca-file ca.pem]
//! ```
//!
//! **Serving.** `--listen ADDRESS` chooses the interface and port (default
//! `127.0.0.1:9090`: loopback only); `--port` changes only the port.
//! `--web-config FILE` reads an exporter-toolkit web configuration file
//! (`tls_server_config`, `basic_auth_users`, `http_server_config`; needs the
//! `tls` feature) — serve any other interface with it.
//!
//! **Identity.** `--engine NAME` (with optional `--account NAME`, `--mode
//! live|paper|backtest` and `--engine-version V`) sets the fleet identity
//! through `ExporterBuilder::identity`: the engine labels its own series,
//! so a scraping agent needs no per-target labels.
//!
//! **Batch mode.** `--run-id ID` with `--push URL` and/or `--import URL`
//! runs a simulated backtest for `--duration` seconds (default 1) with
//! `ExporterBuilder::build_push` instead of serving. The run is grouped by
//! its run id, which it also records with `start_run`: the state is pushed
//! to the Pushgateway under `job="velocitytrader_backtest", run_id=ID`
//! (every `--push-every` seconds if given, and once more at the end),
//! deleted afterwards with `--delete`; with `--import`, every simulated
//! second's state goes to VictoriaMetrics at its timestamp, tagged
//! `run_id=ID` (`BatchRun::checkpoint`). `--auth-user` with
//! `--auth-password-file`, or `--auth-token-file`, authenticate to both;
//! `--ca-file` trusts a private CA for `https://` URLs. The program exits
//! afterwards (status 1 if the final push or import failed). `--mode`
//! defaults to `backtest` here, and `--engine` is required. Needs the
//! `push` feature.
//!
//! Two agents trade six symbols on three timeframes on an account of
//! 100 000; regimes change, physics indicators move, the equity curve follows
//! closed and open P&L, the RL learners' exploration decays while rewards,
//! episodes and model updates come in, and occasional low-severity errors are
//! logged. Every signal goes through a simulated risk engine (a decision and
//! its latency; limits, budget, score, exposure per symbol, a breaker that
//! trips on a short spread spike every 30 minutes from minute 10, never for
//! long enough to alert) and every approved one becomes an order (about 2 %
//! rejected, 3 % cancelled, fills in 20–100 ms, 0.1 % beyond 500 ms, with
//! slippage and spread). Bars per symbol and timeframe follow the prices
//! after a warm-up of 30 historical bars (so ATR(14) and volatility exist
//! from the start), with VPIN and spread stress against their thresholds; a
//! run (`start_run`), its session, phase, instance switches and
//! primary-instance share complete the picture. Time is accelerated: one
//! return period is one second (annualised as if it were a trading day) and
//! a one-minute bar completes every second, so Sharpe, Sortino, Calmar and
//! VaR have data within seconds.
//!
//! By default (`--scenario calm`) the engine is healthy and no alert of
//! `alerts/velocitytrader.rules.yml` fires (only the always-firing
//! `VelocityTraderWatchdog`). `--scenario NAME` demonstrates an alert: the
//! engine runs healthy for five seconds, then the fault starts and stays.
//! `--help` lists every alert each scenario fires and after about how long
//! (one list, `SCENARIOS` in `exporter/scenario.rs`, checked against the
//! rules by `tests/scenario_alerts.rs`):
//!
//! | scenario | fault |
//! |---|---|
//! | `drawdown` | equity drops to 68 % of its peak, trading stops |
//! | `disconnect` | MT5 disconnected: no quotes, no trades |
//! | `stopped` | trading loop stopped, process still serving |
//! | `stale` | ticks flow, last trade closed 5 h ago |
//! | `errors` | high and critical errors every second |
//! | `slow-db` | database queries take ~1 s |
//! | `losing` | win rate ~27 %, small amounts (~1.2 a second lost) |
//! | `rl-stuck` | ε stuck at 0.9, confidence 0.2 |
//! | `overflow` | symbols beyond the cardinality limit |
//! | `rejected` | non-finite values refused by the recorders |
//! | `breaker` | the circuit breaker trips (volatility) and stays tripped; no trading |
//! | `halt` | an operator halts trading |
//! | `daily-loss` | agents lose ~300 a second until the daily loss limit (2 000); the engine then trips its breaker and halts until the trading day ends |
//! | `rejects` | the broker rejects ~30 % of orders |
//! | `slow-fills` | ~20 % of fills take 0.6–2 s (objective: 99 % within 500 ms) |
//! | `slow-risk` | risk decisions take 30–120 ms |
//! | `vpin` | VPIN of `EURUSD+` rises to ~0.85, above its 0.7 threshold |
//!
//! `VelocityTraderTargetDown` needs no scenario: stop the example. A
//! scenario that stops trading (`drawdown`, `disconnect`, `stopped`,
//! `breaker`, `halt`, `daily-loss`) freezes the since-start statistics of its
//! first seconds: if those trades lost, `ProfitFactorBelowOne` or
//! `AgentLosingMoney` follow after their hour.

#[path = "exporter/bars.rs"]
mod bars;
#[path = "exporter/batch.rs"]
mod batch;
#[path = "exporter/desk.rs"]
mod desk;
#[path = "exporter/faults.rs"]
mod faults;
#[path = "exporter/learner.rs"]
mod learner;
#[path = "exporter/market.rs"]
mod market;
#[path = "exporter/options.rs"]
mod options;
#[path = "exporter/orders.rs"]
mod orders;
#[path = "exporter/rewards.rs"]
mod rewards;
#[path = "exporter/rng.rs"]
mod rng;
#[path = "exporter/run.rs"]
mod run;
#[path = "exporter/scenario.rs"]
mod scenario;
#[path = "exporter/simulation.rs"]
mod simulation;

use std::process::ExitCode;

use velocity_metrics::EngineIdentity;
use velocity_metrics::exporter::ExporterBuilder;

use options::Options;

fn main() -> ExitCode {
    let options = match options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match &options.push {
        Some(push) => batch::run(&options, push),
        None => serve(&options),
    }
}

/// The builder every mode starts from: the simulation's statistics
/// settings and the engine's identity, if any.
fn builder(options: &Options) -> Result<ExporterBuilder, String> {
    let builder = ExporterBuilder::new().telemetry(simulation::telemetry_config(options.scenario));
    match &options.identity {
        Some(identity) => builder.identity(identity).map_err(|e| e.to_string()),
        None => Ok(builder),
    }
}

fn engine_name(options: &Options) -> Option<&str> {
    options.identity.as_ref().map(EngineIdentity::engine)
}

/// `--web-config`, if given.
fn web_config(builder: ExporterBuilder, options: &Options) -> Result<ExporterBuilder, String> {
    let Some(file) = &options.web_config else {
        return Ok(builder);
    };
    #[cfg(feature = "tls")]
    return builder.web_config_file(file).map_err(|e| e.to_string());
    #[cfg(not(feature = "tls"))]
    return Err(format!(
        "--web-config {}: TLS and basic auth need the `tls` feature (cargo run --features tls --example exporter …)",
        file.display()
    ));
}

/// Serves `/metrics` on `--listen` while the simulation runs.
fn serve(options: &Options) -> ExitCode {
    let exporter = match builder(options)
        .map(|b| b.listen_address(options.listen))
        .and_then(|b| web_config(b, options))
        .and_then(|b| b.install().map_err(|e| e.to_string()))
    {
        Ok(exporter) => exporter,
        Err(error) => {
            eprintln!("exporter: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(address) = exporter.listen_address() {
        println!(
            "serving {address}/metrics (simulated engine, scenario {})",
            options.scenario.name()
        );
    }
    let plan = simulation::Plan {
        duration: options.duration,
        scenario: options.scenario,
        engine: engine_name(options),
        run_id: None,
        checkpoint: None,
    };
    match simulation::simulate(exporter.telemetry(), &plan) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("simulation: {error}");
            ExitCode::FAILURE
        }
    }
}
