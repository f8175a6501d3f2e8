//! The example's command line: where and how to serve, for how long, which
//! scenario, the engine's fleet identity, and batch (backtest) mode.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use velocity_metrics::{EngineIdentity, Mode};

use crate::scenario::Scenario;

pub const USAGE: &str = "usage: exporter [--listen 127.0.0.1:9090] [--port 9090] [--web-config FILE]\n\
    \x20      [--duration SECONDS] [--scenario NAME]\n\
    \x20      [--engine NAME [--account NAME] [--mode live|paper|backtest] [--engine-version V]]\n\
    \x20      [--push URL --run-id ID [--push-every SECONDS] [--delete]]";

/// Everything the command line says.
pub struct Options {
    /// Address of `/metrics` (serving mode only); loopback by default.
    pub listen: SocketAddr,
    /// An exporter-toolkit web configuration file: TLS, basic auth (needs
    /// the `tls` feature).
    pub web_config: Option<PathBuf>,
    /// How long to run; `None` serves until Ctrl-C (a backtest runs 1 s).
    pub duration: Option<Duration>,
    pub scenario: Scenario,
    /// `engine`, `account`, `mode` on every series; `None` without `--engine`.
    pub identity: Option<EngineIdentity>,
    /// Batch mode: push to a Pushgateway instead of serving.
    pub push: Option<PushOptions>,
}

/// `--push URL --run-id ID [--push-every SECONDS] [--delete]`.
#[cfg_attr(not(feature = "push"), allow(dead_code, reason = "read by batch mode"))]
pub struct PushOptions {
    pub url: String,
    pub run_id: String,
    pub every: Option<Duration>,
    pub delete: bool,
}

fn seconds(flag: &str, text: &str) -> Result<Duration, String> {
    let secs: f64 = text.parse().map_err(|e| format!("{flag}: {e}"))?;
    if !(secs.is_finite() && secs > 0.0) {
        return Err(format!("{flag} must be a positive number of seconds"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Parses the arguments after the program name; `Err` holds the message
/// to print (the usage for `--help`).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        listen: velocity_metrics::exporter::DEFAULT_LISTEN,
        web_config: None,
        duration: None,
        scenario: Scenario::Calm,
        identity: None,
        push: None,
    };
    let (mut engine, mut account, mut mode, mut version) = (None, None, None, None);
    let (mut url, mut run_id, mut every, mut delete) = (None, None, None, false);
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--port" => {
                let port = value("--port")?
                    .parse()
                    .map_err(|e| format!("--port: {e}"))?;
                options.listen.set_port(port);
            }
            "--listen" => {
                options.listen = value("--listen")?.parse().map_err(|e| {
                    format!("--listen: {e} (expected e.g. 127.0.0.1:9090 or [::1]:9090)")
                })?;
            }
            "--web-config" => options.web_config = Some(PathBuf::from(value("--web-config")?)),
            "--duration" => options.duration = Some(seconds("--duration", &value("--duration")?)?),
            "--scenario" => options.scenario = Scenario::parse(&value("--scenario")?)?,
            "--engine" => engine = Some(value("--engine")?),
            "--account" => account = Some(value("--account")?),
            "--mode" => {
                let text = value("--mode")?;
                mode = Some(text.parse::<Mode>().map_err(|e| format!("--mode: {e}"))?);
            }
            "--engine-version" => version = Some(value("--engine-version")?),
            "--push" => url = Some(value("--push")?),
            "--run-id" => run_id = Some(value("--run-id")?),
            "--push-every" => every = Some(seconds("--push-every", &value("--push-every")?)?),
            "--delete" => delete = true,
            "-h" | "--help" => {
                return Err(format!(
                    "{USAGE}\nscenarios (the alert each demonstrates):\n{}",
                    Scenario::help()
                ));
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    match (url, run_id) {
        (Some(url), Some(run_id)) => {
            options.push = Some(PushOptions {
                url,
                run_id,
                every,
                delete,
            });
            // A backtest is a backtest unless the caller says otherwise.
            mode = mode.or(Some(Mode::Backtest));
            if engine.is_none() {
                return Err("--push needs --engine (the backtest runner's name)".into());
            }
        }
        (None, None) if every.is_none() && !delete => {}
        _ => {
            return Err(
                "--push and --run-id go together (--push-every and --delete need them)".into(),
            );
        }
    }
    match engine {
        Some(engine) => {
            let label = |e: velocity_metrics::LabelError| e.to_string();
            let mut identity =
                EngineIdentity::new(&engine).map_err(|e| format!("--engine: {}", label(e)))?;
            if let Some(account) = account {
                identity = identity
                    .account(&account)
                    .map_err(|e| format!("--account: {}", label(e)))?;
            }
            if let Some(mode) = mode {
                identity = identity.mode(mode);
            }
            if let Some(version) = version {
                identity = identity
                    .engine_version(&version)
                    .map_err(|e| format!("--engine-version: {}", label(e)))?;
            }
            options.identity = Some(identity);
        }
        None if account.is_some() || mode.is_some() || version.is_some() => {
            return Err("--account, --mode and --engine-version need --engine".into());
        }
        None => {}
    }
    Ok(options)
}
