//! Service-level objectives declared once: "`target` of `events` within
//! `threshold`", judged by multi-window, multi-burn-rate alerts as in the
//! Google SRE workbook (chapter "Alerting on SLOs"), with the recording
//! rules they read, promtool tests at their thresholds and a dashboard row
//! with the error budget left.

use velocity_metrics::catalogue::{MetricDef, Unit};

use super::promtool::{Case, case};
use super::{Group, Rule, Severity, alert, record};
use crate::grafana::style::{Colours, PERCENT, Style};
use crate::grafana::{Row, panel, row};
use crate::promql::{Expr, Record, Window, increase, r, rate, sum_without, up};

/// One alert of the workbook's table: budget spent over a long window,
/// confirmed by a short one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BurnWindow {
    /// Page or ticket.
    pub severity: Severity,
    /// The long window, in minutes.
    pub long_minutes: u32,
    /// Share of the period's error budget spent over the long window.
    pub budget_spent: f64,
    /// How long the burn must last before it alerts.
    pub for_: &'static str,
    /// Alert name suffix.
    pub suffix: &'static str,
}

impl BurnWindow {
    /// The short window: a twelfth of the long one (workbook, "multiwindow").
    #[must_use]
    pub fn short_minutes(&self) -> u32 {
        self.long_minutes / 12
    }

    /// The burn rate that spends `budget_spent` of a `period_days` budget in
    /// the long window.
    #[must_use]
    pub fn burn_rate(&self, period_days: u32) -> f64 {
        let rate =
            self.budget_spent * f64::from(period_days * 24 * 60) / f64::from(self.long_minutes);
        (rate * 1000.0).round() / 1000.0
    }
}

/// The workbook's recommendation for a 30-day objective: page at 2 % of the
/// budget in an hour or 5 % in six hours, ticket at 10 % in three days.
pub const WORKBOOK: [BurnWindow; 3] = [
    BurnWindow {
        severity: Severity::Critical,
        long_minutes: 60,
        budget_spent: 0.02,
        for_: "2m",
        suffix: "Fast",
    },
    BurnWindow {
        severity: Severity::Critical,
        long_minutes: 6 * 60,
        budget_spent: 0.05,
        for_: "15m",
        suffix: "Slow",
    },
    BurnWindow {
        severity: Severity::Warning,
        long_minutes: 3 * 24 * 60,
        budget_spent: 0.10,
        for_: "1h",
        suffix: "Ticket",
    },
];

/// "`target` of `events` within `threshold`", from a latency histogram.
#[derive(Debug, Clone, Copy)]
pub struct Objective {
    /// Alert names start with this (`VelocityTraderFillLatency`).
    pub alert_prefix: &'static str,
    /// Recorded series are `velocitytrader:<slow>_<window>:ratio` and
    /// `velocitytrader:<events>_<window>:count`.
    pub slow_record: &'static str,
    /// See `slow_record`.
    pub events_record: &'static str,
    /// What is counted, in words (`fills`).
    pub events: &'static str,
    /// The latency histogram.
    pub histogram: MetricDef,
    /// Its bucket bound that is the threshold (`"0.5"`).
    pub le: &'static str,
    /// The threshold in words (`500 ms`).
    pub threshold: &'static str,
    /// Share of events that must be within the threshold (0.99).
    pub target: f64,
    /// The period the error budget is for.
    pub period_days: u32,
    /// No page below this many events in the long window (low traffic).
    pub min_events: u32,
    /// The alertgroup of its pages (tickets get `<group>_ticket`).
    pub group: &'static str,
    /// Runbook: why events get slow.
    pub causes: &'static str,
    /// Runbook: where to look.
    pub check: &'static str,
    /// Runbook: what to do.
    pub act: &'static str,
}

/// `5m`, `1h`, `3d` for a whole number of minutes.
#[must_use]
pub fn duration(minutes: u32) -> String {
    if minutes % (24 * 60) == 0 {
        format!("{}d", minutes / (24 * 60))
    } else if minutes % 60 == 0 {
        format!("{}h", minutes / 60)
    } else {
        format!("{minutes}m")
    }
}

fn leak(text: String) -> &'static str {
    // The generator runs once per invocation: a few names for its lifetime.
    Box::leak(text.into_boxed_str())
}

impl Objective {
    /// The error budget: the share of events that may be slow.
    #[must_use]
    pub fn budget(&self) -> f64 {
        ((1.0 - self.target) * 1e9).round() / 1e9
    }

