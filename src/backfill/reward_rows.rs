//! Decoding one `reward_logs` row into what the engine's learner reported at
//! that moment, or a counted [`SkipReason`]. Pure functions of the row's
//! values: no I/O, no recording.

use rusqlite::Row;
use rusqlite::types::ValueRef;

use super::q_values::{QValuesProblem, greedy};
use super::reasons::{Adjustment, SkipReason};
use super::rows::{Cache, label, number, text, timestamp};
use crate::error::MAX_ABS_AMOUNT;
use crate::model::Agent;

/// Columns of the reward query, in this order (read by name in SQL, by
/// position in the result).
pub(crate) const REWARD_COLUMNS: &str =
    "id, timestamp, agent_id, immediate_reward, q_values, epsilon";

/// What one usable `reward_logs` row reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LearnerStep {
    /// When (Unix seconds).
    pub(crate) at: f64,
    /// Whose learner.
    pub(crate) agent: Agent,
    /// `immediate_reward`.
    pub(crate) reward: f64,
    /// The greedy Q-value, or why the row has none.
    pub(crate) q_value: Result<f64, Adjustment>,
    /// `epsilon`, or why the row has none.
    pub(crate) epsilon: Result<f64, Adjustment>,
}

/// A decoded `reward_logs` row, or why it is skipped.
pub(crate) type RewardRow = Result<LearnerStep, SkipReason>;

/// Decodes `reward_logs` rows selected with [`REWARD_COLUMNS`].
pub(crate) struct RewardDecoder {
    agents: Cache<Agent>,
}

impl RewardDecoder {
    pub(crate) fn new() -> Self {
        Self {
            agents: Cache::new(),
        }
    }

    /// The row's id and what it reports.
    pub(crate) fn decode(&mut self, row: &Row<'_>) -> rusqlite::Result<(i64, RewardRow)> {
        let id = row.get::<_, i64>(0)?;
        Ok((
            id,
            self.decode_values(|i| row.get_ref(i).unwrap_or(ValueRef::Null)),
        ))
    }

    /// What a row reports, given its values in [`REWARD_COLUMNS`] order
    /// (`value(0)`, the id, is not read).
    pub(crate) fn decode_values<'v>(&mut self, value: impl Fn(usize) -> ValueRef<'v>) -> RewardRow {
        let at = timestamp(value(1))?;
        let agent = self.agents.get(text(value(2), "agent_id")?, |raw| {
            label(raw, "agent_id", Agent::new)
        })?;
        let reward = number(value(3), "immediate_reward")?;
        if reward.abs() > MAX_ABS_AMOUNT {
            return Err(SkipReason::OutOfRange {
                column: "immediate_reward",
            });
        }
        Ok(LearnerStep {
            at,
            agent,
            reward,
            q_value: q_value(value(4)),
            epsilon: epsilon(value(5)),
        })
    }
}

/// NULL or JSON `null` (Python's `None`) → missing; text → the greedy value
/// of the list; any other storage class → malformed.
fn q_value(value: ValueRef<'_>) -> Result<f64, Adjustment> {
    let raw = match value {
        ValueRef::Null => return Err(Adjustment::QValuesMissing),
        ValueRef::Text(raw) => raw,
        _ => return Err(Adjustment::QValuesMalformed),
    };
    let text = std::str::from_utf8(raw).map_err(|_| Adjustment::QValuesMalformed)?;
    if text.trim() == "null" {
        return Err(Adjustment::QValuesMissing);
    }
    greedy(text).map_err(|problem| match problem {
        QValuesProblem::Malformed => Adjustment::QValuesMalformed,
        QValuesProblem::Empty => Adjustment::QValuesEmpty,
        QValuesProblem::NotFinite => Adjustment::QValuesNotFinite,
    })
}

/// NULL → missing; a number in 0..=1 → the exploration rate; anything else
/// (outside 0..=1, ±inf, text) → out of range.
fn epsilon(value: ValueRef<'_>) -> Result<f64, Adjustment> {
    match number(value, "epsilon") {
        Ok(e) if (0.0..=1.0).contains(&e) => Ok(e),
        Err(SkipReason::Missing { .. }) => Err(Adjustment::EpsilonMissing),
        _ => Err(Adjustment::EpsilonOutOfRange),
    }
}
