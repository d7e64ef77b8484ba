//! The word-of-mouth model: the world agents live in, and one tick's phases.
//!
//! A tick runs its phases over the whole population, each a function of the
//! state before it and of random streams keyed by (seed, replication, tick,
//! agent, purpose):
//!
//! 1. [`experience`]: customers buy, staff are treated, guests of an event
//!    are entertained; delight and disappointment become stories;
//! 2. [`telling`]: each agent with a story tells k people, k drawn from the
//!    story's fan-out distribution;
//! 3. [`hearing`]: hearers move toward what they heard, weighted by trust and
//!    negativity bias, and may retell it next tick;
//! 4. [`decisions`]: prospects buy (Bass p and q), customers lapse, lapsed
//!    customers come back; a conversion after a good story is a referral;
//! 5. [`mobility`]: people change jobs, and [`workplace_ties`] replaces the
//!    workplace ties that no longer hold.
//!
//! Events enter through the [`World`]: parameter overrides as the group
//! parameters of each tick, one-off experiences as guests in phase 1.
//!
//! The model knows nothing of files, charts or threads beyond "run this
//! phase over these agents".

pub mod classic;
pub mod expected;
pub mod fanout;
pub mod state;

use std::sync::atomic::Ordering::Relaxed;

use rand::RngExt;
use rand_distr::{Distribution, Normal};

use crate::network::Graph;
use crate::rng::{self, Purpose};
use crate::scenario::{
    Action, Chosen, Group, Hearing, Market, ModelSpec, Overflow, Placement, Scenario, Service,
    Status, Telling, Variant,
};
use fanout::Sampler;
pub use state::{Agents, Shared, State, Story};
use state::{CHUNK, NOBODY, event, flag, for_each_chunk, status, story_key, unpack_key};

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

/// One-off experiences at a tick: for whom, and how good.
#[derive(Debug, Clone)]
pub struct Guests {
    pub tick: u32,
    pub quality: f64,
    pub list: GuestList,
}

#[derive(Debug, Clone)]
pub enum GuestList {
    /// A fixed set of agents, one bit each.
    Chosen(Vec<u64>),
    /// Each agent with this probability, drawn per replication.
    Random(f64),
}

/// Workplace ties and job mobility, as the run uses them.
#[derive(Debug, Clone)]
pub struct Work {
    pub organisations: u32,
    pub colleagues: u32,
    pub mobility: f64,
    /// Each agent's organisation at the start.
    pub initial: Vec<u32>,
}

/// Every story's reach is tracked in populations up to this size; in larger
/// ones, a random sample of stories about this many agents would tell.
pub const REACH_TRACKED_AGENTS: usize = 50_000;

/// The most (story, hearer) pairs the tellings of one tick are expected to
/// note for the reach measure (16 bytes each: 16 MiB).
pub const REACH_PAIRS_PER_TICK: usize = 1 << 20;

/// Everything fixed during a run: the network, who is in which group, each
/// group's parameters over the timeline, and the events.
pub struct World<'a> {
    pub graph: &'a Graph,
    /// Each agent's group index.
    pub group: Vec<u8>,
    pub groups: Vec<Group>,
    /// The groups' parameters in each phase of the timeline.
    pub phases: Vec<Vec<GroupParams>>,
    /// The phase at each tick.
    pub phase_at: Vec<u16>,
    pub seed: u64,
    pub guests: Vec<Guests>,
    pub work: Option<Work>,
    /// Whether any group is staff (and so morale is measured).
    pub staff: bool,
    /// Stories whose key hashes below this have their reach tracked.
    pub reach_below: u64,
    /// The dynamics: word of mouth, or a classic model.
    pub model: ModelSpec,
    /// The most hops any story can travel, in any group at any tick.
    pub max_hops: u32,
}

impl<'a> World<'a> {
    /// The baseline of `scenario` on `graph` (organisations, if it has
    /// workplaces, assigned at random).
    pub fn new(scenario: &Scenario, graph: &'a Graph) -> Self {
        Self::for_variant(scenario, scenario.baseline(), graph, &[])
    }

