//! Execution quality and instrument bars through the public API.

#![cfg(feature = "exporter")]

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/telemetry.rs"]
mod support;

use std::time::Duration;

use support::{scrape, telemetry_with};
use velocity_metrics::stats::{AverageTrueRange, RealizedVolatility};
use velocity_metrics::{
    Bar, Fill, OrderRejectReason, RecordError, Role, Symbol, Telemetry, Timeframe,
};

fn sym(name: &str) -> Symbol {
    Symbol::new(name).unwrap()
}

fn fill(millis: u64, slippage: f64, partial: bool) -> Fill {
    Fill {
        latency: Duration::from_millis(millis),
        slippage,
        spread: 0.0001,
        partial,
    }
}

#[test]
fn order_outcomes_latency_slippage_and_spread() {
    let (t, h) = telemetry_with(Telemetry::builder());
    let eurusd = sym("EURUSD+");
    for _ in 0..4 {
        t.record_order_submitted(eurusd);
    }
    t.record_order_filled(eurusd, &fill(3, 0.00002, true))
        .unwrap();
    t.record_order_filled(eurusd, &fill(40, -0.00003, false))
        .unwrap();
    t.record_order_filled(
        eurusd,
        &Fill {
            spread: 0.00012,
            ..fill(700, 0.0, false)
        },
    )
    .unwrap();
    t.record_order_cancelled(eurusd);
    t.record_order_rejected(eurusd, OrderRejectReason::InsufficientMargin);
    t.record_order_rejected(sym("US30+"), OrderRejectReason::MarketClosed);
    let s = scrape(&t, &h);
    let e = [("symbol", "EURUSD+")];
    let v = |name: &str| {
        s.value(name, &e)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    assert_eq!(v("velocitytrader_orders_submitted_total"), 4.0);
    assert_eq!(v("velocitytrader_orders_filled_total"), 2.0);
    assert_eq!(v("velocitytrader_orders_partially_filled_total"), 1.0);
    assert_eq!(v("velocitytrader_orders_cancelled_total"), 1.0);
    assert_eq!(
        s.value(
            "velocitytrader_orders_rejected_total",
            &[("symbol", "EURUSD+"), ("reason", "insufficient_margin")]
        ),
        Some(1.0)
    );
    let reasons = s.find("velocitytrader_orders_rejected_total", &e);
    assert_eq!(
        reasons.len(),
        7,
        "every reason at 0 from the first order event"
    );
    assert_eq!(
        reasons.iter().map(|x| x.value).sum::<f64>(),
        1.0,
        "one rejection in all"
    );
    // A symbol's first order event registers its outcome counters at 0.
    assert_eq!(
        s.value(
            "velocitytrader_orders_submitted_total",
            &[("symbol", "US30+")]
        ),
        Some(0.0)
    );
    assert_eq!(v("velocitytrader_order_fill_spread"), 0.00012);
    assert_eq!(v("velocitytrader_order_slippage_count"), 3.0);
    let slip = |le: &str| {
        s.value(
            "velocitytrader_order_slippage_bucket",
            &[("symbol", "EURUSD+"), ("le", le)],
        )
        .unwrap()
    };
    assert_eq!(
        (slip("-0.00001"), slip("0"), slip("0.0001"), slip("+Inf")),
        (1.0, 2.0, 3.0, 3.0)
    );
    let latency = |le: &str| {
        s.value(
            "velocitytrader_order_fill_duration_seconds_bucket",
            &[("le", le)],
        )
        .unwrap()
    };
    assert_eq!(
        (
            latency("0.005"),
            latency("0.05"),
            latency("1"),
            latency("+Inf")
        ),
        (1.0, 2.0, 3.0, 3.0)
    );
    assert!(
        (s.value("velocitytrader_order_fill_duration_seconds_sum", &[])
            .unwrap()
            - 0.743)
            .abs()
            < 1e-12
    );
}

#[test]
fn bad_fills_are_refused_and_overflow_keeps_totals_but_drops_last_values() {
    let (t, h) = telemetry_with(Telemetry::builder().max_symbols(1));
    assert!(matches!(
        t.record_order_filled(sym("EURUSD+"), &fill(1, f64::NAN, false)),
        Err(RecordError::NotFinite {
            field: "slippage",
            ..
        })
    ));
    assert!(matches!(
        t.record_order_filled(
            sym("EURUSD+"),
            &Fill {
                spread: -1.0,
                ..fill(1, 0.0, false)
            }
        ),
        Err(RecordError::Negative {
            field: "spread",
            ..
        })
    ));
    t.record_order_filled(sym("EURUSD+"), &fill(1, 0.0, false))
        .unwrap();
    t.record_order_filled(sym("GBPUSD+"), &fill(1, 0.5, false))
        .unwrap();
    t.record_order_filled(sym("USDJPY+"), &fill(1, 0.5, false))
        .unwrap();
    let s = scrape(&t, &h);
    assert_eq!(
        s.value(
            "velocitytrader_orders_filled_total",
            &[("symbol", "EURUSD+")]
        ),
        Some(1.0),
        "refused fills are not counted"
    );
    assert_eq!(
        s.value(
            "velocitytrader_orders_filled_total",
            &[("symbol", "__overflow__")]
        ),
        Some(2.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_order_slippage_count",
            &[("symbol", "__overflow__")]
        ),
        Some(2.0)
    );
    assert!(
        s.find(
            "velocitytrader_order_fill_spread",
            &[("symbol", "__overflow__")]
        )
        .is_empty()
    );
    assert_eq!(
        s.value("velocitytrader_order_fill_duration_seconds_count", &[]),
        Some(3.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_rejected_events_total",
            &[("reason", "not_finite")]
        ),
        Some(1.0)
    );
}

/// A deterministic random walk of bars with a flat stretch.
fn walk(n: usize) -> Vec<Bar> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut close = 1.1000;
    (0..n)
        .map(|i| {
            let open = close;
            if !(40..50).contains(&i) {
                close = open + (next() - 0.5) * 0.002;
            }
            let high = open.max(close) + next() * 0.0005;
            let low = open.min(close) - next() * 0.0005;
            Bar {
                open,
                high,
                low,
                close,
                volume: (i % 7 != 3).then_some(100.0 + i as f64),
            }
        })
        .collect()
}

