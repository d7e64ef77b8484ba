//! The word-of-mouth model: everything fixed during a run of it (each
//! group's parameters over the timeline, the guests of events, the
//! workplaces, the sample of stories followed), its state at tick 0, and
//! its place among the [`Dynamics`]. The tick's rules are in
//! [`super::phases`], its figures in [`super::tally`].

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use rand::RngExt;

use super::phases::decisions::LapseChance;
use super::population::{Population, by_degree};
use super::state::{self, State, flag, for_each_chunk, status};
use super::{Clock, Dynamics, Frame, Stories, expected, phases};
use crate::catalog::ModelKind;
use crate::network::Graph;
use crate::rng::{self, Purpose};
use crate::scenario::{
    Action, Chosen, Group, Hearing, Market, Scenario, Service, Status, Telling, Variant,
};

/// A group's parameters at one point of the timeline.
#[derive(Debug, Clone)]
pub struct GroupParams {
    pub service: Service,
    pub telling: Telling,
    pub hearing: Hearing,
    pub market: Market,
    /// The market's lapse rule, with its bounds worked out.
    pub lapse: LapseChance,
}

impl GroupParams {
    pub fn new(g: &Group) -> Self {
        Self {
            service: g.service.clone(),
            telling: g.telling.clone(),
            hearing: g.hearing.clone(),
            market: g.market.clone(),
            lapse: LapseChance::new(g.market.lapse_rate, g.market.lapse_sensitivity),
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

/// Workplace ties and job mobility, as the run uses them (each agent's
/// organisation at the start is the population's).
#[derive(Debug, Clone)]
pub struct Work {
    pub organisations: u32,
    pub colleagues: u32,
    pub mobility: f64,
}

/// Every story's reach is tracked in populations up to this size; in larger
/// ones, a random sample of stories about this many agents would tell.
pub const REACH_TRACKED_AGENTS: usize = 50_000;

/// The most (story, hearer) pairs the tellings of one tick are expected to
/// note for the reach measure (16 bytes each: 16 MiB).
pub const REACH_PAIRS_PER_TICK: usize = 1 << 20;

/// The word-of-mouth model of one variant: everything fixed during a run.
pub struct WordOfMouth<'a> {
    pub graph: &'a Graph,
    /// Each agent's group index.
    pub group: Vec<u8>,
    pub groups: Vec<Group>,
    /// Each agent's organisation at the start (empty without workplaces).
    pub organisation: Vec<u32>,
    /// The groups' parameters in each segment of the timeline (a stretch
    /// of ticks between events' starts and ends).
    pub segments: Vec<Vec<GroupParams>>,
    /// The segment at each tick.
    pub segment_at: Vec<u16>,
    pub seed: u64,
    pub guests: Vec<Guests>,
    pub work: Option<Work>,
    /// Whether any group is staff (and so morale is measured).
    pub staff: bool,
    /// Stories whose key hashes below this have their reach tracked.
    pub reach_below: u64,
    /// The most hops any story can travel, in any group at any tick.
    pub max_hops: u32,
    /// The groups' parameters during the warm-up: the baseline's as
    /// written, when this variant shares the baseline's warm-up (it
    /// changes only policy), else its own.
    pub warmup_params: Vec<GroupParams>,
    /// Job mobility during the warm-up, likewise.
    pub warmup_mobility: f64,
    /// The warm-up's fingerprint, made once (it reads the whole network).
    warmup_key: std::sync::OnceLock<u64>,
    /// The recorded run's, likewise.
    run_key: std::sync::OnceLock<u64>,
}

impl<'a> WordOfMouth<'a> {
    /// The baseline of `scenario` on `graph`, with no organisations of the
    /// network's own (those of `[workplaces]` drawn at random).
    pub fn baseline(scenario: &Scenario, graph: &'a Graph) -> Self {
        let base = scenario.baseline();
        Self::new(
            scenario,
            base,
            Population::new(scenario.seed, base, graph, &[]),
        )
    }

    /// `variant` of `scenario`, on its population.
    pub fn new(scenario: &Scenario, variant: &Variant, population: Population<'a>) -> Self {
        let Population {
            graph,
            group,
            groups,
            seed,
            organisation,
            organisations,
        } = population;
        let n = graph.nodes();
        let work = variant.workplaces.as_ref().map(|w| Work {
            organisations,
            colleagues: w.colleagues,
            mobility: w.mobility,
        });
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
        let baseline = scenario.baseline();
        let warm = if variant.shares_warmup(baseline) {
            baseline
        } else {
            variant
        };
        let warmup_params = warm
            .timeline
            .params
            .first()
            .unwrap_or(&warm.groups)
            .iter()
            .map(GroupParams::new)
            .collect();
        let warmup_mobility = warm.workplaces.as_ref().map_or(0.0, |w| w.mobility);
        Self {
            graph,
            group,
            warmup_params,
            warmup_mobility,
            staff: groups.iter().any(|g| g.staff),
            groups,
            organisation,
            segments: variant
                .timeline
                .params
                .iter()
                .map(|gs| gs.iter().map(GroupParams::new).collect())
                .collect(),
            segment_at: variant.timeline.at.clone(),
            seed,
            guests,
            work,
            reach_below,
            max_hops: variant
                .timeline
                .params
                .iter()
                .flatten()
                .map(|g| g.telling.max_hops)
                .max()
                .unwrap_or(1),
            warmup_key: std::sync::OnceLock::new(),
            run_key: std::sync::OnceLock::new(),
        }
    }

    pub fn agents(&self) -> usize {
        self.graph.nodes()
    }

    /// Group `g`'s parameters at `clock`.
    #[inline]
    pub fn group_params(&self, clock: Clock, g: usize) -> &GroupParams {
        &self.params_at(clock)[g]
    }

    /// Every group's parameters at `clock`, by group: what a phase looks up
    /// once for its agents rather than for each.
    #[inline]
    pub fn params_at(&self, clock: Clock) -> &[GroupParams] {
        if clock.is_warmup() {
            return &self.warmup_params;
        }
        let segment = self
            .segment_at
            .get(clock.tick as usize)
            .copied()
            .unwrap_or(0);
        &self.segments[segment as usize]
    }

    /// Whether any one-off experience falls at `clock`.
    #[inline]
    pub fn has_guests(&self, clock: Clock) -> bool {
        !clock.is_warmup() && self.guests.iter().any(|g| g.tick == clock.tick)
    }

    /// The chance per tick that an agent changes job at `clock`.
    #[inline]
    pub fn mobility(&self, clock: Clock) -> f64 {
        match &self.work {
            Some(_) if clock.is_warmup() => self.warmup_mobility,
            Some(w) => w.mobility,
            None => 0.0,
        }
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
    pub fn guest(&self, clock: Clock, i: usize) -> Option<f64> {
        if clock.is_warmup() {
            return None;
        }
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

/// The state at tick 0 of a replication: initial attitudes and awareness
/// by group, workplaces and their ties, and staff morale.
fn initial_state(world: &WordOfMouth<'_>, replication: u32) -> State {
    let n = world.agents();
    let mut state = State::new(n);
    state.credited = world.groups.iter().map(|_| AtomicU64::new(0)).collect();
    // Each agent's own stream: the same town on any number of threads.
    let key = rng::Key::new(world.seed, replication, 0, Purpose::Init);
    let (agents, _) = state.split();
    for_each_chunk(true, agents, &|a| {
        for k in 0..a.len() {
            let i = a.first + k;
            let g = &world.groups[world.group[i] as usize];
            let mut r = key.stream(i as u64);
            let spread = g.attitude_spread * (2.0 * r.random::<f64>() - 1.0);
            a.attitude[k] = (g.attitude + spread).clamp(-1.0, 1.0) as f32;
            a.status[k] = match g.status {
                Status::None => status::NONE,
                Status::Prospect => status::PROSPECT,
                Status::Customer => status::CUSTOMER,
                Status::Lapsed => status::LAPSED,
            };
            if r.random::<f64>() < g.aware_share {
                a.flags[k] |= flag::AWARE;
            }
        }
    });
    if let Some(w) = &world.work {
        state = state.with_workplaces(w.colleagues);
        for (o, &init) in state.org.iter().zip(&world.organisation) {
            o.store(init, Relaxed);
        }
        state.members.rebuild(&state.org, w.organisations as usize);
        let clock = Clock {
            replication,
            tick: 0,
        };
        let (agents, shared) = state.split();
        for_each_chunk(true, agents, &|a| {
            phases::mobility::workplace_ties(world, clock, a, shared)
        });
    }
    state.morale = phases::morale::morale(world, &state, true);
    state
}

impl WordOfMouth<'_> {
    /// A fingerprint of what the warm-up reads: the network, who is in
    /// which group and organisation, the groups as written, the warm-up's
    /// values and mobility, the seed, and what bounds stories and their
    /// tracking. The values after week 0 (segments, guests) are left out:
    /// they are what a studio slider changes.
    fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.graph.hash(&mut h);
        self.group.hash(&mut h);
        self.organisation.hash(&mut h);
        self.settings().hash(&mut h);
        h.finish()
    }

    /// The fingerprint's values besides the network and who is where.
    fn settings(&self) -> String {
        format!(
            "{:?}",
            (
                &self.groups,
                &self.warmup_params,
                self.warmup_mobility.to_bits(),
                self.seed,
                &self.work,
                self.staff,
                self.reach_below,
                self.max_hops,
            )
        )
    }

    /// Whether `other` is the same world but for the values after week 0
    /// (what the fingerprint reads, compared rather than hashed: a what-if
    /// is built on the baseline's network, so that is one comparison).
    fn same_world(&self, other: &Self) -> bool {
        (std::ptr::eq(self.graph, other.graph) || self.graph == other.graph)
            && self.group == other.group
            && self.organisation == other.organisation
            && self.settings() == other.settings()
    }
}

impl Dynamics for WordOfMouth<'_> {
    type State = State;

    fn warmup_key(&self) -> Option<u64> {
        Some(*self.warmup_key.get_or_init(|| self.fingerprint()))
    }

    /// The warm-up's fingerprint and what changes after week 0: the
    /// timeline's values and the events' guests.
    fn run_key(&self) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        let key = self.run_key.get_or_init(|| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            self.warmup_key().hash(&mut h);
            self.segment_at.hash(&mut h);
            format!("{:?}", (&self.segments, &self.guests)).hash(&mut h);
            h.finish()
        });
        Some(*key)
    }

