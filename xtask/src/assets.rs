//! All the assets, generated.

use crate::defs;
use crate::files::File;

/// Every generated asset, in a stable order.
#[must_use]
pub fn generate() -> Vec<File> {
    let mut files = Vec::new();
    for dashboard in defs::dashboards::all() {
        let mut text = serde_json::to_string_pretty(&dashboard.json()).expect("JSON");
        text.push('\n');
        files.push(File::new(dashboard.path(), text));
    }
    files
}
