//! Every generated file, and writing or checking them against the
//! repository.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// One generated file: its path relative to the repository root and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// `/`-separated path from the repository root.
    pub path: String,
    /// The whole file.
    pub contents: String,
}

impl File {
    /// A file at `path` holding `contents`.
    #[must_use]
    pub fn new(path: impl Into<String>, contents: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            contents: contents.into(),
        }
    }

    fn on_disk(&self, root: &Path) -> PathBuf {
        self.path
            .split('/')
            .fold(root.to_path_buf(), |p, part| p.join(part))
    }
}

/// The repository root (the parent of this crate).
///
/// # Panics
/// Never: this crate lives in the repository.
#[must_use]
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf()
}

/// Writes every file under `root` whose contents differ; returns the paths written.
///
/// # Errors
/// The first I/O error, with the path it happened at.
pub fn write(root: &Path, files: &[File]) -> Result<Vec<String>, (String, io::Error)> {
    let mut written = Vec::new();
    for f in files {
        let path = f.on_disk(root);
        if fs::read_to_string(&path).is_ok_and(|old| old == f.contents) {
            continue;
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| (f.path.clone(), e))?;
        }
        fs::write(&path, &f.contents).map_err(|e| (f.path.clone(), e))?;
        written.push(f.path.clone());
    }
    Ok(written)
}

/// The generated files whose committed copy under `root` differs or is
/// missing: (path, first differing line number, or 0 when missing).
#[must_use]
pub fn stale(root: &Path, files: &[File]) -> Vec<(String, usize)> {
    files
        .iter()
        .filter_map(|f| match fs::read_to_string(f.on_disk(root)) {
            Ok(old) if old == f.contents => None,
            Ok(old) => {
                let line = old
                    .lines()
                    .zip(f.contents.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| old.lines().count().min(f.contents.lines().count()));
                Some((f.path.clone(), line + 1))
            }
            Err(_) => Some((f.path.clone(), 0)),
        })
        .collect()
}
