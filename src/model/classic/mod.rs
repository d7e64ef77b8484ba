//! The field's classic diffusion models in grapevine's engine, one file
//! each: discrete-time SIR ([`sir`]), independent cascade ([`cascade`]),
//! linear threshold ([`threshold`]) and the Bass model on a network
//! ([`bass`]). Each is a [`Rule`]; this file runs any rule as a
//! [`Dynamics`].
//!
//! Each tick has two phases. In the first every node decides its own next
//! state from its state and a count of its neighbours in the state that
//! matters (infected, newly active, active, adopted), kept in atomics; it
//! writes only its own slot. In the second each node that changed adds to
//! (or takes from) its neighbours' counts. Additions commute, so the counts,
//! and every result, are the same on any number of threads. The work in the
//! second phase is proportional to the changes, not to the population.
//!
//! On a weighted network a node also keeps the sum of what its driving
//! neighbours' ties carry (each rule says what a tie of a given strength
//! carries: its chance as a hazard for SIR and the cascade, its share of
//! the node's ties for the threshold and Bass). The sum is kept in fixed
//! point, in integer atomics, so that it too is the same whatever order
//! the additions come in.

pub mod bass;
pub mod cascade;
pub mod sir;
pub mod threshold;

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

use rand::RngExt;
use rayon::prelude::*;

use super::population::Population;
use super::state::CHUNK;
use super::{Clock, Dynamics, Frame};
use crate::catalog::ModelKind;
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

/// What a node sees when it decides: its state, how many neighbours are in
/// the state that drives it, its degree, (linear threshold) its threshold,
/// and on a weighted network what its ties carry.
#[derive(Debug, Clone, Copy)]
pub struct Node {
    pub state: u8,
    pub count: u32,
    pub degree: usize,
    pub threshold: f32,
    /// On a weighted network: what the driving neighbours' ties carry, and
    /// what all its ties would.
    pub ties: Option<Ties>,
}

/// What a node's ties carry, in its rule's units ([`Rule::carries`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ties {
    /// The sum over its neighbours in the driving state.
    pub driving: f64,
    /// The sum over all its neighbours.
    pub all: f64,
}

impl Node {
    /// The driving neighbours and all neighbours, weighted by their ties
    /// where the network is weighted, counted where it is not.
    pub fn pull(&self) -> (f64, f64) {
        self.ties
            .map_or((f64::from(self.count), self.degree as f64), |t| {
                (t.driving, t.all)
            })
    }

    /// Whether the driving neighbours reach `target` (in the units of
    /// [`Node::pull`]). Weighted sums are rounded to 2^-32 a tie, so a sum
    /// that reaches its target in exact arithmetic is allowed that much
    /// short of it.
    pub fn reaches(&self, driving: f64, target: f64) -> bool {
        match self.ties {
            Some(_) => driving + self.degree as f64 * (0.5 / UNIT) >= target,
            None => driving >= target,
        }
    }
}

/// The fixed point a weighted sum is kept in: 2^-32 of a unit.
const UNIT: f64 = 4_294_967_296.0;

/// The most one tie may carry as a hazard: e^-40 is below an `f64` draw's
/// resolution, so a certain tie stays certain and sums stay far from
/// overflowing.
pub const CERTAIN: f64 = 40.0;

/// The hazard of a chance: -ln(1 - p), so that independent chances add
/// (at most [`CERTAIN`]).
#[inline]
pub fn hazard(p: f64) -> f64 {
    (-(-p.min(1.0)).ln_1p()).min(CERTAIN)
}

/// Counts over some nodes: how many, how many in each node state, how many
/// started and ended this tick.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub agents: u64,
    pub in_state: [u64; 3],
    pub started: u64,
    pub ended: u64,
}

impl Counts {
    /// The share of the nodes counted that are in `states`.
    pub fn share(&self, states: &[u8]) -> f64 {
        if self.agents == 0 {
            return 0.0;
        }
        let k: u64 = states.iter().map(|&s| self.in_state[s as usize]).sum();
        k as f64 / self.agents as f64
    }

    fn add(&mut self, o: &Counts) {
        self.agents += o.agents;
        self.in_state
            .iter_mut()
            .zip(o.in_state)
            .for_each(|(a, b)| *a += b);
        self.started += o.started;
        self.ended += o.ended;
    }
}