    /// Alike while the timeline's values and the events' guests are: the
    /// same world but for them (what the warm-up's fingerprint reads, the
    /// run's mobility with it), then tick by tick the groups' parameters
    /// and the guests of that tick (what `run_key` reads, tick by tick).
    fn same_through(&self, other: &Self, ticks: u32) -> Option<u32> {
        if !self.same_world(other) {
            return None;
        }
        let segments =
            |w: &Self| -> Vec<String> { w.segments.iter().map(|s| format!("{s:?}")).collect() };
        let (mine, theirs) = (segments(self), segments(other));
        let segment =
            |w: &Self, tick: u32| w.segment_at.get(tick as usize).copied().unwrap_or(0) as usize;
        let guests = |w: &Self, tick: u32| -> Vec<String> {
            w.guests
                .iter()
                .filter(|g| g.tick == tick)
                .map(|g| format!("{g:?}"))
                .collect()
        };
        let alike = |tick: u32| {
            mine[segment(self, tick)] == theirs[segment(other, tick)]
                && guests(self, tick) == guests(other, tick)
        };
        if !alike(0) {
            return None;
        }
        Some((1..=ticks).find(|&t| !alike(t)).map_or(ticks, |t| t - 1))
    }

    fn state_bytes(&self) -> u64 {
        let work = self
            .work
            .as_ref()
            .map_or(0, |w| state::workplace_bytes_per_agent(w.colleagues));
        self.agents() as u64 * (state::BYTES_PER_AGENT + work)
    }

