//! Discrete-time SIR: each tick every infected node tries once to infect
//! each susceptible neighbour with probability `beta`, then recovers with
//! probability `gamma`.

use super::{Counts, Node, Rule, any_of, change, node};
use crate::catalog::ModelKind;
use crate::scenario::ModelSpec;

/// SIR's parameters.
#[derive(Debug, Clone, Copy)]
pub struct Sir {
    pub beta: f64,
    pub gamma: f64,
}

impl Sir {
    /// The chance a susceptible node is infected this tick: at least one
    /// infected neighbour passes it on, each independently.
    fn infection(&self, n: &Node) -> f64 {
        match n.ties {
            Some(t) => -(-t.driving).exp_m1(),
            None => any_of(self.beta, n.count),
        }
    }
}

impl Rule for Sir {
    const KIND: ModelKind = ModelKind::Sir;
    const SEEDED: u8 = node::INFECTED;
    const COUNTS_END: bool = true;

    fn new(model: &ModelSpec) -> Self {
        Sir {
            beta: model.get("beta"),
            gamma: model.get("gamma"),
        }
    }

    fn seed_share(model: &ModelSpec) -> f64 {
        model.get("initial_infected_share")
    }

    /// A susceptible node with k infected neighbours is infected with
    /// probability 1 - (1 - beta)^k, the same as k independent tries.
    fn decide(&self, n: Node, draw: impl Fn() -> f64) -> (u8, u8) {
        match n.state {
            node::SUSCEPTIBLE if n.count > 0 && draw() < self.infection(&n) => {
                (node::INFECTED, change::STARTED)
            }
            node::INFECTED if draw() < self.gamma => (node::RECOVERED, change::ENDED),
            s => (s, 0),
        }
    }

    /// A tie of strength w passes the infection with chance min(1, beta w)
    /// a tick: its hazard is what it carries.
    fn carries(&self, weight: f64, _strongest: f64) -> f64 {
        super::hazard(self.beta * weight)
    }

    fn values(&self, t: &Counts) -> Vec<f64> {
        vec![
            t.share(&[node::SUSCEPTIBLE]),
            t.share(&[node::INFECTED]),
            t.share(&[node::RECOVERED]),
            t.started as f64,
            t.ended as f64,
        ]
    }

    /// With no one infected, no one can be.
    fn settled(&self, all: &[f64], _tick: u32) -> bool {
        all.get(1) == Some(&0.0)
    }
}