    /// One variant on `graph`; `organisation` is the network's own
    /// assignment of agents to organisations, if it has one.
    pub fn for_variant(
        scenario: &Scenario,
        variant: &Variant,
        graph: &'a Graph,
        organisation: &[u32],
    ) -> Self {
        let n = graph.nodes();
        let seed = scenario.seed;
        let work = variant.workplaces.as_ref().map(|w| {
            let organisations = w
                .organisations
                .unwrap_or_else(|| organisation.iter().max().map_or(1, |m| m + 1));
            let initial = if organisation.len() == n && w.organisations.is_none() {
                organisation.to_vec()
            } else {
                random_organisations(n, organisations, seed)
            };
            Work {
                organisations,
                colleagues: w.colleagues,
                mobility: w.mobility,
                initial,
            }
        });
        let orgs: &[u32] = match &work {
            Some(w) => &w.initial,
            None => organisation,
        };
        let group = assign_groups(graph, &variant.groups, seed, orgs);
        let guests = variant
            .events
            .iter()
            .filter_map(|e| match &e.action {
                Action::Experience { chosen, quality } => Some(Guests {
                    tick: e.from,
                    quality: *quality,
                    list: guest_list(chosen, graph, &group),
                }),
                Action::Set { .. } => None,
            })
            .collect();
        // The share of stories whose reach is tracked: all of them in small
        // populations with ordinary fan-outs; fewer where either would
        // make the (story, hearer) pairs noted in a tick too many.
        let peak = expected::tellings(variant, n as f64, scenario.ticks).peak;
        let share = (REACH_TRACKED_AGENTS as f64 / n as f64)
            .min(REACH_PAIRS_PER_TICK as f64 / peak.max(1.0));
        let reach_below = if share >= 1.0 {
            u64::MAX
        } else {
            (share * u64::MAX as f64) as u64
        };
        Self {
            graph,
            group,
            groups: variant.groups.clone(),
            phases: variant
                .timeline
                .params
                .iter()
                .map(|gs| gs.iter().map(GroupParams::new).collect())
                .collect(),
            phase_at: variant.timeline.at.clone(),
            seed,
            guests,
            work,
            staff: variant.groups.iter().any(|g| g.staff),
            reach_below,
            model: variant.model,
            max_hops: variant
                .timeline
                .params
                .iter()
                .flatten()
                .map(|g| g.telling.max_hops)
                .max()
                .unwrap_or(1),
        }
    }

    pub fn agents(&self) -> usize {
        self.graph.nodes()
    }

    /// Agent `i`'s group's parameters at `tick`.
    #[inline]
    pub fn params(&self, tick: u32, i: usize) -> &GroupParams {
        let phase = self.phase_at.get(tick as usize).copied().unwrap_or(0);
        &self.phases[phase as usize][self.group[i] as usize]
    }

    /// Whether the story `id` has its reach tracked in `replication`.
    #[inline]
    pub fn tracks(&self, replication: u32, id: u64) -> bool {
        if self.reach_below == u64::MAX {
            return true;
        }
        let (_, born, origin) = state::unpack_id(id);
        rng::hash(
            self.seed,
            replication,
            born,
            u64::from(origin),
            Purpose::Reach,
        ) < self.reach_below
    }

    /// The quality of a one-off experience agent `i` is given now, if any.
    #[inline]
    fn guest(&self, clock: Clock, i: usize) -> Option<f64> {
        self.guests
            .iter()
            .filter(|g| g.tick == clock.tick)
            .find(|g| match &g.list {
                GuestList::Chosen(bits) => bits[i / 64] >> (i % 64) & 1 == 1,
                GuestList::Random(share) => {
                    let h = rng::hash(
                        self.seed,
                        clock.replication,
                        clock.tick,
                        i as u64,
                        Purpose::Event,
                    );
                    (h as f64) < share * u64::MAX as f64
                }
            })
            .map(|g| g.quality)
    }
}

/// Agents ordered by degree, highest first (ties: lower id first).
fn by_degree(graph: &Graph) -> Vec<u32> {
    let mut order: Vec<u32> = (0..graph.nodes() as u32).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(graph.degree(i as usize)), i));
    order
}

