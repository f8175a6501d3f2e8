//! With feature `protobuf`, the native copies of the latency histograms add
//! no allocation of their own on the hot path: a sample is appended to a
//! buffer that, like the recorder's own histogram buffer, grows in blocks
//! of 64 samples until upkeep folds it in. So recording on an exporter
//! allocates no more than a raw recorder fed each latency sample twice
//! (an allocator counting the recording thread's allocations only, so the
//! exporter's worker thread starting meanwhile does not count).
#![cfg(feature = "protobuf")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use metrics::Recorder;
use metrics_exporter_prometheus::PrometheusBuilder;
use velocity_metrics::exporter::ExporterBuilder;
use velocity_metrics::{Fill, RiskDecision, Symbol};

struct CountingAllocator;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if COUNTING.with(Cell::get) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: delegates to the system allocator, only counting calls.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[test]
fn native_copies_allocate_no_more_than_a_second_histogram_record() {
    const CALLS: usize = 6_400;
    // No upkeep during the count but the worker's first tick, at its start.
    let exporter = ExporterBuilder::new()
        .upkeep_interval(Duration::from_secs(3_600))
        .build_embedded()
        .unwrap();
    let telemetry = exporter.telemetry();
    COUNTING.with(|c| c.set(true));
    let symbol = Symbol::new("ALLOC+").unwrap();
    let fill = Fill {
        latency: Duration::from_millis(3),
        slippage: 0.0001,
        spread: 0.0002,
        partial: false,
    };
    for decision in RiskDecision::ALL {
        telemetry.record_risk_decision(*decision, Duration::from_micros(90));
    }
    telemetry.record_order_filled(symbol, &fill).unwrap();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for i in 0..CALLS {
        telemetry.record_risk_decision(RiskDecision::ALL[i % 4], Duration::from_micros(90));
        telemetry.record_order_filled(symbol, &fill).unwrap();
    }
    let ours = ALLOCATIONS.load(Ordering::Relaxed) - before;

    // The same calls on a raw recorder, each latency sample recorded twice.
    let raw = PrometheusBuilder::new().build_recorder();
    let meta = metrics::Metadata::new("alloc", metrics::Level::INFO, None);
    let histograms: Vec<metrics::Histogram> = (0..5)
        .map(|i| raw.register_histogram(&metrics::Key::from_name(format!("raw_{i}")), &meta))
        .collect();
    let counters: Vec<metrics::Counter> = (0..2)
        .map(|i| raw.register_counter(&metrics::Key::from_name(format!("raw_{i}_total")), &meta))
        .collect();
    let gauge = raw.register_gauge(&metrics::Key::from_name("raw_gauge"), &meta);
    // As many samples before counting as above (4 decisions, 1 fill), so
    // every buffer starts a new block at the same sample.
    for (i, h) in histograms.iter().enumerate() {
        for _ in 0..if i < 2 { 4 } else { 1 } {
            h.record(1.0);
        }
    }
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..CALLS {
        counters[0].increment(1);
        histograms[0].record(0.000_09);
        histograms[1].record(0.000_09);
        counters[1].increment(1);
        histograms[2].record(0.003);
        histograms[3].record(0.003);
        histograms[4].record(0.0001);
        gauge.set(0.0002);
    }
    let baseline = ALLOCATIONS.load(Ordering::Relaxed) - before;
    assert!(
        ours > 0,
        "the sample buffers grow while nothing folds them in"
    );
    // The worker's first upkeep tick comes at its start; if it lands during
    // the count, each of the 5 buffers (3 classic, 2 native) starts a new
    // block once more. An allocation per sample would add thousands.
    let first_upkeep = 5;
    assert!(
        ours <= baseline + first_upkeep,
        "{ours} allocations for {CALLS} decisions and fills on an exporter, raw histograms recording each latency twice: {baseline}"
    );
    eprintln!("{ours} allocations on the exporter, {baseline} raw");
}
