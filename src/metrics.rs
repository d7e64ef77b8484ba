//! What is measured each tick, overall and per group.
//!
//! [`Recorder`] is the observer the engine calls after tick 0 and after each
//! tick; it reduces the population to one [`Frame`] of numbers per group
//! with integer counts and fixed-size chunks summed in a fixed order, so the
//! figures are bit-identical on any number of threads. [`aggregate`] turns
//! the replications' frames into a mean and a 90% band.

use rayon::prelude::*;
use serde::Serialize;

use crate::model::classic::{change, node};
use crate::model::state::{CHUNK, event, flag, status};
use crate::model::{State, World};
use crate::scenario::ModelSpec;

pub use crate::measures::{Kind, Measure};

/// The word-of-mouth model's measures, in the order of its frames.
const WOM: &[Measure] = crate::catalog::WORD_OF_MOUTH.measures;

/// Counts over some agents, per group.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    agents: u64,
    attitude: f64,
    aware: u64,
    promoters: u64,
    detractors: u64,
    by_status: [u64; 4],
    events: [u64; event::COUNT],
    told: [u64; 4],
    reached_good: u64,
    reached_bad: u64,
    referrals: u64,
    staff: u64,
    staff_attitude: f64,
    value: f64,
    organisations: u64,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.agents += o.agents;
        self.attitude += o.attitude;
        self.aware += o.aware;
        self.promoters += o.promoters;
        self.detractors += o.detractors;
        self.reached_good += o.reached_good;
        self.reached_bad += o.reached_bad;
        self.referrals += o.referrals;
        self.staff += o.staff;
        self.staff_attitude += o.staff_attitude;
        self.value += o.value;
        self.organisations += o.organisations;
        self.by_status
            .iter_mut()
            .zip(o.by_status)
            .for_each(|(a, b)| *a += b);
        self.events
            .iter_mut()
            .zip(o.events)
            .for_each(|(a, b)| *a += b);
        self.told.iter_mut().zip(o.told).for_each(|(a, b)| *a += b);
    }

    fn values(&self) -> [f64; WOM.len()] {
        let f = |x: u64| x as f64;
        let share = |x: u64, of: u64| if of == 0 { 0.0 } else { x as f64 / of as f64 };
        let customers = self.by_status[status::CUSTOMER as usize];
        let nps = if customers == 0 {
            0.0
        } else {
            100.0 * (f(self.promoters) - f(self.detractors)) / f(customers)
        };
        let e = |bit: u16| f(self.events[bit.trailing_zeros() as usize]);
        [
            if self.agents == 0 {
                0.0
            } else {
                self.attitude / f(self.agents)
            },
            nps,
            share(self.aware, self.agents),
            f(self.by_status[status::PROSPECT as usize]),
            f(self.by_status[status::CUSTOMER as usize]),
            f(self.by_status[status::LAPSED as usize]),
            e(event::CONVERTED_OUTSIDE),
            e(event::CONVERTED_REFERRAL),
            e(event::WON_BACK),
            e(event::LAPSED),
            e(event::EXPERIENCE),
            e(event::DELIGHT),
            e(event::FAILURE),
            e(event::RECOVERED),
            f(self.told[0]),
            f(self.told[1]),
            f(self.told[2]),
            f(self.told[3]),
            e(event::HEARD_GOOD),
            e(event::HEARD_BAD),
            f(self.reached_good),
            f(self.reached_bad),
            f(self.referrals),
            e(event::INVITED),
            e(event::MOVED),
            if self.staff == 0 {
                0.0
            } else {
                self.staff_attitude / f(self.staff)
            },
            self.value,
            f(self.organisations),
        ]
    }
}

/// The 0-10 score of an attitude: round(5 (a + 1)), halves rounded up. The
/// tiny nudge keeps attitudes stored as f32 (0.7 is 0.69999999) on the side
/// of the boundary they were written on.
#[inline]
pub fn nps_score(attitude: f32) -> u8 {
    (5.0 * (f64::from(attitude) + 1.0) + 1e-6).round() as u8
}

