//! The Bass model on a network: a non-adopter adopts with probability
//! p + q x (the share of its neighbours who have adopted) in a tick; or,
//! given `dt` (a tick's length in the time unit p and q are rates per, as
//! the papers give them), with probability 1 - exp(-(p + q x share) dt),
//! which tends to the continuous-time model as dt shrinks.

use super::{Counts, Node, Rule, change, node};
use crate::catalog::ModelKind;
use crate::scenario::ModelSpec;

/// Bass's outside (p) and inside (q) influence.
#[derive(Debug, Clone, Copy)]
pub struct Bass {
    pub p: f64,
    pub q: f64,
    /// A tick's length in p's and q's time unit, when they are rates.
    pub dt: Option<f64>,
}

impl Bass {
    /// p and q as chances per tick.
    pub fn per_tick(p: f64, q: f64) -> Bass {
        Bass { p, q, dt: None }
    }
}

impl Rule for Bass {
    const KIND: ModelKind = ModelKind::Bass;
    const SEEDED: u8 = node::ACTIVE;

    fn new(model: &ModelSpec) -> Self {
        Bass {
            p: model.get("p"),
            q: model.get("q"),
            dt: model.given("dt"),
        }
    }

    fn decide(&self, n: Node, draw: impl Fn() -> f64) -> (u8, u8) {
        if n.state != node::INACTIVE {
            return (n.state, 0);
        }
        // Weighted, the adopters' share of the node's tie strength.
        let (adopted, all) = n.pull();
        let share = if n.degree == 0 || all == 0.0 {
            0.0
        } else {
            adopted / all
        };
        let pull = self.p + self.q * share;
        let chance = match self.dt {
            Some(dt) => -(-pull * dt).exp_m1(),
            None => pull,
        };
        if draw() < chance {
            (node::ACTIVE, change::STARTED)
        } else {
            (n.state, 0)
        }
    }

    fn values(&self, t: &Counts) -> Vec<f64> {
        vec![t.share(&[node::ACTIVE]), t.started as f64]
    }

    /// Everyone has adopted; or there is no outside influence and nothing
    /// inside to spread (no adopters, or no inside influence).
    fn settled(&self, all: &[f64], _tick: u32) -> bool {
        let adopted = all.first().copied().unwrap_or(0.0);
        adopted == 1.0 || (self.p == 0.0 && (adopted == 0.0 || self.q == 0.0))
    }
}
