//! Grafana dashboards: rows of panels laid out left to right, the variables
//! every dashboard has (defined once), the links between dashboards.

pub mod panel;
pub mod style;

use serde_json::{Value as Json, json};

use crate::promql::{IDENTITY_VARIABLES, LABEL_VARIABLES};
pub use panel::{DashboardLink, Panel};

/// The dashboard schema version written: the one Grafana 12.3 to 13.2 save
/// (`DASHBOARD_SCHEMA_VERSION` in Grafana's `DashboardMigrator.ts`, the final
/// version of the v1 dashboard API), so current Grafana migrates nothing.
pub const SCHEMA_VERSION: u32 = 42;
/// The datasource uid every dashboard defaults to (the provisioned one).
pub const DATASOURCE_UID: &str = "velocitytrader-prometheus";
/// The tag that puts a dashboard in the *`VelocityTrader` dashboards* menu.
pub const MENU_TAG: &str = "velocitytrader";

/// A row of panels.
#[derive(Debug, Clone)]
pub struct Row {
    title: String,
    panels: Vec<Panel>,
}

/// A row titled `title` holding `panels`, laid out left to right.
#[must_use]
pub fn row(title: &str, panels: Vec<Panel>) -> Row {
    Row {
        title: title.to_owned(),
        panels,
    }
}

/// One dashboard.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// Its uid, also its file name.
    pub uid: &'static str,
    /// Its title after `VelocityTrader · `.
    pub title: &'static str,
    description: String,
    tags: &'static [&'static str],
    datasource_help: &'static str,
    rows: Vec<Row>,
}