/// A classic model's rule: how one node changes, and what is measured.
pub trait Rule: Sync {
    /// Which model this is (its measures are declared in the catalogue).
    const KIND: ModelKind;

    /// The state the seeds start in.
    const SEEDED: u8;

    /// Whether a node leaving its state lowers its neighbours' counts: an
    /// infected node that recovers, a newly active node that has had its
    /// chance.
    const COUNTS_END: bool = false;

    /// A node's next state and what changed ([`change`] bits), from what it
    /// sees; `draw()` gives a uniform number from its keyed stream, and is
    /// called only when a chance is taken.
    fn decide(&self, node: Node, draw: impl Fn() -> f64) -> (u8, u8);

    /// The rule with a scenario's values of its declared parameters.
    fn new(model: &ModelSpec) -> Self;

    /// What a tie of strength `weight` carries on a weighted network, where
    /// the strongest tie is `strongest`: by default its share of that
    /// strength (the threshold's and Bass's weighted share of neighbours);
    /// a rule with a chance per contact gives its hazard.
    fn carries(&self, weight: f64, strongest: f64) -> f64 {
        if strongest > 0.0 {
            weight / strongest
        } else {
            0.0
        }
    }

    /// The share of nodes seeded at tick 0 (none unless it declares one).
    fn seed_share(_model: &ModelSpec) -> f64 {
        0.0
    }

    /// Whether each node draws its own threshold in each run (linear
    /// threshold, when the scenario gives none).
    fn draws_thresholds(&self) -> bool {
        false
    }

    /// A node's threshold for a run, from its own stream: uniform on
    /// (0, 1] unless the rule says otherwise.
    fn draw_threshold(&self, r: &mut rng::Stream) -> f32 {
        (1.0 - r.random::<f64>()) as f32
    }

    /// The figures of some nodes' counts, in the order of the measures.
    fn values(&self, counts: &Counts) -> Vec<f64>;

    /// Whether nothing can change after `tick`, given the whole
    /// population's figures `all` at it.
    fn settled(&self, all: &[f64], tick: u32) -> bool;
}

/// Each variant's dynamics of rule `R`, on its population, starting from
/// `seeds` (the model's share at random when `None`).
pub fn build<'a, R: Rule>(
    populations: impl Iterator<Item = Population<'a>>,
    model: &ModelSpec,
    seeds: Option<&Seeding>,
) -> Vec<Classic<'a, R>> {
    populations
        .map(|p| {
            let seeding = seeds
                .cloned()
                .unwrap_or(Seeding::Share(R::seed_share(model)));
            Classic::new(p, R::new(model), seeding)
        })
        .collect()
}

/// Which nodes start (infected, active) at tick 0.
#[derive(Debug, Clone, PartialEq)]
pub enum Seeding {
    /// round(share x n) nodes at random, anew in each run.
    Share(f64),
    /// This many nodes at random, anew in each run.
    Random(u32),
    /// The best-connected this many (of equal degree, the lower index).
    TopDegree(u32),
    /// These nodes (indices), in every run.
    Nodes(Vec<u32>),
    /// The seeding among the members of this group only.
    Group(u8, Box<Seeding>),
}

/// The state of a classic model in one replication.
#[derive(Debug, Default)]
pub struct ClassicState {
    pub node: Vec<u8>,
    /// [`change`] bits for this tick.
    pub changed: Vec<u8>,
    /// Per node, how many neighbours are in the state that drives it.
    pub count: Vec<AtomicU32>,
    /// Linear threshold: each node's threshold, uniform on (0, 1].
    pub threshold: Vec<f32>,
    /// Weighted networks: per node, what its driving neighbours' ties carry,
    /// in units of 2^-32; empty on an unweighted network.
    pub carried: Vec<AtomicU64>,
}

impl Clone for ClassicState {
    fn clone(&self) -> Self {
        Self {
            node: self.node.clone(),
            changed: self.changed.clone(),
            count: self
                .count
                .iter()
                .map(|c| AtomicU32::new(c.load(Relaxed)))
                .collect(),
            threshold: self.threshold.clone(),
            carried: self
                .carried
                .iter()
                .map(|c| AtomicU64::new(c.load(Relaxed)))
                .collect(),
        }
    }
}