    /// Every window a rule reads, short to long, and the period.
    fn windows(&self) -> Vec<u32> {
        let mut w: Vec<u32> = WORKBOOK
            .iter()
            .flat_map(|b| [b.short_minutes(), b.long_minutes])
            .collect();
        w.push(self.period_days * 24 * 60);
        w.sort_unstable();
        w.dedup();
        w
    }

    /// The recorded share of slow events over `minutes`.
    #[must_use]
    pub fn slow_ratio(&self, minutes: u32) -> Record {
        Record {
            name: leak(format!(
                "velocitytrader:{}_{}:ratio",
                self.slow_record,
                duration(minutes)
            )),
            labels: &[],
            unit: Unit::Ratio,
        }
    }

    /// The recorded number of events over `minutes`.
    #[must_use]
    pub fn event_count(&self, minutes: u32) -> Record {
        Record {
            name: leak(format!(
                "velocitytrader:{}_{}:count",
                self.events_record,
                duration(minutes)
            )),
            labels: &[],
            unit: Unit::Count,
        }
    }

    /// The burn rate over `minutes`: the slow share divided by the budget.
    #[must_use]
    pub fn burn(&self, minutes: u32) -> Expr {
        r(self.slow_ratio(minutes)) / self.budget()
    }

    /// The alert name of a burn window.
    #[must_use]
    pub fn alert_name(&self, b: &BurnWindow) -> &'static str {
        leak(format!("{}BudgetBurn{}", self.alert_prefix, b.suffix))
    }

    fn condition(&self, b: &BurnWindow) -> Expr {
        let rate = b.burn_rate(self.period_days);
        self.burn(b.long_minutes)
            .gt(rate)
            .and_on(&["job", "instance"], self.burn(b.short_minutes()).gt(rate))
            .and_on(
                &["job", "instance"],
                r(self.event_count(b.long_minutes)).ge(f64::from(self.min_events)),
            )
    }

    /// The recording rules (first group) and the alerts (second group).
    #[must_use]
    pub fn groups(&self, name: &'static str) -> Vec<Group> {
        let bucket = || self.histogram;
        let mut records = Vec::new();
        let longs: Vec<u32> = WORKBOOK.iter().map(|b| b.long_minutes).collect();
        for minutes in self.windows() {
            let w = Window(leak(duration(minutes)));
            let good = sum_without(
                &["le"],
                rate(crate::promql::m(bucket()).bucket().eq("le", self.le), w),
            );
            let all = rate(crate::promql::m(bucket()).count(), w);
            records.push(record(
                self.slow_ratio(minutes),
                1.0 - good / all.gt(0.0),
                "",
            ));
            if longs.contains(&minutes) {
                records.push(record(
                    self.event_count(minutes),
                    increase(crate::promql::m(bucket()).count(), w),
                    "",
                ));
            }
        }
        let mut alerts = Vec::new();
        for (i, b) in WORKBOOK.iter().enumerate() {
            let rate = b.burn_rate(self.period_days);
            let mut expr = self.condition(b);
            if i == 1 {
                // The slow page is redundant while the fast one fires: it
                // resolves (and says so) instead of being inhibited.
                expr = expr.unless_on(&["job", "instance"], self.condition(&WORKBOOK[0]));
            }
            let expr = expr.and_on(&["job", "instance"], up().equals(1.0));
            let spent = b.budget_spent * 100.0;
            let (long, short) = (duration(b.long_minutes), duration(b.short_minutes()));
            let group = if b.severity == Severity::Critical {
                self.group
            } else {
                leak(format!("{}_ticket", self.group))
            };
            alerts.push(alert(
                self.alert_name(b),
                b.severity,
                group,
                b.for_,
                expr,
                &format!("{} objective burning {} on {{{{ $labels.instance }}}}", self.title(), if i == 0 { "fast" } else if i == 1 { "steadily" } else { "slowly" }),
                &format!(
                    "Over the last {long} (and the last {short}) so many {} on {{{{ $labels.instance }}}} took longer than {} that the objective's {}% error budget burns {{{{ $value | printf \"%.1f\" }}}} times as fast as it may (above {rate}, which spends {spent}% of a {}-day budget in {long}); at least {} {} in {long}.",
                    self.events, self.threshold, self.budget() * 100.0, self.period_days, self.min_events, self.events
                ),
            ));
        }
        vec![
            Group {
                name,
                comment: "",
                interval: None,
                rules: records,
            },
            Group {
                name: leak(format!("{name}.alerts")),
                comment: "",
                interval: None,
                rules: alerts,
            },
        ]
    }

    /// `99% of fills within 500 ms`.
    #[must_use]
    pub fn title(&self) -> String {
        format!(
            "{}% of {} within {}",
            self.target * 100.0,
            self.events,
            self.threshold
        )
    }

    /// promtool cases just above and just below each alert's threshold, and
    /// below the low-traffic guard.
    #[must_use]
    pub fn cases(&self) -> Vec<Case> {
        let bucket = format!("{}_bucket", self.histogram.name);
        let count = format!("{}_count", self.histogram.name);
        let target = r#"job="velocitytrader", instance="engine-a:9090""#;
        let mut cases = Vec::new();
        for (i, b) in WORKBOOK.iter().enumerate() {
            let rate = b.burn_rate(self.period_days);
            let at = duration(b.long_minutes.min(120) + 10 + parse_minutes(b.for_));
            let name = self.alert_name(b);
            for (factor, fires) in [(1.04, true), (0.96, false)] {
                let slow = rate * self.budget() * factor;
                let per_minute = 10_000.0;
                let samples = 200 + parse_minutes(b.for_);
                let mut c = case(&format!(
                    "{}: {} of {} slower than {} ({}× the budget's burn rate {rate}) {}",
                    name,
                    format_share(slow),
                    self.events,
                    self.threshold,
                    factor,
                    if fires { "fires" } else { "stays quiet" }
                ))
                .series(&format!("up{{{target}}}"), &format!("1x{samples}"))
                .series(
                    &format!("{bucket}{{{target}, le=\"{}\"}}", self.le),
                    &format!("0+{}x{samples}", per_minute * (1.0 - slow)),
                )
                .series(
                    &format!("{bucket}{{{target}, le=\"+Inf\"}}"),
                    &format!("0+{per_minute}x{samples}"),
                )
                .series(
                    &format!("{count}{{{target}}}"),
                    &format!("0+{per_minute}x{samples}"),
                );
                if fires {
                    let value = slow / self.budget();
                    c = c.fires(
                        &at,
                        name,
                        &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                        &format!("{} objective burning {} on engine-a:9090", self.title(), if i == 0 { "fast" } else if i == 1 { "steadily" } else { "slowly" }),
                        &format!(
                            "Over the last {} (and the last {}) so many {} on engine-a:9090 took longer than {} that the objective's {}% error budget burns {value:.1} times as fast as it may (above {rate}, which spends {}% of a {}-day budget in {}); at least {} {} in {}.",
                            duration(b.long_minutes), duration(b.short_minutes()), self.events, self.threshold, self.budget() * 100.0,
                            b.budget_spent * 100.0, self.period_days, duration(b.long_minutes), self.min_events, self.events, duration(b.long_minutes)
                        ),
                    );
                    if i == 0 {
                        // The fast burn also exceeds the slow page's rate,
                        // which it supersedes.
                        c = c.quiet(&at, self.alert_name(&WORKBOOK[1]));
                    }
                } else {
                    c = c.quiet(&at, name);
                }
                cases.push(c);
            }
        }
        // Low traffic: every event slow, but fewer than min_events an hour.
        let per_minute = f64::from(self.min_events) / 120.0;
        cases.push(
            case(&format!(
                "{}: every one of a few {} slow, fewer than {} in an hour, pages nobody",
                self.alert_name(&WORKBOOK[0]),
                self.events,
                self.min_events
            ))
            .series(&format!("up{{{target}}}"), "1x100")
            .series(
                &format!("{bucket}{{{target}, le=\"{}\"}}", self.le),
                "0x100",
            )
            .series(
                &format!("{bucket}{{{target}, le=\"+Inf\"}}"),
                &format!("0+{per_minute}x100"),
            )
            .series(
                &format!("{count}{{{target}}}"),
                &format!("0+{per_minute}x100"),
            )
            .quiet("70m", self.alert_name(&WORKBOOK[0])),
        );
        cases
    }

    /// A dashboard row: the budget left over the period, the share within
    /// the threshold, and the burn rate per window against the alerts' rates.
    #[must_use]
    pub fn dashboard_row(&self) -> Row {
        let period = self.period_days * 24 * 60;
        let budget_colours = Colours(&[("orange", 0.0), ("green", 0.25)], "red");
        let mut burn = panel::timeseries(12, 8, &format!("{} burn rate", self.title()), &format!(
            "How many times as fast as the objective allows ({}% of {} slower than {}) the error budget burns, per window; dashed: the pages' rates ({} and {}). A burn of 1 spends the budget in exactly {} days.",
            self.budget() * 100.0, self.events, self.threshold, WORKBOOK[1].burn_rate(self.period_days), WORKBOOK[0].burn_rate(self.period_days), self.period_days
        ))
        .style(Style::new("none", Some(1)).colours(Colours(&[("orange", 6.0), ("red", 14.4)], "green")))
        .min(0.0)
        .threshold_lines();
        for minutes in self.windows() {
            if minutes < period {
                burn = burn.q(
                    &format!("{{{{instance}}}} {}", duration(minutes)),
                    self.burn(minutes),
                );
            }
        }
        row(&format!("Objective: {}", self.title()), vec![
            panel::stat(6, 8, "Error budget left", &format!("Share of the {}-day error budget ({}% of {} slower than {}) not yet spent; below 0 the objective is missed.", self.period_days, self.budget() * 100.0, self.events, self.threshold))
                .q("{{instance}}", 1.0 - self.burn(period))
                .style(Style::new("percentunit", Some(1)).colours(budget_colours)),
            panel::stat(6, 8, &format!("{} within {}", capitalised(self.events), self.threshold), &format!("Share of {} within {} over the last {} days; the objective is {}%.", self.events, self.threshold, self.period_days, self.target * 100.0))
                .q("{{instance}}", 100.0 * (1.0 - r(self.slow_ratio(period))))
                .style(PERCENT.decimals(2).colours(Colours(Box::leak(Box::new([("green", self.target * 100.0)])), "red"))),
            burn,
        ])
    }

    /// The runbook section of each of its alerts: (alert, Markdown body).
    #[must_use]
    pub fn runbook(&self) -> Vec<(&'static str, String)> {
        WORKBOOK
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let rate = b.burn_rate(self.period_days);
                let (long, short) = (duration(b.long_minutes), duration(b.short_minutes()));
                let meaning = format!(
                    "**Meaning.** The objective is {}: an error budget of {}% of {} slower than {} over {} days. Over the last {long} and the last {short} the slow share was above {}% — the budget burns more than {rate} times as fast as it may, which spends {}% of it in {long}. {} It resolves once the {short} window is below the rate again, and never judges fewer than {} {} in {long}.",
                    self.title(), self.budget() * 100.0, self.events, self.threshold, self.period_days,
                    (rate * self.budget() * 1e5).round() / 1e3, b.budget_spent * 100.0,
                    match i {
                        0 => "It pages: at this rate the month's budget is gone within two days.".to_owned(),
                        1 => format!("It pages for a steadier burn, and resolves (superseded) while `{}` fires.", self.alert_name(&WORKBOOK[0])),
                        _ => "It is a ticket: a slow leak to fix within days, not tonight.".to_owned(),
                    },
                    self.min_events, self.events
                );
                (self.alert_name(b), format!("{meaning}\n\n**Likely causes.** {}\n\n**Check.** {}\n\n**Do.** {}\n", self.causes, self.check, self.act))
            })
            .collect()
    }

    /// Every rule group, alert and case of the objective (for checks).
    #[must_use]
    pub fn alerts(&self) -> Vec<Rule> {
        self.groups("x").remove(1).rules
    }
}

