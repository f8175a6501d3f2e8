//! Several threads recording while another publishes: totals are exact.

#[path = "common/exposition.rs"]
mod exposition;

use std::sync::Arc;
use std::thread;

use metrics_exporter_prometheus::PrometheusBuilder;
use velocity_metrics::{Agent, Regime, Symbol, Telemetry, Timeframe, Trade};

#[test]
fn concurrent_recording_and_scraping_keep_totals_exact() {
    const THREADS: usize = 4;
    const PER_THREAD: usize = 20_000;
    let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
    let handle = recorder.handle();
    let telemetry = Telemetry::builder().build_with_recorder(recorder);
    let symbols: Vec<Symbol> = (0..8)
        .map(|i| Symbol::new(&format!("S{i}")).unwrap())
        .collect();

    let scraper = {
        let telemetry = telemetry.clone();
        let handle = handle.clone();
        thread::spawn(move || {
            let mut last = 0.0;
            for _ in 0..200 {
                telemetry.publish();
                let s = exposition::parse(&handle.render()).unwrap();
                let now = s.value("velocitytrader_trades_total", &[]).unwrap();
                assert!(now >= last, "counter went backwards: {last} -> {now}");
                last = now;
            }
        })
    };
    let writers: Vec<_> = (0..THREADS)
        .map(|w| {
            let telemetry = telemetry.clone();
            let symbols = symbols.clone();
            thread::spawn(move || {
                let agent = if w % 2 == 0 {
                    Agent::BERSERKER
                } else {
                    Agent::SNIPER
                };
                for i in 0..PER_THREAD {
                    let pnl = if i % 4 == 0 { -1.0 } else { 2.0 };
                    let trade =
                        Trade::closed(agent, symbols[i % symbols.len()], Timeframe::M5, pnl)
                            .with_regime(Regime::ALL[i % 4]);
                    telemetry.record_trade(&trade).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    scraper.join().unwrap();

    telemetry.publish();
    let s = exposition::parse(&handle.render()).unwrap();
    let total = (THREADS * PER_THREAD) as f64;
    assert_eq!(s.value("velocitytrader_trades_total", &[]), Some(total));
    assert_eq!(
        s.value("velocitytrader_trades_losing_total", &[]),
        Some(total / 4.0)
    );
    assert_eq!(
        s.value("velocitytrader_pnl_total", &[]),
        Some(total / 4.0 * 3.0 * 2.0 - total / 4.0)
    );
    let per_agent = (THREADS / 2 * PER_THREAD) as f64;
    assert_eq!(
        s.value("velocitytrader_agent_trades_total", &[("agent", "sniper")]),
        Some(per_agent)
    );
    let by_symbol: f64 = s
        .find("velocitytrader_symbol_trades_total", &[])
        .iter()
        .map(|x| x.value)
        .sum();
    let by_regime: f64 = s
        .find("velocitytrader_regime_trades_total", &[])
        .iter()
        .map(|x| x.value)
        .sum();
    assert_eq!((by_symbol, by_regime), (total, total));
}

fn scrape(
    telemetry: &Telemetry,
    handle: &metrics_exporter_prometheus::PrometheusHandle,
) -> exposition::Exposition {
    telemetry.publish();
    exposition::parse(&handle.render()).unwrap()
}

fn fresh() -> (Telemetry, metrics_exporter_prometheus::PrometheusHandle) {
    let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
    let handle = recorder.handle();
    (Telemetry::builder().build_with_recorder(recorder), handle)
}

/// Streaks of `pnls` in order: (current wins, current losses, max wins, max losses).
fn streaks_of(pnls: &[f64]) -> [f64; 4] {
    let (mut w, mut l, mut mw, mut ml) = (0u32, 0u32, 0u32, 0u32);
    for &p in pnls {
        if p > 0.0 {
            w += 1;
            l = 0;
            mw = mw.max(w);
        } else if p < 0.0 {
            l += 1;
            w = 0;
            ml = ml.max(l);
        } else {
            w = 0;
            l = 0;
        }
    }
    [w, l, mw, ml].map(f64::from)
}

fn published_streaks(s: &exposition::Exposition) -> [f64; 4] {
    [
        "velocitytrader_consecutive_wins",
        "velocitytrader_consecutive_losses",
        "velocitytrader_consecutive_wins_max",
        "velocitytrader_consecutive_losses_max",
    ]
    .map(|name| s.value(name, &[]).unwrap())
}

#[test]
fn two_threads_taking_strict_turns_give_the_streaks_of_the_turn_order() {
    let (telemetry, handle) = fresh();
    let symbol = Symbol::new("EURUSD+").unwrap();
    // W W L L W W L L …: thread 0 records the wins, thread 1 the losses,
    // each pair of turns handed over through a shared turn counter.
    let turn = Arc::new((std::sync::Mutex::new(0usize), std::sync::Condvar::new()));
    const PAIRS: usize = 2000;
    let workers: Vec<_> = (0..2)
        .map(|me| {
            let (telemetry, turn) = (telemetry.clone(), Arc::clone(&turn));
            thread::spawn(move || {
                let pnl = if me == 0 { 1.0 } else { -1.0 };
                for round in 0..PAIRS {
                    let (lock, ready) = &*turn;
                    let mut t = ready
                        .wait_while(lock.lock().unwrap(), |t| *t != round * 2 + me)
                        .unwrap();
                    for _ in 0..2 {
                        let trade = Trade::closed(Agent::SNIPER, symbol, Timeframe::M5, pnl);
                        telemetry.record_trade(&trade).unwrap();
                    }
                    *t += 1;
                    ready.notify_all();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let s = scrape(&telemetry, &handle);
    assert_eq!(published_streaks(&s), [0.0, 2.0, 2.0, 2.0]);
    assert_eq!(
        s.value("velocitytrader_trades_total", &[]),
        Some(4.0 * PAIRS as f64)
    );
}

/// `threads` threads each recording `per_thread` values, the values drawn
/// from a thread's own xorshift sequence by `value_of`; every `record` call
/// is made and logged under one lock, which fixes the global order, and
/// threads yield now and then. Meanwhile another thread scrapes 50 times and
/// runs `check` on each. Returns the values in the order recorded.
fn record_in_logged_order(
    telemetry: &Telemetry,
    handle: &metrics_exporter_prometheus::PrometheusHandle,
    threads: u64,
    per_thread: usize,
    value_of: fn(u64) -> f64,
    record: fn(&Telemetry, f64),
    check: fn(&exposition::Exposition),
) -> Vec<f64> {
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..threads)
        .map(|w| {
            let (telemetry, order) = (telemetry.clone(), Arc::clone(&order));
            thread::spawn(move || {
                let mut x = 0x9E37_79B9_7F4A_7C15_u64 ^ (w + 1);
                for _ in 0..per_thread {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let value = value_of(x);
                    let mut log = order.lock().unwrap();
                    record(&telemetry, value);
                    log.push(value);
                    drop(log);
                    if x % 3 == 0 {
                        thread::yield_now();
                    }
                }
            })
        })
        .collect();
    let publisher = {
        let (telemetry, handle) = (telemetry.clone(), handle.clone());
        thread::spawn(move || {
            for _ in 0..50 {
                check(&scrape(&telemetry, &handle));
            }
        })
    };
    for w in workers {
        w.join().unwrap();
    }
    publisher.join().unwrap();
    Arc::try_unwrap(order).unwrap().into_inner().unwrap()
}

#[test]
fn streaks_under_random_contention_equal_those_of_the_recorded_order() {
    let (telemetry, handle) = fresh();
    let order = record_in_logged_order(
        &telemetry,
        &handle,
        4,
        5000,
        // Mostly long runs per thread, sometimes a breakeven.
        |x| match x % 10 {
            0 => 0.0,
            1..=5 => 1.0,
            _ => -1.0,
        },
        |telemetry, pnl| {
            let symbol = Symbol::new("XAUUSD+").unwrap();
            let trade = Trade::closed(Agent::BERSERKER, symbol, Timeframe::H1, pnl);
            telemetry.record_trade(&trade).unwrap();
        },
        |s| {
            let [cw, cl, mw, ml] = published_streaks(s);
            assert!(cw <= mw && cl <= ml, "{cw} {cl} {mw} {ml}");
        },
    );
    let s = scrape(&telemetry, &handle);
    assert_eq!(published_streaks(&s), streaks_of(&order));
}

#[test]
fn equity_from_four_threads_with_their_own_clocks_is_never_refused() {
    let (telemetry, handle) = fresh();
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
    };
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let telemetry = telemetry.clone();
            thread::spawn(move || {
                for i in 0..25_000 {
                    let equity = 10_000.0 + f64::from(i % 100);
                    if w % 2 == 0 {
                        telemetry.record_equity(equity, equity, now()).unwrap();
                    } else {
                        telemetry.record_equity_now(equity, equity).unwrap();
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let s = scrape(&telemetry, &handle);
    assert_eq!(
        s.value(
            "velocitytrader_rejected_events_total",
            &[("reason", "out_of_order")]
        ),
        Some(0.0)
    );
    // A sample genuinely older than the tolerance is still refused.
    assert!(matches!(
        telemetry.record_equity(1.0, 1.0, now() - 60.0),
        Err(velocity_metrics::RecordError::OutOfOrder { .. })
    ));
}

/// Eight threads recording equity, the order of their calls fixed by a lock
/// and logged with it, while another thread publishes: the published curve
/// (equity, balance, current and largest drawdown) is the one of that order,
/// whoever applied each sample — the recording thread, another one or the
/// publisher.
#[test]
fn equity_from_eight_threads_gives_the_curve_of_the_order_the_calls_took_effect_in() {
    let (telemetry, handle) = fresh();
    let order = record_in_logged_order(
        &telemetry,
        &handle,
        8,
        3000,
        |x| 9_000.0 + (x % 2001) as f64,
        |telemetry, equity| telemetry.record_equity_now(equity, equity).unwrap(),
        |s| {
            let current = s.value("velocitytrader_current_drawdown", &[]);
            let max = s.value("velocitytrader_max_drawdown", &[]);
            assert!(current <= max, "{current:?} > {max:?}");
        },
    );
    let mut expected = velocity_metrics::stats::DrawdownTracker::with_initial_peak(order[0]);
    for &equity in order.iter() {
        expected.update(equity);
    }
    let s = scrape(&telemetry, &handle);
    let last = order.last().copied();
    assert_eq!(s.value("velocitytrader_account_equity", &[]), last);
    assert_eq!(s.value("velocitytrader_account_balance", &[]), last);
    assert_eq!(
        s.value("velocitytrader_max_drawdown", &[]),
        expected.max().map(|d| d * 100.0)
    );
    assert_eq!(
        s.value("velocitytrader_current_drawdown", &[]),
        expected.current().map(|d| d * 100.0)
    );
}

/// Eight threads recording equity as fast as they can, with no lock between
/// them, and a publisher: no sample is lost (the one deepest dip shows in the
/// largest drawdown, which no order can change while the starting balance
/// stays the peak) and each thread's samples keep its own order (the last
/// sample applied is one thread's last).
#[test]
fn equity_from_eight_threads_at_once_loses_no_sample_and_keeps_each_threads_order() {
    const THREADS: usize = 8;
    const PER_THREAD: usize = 20_000;
    let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
    let handle = recorder.handle();
    let telemetry = Telemetry::builder()
        .starting_balance(10_000.0)
        .build_with_recorder(recorder);
    let last_of = |w: usize| 9_500.5 + w as f64;
    let workers: Vec<_> = (0..THREADS)
        .map(|w| {
            let telemetry = telemetry.clone();
            thread::spawn(move || {
                for i in 0..PER_THREAD {
                    let equity = match (w, i) {
                        (5, 6_666) => 8_000.25,
                        (_, i) if i == PER_THREAD - 1 => last_of(w),
                        _ => 9_000.0 + ((i * 7 + w * 13) % 1000) as f64,
                    };
                    telemetry.record_equity_now(equity, equity).unwrap();
                }
            })
        })
        .collect();
    let publisher = {
        let (telemetry, handle) = (telemetry.clone(), handle.clone());
        thread::spawn(move || {
            for _ in 0..50 {
                scrape(&telemetry, &handle);
            }
        })
    };
    for w in workers {
        w.join().unwrap();
    }
    publisher.join().unwrap();
    let s = scrape(&telemetry, &handle);
    assert_eq!(
        s.value("velocitytrader_max_drawdown", &[]),
        Some((10_000.0 - 8_000.25) / 10_000.0 * 100.0)
    );
    let equity = s.value("velocitytrader_account_equity", &[]).unwrap();
    assert!(
        (0..THREADS).any(|w| equity == last_of(w)),
        "the last sample applied ({equity}) is no thread's last"
    );
}
