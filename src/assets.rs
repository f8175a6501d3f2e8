//! The monitoring assets shipped with the crate: Grafana dashboards and
//! provisioning (with the dashboard linter's exceptions file), Prometheus
//! alert and recording rules with their unit tests and runbooks, the
//! Alertmanager configuration, and two stacks, each as docker compose and
//! as configuration for a Debian host: one engine and Prometheus (`deploy/`,
//! `deploy/host/`), and a fleet of engines (`deploy/fleet/`,
//! `deploy/fleet/host/`). All but a few hand-written documents and scripts
//! are generated from typed definitions by `cargo xtask assets`.
//!
//! They are plain files in the repository (`dashboards/`, `alerts/`,
//! `deploy/`) and are embedded here with `include_str!`, so an application
//! can install the exact versions that match its metric catalogue:
//!
//! ```no_run
//! use std::path::Path;
//! use velocity_metrics::assets;
//!
//! # fn main() -> Result<(), assets::AssetError> {
//! let written = assets::write_to(Path::new("monitoring"))?;
//! println!("{} files, start with: cd monitoring/deploy && docker compose up -d", written.len());
//! # Ok(())
//! # }
//! ```
//!
//! [`write_to`] never replaces a file whose contents differ from the embedded
//! asset (you may have tuned a threshold); [`write_to_with`] and
//! [`Overwrite::Always`] do. Alert runbooks are in [`runbooks`].

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// One embedded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    /// Path relative to the repository root, with `/` separators
    /// (e.g. `dashboards/velocitytrader-risk.json`).
    pub path: &'static str,
    /// The file's contents.
    pub contents: &'static str,
}

macro_rules! assets {
    ($($path:literal),+ $(,)?) => {
        /// Every embedded asset, dashboards first.
        pub const ALL: &[Asset] = &[
            $(Asset { path: $path, contents: include_str!(concat!("../", $path)) }),+
        ];
    };
}

assets![
    "dashboards/velocitytrader-performance.json",
    "dashboards/velocitytrader-agents.json",
    "dashboards/velocitytrader-physics.json",
    "dashboards/velocitytrader-risk.json",
    "dashboards/velocitytrader-system.json",
    "dashboards/velocitytrader-fleet.json",
    "dashboards/portfolio-risk-overview.json",
    "dashboards/instrument-physics-view.json",
    "dashboards/agent-performance-rl.json",
    "dashboards/risk-engine-circuit.json",
    "dashboards/run-control-meta.json",
    "dashboards/provisioning/datasources/velocitytrader.yml",
    "dashboards/provisioning/dashboards/velocitytrader.yml",
    "dashboards/.lint",
    "alerts/velocitytrader.rules.yml",
    "alerts/vmalert/velocitytrader.rules.yml",
    "alerts/velocitytrader.test.yml",
    "alerts/runbooks/velocitytrader.md",
    "alerts/runbooks/velocitytrader.html",
    "alerts/alertmanager.yml",
    "deploy/docker-compose.yml",
    "deploy/prometheus.yml",
    "deploy/host/README.md",
    "deploy/host/prometheus.yml",
    "deploy/host/default/prometheus",
    "deploy/host/default/prometheus-alertmanager",
    "deploy/host/systemd/prometheus-alertmanager.service.d/velocitytrader.conf",
    "deploy/host/grafana-datasource.yml",
    "deploy/alertmanager-start.sh",
    "deploy/env.example",
    "deploy/secrets/README.md",
    "deploy/fleet/docker-compose.yml",
    "deploy/fleet/vmagent.yml",
    "deploy/fleet/targets/engines.yml",
    "deploy/fleet/grafana-datasource.yml",
    "deploy/fleet/runbooks-nginx.conf",
    "deploy/fleet/env.example",
    "deploy/fleet/README.md",
    "deploy/fleet/host/README.md",
    "deploy/fleet/host/vmagent.yml",
    "deploy/fleet/host/targets/engines.yml",
    "deploy/fleet/host/default/victoria-metrics",
    "deploy/fleet/host/default/prometheus-pushgateway",
    "deploy/fleet/host/default/prometheus-alertmanager",
    "deploy/fleet/host/systemd/prometheus-alertmanager.service.d/velocitytrader.conf",
    "deploy/fleet/host/systemd/velocitytrader-vmagent.service",
    "deploy/fleet/host/systemd/velocitytrader-vmalert.service",
    "deploy/fleet/host/grafana-datasource.yml",
    "deploy/fleet/host/runbooks-nginx.conf",
];