    fn kind(&self) -> ModelKind {
        ModelKind::WordOfMouth
    }

    fn agents(&self) -> usize {
        self.graph.nodes()
    }

    fn initial_state(&self, replication: u32) -> State {
        initial_state(self, replication)
    }

    fn step(&self, state: &mut State, clock: Clock, parallel: bool) {
        phases::step(self, state, clock, parallel);
    }

    fn measure(&self, state: &State, tick: u32, parallel: bool) -> Frame {
        super::tally::frame(self, state, tick, parallel)
    }

    fn step_measured(&self, state: &mut State, clock: Clock, parallel: bool) -> Frame {
        phases::step_measured(self, state, clock, parallel)
    }

    /// What ran "so far" starts again at tick 0: people reached by good and
    /// bad stories.
    fn end_warmup(&self, state: &mut State) {
        let reached = flag::REACHED_GOOD | flag::REACHED_BAD;
        state.flags.iter_mut().for_each(|f| *f &= !reached);
    }

    /// How each of `agents` looks after this tick: attitude, market
    /// status, group, and the stories it told and heard.
    fn look(&self, state: &State, agents: &[u32], out: &mut Vec<super::Look>) {
        use super::Look;
        use state::event;
        out.clear();
        out.extend(agents.iter().map(|&i| {
            let i = i as usize;
            let e = state.events[i];
            let told = if e & event::TOLD == 0 {
                0
            } else if e & event::TOLD_BAD != 0 {
                Look::BAD
            } else {
                Look::GOOD
            };
            let heard = if e & event::HEARD_GOOD != 0 {
                Look::GOOD
            } else {
                0
            } | if e & event::HEARD_BAD != 0 {
                Look::BAD
            } else {
                0
            };
            Look {
                attitude: state.attitude[i],
                status: state.status[i],
                group: self.group[i],
                told,
                heard,
                invited: e & event::INVITED != 0,
            }
        }));
    }

    /// The (story, hearer) pairs noted this tick. A story is last retold
    /// `max_hops - 1` ticks after it was first told, so those first told
    /// `max_hops` ticks ago or earlier are complete.
    fn stories(&self, state: &mut State, tick: u32) -> Stories {
        let noted = state.reach.get_mut().unwrap_or_else(|e| e.into_inner());
        Stories {
            heard: std::mem::take(noted),
            complete_through: tick.checked_sub(self.max_hops),
            sampled: self.reach_below != u64::MAX,
            key: super::StoryKey::of_word_of_mouth,
        }
    }
}
