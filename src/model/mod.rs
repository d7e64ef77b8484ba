//! The word-of-mouth model: the world agents live in, and one tick's phases.
//!
//! A tick runs four phases over the whole population, each a function of the
//! state before it and of random streams keyed by (seed, replication, tick,
//! agent, purpose):
//!
//! 1. [`experience`]: customers buy; delight and disappointment become stories;
//! 2. [`telling`]: each agent with a story tells k people, k drawn from the
//!    story's fan-out distribution;
//! 3. [`hearing`]: hearers move toward what they heard, weighted by trust and
//!    negativity bias, and may retell it next tick;
//! 4. [`decisions`]: prospects buy (Bass p and q), customers lapse, lapsed
//!    customers come back; a conversion after a good story is a referral.
//!
//! The model knows nothing of files, charts or threads beyond "run this
//! phase over these agents".

pub mod fanout;
pub mod state;

use rand::RngExt;
use rand_distr::{Distribution, Normal};

use crate::network::Graph;
use crate::rng::{self, Purpose};
use crate::scenario::{Group, Hearing, Market, Overflow, Scenario, Service, Status, Telling};
use fanout::Sampler;
pub use state::{Agents, Shared, State, Story};
use state::{event, flag, for_each_chunk, status, story_key, unpack_key};

/// A group's parameters, with their distributions made ready to draw from.
#[derive(Debug, Clone)]
pub struct GroupParams {
    pub service: Service,
    pub quality: Normal<f64>,
    pub telling: Telling,
    pub good: Sampler,
    pub bad: Sampler,
    pub hearing: Hearing,
    pub market: Market,
}

impl GroupParams {
    pub fn new(g: &Group) -> Self {
        Self {
            service: g.service.clone(),
            quality: Normal::new(g.service.quality_mean, g.service.quality_sd)
                .expect("sd checked >= 0"),
            telling: g.telling.clone(),
            good: Sampler::new(&g.telling.good),
            bad: Sampler::new(&g.telling.bad),
            hearing: g.hearing.clone(),
            market: g.market.clone(),
        }
    }
}

/// Everything fixed during a run: the network, who is in which group, and
/// each group's parameters.
pub struct World<'a> {
    pub graph: &'a Graph,
    /// Each agent's group index.
    pub group: Vec<u8>,
    pub groups: Vec<Group>,
    pub params: Vec<GroupParams>,
    pub seed: u64,
}

impl<'a> World<'a> {
    pub fn new(scenario: &Scenario, graph: &'a Graph) -> Self {
        Self {
            graph,
            group: assign_groups(graph.nodes(), &scenario.groups, scenario.seed),
            groups: scenario.groups.clone(),
            params: scenario.groups.iter().map(GroupParams::new).collect(),
            seed: scenario.seed,
        }
    }

    pub fn agents(&self) -> usize {
        self.graph.nodes()
    }

    #[inline]
    fn params_of(&self, i: usize) -> &GroupParams {
        &self.params[self.group[i] as usize]
    }
}

/// Gives each group its share of the agents (largest remainders), placed at
/// random so that no group sits on the hubs of a preferential-attachment
/// graph by construction. Fixed per scenario, like the network.
pub fn assign_groups(n: usize, groups: &[Group], seed: u64) -> Vec<u8> {
    let exact: Vec<f64> = groups.iter().map(|g| g.share * n as f64).collect();
    let mut counts: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    // Fewer agents are short than there are groups: one more each for the
    // largest remainders.
    let short = n.saturating_sub(counts.iter().sum());
    for &g in order.iter().take(short) {
        counts[g] += 1;
    }
    let mut labels: Vec<u8> = counts
        .iter()
        .enumerate()
        .flat_map(|(g, &c)| std::iter::repeat_n(g as u8, c))
        .collect();
    labels.resize(n, 0);
    let mut r = rng::stream(seed, 0, 0, 0, Purpose::Population);
    for i in (1..n).rev() {
        labels.swap(i, r.random_range(0..=i));
    }
    labels
}