/// Bytes of state per agent for the classic models: a node state, a
/// change, a count and a threshold.
pub const BYTES_PER_AGENT: u64 = (std::mem::size_of::<u8>()
    + std::mem::size_of::<u8>()
    + std::mem::size_of::<AtomicU32>()
    + std::mem::size_of::<f32>()) as u64;

/// Bytes more per agent on a weighted network: what its driving ties carry,
/// and what all its ties do.
pub const WEIGHTED_BYTES_PER_AGENT: u64 = 2 * std::mem::size_of::<u64>() as u64;

/// A classic model on a population: its rule, and the nodes seeded at
/// tick 0.
pub struct Classic<'a, R: Rule> {
    pub population: Population<'a>,
    pub rule: R,
    pub seeding: Seeding,
    /// Weighted networks: the strongest tie, and per node what all its ties
    /// carry (fixed point); empty on an unweighted network.
    strongest: f64,
    all_carried: Vec<u64>,
    /// Per group, its members' own threshold (mean, standard deviation),
    /// where the group gives one (linear threshold).
    group_thresholds: Vec<Option<(f64, f64)>>,
}

impl<'a, R: Rule> Classic<'a, R> {
    pub fn new(population: Population<'a>, rule: R, seeding: Seeding) -> Self {
        let graph = population.graph;
        let strongest = graph.weight_range().map_or(1.0, |r| r.max);
        let mut classic = Self {
            population,
            rule,
            seeding,
            strongest,
            all_carried: Vec::new(),
            group_thresholds: Vec::new(),
        };
        if graph.is_weighted() {
            classic.all_carried = (0..graph.nodes())
                .into_par_iter()
                .map(|i| (0..graph.degree(i)).map(|k| classic.carried(i, k)).sum())
                .collect();
        }
        classic
    }

    /// What agent `i`'s `k`th tie carries, in fixed point.
    #[inline]
    fn carried(&self, i: usize, k: usize) -> u64 {
        let w = f64::from(self.population.graph.weight(i, k));
        (self.rule.carries(w, self.strongest) * UNIT).round() as u64
    }

    /// Agent `i`'s neighbours' counts (and, weighted, what its ties carry
    /// to them) go up or down, as `i` starts or stops driving them.
    #[inline]
    fn tell_neighbours(&self, i: usize, up: bool, count: &[AtomicU32], carried: &[AtomicU64]) {
        let neighbours = self.population.graph.neighbours(i);
        for (k, &j) in neighbours.iter().enumerate() {
            let j = j as usize;
            if up {
                count[j].fetch_add(1, Relaxed);
            } else {
                count[j].fetch_sub(1, Relaxed);
            }
            if !carried.is_empty() {
                // The tie is the same both ways: what i's kth tie carries
                // is what j's tie to i does.
                let c = self.carried(i, k);
                if up {
                    carried[j].fetch_add(c, Relaxed);
                } else {
                    carried[j].fetch_sub(c, Relaxed);
                }
            }
        }
    }

    /// The seeds of `replication`: the named ones, the best-connected, or
    /// a number (exactly round(share x n) for a share) chosen uniformly;
    /// of a group's members where the seeding says so.
    fn seeds(&self, replication: u32) -> Vec<u32> {
        let n = self.population.agents();
        let (mut order, pick): (Vec<u32>, &Seeding) = match &self.seeding {
            Seeding::Group(g, pick) => {
                let group = &self.population.group;
                let members = (0..n as u32).filter(|&i| group[i as usize] == *g);
                (members.collect(), pick)
            }
            pick => ((0..n as u32).collect(), pick),
        };
        let m = order.len();
        let k = match pick {
            Seeding::Share(share) => ((share * m as f64).round() as usize).min(m),
            Seeding::Random(k) => (*k as usize).min(m),
            Seeding::TopDegree(k) => {
                let graph = self.population.graph;
                order.sort_by_key(|&i| (std::cmp::Reverse(graph.degree(i as usize)), i));
                order.truncate(*k as usize);
                return order;
            }
            Seeding::Nodes(nodes) => return nodes.clone(),
            Seeding::Group(..) => 0,
        };
        let mut r = rng::stream(
            self.population.seed,
            replication,
            0,
            u64::MAX,
            Purpose::Init,
        );
        for i in 0..k {
            let j = r.random_range(i..m);
            order.swap(i, j);
        }
        order.truncate(k);
        order
    }

