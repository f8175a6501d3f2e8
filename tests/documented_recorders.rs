//! Every documented way to build a telemetry exports the fill-latency
//! histogram as a histogram (`velocitytrader_order_fill_duration_seconds_bucket`,
//! what the shipped burn-rate alerts query), never as a summary.
//!
//! Two halves: the README's Rust blocks, the crate's rustdoc examples and
//! `examples/` are scanned for the constructions they use (and for a bare
//! `PrometheusBuilder::new()`, which loses the buckets); then each
//! construction found is run here and its exposition checked.

#![cfg(feature = "exporter")]

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use velocity_metrics::exporter::{ExporterBuilder, prometheus_builder};
use velocity_metrics::{Fill, Symbol, Telemetry};

const BUCKET: &str = "velocitytrader_order_fill_duration_seconds_bucket{";
const LOOPBACK: &str = "127.0.0.1:0";

/// A piece of documentation code: where it is and its text.
struct Unit {
    origin: String,
    code: String,
}

/// Fenced Rust blocks of a Markdown text (```rust…, and untagged fences
/// inside rustdoc, which rustdoc compiles as Rust).
fn fenced_blocks(text: &str, origin: &str, untagged_is_rust: bool) -> Vec<Unit> {
    enum State {
        Outside,
        Rust(usize, String),
        Other,
    }
    let mut units = Vec::new();
    let mut state = State::Outside;
    for (n, line) in text.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        state = match (state, fence) {
            (State::Outside, Some(tag)) => {
                if tag.starts_with("rust") || (untagged_is_rust && tag.is_empty()) {
                    State::Rust(n + 1, String::new())
                } else {
                    State::Other
                }
            }
            (State::Rust(start, code), Some(_)) => {
                units.push(Unit {
                    origin: format!("{origin}:{start}"),
                    code,
                });
                State::Outside
            }
            (State::Other, Some(_)) => State::Outside,
            (State::Rust(start, mut code), None) => {
                code.push_str(line);
                code.push('\n');
                State::Rust(start, code)
            }
            (state, None) => state,
        };
    }
    units
}