fn guest_list(chosen: &Chosen, graph: &Graph, group: &[u8]) -> GuestList {
    let n = graph.nodes();
    let mut bits = vec![0u64; n.div_ceil(64)];
    let mut set = |i: usize| bits[i / 64] |= 1 << (i % 64);
    match chosen {
        Chosen::Random { share } => return GuestList::Random(*share),
        Chosen::TopDegree { size } => {
            by_degree(graph)
                .into_iter()
                .take(size.of(n))
                .for_each(|i| set(i as usize));
        }
        Chosen::Group { group: g, .. } => {
            (0..n)
                .filter(|&i| group[i] as usize == *g)
                .for_each(&mut set);
        }
    }
    GuestList::Chosen(bits)
}

/// Organisations of near-equal size, agents placed at random.
fn random_organisations(n: usize, organisations: u32, seed: u64) -> Vec<u32> {
    let mut org: Vec<u32> = (0..n)
        .map(|i| crate::network::organisation_of(i, n, organisations))
        .collect();
    let mut r = rng::stream(seed, 0, 0, u64::MAX, Purpose::Workplace);
    for i in (1..n).rev() {
        org.swap(i, r.random_range(0..=i));
    }
    org
}

/// Gives each group its share of the agents (largest remainders). Groups
/// placed on the best-connected agents, or in whole organisations, take
/// theirs first, in the scenario's order; the rest are placed at random,
/// so that no group sits on the hubs of a preferential-attachment graph by
/// construction. Fixed per scenario, like the network.
pub fn assign_groups(graph: &Graph, groups: &[Group], seed: u64, organisation: &[u32]) -> Vec<u8> {
    let n = graph.nodes();
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
    const FREE: u8 = u8::MAX;
    let mut labels = vec![FREE; n];
    let place = |labels: &mut Vec<u8>, g: usize, candidates: &mut dyn Iterator<Item = u32>| {
        let mut left = counts[g];
        while left > 0 {
            let Some(i) = candidates.next() else { break };
            if labels[i as usize] == FREE {
                labels[i as usize] = g as u8;
                left -= 1;
            }
        }
    };
    let placed = |p: Placement| {
        groups
            .iter()
            .enumerate()
            .filter(move |(_, g)| g.placement == p)
    };
    if placed(Placement::TopDegree).next().is_some() {
        let ranked = by_degree(graph);
        for (g, _) in placed(Placement::TopDegree) {
            place(&mut labels, g, &mut ranked.iter().copied());
        }
    }
    if placed(Placement::FirstOrganisations).next().is_some() && organisation.len() == n {
        let mut ranked: Vec<u32> = (0..n as u32).collect();
        ranked.sort_by_key(|&i| (organisation[i as usize], i));
        for (g, _) in placed(Placement::FirstOrganisations) {
            place(&mut labels, g, &mut ranked.iter().copied());
        }
    }
    let mut rest: Vec<u32> = (0..n as u32)
        .filter(|&i| labels[i as usize] == FREE)
        .collect();
    let mut r = rng::stream(seed, 0, 0, 0, Purpose::Population);
    for i in (1..rest.len()).rev() {
        rest.swap(i, r.random_range(0..=i));
    }
    let mut rest = rest.into_iter();
    for (g, group) in groups.iter().enumerate() {
        if group.placement == Placement::Random
            || (group.placement == Placement::FirstOrganisations && organisation.len() != n)
        {
            place(&mut labels, g, &mut rest);
        }
    }
    // Anything left (rounding) goes to the first group.
    labels
        .iter_mut()
        .filter(|l| **l == FREE)
        .for_each(|l| *l = 0);
    labels
}

/// The state at tick 0 of a replication.
pub fn initial_state(world: &World<'_>, replication: u32) -> State {
    if world.model.is_classic() {
        return classic::initial_state(world, replication);
    }
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
    if let Some(w) = &world.work {
        state = state.with_workplaces(w.colleagues);
        for (o, &init) in state.org.iter().zip(&w.initial) {
            o.store(init, Relaxed);
        }
        state.members.rebuild(&state.org, w.organisations as usize);
        let clock = Clock {
            replication,
            tick: 0,
        };
        let (agents, shared) = state.split();
        for_each_chunk(true, agents, &|a| workplace_ties(world, clock, a, shared));
    }
    state.morale = morale(world, &state, true);
    state
}

