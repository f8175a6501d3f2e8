//! Panels: a kind, a size, queries and how their values look. Everything a
//! definition does not say comes from the panel kind's defaults and from the
//! first series it shows (unit from the catalogue, colours by meaning).

use std::fmt::Write as _;

use serde_json::{Value as Json, json};

use super::style::{Colours, Style, ValueMap, number};
use crate::promql::{Expr, Primary, Scope};

/// Grafana's visualisations used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A big number.
    Stat,
    /// A dial.
    Gauge,
    /// Horizontal bars.
    BarGauge,
    /// Lines over time.
    Timeseries,
    /// Rows of values.
    Table,
    /// A donut.
    PieChart,
    /// States over time.
    StateTimeline,
}

impl Kind {
    fn id(self) -> &'static str {
        match self {
            Kind::Stat => "stat",
            Kind::Gauge => "gauge",
            Kind::BarGauge => "bargauge",
            Kind::Timeseries => "timeseries",
            Kind::Table => "table",
            Kind::PieChart => "piechart",
            Kind::StateTimeline => "state-timeline",
        }
    }
}

/// One query of a panel.
#[derive(Debug, Clone)]
pub struct Target {
    legend: String,
    expr: Expr,
    instant: bool,
}

/// A table column: a query and how its values look.
#[derive(Debug, Clone)]
struct Column {
    title: &'static str,
    style: Style,
    map: Option<ValueMap>,
    hidden: bool,
}

/// A link from a table cell to another dashboard.
#[derive(Debug, Clone, Copy)]
pub struct DashboardLink {
    /// The dashboard's uid.
    pub uid: &'static str,
    /// Its short title.
    pub title: &'static str,
}

/// Changes to a panel's style, on top of what its series says.
#[derive(Debug, Clone, Copy, Default)]
#[allow(clippy::option_option, reason = "unset, Grafana's choice, or a number")]
struct Adjust {
    unit: Option<&'static str>,
    decimals: Option<Option<u8>>,
    min: Option<f64>,
    max: Option<f64>,
    colours: Option<Colours>,
}

/// One panel.
#[derive(Debug, Clone)]
pub struct Panel {
    pub(super) kind: Kind,
    pub(super) title: String,
    description: String,
    pub(super) w: u32,
    pub(super) h: u32,
    pub(super) targets: Vec<Target>,
    style: Option<Style>,
    adjust: Adjust,
    map: Option<ValueMap>,
    overrides: Vec<Json>,
    patches: Vec<(&'static str, Json)>,
    columns: Vec<Column>,
    table_hidden: &'static [&'static str],
    table_renames: &'static [(&'static str, &'static str)],
    sort_by: Option<&'static str>,
    pub(super) repeat: Option<(&'static str, u32)>,
}

macro_rules! constructors {
    ($($name:ident $kind:ident),+) => {$(
        #[doc = concat!("A `", stringify!($name), "` panel `w` columns wide and `h` rows high.")]
        #[must_use]
        pub fn $name(w: u32, h: u32, title: &str, description: &str) -> Panel {
            Panel::new(Kind::$kind, w, h, title, description)
        }
    )+};
}

constructors!(stat Stat, gauge Gauge, bargauge BarGauge, timeseries Timeseries, table Table,
    piechart PieChart, timeline StateTimeline);

impl Panel {
    fn new(kind: Kind, w: u32, h: u32, title: &str, description: &str) -> Self {
        Self {
            kind,
            title: title.to_owned(),
            description: description.to_owned(),
            w,
            h,
            targets: Vec::new(),
            style: None,
            adjust: Adjust::default(),
            map: None,
            overrides: Vec::new(),
            patches: Vec::new(),
            columns: Vec::new(),
            table_hidden: &[],
            table_renames: &[],
            sort_by: None,
            repeat: None,
        }
    }

    /// A query over the time range, its series named by `legend`.
    #[must_use]
    pub fn q(mut self, legend: &str, expr: Expr) -> Self {
        self.targets.push(Target {
            legend: legend.to_owned(),
            expr,
            instant: false,
        });
        self
    }

    /// A query evaluated once, at the end of the time range.
    #[must_use]
    pub fn qi(mut self, legend: &str, expr: Expr) -> Self {
        self.targets.push(Target {
            legend: legend.to_owned(),
            expr,
            instant: true,
        });
        self
    }

