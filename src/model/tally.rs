//! What the word-of-mouth model measures each tick, overall and per group.
//!
//! The population is reduced to integer counts and sums over fixed-size
//! chunks, added in a fixed order, so the figures are bit-identical on any
//! number of threads. The measures and their order are the model's
//! declaration in [`crate::catalog`].

use rayon::prelude::*;

use super::state::{CHUNK, State, event, flag, status};
use super::{Clock, Frame, WordOfMouth};
use crate::measures::Measure;

/// The word-of-mouth model's measures, in the order of its frames.
const WOM: &[Measure] = crate::catalog::WORD_OF_MOUTH.measures;

/// Counts over some agents, per group.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tally {
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

/// Where a score falls in the Net Promoter Score's classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nps {
    Promoter,
    Passive,
    Detractor,
}

/// The class of [`nps_score`]: 9 or 10 promote, 0 to 6 detract. Decided
/// on the unrounded score (a score rounds to 9 or more exactly when it is
/// at least 8.5, to 6 or less exactly when it is under 6.5), which is the
/// same answer without a call to `round` for every customer every tick.
#[inline]
pub fn nps_class(attitude: f32) -> Nps {
    let x = 5.0 * (f64::from(attitude) + 1.0) + 1e-6;
    if x >= 8.5 {
        Nps::Promoter
    } else if x < 6.5 {
        Nps::Detractor
    } else {
        Nps::Passive
    }
}

/// [`nps_class`] as the counting's bits, worked out without a branch:
/// 1 for a promoter, 2 for a detractor, 0 for a passive.
#[inline(always)]
fn nps_bits(attitude: f32) -> usize {
    let x = 5.0 * (f64::from(attitude) + 1.0) + 1e-6;
    usize::from(x >= 8.5) | usize::from(x < 6.5) << 1
}

/// What a tally needs of each group at a tick, looked up once rather than
/// for every agent.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GroupAt {
    staff: bool,
    /// A tick's value of an agent by its status: the customer's value per
    /// tick, +0.0 for the others (adding it changes no sum, since a sum of
    /// values never is -0.0).
    value_by_status: [f64; 4],
    value_per_referral: f64,
}

pub(crate) fn groups_at(world: &WordOfMouth<'_>, tick: u32) -> Vec<GroupAt> {
    (0..world.groups.len())
        .map(|g| {
            let market = &world.group_params(Clock::run(0, tick), g).market;
            GroupAt {
                staff: world.groups[g].staff,
                value_by_status: std::array::from_fn(|st| {
                    if st == usize::from(status::CUSTOMER) {
                        market.value_per_tick
                    } else {
                        0.0
                    }
                }),
                value_per_referral: market.value_per_referral,
            }
        })
        .collect()
}

/// One group's counts over a chunk as they are made. Each agent's status,
/// awareness, reach and NPS class make one of 128 kinds, and the kinds are
/// counted (one increment an agent rather than six); [`Counting::done`]
/// turns them into the tally's fields once for the chunk.
#[derive(Clone)]
pub(crate) struct Counting {
    kinds: [u32; 128],
    tally: Tally,
}

impl Default for Counting {
    fn default() -> Self {
        Self {
            kinds: [0; 128],
            tally: Tally::default(),
        }
    }
}

