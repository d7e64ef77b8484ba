//! The engine: replications, threads and seeding.
//!
//! A replication starts from [`initial_state`] and steps tick by tick,
//! calling an [`Observer`] after tick 0 and after each tick. Small
//! populations run many replications side by side, each on one thread
//! (or split across threads when there are fewer replications than
//! threads); large ones run replications one after another, each split
//! across all threads within a tick. Either way every number comes from streams keyed
//! by (seed, replication, tick, agent, purpose), so the results are the same
//! on any number of threads, and in either mode.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::metrics::{Observer, Recorder};
use crate::model::state::{BYTES_PER_AGENT, workplace_bytes_per_agent};
use crate::model::{Clock, World, initial_state, step};
use crate::scenario::{Group, Scenario, Status, Variant};

/// How to spread the work over threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Within runs for large populations, across runs for small ones.
    #[default]
    Auto,
    /// Replications one at a time, each split across threads.
    WithinRuns,
    /// Replications side by side (each also split across threads when
    /// there are fewer replications than threads).
    AcrossRuns,
}

/// Populations at least this large run one replication at a time, split
/// across threads (and hold one state in memory, not one per thread).
pub const WITHIN_RUNS_FROM: usize = 50_000;

impl Mode {
    pub fn within_runs(self, agents: usize) -> bool {
        match self {
            Mode::Auto => agents >= WITHIN_RUNS_FROM,
            Mode::WithinRuns => true,
            Mode::AcrossRuns => false,
        }
    }
}

/// The run was stopped before it finished (Ctrl-C).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the run was interrupted")]
pub struct Cancelled;

/// What a run needs besides the world.
#[derive(Default, Clone, Copy)]
pub struct Options<'a> {
    pub runs: u32,
    pub ticks: u32,
    pub mode: Mode,
    /// Checked once a tick; when set, the run stops with [`Cancelled`].
    pub cancel: Option<&'a AtomicBool>,
    /// Called once for each tick done, from any thread.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

/// Runs one replication, reporting each tick's state to `observer`.
pub fn run_replication(
    world: &World<'_>,
    replication: u32,
    options: &Options<'_>,
    parallel: bool,
    observer: &mut impl Observer,
) -> Result<(), Cancelled> {
    let mut state = initial_state(world, replication);
    observer.observe(0, world, &state, parallel);
    for tick in 1..=options.ticks {
        if options.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Cancelled);
        }
        step(world, &mut state, Clock { replication, tick }, parallel);
        observer.observe(tick, world, &state, parallel);
        if let Some(p) = options.progress {
            p(1);
        }
    }
    observer.finish();
    Ok(())
}

/// Runs every replication and returns their recordings, in replication order.
pub fn run(world: &World<'_>, options: &Options<'_>) -> Result<Vec<Recorder>, Cancelled> {
    let one = |r: u32, parallel: bool| {
        let mut rec = Recorder::default();
        run_replication(world, r, options, parallel, &mut rec).map(|_| rec)
    };
    if options.mode.within_runs(world.agents()) {
        (0..options.runs).map(|r| one(r, true)).collect()
    } else {
        // Fewer runs than threads: let each run use the idle threads too.
        let inner = (options.runs as usize) < rayon::current_num_threads();
        (0..options.runs)
            .into_par_iter()
            .map(|r| one(r, inner))
            .collect()
    }
}

/// Memory any run takes besides its data: the program, its libraries,
/// thread stacks and allocator slack (measured: about 10 MiB).
pub const FIXED_OVERHEAD: u64 = 12 << 20;

/// Memory while the charts are drawn, once the states are gone (measured:
/// 16 to 30 MiB with two charts drawn at once).
pub const CHARTS_OVERHEAD: u64 = 20 << 20;

/// (story, hearer) pairs a tracked agent adds to the reach bookkeeping in
/// the few ticks a story lives, with the slack of a growing vector.
const REACH_PAIRS_PER_TRACKED_AGENT: u64 = 8;