    /// A table column: an instant query, its title and how it looks.
    #[must_use]
    pub fn col(self, title: &'static str, style: Style, expr: Expr) -> Self {
        self.column(title, style, None, expr, false)
    }

    /// A table column of states, mapped to text and colour.
    #[must_use]
    pub fn col_map(self, title: &'static str, map: ValueMap, expr: Expr) -> Self {
        self.column(title, Style::new("none", Some(0)), Some(map), expr, false)
    }

    /// A query that only selects the rows (its value column is hidden).
    #[must_use]
    pub fn rows(self, title: &'static str, expr: Expr) -> Self {
        self.column(title, Style::new("none", Some(0)), None, expr, true)
    }

    fn column(
        mut self,
        title: &'static str,
        style: Style,
        map: Option<ValueMap>,
        expr: Expr,
        hidden: bool,
    ) -> Self {
        self.columns.push(Column {
            title,
            style,
            map,
            hidden,
        });
        self.qi("__auto", expr)
    }

    /// Table: hide these label columns too (`Time` and `__name__` always are).
    #[must_use]
    pub fn hide(mut self, labels: &'static [&'static str]) -> Self {
        self.table_hidden = labels;
        self
    }

    /// Table: rename these label columns.
    #[must_use]
    pub fn rename(mut self, renames: &'static [(&'static str, &'static str)]) -> Self {
        self.table_renames = renames;
        self
    }

    /// Table: sort by this column, largest first.
    #[must_use]
    pub fn sort(mut self, column: &'static str) -> Self {
        self.sort_by = Some(column);
        self
    }

    /// Table: the `engine` column links to these dashboards for its row's
    /// job, instance and identity, keeping the time range.
    #[must_use]
    pub fn engine_links(self, dashboards: &[DashboardLink]) -> Self {
        self.row_links(
            "engine",
            dashboards,
            "for ${__data.fields.engine}",
            "${__url_time_range}",
        )
    }

    /// Table: the `run_id` column links to these dashboards for its row's
    /// job, instance and identity, on the run's own dates: from the value
    /// of column `from` to that of column `to` (milliseconds since the
    /// epoch, as the table shows them).
    #[must_use]
    pub fn run_links(self, dashboards: &[DashboardLink], from: &str, to: &str) -> Self {
        self.row_links(
            "run_id",
            dashboards,
            "for ${__data.fields.run_id} on its simulated dates",
            &format!("from=${{__data.fields[\"{from}\"]}}&to=${{__data.fields[\"{to}\"]}}"),
        )
    }

    /// Links on the cells of column `field` to `dashboards`, titled
    /// `<dashboard> <what>`, over `time` (URL parameters), passing the row's
    /// identity as the dashboards' variables.
    fn row_links(
        mut self,
        field: &str,
        dashboards: &[DashboardLink],
        what: &str,
        time: &str,
    ) -> Self {
        let mut vars = String::new();
        for v in crate::promql::IDENTITY_VARIABLES {
            let _ = write!(vars, "&var-{v}=${{__data.fields.{v}}}");
        }
        let links: Vec<Json> = dashboards
            .iter()
            .map(|d| {
                json!({
                    "title": format!("{} {what}", d.title),
                    "url": format!("/d/{0}/{0}?{time}&var-datasource=${{datasource}}{vars}", d.uid),
                    "targetBlank": false
                })
            })
            .collect();
        self.overrides.push(json!({
            "matcher": {"id": "byName", "options": field},
            "properties": [{"id": "links", "value": links}]
        }));
        self
    }

    /// How values look (instead of the first series' own style).
    #[must_use]
    pub fn style(mut self, style: Style) -> Self {
        self.style = Some(style);
        self
    }

    /// In this Grafana unit.
    #[must_use]
    pub fn unit(mut self, unit: &'static str) -> Self {
        self.adjust.unit = Some(unit);
        self
    }

    /// With this many decimals.
    #[must_use]
    pub fn decimals(mut self, decimals: u8) -> Self {
        self.adjust.decimals = Some(Some(decimals));
        self
    }

    /// With as many decimals as Grafana sees fit.
    #[must_use]
    pub fn auto_decimals(mut self) -> Self {
        self.adjust.decimals = Some(None);
        self
    }

