//! Reinforcement-learning rewards, agent × regime outcomes and run control
//! through the public API.

#![cfg(feature = "exporter")]

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/telemetry.rs"]
mod support;

use support::{scrape, telemetry_with};
use velocity_metrics::{
    Agent, MAX_RUNS, RecordError, Regime, RlTraining, Role, RunInfo, Symbol, Telemetry, Timeframe,
    Trade,
};

fn trade(agent: Agent, regime: Option<Regime>, pnl: f64) -> Trade {
    let mut trade = Trade::closed(agent, Symbol::new("EURUSD+").unwrap(), Timeframe::M5, pnl);
    trade.regime = regime;
    trade
}

#[test]
fn rewards_training_and_model_updates_per_agent() {
    let (t, h) = telemetry_with(Telemetry::builder());
    let rewards = [0.1, 0.2, -0.35, 1.25, -0.05];
    for r in rewards {
        t.record_rl_reward(Agent::BERSERKER, r).unwrap();
    }
    t.record_rl_episode_reward(Agent::BERSERKER, 12.5).unwrap();
    t.record_rl_episode_reward(Agent::BERSERKER, -3.0).unwrap();
    t.record_rl_training(
        Agent::SNIPER,
        &RlTraining {
            loss: 0.5,
            q_value: 1.0,
        },
    )
    .unwrap();
    t.record_rl_training(
        Agent::SNIPER,
        &RlTraining {
            loss: 0.02,
            q_value: -0.7,
        },
    )
    .unwrap();
    assert!(matches!(
        t.record_rl_training(
            Agent::SNIPER,
            &RlTraining {
                loss: -1.0,
                q_value: 0.0
            }
        ),
        Err(RecordError::Negative { field: "loss", .. })
    ));
    assert!(matches!(
        t.record_rl_reward(Agent::SNIPER, f64::NAN),
        Err(RecordError::NotFinite {
            field: "reward",
            ..
        })
    ));
    let s = scrape(&t, &h);
    let b = [("agent", "berserker")];
    let n = [("agent", "sniper")];
    let sum = rewards.iter().fold(0.0, |acc, r| acc + r);
    assert_eq!(
        s.value("velocitytrader_agent_cumulative_reward", &b),
        Some(sum)
    );
    assert_eq!(
        s.value("velocitytrader_agent_episode_reward", &b),
        Some(-3.0)
    );
    assert_eq!(s.value("velocitytrader_rl_loss", &n), Some(0.02));
    assert_eq!(s.value("velocitytrader_rl_q_value", &n), Some(-0.7));
    assert_eq!(
        s.value("velocitytrader_rl_model_updates_total", &n),
        Some(2.0)
    );
    assert!(
        s.find("velocitytrader_agent_cumulative_reward", &n)
            .is_empty()
    );
    assert!(s.find("velocitytrader_rl_loss", &b).is_empty());
}

#[test]
fn q_value_and_exploration_rate_alone() {
    let (t, h) = telemetry_with(Telemetry::builder());
    t.set_rl_q_value(Agent::SNIPER, 0.4).unwrap();
    t.set_rl_q_value(Agent::SNIPER, -1.25).unwrap();
    t.set_rl_exploration_rate(Agent::SNIPER, 0.15).unwrap();
    t.set_rl_exploration_rate(Agent::SNIPER, 0.0).unwrap();
    assert!(matches!(
        t.set_rl_q_value(Agent::SNIPER, f64::NAN),
        Err(RecordError::NotFinite {
            field: "q_value",
            ..
        })
    ));
    assert!(t.set_rl_q_value(Agent::SNIPER, f64::INFINITY).is_err());
    for bad in [1.01, -0.1] {
        assert!(matches!(
            t.set_rl_exploration_rate(Agent::SNIPER, bad),
            Err(RecordError::OutOfRange {
                field: "exploration_rate",
                ..
            })
        ));
    }
    assert!(t.set_rl_exploration_rate(Agent::SNIPER, f64::NAN).is_err());
    let s = scrape(&t, &h);
    let n = [("agent", "sniper")];
    assert_eq!(s.value("velocitytrader_rl_q_value", &n), Some(-1.25));
    assert_eq!(s.value("velocitytrader_rl_exploration_rate", &n), Some(0.0));
    assert_eq!(
        s.value("velocitytrader_rl_model_updates_total", &n),
        Some(0.0),
        "setting a Q-value is not a model update"
    );
    for untouched in [
        "velocitytrader_rl_loss",
        "velocitytrader_rl_learning_progress",
        "velocitytrader_rl_model_confidence",
        "velocitytrader_rl_experience_buffer_size",
        "velocitytrader_agent_cumulative_reward",
    ] {
        assert!(s.find(untouched, &n).is_empty(), "{untouched}");
    }
    let rejected = |reason| {
        s.value(
            "velocitytrader_rejected_events_total",
            &[("reason", reason)],
        )
    };
    assert_eq!(rejected("not_finite"), Some(3.0));
    assert_eq!(rejected("out_of_range"), Some(2.0));
    // A later model update sets the Q-value as before.
    t.record_rl_training(
        Agent::SNIPER,
        &RlTraining {
            loss: 0.1,
            q_value: 2.0,
        },
    )
    .unwrap();
    let s = scrape(&t, &h);
    assert_eq!(s.value("velocitytrader_rl_q_value", &n), Some(2.0));
}