/// The state at tick 0 of a replication.
pub fn initial_state(world: &World<'_>, replication: u32) -> State {
    let n = world.agents();
    let mut state = State::new(n);
    for i in 0..n {
        let g = &world.groups[world.group[i] as usize];
        let mut r = rng::stream(world.seed, replication, 0, i as u64, Purpose::Init);
        let spread = g.attitude_spread * (2.0 * r.random::<f64>() - 1.0);
        state.attitude[i] = (g.attitude + spread).clamp(-1.0, 1.0) as f32;
        state.status[i] = match g.status {
            Status::None => status::NONE,
            Status::Prospect => status::PROSPECT,
            Status::Customer => status::CUSTOMER,
            Status::Lapsed => status::LAPSED,
        };
        if r.random::<f64>() < g.aware_share {
            state.flags[i] |= flag::AWARE;
        }
    }
    state
}

/// Where in a run a tick happens: the key of its random streams.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub replication: u32,
    pub tick: u32,
}

/// One tick: the four phases, each over the whole population.
pub fn step(world: &World<'_>, state: &mut State, clock: Clock, parallel: bool) {
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| experience(world, clock, a, shared));
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| telling(world, clock, a, shared));
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| hearing(world, clock, a, shared));
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| decisions(world, clock, a, shared));
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| settle(a, shared));
}

/// Moves attitude a share `w` of the way toward `target`.
#[inline]
fn toward(a: f32, target: f32, w: f64) -> f32 {
    (a + (w as f32) * (target - a)).clamp(-1.0, 1.0)
}

/// Phase 1. Clears last tick's marks, brings forward the stories heard last
/// tick that are to be retold, and gives each customer who buys an
/// experience. Far above expectation: a good story; far below: a bad one,
/// unless recovered; near it: a small drift and nothing to tell.
pub fn experience(world: &World<'_>, clock: Clock, a: Agents<'_>, shared: Shared<'_>) {
    for k in 0..a.len() {
        let i = a.first + k;
        shared.inbox.clear(i);
        shared.referred_now[i].store(0, std::sync::atomic::Ordering::Relaxed);
        a.events[k] = 0;
        a.told_now[k] = 0;
        a.story[k] = std::mem::replace(&mut a.next_story[k], Story::NONE);
        if a.status[k] != status::CUSTOMER {
            continue;
        }
        let s = &world.params_of(i).service;
        let mut r = rng::stream(
            world.seed,
            clock.replication,
            clock.tick,
            i as u64,
            Purpose::Experience,
        );
        if r.random::<f64>() >= s.purchase_rate {
            continue;
        }
        a.events[k] |= event::EXPERIENCE;
        let gap = world.params_of(i).quality.sample(&mut r) - s.expectation;
        if gap >= s.delight_margin {
            a.events[k] |= event::DELIGHT;
            a.attitude[k] = toward(a.attitude[k], 1.0, s.experience_weight);
            a.story[k] = Story::first_hand(1, 1.0);
        } else if gap <= -s.disappoint_margin {
            a.events[k] |= event::FAILURE;
            if r.random::<f64>() < s.recovery_rate {
                a.events[k] |= event::RECOVERED;
                a.attitude[k] = toward(a.attitude[k], 1.0, s.experience_weight);
                a.story[k] = Story::first_hand(1, s.recovery_intensity as f32);
            } else {
                a.attitude[k] = toward(a.attitude[k], -1.0, s.experience_weight);
                a.story[k] = Story::first_hand(-1, 1.0);
            }
        } else {
            a.attitude[k] = (a.attitude[k] + (s.drift * gap) as f32).clamp(-1.0, 1.0);
        }
    }
}

