//! The independent cascade: each newly active node has one chance to
//! activate each inactive neighbour, with probability `probability`.

use super::{Counts, Node, Rule, any_of, change, node};
use crate::catalog::ModelKind;
use crate::scenario::ModelSpec;

/// The independent cascade's parameter.
#[derive(Debug, Clone, Copy)]
pub struct IndependentCascade {
    pub probability: f64,
}

impl IndependentCascade {
    /// The chance an inactive node is activated this tick by its newly
    /// active neighbours, each trying once, independently.
    fn activation(&self, n: &Node) -> f64 {
        match n.ties {
            Some(t) => -(-t.driving).exp_m1(),
            None => any_of(self.probability, n.count),
        }
    }
}

impl Rule for IndependentCascade {
    const KIND: ModelKind = ModelKind::IndependentCascade;
    const SEEDED: u8 = node::NEW;

    fn new(model: &ModelSpec) -> Self {
        IndependentCascade {
            probability: model.get("probability"),
        }
    }

    fn seed_share(model: &ModelSpec) -> f64 {
        model.get("initial_active_share")
    }
    const COUNTS_END: bool = true;

    fn decide(&self, n: Node, draw: impl Fn() -> f64) -> (u8, u8) {
        match n.state {
            node::INACTIVE if n.count > 0 && draw() < self.activation(&n) => {
                (node::NEW, change::STARTED)
            }
            node::NEW => (node::ACTIVE, change::ENDED),
            s => (s, 0),
        }
    }

    /// A tie of strength w gives its one chance with probability
    /// min(1, probability x w): its hazard is what it carries.
    fn carries(&self, weight: f64, _strongest: f64) -> f64 {
        super::hazard(self.probability * weight)
    }

    fn values(&self, t: &Counts) -> Vec<f64> {
        vec![t.share(&[node::NEW, node::ACTIVE]), t.started as f64]
    }

    /// The nodes activated in a tick are the only ones with a chance in the
    /// next: when there are none, the cascade is over.
    fn settled(&self, all: &[f64], tick: u32) -> bool {
        tick > 0 && all.get(1) == Some(&0.0)
    }
}