fn capitalised(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn format_share(x: f64) -> String {
    format!("{}%", (x * 10000.0).round() / 100.0)
}

fn parse_minutes(d: &str) -> u32 {
    let (n, unit) = d.split_at(d.len() - 1);
    let n: u32 = n.parse().expect("a duration");
    match unit {
        "m" => n,
        "h" => n * 60,
        "d" => n * 24 * 60,
        _ => panic!("unknown duration {d}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The workbook's table (chapter 5, "Alerting on SLOs", table 5-8):
    /// page at 14.4 over 1 h / 5 m and 6 over 6 h / 30 m, ticket at 1 over
    /// 3 d / 6 h, for a 30-day objective.
    #[test]
    fn burn_rates_and_windows_are_the_workbooks() {
        let got: Vec<(Severity, String, String, f64)> = WORKBOOK
            .iter()
            .map(|b| {
                (
                    b.severity,
                    duration(b.long_minutes),
                    duration(b.short_minutes()),
                    b.burn_rate(30),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (Severity::Critical, "1h".into(), "5m".into(), 14.4),
                (Severity::Critical, "6h".into(), "30m".into(), 6.0),
                (Severity::Warning, "3d".into(), "6h".into(), 1.0),
            ]
        );
        // Budget spent over the long window at that rate: 2 %, 5 %, 10 %.
        for b in WORKBOOK {
            let spent = b.burn_rate(30) * f64::from(b.long_minutes) / f64::from(30 * 24 * 60);
            assert!((spent - b.budget_spent).abs() < 1e-9, "{b:?}");
        }
    }
}
