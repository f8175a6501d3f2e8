//! Every derived series over the degenerate inputs — no trades, only wins,
//! only losses, only breakevens, one return period, constant equity —
//! against the README's rules: undefined is not zero (no sample), `+Inf`
//! only where mathematics says so, never `-0`, never NaN on a fresh series.
//!
//! "Derived" is every gauge the library computes from what was recorded
//! (trade statistics and their breakdowns, the equity curve's statistics,
//! the daily series). The test fails if a catalogue gauge of those groups
//! is neither derived here nor listed as reported by the engine, so a new
//! series cannot escape the sweep.

#![cfg(feature = "exporter")]

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/telemetry.rs"]
mod telemetry;

use std::collections::{BTreeMap, BTreeSet};

use telemetry::now;
use velocity_metrics::catalogue::{Group, METRICS, MetricKind};
use velocity_metrics::{Agent, Regime, Symbol, Telemetry, Timeframe, Trade};

const DAY: f64 = 86_400.0;

/// Gauges of the swept groups that the engine reports rather than the
/// library derives (set with a `set_*`/`record_*` call, shown as given).
const REPORTED: &[&str] = &[
    "velocitytrader_agent_active_positions",
    "velocitytrader_regime_current",
    "velocitytrader_symbol_price",
    "velocitytrader_symbol_spread",
    "velocitytrader_risk_exposure",
];

/// Derived series of the risk engine's group (the rest are reported).
const DERIVED_RISK_ENGINE: &[&str] = &[
    "velocitytrader_daily_pnl",
    "velocitytrader_daily_loss_limit_used",
    "velocitytrader_daily_drawdown",
    "velocitytrader_risk_budget_utilization",
];

/// Every derived gauge family, from the catalogue.
fn derived_gauges() -> BTreeSet<&'static str> {
    METRICS
        .iter()
        .filter(|m| m.kind == MetricKind::Gauge)
        .filter(|m| match m.group {
            Group::Trading
            | Group::Agent
            | Group::Regime
            | Group::Symbol
            | Group::Timeframe
            | Group::Risk => !REPORTED.contains(&m.name),
            Group::RiskEngine => DERIVED_RISK_ENGINE.contains(&m.name),
            _ => false,
        })
        .map(|m| m.name)
        .collect()
}

/// What one series must show.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Exactly this value (to 1e-9 relative).
    Value(f64),
    /// A finite number.
    Finite,
    /// `+Inf`: the mathematics says so.
    PlusInf,
}
use Expect::{Finite, PlusInf, Value};

/// Midnight UTC, 60 days ago: a backtest-like past, whole days.
fn day0() -> f64 {
    ((now() / DAY).floor() - 60.0) * DAY
}

fn trade(pnl: f64, at: f64) -> Trade {
    Trade::closed(
        Agent::SNIPER,
        Symbol::new("EURUSD+").unwrap(),
        Timeframe::M5,
        pnl,
    )
    .with_regime(Regime::Chaotic)
    .with_duration_secs(60.0)
    .with_confidence(0.8)
    .with_closed_at(at)
}

/// Records `pnls` on days 1, 2, … and the equity they make on days 0, 1, 2,
/// …, held one day more: a period's return comes when the next period
/// begins, so every trading day gives one.
fn trades_and_equity(t: &Telemetry, pnls: &[f64]) {
    let d0 = day0();
    let mut balance = 10_000.0;
    t.record_equity(balance, balance, d0 + 3_600.0).unwrap();
    for (i, pnl) in pnls.iter().enumerate() {
        let at = d0 + DAY * (i as f64 + 1.0) + 3_600.0;
        t.record_trade(&trade(*pnl, at)).unwrap();
        balance += pnl;
        t.record_equity(balance, balance, at + 60.0).unwrap();
    }
    let held = d0 + DAY * (pnls.len() as f64 + 1.0) + 3_600.0;
    t.record_equity(balance, balance, held).unwrap();
}

