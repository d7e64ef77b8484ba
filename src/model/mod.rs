//! The dynamics: what happens to a population, tick by tick.
//!
//! [`Dynamics`] is what the engine runs: a model's state, its state at tick
//! 0, one tick's step, what it measures, and when nothing can change any
//! more. Two kinds implement it:
//!
//! - [`WordOfMouth`], grapevine's own model (`word_of_mouth.rs`), whose tick
//!   runs the phases in `phases/`: [`phases::experience`] (purchases, staff
//!   treatment, service recovery, guests of events), [`phases::telling`],
//!   [`phases::hearing`], [`phases::decisions`] (buying, referrals, lapsing,
//!   win-back), [`phases::mobility`] (job changes and workplace ties) and
//!   [`phases::morale`] (staff morale);
//! - the field's classic models in `classic/`, one file each: SIR,
//!   independent cascade, linear threshold and Bass.
//!
//! [`with_dynamics`] is the registry: the one place that turns a variant's
//! `[model]` into the dynamics that runs it. Adding a model is one file
//! under `classic/` (its rule), its row in [`crate::catalog`] and its
//! parameters in [`crate::scenario::ModelSpec`], and an arm here.
//!
//! Every phase is a function of the state before it and of random streams
//! keyed by (seed, replication, tick, agent, purpose), so results do not
//! depend on which thread ran first. The model knows nothing of files,
//! charts or threads beyond "run this over these agents".

pub mod classic;
pub mod expected;
pub mod fanout;
pub mod phases;
pub mod population;
pub mod state;
pub mod tally;
pub mod word_of_mouth;

use crate::catalog::ModelKind;
use crate::measures::Measure;
use crate::network::Network;
use crate::scenario::{Scenario, Variant};

pub use population::Population;
pub use state::{Agents, CHUNK, Shared, State, Story};
pub use word_of_mouth::{REACH_PAIRS_PER_TICK, REACH_TRACKED_AGENTS, WordOfMouth};

/// Where in a run a tick happens: the key of its random streams.
///
/// The warm-up before tick 0 counts its own ticks from 1, and marks its
/// replication key with [`Clock::WARMUP`], so that its random numbers are
/// never those of the recorded tick with the same number.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub replication: u32,
    pub tick: u32,
}

impl Clock {
    /// The bit that marks a warm-up tick's replication key (replications
    /// are far fewer than 2^31).
    pub const WARMUP: u32 = 1 << 31;

    /// Tick `tick` of the recorded run of `replication`.
    pub fn run(replication: u32, tick: u32) -> Clock {
        Clock { replication, tick }
    }

    /// Tick `tick` (from 1) of the warm-up of `replication`.
    pub fn warmup(replication: u32, tick: u32) -> Clock {
        Clock {
            replication: replication | Self::WARMUP,
            tick,
        }
    }

    /// Whether this tick is part of the warm-up.
    pub fn is_warmup(self) -> bool {
        self.replication & Self::WARMUP != 0
    }
}

/// One tick's figures: for the whole population ("all") and then each
/// group in the scenario's order, the model's measures in its order.
pub type Frame = Vec<f64>;

/// The stories whose reach a tick let the dynamics follow.
#[derive(Debug, Clone)]
pub struct Stories {
    /// (story id, hearer) pairs noted since the last observation; a
    /// hearer of [`Stories::TOLD`] marks a story that was told.
    pub heard: Vec<(u64, u32)>,
    /// Stories first told at or before this tick can travel no further.
    pub complete_through: Option<u32>,
    /// Whether only a sample of the stories is followed.
    pub sampled: bool,
    /// How the model reads its own story ids: the recorder counts reach
    /// without knowing how a model numbers its stories.
    pub key: fn(u64) -> StoryKey,
}

impl Stories {
    /// The "hearer" that marks a story as told, heard by nobody yet.
    pub const TOLD: u32 = state::NOBODY;
}

impl Default for Stories {
    fn default() -> Self {
        Stories {
            heard: Vec::new(),
            complete_through: None,
            sampled: false,
            key: StoryKey::unknown,
        }
    }
}

