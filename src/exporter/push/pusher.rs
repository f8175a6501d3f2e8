//! [`Pusher`]: what a batch run's threads share — the exporter, the
//! destinations, the transport — and the requests it makes: push, delete,
//! import.

use std::sync::{Arc, Mutex};

use hyper::Method;

use super::grouping::check_grouping;
use super::import::Timeline;
use super::transport::{Connection, Transport};
use super::{ImportTarget, PushError, PushReport, PushTarget};
use crate::exporter::Exporter;
use crate::telemetry::lock;

/// The import destination and its pending samples.
pub(super) struct Import {
    pub(super) target: ImportTarget,
    pub(super) connection: Connection,
    /// Whether the import adds `mode="backtest"` (the identity has no mode).
    pub(super) add_mode: bool,
}

/// Everything the run's threads share.
pub(super) struct Pusher {
    pub(super) exporter: Arc<Exporter>,
    pub(super) push: Option<(PushTarget, Connection)>,
    pub(super) import: Option<Import>,
    pub(super) transport: Transport,
    /// Serialises requests, so pushes land in order.
    pub(super) sending: Mutex<()>,
    pub(super) report: Mutex<PushReport>,
    pub(super) timeline: Mutex<Timeline>,
}

impl Pusher {
    /// Counts one request's outcome.
    fn account(
        &self,
        result: Result<(), PushError>,
        success: impl FnOnce(&mut PushReport),
    ) -> Result<(), PushError> {
        let mut report = lock(&self.report);
        match result {
            Ok(()) => {
                success(&mut report);
                Ok(())
            }
            Err(error) => {
                report.failures += 1;
                self.exporter.telemetry().count_push_failure(error.reason());
                Err(error)
            }
        }
    }

    /// Publishes, renders (off the async thread), checks the grouping and
    /// pushes; without a Pushgateway, nothing.
    pub(super) fn push(&self) -> Result<(), PushError> {
        let Some((target, connection)) = &self.push else {
            return Ok(());
        };
        let _sending = lock(&self.sending);
        let exporter = Arc::clone(&self.exporter);
        let grouping = target.grouping_labels().to_vec();
        let result = self
            .transport
            .send(connection, Method::PUT, &target.group_url(), move || {
                let text = exporter.render();
                check_grouping(&text, &grouping)?;
                Ok(text)
            });
        self.account(result, |r| r.pushes += 1)
    }

    /// Deletes the group.
    pub(super) fn delete(&self) -> Result<(), PushError> {
        let Some((target, connection)) = &self.push else {
            return Ok(());
        };
        let _sending = lock(&self.sending);
        let result = self
            .transport
            .send(connection, Method::DELETE, &target.group_url(), || {
                Ok(String::new())
            });
        self.account(result, |r| r.deleted = true)
    }

    /// Sends stamped samples to the store.
    pub(super) fn import(&self, text: String, samples: u64) -> Result<(), PushError> {
        let Some(import) = &self.import else {
            return Ok(());
        };
        if samples == 0 {
            return Ok(());
        }
        let _sending = lock(&self.sending);
        let url = import.target.import_url(import.add_mode);
        let result = self
            .transport
            .send(&import.connection, Method::POST, &url, move || Ok(text));
        self.account(result, |r| {
            r.imports += 1;
            r.imported_samples += samples;
        })
    }

    /// Sends every pending stamped sample.
    pub(super) fn flush(&self) -> Result<(), PushError> {
        let (text, samples) = lock(&self.timeline).take();
        self.import(text, samples)
    }
}
