//! Batch mode: a short simulated backtest pushed to a Pushgateway under a
//! run-scoped grouping key, finished with a final push (and optionally a
//! delete), then the program exits.

use std::process::ExitCode;

use crate::Options;
use crate::options::PushOptions;

/// How long a backtest runs without `--duration`.
#[cfg(feature = "push")]
const DEFAULT_BACKTEST: std::time::Duration = std::time::Duration::from_secs(1);

/// Runs the backtest and reports what was pushed.
#[cfg(feature = "push")]
pub fn run(options: &Options, push: &PushOptions) -> ExitCode {
    match backtest(options, push) {
        Ok((trades, report)) => {
            println!(
                "backtest {}: {trades} trades, {} push(es), {} failure(s), group deleted: {}",
                push.run_id, report.pushes, report.failures, report.deleted
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("backtest {}: {error}", push.run_id);
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "push")]
fn backtest(
    options: &Options,
    push: &PushOptions,
) -> Result<(String, velocity_metrics::exporter::PushReport), Box<dyn std::error::Error>> {
    use velocity_metrics::exporter::PushTarget;

    let mut target = PushTarget::new(&push.url)?
        .grouping("run_id", &push.run_id)?
        .delete_on_finish(push.delete);
    if let Some(every) = push.every {
        target = target.every(every);
    }
    let run = crate::builder(options)?.build_push(target)?;
    let plan = crate::simulation::Plan {
        duration: Some(options.duration.unwrap_or(DEFAULT_BACKTEST)),
        scenario: options.scenario,
        engine: crate::engine_name(options),
        // The run is the batch: the same id as its grouping key.
        run_id: Some(&push.run_id),
    };
    crate::simulation::simulate(run.telemetry(), &plan)?;
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
    eprintln!("--push needs the `push` feature: cargo run --features push --example exporter -- …");
    ExitCode::from(2)
}
