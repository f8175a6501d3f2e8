//! How a value looks: Grafana unit, decimals, range and colours. Units follow
//! the catalogue's [`Unit`]; colours have one meaning on every dashboard
//! (README, "Colours mean the same…"; `tests/assets_colours.rs`).

use serde_json::{Value as Json, json};
use velocity_metrics::catalogue::{self as c, MetricDef, Unit};

use crate::promql::Record;

/// `x` as JSON, without a fraction when it has none (`15`, not `15.0`).
#[must_use]
pub fn number(x: f64) -> Json {
    #[allow(
        clippy::cast_possible_truncation,
        reason = "only whole numbers well inside i64"
    )]
    if x.fract() == 0.0 && x.abs() < 1e15 {
        Json::from(x as i64)
    } else {
        Json::from(x)
    }
}

/// Threshold steps: the base colour, then `(colour, from)` upwards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Colours(pub &'static [(&'static str, f64)], pub &'static str);

impl Colours {
    /// The steps as Grafana writes them.
    #[must_use]
    pub fn json(&self) -> Json {
        let mut steps = vec![json!({"color": self.1, "value": null})];
        steps.extend(
            self.0
                .iter()
                .map(|(c, v)| json!({"color": c, "value": number(*v)})),
        );
        json!({"mode": "absolute", "steps": steps})
    }
}

/// The colour schemes, one per meaning.
pub mod colours {
    use super::Colours;

    /// One colour for every value.
    #[must_use]
    pub const fn plain(colour: &'static str) -> Colours {
        Colours(&[], colour)
    }

    /// P&L: red below 0.
    pub const PNL: Colours = Colours(&[("green", 0.0)], "red");
    /// Win rate: red below 40 %, green from 55 %.
    pub const WIN_RATE: Colours = Colours(&[("orange", 40.0), ("green", 55.0)], "red");
    /// Profit factor: red below 1, green from 1.5.
    pub const PROFIT_FACTOR: Colours = Colours(&[("orange", 1.0), ("green", 1.5)], "red");
    /// Drawdown: orange from 15 %, red from 25 % (the alerts' levels).
    pub const DRAWDOWN: Colours = Colours(&[("orange", 15.0), ("red", 25.0)], "green");
    /// Damping ratio ζ: underdamped orange, critical green, overdamped blue.
    pub const ZETA: Colours = Colours(&[("green", 0.95), ("blue", 1.05)], "orange");
    /// Use of a limit (daily loss, risk budget): orange from 80 %, red from 100 %.
    pub const LIMIT_USE: Colours = Colours(&[("orange", 80.0), ("red", 100.0)], "green");
    /// Risk-adjusted return ratios: red below 0, green from 1.
    pub const RETURN_RATIO: Colours = Colours(&[("orange", 0.0), ("green", 1.0)], "red");
    /// Counts of trouble: red from one.
    pub const ANY_IS_BAD: Colours = Colours(&[("red", 1.0)], "green");
}

pub use colours::plain;
use colours::{DRAWDOWN, LIMIT_USE, PNL, PROFIT_FACTOR, RETURN_RATIO, WIN_RATE, ZETA};