    /// With this minimum (axis, gauge).
    #[must_use]
    pub fn min(mut self, min: f64) -> Self {
        self.adjust.min = Some(min);
        self
    }

    /// With this maximum (axis, gauge).
    #[must_use]
    pub fn max(mut self, max: f64) -> Self {
        self.adjust.max = Some(max);
        self
    }

    /// Coloured by these thresholds.
    #[must_use]
    pub fn colours(mut self, colours: Colours) -> Self {
        self.adjust.colours = Some(colours);
        self
    }

    /// Values shown as text and colour.
    #[must_use]
    pub fn map(mut self, map: ValueMap) -> Self {
        self.map = Some(map);
        self
    }

    /// Sets a panel property by its dotted path (`options.textMode`).
    #[must_use]
    pub fn set(mut self, path: &'static str, value: impl Into<Json>) -> Self {
        self.patches.push((path, value.into()));
        self
    }

    /// Fixed colours for series by name.
    #[must_use]
    pub fn series_colours(mut self, colours: &[(&str, &str)]) -> Self {
        for (name, colour) in colours {
            self.overrides.push(colour_override("byName", name, colour));
        }
        self
    }

    /// Fixed colours for series whose name matches a regular expression.
    #[must_use]
    pub fn series_colours_re(mut self, colours: &[(&str, &str)]) -> Self {
        for (regex, colour) in colours {
            self.overrides
                .push(colour_override("byRegexp", regex, colour));
        }
        self
    }

    /// Series whose name matches `regex` drawn dashed, unfilled (limits,
    /// thresholds).
    #[must_use]
    pub fn dashed(mut self, regex: &str) -> Self {
        self.overrides.push(json!({
            "matcher": {"id": "byRegexp", "options": regex},
            "properties": [
                {"id": "custom.lineStyle", "value": {"fill": "dash", "dash": [10, 10]}},
                {"id": "custom.fillOpacity", "value": 0}
            ]
        }));
        self
    }

    /// A raw field override.
    #[must_use]
    pub fn field_override(mut self, over: Json) -> Self {
        self.overrides.push(over);
        self
    }

    /// Repeated for each value of `variable`, at most `per_row` in a row.
    #[must_use]
    pub fn repeat(mut self, variable: &'static str, per_row: u32) -> Self {
        self.repeat = Some((variable, per_row));
        self
    }

    /// Timeseries: a table legend with each series' last value.
    #[must_use]
    pub fn legend_table(self) -> Self {
        self.set("options.legend.displayMode", "table")
            .set("options.legend.calcs", json!(["lastNotNull"]))
    }

    /// Timeseries: the y axis label.
    #[must_use]
    pub fn axis(self, label: &str) -> Self {
        self.set("fieldConfig.defaults.custom.axisLabel", label)
    }

    /// Timeseries: thresholds drawn as dashed lines.
    #[must_use]
    pub fn threshold_lines(self) -> Self {
        self.set(
            "fieldConfig.defaults.custom.thresholdsStyle",
            json!({"mode": "dashed"}),
        )
    }

    /// The style the panel's values get.
    fn effective_style(&self) -> Style {
        let base = self.base_style();
        Style {
            unit: self.adjust.unit.unwrap_or(base.unit),
            decimals: self.adjust.decimals.unwrap_or(base.decimals),
            min: self.adjust.min.or(base.min),
            max: self.adjust.max.or(base.max),
            colours: self.adjust.colours.or(base.colours),
        }
    }

    fn base_style(&self) -> Style {
        if let Some(s) = self.style {
            return s;
        }
        if self.kind == Kind::Table {
            // Each column has its own style; this only labels the panel.
            return Style::new("short", None);
        }
        let first = self
            .targets
            .first()
            .unwrap_or_else(|| panic!("panel `{}` has no query", self.title));
        match first.expr.primary() {
            Some(Primary::Metric(def)) => Style::of_metric(&def),
            Some(Primary::Record(r)) => Style::of_record(&r),
            None => Style::new("short", None),
        }
    }