/// Predicted memory for a run, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MemoryEstimate {
    /// While the network is built (edge list plus both directions, sorted).
    pub building: u64,
    /// While replications run (the graph plus the states alive at once).
    pub running: u64,
    /// The figures recorded: every metric, tick, group and replication,
    /// and their aggregate.
    pub recordings: u64,
    pub peak: u64,
}

/// The size of a run, as far as memory goes.
#[derive(Debug, Clone, Copy)]
pub struct RunSize {
    pub agents: u64,
    pub edges: u64,
    pub groups: usize,
    pub ticks: u32,
    pub runs: u32,
    /// Variants run one after another, each keeping its recorded figures.
    pub variants: u32,
    /// Workplace ties per agent, when there are workplaces.
    pub colleagues: Option<u32>,
    /// A classic model, whose state is a few bytes an agent.
    pub classic: bool,
    /// Measures recorded per group and tick.
    pub measures: usize,
}

/// Predicts the memory a run takes, before anything is allocated.
pub fn estimate_memory(size: RunSize, threads: usize, mode: Mode) -> MemoryEstimate {
    let RunSize {
        agents,
        edges,
        groups,
        ticks,
        runs,
        variants,
        colleagues,
        classic,
        measures,
    } = size;
    // CSR: a u64 offset per agent, a u32 per adjacency entry (two per edge).
    let graph = 8 * (agents + 1) + 8 * edges;
    // While building: the edge list (8 bytes an edge) and, for a generator
    // like Barabasi-Albert, its list of edge ends (8); then the edge list
    // beside the adjacency entries (8), offsets and cursors (16 an agent).
    let building = 16 * edges + 16 * (agents + 1) + FIXED_OVERHEAD;
    let states_at_once = if mode.within_runs(agents as usize) {
        1
    } else {
        u64::from(runs).min(threads as u64)
    };
    let frame = (groups as u64 + 1) * measures as u64 * 8;
    let recordings =
        u64::from(variants) * (u64::from(runs) * 8 + 24) * (u64::from(ticks) + 1) * frame / 8;
    let (per_agent, reach) = if classic {
        (crate::model::classic::BYTES_PER_AGENT, 0)
    } else {
        (
            BYTES_PER_AGENT + colleagues.map_or(0, workplace_bytes_per_agent),
            // Story reach: pairs of (story, hearer), at most the budget.
            16 * (crate::metrics::REACH_BUDGET as u64).min(
                REACH_PAIRS_PER_TRACKED_AGENT
                    * agents.min(crate::model::REACH_TRACKED_AGENTS as u64),
            ),
        )
    };
    let running = graph + agents + states_at_once * (per_agent * agents + reach) + FIXED_OVERHEAD;
    MemoryEstimate {
        building,
        running,
        recordings,
        peak: building.max(running).max(CHARTS_OVERHEAD) + recordings,
    }
}

/// Simulation time per agent per tick on one thread, measured on the
/// reference machine (2 cores; a 1,000,000-agent Barabási–Albert run):
/// the word-of-mouth model, and a classic model.
pub const NS_PER_AGENT_TICK: (f64, f64) = (45.0, 6.0);

/// Time per telling beyond the ordinary, on one thread: delivering a story
/// and noting it for the reach measure (measured: a 20,000-agent town whose
/// bad stories go to 25, 100, 300 and 1,000 people each: 0.8 M, 14 M, 70 M
/// and 291 M tellings, 52 to 62 ns more per telling).
pub const NS_PER_TELLING: f64 = 55.0;

/// Tellings per agent-tick already inside [`NS_PER_AGENT_TICK`]: the
/// reference run's own (a default town).
pub const TELLINGS_PER_AGENT_TICK: f64 = 0.2;

