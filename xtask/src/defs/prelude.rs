//! What the definitions use: the catalogue's series, the `PromQL` builder,
//! panels and styles, the recorded series.

pub use serde_json::json;
pub use velocity_metrics::catalogue::*;

pub use crate::defs::dashboards::links::*;
pub use crate::defs::records::*;
pub use crate::grafana::panel::{bargauge, gauge, piechart, stat, table, timeline, timeseries};
pub use crate::grafana::style::{
    BREAKER, COUNT, Colours, DATE, DECISION_SERIES, FRACTION, HALT, LINK, LOOP, MONEY,
    ORDER_SERIES, PER_TIME, PERCENT, PHASES, RATIO, REGIME_SERIES, REGIMES, RUN, SECONDS, SESSION,
    Style, TARGET_UP, TARGET_UP_LOWER, ValueMap, colours, plain,
};
pub use crate::grafana::{Dashboard, row};
pub use crate::promql::*;