fn tally_range(
    world: &World<'_>,
    state: &State,
    tick: u32,
    range: std::ops::Range<usize>,
    groups: usize,
) -> Vec<Tally> {
    use std::sync::atomic::Ordering::Relaxed;
    let mut t = vec![Tally::default(); groups];
    for i in range {
        let gi = world.group[i] as usize;
        let g = &mut t[gi];
        let a = state.attitude[i];
        if world.groups[gi].staff {
            g.staff += 1;
            g.staff_attitude += f64::from(a);
        }
        let customer = state.status[i] == status::CUSTOMER;
        let referred = state.events[i] & event::CONVERTED_REFERRAL != 0;
        if customer || referred {
            let market = &world.params(tick, i).market;
            if customer {
                g.value += market.value_per_tick;
            }
            if referred {
                g.value += market.value_per_referral;
            }
        }
        g.agents += 1;
        g.attitude += f64::from(a);
        g.aware += u64::from(state.flags[i] & flag::AWARE != 0);
        if state.status[i] == status::CUSTOMER {
            match nps_score(a) {
                9.. => g.promoters += 1,
                0..=6 => g.detractors += 1,
                _ => {}
            }
        }
        g.by_status[state.status[i] as usize] += 1;
        let ev = state.events[i];
        if ev != 0 {
            for (b, count) in g.events.iter_mut().enumerate() {
                *count += u64::from(ev >> b & 1);
            }
            if ev & event::TOLD != 0 {
                let slot = usize::from(ev & event::TOLD_BAD != 0) * 2
                    + usize::from(ev & event::TOLD_RETOLD != 0);
                g.told[slot] += u64::from(state.told_now[i]);
            }
        }
        g.reached_good += u64::from(state.flags[i] & flag::REACHED_GOOD != 0);
        g.reached_bad += u64::from(state.flags[i] & flag::REACHED_BAD != 0);
        g.referrals += u64::from(state.referred_now[i].load(Relaxed));
    }
    t
}

/// One tick's figures: `(groups + 1) x` the model's measures, the whole
/// population ("all") first, then each group in the scenario's order.
pub type Frame = Vec<f64>;

/// Measures the state after `tick`: one frame.
pub fn measure(world: &World<'_>, state: &State, tick: u32, parallel: bool) -> Frame {
    if world.model.is_classic() {
        return measure_classic(world, state, parallel);
    }
    let n = state.len();
    let groups = world.groups.len();
    let chunks = n.div_ceil(CHUNK);
    let part = |c: usize| {
        tally_range(
            world,
            state,
            tick,
            c * CHUNK..((c + 1) * CHUNK).min(n),
            groups,
        )
    };
    let parts: Vec<Vec<Tally>> = if parallel {
        (0..chunks).into_par_iter().map(part).collect()
    } else {
        (0..chunks).map(part).collect()
    };
    let mut per_group = vec![Tally::default(); groups];
    for p in &parts {
        per_group.iter_mut().zip(p).for_each(|(a, b)| a.add(b));
    }
    let mut all = Tally::default();
    per_group.iter().for_each(|g| all.add(g));
    if world.work.is_some() {
        let (each, any) = organisations_with_customers(world, state);
        per_group
            .iter_mut()
            .zip(each)
            .for_each(|(t, c)| t.organisations = c);
        all.organisations = any;
    }
    std::iter::once(&all)
        .chain(&per_group)
        .flat_map(|t| t.values())
        .collect()
}

/// A classic model's frame: per group and overall, the share in each state
/// and the changes this tick, counted in fixed chunks.
fn measure_classic(world: &World<'_>, state: &State, parallel: bool) -> Frame {
    let c = state.classic.as_ref().expect("a classic model's state");
    let groups = world.groups.len();
    let n = state.len();
    // Per group: agents, agents in each node state, started, ended.
    let part = |k: usize| {
        let mut t = vec![[0u64; 6]; groups];
        for i in k * CHUNK..((k + 1) * CHUNK).min(n) {
            let g = &mut t[world.group[i] as usize];
            g[0] += 1;
            g[1 + c.node[i].min(2) as usize] += 1;
            g[4] += u64::from(c.changed[i] == change::STARTED);
            g[5] += u64::from(c.changed[i] == change::ENDED);
        }
        t
    };
    let chunks = n.div_ceil(CHUNK);
    let parts: Vec<Vec<[u64; 6]>> = if parallel {
        (0..chunks).into_par_iter().map(part).collect()
    } else {
        (0..chunks).map(part).collect()
    };
    let mut per_group = vec![[0u64; 6]; groups];
    for p in &parts {
        for (a, b) in per_group.iter_mut().zip(p) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
    }
    let mut all = [0u64; 6];
    for g in &per_group {
        all.iter_mut().zip(g).for_each(|(x, y)| *x += y);
    }
    let values = |t: &[u64; 6]| -> Vec<f64> {
        let share = |x: u64| {
            if t[0] == 0 {
                0.0
            } else {
                x as f64 / t[0] as f64
            }
        };
        match world.model {
            ModelSpec::Sir { .. } => vec![
                share(t[1 + node::SUSCEPTIBLE as usize]),
                share(t[1 + node::INFECTED as usize]),
                share(t[1 + node::RECOVERED as usize]),
                t[4] as f64,
                t[5] as f64,
            ],
            ModelSpec::IndependentCascade { .. } => vec![
                share(t[1 + node::NEW as usize] + t[1 + node::ACTIVE as usize]),
                t[4] as f64,
            ],
            _ => vec![share(t[1 + node::ACTIVE as usize]), t[4] as f64],
        }
    };
    std::iter::once(&all)
        .chain(&per_group)
        .flat_map(values)
        .collect()
}

