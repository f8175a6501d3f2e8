//! OpenMetrics history for `promtool tsdb create-blocks-from openmetrics`.
#![cfg(feature = "sqlite")]

#[path = "support/engine_db.rs"]
mod engine_db;
#[path = "common/exposition.rs"]
mod exposition;
#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/scrape.rs"]
mod scrape;

use std::path::Path;
use std::time::Duration;

use engine_db::CloseRow;
use fixtures::{engine_database, temp_db};
use velocity_metrics::Telemetry;
use velocity_metrics::backfill::{
    self, Adjustment, BackfillError, OpenMetricsOptions, ReplayOptions,
};

/// `(name{labels}, value, timestamp)` of a sample line.
fn sample_line(line: &str) -> (String, f64, f64) {
    let mut parts = line.rsplitn(3, ' ');
    let ts = parts.next().unwrap().parse().unwrap();
    let value = match parts.next().unwrap() {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v.parse().unwrap(),
    };
    (parts.next().unwrap().to_owned(), value, ts)
}

fn history(path: &Path, options: &OpenMetricsOptions) -> (String, backfill::HistoryReport) {
    let mut out = Vec::new();
    let report = backfill::write_openmetrics(path, &mut out, options).unwrap();
    (String::from_utf8(out).unwrap(), report)
}

#[test]
fn openmetrics_history_is_well_formed_for_promtool() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    engine_database(&path, 800);
    let options = OpenMetricsOptions::new(Duration::from_secs(300)).starting_balance(10_000.0);
    let (text, report) = history(&path, &options);
    assert_eq!(text.lines().last(), Some("# EOF"));
    assert!(
        report.steps > 800 && report.series > 40 && report.samples > report.steps,
        "{report:?}"
    );
    let (first, last) = report.span.unwrap();
    assert_eq!(report.steps, ((last - first) / 300.0) as u64 + 1);

    let mut families_done = std::collections::HashSet::new();
    let mut series_done = std::collections::HashSet::new();
    let (mut family, mut kind, mut helped) = (String::new(), String::new(), false);
    let (mut series, mut previous) = (String::new(), (f64::NEG_INFINITY, f64::NEG_INFINITY));
    for line in text.lines().filter(|l| *l != "# EOF") {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            family = rest.split(' ').next().unwrap().to_owned();
            assert!(
                families_done.insert(family.clone()),
                "family {family} is split"
            );
            (kind, helped) = (String::new(), true);
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, k) = rest.split_once(' ').unwrap();
            assert!(helped && name == family, "{line}");
            assert!(k == "counter" || k == "gauge", "{line}");
            kind = k.to_owned();
        } else if let Some(rest) = line.strip_prefix("# UNIT ") {
            assert_eq!(rest, format!("{family} seconds"));
            assert!(family.ends_with("_seconds"));
        } else {
            let (name, value, ts) = sample_line(line);
            let metric = name.split('{').next().unwrap();
            let expected = if kind == "counter" {
                format!("{family}_total")
            } else {
                family.clone()
            };
            assert_eq!(metric, expected, "sample outside its family: {line}");
            if name != series {
                assert!(series_done.insert(name.clone()), "series {name} is split");
                (series, previous) = (name.clone(), (f64::NEG_INFINITY, f64::NEG_INFINITY));
            }
            assert!(ts > previous.0, "timestamps must increase: {line}");
            assert_eq!(ts % 300.0, 0.0, "{line}");
            if kind == "counter" {
                assert!(value >= previous.1, "counter went down: {line}");
            }
            previous = (ts, value);
        }
    }
    for fabricated in [
        "uptime",
        "ticks",
        "build_info",
        "rejected",
        "physics",
        "rl_loss",
        "rl_model_updates",
        "rl_learning_progress",
        "rl_experience",
        "rl_episodes",
        "rl_model_confidence",
        "agent_episode_reward",
        "signals",
        "active_positions",
    ] {
        assert!(
            !text.contains(&format!("velocitytrader_{fabricated}")),
            "{fabricated}"
        );
    }
    assert!(families_done.contains("velocitytrader_trades"));
    assert!(families_done.contains("velocitytrader_max_drawdown"));
    assert!(families_done.contains("velocitytrader_errors"));
    for learner in [
        "velocitytrader_agent_cumulative_reward",
        "velocitytrader_rl_q_value",
        "velocitytrader_rl_exploration_rate",
    ] {
        assert!(families_done.contains(learner), "{learner}");
    }
    assert!(text.contains("# UNIT velocitytrader_trade_duration_avg_seconds seconds"));
}

