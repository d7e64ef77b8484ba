//! The linear threshold model: a node activates once enough of its
//! neighbours are active. Enough is a share of its neighbours, drawn
//! uniformly from (0, 1] for each node in each run (Kempe, Kleinberg and
//! Tardos), or the same share for every node (`threshold`, Watts 2002's
//! phi), or each node's own drawn from a normal distribution around it
//! (`threshold_sd`, clipped to [0, 1]), or a number of neighbours
//! (`threshold_count`: the absolute rule of Granovetter, and of Centola's
//! complex contagion). A node moves only once someone it knows is active.

use super::{Counts, Node, Rule, change, node};
use crate::catalog::ModelKind;
use crate::scenario::ModelSpec;

/// The linear threshold model and its rule of "enough".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearThreshold {
    pub enough: Enough,
    /// Each node has a threshold of its own in the state (some groups set
    /// their members'); those of the others come from `enough`.
    pub own: bool,
}

/// When an inactive node's active neighbours are enough.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Enough {
    /// Their share reaches the node's own threshold, drawn per run.
    Drawn,
    /// Their share reaches this one threshold, every node's.
    Share(f64),
    /// Their share reaches the node's own threshold, drawn per run from a
    /// normal distribution (mean, standard deviation) clipped to [0, 1].
    Normal(f64, f64),
    /// They are at least this many.
    Count(u32),
}

impl LinearThreshold {
    /// Each node's own threshold, drawn in each run (the model as Kempe,
    /// Kleinberg and Tardos state it).
    pub const DRAWN: LinearThreshold = LinearThreshold {
        enough: Enough::Drawn,
        own: false,
    };

    /// The rule `enough`, every node's the same way.
    pub const fn of(enough: Enough) -> LinearThreshold {
        LinearThreshold { enough, own: false }
    }
}

/// A threshold drawn from a normal distribution, clipped to [0, 1] (one
/// value when `sd` is 0, with no draw).
pub fn clipped_normal(mean: f64, sd: f64, r: &mut crate::rng::Stream) -> f32 {
    if sd == 0.0 {
        return mean as f32;
    }
    let z: f64 = rand::RngExt::sample(r, rand_distr::StandardNormal);
    (mean + sd * z).clamp(0.0, 1.0) as f32
}

impl Rule for LinearThreshold {
    const KIND: ModelKind = ModelKind::LinearThreshold;
    const SEEDED: u8 = node::ACTIVE;

    fn new(model: &ModelSpec) -> Self {
        let given = |key| model.given(key);
        let enough = match (
            given("threshold"),
            given("threshold_count"),
            given("threshold_sd"),
        ) {
            (_, Some(k), _) => Enough::Count(k as u32),
            (Some(phi), None, Some(sd)) if sd > 0.0 => Enough::Normal(phi, sd),
            (Some(phi), None, _) => Enough::Share(phi),
            (None, None, _) => Enough::Drawn,
        };
        LinearThreshold::of(enough)
    }

    fn seed_share(model: &ModelSpec) -> f64 {
        model.get("initial_active_share")
    }

    /// The share rules weigh a tie against the strongest; the absolute
    /// rule counts its strength against k, capped at k (one tie that
    /// strong is enough alone), as a share of k so that sums stay small.
    fn carries(&self, weight: f64, strongest: f64) -> f64 {
        match self.enough {
            Enough::Count(k) => weight.min(f64::from(k)) / f64::from(k),
            _ if strongest > 0.0 => weight / strongest,
            _ => 0.0,
        }
    }

    fn draws_thresholds(&self) -> bool {
        self.own || matches!(self.enough, Enough::Drawn | Enough::Normal(..))
    }

    fn draw_threshold(&self, r: &mut crate::rng::Stream) -> f32 {
        use rand::RngExt;
        match self.enough {
            Enough::Normal(mean, sd) => clipped_normal(mean, sd, r),
            Enough::Share(phi) => phi as f32,
            _ => (1.0 - r.random::<f64>()) as f32,
        }
    }

    /// Equal in-weights 1/degree: active when the active share of
    /// neighbours reaches the threshold (or their number the count); a
    /// node with no active neighbour (so an isolated one, even with a
    /// threshold of 0) and, weighted, one whose ties are all of strength 0
    /// never activate.
    fn decide(&self, n: Node, _draw: impl Fn() -> f64) -> (u8, u8) {
        // Weighted, the active neighbours' and all neighbours' ties, each
        // as a share of the strongest tie.
        let (active, all) = n.pull();
        if n.state != node::INACTIVE || n.count == 0 || all == 0.0 {
            return (n.state, 0);
        }
        let enough = match self.enough {
            Enough::Drawn | Enough::Normal(..) => n.reaches(active, f64::from(n.threshold) * all),
            Enough::Share(_) if self.own => n.reaches(active, f64::from(n.threshold) * all),
            Enough::Share(phi) => n.reaches(active, phi * all),
            // Weighted, each tie carries its share of k (see `carries`).
            Enough::Count(k) => match n.ties {
                Some(_) => n.reaches(active, 1.0),
                None => n.count >= k,
            },
        };
        if enough {
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