/// Series coloured by value, by what they mean.
const FAMILIES: &[(Colours, &[&str])] = &[
    (
        PNL,
        &[
            c::PNL_TOTAL.name,
            c::AGENT_PNL_TOTAL.name,
            c::SYMBOL_PNL.name,
            c::REGIME_PNL.name,
            c::TIMEFRAME_PNL.name,
            c::AVG_TRADE_PNL.name,
            c::DAILY_PNL.name,
        ],
    ),
    (
        WIN_RATE,
        &[
            c::WIN_RATE.name,
            c::AGENT_WIN_RATE.name,
            c::SYMBOL_WIN_RATE.name,
            c::REGIME_WIN_RATE.name,
            c::TIMEFRAME_WIN_RATE.name,
            "velocitytrader:win_rate_1h:percent",
            "velocitytrader:win_rate_24h:percent",
            "velocitytrader:agent_win_rate_1h:percent",
            "velocitytrader:agent_win_rate_24h:percent",
        ],
    ),
    (
        PROFIT_FACTOR,
        &[
            c::PROFIT_FACTOR.name,
            "velocitytrader:agent_profit_factor:ratio",
            "velocitytrader:symbol_profit_factor:ratio",
            "velocitytrader:regime_profit_factor:ratio",
            "velocitytrader:timeframe_profit_factor:ratio",
        ],
    ),
    (DRAWDOWN, &[c::CURRENT_DRAWDOWN.name, c::MAX_DRAWDOWN.name]),
    (ZETA, &[c::PHYSICS_DAMPING_RATIO.name]),
    (
        LIMIT_USE,
        &[
            c::DAILY_LOSS_LIMIT_USED.name,
            c::RISK_BUDGET_UTILIZATION.name,
        ],
    ),
    (
        RETURN_RATIO,
        &[
            c::SHARPE_RATIO.name,
            c::SORTINO_RATIO.name,
            c::CALMAR_RATIO.name,
        ],
    ),
];

/// The colours a series' meaning gives it, if it is coloured by value.
#[must_use]
pub fn family(series: &str) -> Option<Colours> {
    FAMILIES
        .iter()
        .find(|(_, names)| names.contains(&series))
        .map(|(c, _)| *c)
}

/// Unit, decimals, range and colours of a panel or table column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Grafana unit id.
    pub unit: &'static str,
    /// Decimals shown; `None` lets Grafana choose.
    pub decimals: Option<u8>,
    /// Axis or gauge minimum.
    pub min: Option<f64>,
    /// Axis or gauge maximum.
    pub max: Option<f64>,
    /// Colours by value; `None` for the panel kind's base colour.
    pub colours: Option<Colours>,
}

impl Style {
    /// A unit and its decimals.
    #[must_use]
    pub const fn new(unit: &'static str, decimals: Option<u8>) -> Self {
        Self {
            unit,
            decimals,
            min: None,
            max: None,
            colours: None,
        }
    }

    /// How a catalogue unit is shown.
    #[must_use]
    pub const fn of_unit(unit: Unit) -> Self {
        let (unit, decimals) = match unit {
            Unit::Count | Unit::Volume => ("short", Some(0)),
            Unit::Currency => ("short", Some(2)),
            Unit::Percent => ("percent", Some(1)),
            Unit::Fraction => ("percentunit", Some(1)),
            Unit::Ratio | Unit::Lots => ("none", Some(2)),
            Unit::Seconds | Unit::Timestamp => ("s", Some(0)),
            Unit::Milliseconds => ("ms", Some(1)),
            Unit::Bytes => ("bytes", Some(1)),
            Unit::RadiansPerSecond => ("rotrads", None),
            Unit::Boolean | Unit::Code | Unit::Score => ("none", Some(0)),
            Unit::Price
            | Unit::PricePerSecond
            | Unit::Energy
            | Unit::Reward
            | Unit::EngineUnits => ("none", None),
        };
        Self::new(unit, decimals)
    }

    /// How a catalogue series is shown: its unit, and its colours if its
    /// meaning has them.
    #[must_use]
    pub fn of_metric(def: &MetricDef) -> Self {
        Self {
            colours: family(def.name),
            ..Self::of_unit(def.unit)
        }
    }

    /// How a recorded series is shown.
    #[must_use]
    pub fn of_record(record: &Record) -> Self {
        Self {
            colours: family(record.name),
            ..Self::of_unit(record.unit)
        }
    }

    /// With these decimals.
    #[must_use]
    pub const fn decimals(self, decimals: u8) -> Self {
        Self {
            decimals: Some(decimals),
            ..self
        }
    }

    /// With this unit.
    #[must_use]
    pub const fn unit(self, unit: &'static str) -> Self {
        Self { unit, ..self }
    }

    /// With these colours.
    #[must_use]
    pub const fn colours(self, colours: Colours) -> Self {
        Self {
            colours: Some(colours),
            ..self
        }
    }
}