    /// Phase 1: each node of a chunk (starting at agent `first`) takes its
    /// next state, from its own state and its count.
    fn decide(
        &self,
        clock: Clock,
        first: usize,
        nodes: &mut [u8],
        changed: &mut [u8],
        c: Shared<'_>,
    ) {
        let graph = self.population.graph;
        let key = rng::Key::new(
            self.population.seed,
            clock.replication,
            clock.tick,
            Purpose::Decision,
        );
        for k in 0..nodes.len() {
            let i = first + k;
            let draw = || key.stream(i as u64).random::<f64>();
            let ties = (!c.carried.is_empty()).then(|| Ties {
                driving: c.carried[i].load(Relaxed) as f64 / UNIT,
                all: self.all_carried[i] as f64 / UNIT,
            });
            let node = Node {
                state: nodes[k],
                count: c.count[i].load(Relaxed),
                degree: graph.degree(i),
                threshold: c.threshold.get(i).copied().unwrap_or(1.0),
                ties,
            };
            let (next, what) = self.rule.decide(node, draw);
            nodes[k] = next;
            changed[k] = what;
        }
    }

    /// The two phases of a tick; with `measure`, each chunk's counts per
    /// group, in chunk order.
    fn tick(
        &self,
        c: &mut ClassicState,
        clock: Clock,
        parallel: bool,
        measure: bool,
    ) -> Vec<Vec<Counts>> {
        let shared = Shared {
            count: &c.count,
            carried: &c.carried,
            threshold: &c.threshold,
        };
        let decide = |(k, (nodes, changed)): (usize, (&mut [u8], &mut [u8]))| {
            self.decide(clock, k * CHUNK, nodes, changed, shared);
            if measure {
                self.count(k * CHUNK, nodes, changed)
            } else {
                Vec::new()
            }
        };
        let parts = if parallel {
            c.node
                .par_chunks_mut(CHUNK)
                .zip(c.changed.par_chunks_mut(CHUNK))
                .enumerate()
                .map(decide)
                .collect()
        } else {
            c.node
                .chunks_mut(CHUNK)
                .zip(c.changed.chunks_mut(CHUNK))
                .enumerate()
                .map(decide)
                .collect()
        };
        let push = |(k, changed): (usize, &[u8])| self.spread(k * CHUNK, changed, shared);
        if parallel {
            c.changed.par_chunks(CHUNK).enumerate().for_each(push);
        } else {
            c.changed.chunks(CHUNK).enumerate().for_each(push);
        }
        parts
    }

    /// The counts per group of the nodes from `first` on, in `nodes`'
    /// states, `changed` this tick.
    fn count(&self, first: usize, nodes: &[u8], changed: &[u8]) -> Vec<Counts> {
        let group = &self.population.group[first..first + nodes.len()];
        let mut t = vec![Counts::default(); self.population.groups.len()];
        for ((&g, &state), &what) in group.iter().zip(nodes).zip(changed) {
            let g = &mut t[g as usize];
            g.agents += 1;
            g.in_state[state.min(2) as usize] += 1;
            g.started += u64::from(what == change::STARTED);
            g.ended += u64::from(what == change::ENDED);
        }
        t
    }

    /// The frame from each chunk's counts per group, added in chunk order.
    fn frame_of(&self, parts: &[Vec<Counts>]) -> Frame {
        let mut per_group = vec![Counts::default(); self.population.groups.len()];
        for p in parts {
            per_group.iter_mut().zip(p).for_each(|(a, b)| a.add(b));
        }
        let mut all = Counts::default();
        per_group.iter().for_each(|g| all.add(g));
        std::iter::once(&all)
            .chain(&per_group)
            .flat_map(|t| self.rule.values(t))
            .collect()
    }