#[test]
fn q_value_and_exploration_rate_beyond_the_agent_limit_are_dropped_and_counted() {
    let (t, h) = telemetry_with(Telemetry::builder().max_agents(1));
    let third = Agent::new("shadow").unwrap();
    t.set_rl_q_value(Agent::SNIPER, 1.0).unwrap();
    t.set_rl_q_value(third, 5.0).unwrap();
    t.set_rl_exploration_rate(third, 0.5).unwrap();
    let s = scrape(&t, &h);
    let o = [("agent", "__overflow__")];
    assert!(s.find("velocitytrader_rl_q_value", &o).is_empty());
    assert!(s.find("velocitytrader_rl_exploration_rate", &o).is_empty());
    assert_eq!(
        s.value("velocitytrader_rl_q_value", &[("agent", "sniper")]),
        Some(1.0)
    );
    assert_eq!(
        s.value("velocitytrader_label_overflow_total", &[("label", "agent")]),
        Some(2.0)
    );
}

#[test]
fn a_database_reader_has_no_learner_counters_it_cannot_know() {
    let (reader, h) = telemetry_with(Telemetry::builder().role(Role::DatabaseReader));
    reader.record_rl_reward(Agent::SNIPER, 0.5).unwrap();
    reader.set_rl_q_value(Agent::SNIPER, 0.5).unwrap();
    reader.set_rl_exploration_rate(Agent::SNIPER, 0.05).unwrap();
    let s = scrape(&reader, &h);
    for counter in [
        "velocitytrader_agent_signals_total",
        "velocitytrader_rl_experiences_total",
        "velocitytrader_rl_episodes_total",
        "velocitytrader_rl_model_updates_total",
    ] {
        assert!(s.find(counter, &[]).is_empty(), "{counter}");
    }
    assert!(
        s.value("velocitytrader_rl_exploration_rate", &[("agent", "sniper")])
            .is_some()
    );
    reader.record_signal(Agent::SNIPER);
    let s = scrape(&reader, &h);
    assert_eq!(
        s.value("velocitytrader_agent_signals_total", &[("agent", "sniper")]),
        Some(1.0),
        "counted once something is recorded"
    );
    let (engine, h) = telemetry_with(Telemetry::builder());
    engine.set_rl_exploration_rate(Agent::SNIPER, 0.05).unwrap();
    let s = scrape(&engine, &h);
    assert_eq!(
        s.value("velocitytrader_agent_signals_total", &[("agent", "sniper")]),
        Some(0.0),
        "an engine's counters start at 0"
    );
}

#[test]
fn wins_and_losses_per_agent_and_regime_come_from_trades() {
    let (t, h) = telemetry_with(Telemetry::builder());
    for (agent, regime, pnl) in [
        (Agent::BERSERKER, Some(Regime::Chaotic), 10.0),
        (Agent::BERSERKER, Some(Regime::Chaotic), 5.0),
        (Agent::BERSERKER, Some(Regime::Chaotic), -4.0),
        (Agent::BERSERKER, Some(Regime::Overdamped), 0.0),
        (Agent::BERSERKER, None, 7.0),
        (Agent::SNIPER, Some(Regime::CriticallyDamped), -1.0),
    ] {
        t.record_trade(&trade(agent, regime, pnl)).unwrap();
    }
    let s = scrape(&t, &h);
    let count = |name: &str, agent: &str, regime: &str| {
        s.value(name, &[("agent", agent), ("regime", regime)])
    };
    let wins = "velocitytrader_agent_regime_trades_winning_total";
    let losses = "velocitytrader_agent_regime_trades_losing_total";
    assert_eq!(count(wins, "berserker", "CHAOTIC"), Some(2.0));
    assert_eq!(count(losses, "berserker", "CHAOTIC"), Some(1.0));
    assert_eq!(count(wins, "sniper", "CRITICALLY_DAMPED"), Some(0.0));
    assert_eq!(count(losses, "sniper", "CRITICALLY_DAMPED"), Some(1.0));
    assert_eq!(
        count(wins, "berserker", "OVERDAMPED"),
        Some(0.0),
        "breakevens decide nothing"
    );
    assert_eq!(
        count(losses, "sniper", "UNDERDAMPED"),
        Some(0.0),
        "an agent's four regimes exist at 0 from its first trade"
    );
    assert_eq!(
        s.find(wins, &[]).len(),
        8,
        "bounded: the agents that traded, times four regimes"
    );
}

