//! Trade-level statistics over closed-trade P&L.

use super::streaks::{Outcome, Streaks};

/// O(1) accumulator over closed trades: counts, gross sums, averages,
/// extremes and streaks.
///
/// A trade is a **win** when `pnl > 0`, a **loss** when `pnl < 0` and a
/// **breakeven** when `pnl == 0` (either sign of zero). The three are counted
/// separately; ratios built on win/loss counts ([`win_rate`](Self::win_rate))
/// leave breakevens out, as quantstats and Jesse do. Streaks follow the
/// quantstats convention: a breakeven ends both the win and the loss streak.
///
/// Input handling: a trade whose `pnl` is NaN or ±∞ is ignored entirely (no
/// counter moves). The duration is optional: a trade without one (`None`, or
/// a NaN, ±∞ or negative value) counts in everything but the average
/// duration, which is taken over the trades that reported one.
///
/// ```
/// use velocity_metrics::stats::TradeStats;
///
/// let mut t = TradeStats::new();
/// for (pnl, secs) in [(30.0, Some(60.0)), (-10.0, Some(120.0)), (0.0, None), (20.0, Some(90.0))] {
///     t.record(pnl, secs);
/// }
/// assert_eq!(t.avg_duration_secs(), Some(90.0));
/// assert_eq!((t.wins(), t.losses(), t.breakevens()), (2, 1, 1));
/// assert_eq!(t.profit_factor(), Some(5.0));
/// assert_eq!(t.win_rate(), Some(2.0 / 3.0));
/// assert_eq!(t.avg_trade_pnl(), Some(10.0));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TradeStats {
    wins: u64,
    losses: u64,
    breakevens: u64,
    gross_profit: f64,
    gross_loss: f64,
    duration_sum_secs: f64,
    durations: u64,
    largest_win: f64,
    largest_loss: f64,
    streaks: Streaks,
}

/// `num / den` for a counter denominator, `None` when it is zero.
#[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
fn per(num: f64, den: u64) -> Option<f64> {
    (den > 0).then(|| num / den as f64)
}

impl TradeStats {
    /// An empty accumulator.
    #[must_use]
    pub const fn new() -> Self {
        Self::from_parts(0, 0, 0, 0.0, 0.0, 0.0, 0, 0.0, 0.0)
    }

    /// Rebuilds an accumulator from its parts (for concurrent containers
    /// that store the fields separately). Streaks start empty.
    #[allow(clippy::too_many_arguments, reason = "one argument per field")]
    pub(crate) const fn from_parts(
        wins: u64,
        losses: u64,
        breakevens: u64,
        gross_profit: f64,
        gross_loss: f64,
        duration_sum_secs: f64,
        durations: u64,
        largest_win: f64,
        largest_loss: f64,
    ) -> Self {
        Self {
            wins,
            losses,
            breakevens,
            gross_profit,
            gross_loss,
            duration_sum_secs,
            durations,
            largest_win,
            largest_loss,
            streaks: Streaks::new(),
        }
    }

    /// Adds `other`'s counts, sums and extremes to `self` (Chan-style merge
    /// of independent accumulators). Streaks depend on the order of trades
    /// and are left as they are in `self`; track them with
    /// [`Streaks`] over the merged order instead (see
    /// [`record_totals`](Self::record_totals)).
    pub fn merge_totals(&mut self, other: &Self) {
        self.wins += other.wins;
        self.losses += other.losses;
        self.breakevens += other.breakevens;
        self.gross_profit += other.gross_profit;
        self.gross_loss += other.gross_loss;
        self.duration_sum_secs += other.duration_sum_secs;
        self.durations += other.durations;
        self.largest_win = self.largest_win.max(other.largest_win);
        self.largest_loss = self.largest_loss.max(other.largest_loss);
    }

    /// Records one closed trade. O(1), no allocation.
    ///
    /// Non-finite `pnl` is ignored; a missing, non-finite or negative
    /// `duration_secs` leaves the average duration alone (see the type docs).
    pub fn record(&mut self, pnl: f64, duration_secs: Option<f64>) {
        if let Some(outcome) = self.record_totals(pnl, duration_secs) {
            self.streaks.record(outcome);
        }
    }