/// The gauges every engine telemetry shows from its start: sums and counts
/// of nothing are 0, not undefined; today's closed P&L is 0 until a trade.
fn always(pnl: f64, profit: f64, loss: f64, streaks: [f64; 4]) -> Vec<(String, Expect)> {
    let mut out = vec![
        ("velocitytrader_pnl_total".to_owned(), Value(pnl)),
        ("velocitytrader_gross_profit".to_owned(), Value(profit)),
        ("velocitytrader_gross_loss".to_owned(), Value(loss)),
        ("velocitytrader_daily_pnl".to_owned(), Value(0.0)),
    ];
    for (name, v) in [
        "velocitytrader_consecutive_wins_max",
        "velocitytrader_consecutive_losses_max",
        "velocitytrader_consecutive_wins",
        "velocitytrader_consecutive_losses",
    ]
    .into_iter()
    .zip(streaks)
    {
        out.push((name.to_owned(), Value(v)));
    }
    out
}

/// The per-agent, symbol, regime and timeframe gauges of the one label set
/// the trade scenarios use.
fn breakdowns(win_rate: Option<f64>, pnl: f64, profit: f64, loss: f64) -> Vec<(String, Expect)> {
    let mut out = Vec::new();
    for (prefix, label) in [
        ("agent", "agent=\"sniper\""),
        ("symbol", "symbol=\"EURUSD+\""),
        ("regime", "regime=\"CHAOTIC\""),
        ("timeframe", "timeframe=\"M5\""),
    ] {
        let pnl_name = if prefix == "agent" {
            "pnl_total"
        } else {
            "pnl"
        };
        let key = |name: &str| format!("velocitytrader_{prefix}_{name}{{{label}}}");
        out.push((key(pnl_name), Value(pnl)));
        out.push((key("gross_profit"), Value(profit)));
        out.push((key("gross_loss"), Value(loss)));
        if let Some(rate) = win_rate {
            out.push((key("win_rate"), Value(rate)));
        }
    }
    out.push((
        "velocitytrader_agent_avg_confidence{agent=\"sniper\"}".to_owned(),
        Value(0.8),
    ));
    out
}

fn with(mut base: Vec<(String, Expect)>, more: &[(&str, Expect)]) -> Vec<(String, Expect)> {
    base.extend(more.iter().map(|(k, e)| ((*k).to_owned(), *e)));
    base
}