#[test]
fn bars_give_exactly_the_stats_types_values() {
    let (t, h) = telemetry_with(Telemetry::builder());
    let eurusd = sym("EURUSD+");
    let l = [("symbol", "EURUSD+"), ("timeframe", "M5")];
    let mut atr = AverageTrueRange::new();
    let mut rv = RealizedVolatility::new();
    for (i, bar) in walk(80).iter().enumerate() {
        t.record_bar(eurusd, Timeframe::M5, bar).unwrap();
        let want_atr = atr.push(bar.high, bar.low, bar.close).unwrap();
        let want_rv = rv.push(bar.close).unwrap();
        let s = scrape(&t, &h);
        assert_eq!(s.value("velocitytrader_atr_14", &l), want_atr, "bar {i}");
        assert_eq!(
            s.value("velocitytrader_volatility_current", &l),
            want_rv.map(|v| v * 100.0),
            "bar {i}"
        );
        assert_eq!(s.value("velocitytrader_price_open", &l), Some(bar.open));
        assert_eq!(s.value("velocitytrader_price_high", &l), Some(bar.high));
        assert_eq!(s.value("velocitytrader_price_low", &l), Some(bar.low));
        assert_eq!(s.value("velocitytrader_price_close", &l), Some(bar.close));
        let volume = s.value("velocitytrader_volume_current", &l);
        match bar.volume {
            Some(v) => assert_eq!(volume, Some(v)),
            None => assert!(
                volume.is_none_or(f64::is_nan),
                "bar {i}: no volume, no value"
            ),
        }
        if i < 14 {
            assert!(want_atr.is_none());
        }
    }
    assert_eq!(
        scrape(&t, &h).value("velocitytrader_bars_processed_total", &[]),
        Some(80.0)
    );
}

