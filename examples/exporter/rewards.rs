//! The simulated learners' rewards and training: a reward per closed trade,
//! an episode every second, and a model update every other tick whose loss
//! falls as training goes on.

use velocity_metrics::{Agent, RecordError, RlTraining, Telemetry};

use crate::rng::Rng;

/// Reward units per account-currency unit of P&L.
const REWARD_PER_PNL: f64 = 1.0 / 40.0;

pub struct Trainer {
    agent: Agent,
    episode: f64,
    updates: u32,
    q_value: f64,
}

impl Trainer {
    pub fn new(agent: Agent) -> Self {
        Self {
            agent,
            episode: 0.0,
            updates: 0,
            q_value: 0.0,
        }
    }

    /// The reward of one closed trade.
    pub fn reward(&mut self, t: &Telemetry, pnl: f64) -> Result<(), RecordError> {
        let reward = pnl * REWARD_PER_PNL;
        self.episode += reward;
        t.record_rl_reward(self.agent, reward)
    }

    /// Every tick: a model update every other tick, an episode every ten.
    pub fn tick(&mut self, t: &Telemetry, rng: &mut Rng, tick: u64) -> Result<(), RecordError> {
        if tick % 2 == 0 {
            self.updates += 1;
            let progress = f64::from(self.updates) / 2_000.0;
            let loss = 0.5 * (-progress).exp() + 0.02 + 0.01 * rng.next_f64();
            // The greedy action's value drifts towards the episode returns.
            self.q_value = 0.98 * self.q_value + 0.02 * (self.episode + 0.5 * rng.normal());
            t.record_rl_training(
                self.agent,
                &RlTraining {
                    loss,
                    q_value: self.q_value,
                },
            )?;
        }
        if tick % 10 == 0 {
            t.record_rl_episode_reward(self.agent, self.episode)?;
            self.episode = 0.0;
        }
        Ok(())
    }
}