struct Scenario {
    name: &'static str,
    record: fn(&Telemetry),
    /// Every derived series with a sample, and what it shows; every other
    /// derived series must have none.
    expected: fn() -> Vec<(String, Expect)>,
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "no trades",
            record: |_| {},
            expected: || always(0.0, 0.0, 0.0, [0.0; 4]),
        },
        Scenario {
            name: "only wins",
            record: |t| trades_and_equity(t, &[10.0, 20.0]),
            expected: || {
                let base = [
                    always(30.0, 30.0, 0.0, [2.0, 0.0, 2.0, 0.0]),
                    breakdowns(Some(100.0), 30.0, 30.0, 0.0),
                ]
                .concat();
                with(
                    base,
                    &[
                        ("velocitytrader_win_rate", Value(100.0)),
                        // Gross profit over a gross loss of 0.
                        ("velocitytrader_profit_factor", PlusInf),
                        ("velocitytrader_avg_trade_pnl", Value(15.0)),
                        ("velocitytrader_avg_win", Value(15.0)),
                        ("velocitytrader_largest_win", Value(20.0)),
                        ("velocitytrader_trade_duration_avg_seconds", Value(60.0)),
                        (
                            "velocitytrader_last_trade_timestamp_seconds",
                            Value(day0() + 2.0 * DAY + 3_600.0),
                        ),
                        ("velocitytrader_account_balance", Value(10_030.0)),
                        ("velocitytrader_account_equity", Value(10_030.0)),
                        ("velocitytrader_current_drawdown", Value(0.0)),
                        ("velocitytrader_max_drawdown", Value(0.0)),
                        ("velocitytrader_sharpe_ratio", Finite),
                        // A positive mean over a downside deviation of 0.
                        ("velocitytrader_sortino_ratio", PlusInf),
                        ("velocitytrader_var_95", Finite),
                        ("velocitytrader_expected_shortfall_95", Finite),
                        ("velocitytrader_daily_drawdown", Value(0.0)),
                    ],
                )
            },
        },
        Scenario {
            name: "only losses",
            record: |t| trades_and_equity(t, &[-10.0, -20.0]),
            expected: || {
                let base = [
                    always(-30.0, 0.0, 30.0, [0.0, 2.0, 0.0, 2.0]),
                    breakdowns(Some(0.0), -30.0, 0.0, 30.0),
                ]
                .concat();
                with(
                    base,
                    &[
                        ("velocitytrader_win_rate", Value(0.0)),
                        // A gross profit of 0 is a true 0.
                        ("velocitytrader_profit_factor", Value(0.0)),
                        ("velocitytrader_avg_trade_pnl", Value(-15.0)),
                        ("velocitytrader_avg_loss", Value(15.0)),
                        ("velocitytrader_largest_loss", Value(20.0)),
                        ("velocitytrader_trade_duration_avg_seconds", Value(60.0)),
                        (
                            "velocitytrader_last_trade_timestamp_seconds",
                            Value(day0() + 2.0 * DAY + 3_600.0),
                        ),
                        ("velocitytrader_account_balance", Value(9_970.0)),
                        ("velocitytrader_account_equity", Value(9_970.0)),
                        ("velocitytrader_current_drawdown", Value(0.3)),
                        ("velocitytrader_max_drawdown", Value(0.3)),
                        ("velocitytrader_sharpe_ratio", Finite),
                        ("velocitytrader_sortino_ratio", Finite),
                        ("velocitytrader_calmar_ratio", Finite),
                        ("velocitytrader_recovery_factor", Value(-1.0)),
                        ("velocitytrader_var_95", Finite),
                        ("velocitytrader_expected_shortfall_95", Finite),
                        ("velocitytrader_daily_drawdown", Value(0.0)),
                    ],
                )
            },
        },
        Scenario {
            name: "only breakevens (today)",
            record: |t| {
                // -0.0 first: today's cell opens with it.
                for pnl in [-0.0, 0.0, 0.0] {
                    t.record_trade(&trade(pnl, now())).unwrap();
                }
            },
            expected: || {
                let base = [
                    always(0.0, 0.0, 0.0, [0.0; 4]),
                    breakdowns(None, 0.0, 0.0, 0.0),
                ]
                .concat();
                with(
                    base,
                    &[
                        ("velocitytrader_avg_trade_pnl", Value(0.0)),
                        ("velocitytrader_trade_duration_avg_seconds", Value(60.0)),
                        ("velocitytrader_last_trade_timestamp_seconds", Finite),
                    ],
                )
            },
        },
        Scenario {
            name: "one period",
            record: |t| {
                let d0 = day0();
                t.record_equity(10_000.0, 10_000.0, d0 + 3_600.0).unwrap();
                t.record_equity(9_990.0, 9_990.0, d0 + DAY + 3_600.0)
                    .unwrap();
                // The next period's first sample completes the one period.
                t.record_equity(9_990.0, 9_990.0, d0 + 2.0 * DAY + 3_600.0)
                    .unwrap();
            },
            expected: || {
                with(
                    always(0.0, 0.0, 0.0, [0.0; 4]),
                    &[
                        ("velocitytrader_account_balance", Value(9_990.0)),
                        ("velocitytrader_account_equity", Value(9_990.0)),
                        ("velocitytrader_current_drawdown", Value(0.1)),
                        ("velocitytrader_max_drawdown", Value(0.1)),
                        // One return: no sample standard deviation, so no Sharpe
                        // and no Sortino; the tail of one return is that return.
                        ("velocitytrader_calmar_ratio", Finite),
                        ("velocitytrader_recovery_factor", Value(-1.0)),
                        ("velocitytrader_var_95", Value(0.1)),
                        ("velocitytrader_expected_shortfall_95", Value(0.1)),
                        ("velocitytrader_daily_drawdown", Value(0.0)),
                    ],
                )
            },
        },
        Scenario {
            name: "constant equity",
            record: |t| {
                let d0 = day0();
                for day in 0..5 {
                    let at = d0 + DAY * f64::from(day) + 3_600.0;
                    t.record_equity(10_000.0, 10_000.0, at).unwrap();
                }
            },
            expected: || {
                with(
                    always(0.0, 0.0, 0.0, [0.0; 4]),
                    &[
                        ("velocitytrader_account_balance", Value(10_000.0)),
                        ("velocitytrader_account_equity", Value(10_000.0)),
                        ("velocitytrader_current_drawdown", Value(0.0)),
                        ("velocitytrader_max_drawdown", Value(0.0)),
                        // Zero mean over zero deviation: Sharpe, Sortino, Calmar
                        // and the recovery factor are undefined; the loss at risk
                        // is 0 — not -0.
                        ("velocitytrader_var_95", Value(0.0)),
                        ("velocitytrader_expected_shortfall_95", Value(0.0)),
                        ("velocitytrader_daily_drawdown", Value(0.0)),
                    ],
                )
            },
        },
    ]
}