#[test]
fn rewards_and_outcomes_from_several_threads_are_exact() {
    let (t, h) = telemetry_with(Telemetry::builder());
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let t = &t;
            scope.spawn(move || {
                for i in 0..1_000 {
                    t.record_rl_reward(Agent::SNIPER, 0.5).unwrap();
                    t.record_rl_training(
                        Agent::SNIPER,
                        &RlTraining {
                            loss: 0.1,
                            q_value: 0.0,
                        },
                    )
                    .unwrap();
                    let pnl = if (thread + i) % 2 == 0 { 1.0 } else { -1.0 };
                    t.record_trade(&trade(Agent::SNIPER, Some(Regime::Underdamped), pnl))
                        .unwrap();
                }
            });
        }
    });
    let s = scrape(&t, &h);
    let n = [("agent", "sniper")];
    assert_eq!(
        s.value("velocitytrader_agent_cumulative_reward", &n),
        Some(2_000.0)
    );
    assert_eq!(
        s.value("velocitytrader_rl_model_updates_total", &n),
        Some(4_000.0)
    );
    let r = [("agent", "sniper"), ("regime", "UNDERDAMPED")];
    assert_eq!(
        s.value("velocitytrader_agent_regime_trades_winning_total", &r),
        Some(2_000.0)
    );
    assert_eq!(
        s.value("velocitytrader_agent_regime_trades_losing_total", &r),
        Some(2_000.0)
    );
}

#[test]
fn learners_beyond_the_agent_limit() {
    let (t, h) = telemetry_with(Telemetry::builder().max_agents(1));
    let third = Agent::new("shadow").unwrap();
    t.record_rl_reward(Agent::SNIPER, 1.0).unwrap();
    t.record_rl_reward(third, 1.0).unwrap();
    t.record_rl_training(
        third,
        &RlTraining {
            loss: 0.1,
            q_value: 0.2,
        },
    )
    .unwrap();
    t.record_instance_switch(third);
    let s = scrape(&t, &h);
    let o = [("agent", "__overflow__")];
    assert!(
        s.find("velocitytrader_agent_cumulative_reward", &o)
            .is_empty()
    );
    assert!(s.find("velocitytrader_rl_loss", &o).is_empty());
    assert_eq!(
        s.value("velocitytrader_rl_model_updates_total", &o),
        Some(1.0)
    );
    assert_eq!(
        s.value("velocitytrader_instance_switches_total", &o),
        Some(1.0)
    );
}

#[test]
fn runs_session_phase_switches_and_ratio() {
    let (t, h) = telemetry_with(Telemetry::builder());
    let s = scrape(&t, &h);
    for name in [
        "velocitytrader_run_info",
        "velocitytrader_run_duration_seconds",
        "velocitytrader_session_active",
        "velocitytrader_current_phase",
        "velocitytrader_primary_instance_ratio",
    ] {
        assert!(s.find(name, &[]).is_empty(), "{name} before any report");
    }
    let a = RunInfo::new("run-a", "hash-1").unwrap();
    let b = RunInfo::new("run-b", "hash-2").unwrap();
    t.start_run(&a).unwrap();
    t.set_session_active(true);
    t.set_phase(2);
    t.record_instance_switch(Agent::BERSERKER);
    t.record_instance_switch(Agent::BERSERKER);
    t.set_primary_instance_ratio(0.75).unwrap();
    assert!(matches!(
        t.set_primary_instance_ratio(1.5),
        Err(RecordError::OutOfRange {
            field: "primary_instance_ratio",
            ..
        })
    ));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let s = scrape(&t, &h);
    let info = |s: &exposition::Exposition, run: &RunInfo| {
        s.value(
            "velocitytrader_run_info",
            &[("run_id", run.run_id()), ("config_hash", run.config_hash())],
        )
    };
    assert_eq!(info(&s, &a), Some(1.0));
    let duration = s.value("velocitytrader_run_duration_seconds", &[]).unwrap();
    assert!((0.02..60.0).contains(&duration), "{duration}");
    assert_eq!(s.value("velocitytrader_session_active", &[]), Some(1.0));
    assert_eq!(s.value("velocitytrader_current_phase", &[]), Some(2.0));
    assert_eq!(
        s.value(
            "velocitytrader_instance_switches_total",
            &[("agent", "berserker")]
        ),
        Some(2.0)
    );
    assert_eq!(
        s.value("velocitytrader_primary_instance_ratio", &[]),
        Some(0.75)
    );

    t.start_run(&b).unwrap();
    let s = scrape(&t, &h);
    assert_eq!((info(&s, &a), info(&s, &b)), (Some(0.0), Some(1.0)));
    assert!(s.value("velocitytrader_run_duration_seconds", &[]).unwrap() < duration);
    t.start_run(&a).unwrap();
    let s = scrape(&t, &h);
    assert_eq!((info(&s, &a), info(&s, &b)), (Some(1.0), Some(0.0)));
    assert_eq!(s.find("velocitytrader_run_info", &[]).len(), 2);
}