/// Organisations with at least one customer: per group, and of anyone.
/// Sorting the customers' (organisation, group) pairs keeps the work to
/// the customers, however many organisations there are.
fn organisations_with_customers(world: &World<'_>, state: &State) -> (Vec<u64>, u64) {
    use std::sync::atomic::Ordering::Relaxed;
    let groups = world.groups.len();
    let mut pairs: Vec<(u32, u8)> = (0..state.len())
        .filter(|&i| state.status[i] == status::CUSTOMER)
        .map(|i| (state.org[i].load(Relaxed), world.group[i]))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut each = vec![0u64; groups];
    for &(_, g) in &pairs {
        each[g as usize] += 1;
    }
    let mut any = 0;
    for (k, &(o, _)) in pairs.iter().enumerate() {
        if k == 0 || pairs[k - 1].0 != o {
            any += 1;
        }
    }
    (each, any)
}

/// The engine's observer: called with the state after tick 0 and each tick,
/// and once at the end of the replication.
pub trait Observer {
    fn observe(&mut self, tick: u32, world: &World<'_>, state: &State, parallel: bool);
    fn finish(&mut self) {}
}

/// How far one first-hand story travelled: the distinct people who heard it
/// from its teller or through retelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    /// The story's id (see `Story::id`).
    pub story: u64,
    pub bad: bool,
    pub people: u32,
}

/// The most (story, hearer) pairs a replication keeps for the reach
/// measure (16 bytes each: 64 MiB). Past it, half the stories are dropped
/// from the sample, as many times as it takes.
pub const REACH_BUDGET: usize = 4 << 20;

/// Keeps every frame of one replication, and the reach of its stories.
#[derive(Debug, Clone)]
pub struct Recorder {
    /// The measures in each frame (the model's list).
    pub measures: &'static [Measure],
    pub frames: Vec<Frame>,
    /// (story id, hearer) noted while the run goes; emptied by `finish`.
    heard: Vec<(u64, u32)>,
    /// How many times the sample of stories has been halved to stay within
    /// the budget.
    halvings: u32,
    /// Whether the world follows only a sample of its stories (a large
    /// population, or a fan-out that would note too many pairs a tick).
    stories_sampled: bool,
    /// The most pairs kept: [`REACH_BUDGET`] unless set (for tests).
    pub reach_budget: Option<usize>,
    /// Each tracked story's reach, in the order of their ids.
    pub reach: Vec<Reach>,
}

/// Whether a story stays in the sample after `halvings` halvings: a hash
/// of its id, so the choice depends on the story, not on the order threads
/// noted it.
fn kept(id: u64, halvings: u32) -> bool {
    halvings == 0
        || crate::rng::hash(id, 0, 0, 0, crate::rng::Purpose::Reach) >> (64 - halvings) == 0
}

impl Default for Recorder {
    fn default() -> Self {
        Self {
            measures: WOM,
            frames: Vec::new(),
            heard: Vec::new(),
            halvings: 0,
            stories_sampled: false,
            reach_budget: None,
            reach: Vec::new(),
        }
    }
}

impl Observer for Recorder {
    fn observe(&mut self, tick: u32, world: &World<'_>, state: &State, parallel: bool) {
        self.measures = world.model.kind().measures();
        self.frames.push(measure(world, state, tick, parallel));
        if world.model.is_classic() {
            return;
        }
        self.stories_sampled = world.reach_below != u64::MAX;
        let mut noted = state.reach.lock().unwrap_or_else(|e| e.into_inner());
        let halvings = self.halvings;
        self.heard
            .extend(noted.drain(..).filter(|&(id, _)| kept(id, halvings)));
        drop(noted);
        // A story is last retold `max_hops - 1` ticks after it was first
        // told: the stories older than that are complete, and counted now,
        // so only the last few ticks' pairs are held.
        if tick >= world.max_hops {
            let done = tick - world.max_hops;
            let (complete, live): (Vec<_>, Vec<_>) = std::mem::take(&mut self.heard)
                .into_iter()
                .partition(|&(id, _)| crate::model::state::unpack_id(id).1 <= done);
            self.heard = live;
            self.reach.extend(reach(complete));
        }
        let budget = self.reach_budget.unwrap_or(REACH_BUDGET);
        if self.heard.len() > budget {
            self.heard.sort_unstable();
            self.heard.dedup();
            while self.heard.len() > budget / 2 && self.halvings < 63 {
                self.halvings += 1;
                let h = self.halvings;
                self.heard.retain(|&(id, _)| kept(id, h));
                self.reach.retain(|r| kept(r.story, h));
            }
        }
    }