    /// Records one closed trade in everything but the streaks, and returns
    /// its outcome (`None` for a non-finite `pnl`, which is ignored). For
    /// accumulators that are combined with [`merge_totals`](Self::merge_totals)
    /// and whose streaks are tracked in one [`Streaks`] over the merged order.
    pub fn record_totals(&mut self, pnl: f64, duration_secs: Option<f64>) -> Option<Outcome> {
        if !pnl.is_finite() {
            return None;
        }
        if let Some(secs) = duration_secs.filter(|d| d.is_finite() && *d >= 0.0) {
            self.duration_sum_secs += secs;
            self.durations += 1;
        }
        let outcome = Outcome::of(pnl)?;
        match outcome {
            Outcome::Win => {
                self.wins += 1;
                self.gross_profit += pnl;
                self.largest_win = self.largest_win.max(pnl);
            }
            Outcome::Loss => {
                self.losses += 1;
                self.gross_loss -= pnl;
                self.largest_loss = self.largest_loss.max(-pnl);
            }
            Outcome::Breakeven => self.breakevens += 1,
        }
        Some(outcome)
    }

    /// Number of trades recorded (wins + losses + breakevens).
    #[must_use]
    pub const fn trades(&self) -> u64 {
        self.wins + self.losses + self.breakevens
    }

    /// Trades with `pnl > 0`.
    #[must_use]
    pub const fn wins(&self) -> u64 {
        self.wins
    }

    /// Trades with `pnl < 0`.
    #[must_use]
    pub const fn losses(&self) -> u64 {
        self.losses
    }

    /// Trades with `pnl == 0`.
    #[must_use]
    pub const fn breakevens(&self) -> u64 {
        self.breakevens
    }

    /// Net P&L: [`gross_profit`](Self::gross_profit) − [`gross_loss`](Self::gross_loss).
    #[must_use]
    pub fn net_pnl(&self) -> f64 {
        self.gross_profit - self.gross_loss
    }

    /// Sum of winning P&L (≥ 0).
    #[must_use]
    pub const fn gross_profit(&self) -> f64 {
        self.gross_profit
    }

    /// Sum of losing P&L as a positive magnitude (≥ 0).
    #[must_use]
    pub const fn gross_loss(&self) -> f64 {
        self.gross_loss
    }

    /// Sum of the reported trade durations in seconds.
    #[must_use]
    pub const fn duration_sum_secs(&self) -> f64 {
        self.duration_sum_secs
    }

    /// Trades that reported a duration.
    #[must_use]
    pub const fn durations(&self) -> u64 {
        self.durations
    }

    /// `wins / (wins + losses)`, a fraction in `[0, 1]`. Breakevens are
    /// **excluded** from the denominator. `None` when there are no wins and no
    /// losses (no trades, or only breakevens).
    #[must_use]
    pub fn win_rate(&self) -> Option<f64> {
        per(self.wins_f64(), self.wins + self.losses)
    }

    /// `gross_profit / gross_loss`. `+∞` with wins but no losses, `0.0` with
    /// losses but no wins, `None` with neither (breakevens only, or no trades).
    #[must_use]
    pub fn profit_factor(&self) -> Option<f64> {
        match (self.wins, self.losses) {
            (0, 0) => None,
            (_, 0) => Some(f64::INFINITY),
            (0, _) => Some(0.0),
            _ => Some(self.gross_profit / self.gross_loss),
        }
    }

    /// Payoff ratio `avg_win / avg_loss` (both as magnitudes). `None`
    /// unless there are both wins and losses: without wins the average win
    /// is undefined (not 0), without losses the average loss is, and a
    /// ratio of an undefined value is undefined. (Unlike
    /// [`profit_factor`](Self::profit_factor), whose sums are 0, not
    /// undefined, with no trade on one side.)
    #[must_use]
    pub fn payoff_ratio(&self) -> Option<f64> {
        Some(self.avg_win()? / self.avg_loss()?)
    }

