//! `ExporterBuilder::install`: the process-wide endpoint, its recorder as
//! the `metrics` recorder, its telemetry as the free functions' default.

use std::panic::Location;
use std::sync::OnceLock;

use super::{Exporter, ExporterBuilder, ExporterError};
use crate::global::{self, Origin};

/// The installed exporter; a static is never dropped, so it serves until
/// [`Exporter::shutdown`].
static INSTALLED: OnceLock<Exporter> = OnceLock::new();

/// Installs `builder`. Every check that can fail runs before anything with
/// an effect outside this call (binding, the global recorder, the default).
pub(crate) fn install(
    builder: &ExporterBuilder,
    caller: &'static Location<'static>,
) -> Result<&'static Exporter, ExporterError> {
    let mut state = global::lock_state();
    if let Some(existing) = INSTALLED.get() {
        let at = existing.installed_at.unwrap_or(caller);
        return Err(if existing.is_running() {
            ExporterError::AlreadyInstalled { at }
        } else {
            ExporterError::InstalledShutDown { at }
        });
    }
    let shape = builder.shape();
    let (endpoint, telemetry, adopted) = match (state.origin, global::default_if_set()) {
        (Some(Origin::FirstUse(at) | Origin::Install(at)), Some(existing)) => {
            let endpoint = state
                .endpoint
                .clone()
                .filter(|_| state.shape.as_ref() == Some(&shape));
            let Some(endpoint) = endpoint else {
                return Err(ExporterError::DefaultCreatedEarly {
                    first_use: at,
                    why: "with the default configuration, which this builder changes (global labels, buckets or telemetry settings)",
                });
            };
            (endpoint, existing.clone(), true)
        }
        (Some(Origin::SetGlobal(at)), _) => {
            return Err(ExporterError::DefaultCreatedEarly {
                first_use: at,
                why: "by set_global(), with a telemetry this exporter does not serve",
            });
        }
        _ => {
            let endpoint = builder.endpoint()?;
            let telemetry = endpoint.attach(builder.telemetry_builder())?;
            (endpoint, telemetry, false)
        }
    };
    let listener = builder.bind()?;
    if !state.global_recorder_ours {
        metrics::set_global_recorder(endpoint.recorder.clone())
            .map_err(|_| ExporterError::GlobalRecorderTaken)?;
        state.global_recorder_ours = true;
    }
    if !adopted {
        state.endpoint = Some(endpoint.clone());
        state.shape = Some(shape);
        global::set_default(&mut state, telemetry.clone(), Origin::Install(caller));
    }
    let exporter = builder.start(endpoint, telemetry, Some(listener), Some(caller))?;
    if INSTALLED.set(exporter).is_err() {
        return Err(ExporterError::AlreadyInstalled { at: caller });
    }
    INSTALLED
        .get()
        .ok_or(ExporterError::AlreadyInstalled { at: caller })
}