    /// The panel as Grafana JSON (without id and position).
    pub(super) fn json(&self, datasource: &Json) -> Json {
        let style = self.effective_style();
        let mut defaults = serde_json::Map::new();
        defaults.insert("unit".into(), style.unit.into());
        defaults.insert(
            "mappings".into(),
            self.map.map_or_else(|| json!([]), |m| m.json()),
        );
        if self.kind != Kind::PieChart {
            let base = match self.kind {
                Kind::Timeseries => "green",
                Kind::Gauge | Kind::BarGauge => "blue",
                _ => "text",
            };
            let colours = style.colours.unwrap_or(Colours(&[], base));
            defaults.insert("thresholds".into(), colours.json());
        }
        let colour_mode = match self.kind {
            Kind::Timeseries | Kind::PieChart => "palette-classic",
            _ => "thresholds",
        };
        defaults.insert("color".into(), json!({"mode": colour_mode}));
        defaults.insert("noValue".into(), "No data".into());
        if let Some(d) = style.decimals {
            if self.kind != Kind::Table {
                defaults.insert("decimals".into(), d.into());
            }
        }
        if let Some(min) = style.min {
            defaults.insert("min".into(), number(min));
        }
        if let Some(max) = style.max {
            defaults.insert("max".into(), number(max));
        }
        if let Some(custom) = self.custom() {
            defaults.insert("custom".into(), custom);
        }
        let mut overrides = self.column_overrides();
        overrides.extend(self.overrides.iter().cloned());
        let mut panel = json!({
            "type": self.kind.id(),
            "title": self.title,
            "description": self.description,
            "datasource": datasource,
            "fieldConfig": {"defaults": defaults, "overrides": overrides},
            "options": self.options(),
        });
        if self.kind == Kind::Table {
            panel["transformations"] = self.transformations();
        }
        if let Some((var, per_row)) = self.repeat {
            panel["repeat"] = var.into();
            panel["repeatDirection"] = "h".into();
            panel["maxPerRow"] = per_row.into();
        }
        panel["targets"] = self.targets_json(datasource);
        for (path, value) in &self.patches {
            let mut at = &mut panel;
            for part in path.split('.') {
                at = &mut at[part];
            }
            *at = value.clone();
        }
        panel
    }