    fn finish(&mut self) {
        let rest = reach(std::mem::take(&mut self.heard));
        self.reach.extend(rest);
    }
}

impl Recorder {
    /// Whether reach was measured on a sample of the tracked stories.
    pub fn reach_sampled(&self) -> bool {
        self.halvings > 0 || self.stories_sampled
    }
}

/// Each story's distinct hearers, not counting its teller. The pairs come
/// in whatever order threads noted them; sorting makes the result the same.
pub fn reach(mut heard: Vec<(u64, u32)>) -> Vec<Reach> {
    use crate::model::state::{NOBODY, unpack_id};
    heard.sort_unstable();
    heard.dedup();
    let mut out: Vec<Reach> = Vec::new();
    let mut current = None;
    for (id, hearer) in heard {
        let (bad, _, origin) = unpack_id(id);
        if current != Some(id) {
            current = Some(id);
            out.push(Reach {
                story: id,
                bad,
                people: 0,
            });
        }
        if hearer != NOBODY && hearer != origin {
            out.last_mut().expect("pushed above").people += 1;
        }
    }
    out
}

impl Recorder {
    /// Where `m` stands in this recording's frames, if it was recorded.
    pub fn position(&self, m: Measure) -> Option<usize> {
        self.measures.iter().position(|&x| x == m)
    }

    /// A value: `slot` 0 is all, 1.. the groups.
    pub fn value(&self, tick: usize, slot: usize, metric: usize) -> f64 {
        self.frames[tick][slot * self.measures.len() + metric]
    }

    /// A run's final figure: a level's last value, or a flow's total.
    pub fn final_value(&self, slot: usize, metric: usize) -> f64 {
        match self.measures[metric].kind() {
            Kind::Level => self.value(self.frames.len() - 1, slot, metric),
            Kind::Flow => (1..self.frames.len())
                .map(|t| self.value(t, slot, metric))
                .sum(),
        }
    }
}

/// Mean and 90% band of one figure across replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    pub mean: f64,
    pub p05: f64,
    pub p95: f64,
}

impl Band {
    /// From the replications' values; percentiles by linear interpolation
    /// between order statistics (numpy's default).
    pub fn of(values: &mut [f64]) -> Band {
        if values.is_empty() {
            return Band {
                mean: f64::NAN,
                p05: f64::NAN,
                p95: f64::NAN,
            };
        }
        values.sort_by(f64::total_cmp);
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        Band {
            mean,
            p05: quantile(values, 0.05),
            p95: quantile(values, 0.95),
        }
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Every figure of a run set across replications: `bands[tick][slot][metric]`.
#[derive(Debug, Clone)]
pub struct Aggregate {
    pub bands: Vec<Vec<Vec<Band>>>,
}

/// Aggregates replications tick by tick.
pub fn aggregate(runs: &[Recorder]) -> Aggregate {
    let ticks = runs[0].frames.len();
    let width = runs[0].measures.len();
    let slots = runs[0].frames[0].len() / width;
    let mut values = vec![0.0; runs.len()];
    let bands = (0..ticks)
        .map(|t| {
            (0..slots)
                .map(|s| {
                    (0..width)
                        .map(|m| {
                            values
                                .iter_mut()
                                .zip(runs)
                                .for_each(|(v, r)| *v = r.value(t, s, m));
                            Band::of(&mut values)
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    Aggregate { bands }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nps_scores_split_at_the_usual_places() {
        assert_eq!(nps_score(1.0), 10);
        assert_eq!(nps_score(0.7), 9);
        assert_eq!(nps_score(0.69), 8);
        assert_eq!(nps_score(0.3), 7);
        assert_eq!(nps_score(0.29), 6);
        assert_eq!(nps_score(-1.0), 0);
    }

    #[test]
    fn bands_use_interpolated_percentiles() {
        let mut v: Vec<f64> = (0..=100).map(f64::from).collect();
        let b = Band::of(&mut v);
        assert_eq!((b.mean, b.p05, b.p95), (50.0, 5.0, 95.0));
        let b = Band::of(&mut [3.0]);
        assert_eq!((b.mean, b.p05, b.p95), (3.0, 3.0, 3.0));
    }

    #[test]
    fn halving_keeps_about_half_of_the_stories_each_time() {
        let n = 100_000u64;
        for h in 1..=3 {
            let k = (0..n).filter(|&id| kept(id << 20, h)).count() as f64;
            let p = 0.5f64.powi(h as i32);
            let se = (p * (1.0 - p) / n as f64).sqrt() * n as f64;
            assert!((k - p * n as f64).abs() < 5.0 * se, "{h}: {k}");
        }
        // Kept after h + 1 halvings means kept after h: the sample shrinks.
        assert!((0..n).all(|id| !kept(id, 2) || kept(id, 1)));
    }
}
