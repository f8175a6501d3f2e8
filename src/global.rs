//! The process-wide default [`Telemetry`] and free functions over it, in the
//! style of the `metrics` macros: `velocity_metrics::record_trade(&trade)`.
//!
//! The default is created by [`ExporterBuilder::install`], by [`set_global`],
//! or — if a free function runs first — on that first use. With the
//! `exporter` feature, a default created on first use records into a
//! Prometheus recorder of its own, which a later `install` serves as it is:
//! nothing recorded before `install` is lost (see `install` for the one case
//! it refuses, loudly, naming the first call).
//!
//! [`ExporterBuilder::install`]: crate::exporter::ExporterBuilder::install

use std::panic::Location;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use crate::error::{AlreadyInstalled, RecordError};
use crate::model::{Agent, Regime, Severity, Symbol, Timeframe, Trade};
use crate::recorders::{PhysicsReading, RlSnapshot};
use crate::telemetry::{Telemetry, lock};

mod advanced;
pub use advanced::*;

/// Lock-free read path of the free functions; set once, under [`STATE`].
static DEFAULT: OnceLock<Telemetry> = OnceLock::new();

/// Who created the process-wide telemetry, and where.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(
    not(feature = "exporter"),
    allow(dead_code, reason = "read by ExporterBuilder::install")
)]
pub(crate) enum Origin {
    /// A free function, before any `install`.
    FirstUse(&'static Location<'static>),
    /// [`set_global`].
    SetGlobal(&'static Location<'static>),
    /// `ExporterBuilder::install`.
    Install(&'static Location<'static>),
}

/// Everything about the process-wide default, changed only under one lock.
pub(crate) struct ProcessState {
    pub(crate) origin: Option<Origin>,
    /// The endpoint the default records into (created with it), if ours.
    #[cfg(feature = "exporter")]
    pub(crate) endpoint: Option<std::sync::Arc<crate::exporter::Endpoint>>,
    /// The configuration the default and its endpoint were built with.
    #[cfg(feature = "exporter")]
    pub(crate) shape: Option<crate::exporter::RecorderShape>,
    /// Whether our endpoint's recorder is the process-wide `metrics` recorder.
    #[cfg_attr(not(feature = "exporter"), allow(dead_code, reason = "set by install"))]
    pub(crate) global_recorder_ours: bool,
}

static STATE: Mutex<ProcessState> = Mutex::new(ProcessState {
    origin: None,
    #[cfg(feature = "exporter")]
    endpoint: None,
    #[cfg(feature = "exporter")]
    shape: None,
    global_recorder_ours: false,
});

pub(crate) fn lock_state() -> MutexGuard<'static, ProcessState> {
    lock(&STATE)
}

/// Makes `telemetry` the default. The caller holds the state lock and has
/// checked that no default exists.
pub(crate) fn set_default(state: &mut ProcessState, telemetry: Telemetry, origin: Origin) {
    if DEFAULT.set(telemetry).is_ok() {
        state.origin = Some(origin);
    }
}

/// The default, if one was created.
#[cfg_attr(
    not(feature = "exporter"),
    allow(dead_code, reason = "read by install")
)]
pub(crate) fn default_if_set() -> Option<&'static Telemetry> {
    DEFAULT.get()
}

/// The process-wide telemetry, created on first use if neither
/// `ExporterBuilder::install` nor [`set_global`] ran before.
#[track_caller]
pub fn global() -> &'static Telemetry {
    match DEFAULT.get() {
        Some(telemetry) => telemetry,
        None => create_on_first_use(Location::caller()),
    }
}

#[cold]
fn create_on_first_use(caller: &'static Location<'static>) -> &'static Telemetry {
    let mut state = lock_state();
    if let Some(telemetry) = DEFAULT.get() {
        return telemetry;
    }
    #[cfg(feature = "exporter")]
    let telemetry = {
        let builder = crate::exporter::ExporterBuilder::new();
        let own = builder.endpoint().ok().and_then(|endpoint| {
            let telemetry = endpoint.attach(builder.telemetry_builder()).ok()?;
            Some((telemetry, endpoint))
        });
        match own {
            Some((telemetry, endpoint)) => {
                state.endpoint = Some(endpoint);
                state.shape = Some(builder.shape());
                telemetry
            }
            None => Telemetry::builder().build(),
        }
    };
    #[cfg(not(feature = "exporter"))]
    let telemetry = Telemetry::builder().build();
    set_default(&mut state, telemetry, Origin::FirstUse(caller));
    DEFAULT.get().unwrap_or_else(|| unreachable_default())
}

/// `DEFAULT` is set under the lock just before every call site.
#[cold]
fn unreachable_default() -> &'static Telemetry {
    static FALLBACK: OnceLock<Telemetry> = OnceLock::new();
    FALLBACK.get_or_init(|| Telemetry::builder().build())
}

/// Makes `telemetry` the process-wide default used by the free functions —
/// e.g. an exporter's from [`ExporterBuilder::build`](crate::exporter::ExporterBuilder::build)
/// when another `metrics` recorder is installed.
///
/// # Errors
/// [`AlreadyInstalled`] if a default exists already (set earlier, created by
/// `install`, or by a free function call).
#[track_caller]
pub fn set_global(telemetry: Telemetry) -> Result<(), AlreadyInstalled> {
    let caller = Location::caller();
    let mut state = lock_state();
    if DEFAULT.get().is_some() {
        return Err(AlreadyInstalled);
    }
    set_default(&mut state, telemetry, Origin::SetGlobal(caller));
    Ok(())
}