#[test]
fn refused_bars_change_nothing_and_are_counted() {
    let (t, h) = telemetry_with(Telemetry::builder());
    let eurusd = sym("EURUSD+");
    let bars = walk(30);
    let mut atr = AverageTrueRange::new();
    for bar in &bars[..20] {
        t.record_bar(eurusd, Timeframe::H1, bar).unwrap();
        atr.push(bar.high, bar.low, bar.close).unwrap();
    }
    let good = bars[20];
    let refused = [
        (
            Bar {
                high: good.low - 0.001,
                ..good
            },
            "high",
        ),
        (
            Bar {
                close: good.high + 0.001,
                ..good
            },
            "close",
        ),
        (
            Bar {
                open: good.low - 0.001,
                ..good
            },
            "open",
        ),
        (
            Bar {
                open: -2.0,
                high: -1.0,
                low: -3.0,
                close: -2.0,
                volume: None,
            },
            "close",
        ),
    ];
    for (bar, field) in refused {
        match t.record_bar(eurusd, Timeframe::H1, &bar) {
            Err(RecordError::OutOfRange { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{bar:?}: {other:?}"),
        }
    }
    assert!(matches!(
        t.record_bar(
            eurusd,
            Timeframe::H1,
            &Bar {
                close: f64::NAN,
                ..good
            }
        ),
        Err(RecordError::NotFinite { field: "close", .. })
    ));
    assert!(matches!(
        t.record_bar(
            eurusd,
            Timeframe::H1,
            &Bar {
                volume: Some(-1.0),
                ..good
            }
        ),
        Err(RecordError::Negative {
            field: "volume",
            ..
        })
    ));
    t.record_bar(eurusd, Timeframe::H1, &good).unwrap();
    let want = atr.push(good.high, good.low, good.close).unwrap();
    let s = scrape(&t, &h);
    let l = [("symbol", "EURUSD+"), ("timeframe", "H1")];
    assert_eq!(s.value("velocitytrader_atr_14", &l), want);
    assert_eq!(
        s.value("velocitytrader_bars_processed_total", &[]),
        Some(21.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_rejected_events_total",
            &[("reason", "out_of_range")]
        ),
        Some(4.0)
    );
    t.add_bars_processed(5);
    assert_eq!(
        scrape(&t, &h).value("velocitytrader_bars_processed_total", &[]),
        Some(26.0)
    );
}

#[test]
fn bars_beyond_the_symbol_limit_count_but_show_nothing() {
    let (t, h) = telemetry_with(Telemetry::builder().max_symbols(1));
    let bar = walk(1)[0];
    t.record_bar(sym("EURUSD+"), Timeframe::M5, &bar).unwrap();
    t.record_bar(sym("GBPUSD+"), Timeframe::M5, &bar).unwrap();
    let s = scrape(&t, &h);
    assert_eq!(s.find("velocitytrader_price_close", &[]).len(), 1);
    assert_eq!(
        s.value("velocitytrader_bars_processed_total", &[]),
        Some(2.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_label_overflow_total",
            &[("label", "symbol")]
        ),
        Some(1.0)
    );
    let (reader, h) = telemetry_with(Telemetry::builder().role(Role::DatabaseReader));
    assert!(
        scrape(&reader, &h)
            .find("velocitytrader_bars_processed_total", &[])
            .is_empty()
    );
}

#[test]
fn vpin_and_spread_stress_with_thresholds() {
    let (t, h) = telemetry_with(Telemetry::builder());
    let xau = sym("XAUUSD+");
    t.set_vpin(xau, 0.42, Some(0.7)).unwrap();
    t.set_vpin(xau, 0.55, None).unwrap();
    t.set_spread_stress(xau, 1.8, Some(3.0)).unwrap();
    assert!(matches!(
        t.set_vpin(xau, 1.5, None),
        Err(RecordError::OutOfRange { field: "vpin", .. })
    ));
    assert!(matches!(
        t.set_spread_stress(xau, 1.0, Some(-1.0)),
        Err(RecordError::Negative {
            field: "spread_stress_threshold",
            ..
        })
    ));
    let s = scrape(&t, &h);
    let x = [("symbol", "XAUUSD+")];
    assert_eq!(s.value("velocitytrader_vpin", &x), Some(0.55));
    assert_eq!(s.value("velocitytrader_vpin_threshold", &x), Some(0.7));
    assert_eq!(s.value("velocitytrader_spread_stress_index", &x), Some(1.8));
    assert_eq!(
        s.value("velocitytrader_spread_stress_threshold", &x),
        Some(3.0)
    );
}

#[test]
fn orders_and_bars_from_several_threads() {
    let (t, h) = telemetry_with(Telemetry::builder());
    let bars = walk(60);
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let (t, bars) = (&t, &bars);
            scope.spawn(move || {
                let symbol = sym(&format!("SYM{thread}"));
                for bar in bars {
                    t.record_order_submitted(sym("EURUSD+"));
                    t.record_order_filled(sym("EURUSD+"), &fill(2, 0.0, false))
                        .unwrap();
                    t.record_bar(symbol, Timeframe::M1, bar).unwrap();
                }
            });
        }
    });
    let s = scrape(&t, &h);
    let e = [("symbol", "EURUSD+")];
    assert_eq!(
        s.value("velocitytrader_orders_submitted_total", &e),
        Some(240.0)
    );
    assert_eq!(
        s.value("velocitytrader_orders_filled_total", &e),
        Some(240.0)
    );
    assert_eq!(
        s.value("velocitytrader_bars_processed_total", &[]),
        Some(240.0)
    );
    let mut atr = AverageTrueRange::new();
    let want = bars
        .iter()
        .map(|b| atr.push(b.high, b.low, b.close).unwrap())
        .last()
        .unwrap();
    for thread in 0..4 {
        let symbol = format!("SYM{thread}");
        let l = [("symbol", symbol.as_str()), ("timeframe", "M1")];
        assert_eq!(s.value("velocitytrader_atr_14", &l), want);
    }
}
