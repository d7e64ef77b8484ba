//! The field's classic diffusion models in grapevine's engine: discrete-time
//! SIR, independent cascade, linear threshold and the Bass model on a
//! network.
//!
//! Each tick has two phases. In the first every node decides its own next
//! state from its state and a count of its neighbours in the state that
//! matters (infected, newly active, active, adopted), kept in atomics; it
//! writes only its own slot. In the second each node that changed adds to
//! (or takes from) its neighbours' counts. Additions commute, so the counts,
//! and every result, are the same on any number of threads. The work in the
//! second phase is proportional to the changes, not to the population.

use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

use rand::RngExt;
use rayon::prelude::*;

use super::state::CHUNK;
use super::{Clock, State, World};
use crate::rng::{self, Purpose};
use crate::scenario::ModelSpec;

/// Node states. SIR: susceptible, infected, recovered. Independent cascade:
/// inactive, newly active (has its one chance this tick), active (spent).
/// Linear threshold and Bass: inactive, active (adopted).
pub mod node {
    pub const SUSCEPTIBLE: u8 = 0;
    pub const INFECTED: u8 = 1;
    pub const RECOVERED: u8 = 2;
    pub const INACTIVE: u8 = 0;
    pub const NEW: u8 = 1;
    pub const ACTIVE: u8 = 2;
}

/// What happened to a node this tick.
pub mod change {
    /// Became infected, active or an adopter.
    pub const STARTED: u8 = 1;
    /// Recovered (SIR), or spent its chance (independent cascade).
    pub const ENDED: u8 = 2;
}

/// The state of a classic model in one replication.
#[derive(Debug, Default)]
pub struct Classic {
    pub node: Vec<u8>,
    /// [`change`] bits for this tick.
    pub changed: Vec<u8>,
    /// Per node, how many neighbours are in the state that drives it.
    pub count: Vec<AtomicU32>,
    /// Linear threshold: each node's threshold, uniform on (0, 1].
    pub threshold: Vec<f32>,
}

/// Bytes of state per agent for the classic models.
pub const BYTES_PER_AGENT: u64 = 1 + 1 + 4 + 4;

/// The seeds: exactly round(share x n) nodes, chosen uniformly per
/// replication.
fn seeds(world: &World<'_>, replication: u32, share: f64) -> Vec<u32> {
    let n = world.agents();
    let k = ((share * n as f64).round() as usize).min(n);
    let mut order: Vec<u32> = (0..n as u32).collect();
    let mut r = rng::stream(world.seed, replication, 0, u64::MAX, Purpose::Init);
    for i in 0..k {
        let j = r.random_range(i..n);
        order.swap(i, j);
    }
    order.truncate(k);
    order
}

/// The state at tick 0: the seeds infected or active, thresholds drawn.
pub fn initial_state(world: &World<'_>, replication: u32) -> State {
    let n = world.agents();
    let mut c = Classic {
        node: vec![0; n],
        changed: vec![0; n],
        count: (0..n).map(|_| AtomicU32::new(0)).collect(),
        threshold: Vec::new(),
    };
    let (start, share) = match world.model {
        ModelSpec::Sir {
            initial_infected_share,
            ..
        } => (node::INFECTED, initial_infected_share),
        ModelSpec::IndependentCascade {
            initial_active_share,
            ..
        } => (node::NEW, initial_active_share),
        ModelSpec::LinearThreshold {
            initial_active_share,
        } => (node::ACTIVE, initial_active_share),
        ModelSpec::Bass { .. } | ModelSpec::WordOfMouth => (node::ACTIVE, 0.0),
    };
    if let ModelSpec::LinearThreshold { .. } = world.model {
        c.threshold = (0..n)
            .map(|i| {
                let mut r = rng::stream(world.seed, replication, 0, i as u64, Purpose::Init);
                (1.0 - r.random::<f64>()) as f32
            })
            .collect();
    }
    for s in seeds(world, replication, share) {
        c.node[s as usize] = start;
        for &j in world.graph.neighbours(s as usize) {
            c.count[j as usize].fetch_add(1, Relaxed);
        }
    }
    State::classic(c)
}