impl Counting {
    /// What one agent adds: its attitude, status and flags, and this
    /// tick's events and people told.
    #[inline(always)]
    pub(crate) fn count(&mut self, here: &GroupAt, a: f32, st: u8, ev: u16, fl: u8, told: u16) {
        let g = &mut self.tally;
        if here.staff {
            g.staff += 1;
            g.staff_attitude += f64::from(a);
        }
        // Customers and others are mixed at random, so what depends on
        // being a customer is looked up or worked out, not branched on (a
        // branch would be guessed wrong for about one agent in five; the
        // compiler turns a choice between two floats into one).
        let customer = st == status::CUSTOMER;
        g.value += here.value_by_status[usize::from(st & 3)];
        if ev & event::CONVERTED_REFERRAL != 0 {
            g.value += here.value_per_referral;
        }
        g.attitude += f64::from(a);
        let class = usize::from(customer) * nps_bits(a);
        const FLAGS: u8 = flag::AWARE | flag::REACHED_GOOD | flag::REACHED_BAD;
        let kind = usize::from(st & 3) | usize::from(fl & FLAGS) << 2 | class << 5;
        self.kinds[kind] += 1;
        if ev != 0 {
            // Only the counted bits that are set: an agent has one to three
            // events a tick, of twelve kinds (the bits above qualify them).
            let mut bits = ev & ((1 << event::COUNT) - 1);
            while bits != 0 {
                g.events[bits.trailing_zeros() as usize] += 1;
                bits &= bits - 1;
            }
            if ev & event::TOLD != 0 {
                let slot = usize::from(ev & event::TOLD_BAD != 0) * 2
                    + usize::from(ev & event::TOLD_RETOLD != 0);
                g.told[slot] += u64::from(told);
            }
        }
    }

    /// The tally of what was counted.
    pub(crate) fn done(&self) -> Tally {
        let mut t = self.tally;
        for (kind, &c) in self.kinds.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let c = u64::from(c);
            let has = |bit: usize| if kind & bit != 0 { c } else { 0 };
            t.agents += c;
            t.by_status[kind & 3] += c;
            t.aware += has(usize::from(flag::AWARE) << 2);
            t.reached_good += has(usize::from(flag::REACHED_GOOD) << 2);
            t.reached_bad += has(usize::from(flag::REACHED_BAD) << 2);
            t.promoters += has(1 << 5);
            t.detractors += has(2 << 5);
        }
        t
    }
}

/// The tallies of the agents in `range`, per group. The agents' fields are
/// taken as slices of the range once, so the loop reads them with no
/// bounds checks; the sums are added in agent order, as always.
fn tally_range(
    world: &WordOfMouth<'_>,
    state: &State,
    at: &[GroupAt],
    range: std::ops::Range<usize>,
) -> Vec<Tally> {
    let mut t = vec![Counting::default(); at.len()];
    let group = &world.group[range.clone()];
    let attitude = &state.attitude[range.clone()];
    let status = &state.status[range.clone()];
    let events = &state.events[range.clone()];
    let flags = &state.flags[range.clone()];
    let told_now = &state.told_now[range];
    let agents = group
        .iter()
        .zip(attitude)
        .zip(status)
        .zip(events)
        .zip(flags)
        .zip(told_now);
    for (((((&gi, &a), &st), &ev), &fl), &told) in agents {
        let gi = gi as usize;
        t[gi].count(&at[gi], a, st, ev, fl, told);
    }
    t.iter().map(Counting::done).collect()
}

/// Measures the state after `tick`: one frame.
pub fn frame(world: &WordOfMouth<'_>, state: &State, tick: u32, parallel: bool) -> Frame {
    let n = state.len();
    let chunks = n.div_ceil(CHUNK);
    let at = groups_at(world, tick);
    let part = |c: usize| tally_range(world, state, &at, c * CHUNK..((c + 1) * CHUNK).min(n));
    let parts: Vec<Vec<Tally>> = if parallel {
        (0..chunks).into_par_iter().map(part).collect()
    } else {
        (0..chunks).map(part).collect()
    };
    frame_of(world, state, parts.iter().map(Vec::as_slice))
}

