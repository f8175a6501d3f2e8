//! Win and loss streaks shared by every recording thread, updated lock-free.
//!
//! The whole [`Streaks`] state is packed into one 128-bit word and replaced
//! with a single compare-and-swap per trade, so the streaks are exactly those
//! of the order in which the swaps succeed (each `record_trade` takes effect
//! at its swap: linearizable), for any number of threads, with no buffer and
//! no lock.

use portable_atomic::{AtomicU128, Ordering};

use crate::stats::{Outcome, Streaks};

/// Packed layout: bit 127 = the current run is losses; bits 64..127 = length
/// of the current run; bits 32..64 = longest win run; bits 0..32 = longest
/// loss run. The longest runs saturate at `u32::MAX` (4,294,967,295 trades in
/// a row); the current run at 2^63 − 1.
const LOSS_RUN: u128 = 1 << 127;
const RUN_MASK: u64 = (1 << 63) - 1;

fn pack(streaks: &Streaks) -> u128 {
    let (run, losing) = if streaks.current_losses() > 0 {
        (streaks.current_losses(), true)
    } else {
        (streaks.current_wins(), false)
    };
    let max_wins = u32::try_from(streaks.max_wins()).unwrap_or(u32::MAX);
    let max_losses = u32::try_from(streaks.max_losses()).unwrap_or(u32::MAX);
    let mut word = (u128::from(run.min(RUN_MASK)) << 64)
        | (u128::from(max_wins) << 32)
        | u128::from(max_losses);
    if losing {
        word |= LOSS_RUN;
    }
    word
}

#[allow(
    clippy::cast_possible_truncation,
    reason = "each field is masked to its width first"
)]
fn unpack(word: u128) -> Streaks {
    let run = ((word >> 64) as u64) & RUN_MASK;
    let max_wins = u64::from((word >> 32) as u32);
    let max_losses = u64::from(word as u32);
    if word & LOSS_RUN == 0 {
        Streaks::from_parts(run, 0, max_wins, max_losses)
    } else {
        Streaks::from_parts(0, run, max_wins, max_losses)
    }
}

/// The process-wide order of trade outcomes, reduced to streaks. On cache
/// lines of its own: every trade swaps it, and nothing a recorder only reads
/// may share its line.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct StreakCell {
    word: AtomicU128,
}

impl StreakCell {
    /// Appends `outcome` after every outcome already recorded.
    pub(crate) fn record(&self, outcome: Outcome) {
        let mut current = self.word.load(Ordering::Acquire);
        loop {
            let mut next = unpack(current);
            next.record(outcome);
            match self.word.compare_exchange_weak(
                current,
                pack(&next),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }

    /// The streaks after every outcome recorded so far.
    pub(crate) fn load(&self) -> Streaks {
        unpack(self.word.load(Ordering::Acquire))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_round_trips_and_saturates() {
        for s in [
            Streaks::from_parts(0, 0, 0, 0),
            Streaks::from_parts(5, 0, 7, 3),
            Streaks::from_parts(0, 9, 2, 9),
            Streaks::from_parts(RUN_MASK, 0, u64::from(u32::MAX), 1),
        ] {
            assert_eq!(unpack(pack(&s)), s);
        }
        let huge = Streaks::from_parts(0, 1, u64::MAX, u64::MAX);
        let back = unpack(pack(&huge));
        assert_eq!(back.max_wins(), u64::from(u32::MAX));
        assert_eq!(back.current_losses(), 1);
    }

    #[test]
    fn one_thread_matches_the_pure_streaks() {
        let cell = StreakCell::default();
        let mut pure = Streaks::new();
        let outcomes = [
            Outcome::Win,
            Outcome::Win,
            Outcome::Loss,
            Outcome::Breakeven,
            Outcome::Loss,
            Outcome::Loss,
            Outcome::Loss,
            Outcome::Win,
        ];
        for o in outcomes {
            cell.record(o);
            pure.record(o);
            assert_eq!(cell.load(), pure);
        }
    }
}