/// One tick: every node decides, then the changes reach the neighbours.
pub fn step(world: &World<'_>, state: &mut State, clock: Clock, parallel: bool) {
    let c = state.classic.as_mut().expect("a classic model's state");
    let (count, threshold) = (&c.count, &c.threshold);
    let decide = |(k, (nodes, changed)): (usize, (&mut [u8], &mut [u8]))| {
        decide(world, clock, k * CHUNK, nodes, changed, count, threshold);
    };
    if parallel {
        c.node
            .par_chunks_mut(CHUNK)
            .zip(c.changed.par_chunks_mut(CHUNK))
            .enumerate()
            .for_each(decide);
    } else {
        c.node
            .chunks_mut(CHUNK)
            .zip(c.changed.chunks_mut(CHUNK))
            .enumerate()
            .for_each(decide);
    }
    let push = |(k, changed): (usize, &[u8])| spread(world, k * CHUNK, changed, count);
    if parallel {
        c.changed.par_chunks(CHUNK).enumerate().for_each(push);
    } else {
        c.changed.chunks(CHUNK).enumerate().for_each(push);
    }
}

/// Probability that at least one of `k` independent tries, each with
/// probability `p`, succeeds.
#[inline]
fn any_of(p: f64, k: u32) -> f64 {
    if k == 1 {
        p
    } else {
        1.0 - (1.0 - p).powi(k as i32)
    }
}

/// Phase 1: each node of a chunk (starting at agent `first`) takes its next
/// state, from its own state and its count.
fn decide(
    world: &World<'_>,
    clock: Clock,
    first: usize,
    nodes: &mut [u8],
    changed: &mut [u8],
    count: &[AtomicU32],
    threshold: &[f32],
) {
    for k in 0..nodes.len() {
        let i = first + k;
        changed[k] = 0;
        let c = count[i].load(Relaxed);
        let draw = || {
            rng::stream(
                world.seed,
                clock.replication,
                clock.tick,
                i as u64,
                Purpose::Decision,
            )
            .random::<f64>()
        };
        let state = nodes[k];
        let (next, what) = match world.model {
            ModelSpec::Sir { beta, gamma, .. } => match state {
                node::SUSCEPTIBLE if c > 0 && draw() < any_of(beta, c) => {
                    (node::INFECTED, change::STARTED)
                }
                node::INFECTED if draw() < gamma => (node::RECOVERED, change::ENDED),
                s => (s, 0),
            },
            ModelSpec::IndependentCascade { probability, .. } => match state {
                node::INACTIVE if c > 0 && draw() < any_of(probability, c) => {
                    (node::NEW, change::STARTED)
                }
                node::NEW => (node::ACTIVE, change::ENDED),
                s => (s, 0),
            },
            ModelSpec::LinearThreshold { .. } => {
                let degree = world.graph.degree(i);
                // Equal in-weights 1/degree: active when the active share
                // of neighbours reaches the threshold.
                if state == node::INACTIVE
                    && degree > 0
                    && f64::from(c) >= f64::from(threshold[i]) * degree as f64
                {
                    (node::ACTIVE, change::STARTED)
                } else {
                    (state, 0)
                }
            }
            ModelSpec::Bass { p, q } => {
                if state == node::INACTIVE {
                    let degree = world.graph.degree(i);
                    let share = if degree == 0 {
                        0.0
                    } else {
                        f64::from(c) / degree as f64
                    };
                    if draw() < p + q * share {
                        (node::ACTIVE, change::STARTED)
                    } else {
                        (state, 0)
                    }
                } else {
                    (state, 0)
                }
            }
            ModelSpec::WordOfMouth => (state, 0),
        };
        nodes[k] = next;
        changed[k] = what;
    }
}

/// Phase 2: the nodes of a chunk that changed tell their neighbours' counts.
fn spread(world: &World<'_>, first: usize, changed: &[u8], count: &[AtomicU32]) {
    for (k, &what) in changed.iter().enumerate() {
        if what == 0 {
            continue;
        }
        let neighbours = world.graph.neighbours(first + k);
        if what == change::STARTED {
            neighbours
                .iter()
                .for_each(|&j| _ = count[j as usize].fetch_add(1, Relaxed));
        } else if counts_end(world.model) {
            neighbours
                .iter()
                .for_each(|&j| _ = count[j as usize].fetch_sub(1, Relaxed));
        }
    }
}

/// Whether a node leaving its state lowers its neighbours' counts: an
/// infected node that recovers, a newly active node that has had its chance.
fn counts_end(model: ModelSpec) -> bool {
    matches!(
        model,
        ModelSpec::Sir { .. } | ModelSpec::IndependentCascade { .. }
    )
}