/// The frame from each chunk's tallies per group, in agent order (added in
/// that order, so the figures are the same however the chunks ran), the
/// referrals credited to each group, and the organisations with customers.
pub(crate) fn frame_of<'t>(
    world: &WordOfMouth<'_>,
    state: &State,
    parts: impl Iterator<Item = &'t [Tally]>,
) -> Frame {
    use std::sync::atomic::Ordering::Relaxed;
    let mut per_group = vec![Tally::default(); world.groups.len()];
    for p in parts {
        per_group.iter_mut().zip(p).for_each(|(a, b)| a.add(b));
    }
    for (t, credited) in per_group.iter_mut().zip(&state.credited) {
        t.referrals = credited.load(Relaxed);
    }
    let mut all = Tally::default();
    per_group.iter().for_each(|g| all.add(g));
    // Organisations are the network's own without `[workplaces]`, and
    // still counted (they do not move then).
    if world.work.is_some() || !world.organisation.is_empty() {
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

/// Organisations with at least one customer: per group, and of anyone.
/// Sorting the customers' (organisation, group) pairs keeps the work to
/// the customers, however many organisations there are.
fn organisations_with_customers(world: &WordOfMouth<'_>, state: &State) -> (Vec<u64>, u64) {
    use std::sync::atomic::Ordering::Relaxed;
    let groups = world.groups.len();
    let org_of = |i: usize| match state.org.get(i) {
        Some(org) => org.load(Relaxed),
        None => world.organisation[i],
    };
    let mut pairs: Vec<(u32, u8)> = (0..state.len())
        .filter(|&i| state.status[i] == status::CUSTOMER)
        .map(|i| (org_of(i), world.group[i]))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nps_classes_are_the_scores_classes() {
        let class = |a: f32| match nps_score(a) {
            9.. => Nps::Promoter,
            0..=6 => Nps::Detractor,
            _ => Nps::Passive,
        };
        // The whole scale, coarsely, and every float within 100,000 steps
        // of each class edge (attitudes 0.3 and 0.7).
        let coarse = (0..=20_000).map(|k| -1.0 + k as f32 / 10_000.0);
        let near = [0.3f32, 0.7].into_iter().flat_map(|edge| {
            (-100_000i64..=100_000)
                .map(move |d| f32::from_bits((i64::from(edge.to_bits()) + d) as u32))
        });
        for a in coarse.chain(near) {
            assert_eq!(nps_class(a), class(a), "attitude {a}");
            let bits = match class(a) {
                Nps::Promoter => 1,
                Nps::Detractor => 2,
                Nps::Passive => 0,
            };
            assert_eq!(nps_bits(a), bits, "attitude {a}");
        }
    }

    /// The invariant that would have caught issue 22's wrong number: on a
    /// network with organisations of its own, `[workplaces]` with no
    /// colleagues and no moves changes nothing, so the organisations with
    /// customers are the same with it and without it, and never all 0.
    #[test]
    fn organisations_are_counted_with_or_without_workplaces_that_change_nothing() {
        use crate::pipeline::{self, RunOptions};
        let run = |extra: &str| {
            let text = format!(
                "title = \"Orgs\"\nticks = 8\nruns = 2\nseed = 3\n\
                 [network]\nkind = \"organisations\"\nn = 1500\norganisations = 30\n\
                 within_degree = 6\nbetween_degree = 2\n{extra}"
            );
            let s =
                crate::scenario::Scenario::parse(&text, std::path::Path::new("o.toml")).unwrap();
            let r = pipeline::simulate(&s, &RunOptions::silent()).unwrap();
            let v = &r.variants[0];
            let series: Vec<f64> = v
                .aggregate
                .bands
                .iter()
                .map(|t| {
                    let m = r
                        .measures()
                        .iter()
                        .position(|&m| m == Measure::OrganisationsWithCustomers)
                        .unwrap();
                    t[0][m].mean
                })
                .collect();
            series
        };
        let without = run("");
        let with = run("[workplaces]\ncolleagues = 0\nmobility = 0.0\n");
        assert!(without.iter().all(|&x| x > 0.0), "{without:?}");
        assert_eq!(without, with);
    }

    #[test]
    fn nps_scores_split_at_the_usual_places() {
        assert_eq!(nps_score(1.0), 10);
        assert_eq!(nps_score(0.7), 9);
        assert_eq!(nps_score(0.69), 8);
        assert_eq!(nps_score(0.3), 7);
        assert_eq!(nps_score(0.29), 6);
        assert_eq!(nps_score(-1.0), 0);
    }
}