/// Where in a run a tick happens: the key of its random streams.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub replication: u32,
    pub tick: u32,
}

/// One tick: the phases, each over the whole population.
pub fn step(world: &World<'_>, state: &mut State, clock: Clock, parallel: bool) {
    if world.model.is_classic() {
        return classic::step(world, state, clock, parallel);
    }
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| experience(world, clock, a, shared));
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| telling(world, clock, a, shared));
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| hearing(world, clock, a, shared));
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| decisions(world, clock, a, shared));
    if let Some(w) = world.work.as_ref().filter(|w| w.mobility > 0.0) {
        let (agents, shared) = state.split();
        for_each_chunk(parallel, agents, &|a| mobility(world, clock, a, shared));
        state.members.rebuild(&state.org, w.organisations as usize);
        let (agents, shared) = state.split();
        for_each_chunk(parallel, agents, &|a| {
            workplace_ties(world, clock, a, shared)
        });
    }
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| settle(a, shared));
    if world.staff {
        state.morale = morale(world, state, parallel);
    }
}

/// Staff morale: the mean attitude of the staff groups' members (0 when
/// there are none), summed in fixed chunks so it is the same on any
/// number of threads.
pub fn morale(world: &World<'_>, state: &State, parallel: bool) -> f32 {
    if !world.staff {
        return 0.0;
    }
    let n = state.len();
    let part = |c: usize| {
        let (mut sum, mut count) = (0.0f64, 0u64);
        for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
            if world.groups[world.group[i] as usize].staff {
                sum += f64::from(state.attitude[i]);
                count += 1;
            }
        }
        (sum, count)
    };
    let chunks = n.div_ceil(CHUNK);
    let parts: Vec<(f64, u64)> = if parallel {
        use rayon::prelude::*;
        (0..chunks).into_par_iter().map(part).collect()
    } else {
        (0..chunks).map(part).collect()
    };
    let (sum, count) = parts
        .iter()
        .fold((0.0, 0), |(s, c), &(ps, pc)| (s + ps, c + pc));
    if count == 0 {
        0.0
    } else {
        (sum / count as f64) as f32
    }
}

/// Moves attitude a share `w` of the way toward `target`.
#[inline]
fn toward(a: f32, target: f32, w: f64) -> f32 {
    (a + (w as f32) * (target - a)).clamp(-1.0, 1.0)
}

/// Phase 1. Clears last tick's marks (the story to retell, chosen while
/// hearing last tick, stays), brings forward the stories heard last
/// tick that are to be retold, and gives an experience to each customer who
/// buys, each member of staff treated notably (their group's `service` is
/// how they are treated), and each guest of a one-off event. Quality is
/// shifted by staff morale. Far above expectation: a good story; far below:
/// a bad one, unless recovered; near it: a small drift and nothing to tell.
pub fn experience(world: &World<'_>, clock: Clock, a: Agents<'_>, shared: Shared<'_>) {
    for k in 0..a.len() {
        let i = a.first + k;
        shared.inbox.clear(i);
        shared.referred_now[i].store(0, Relaxed);
        a.events[k] = 0;
        a.told_now[k] = 0;
        let guest = world.guest(clock, i);
        let staff = world.groups[world.group[i] as usize].staff;
        if guest.is_none() && a.status[k] != status::CUSTOMER && !staff {
            continue;
        }
        let p = world.params(clock.tick, i);
        let s = &p.service;
        let mut r = rng::stream(
            world.seed,
            clock.replication,
            clock.tick,
            i as u64,
            Purpose::Experience,
        );
        let gap = match guest {
            Some(quality) => {
                a.events[k] |= event::INVITED;
                a.flags[k] |= flag::AWARE;
                quality
            }
            None => {
                if r.random::<f64>() >= s.purchase_rate {
                    continue;
                }
                p.quality.sample(&mut r) + s.morale_effect * f64::from(shared.morale)
                    - s.expectation
            }
        };
        a.events[k] |= event::EXPERIENCE;
        let origin = i as u32;
        if gap >= s.delight_margin {
            a.events[k] |= event::DELIGHT;
            a.attitude[k] = toward(a.attitude[k], 1.0, s.experience_weight);
            a.story[k] = Story::first_hand(1, 1.0, origin);
        } else if gap <= -s.disappoint_margin {
            a.events[k] |= event::FAILURE;
            if r.random::<f64>() < s.recovery_rate {
                a.events[k] |= event::RECOVERED;
                a.attitude[k] = toward(a.attitude[k], 1.0, s.experience_weight);
                a.story[k] = Story::first_hand(1, s.recovery_intensity as f32, origin);
            } else {
                a.attitude[k] = toward(a.attitude[k], -1.0, s.experience_weight);
                a.story[k] = Story::first_hand(-1, 1.0, origin);
            }
        } else {
            a.attitude[k] = (a.attitude[k] + (s.drift * gap) as f32).clamp(-1.0, 1.0);
        }
    }
}

