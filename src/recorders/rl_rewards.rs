//! Reinforcement-learning rewards and training per agent: cumulative and
//! episode reward, loss, Q-value, model updates.

use crate::catalogue as cat;
use crate::error::{MAX_ABS_AMOUNT, RecordError, finite, in_range};
use crate::model::{Agent, RlTraining};
use crate::telemetry::{LazyCounter, LazyGauge, Role, Sink, Telemetry};

/// Handles of one agent's learner. The update counter starts at 0 in an
/// engine; a database reader has none until an update is counted (the
/// engine's database records no model updates).
pub(crate) struct RewardHandles {
    cumulative: LazyGauge,
    episode: LazyGauge,
    loss: LazyGauge,
    q_value: LazyGauge,
    updates: LazyCounter,
}

impl RewardHandles {
    fn new(sink: &Sink, agent: &str, role: Role) -> Self {
        let l = [agent];
        let handles = Self {
            cumulative: LazyGauge::new(sink, &cat::AGENT_CUMULATIVE_REWARD, &l),
            episode: LazyGauge::new(sink, &cat::AGENT_EPISODE_REWARD, &l),
            loss: LazyGauge::new(sink, &cat::RL_LOSS, &l),
            q_value: LazyGauge::new(sink, &cat::RL_Q_VALUE, &l),
            updates: LazyCounter::new(sink, &cat::RL_MODEL_UPDATES_TOTAL, &l),
        };
        if role == Role::Engine {
            handles.updates.register(sink);
        }
        handles
    }
}

fn reward(field: &'static str, value: f64) -> Result<f64, RecordError> {
    in_range(field, value, -MAX_ABS_AMOUNT, MAX_ABS_AMOUNT)
}

impl Telemetry {
    /// Runs `f` on `agent`'s learner handles, telling it whether the agent is
    /// beyond the cardinality limit (its model updates then count under
    /// `__overflow__`; its rewards, loss and Q-value are dropped, since they
    /// would mix agents).
    fn with_learner(&self, agent: Agent, f: impl FnOnce(&Sink, &RewardHandles, bool)) {
        let inner = &*self.inner;
        let slot = inner.agents.resolve(agent.value());
        inner.rl_rewards.with(
            slot.index,
            || {
                RewardHandles::new(
                    &inner.sink,
                    inner.agents.label(slot.index),
                    inner.config.role,
                )
            },
            |h| f(&inner.sink, h, slot.overflow),
        );
    }

    /// Adds one reward to `agent`'s cumulative reward (a running sum that can
    /// fall). Each call is one atomic addition on the series, so rewards from
    /// several threads add up exactly.
    ///
    /// # Errors
    /// [`RecordError`] for a NaN/±Inf reward or one beyond
    /// ±[`MAX_ABS_AMOUNT`].
    pub fn record_rl_reward(&self, agent: Agent, reward_value: f64) -> Result<(), RecordError> {
        let value = reward("reward", reward_value).map_err(|e| self.reject(e))?;
        self.with_learner(agent, |sink, h, overflow| {
            if !overflow {
                h.cumulative.increment(sink, value);
            }
        });
        Ok(())
    }

    /// Sets the total reward of `agent`'s last completed episode.
    ///
    /// # Errors
    /// [`RecordError`] for a NaN/±Inf reward or one beyond
    /// ±[`MAX_ABS_AMOUNT`].
    pub fn record_rl_episode_reward(
        &self,
        agent: Agent,
        reward_value: f64,
    ) -> Result<(), RecordError> {
        let value = reward("episode_reward", reward_value).map_err(|e| self.reject(e))?;
        self.with_learner(agent, |sink, h, overflow| {
            if !overflow {
                h.episode.set(sink, Some(value));
            }
        });
        Ok(())
    }

    /// Sets `agent`'s Q-value estimate alone (conventionally the greedy
    /// action's value, the largest of the learner's Q-values), for learners
    /// that report Q-values without a model update, e.g. with each decision.
    /// Counts no model update and leaves the loss alone; a learner that
    /// trains calls [`record_rl_training`](Self::record_rl_training) instead.
    ///
    /// ```
    /// # let telemetry = velocity_metrics::Telemetry::builder().build();
    /// use velocity_metrics::Agent;
    /// let q_values = [0.12, -0.4, 0.9];
    /// let greedy = q_values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    /// telemetry.set_rl_q_value(Agent::SNIPER, greedy)?;
    /// assert!(telemetry.set_rl_q_value(Agent::SNIPER, f64::NAN).is_err());
    /// # Ok::<(), velocity_metrics::RecordError>(())
    /// ```
    ///
    /// # Errors
    /// [`RecordError`] for a NaN/±Inf value; nothing is recorded.
    pub fn set_rl_q_value(&self, agent: Agent, q_value: f64) -> Result<(), RecordError> {
        let value = finite("q_value", q_value).map_err(|e| self.reject(e))?;
        self.with_learner(agent, |sink, h, overflow| {
            if !overflow {
                h.q_value.set(sink, Some(value));
            }
        });
        Ok(())
    }

    /// Records one model update of `agent`'s learner: counts it and sets the
    /// loss and Q-value it reported.
    ///
    /// # Errors
    /// [`RecordError`] when [`RlTraining::validate`] fails; nothing is
    /// recorded.
    pub fn record_rl_training(
        &self,
        agent: Agent,
        training: &RlTraining,
    ) -> Result<(), RecordError> {
        training.validate().map_err(|e| self.reject(e))?;
        self.with_learner(agent, |sink, h, overflow| {
            h.updates.increment(sink, 1);
            if !overflow {
                h.loss.set(sink, Some(training.loss));
                h.q_value.set(sink, Some(training.q_value));
            }
        });
        Ok(())
    }
}