/// What a story's id says: whether it is bad, the tick it was first told
/// and who first told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoryKey {
    pub bad: bool,
    pub born: u32,
    pub teller: u32,
}

impl StoryKey {
    /// The key of a model that follows no stories.
    pub fn unknown(_id: u64) -> StoryKey {
        StoryKey {
            bad: false,
            born: 0,
            teller: Stories::TOLD,
        }
    }

    /// The word-of-mouth model's ids (see `state::Story::id`).
    pub fn of_word_of_mouth(id: u64) -> StoryKey {
        let (bad, born, teller) = state::unpack_id(id);
        StoryKey { bad, born, teller }
    }
}

/// How one agent looks after a tick, for the network animation and the
/// dynamic GEXF.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Look {
    /// The agent's attitude, in [-1, 1].
    pub attitude: f32,
    /// Its market status ([`state::status`]).
    pub status: u8,
    /// Its group's index.
    pub group: u8,
    /// [`Look::GOOD`] and/or [`Look::BAD`]: the stories it told this tick.
    pub told: u8,
    /// Likewise, the stories it heard this tick.
    pub heard: u8,
    /// Whether an event gave it a one-off experience this tick (an
    /// invited guest).
    pub invited: bool,
}

impl Look {
    pub const GOOD: u8 = 1;
    pub const BAD: u8 = 2;

    /// Its status's name, as a scenario file writes it.
    pub fn status_name(&self) -> &'static str {
        match self.status {
            state::status::PROSPECT => "prospect",
            state::status::CUSTOMER => "customer",
            state::status::LAPSED => "lapsed",
            _ => "none",
        }
    }
}

/// A model of what happens to a population, run by the engine.
pub trait Dynamics: Sync {
    /// The state of one replication; a copy of it between ticks starts
    /// the what-ifs that share the baseline's warm-up.
    type State: Send + Sync + Clone + 'static;

    /// Which model this is: its measures come from its declaration.
    fn kind(&self) -> ModelKind;

    /// The measures each frame holds, in order.
    fn measures(&self) -> &'static [Measure] {
        self.kind().measures()
    }

    /// The number of agents.
    fn agents(&self) -> usize;

    /// The state at tick 0 of `replication`.
    fn initial_state(&self, replication: u32) -> Self::State;

    /// One tick.
    fn step(&self, state: &mut Self::State, clock: Clock, parallel: bool);

    /// The figures of the state after `tick`.
    fn measure(&self, state: &Self::State, tick: u32, parallel: bool) -> Frame;

    /// One tick and the figures after it: what [`Dynamics::step`] then
    /// [`Dynamics::measure`] give, which a model may count as it steps.
    fn step_measured(&self, state: &mut Self::State, clock: Clock, parallel: bool) -> Frame {
        self.step(state, clock, parallel);
        self.measure(state, clock.tick, parallel)
    }

    /// The stories followed for the reach measure since the last call.
    fn stories(&self, _state: &mut Self::State, _tick: u32) -> Stories {
        Stories::default()
    }

    /// The warm-up is over: counts that run "so far" (people reached)
    /// start again from tick 0.
    fn end_warmup(&self, _state: &mut Self::State) {}

    /// A fingerprint of everything the warm-up depends on (the network,
    /// the groups, the warm-up's values, the seed), for reusing warmed-up
    /// towns across runs ([`crate::engine::Towns`]); `None` keeps nothing.
    fn warmup_key(&self) -> Option<u64> {
        None
    }

    /// A fingerprint of everything a recorded run of this dynamics reads
    /// besides its town at tick 0 (for the warm-up: [`Dynamics::warmup_key`]):
    /// two dynamics with the same key record the same figures from the
    /// same town, so a recording can be kept and used again
    /// ([`crate::engine::Towns`]); `None` keeps none.
    fn run_key(&self) -> Option<u64> {
        None
    }

    /// Through which recorded tick this dynamics and `other`, started from
    /// the same town at tick 0, are sure to run alike: the same states and
    /// figures through that tick (`ticks` if through the whole run), so one
    /// can go on from the other's state there. `None` where even tick 0's
    /// figures may differ: the default, for a model that cannot tell.
    fn same_through(&self, _other: &Self, _ticks: u32) -> Option<u32> {
        None
    }

    /// Bytes one state holds, at most (what a kept town costs).
    fn state_bytes(&self) -> u64 {
        u64::MAX
    }

    /// How each of `agents` looks in `state`, into `out` (one each, in
    /// order). Models without attitudes or stories look like nothing and
    /// leave `out` empty.
    fn look(&self, _state: &Self::State, _agents: &[u32], _out: &mut Vec<Look>) {}

    /// Whether nothing can change after `tick`, whose figures are `frame`:
    /// every later tick would repeat its levels with no flows, so the
    /// engine fills them in instead of running them.
    fn settled(&self, _frame: &Frame, _tick: u32) -> bool {
        false
    }
}