/// Agent `i`'s current colleagues who are not also personal contacts, into
/// `out`; returns how many. A tie to someone who has since left the
/// organisation no longer counts.
fn colleagues_of(
    world: &World<'_>,
    shared: &Shared<'_>,
    i: usize,
    contacts: &[u32],
    out: &mut [u32; crate::scenario::MAX_COLLEAGUES as usize],
) -> usize {
    let Some(w) = &world.work else { return 0 };
    let c = w.colleagues as usize;
    let org = shared.org[i].load(Relaxed);
    let mut m = 0;
    for slot in &shared.colleagues[i * c..(i + 1) * c] {
        let j = slot.load(Relaxed);
        if j == NOBODY
            || j as usize == i
            || shared.org[j as usize].load(Relaxed) != org
            || contacts.binary_search(&j).is_ok()
            || out[..m].contains(&j)
        {
            continue;
        }
        out[m] = j;
        m += 1;
    }
    m
}

/// Phase 2. Each agent with a story draws its fan-out k and tells k distinct
/// contacts (personal ties and colleagues), chosen uniformly; any excess
/// reaches strangers or is lost, as the teller's group says. Tellings of
/// tracked stories are noted for the reach measure.
pub fn telling(world: &World<'_>, clock: Clock, a: Agents<'_>, shared: Shared<'_>) {
    let n = world.agents();
    let mut noted: Vec<(u64, u32)> = Vec::new();
    for k in 0..a.len() {
        let story = a.story[k];
        if story.valence == 0 {
            continue;
        }
        let i = a.first + k;
        shared.origin[i].store(story.origin, Relaxed);
        let p = world.params(clock.tick, i);
        let mut r = rng::stream(
            world.seed,
            clock.replication,
            clock.tick,
            i as u64,
            Purpose::Telling,
        );
        let good = story.valence > 0;
        // No one can tell more distinct people than there are others.
        let fan_out = (if good { &p.good } else { &p.bad }.sample(&mut r) as usize).min(n - 1);
        let contacts = world.graph.neighbours(i);
        let mut extra = [0u32; crate::scenario::MAX_COLLEAGUES as usize];
        let colleagues = colleagues_of(world, &shared, i, contacts, &mut extra);
        let key = story_key(story.intensity, story.hops.saturating_add(1), i as u32);
        let id = story.id(clock.tick);
        let tracked = world.tracks(clock.replication, id);
        if tracked && story.hops == 0 {
            noted.push((id, NOBODY));
        }
        let mut tell = |j: usize, contact: bool| {
            let h = &world.params(clock.tick, j).hearing;
            let trust = if contact { h.trust } else { h.stranger_trust };
            let bias = if good { 1.0 } else { h.negativity_bias };
            let weight = h.influence * trust * f64::from(story.intensity) * bias;
            shared.inbox.deliver(j, good, weight, key);
            if tracked {
                noted.push((id, j as u32));
            }
        };
        let known = contacts.len() + colleagues;
        let from_contacts = fan_out.min(known);
        choose_distinct(known, from_contacts, &mut r, |x| {
            let j = if x < contacts.len() {
                contacts[x]
            } else {
                extra[x - contacts.len()]
            };
            tell(j as usize, true);
        });
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
        a.told_now[k] = reached as u16;
        a.told[k] = a.told[k].saturating_add(reached as u32);
        a.events[k] |= event::TOLD
            | if good { 0 } else { event::TOLD_BAD }
            | if story.hops > 0 {
                event::TOLD_RETOLD
            } else {
                0
            };
    }
    if !noted.is_empty() {
        shared
            .reach
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(noted);
    }
}