/// Phase 2. Each agent with a story draws its fan-out k and tells k distinct
/// contacts, chosen uniformly; any excess reaches strangers or is lost, as
/// the teller's group says.
pub fn telling(world: &World<'_>, clock: Clock, a: Agents<'_>, shared: Shared<'_>) {
    let n = world.agents();
    for k in 0..a.len() {
        let story = a.story[k];
        if story.valence == 0 {
            continue;
        }
        let i = a.first + k;
        let p = world.params_of(i);
        let mut r = rng::stream(
            world.seed,
            clock.replication,
            clock.tick,
            i as u64,
            Purpose::Telling,
        );
        let good = story.valence > 0;
        let fan_out = if good { &p.good } else { &p.bad }.sample(&mut r) as usize;
        let contacts = world.graph.neighbours(i);
        let key = story_key(story.intensity, story.hops.saturating_add(1), i as u32);
        let tell = |j: usize, contact: bool| {
            let h = &world.params_of(j).hearing;
            let trust = if contact { h.trust } else { h.stranger_trust };
            let bias = if good { 1.0 } else { h.negativity_bias };
            let weight = h.influence * trust * f64::from(story.intensity) * bias;
            shared.inbox.deliver(j, good, weight, key);
        };
        let from_contacts = fan_out.min(contacts.len());
        choose_distinct(contacts, from_contacts, &mut r, |j| tell(j as usize, true));
        let mut reached = from_contacts;
        if fan_out > from_contacts && p.telling.overflow == Overflow::Strangers && n > 1 {
            for _ in from_contacts..fan_out {
                let mut j = r.random_range(0..n - 1);
                if j >= i {
                    j += 1;
                }
                tell(j, false);
            }
            reached = fan_out;
        }
        a.told_now[k] = reached as u32;
        a.told[k] = a.told[k].saturating_add(reached as u32);
    }
}

/// Calls `f` on `k` distinct items of `items`, each k-subset equally likely,
/// without allocating: Floyd's algorithm when k is small against the list,
/// otherwise selection sampling (Knuth's algorithm S).
fn choose_distinct<R: rand::Rng>(items: &[u32], k: usize, r: &mut R, mut f: impl FnMut(u32)) {
    let n = items.len();
    if k == 0 {
        return;
    }
    if k == n {
        items.iter().for_each(|&x| f(x));
        return;
    }
    const SMALL: usize = 16;
    if k <= SMALL && n > 4 * k {
        let mut chosen = [0usize; SMALL];
        for (c, t) in (n - k..n).enumerate() {
            let x = r.random_range(0..=t);
            chosen[c] = if chosen[..c].contains(&x) { t } else { x };
        }
        chosen[..k].iter().for_each(|&x| f(items[x]));
        return;
    }
    let mut needed = k;
    for (seen, &x) in items.iter().enumerate() {
        if r.random_range(0..n - seen) < needed {
            f(x);
            needed -= 1;
            if needed == 0 {
                break;
            }
        }
    }
}