/// Something to do with a dynamics whose type is known only at run time
/// (a visitor: the engine is generic, so this is how the registry hands a
/// concrete dynamics to it).
pub trait Visit {
    type Output;
    fn visit<D: Dynamics>(self, dynamics: &D) -> Self::Output;
}

/// Something to do with several dynamics of one type: the baseline and
/// the what-ifs that start from its warmed-up town.
pub trait VisitAll {
    type Output;
    fn visit_all<D: Dynamics>(self, dynamics: &[&D]) -> Self::Output;
}

/// The registry: builds the dynamics `variant` runs on `network`, and
/// hands it to `v`.
pub fn with_dynamics<V: Visit>(
    scenario: &Scenario,
    variant: &Variant,
    network: &Network,
    v: V,
) -> V::Output {
    struct One<V>(V);
    impl<V: Visit> VisitAll for One<V> {
        type Output = V::Output;
        fn visit_all<D: Dynamics>(self, dynamics: &[&D]) -> V::Output {
            self.0.visit(dynamics[0])
        }
    }
    with_dynamics_all(scenario, &[variant], network, One(v))
}

/// The registry for several variants with the same `[model]` (the
/// baseline and the what-ifs that share its warm-up): builds each one's
/// dynamics on `network` and hands them to `v`, in order.
///
/// # Panics
/// If `variants` is empty.
pub fn with_dynamics_all<V: VisitAll>(
    scenario: &Scenario,
    variants: &[&Variant],
    network: &Network,
    v: V,
) -> V::Output {
    let model = variants[0].model;
    debug_assert!(variants.iter().all(|x| x.model == model));
    let populations = variants.iter().map(|&variant| {
        let mut population = Population::new(
            scenario.seed,
            variant,
            &network.graph,
            &network.organisation,
        );
        // The network file says who is in which group (checked when it
        // was built: every value names a group).
        if let Some(labels) = network.labels.as_ref()
            && let Ok(group) = labels.groups(&variant.groups)
        {
            population.group = group;
        }
        population
    });
    fn visit<D: Dynamics, V: VisitAll>(v: V, all: Vec<D>) -> V::Output {
        let refs: Vec<&D> = all.iter().collect();
        v.visit_all(&refs)
    }
    // A classic model's seeds as `[seeds]` names them (their ids checked
    // against the network when it was built).
    let seeds = scenario.seeds.as_ref().map(|s| {
        use crate::scenario::seeds::{Pick, Seeds};
        let pick = match &s.pick {
            Pick::TopDegree(k) => classic::Seeding::TopDegree(*k),
            Pick::Random(k) => classic::Seeding::Random(*k),
            Pick::All => classic::Seeding::Random(u32::MAX),
            Pick::Nodes(ids) => classic::Seeding::Nodes(
                Seeds::named(&network.ids, network.agents(), ids).unwrap_or_default(),
            ),
        };
        let group = s.group.as_ref().and_then(|name| {
            let groups = &scenario.baseline().groups;
            groups.iter().position(|g| &g.name == name)
        });
        match group {
            Some(g) => classic::Seeding::Group(g as u8, Box::new(pick)),
            None => pick,
        }
    });
    let seeds = seeds.as_ref();
    // The registry: one line a model.
    use classic::{bass, cascade, sir, threshold};
    match model.kind() {
        ModelKind::WordOfMouth => visit(
            v,
            variants
                .iter()
                .zip(populations)
                .map(|(variant, p)| WordOfMouth::new(scenario, variant, p))
                .collect(),
        ),
        ModelKind::Sir => visit(v, classic::build::<sir::Sir>(populations, &model, seeds)),
        ModelKind::IndependentCascade => visit(
            v,
            classic::build::<cascade::IndependentCascade>(populations, &model, seeds),
        ),
        ModelKind::LinearThreshold => {
            let built = classic::build::<threshold::LinearThreshold>(populations, &model, seeds);
            let own = |variant: &Variant| variant.groups.iter().map(|g| g.threshold).collect();
            let all = built
                .into_iter()
                .zip(variants)
                .map(|(c, variant)| c.with_group_thresholds(own(variant)))
                .collect();
            visit(v, all)
        }
        ModelKind::Bass => visit(v, classic::build::<bass::Bass>(populations, &model, seeds)),
    }
}