/// Calls `f` on `k` distinct indices of `0..n`, each k-subset equally
/// likely, without allocating: Floyd's algorithm when k is small against n,
/// otherwise selection sampling (Knuth's algorithm S).
fn choose_distinct<R: rand::Rng>(n: usize, k: usize, r: &mut R, mut f: impl FnMut(usize)) {
    if k == 0 {
        return;
    }
    if k == n {
        (0..n).for_each(f);
        return;
    }
    const SMALL: usize = 16;
    if k <= SMALL && n > 4 * k {
        let mut chosen = [0usize; SMALL];
        for (c, t) in (n - k..n).enumerate() {
            let x = r.random_range(0..=t);
            chosen[c] = if chosen[..c].contains(&x) { t } else { x };
        }
        chosen[..k].iter().for_each(|&x| f(x));
        return;
    }
    let mut needed = k;
    for seen in 0..n {
        if r.random_range(0..n - seen) < needed {
            f(seen);
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
    let inbox = shared.inbox;
    for k in 0..a.len() {
        let i = a.first + k;
        // This tick's story is told; what is kept is the one to retell.
        a.story[k] = Story::NONE;
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
        let (intensity, hops, teller) = unpack_key(key);
        let t = &world.params(clock.tick, i).telling;
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
            a.story[k] = Story {
                valence,
                hops,
                intensity: intensity * t.intensity_decay as f32,
                origin: shared.origin[teller as usize].load(Relaxed),
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
    for k in 0..a.len() {
        let st = a.status[k];
        if st == status::NONE {
            continue;
        }
        let i = a.first + k;
        let m: &Market = &world.params(clock.tick, i).market;
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

/// Phase 5. With the mobility rate an agent changes organisation, to any
/// other with equal chance. It keeps its attitude and personal ties; its
/// workplace ties are replaced by [`workplace_ties`].
pub fn mobility(world: &World<'_>, clock: Clock, a: Agents<'_>, shared: Shared<'_>) {
    let Some(w) = &world.work else { return };
    if w.organisations < 2 {
        return;
    }
    for k in 0..a.len() {
        let i = a.first + k;
        let mut r = rng::stream(
            world.seed,
            clock.replication,
            clock.tick,
            i as u64,
            Purpose::Mobility,
        );
        if r.random::<f64>() >= w.mobility {
            continue;
        }
        let now = shared.org[i].load(Relaxed);
        let mut to = r.random_range(0..w.organisations - 1);
        if to >= now {
            to += 1;
        }
        shared.org[i].store(to, Relaxed);
        a.events[k] |= event::MOVED;
    }
}

/// Redraws workplace ties that no longer hold: all of a newcomer's, and any
/// to a colleague who has left. A new colleague is a member of the agent's
/// organisation drawn at random.
pub fn workplace_ties(world: &World<'_>, clock: Clock, a: Agents<'_>, shared: Shared<'_>) {
    let Some(w) = &world.work else { return };
    let c = w.colleagues as usize;
    for k in 0..a.len() {
        let i = a.first + k;
        let org = shared.org[i].load(Relaxed);
        let moved = a.events[k] & event::MOVED != 0;
        let mut r = None;
        for slot in &shared.colleagues[i * c..(i + 1) * c] {
            let j = slot.load(Relaxed);
            if !moved && j != NOBODY && shared.org[j as usize].load(Relaxed) == org {
                continue;
            }
            let members = shared.members.of(org);
            let r = r.get_or_insert_with(|| {
                rng::stream(
                    world.seed,
                    clock.replication,
                    clock.tick,
                    i as u64,
                    Purpose::Workplace,
                )
            });
            let pick = members[r.random_range(0..members.len())];
            slot.store(if pick as usize == i { NOBODY } else { pick }, Relaxed);
        }
    }
}

/// Adds this tick's referral credits to each agent's running count.
fn settle(a: Agents<'_>, shared: Shared<'_>) {
    for k in 0..a.len() {
        let credited = shared.referred_now[a.first + k].load(Relaxed);
        a.referrals[k] = a.referrals[k].saturating_add(credited);
    }
}

#[cfg(test)]
mod tests;