    /// Expectancy in currency per trade: `net_pnl / trades` (breakevens
    /// included in the denominator). `None` with no trades.
    #[must_use]
    pub fn avg_trade_pnl(&self) -> Option<f64> {
        per(self.net_pnl(), self.trades())
    }

    /// Mean winning P&L; `None` with no wins.
    #[must_use]
    pub fn avg_win(&self) -> Option<f64> {
        per(self.gross_profit, self.wins)
    }

    /// Mean losing P&L as a positive magnitude; `None` with no losses.
    #[must_use]
    pub fn avg_loss(&self) -> Option<f64> {
        per(self.gross_loss, self.losses)
    }

    /// Largest winning P&L; `None` with no wins.
    #[must_use]
    pub fn largest_win(&self) -> Option<f64> {
        (self.wins > 0).then_some(self.largest_win)
    }

    /// Largest loss as a positive magnitude; `None` with no losses.
    #[must_use]
    pub fn largest_loss(&self) -> Option<f64> {
        (self.losses > 0).then_some(self.largest_loss)
    }

    /// Mean duration in seconds over the trades that reported one; `None`
    /// when none did.
    #[must_use]
    pub fn avg_duration_secs(&self) -> Option<f64> {
        per(self.duration_sum_secs, self.durations)
    }

    /// Length of the win run ending at the latest trade (0 if it was not a win).
    #[must_use]
    pub const fn current_win_streak(&self) -> u64 {
        self.streaks.current_wins()
    }

    /// Length of the loss run ending at the latest trade (0 if it was not a loss).
    #[must_use]
    pub const fn current_loss_streak(&self) -> u64 {
        self.streaks.current_losses()
    }

    /// Longest run of consecutive wins seen.
    #[must_use]
    pub const fn max_win_streak(&self) -> u64 {
        self.streaks.max_wins()
    }

    /// Longest run of consecutive losses seen.
    #[must_use]
    pub const fn max_loss_streak(&self) -> u64 {
        self.streaks.max_losses()
    }

    #[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
    fn wins_f64(&self) -> f64 {
        self.wins as f64
    }
}

#[cfg(test)]
#[allow(
    clippy::float_cmp,
    reason = "these expected values are exact in binary floating point"
)]
mod tests {
    use super::*;

    const NONE: Option<f64> = None;

    fn of(pnls: &[f64]) -> TradeStats {
        let mut t = TradeStats::new();
        for &p in pnls {
            t.record(p, Some(10.0));
        }
        t
    }

    /// Win rate, profit factor, payoff ratio.
    fn ratios(t: &TradeStats) -> [Option<f64>; 3] {
        [t.win_rate(), t.profit_factor(), t.payoff_ratio()]
    }

    /// Average win, average loss, largest win, largest loss.
    fn extremes(t: &TradeStats) -> [Option<f64>; 4] {
        [t.avg_win(), t.avg_loss(), t.largest_win(), t.largest_loss()]
    }

    /// Current win, current loss, max win, max loss streaks.
    fn streaks(t: &TradeStats) -> [u64; 4] {
        [
            t.current_win_streak(),
            t.current_loss_streak(),
            t.max_win_streak(),
            t.max_loss_streak(),
        ]
    }

    #[test]
    fn empty() {
        let t = TradeStats::new();
        assert_eq!(t, TradeStats::default());
        assert_eq!((t.trades(), t.net_pnl()), (0, 0.0));
        assert_eq!(ratios(&t), [NONE; 3]);
        assert_eq!(extremes(&t), [NONE; 4]);
        assert_eq!((t.avg_trade_pnl(), t.avg_duration_secs()), (None, None));
    }