impl Dashboard {
    /// A dashboard with its uid, title, tags (beside `velocitytrader`) and description.
    #[must_use]
    pub fn new(
        uid: &'static str,
        title: &'static str,
        tags: &'static [&'static str],
        description: &str,
    ) -> Self {
        Self {
            uid,
            title,
            description: description.to_owned(),
            tags,
            datasource_help: "Prometheus that scrapes the velocity_metrics exporter.",
            rows: Vec::new(),
        }
    }

    /// The help text of the datasource variable.
    #[must_use]
    pub fn datasource_help(mut self, help: &'static str) -> Self {
        self.datasource_help = help;
        self
    }

    /// Appends rows.
    #[must_use]
    pub fn rows(mut self, rows: Vec<Row>) -> Self {
        self.rows.extend(rows);
        self
    }

    /// The path it is written to.
    #[must_use]
    pub fn path(&self) -> String {
        format!("dashboards/{}.json", self.uid)
    }

    /// The dashboard as Grafana JSON.
    #[must_use]
    pub fn json(&self) -> Json {
        let ds = json!({"type": "prometheus", "uid": "${datasource}"});
        let mut panels = Vec::new();
        let mut layout = Layout::default();
        let mut id = 0;
        let mut exprs = String::new();
        for row in &self.rows {
            id += 1;
            let y = layout.new_line(1);
            panels.push(json!({
                "type": "row", "title": row.title, "collapsed": false, "panels": [],
                "datasource": ds, "id": id, "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}
            }));
            layout.next_line();
            for p in &row.panels {
                id += 1;
                let (x, y) = layout.place(p.w, p.h, p.repeat.is_some());
                let mut panel = p.json(&ds);
                for t in panel["targets"].as_array().into_iter().flatten() {
                    exprs.push_str(t["expr"].as_str().unwrap_or_default());
                }
                exprs.push_str(&p.title);
                panel["id"] = id.into();
                panel["gridPos"] = json!({"h": p.h, "w": p.w, "x": x, "y": y});
                panels.push(panel);
            }
            layout.next_line();
        }
        let mut tags = vec![MENU_TAG];
        tags.extend_from_slice(self.tags);
        json!({
            "annotations": {"list": [{
                "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                "enable": true, "hide": true, "iconColor": "rgba(0, 211, 255, 1)",
                "name": "Annotations & Alerts", "type": "dashboard"
            }]},
            "description": self.description,
            "editable": false,
            "fiscalYearStartMonth": 0,
            "graphTooltip": 1,
            "id": null,
            "links": [{
                "asDropdown": true, "icon": "external link", "includeVars": true, "keepTime": true,
                "tags": [MENU_TAG], "targetBlank": false, "title": "VelocityTrader dashboards",
                "tooltip": "", "type": "dashboards", "url": ""
            }],
            "liveNow": false,
            "panels": panels,
            "refresh": "10s",
            "schemaVersion": SCHEMA_VERSION,
            "tags": tags,
            "templating": {"list": self.variables(&ds, &exprs)},
            "time": {"from": "now-6h", "to": "now"},
            "timepicker": {"refresh_intervals": ["5s", "10s", "30s", "1m", "5m", "15m", "1h"]},
            "timezone": "browser",
            "title": format!("VelocityTrader · {}", self.title),
            "uid": self.uid,
            "version": 1,
            "weekStart": ""
        })
    }

    /// The datasource variable, then one multi-value variable per identity
    /// and breakdown label, shown only where a query uses it.
    fn variables(&self, ds: &Json, used_in: &str) -> Vec<Json> {
        let mut list = vec![json!({
            "name": "datasource", "label": "Data source", "type": "datasource",
            "query": "prometheus", "description": self.datasource_help,
            "current": {"selected": false, "text": "VelocityTrader Prometheus", "value": DATASOURCE_UID},
            "hide": 0, "includeAll": false, "multi": false, "options": [], "refresh": 1, "regex": ""
        })];
        let identity = IDENTITY_VARIABLES
            .iter()
            .map(|v| format!("{v}=~\"${v}\""))
            .collect::<Vec<_>>()
            .join(", ");
        for name in IDENTITY_VARIABLES.iter().chain(LABEL_VARIABLES.iter()) {
            let query = match *name {
                "job" => "label_values(velocitytrader_build_info, job)".to_owned(),
                "agent" => {
                    format!("label_values(velocitytrader_agent_trades_total{{{identity}}}, agent)")
                }
                "symbol" => {
                    format!("label_values(velocitytrader_regime_current{{{identity}}}, symbol)")
                }
                "timeframe" => format!(
                    "label_values(velocitytrader_regime_current{{{identity}, symbol=~\"$symbol\"}}, timeframe)"
                ),
                _ => format!("label_values(velocitytrader_build_info{{job=~\"$job\"}}, {name})"),
            };
            let all = if matches!(*name, "job" | "instance") {
                ".+"
            } else {
                ".*"
            };
            let used = used_in.contains(&format!("${name}"));
            let mut label = name.to_string();
            label[..1].make_ascii_uppercase();
            list.push(json!({
                "type": "query", "name": name, "label": label, "datasource": ds,
                "query": {"query": query, "refId": "PrometheusVariableQueryEditor-VariableQuery"},
                "definition": query, "includeAll": true, "multi": true, "allValue": all,
                "current": {"selected": true, "text": ["All"], "value": ["$__all"]},
                "options": [], "refresh": 2, "regex": "", "sort": 1,
                "hide": if used { 0 } else { 2 }
            }));
        }
        list
    }
}

/// Places panels left to right on 24 columns, a new line when one does not
/// fit; a repeated panel gets a line of its own (its copies fill it).
#[derive(Debug, Default)]
struct Layout {
    x: u32,
    y: u32,
    line_height: u32,
}

impl Layout {
    fn new_line(&mut self, height: u32) -> u32 {
        self.next_line();
        self.line_height = height;
        self.y
    }

    fn next_line(&mut self) {
        self.y += self.line_height;
        self.x = 0;
        self.line_height = 0;
    }

    fn place(&mut self, w: u32, h: u32, own_line: bool) -> (u32, u32) {
        assert!(w > 0 && w <= 24 && h > 0, "panel size {w}×{h}");
        if self.x + w > 24 || (own_line && self.x > 0) {
            self.next_line();
        }
        let at = (self.x, self.y);
        self.x += w;
        self.line_height = self.line_height.max(h);
        if own_line {
            self.next_line();
        }
        at
    }
}