/// What a variant's dynamics cost, for the forecasts: bytes of state per
/// agent, simulation time per agent-tick on one thread (word of mouth:
/// [`ns_per_agent_tick`]), and the tellings a tick expected (word of
/// mouth).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    pub bytes_per_agent: u64,
    pub ns_per_agent_tick: f64,
    pub tellings: expected::Tellings,
    /// Whether it follows stories for the reach measure.
    pub stories: bool,
}

/// Time a classic model spends, per node change, on each of the node's
/// ties, on one thread: an atomic add at the neighbour and the draws the
/// changes bring. It depends on whether the nodes' counts fit in the
/// processor's caches: measured 45 ns on a 1,000,000-node Erdős–Rényi SIR
/// of mean degree 10, and 5 ns on a complete graph of 2,000 (Bass);
/// between 100,000 and 1,000,000 nodes it is taken on a log scale.
pub fn ns_per_tie_change(agents: f64) -> f64 {
    cached(agents, 5.0, 45.0)
}

/// A cost that is `small` while the agents' state fits in the processor's
/// caches (up to 100,000 agents) and `large` once it is far beyond them
/// (1,000,000 and more), on a log scale between.
fn cached(agents: f64, small: f64, large: f64) -> f64 {
    on_log_scale(agents, &[(1e5, small), (1e6, large)])
}

/// The word-of-mouth model's time per agent-tick on one thread, in ns, by
/// the town's size. Measured on this project's 2-core machine, quiet, at
/// issue 27's stop 42 (whole runs with `--format none` on 2 threads, less
/// building the town, times 1.85 for the second core): 10.7 to 15.1 ns in
/// the 20,000-agent lessons (their state fits in the caches; 14 ns, with
/// the tellings beyond [`crate::forecast::TELLINGS_PER_AGENT_TICK`]
/// counted apart, puts their forecasts with their outputs within 11% in
/// `scripts/forecasts.py`), 18 ns in the
/// 1,000,000-agent Barabási–Albert year and 23 ns in the 10,000,000-agent
/// one, on a log scale between.
pub fn ns_per_agent_tick(agents: f64) -> f64 {
    on_log_scale(agents, &[(1e5, 14.0), (1e6, 18.0), (1e7, 23.0)])
}

/// Time to build a generated town, per agent, in ns (2 threads): measured
/// on a Barabási–Albert town of m = 5, with its state, at stop 42: 0.25 s
/// for 1,000,000 agents and 4.2 s for 10,000,000 (the edges are placed
/// far beyond the caches), on a log scale between.
pub fn ns_to_build(agents: f64) -> f64 {
    on_log_scale(agents, &[(1e6, 250.0), (1e7, 420.0)])
}

/// The value at `agents` of a cost given at increasing sizes `points`:
/// the first point's below it, the last one's above the last, and on a
/// log scale of the size between two points.
fn on_log_scale(agents: f64, points: &[(f64, f64)]) -> f64 {
    let n = agents.max(1.0);
    let (mut below, mut value) = points[0];
    for &(size, cost) in &points[1..] {
        if n <= below {
            break;
        }
        let x = ((n.ln() - below.ln()) / (size.ln() - below.ln())).min(1.0);
        value += x * (cost - value);
        below = size;
    }
    value
}