fn key(sample: &exposition::Sample) -> String {
    if sample.labels.is_empty() {
        return sample.name.clone();
    }
    let labels: Vec<String> = sample
        .labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{v}\""))
        .collect();
    format!("{}{{{}}}", sample.name, labels.join(","))
}

fn check(expect: Expect, value: f64) -> bool {
    match expect {
        Value(v) => (value - v).abs() <= 1e-9 * v.abs().max(1.0),
        Finite => value.is_finite(),
        PlusInf => value == f64::INFINITY,
    }
}

#[test]
fn every_derived_series_follows_the_rules_on_degenerate_inputs() {
    let derived = derived_gauges();
    assert!(derived.len() > 40, "{} derived series", derived.len());
    let mut failures = Vec::new();
    for scenario in scenarios() {
        let (telemetry, scrape) = Telemetry::builder()
            .starting_balance(10_000.0)
            .build_prometheus();
        (scenario.record)(&telemetry);
        telemetry.publish();
        let text = scrape.render();
        let parsed = exposition::parse(&text).unwrap();
        for sample in &parsed.samples {
            if sample.value == 0.0 && sample.value.is_sign_negative() {
                failures.push(format!("{}: {} is -0", scenario.name, key(sample)));
            }
            if sample.value.is_nan() {
                failures.push(format!("{}: {} is NaN", scenario.name, key(sample)));
            }
        }
        let expected: BTreeMap<String, Expect> = (scenario.expected)().into_iter().collect();
        let shown: BTreeMap<String, f64> = parsed
            .samples
            .iter()
            .filter(|s| derived.contains(s.name.as_str()))
            .map(|s| (key(s), s.value))
            .collect();
        for (series, value) in &shown {
            match expected.get(series) {
                None => failures.push(format!(
                    "{}: {series} = {value} but it is undefined here (no sample)",
                    scenario.name
                )),
                Some(e) if !check(*e, *value) => failures.push(format!(
                    "{}: {series} = {value}, expected {e:?}",
                    scenario.name
                )),
                Some(_) => {}
            }
        }
        for (series, e) in &expected {
            assert!(
                derived.contains(series.split('{').next().unwrap()),
                "{series} is not a derived series"
            );
            if !shown.contains_key(series) {
                failures.push(format!(
                    "{}: {series} missing, expected {e:?}",
                    scenario.name
                ));
            }
        }
        // +Inf only where the mathematics says so.
        for sample in parsed.samples.iter().filter(|s| s.value.is_infinite()) {
            let allowed = matches!(
                sample.name.as_str(),
                "velocitytrader_profit_factor"
                    | "velocitytrader_sortino_ratio"
                    | "velocitytrader_sharpe_ratio"
            );
            if !allowed || sample.value < 0.0 {
                failures.push(format!(
                    "{}: {} is {}",
                    scenario.name,
                    key(sample),
                    sample.value
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_sweep_covers_every_catalogue_gauge_of_the_swept_groups() {
    let derived = derived_gauges();
    for def in METRICS.iter().filter(|m| m.kind == MetricKind::Gauge) {
        let swept = matches!(
            def.group,
            Group::Trading
                | Group::Agent
                | Group::Regime
                | Group::Symbol
                | Group::Timeframe
                | Group::Risk
        );
        if swept {
            assert!(
                derived.contains(def.name) || REPORTED.contains(&def.name),
                "{} is neither derived nor reported",
                def.name
            );
        }
    }
    for name in REPORTED.iter().chain(DERIVED_RISK_ENGINE) {
        assert!(
            METRICS.iter().any(|m| m.name == *name),
            "{name} not in the catalogue"
        );
    }
}