    fn targets_json(&self, datasource: &Json) -> Json {
        let tables = self.kind == Kind::Table;
        self.targets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let mut target = json!({
                    "datasource": datasource,
                    "editorMode": "code",
                    "expr": t.expr.render(Scope::Dashboard),
                    "legendFormat": t.legend,
                    "range": !t.instant,
                    "instant": t.instant,
                });
                if tables {
                    target["format"] = "table".into();
                }
                target["refId"] = ref_id(i).into();
                target
            })
            .collect()
    }

    fn custom(&self) -> Option<Json> {
        let hide = json!({"legend": false, "tooltip": false, "viz": false});
        match self.kind {
            Kind::Timeseries => Some(json!({
                "drawStyle": "line", "lineWidth": 1, "fillOpacity": 10, "gradientMode": "none",
                "showPoints": "never", "pointSize": 4, "spanNulls": false, "lineInterpolation": "linear",
                "axisLabel": "", "axisPlacement": "auto", "axisBorderShow": false,
                "axisCenteredZero": false, "axisColorMode": "text", "barAlignment": 0,
                "insertNulls": false, "scaleDistribution": {"type": "linear"},
                "stacking": {"group": "A", "mode": "none"}, "thresholdsStyle": {"mode": "off"},
                "hideFrom": hide
            })),
            Kind::StateTimeline => Some(json!({
                "fillOpacity": 80, "lineWidth": 0, "insertNulls": false, "spanNulls": false,
                "hideFrom": hide
            })),
            Kind::PieChart => Some(json!({"hideFrom": hide})),
            Kind::Table => Some(json!({
                "align": "auto", "cellOptions": {"type": "auto"}, "inspect": false
            })),
            Kind::Stat | Kind::Gauge | Kind::BarGauge => None,
        }
    }

    fn options(&self) -> Json {
        let reduce = json!({"calcs": ["lastNotNull"], "fields": "", "values": false});
        match self.kind {
            Kind::Stat => json!({
                "reduceOptions": reduce, "colorMode": "value",
                "graphMode": if self.whole_range() { "none" } else { "area" },
                "justifyMode": "auto", "orientation": "auto", "textMode": "auto",
                "wideLayout": true, "showPercentChange": false
            }),
            Kind::Gauge => json!({
                "reduceOptions": reduce, "orientation": "auto", "showThresholdLabels": false,
                "showThresholdMarkers": true, "minVizHeight": 75, "minVizWidth": 75, "sizing": "auto"
            }),
            Kind::BarGauge => json!({
                "reduceOptions": reduce, "displayMode": "gradient", "orientation": "horizontal",
                "showUnfilled": true, "valueMode": "color", "namePlacement": "auto",
                "minVizHeight": 16, "minVizWidth": 8, "maxVizHeight": 300, "sizing": "auto"
            }),
            Kind::PieChart => json!({
                "reduceOptions": reduce, "pieType": "donut", "displayLabels": ["percent"],
                "legend": {"displayMode": "table", "placement": "right", "showLegend": true,
                    "values": ["value", "percent"]},
                "tooltip": {"mode": "single", "sort": "none"}
            }),
            Kind::Timeseries => json!({
                "legend": {"displayMode": "list", "placement": "bottom", "showLegend": true, "calcs": []},
                "tooltip": {"mode": "multi", "sort": "desc"}
            }),
            Kind::StateTimeline => json!({
                "mergeValues": true, "showValue": "auto", "alignValue": "left", "rowHeight": 0.9,
                "legend": {"displayMode": "list", "placement": "bottom", "showLegend": true},
                "tooltip": {"mode": "single", "sort": "none"}
            }),
            Kind::Table => json!({
                "showHeader": true, "cellHeight": "sm",
                "footer": {"show": false, "reducer": ["sum"], "countRows": false, "fields": ""},
                "sortBy": self.sort_by.map_or_else(|| json!([]), |c| json!([{"displayName": c, "desc": true}]))
            }),
        }
    }

    /// Whether the panel shows one value for the whole time range (an
    /// instant query, or one over `$__range`): no sparkline then.
    fn whole_range(&self) -> bool {
        self.targets.iter().any(|t| {
            t.instant
                || t.expr
                    .render(Scope::Record)
                    .contains(crate::promql::RANGE.0)
        })
    }

    /// The value field of column `i` after Grafana's merge.
    fn value_field(&self, i: usize) -> String {
        if self.columns.len() == 1 {
            "Value".into()
        } else {
            format!("Value #{}", ref_id(i))
        }
    }

    fn column_overrides(&self) -> Vec<Json> {
        self.columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut props = vec![json!({"id": "unit", "value": c.style.unit})];
                if let Some(d) = c.style.decimals {
                    props.push(json!({"id": "decimals", "value": d}));
                }
                let coloured = if let Some(map) = c.map {
                    props.push(json!({"id": "mappings", "value": map.json()}));
                    true
                } else if let Some(colours) = c.style.colours {
                    props.push(json!({"id": "thresholds", "value": colours.json()}));
                    true
                } else {
                    false
                };
                if coloured {
                    props
                        .push(json!({"id": "custom.cellOptions", "value": {"type": "color-text"}}));
                }
                let matcher = if self.columns.len() == 1 {
                    json!({"id": "byFrameRefID", "options": ref_id(i)})
                } else {
                    json!({"id": "byName", "options": self.value_field(i)})
                };
                json!({"matcher": matcher, "properties": props})
            })
            .collect()
    }

    fn transformations(&self) -> Json {
        let mut exclude = serde_json::Map::new();
        exclude.insert("Time".into(), true.into());
        for label in self.table_hidden {
            exclude.insert((*label).into(), true.into());
        }
        exclude.insert("__name__".into(), true.into());
        let mut rename = serde_json::Map::new();
        for (i, c) in self.columns.iter().enumerate() {
            if c.hidden {
                exclude.insert(self.value_field(i), true.into());
            }
            rename.insert(self.value_field(i), c.title.into());
        }
        for (from, to) in self.table_renames {
            rename.insert((*from).into(), (*to).into());
        }
        json!([
            {"id": "merge", "options": {}},
            {"id": "organize", "options": {"excludeByName": exclude, "renameByName": rename, "indexByName": {}}}
        ])
    }
}

fn colour_override(matcher: &str, name: &str, colour: &str) -> Json {
    json!({
        "matcher": {"id": matcher, "options": name},
        "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": colour}}]
    })
}

/// `A`, `B`, … for query `i`.
fn ref_id(i: usize) -> String {
    char::from(b'A' + u8::try_from(i).expect("at most 26 queries")).to_string()
}
