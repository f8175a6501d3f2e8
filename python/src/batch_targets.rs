//! Where a batch run sends: `PushTarget` (a Pushgateway: the run's final
//! state) and `ImportTarget` (VictoriaMetrics: its whole curve at its
//! simulated times), with credentials read from files and extra CAs.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use velocity_metrics::exporter::{Auth, ImportTarget, PushTarget};

use crate::convert::{self, seconds};
use crate::errors::{self, guarded};

/// `target` with a checked `Connection`'s credentials, CA file and timeout
/// (the two target types have the same methods, not a shared trait).
macro_rules! connect {
    ($target:expr, $connection:expr) => {{
        let mut target = $target;
        let connection: Connection = $connection;
        if let Some(auth) = connection.auth {
            target = target.auth(auth);
        }
        if let Some(ca) = &connection.ca_file {
            target = target.ca_file(ca).map_err(|e| errors::push(&e))?;
        }
        if let Some(timeout) = connection.timeout {
            target = target.timeout(timeout);
        }
        target
    }};
}

/// A Pushgateway that holds a run's final state.
///
/// `url` is `http://` or `https://` with host, port and path prefix;
/// `grouping` the labels that make the group run-scoped (group by the run's
/// `run_id`); `job` the group's job (default `velocitytrader_backtest`);
/// `every` pushes the state periodically (seconds) besides the final push;
/// `delete_on_finish` deletes the group after it. Credentials come from
/// files: `user` with `password_file` (basic auth) or `bearer_token_file`;
/// `ca_file` trusts a private CA besides the system's; `timeout` bounds each
/// request (seconds, default 5). Raises `PushConfigError` for a URL without
/// a scheme, a reserved or invalid grouping label, an unreadable secret or
/// CA file.
#[pyclass(name = "PushTarget", module = "velocity_metrics", frozen)]
pub(crate) struct PyPushTarget(pub(crate) PushTarget);

#[pymethods]
impl PyPushTarget {
    #[new]
    #[pyo3(signature = (url, *, grouping=None, job=None, every=None, delete_on_finish=false, user=None, password_file=None, bearer_token_file=None, ca_file=None, timeout=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        url: &str,
        grouping: Option<&Bound<'_, PyDict>>,
        job: Option<&str>,
        every: Option<f64>,
        delete_on_finish: bool,
        user: Option<&str>,
        password_file: Option<PathBuf>,
        bearer_token_file: Option<PathBuf>,
        ca_file: Option<PathBuf>,
        timeout: Option<f64>,
    ) -> PyResult<Self> {
        guarded(|| {
            let push = |e| errors::push(&e);
            let mut target = PushTarget::new(url).map_err(push)?;
            if let Some(job) = job {
                target = target.job(job).map_err(push)?;
            }
            for (name, value) in grouping.iter().flat_map(|labels| labels.iter()) {
                target = target
                    .grouping(
                        &convert::text(&name, "grouping label name")?,
                        &convert::text(&value, "grouping label value")?,
                    )
                    .map_err(push)?;
            }
            if let Some(every) = every {
                target = target.every(seconds("every", every)?);
            }
            target = target.delete_on_finish(delete_on_finish);
            let connection =
                Connection::new(user, password_file, bearer_token_file, ca_file, timeout)?;
            Ok(Self(connect!(target, connection)))
        })
    }

    /// Shows the target without its secrets.
    fn __repr__(&self) -> String {
        format!("<velocity_metrics.{:?}>", self.0)
    }
}

/// VictoriaMetrics (single node, or a cluster's vminsert URL with its path)
/// that receives a run's whole curve: every checkpoint's state stamped with
/// its simulated time, tagged `run_id`, `instance` (the run id), `job`
/// (default `velocitytrader_backtest`) and the identity labels. Credentials,
/// CA and timeout as for `PushTarget`. Raises `PushConfigError`.
#[pyclass(name = "ImportTarget", module = "velocity_metrics", frozen)]
pub(crate) struct PyImportTarget(pub(crate) ImportTarget);

#[pymethods]
impl PyImportTarget {
    #[new]
    #[pyo3(signature = (url, run_id, *, job=None, user=None, password_file=None, bearer_token_file=None, ca_file=None, timeout=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        url: &str,
        run_id: &str,
        job: Option<&str>,
        user: Option<&str>,
        password_file: Option<PathBuf>,
        bearer_token_file: Option<PathBuf>,
        ca_file: Option<PathBuf>,
        timeout: Option<f64>,
    ) -> PyResult<Self> {
        guarded(|| {
            let push = |e| errors::push(&e);
            let mut target = ImportTarget::new(url, run_id).map_err(push)?;
            if let Some(job) = job {
                target = target.job(job).map_err(push)?;
            }
            let connection =
                Connection::new(user, password_file, bearer_token_file, ca_file, timeout)?;
            Ok(Self(connect!(target, connection)))
        })
    }

    /// The run id the imported series are tagged with.
    #[getter]
    fn run_id(&self) -> &str {
        self.0.run_id()
    }

    /// Shows the target without its secrets.
    fn __repr__(&self) -> String {
        format!("<velocity_metrics.{:?}>", self.0)
    }
}

/// How to reach a destination, checked: credentials read from their files
/// now (a missing file fails here, not at the end of a backtest).
struct Connection {
    auth: Option<Auth>,
    ca_file: Option<PathBuf>,
    timeout: Option<std::time::Duration>,
}

impl Connection {
    fn new(
        user: Option<&str>,
        password_file: Option<PathBuf>,
        bearer_token_file: Option<PathBuf>,
        ca_file: Option<PathBuf>,
        timeout: Option<f64>,
    ) -> PyResult<Self> {
        let push = |e| errors::push(&e);
        let auth = match (user, password_file, bearer_token_file) {
            (Some(user), Some(path), None) => Some(Auth::password_file(user, path).map_err(push)?),
            (None, None, Some(path)) => Some(Auth::bearer_token_file(path).map_err(push)?),
            (None, None, None) => None,
            (_, _, Some(_)) => {
                return Err(errors::push_config(
                    "give bearer_token_file or user with password_file, not both".to_owned(),
                    "credentials",
                ));
            }
            (Some(user), None, None) => {
                return Err(errors::push_config(
                    format!(
                        "user {user:?} needs password_file, the file that holds the password (secrets come from files)"
                    ),
                    "credentials",
                ));
            }
            (None, Some(path), None) => {
                return Err(errors::push_config(
                    format!("password_file {} needs user", path.display()),
                    "credentials",
                ));
            }
        };
        let timeout = timeout.map(|t| seconds("timeout", t)).transpose()?;
        Ok(Self {
            auth,
            ca_file,
            timeout,
        })
    }
}
