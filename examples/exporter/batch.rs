//! Batch mode: a short simulated backtest, its final state pushed to a
//! Pushgateway under the run's `run_id` (and/or its curve imported into
//! VictoriaMetrics at the simulated times of its checkpoints), then the
//! program exits.

use std::process::ExitCode;

use crate::Options;
use crate::options::PushOptions;

/// How long a backtest runs without `--duration`.
#[cfg(feature = "push")]
const DEFAULT_BACKTEST: std::time::Duration = std::time::Duration::from_secs(1);

/// Runs the backtest and reports what was pushed and imported.
#[cfg(feature = "push")]
pub fn run(options: &Options, push: &PushOptions) -> ExitCode {
    match backtest(options, push) {
        Ok((trades, report)) => {
            println!(
                "backtest {}: {trades} trades, {} push(es), {} import(s) ({} samples), {} failure(s), group deleted: {}",
                push.run_id,
                report.pushes,
                report.imports,
                report.imported_samples,
                report.failures,
                report.deleted
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("backtest {}: {error}", push.run_id);
            ExitCode::FAILURE
        }
    }
}

/// The push and import targets the options name, with their credentials.
#[cfg(feature = "push")]
fn targets(
    push: &PushOptions,
) -> Result<velocity_metrics::exporter::BatchTargets, Box<dyn std::error::Error>> {
    use velocity_metrics::exporter::{Auth, ImportTarget, PushTarget};

    let auth = match (&push.user, &push.password_file, &push.token_file) {
        (Some(user), Some(file), _) => Some(Auth::password_file(user, file)?),
        (_, _, Some(file)) => Some(Auth::bearer_token_file(file)?),
        _ => None,
    };
    // The same connection settings for both destinations.
    macro_rules! connected {
        ($target:expr) => {{
            let mut target = $target;
            if let Some(auth) = &auth {
                target = target.auth(auth.clone());
            }
            if let Some(ca) = &push.ca_file {
                target = target.ca_file(ca)?;
            }
            target
        }};
    }
    let import = match &push.import {
        Some(url) => Some(connected!(ImportTarget::new(url, &push.run_id)?)),
        None => None,
    };
    let push_target = match &push.url {
        Some(url) => {
            // The run is the batch: grouped by its run id, which start_run
            // records too (a push under another id would be refused).
            let mut target = PushTarget::new(url)?
                .grouping("run_id", &push.run_id)?
                .delete_on_finish(push.delete);
            if let Some(every) = push.every {
                target = target.every(every);
            }
            Some(connected!(target))
        }
        None => None,
    };
    Ok(match (push_target, import) {
        (Some(p), Some(i)) => p.and_import(i)?,
        (Some(p), None) => p.into(),
        (None, Some(i)) => i.into(),
        (None, None) => return Err("batch mode needs --push or --import".into()),
    })
}

#[cfg(feature = "push")]
fn backtest(
    options: &Options,
    push: &PushOptions,
) -> Result<(String, velocity_metrics::exporter::PushReport), Box<dyn std::error::Error>> {
    let run = crate::builder(options)?.build_push(targets(push)?)?;
    // The simulation's clock is the run's: a checkpoint each simulated
    // second stamps the state for the store and marks the span simulated.
    let checkpoint = |at: f64| run.checkpoint(at).map_err(Into::into);
    let plan = crate::simulation::Plan {
        duration: Some(options.duration.unwrap_or(DEFAULT_BACKTEST)),
        scenario: options.scenario,
        engine: crate::engine_name(options),
        run_id: Some(&push.run_id),
        checkpoint: Some(&checkpoint),
    };
    crate::simulation::simulate(run.telemetry(), &plan)?;
    run.checkpoint(crate::simulation::now_unix())?;
    // The final state, as the final push will carry it.
    let exposition = run.exporter().render();
    let trades = exposition
        .lines()
        .find(|l| {
            l.starts_with("velocitytrader_trades_total{")
                || l.starts_with("velocitytrader_trades_total ")
        })
        .and_then(|l| l.rsplit(' ').next())
        .unwrap_or("0")
        .to_owned();
    Ok((trades, run.finish()?))
}

#[cfg(not(feature = "push"))]
pub fn run(_: &Options, _: &PushOptions) -> ExitCode {
    eprintln!(
        "--push and --import need the `push` feature: cargo run --features push --example exporter -- …"
    );
    ExitCode::from(2)
}