/// [`Telemetry::record_trade`] on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_trade`].
#[track_caller]
pub fn record_trade(trade: &Trade) -> Result<(), RecordError> {
    global().record_trade(trade)
}

/// [`Telemetry::record_equity`] on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_equity`].
#[track_caller]
pub fn record_equity(balance: f64, equity: f64, at: f64) -> Result<(), RecordError> {
    global().record_equity(balance, equity, at)
}

/// [`Telemetry::record_equity_now`] on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_equity_now`].
#[track_caller]
pub fn record_equity_now(balance: f64, equity: f64) -> Result<(), RecordError> {
    global().record_equity_now(balance, equity)
}

/// [`Telemetry::set_risk_exposure`] on the default telemetry.
///
/// # Errors
/// See [`Telemetry::set_risk_exposure`].
#[track_caller]
pub fn set_risk_exposure(percent_of_equity: f64) -> Result<(), RecordError> {
    global().set_risk_exposure(percent_of_equity)
}

/// [`Telemetry::record_regime`] on the default telemetry.
#[track_caller]
pub fn record_regime(symbol: Symbol, timeframe: Timeframe, regime: Regime) {
    global().record_regime(symbol, timeframe, regime);
}

/// [`Telemetry::record_physics`] on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_physics`].
#[track_caller]
pub fn record_physics(
    symbol: Symbol,
    timeframe: Timeframe,
    reading: &PhysicsReading,
) -> Result<(), RecordError> {
    global().record_physics(symbol, timeframe, reading)
}

/// [`Telemetry::record_quote`] on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_quote`].
#[track_caller]
pub fn record_quote(symbol: Symbol, bid: f64, ask: f64) -> Result<(), RecordError> {
    global().record_quote(symbol, bid, ask)
}

/// [`Telemetry::record_signal`] on the default telemetry.
#[track_caller]
pub fn record_signal(agent: Agent) {
    global().record_signal(agent);
}

/// [`Telemetry::set_active_positions`] on the default telemetry.
#[track_caller]
pub fn set_active_positions(agent: Agent, open_positions: u64) {
    global().set_active_positions(agent, open_positions);
}

/// [`Telemetry::record_rl`] on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_rl`].
#[track_caller]
pub fn record_rl(agent: Agent, snapshot: &RlSnapshot) -> Result<(), RecordError> {
    global().record_rl(agent, snapshot)
}

/// [`Telemetry::add_rl_experiences`] on the default telemetry.
#[track_caller]
pub fn add_rl_experiences(agent: Agent, experiences: u64) {
    global().add_rl_experiences(agent, experiences);
}

/// [`Telemetry::add_rl_episodes`] on the default telemetry.
#[track_caller]
pub fn add_rl_episodes(agent: Agent, episodes: u64) {
    global().add_rl_episodes(agent, episodes);
}

/// [`Telemetry::set_system_status`] on the default telemetry.
#[track_caller]
pub fn set_system_status(running: bool) {
    global().set_system_status(running);
}

/// [`Telemetry::set_mt5_connected`] on the default telemetry.
#[track_caller]
pub fn set_mt5_connected(connected: bool) {
    global().set_mt5_connected(connected);
}

/// [`Telemetry::add_ticks`] on the default telemetry.
#[track_caller]
pub fn add_ticks(ticks: u64) {
    global().add_ticks(ticks);
}

/// [`Telemetry::record_error`] on the default telemetry.
#[track_caller]
pub fn record_error(severity: Severity) {
    global().record_error(severity);
}

/// [`Telemetry::set_active_symbols`] on the default telemetry.
#[track_caller]
pub fn set_active_symbols(symbols: u64) {
    global().set_active_symbols(symbols);
}

/// [`Telemetry::set_websocket_clients`] on the default telemetry.
#[track_caller]
pub fn set_websocket_clients(clients: u64) {
    global().set_websocket_clients(clients);
}

/// [`Telemetry::record_db_query`] on the default telemetry.
#[track_caller]
pub fn record_db_query(latency: Duration) {
    global().record_db_query(latency);
}

/// [`Telemetry::publish`] on the default telemetry (an installed exporter
/// does this on every scrape).
#[track_caller]
pub fn publish() {
    global().publish();
}

/// Publishes the process-wide telemetry, then renders the exposition of the
/// endpoint it records into — the installed exporter's, or, before
/// [`install`](crate::exporter::ExporterBuilder::install), the one it was
/// created with on first use (which `install` then serves) — exactly as a
/// scrape would see it. `None` when the default was made with
/// [`set_global`]: render that telemetry's own recorder instead.
///
/// ```
/// velocity_metrics::set_mt5_connected(true);
/// let text = velocity_metrics::render().expect("created on first use");
/// assert!(text.contains("velocitytrader_mt5_connection 1"));
/// ```
#[cfg(feature = "exporter")]
#[cfg_attr(docsrs, doc(cfg(feature = "exporter")))]
#[track_caller]
#[must_use]
pub fn render() -> Option<String> {
    let _ = global();
    let endpoint = lock_state().endpoint.clone()?;
    Some(endpoint.render())
}