/// A forecast of a run's simulation time, in seconds: for every variant,
/// its agent-ticks at the measured cost, plus its tellings (which a huge
/// fan-out can make dominate), over the threads (at 85% each beyond the
/// first), plus building each network. `agents[v]` is variant `v`'s
/// population.
pub fn forecast_seconds(scenario: &Scenario, agents: &[u64], threads: usize) -> f64 {
    let speedup = 1.0 + 0.85 * (threads.max(1) - 1) as f64;
    let runs_ticks = f64::from(scenario.runs) * f64::from(scenario.ticks);
    scenario
        .variants
        .iter()
        .zip(agents)
        .map(|(v, &n)| {
            let n = n as f64;
            let (per_agent, tellings) = if v.model.is_classic() {
                (NS_PER_AGENT_TICK.1, 0.0)
            } else {
                (NS_PER_AGENT_TICK.0, tellings_per_tick(v, n, scenario.ticks))
            };
            let extra = (tellings - TELLINGS_PER_AGENT_TICK * n).max(0.0);
            let work = runs_ticks * (n * per_agent + extra * NS_PER_TELLING) * 1e-9;
            work / speedup + n * 300e-9
        })
        .sum()
}

/// The standard normal distribution function (Abramowitz and Stegun
/// 7.1.26; absolute error under 1.5e-7, plenty for a forecast).
fn normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-z * z).exp();
    if x >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

/// A rough count of the tellings in one tick of a variant, averaged over
/// its timeline: the first-hand stories its experiences make, each told to
/// its fan-out (no more than the others in the population), and retold hop
/// after hop by the hearers who pass them on, of whom there are no more
/// than the population at each hop.
pub fn tellings_per_tick(v: &Variant, n: f64, ticks: u32) -> f64 {
    let per_phase: Vec<f64> = v
        .timeline
        .params
        .iter()
        .map(|groups| groups.iter().map(|g| group_tellings(g, n, ticks)).sum())
        .collect();
    let ticks_in = |k: usize| {
        v.timeline
            .at
            .iter()
            .skip(1)
            .filter(|&&p| p as usize == k)
            .count()
    };
    let total: f64 = per_phase
        .iter()
        .enumerate()
        .map(|(k, t)| t * ticks_in(k) as f64)
        .sum();
    total / f64::from(ticks.max(1))
}

/// One group's share of [`tellings_per_tick`].
fn group_tellings(g: &Group, n: f64, ticks: u32) -> f64 {
    // Who has experiences: customers and staff; prospects and lapsed
    // customers as far as advertising makes customers of them.
    let buyers = match (g.staff, g.status) {
        (true, _) | (_, Status::Customer) => 1.0,
        (_, Status::Prospect | Status::Lapsed) => (g.market.p * f64::from(ticks)).min(1.0),
        (_, Status::None) => 0.0,
    };
    let s = &g.service;
    let sd = s.quality_sd.max(1e-9);
    let chance = |shift: f64| {
        let mu = s.quality_mean - s.expectation + shift;
        let delight = 1.0 - normal_cdf((s.delight_margin - mu) / sd);
        let failure = normal_cdf((-s.disappoint_margin - mu) / sd);
        (delight, failure)
    };
    let (d1, f1) = chance(s.morale_effect);
    let (d2, f2) = chance(-s.morale_effect);
    let (delight, failure) = (d1.max(d2), f1.max(f2));
    let good = delight + failure * s.recovery_rate;
    let bad = failure * (1.0 - s.recovery_rate);
    let stories = g.share * n * buyers * s.purchase_rate * (good + bad);
    if stories <= 0.0 {
        return 0.0;
    }
    let cap = (n - 1.0).max(0.0);
    let t = &g.telling;
    let fan = (good * t.good.mean().min(cap) + bad * t.bad.mean().min(cap)) / (good + bad);
    let (mut tellers, mut all) = (stories, stories);
    for h in 1..t.max_hops {
        let hearers = (tellers * fan).min(n);
        tellers = hearers * t.retell_probability * t.retell_decay.powi(h as i32 - 1);
        all += tellers;
    }
    all.min(n) * fan
}

/// Memory the system can give without swapping (Linux: MemAvailable), if known.
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
