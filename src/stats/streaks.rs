//! Win and loss streaks over an ordered sequence of trade outcomes.

/// The outcome of one closed trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// pnl > 0.
    Win,
    /// pnl < 0.
    Loss,
    /// pnl = 0 (also −0.0).
    Breakeven,
}

impl Outcome {
    /// The outcome of a trade with this P&L; `None` for NaN.
    #[must_use]
    pub fn of(pnl: f64) -> Option<Self> {
        if pnl > 0.0 {
            Some(Self::Win)
        } else if pnl < 0.0 {
            Some(Self::Loss)
        } else if pnl == 0.0 {
            Some(Self::Breakeven)
        } else {
            None
        }
    }
}

/// Current and longest runs of wins and of losses. A breakeven breaks both
/// runs (quantstats `consecutive_wins` / `consecutive_losses`).
///
/// ```
/// use velocity_metrics::stats::{Outcome, Streaks};
/// let mut s = Streaks::new();
/// for o in [Outcome::Win, Outcome::Win, Outcome::Breakeven, Outcome::Loss] {
///     s.record(o);
/// }
/// assert_eq!((s.max_wins(), s.current_losses()), (2, 1));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Streaks {
    wins: u64,
    losses: u64,
    max_wins: u64,
    max_losses: u64,
}

impl Streaks {
    /// No trades yet.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            wins: 0,
            losses: 0,
            max_wins: 0,
            max_losses: 0,
        }
    }

    /// Rebuilds the state from its parts (for concurrent containers that
    /// pack it into one word). At most one of `wins` and `losses` is non-zero
    /// in any state [`record`](Self::record) produces.
    pub(crate) const fn from_parts(wins: u64, losses: u64, max_wins: u64, max_losses: u64) -> Self {
        Self {
            wins,
            losses,
            max_wins,
            max_losses,
        }
    }

    /// Appends one outcome.
    pub fn record(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Win => {
                self.wins += 1;
                self.losses = 0;
                self.max_wins = self.max_wins.max(self.wins);
            }
            Outcome::Loss => {
                self.losses += 1;
                self.wins = 0;
                self.max_losses = self.max_losses.max(self.losses);
            }
            Outcome::Breakeven => {
                self.wins = 0;
                self.losses = 0;
            }
        }
    }

    /// Wins in a row ending with the latest trade.
    #[must_use]
    pub const fn current_wins(&self) -> u64 {
        self.wins
    }

    /// Losses in a row ending with the latest trade.
    #[must_use]
    pub const fn current_losses(&self) -> u64 {
        self.losses
    }

    /// Longest run of wins.
    #[must_use]
    pub const fn max_wins(&self) -> u64 {
        self.max_wins
    }

    /// Longest run of losses.
    #[must_use]
    pub const fn max_losses(&self) -> u64 {
        self.max_losses
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_trade_stats_streaks() {
        let pnls = [1.0, 2.0, -1.0, -1.0, -3.0, 0.0, 4.0, 5.0, 6.0, -0.0, -2.0];
        let mut streaks = Streaks::new();
        let mut stats = crate::stats::TradeStats::new();
        for pnl in pnls {
            streaks.record(Outcome::of(pnl).unwrap());
            stats.record(pnl, None);
        }
        assert_eq!(streaks.max_wins(), stats.max_win_streak());
        assert_eq!(streaks.max_losses(), stats.max_loss_streak());
        assert_eq!(streaks.current_wins(), stats.current_win_streak());
        assert_eq!(streaks.current_losses(), stats.current_loss_streak());
        assert_eq!(
            (
                streaks.max_wins(),
                streaks.max_losses(),
                streaks.current_losses()
            ),
            (3, 3, 1)
        );
        assert_eq!(Outcome::of(f64::NAN), None);
    }
}