/// Phase 3. A hearer's attitude moves toward the weighted mean valence of
/// what it heard: a' = a + min(1, W) (v - a), where W sums the stories'
/// weights (influence x trust x intensity, times the negativity bias for bad
/// ones) and v is their weighted mean valence. It becomes aware, and may
/// retell the strongest story next tick, with a probability that decays at
/// each hop.
pub fn hearing(world: &World<'_>, clock: Clock, a: Agents<'_>, shared: Shared<'_>) {
    use std::sync::atomic::Ordering::Relaxed;
    let inbox = shared.inbox;
    for k in 0..a.len() {
        let i = a.first + k;
        let (good, bad) = (inbox.good[i].load(Relaxed), inbox.bad[i].load(Relaxed));
        if good + bad == 0 {
            continue;
        }
        a.heard[k] = a.heard[k].saturating_add(good + bad);
        a.flags[k] |= flag::AWARE;
        if good > 0 {
            a.flags[k] |= flag::REACHED_GOOD;
            a.events[k] |= event::HEARD_GOOD;
        }
        if bad > 0 {
            a.flags[k] |= flag::REACHED_BAD;
            a.events[k] |= event::HEARD_BAD;
        }
        let wg = f64::from(inbox.good_weight[i].load(Relaxed)) / state::WEIGHT_SCALE;
        let wb = f64::from(inbox.bad_weight[i].load(Relaxed)) / state::WEIGHT_SCALE;
        let total = wg + wb;
        if total > 0.0 {
            a.attitude[k] = toward(a.attitude[k], ((wg - wb) / total) as f32, total.min(1.0));
        }
        let (kg, kb) = (
            inbox.best_good[i].load(Relaxed),
            inbox.best_bad[i].load(Relaxed),
        );
        // Bad news wins a tie.
        let (valence, key) = if kb >> 40 >= kg >> 40 {
            (-1, kb)
        } else {
            (1, kg)
        };
        let (intensity, hops, _) = unpack_key(key);
        let t = &world.params_of(i).telling;
        if u32::from(hops) >= t.max_hops {
            continue;
        }
        let chance = t.retell_probability * t.retell_decay.powi(i32::from(hops) - 1);
        let mut r = rng::stream(
            world.seed,
            clock.replication,
            clock.tick,
            i as u64,
            Purpose::Hearing,
        );
        if r.random::<f64>() < chance {
            a.next_story[k] = Story {
                valence,
                hops,
                intensity: intensity * t.intensity_decay as f32,
            };
        }
    }
}

/// Phase 4. A prospect (or a lapsed customer) with at least the minimum
/// attitude buys with probability p (win_back) + q x good stories heard; a
/// draw below p is an outside conversion, one between p and p + q n a
/// referral, credited to the teller of the strongest good story. A customer
/// lapses with probability rate x exp(-sensitivity x attitude).
pub fn decisions(world: &World<'_>, clock: Clock, a: Agents<'_>, shared: Shared<'_>) {
    use std::sync::atomic::Ordering::Relaxed;
    for k in 0..a.len() {
        let st = a.status[k];
        if st == status::NONE {
            continue;
        }
        let i = a.first + k;
        let m: &Market = &world.params_of(i).market;
        let mut r = rng::stream(
            world.seed,
            clock.replication,
            clock.tick,
            i as u64,
            Purpose::Decision,
        );
        let u: f64 = r.random();
        if st == status::CUSTOMER {
            let chance = m.lapse_rate * (-m.lapse_sensitivity * f64::from(a.attitude[k])).exp();
            if u < chance {
                a.status[k] = status::LAPSED;
                a.events[k] |= event::LAPSED;
            }
            continue;
        }
        if f64::from(a.attitude[k]) < m.min_attitude {
            continue;
        }
        let outside = if st == status::PROSPECT {
            m.p
        } else {
            m.win_back
        };
        let good = shared.inbox.good[i].load(Relaxed);
        if u < outside {
            a.status[k] = status::CUSTOMER;
            a.flags[k] |= flag::AWARE;
            a.events[k] |= if st == status::PROSPECT {
                event::CONVERTED_OUTSIDE
            } else {
                event::WON_BACK
            };
        } else if u < outside + m.q * f64::from(good) {
            a.status[k] = status::CUSTOMER;
            a.events[k] |= event::CONVERTED_REFERRAL;
            let (_, _, teller) = unpack_key(shared.inbox.best_good[i].load(Relaxed));
            shared.referred_now[teller as usize].fetch_add(1, Relaxed);
        }
    }
}

/// Adds this tick's referral credits to each agent's running count.
fn settle(a: Agents<'_>, shared: Shared<'_>) {
    for k in 0..a.len() {
        let credited = shared.referred_now[a.first + k].load(std::sync::atomic::Ordering::Relaxed);
        a.referrals[k] = a.referrals[k].saturating_add(credited);
    }
}

#[cfg(test)]
mod tests;