    #[test]
    fn mixed_with_breakevens() {
        let mut t = TradeStats::new();
        for (pnl, secs) in [(100.0, 60.0), (-50.0, 30.0), (0.0, 10.0)] {
            t.record(pnl, Some(secs));
        }
        t.record(200.0, Some(100.0));
        t.record(-25.0, Some(0.0));
        let counts = [t.trades(), t.wins(), t.losses(), t.breakevens()];
        assert_eq!(counts, [5, 2, 2, 1]);
        let sums = [t.gross_profit(), t.gross_loss(), t.net_pnl()];
        assert_eq!(sums, [300.0, 75.0, 225.0]);
        assert_eq!(ratios(&t), [Some(0.5), Some(4.0), Some(4.0)]);
        let [avg_win, avg_loss, largest_win, largest_loss] = extremes(&t);
        assert_eq!((avg_win, avg_loss), (Some(150.0), Some(37.5)));
        assert_eq!((largest_win, largest_loss), (Some(200.0), Some(50.0)));
        assert_eq!(t.avg_trade_pnl(), Some(45.0));
        assert_eq!(t.duration_sum_secs(), 200.0);
        assert_eq!(t.avg_duration_secs(), Some(40.0));
    }

    #[test]
    fn only_breakevens() {
        let t = of(&[0.0, -0.0, 0.0]);
        assert_eq!((t.trades(), t.breakevens()), (3, 3));
        assert_eq!(ratios(&t), [NONE; 3]);
        assert_eq!(t.avg_trade_pnl(), Some(0.0));
        assert_eq!(streaks(&t), [0; 4]);
    }

    #[test]
    fn all_winning() {
        let t = of(&[1.0, 2.0, 3.0]);
        let inf = Some(f64::INFINITY);
        assert_eq!(
            ratios(&t),
            [Some(1.0), inf, None],
            "no loss: payoff undefined"
        );
        assert_eq!(extremes(&t), [Some(2.0), None, Some(3.0), None]);
        assert_eq!(streaks(&t), [3, 0, 3, 0]);
    }

    #[test]
    fn all_losing() {
        let t = of(&[-1.0, -4.0, -1.0]);
        assert_eq!(
            ratios(&t),
            [Some(0.0), Some(0.0), None],
            "no win: payoff undefined, not 0"
        );
        assert_eq!(extremes(&t), [None, Some(2.0), None, Some(4.0)]);
        assert_eq!((t.gross_profit(), t.net_pnl()), (0.0, -6.0));
        assert_eq!(t.avg_trade_pnl(), Some(-2.0));
        assert_eq!(streaks(&t), [0, 3, 0, 3]);
    }

    #[test]
    fn streaks_broken_by_breakeven() {
        // W W 0 W | L L L 0 L | W
        let t = of(&[1.0, 1.0, 0.0, 1.0, -1.0, -1.0, -1.0, 0.0, -1.0, 2.0]);
        assert_eq!(streaks(&t), [1, 0, 2, 3]);
        assert_eq!(streaks(&of(&[-1.0, -1.0, 0.0])), [0, 0, 0, 2]);
        assert_eq!(streaks(&of(&[1.0, -1.0, 1.0, 1.0, -1.0])), [0, 1, 2, 1]);
    }

    #[test]
    fn bad_inputs() {
        let mut t = of(&[5.0, -2.0]);
        let before = t;
        for pnl in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            t.record(pnl, Some(10.0));
        }
        assert_eq!(t, before);
        for secs in [Some(f64::NAN), Some(-5.0), Some(f64::INFINITY), None] {
            t.record(1.0, secs);
        }
        assert_eq!(t.trades(), 6);
        assert_eq!(t.duration_sum_secs(), 20.0);
        assert_eq!(t.avg_duration_secs(), Some(10.0));
    }

    #[test]
    fn gain_to_pain_identity() {
        // quantstats identity on one sample: gain-to-pain = PF − 1.
        let t = of(&[0.03, -0.01, 0.02, -0.02, 0.01]);
        let pf = t.profit_factor().unwrap();
        assert!((t.net_pnl() / t.gross_loss() - (pf - 1.0)).abs() < 1e-12);
    }
}
