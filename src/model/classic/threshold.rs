//! The linear threshold model: a node activates once the share of its
//! neighbours who are active reaches its threshold, drawn uniformly from
//! (0, 1] in each replication.

use super::{Counts, Node, Rule, change, node};
use crate::catalog::ModelKind;
use crate::scenario::ModelSpec;

/// The linear threshold model (its one parameter, the seeds, is common to
/// every classic model).
#[derive(Debug, Clone, Copy)]
pub struct LinearThreshold;

impl Rule for LinearThreshold {
    const KIND: ModelKind = ModelKind::LinearThreshold;
    const SEEDED: u8 = node::ACTIVE;
    const THRESHOLDS: bool = true;

    fn new(_model: &ModelSpec) -> Self {
        LinearThreshold
    }

    fn seed_share(model: &ModelSpec) -> f64 {
        model.get("initial_active_share")
    }

    /// Equal in-weights 1/degree: active when the active share of
    /// neighbours reaches the threshold; isolated nodes never activate.
    fn decide(&self, n: Node, _draw: impl Fn() -> f64) -> (u8, u8) {
        if n.state == node::INACTIVE
            && n.degree > 0
            && f64::from(n.count) >= f64::from(n.threshold) * n.degree as f64
        {
            (node::ACTIVE, change::STARTED)
        } else {
            (n.state, 0)
        }
    }

    fn values(&self, t: &Counts) -> Vec<f64> {
        vec![t.share(&[node::ACTIVE]), t.started as f64]
    }

    /// Thresholds are fixed: a tick in which no one activated changes no
    /// count, so every later tick would be the same.
    fn settled(&self, all: &[f64], tick: u32) -> bool {
        tick > 0 && all.get(1) == Some(&0.0)
    }
}