#[test]
fn openmetrics_samples_count_every_event_up_to_their_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let conn = engine_db::create(&path);
    let base = 1_749_999_960.0; // a multiple of 60
    for (offset, pnl) in [(10.0, 5.0), (70.0, -2.0), (200.0, 3.0), (240.0, 1.0)] {
        let row = CloseRow {
            timestamp: base + offset,
            agent_id: "SNIPER",
            instrument: "EURUSD+",
            timeframe: "M5",
            pnl,
            trade_duration: 30.0,
            confidence_score: 0.0,
        };
        engine_db::insert_close(&conn, &row);
    }
    engine_db::insert_error(&conn, base + 100.0, "CRITICAL");
    for (offset, reward, q_values, epsilon) in [
        (30.0, 0.5, vec![0.1, 0.4], 0.15),
        (90.0, -0.25, vec![], 0.149),
        (95.0, 1.0, vec![-0.2, 0.3], 7.0),
    ] {
        let row = engine_db::RewardRow {
            timestamp: base + offset,
            agent_id: "SNIPER",
            immediate_reward: reward,
            q_values,
            epsilon,
        };
        engine_db::insert_reward(&conn, &row);
    }
    let (text, report) = history(&path, &OpenMetricsOptions::new(Duration::from_secs(60)));
    assert_eq!(report.span, Some((base + 60.0, base + 240.0)));
    let series = |name: &str| -> Vec<(f64, f64)> {
        text.lines()
            .filter(|l| l.starts_with(&format!("{name} ")))
            .map(|l| {
                let (_, v, t) = sample_line(l);
                (t - base, v)
            })
            .collect()
    };
    assert_eq!(
        series("velocitytrader_trades_total"),
        [(60.0, 1.0), (120.0, 2.0), (180.0, 2.0), (240.0, 4.0)]
    );
    assert_eq!(
        series("velocitytrader_pnl_total"),
        [(60.0, 5.0), (120.0, 3.0), (180.0, 3.0), (240.0, 7.0)]
    );
    assert_eq!(
        series("velocitytrader_profit_factor"),
        [
            (60.0, f64::INFINITY),
            (120.0, 2.5),
            (180.0, 2.5),
            (240.0, 4.5)
        ]
    );
    assert_eq!(
        series("velocitytrader_errors_critical_total"),
        [(60.0, 0.0), (120.0, 1.0), (180.0, 1.0), (240.0, 1.0)]
    );
    assert_eq!(
        series("velocitytrader_agent_trades_total{agent=\"sniper\"}"),
        [(60.0, 1.0), (120.0, 2.0), (180.0, 2.0), (240.0, 4.0)]
    );
    // The immediate reward, not the shaped one; an empty Q-value list and
    // an ε of 7 leave the previous values.
    assert_eq!(
        series("velocitytrader_agent_cumulative_reward{agent=\"sniper\"}"),
        [(60.0, 0.5), (120.0, 1.25), (180.0, 1.25), (240.0, 1.25)]
    );
    assert_eq!(
        series("velocitytrader_rl_q_value{agent=\"sniper\"}"),
        [(60.0, 0.4), (120.0, 0.3), (180.0, 0.3), (240.0, 0.3)]
    );
    assert_eq!(
        series("velocitytrader_rl_exploration_rate{agent=\"sniper\"}"),
        [(60.0, 0.15), (120.0, 0.149), (180.0, 0.149), (240.0, 0.149)]
    );
    assert_eq!(report.replay.rewards_recorded(), 3);
    let adjusted = &report.replay.adjusted;
    assert_eq!(adjusted.get(&Adjustment::QValuesEmpty), Some(&1));
    assert_eq!(adjusted.get(&Adjustment::EpsilonOutOfRange), Some(&1));
}

#[test]
fn openmetrics_last_samples_equal_the_replayed_telemetry() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    engine_database(&path, 1200);
    let config = || Telemetry::builder().starting_balance(10_000.0);
    let (text, _) = history(
        &path,
        &OpenMetricsOptions::new(Duration::from_secs(600)).starting_balance(10_000.0),
    );
    let (replayed, handle) = scrape::telemetry(config());
    backfill::replay_with(
        &path,
        &replayed,
        ReplayOptions::new().starting_balance(10_000.0),
    )
    .unwrap();
    let live = scrape::scrape(&replayed, &handle);
    let mut last = std::collections::BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (name, value, _) = sample_line(line);
        let key = if name.contains('{') {
            name
        } else {
            format!("{name}{{}}")
        };
        last.insert(key, value);
    }
    assert!(last.len() > 40);
    for (key, value) in &last {
        let expected = live
            .get(key)
            .unwrap_or_else(|| panic!("{key} not in the live scrape"));
        assert!(
            value.to_bits() == expected.to_bits() || (value.is_nan() && expected.is_nan()),
            "{key}: {value} != {expected}"
        );
    }
}

#[test]
fn openmetrics_refuses_bad_options_and_never_overwrites_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    engine_database(&path, 100);
    let before = std::fs::read(&path).unwrap();
    let err =
        backfill::write_openmetrics(&path, Vec::new(), &OpenMetricsOptions::new(Duration::ZERO))
            .unwrap_err();
    assert!(
        matches!(err, BackfillError::InvalidOption { option: "step", .. }),
        "{err}"
    );
    let minute = OpenMetricsOptions::new(Duration::from_secs(60));
    let err = backfill::write_openmetrics_file(&path, &path, &minute).unwrap_err();
    assert!(
        matches!(err, BackfillError::OutputIsDatabase { .. }),
        "{err}"
    );
    let out = dir.path().join("history.om");
    let err =
        backfill::write_openmetrics_file(&path, &out, &minute.clone().max_steps(10)).unwrap_err();
    assert!(
        matches!(err, BackfillError::TooManySteps { max: 10, .. }),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        ["trading_logs.db"],
        "no partial output is left behind"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