/// Counts (trades, orders …): whole numbers.
pub const COUNT: Style = Style::new("short", Some(0));
/// Events per second, minute or hour.
pub const PER_TIME: Style = Style::new("short", Some(1));
/// Account currency.
pub const MONEY: Style = Style::new("short", Some(2));
/// Percent 0–100.
pub const PERCENT: Style = Style::new("percent", Some(1));
/// Fractions shown as percent.
pub const FRACTION: Style = Style::new("percentunit", Some(1));
/// Dimensionless ratios.
pub const RATIO: Style = Style::new("none", Some(2));
/// Durations in seconds.
pub const SECONDS: Style = Style::new("s", None);
/// Moments, from milliseconds since the epoch (a `_timestamp_seconds`
/// series times 1000), as ISO date and time.
pub const DATE: Style = Style::new("dateTimeAsIso", None);

/// A Grafana value mapping: value → (text, colour).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueMap(pub &'static [(&'static str, &'static str, &'static str)]);

impl ValueMap {
    /// The mapping as Grafana writes it.
    #[must_use]
    pub fn json(&self) -> Json {
        let mut options = serde_json::Map::new();
        for (i, (value, text, colour)) in self.0.iter().enumerate() {
            options.insert(
                (*value).to_owned(),
                json!({"text": text, "color": colour, "index": i}),
            );
        }
        json!([{"type": "value", "options": options}])
    }
}

/// Regime codes, in the regime colours.
pub const REGIMES: ValueMap = ValueMap(&[
    ("1", "CHAOTIC", "red"),
    ("2", "UNDERDAMPED", "orange"),
    ("3", "CRITICALLY_DAMPED", "green"),
    ("4", "OVERDAMPED", "blue"),
]);
/// Regime names as series names, in the regime colours.
pub const REGIME_SERIES: &[(&str, &str)] = &[
    ("CHAOTIC", "red"),
    ("UNDERDAMPED", "orange"),
    ("CRITICALLY_DAMPED", "green"),
    ("OVERDAMPED", "blue"),
];
/// Risk decisions as series names, in the decision colours.
pub const DECISION_SERIES: &[(&str, &str)] = &[
    ("approve", "green"),
    ("reduce_size", "yellow"),
    ("reject", "orange"),
    ("halt", "red"),
];
/// Order outcomes as series names.
pub const ORDER_SERIES: &[(&str, &str)] = &[
    ("submitted", "blue"),
    ("filled", "green"),
    ("partially filled", "yellow"),
    ("cancelled", "purple"),
    ("rejected", "red"),
];

/// Scrape target: red when down, green when up.
pub const TARGET_UP: ValueMap = ValueMap(&[("0", "DOWN", "red"), ("1", "UP", "green")]);
/// A fleet table's target column.
pub const TARGET_UP_LOWER: ValueMap = ValueMap(&[("0", "down", "red"), ("1", "up", "green")]);
/// The trading loop.
pub const LOOP: ValueMap = ValueMap(&[("0", "STOPPED", "red"), ("1", "RUNNING", "green")]);
/// The MT5 link.
pub const LINK: ValueMap = ValueMap(&[("0", "DISCONNECTED", "red"), ("1", "CONNECTED", "green")]);
/// The breaker: green when armed, red when tripped.
pub const BREAKER: ValueMap = ValueMap(&[("0", "ARMED", "green"), ("1", "TRIPPED", "red")]);
/// Trading: green when allowed, red when halted.
pub const HALT: ValueMap = ValueMap(&[("0", "TRADING", "green"), ("1", "HALTED", "red")]);
/// A session: grey when inactive, green when active.
pub const SESSION: ValueMap = ValueMap(&[("0", "INACTIVE", "text"), ("1", "ACTIVE", "green")]);
/// The engine's phases.
pub const PHASES: ValueMap = ValueMap(&[
    ("1", "Phase A", "blue"),
    ("2", "Phase B", "purple"),
    ("3", "Phase C", "yellow"),
]);
/// A run: grey for earlier runs, green for the current one.
pub const RUN: ValueMap = ValueMap(&[("0", "earlier", "text"), ("1", "current", "green")]);