#[test]
fn runs_are_bounded_per_telemetry() {
    let (t, h) = telemetry_with(Telemetry::builder());
    for i in 0..MAX_RUNS {
        t.start_run(&RunInfo::new(&format!("run-{i}"), "h").unwrap())
            .unwrap();
    }
    let extra = RunInfo::new("one-too-many", "h").unwrap();
    assert_eq!(
        t.start_run(&extra),
        Err(RecordError::LimitReached {
            what: "runs",
            limit: MAX_RUNS
        })
    );
    // A run already known can start again.
    t.start_run(&RunInfo::new("run-0", "h").unwrap()).unwrap();
    let s = scrape(&t, &h);
    assert_eq!(s.find("velocitytrader_run_info", &[]).len(), MAX_RUNS);
    assert_eq!(
        s.find("velocitytrader_run_info", &[])
            .iter()
            .filter(|x| x.value == 1.0)
            .count(),
        1
    );
    assert_eq!(
        s.value(
            "velocitytrader_rejected_events_total",
            &[("reason", "limit_reached")]
        ),
        Some(1.0)
    );
}

#[cfg(feature = "process")]
#[test]
fn process_cpu_and_memory_for_an_engine_only() {
    let (t, h) = telemetry_with(Telemetry::builder());
    // Burn a little CPU so the time is measurable in clock ticks.
    let start = std::time::Instant::now();
    let mut x = 0u64;
    while start.elapsed() < std::time::Duration::from_millis(50) {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    }
    std::hint::black_box(x);
    let s = scrape(&t, &h);
    let cpu = s.value("velocitytrader_process_cpu_seconds", &[]).unwrap();
    let rss = s
        .value("velocitytrader_process_resident_memory_bytes", &[])
        .unwrap();
    assert!(cpu > 0.0, "{cpu}");
    assert!(rss > 1_000_000.0, "{rss}");
    let later = scrape(&t, &h)
        .value("velocitytrader_process_cpu_seconds", &[])
        .unwrap();
    assert!(later >= cpu);
    let (reader, h) = telemetry_with(Telemetry::builder().role(Role::DatabaseReader));
    let s = scrape(&reader, &h);
    assert!(s.find("velocitytrader_process_cpu_seconds", &[]).is_empty());
    assert!(
        s.find("velocitytrader_process_resident_memory_bytes", &[])
            .is_empty()
    );
}

#[test]
fn an_engines_agents_have_instance_switches_at_zero_before_the_first_switch() {
    let recorder =
        std::sync::Arc::new(metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder());
    let handle = recorder.handle();
    let t = velocity_metrics::Telemetry::builder().build_with_recorder(recorder);
    t.record_signal(velocity_metrics::Agent::SNIPER);
    t.publish();
    let s = exposition::parse(&handle.render()).unwrap();
    assert_eq!(
        s.value(
            "velocitytrader_instance_switches_total",
            &[("agent", "sniper")]
        ),
        Some(0.0),
        "present at 0, so increase() sees the first switch"
    );
    t.record_instance_switch(velocity_metrics::Agent::SNIPER);
    t.publish();
    let s = exposition::parse(&handle.render()).unwrap();
    assert_eq!(
        s.value(
            "velocitytrader_instance_switches_total",
            &[("agent", "sniper")]
        ),
        Some(1.0)
    );
}