    /// Phase 2: the nodes of a chunk that changed tell their neighbours'
    /// counts.
    fn spread(&self, first: usize, changed: &[u8], c: Shared<'_>) {
        for (k, &what) in changed.iter().enumerate() {
            if what == change::STARTED {
                self.tell_neighbours(first + k, true, c.count, c.carried);
            } else if what != 0 && R::COUNTS_END {
                self.tell_neighbours(first + k, false, c.count, c.carried);
            }
        }
    }
}

/// What every node reads and its neighbours change during a tick: the
/// counts, the weighted sums, the thresholds.
#[derive(Clone, Copy)]
struct Shared<'s> {
    count: &'s [AtomicU32],
    carried: &'s [AtomicU64],
    threshold: &'s [f32],
}

impl<'a> Classic<'a, threshold::LinearThreshold> {
    /// The model with the groups' own thresholds (mean, standard
    /// deviation), where they give one, group by group.
    pub fn with_group_thresholds(mut self, thresholds: Vec<Option<(f64, f64)>>) -> Self {
        if thresholds.iter().any(Option::is_some) {
            self.rule.own = true;
            self.group_thresholds = thresholds;
        }
        self
    }
}

/// Probability that at least one of `k` independent tries, each with
/// probability `p`, succeeds.
#[inline]
pub fn any_of(p: f64, k: u32) -> f64 {
    if k == 1 {
        p
    } else {
        1.0 - (1.0 - p).powi(k as i32)
    }
}

impl<R: Rule> Dynamics for Classic<'_, R> {
    type State = ClassicState;

    fn kind(&self) -> ModelKind {
        R::KIND
    }

    fn agents(&self) -> usize {
        self.population.agents()
    }

    /// The seeds infected or active, thresholds drawn.
    fn initial_state(&self, replication: u32) -> ClassicState {
        let n = self.agents();
        let mut c = ClassicState {
            node: vec![0; n],
            changed: vec![0; n],
            count: (0..n).map(|_| AtomicU32::new(0)).collect(),
            threshold: Vec::new(),
            carried: Vec::new(),
        };
        if self.population.graph.is_weighted() {
            c.carried = (0..n).map(|_| AtomicU64::new(0)).collect();
        }
        if self.rule.draws_thresholds() {
            c.threshold = (0..n)
                .map(|i| {
                    let mut r = rng::stream(
                        self.population.seed,
                        replication,
                        0,
                        i as u64,
                        Purpose::Init,
                    );
                    let group = self.population.group[i] as usize;
                    match self.group_thresholds.get(group).copied().flatten() {
                        Some((mean, sd)) => threshold::clipped_normal(mean, sd, &mut r),
                        None => self.rule.draw_threshold(&mut r),
                    }
                })
                .collect();
        }
        for s in self.seeds(replication) {
            c.node[s as usize] = R::SEEDED;
            self.tell_neighbours(s as usize, true, &c.count, &c.carried);
        }
        c
    }

    /// Every node decides, then the changes reach the neighbours.
    fn step(&self, c: &mut ClassicState, clock: Clock, parallel: bool) {
        self.tick(c, clock, parallel, false);
    }

    /// The tick, each node counted as it decides (its state is final
    /// then: the spreading that follows changes counts, not states).
    fn step_measured(&self, c: &mut ClassicState, clock: Clock, parallel: bool) -> Frame {
        let parts = self.tick(c, clock, parallel, true);
        self.frame_of(&parts)
    }

    /// Per group and overall, the share in each state and the changes this
    /// tick, counted in fixed chunks.
    fn measure(&self, c: &ClassicState, _tick: u32, parallel: bool) -> Frame {
        let n = c.node.len();
        let part = |k: usize| {
            let range = k * CHUNK..((k + 1) * CHUNK).min(n);
            self.count(range.start, &c.node[range.clone()], &c.changed[range])
        };
        let chunks = n.div_ceil(CHUNK);
        let parts: Vec<Vec<Counts>> = if parallel {
            (0..chunks).into_par_iter().map(part).collect()
        } else {
            (0..chunks).map(part).collect()
        };
        self.frame_of(&parts)
    }

    fn settled(&self, frame: &Frame, tick: u32) -> bool {
        let width = R::KIND.measures().len();
        self.rule.settled(&frame[..width.min(frame.len())], tick)
    }
}

#[cfg(test)]
mod tests;