/// Whether the time forecast for `variant` is its most rather than its
/// likely time: a threshold cascade is forecast spreading to everyone,
/// every tick, where most stop within a few ticks (measured: Watts 2002's
/// cascades, forecast 0.42 s with their outputs, took 0.08 s).
pub fn forecast_is_its_most(variant: &Variant) -> bool {
    variant.model.kind() == ModelKind::LinearThreshold
}

/// What a classic model's run is expected to do: the ticks until it
/// settles (at most `ticks`), and the share of nodes that change (start,
/// and for SIR and the cascade end too, so each tells its ties twice).
/// From the mean-field spread for the mean degree k, each tie passing it
/// on with chance `passes` a tick (SIR, cascade); everyone and every tick
/// for the threshold and Bass models, which is their most.
fn classic_course(variant: &Variant, agents: f64, edges: f64, ticks: u32) -> (f64, f64, f64) {
    let model = &variant.model;
    let (passes, ends) = match model.kind() {
        ModelKind::Sir => (model.get("beta"), model.get("gamma")),
        ModelKind::IndependentCascade => (model.get("probability"), 1.0),
        _ => return (f64::from(ticks), 1.0, 1.0),
    };
    let k = if agents > 0.0 {
        2.0 * edges / agents
    } else {
        0.0
    };
    // The declared seed share, or (named seeds) about one seed.
    let rho = model
        .kind()
        .declaration()
        .seed_share
        .and_then(|key| model.given(key))
        .unwrap_or(1.0 / agents.max(1.0));
    // Susceptible, infected (or newly active) and removed shares, tick by
    // tick, until less than half a node is left spreading.
    let (mut s, mut i) = (1.0 - rho, rho);
    let mut settled = f64::from(ticks);
    for t in 1..=ticks {
        let infected = s * (1.0 - (1.0 - passes.min(1.0)).powf(k * i));
        s -= infected;
        i = i * (1.0 - ends) + infected;
        if i * agents < 0.5 {
            settled = f64::from(t);
            break;
        }
    }
    (settled, 1.0 - s, 2.0)
}

/// The time a classic model's run is expected to take, in ns on one
/// thread: its nodes each tick until it settles ([`Cost::ns_per_agent_tick`]),
/// and every node that changes telling its ties. Nothing for word of mouth,
/// whose telling is in its per-agent cost.
pub fn classic_run_ns(variant: &Variant, agents: f64, edges: f64, ticks: u32) -> Option<f64> {
    if variant.model.kind() == ModelKind::WordOfMouth {
        return None;
    }
    let (settled, changed, times) = classic_course(variant, agents, edges, ticks);
    let per_node = cost(variant, agents, ticks).ns_per_agent_tick;
    let per_tick = agents * per_node + NS_PER_RUN_TICK;
    Some(settled * per_tick + changed * times * 2.0 * edges * ns_per_tie_change(agents))
}

/// What each tick of a classic run costs beside its nodes: recording its
/// figures and handing the work out (measured: 1.5 us, 500 runs of 300
/// ticks on 100 nodes).
pub const NS_PER_RUN_TICK: f64 = 1500.0;

/// The registry's second list: what `variant` costs with `agents` agents
/// over `ticks` ticks.
pub fn cost(variant: &Variant, agents: f64, ticks: u32) -> Cost {
    match variant.model.kind() {
        ModelKind::WordOfMouth => Cost {
            bytes_per_agent: state::BYTES_PER_AGENT
                + variant
                    .workplaces
                    .as_ref()
                    .map_or(0, |w| state::workplace_bytes_per_agent(w.colleagues)),
            ns_per_agent_tick: ns_per_agent_tick(agents),
            tellings: expected::tellings(variant, agents, ticks),
            stories: true,
        },
        // Every classic model keeps the same per-node state.
        _ => Cost {
            bytes_per_agent: classic::BYTES_PER_AGENT
                + if variant.network.weighted() {
                    classic::WEIGHTED_BYTES_PER_AGENT
                } else {
                    0
                },
            ns_per_agent_tick: 6.0,
            tellings: expected::Tellings::default(),
            stories: false,
        },
    }
}

#[cfg(test)]
mod tests;
