//! One simulated agent: its open positions, the trades it closes (and their
//! rewards), and its learner's exploration, replay buffer, episodes and
//! model updates.

use velocity_metrics::{Agent, RecordError, RlSnapshot, Side, Telemetry, Trade};

use crate::market::{Market, TIMEFRAMES};
use crate::rewards::Trainer;
use crate::rng::Rng;
use crate::scenario::Scenario;

pub struct Learner {
    pub agent: Agent,
    epsilon: f64,
    buffer: u64,
    trainer: Trainer,
}

impl Learner {
    pub fn new(agent: Agent, epsilon: f64) -> Self {
        Self {
            agent,
            epsilon,
            buffer: 0,
            trainer: Trainer::new(agent),
        }
    }

    /// Reports 0–3 open positions; returns how many.
    pub fn hold_positions(&self, t: &Telemetry, rng: &mut Rng) -> u64 {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let open = (rng.next_f64() * 4.0).floor() as u64;
        t.set_active_positions(self.agent, open);
        open
    }

    /// Closes one trade on `market` and rewards the learner; returns its P&L.
    pub fn close_trade(
        &mut self,
        t: &Telemetry,
        rng: &mut Rng,
        market: &Market,
        scenario: Scenario,
        faulty: bool,
    ) -> Result<f64, RecordError> {
        // Edges in standard deviations of a trade's P&L: wide enough that a
        // calm engine's since-start profit factors are above 1 within its
        // first minute (no performance alert even pending), while single
        // trades still lose about 40 % of the time.
        let base_edge = if self.agent == Agent::SNIPER {
            0.35
        } else {
            0.25
        };
        let (edge, size) = scenario.edge_and_size(base_edge, faulty);
        let pnl = ((rng.normal() + edge) * size * 100.0).round() / 100.0;
        let side = if rng.chance(0.5) {
            Side::Buy
        } else {
            Side::Sell
        };
        let trade = Trade::closed(self.agent, market.symbol, rng.pick(&TIMEFRAMES), pnl)
            .with_regime(market.regime)
            .with_side(side)
            .with_duration_secs(30.0 + rng.next_f64() * 900.0)
            .with_confidence(0.4 + rng.next_f64() * 0.55);
        t.record_trade(&trade)?;
        self.trainer.reward(t, pnl)?;
        Ok(pnl)
    }

    /// Every tick: experiences into the buffer, ε decaying each episode
    /// (stuck at 0.9 in `rl-stuck`), the snapshot, and training.
    pub fn learn(
        &mut self,
        t: &Telemetry,
        rng: &mut Rng,
        scenario: Scenario,
        tick: u64,
    ) -> Result<(), RecordError> {
        self.buffer = (self.buffer + 8).min(10_000);
        t.add_rl_experiences(self.agent, 8);
        let stuck = scenario == Scenario::RlStuck && self.agent == Agent::BERSERKER;
        if tick % 10 == 0 {
            self.epsilon = if stuck {
                0.9
            } else {
                (self.epsilon * 0.995).max(0.01)
            };
            t.add_rl_episodes(self.agent, 1);
        }
        #[allow(clippy::cast_precision_loss)]
        let progress = self.buffer as f64 / 10_000.0;
        let confidence = if stuck {
            0.2
        } else {
            (0.5 + 0.4 * progress + 0.05 * rng.normal()).clamp(0.0, 1.0)
        };
        t.record_rl(
            self.agent,
            &RlSnapshot {
                exploration_rate: self.epsilon,
                learning_progress: progress,
                experience_buffer_size: self.buffer,
                model_confidence: confidence,
            },
        )?;
        self.trainer.tick(t, rng, tick)
    }
}