/// The doc-comment text of a Rust source file (`///` and `//!` lines).
fn doc_text(source: &str) -> String {
    source
        .lines()
        .filter_map(|l| {
            let t = l.trim_start();
            t.strip_prefix("///")
                .or_else(|| t.strip_prefix("//!"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d).to_owned())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every documented piece of code: README blocks, rustdoc examples, the
/// example programs.
fn documented_code() -> Vec<Unit> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut units = fenced_blocks(&readme, "README.md", false);
    let mut sources = Vec::new();
    rust_files(&root.join("src"), &mut sources);
    for path in &sources {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.strip_prefix(root).unwrap().display().to_string();
        units.extend(fenced_blocks(&doc_text(&text), &name, true));
    }
    let mut examples = Vec::new();
    rust_files(&root.join("examples"), &mut examples);
    for path in &examples {
        units.push(Unit {
            origin: path.strip_prefix(root).unwrap().display().to_string(),
            code: std::fs::read_to_string(path).unwrap(),
        });
    }
    units
}

/// The telemetry constructions a piece of code uses.
fn constructions(code: &str) -> BTreeSet<&'static str> {
    let mut found = BTreeSet::new();
    for (needle, kind) in [
        ("build_prometheus(", "build_prometheus"),
        ("build_with_recorder(", "build_with_recorder"),
        (".build_embedded(", "build_embedded"),
        (".install(", "install"),
        (".build_push(", "build_push"),
    ] {
        if code.contains(needle) {
            found.insert(kind);
        }
    }
    if code.contains("ExporterBuilder") && code.contains(".build()") {
        found.insert("build");
    }
    found
}

/// A fill, recorded into `telemetry`.
fn record_fill(telemetry: &Telemetry) {
    telemetry
        .record_order_filled(
            Symbol::new("EURUSD+").unwrap(),
            &Fill {
                latency: Duration::from_millis(40),
                slippage: 0.00001,
                spread: 0.0001,
                partial: false,
            },
        )
        .unwrap();
}

fn assert_histogram(kind: &str, exposition: &str) {
    assert!(
        exposition.contains(BUCKET),
        "{kind}: no {BUCKET}…}} in the exposition (a summary instead?)"
    );
    assert!(
        !exposition.contains("velocitytrader_order_fill_duration_seconds{quantile="),
        "{kind}: rendered as a summary"
    );
}

fn loopback() -> SocketAddr {
    LOOPBACK.parse().unwrap()
}

/// Builds a telemetry the way `kind` does, records a fill, renders.
fn exposition_of(kind: &str) -> String {
    match kind {
        "build_prometheus" => {
            let (telemetry, scrape) = Telemetry::builder().build_prometheus();
            record_fill(&telemetry);
            telemetry.publish();
            scrape.render()
        }
        "build_with_recorder" => {
            let recorder = Arc::new(prometheus_builder().build_recorder());
            let scrape = recorder.handle();
            let telemetry = Telemetry::builder().build_with_recorder(recorder);
            record_fill(&telemetry);
            telemetry.publish();
            scrape.render()
        }
        "build" => {
            let exporter = ExporterBuilder::new()
                .listen_address(loopback())
                .build()
                .unwrap();
            record_fill(exporter.telemetry());
            exporter.render()
        }
        "build_embedded" => {
            let exporter = ExporterBuilder::new().build_embedded().unwrap();
            record_fill(exporter.telemetry());
            exporter.scrape().body
        }
        "install" => {
            let exporter = ExporterBuilder::new()
                .listen_address(loopback())
                .install()
                .unwrap();
            record_fill(exporter.telemetry());
            let text = exporter.render();
            exporter.shutdown();
            text
        }
        #[cfg(feature = "push")]
        "build_push" => {
            use velocity_metrics::exporter::PushTarget;
            let port = std::net::TcpListener::bind(LOOPBACK)
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let target = PushTarget::new(&format!("http://127.0.0.1:{port}"))
                .unwrap()
                .timeout(Duration::from_millis(200));
            let run = ExporterBuilder::new().build_push(target).unwrap();
            record_fill(run.telemetry());
            run.exporter().render()
        }
        other => panic!("no runtime check for the documented construction {other}"),
    }
}

#[test]
fn every_documented_construction_exports_the_fill_latency_buckets() {
    let units = documented_code();
    assert!(
        units.len() > 20,
        "found only {} documented blocks",
        units.len()
    );
    let mut kinds = BTreeSet::new();
    for unit in &units {
        assert!(
            !unit.code.contains("PrometheusBuilder::new()"),
            "{}: a bare PrometheusBuilder::new() renders every histogram as a summary; use exporter::prometheus_builder() or build_prometheus()",
            unit.origin
        );
        if unit.code.contains("build_with_recorder(") {
            assert!(
                unit.code.contains("prometheus_builder()"),
                "{}: build_with_recorder on a recorder not built by exporter::prometheus_builder()",
                unit.origin
            );
        }
        kinds.extend(constructions(&unit.code));
    }
    for expected in [
        "build_prometheus",
        "build_with_recorder",
        "install",
        "build",
    ] {
        assert!(
            kinds.contains(expected),
            "the scan found no {expected}: {kinds:?}"
        );
    }
    for kind in &kinds {
        if *kind == "build_push" && !cfg!(feature = "push") {
            continue;
        }
        assert_histogram(kind, &exposition_of(kind));
    }
}

#[test]
fn a_bare_prometheus_builder_would_have_lost_them() {
    // The check above can fail: the same fill on a bare recorder renders a
    // summary and no bucket.
    let recorder = Arc::new(metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder());
    let scrape = recorder.handle();
    let telemetry = Telemetry::builder().build_with_recorder(recorder);
    record_fill(&telemetry);
    let text = scrape.render();
    assert!(!text.contains(BUCKET), "{text}");
    assert!(text.contains("velocitytrader_order_fill_duration_seconds{quantile="));
}