/// The asset at `path` (relative, `/`-separated, as in [`Asset::path`]).
///
/// ```
/// let rules = velocity_metrics::assets::find("alerts/velocitytrader.rules.yml").unwrap();
/// assert!(rules.contents.contains("VelocityTraderDrawdownCritical"));
/// ```
#[must_use]
pub fn find(path: &str) -> Option<&'static Asset> {
    ALL.iter().find(|a| a.path == path)
}

/// What [`write_to_with`] does with an existing file that differs from the
/// embedded asset. A file with identical contents is always left alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Overwrite {
    /// Refuse: return [`AssetError::Conflict`] and write nothing at all.
    #[default]
    Never,
    /// Replace it with the embedded asset.
    Always,
}

/// Why assets could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AssetError {
    /// An existing file differs from the embedded asset and
    /// [`Overwrite::Never`] was in force. Nothing was written.
    #[error("refusing to overwrite `{path}`: it differs from the embedded asset")]
    Conflict {
        /// The existing file.
        path: PathBuf,
    },
    /// A path that should be a file (or its directory) is something else.
    #[error("`{path}` is in the way: expected a regular file or directory")]
    NotAFile {
        /// The offending path.
        path: PathBuf,
    },
    /// A directory could not be created.
    #[error("cannot create directory `{path}`")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// An existing file could not be read for comparison.
    #[error("cannot read `{path}`")]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A file could not be written.
    #[error("cannot write `{path}`")]
    Write {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

/// Writes every asset under `dir` (created if missing), keeping the
/// repository layout (`dir/dashboards/…`, `dir/alerts/…`, `dir/deploy/…`),
/// so the compose file's relative mounts work from `dir/deploy`.
///
/// Refuses, before writing anything, if an existing file differs from its
/// embedded asset: see [`write_to_with`] to overwrite. Returns the path of
/// every asset, each now holding the embedded contents.
///
/// # Errors
/// [`AssetError::Conflict`] for a differing existing file; the other
/// variants for I/O failures, each naming the path.
pub fn write_to(dir: &Path) -> Result<Vec<PathBuf>, AssetError> {
    write_to_with(dir, Overwrite::Never)
}

/// [`write_to`] with an explicit policy for existing files that differ.
///
/// # Errors
/// As [`write_to`]; [`AssetError::Conflict`] only with [`Overwrite::Never`].
pub fn write_to_with(dir: &Path, overwrite: Overwrite) -> Result<Vec<PathBuf>, AssetError> {
    // Decide for every file first, so a conflict leaves the directory untouched.
    let mut plan = Vec::with_capacity(ALL.len());
    for asset in ALL {
        let path = asset
            .path
            .split('/')
            .fold(dir.to_path_buf(), |p, part| p.join(part));
        let needs_write = match fs::read(&path) {
            Ok(existing) if existing == asset.contents.as_bytes() => false,
            Ok(_) if overwrite == Overwrite::Always => true,
            Ok(_) => return Err(AssetError::Conflict { path }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => true,
            Err(_) if path.is_dir() => return Err(AssetError::NotAFile { path }),
            Err(source) => return Err(AssetError::Read { path, source }),
        };
        plan.push((path, asset.contents, needs_write));
    }
    let mut written = Vec::with_capacity(plan.len());
    for (path, contents, needs_write) in plan {
        if needs_write {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|source| {
                    if parent.exists() && !parent.is_dir() {
                        AssetError::NotAFile {
                            path: parent.to_path_buf(),
                        }
                    } else {
                        AssetError::CreateDir {
                            path: parent.to_path_buf(),
                            source,
                        }
                    }
                })?;
            }
            fs::write(&path, contents).map_err(|source| AssetError::Write {
                path: path.clone(),
                source,
            })?;
        }
        written.push(path);
    }
    Ok(written)
}

/// Runbooks for the alerts in `alerts/velocitytrader.rules.yml`: the file
/// `alerts/runbooks/velocitytrader.md`, shown here. Each alert's
/// `runbook_url` points at its section (anchor: the alert name in lower case).
///
#[doc = include_str!("../alerts/runbooks/velocitytrader.md")]
#[allow(
    clippy::doc_markdown,
    reason = "the runbook is a Markdown file for people; alert names are headings"
)]
pub mod runbooks {}
