//! The committed assets are exactly what the definitions generate: a
//! changed definition without `cargo xtask assets`, or a hand edit of a
//! generated file, fails here (and in CI's `cargo xtask assets --check`).

use xtask::assets::generate;
use xtask::files::{repository_root, stale};

#[test]
fn committed_assets_match_the_definitions() {
    let files = generate();
    let stale = stale(&repository_root(), &files);
    assert!(
        stale.is_empty(),
        "out of date (run `cargo xtask assets`): {stale:?}"
    );
}

#[test]
fn generated_yaml_parses_and_every_json_dashboard_parses() {
    for f in generate() {
        if f.path.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&f.contents)
                .unwrap_or_else(|e| panic!("{}: {e}", f.path));
        } else if f.path.ends_with(".yml") {
            serde_yaml::from_str::<serde_yaml::Value>(&f.contents)
                .unwrap_or_else(|e| panic!("{}: {e}", f.path));
        }
    }
}
