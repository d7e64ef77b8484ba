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
use crate::network;
use crate::scenario::{self, NetworkSpec, Scenario};

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

/// The networks a run holds at once: every distinct network of its
/// variants. Returns the most agents of any and the edges of all.
fn network_size(s: &Scenario) -> (u64, u64) {
    let mut specs: Vec<&NetworkSpec> = Vec::new();
    for v in &s.variants {
        if !specs.contains(&&v.network) {
            specs.push(&v.network);
        }
    }
    let edges: u64 = specs
        .iter()
        .map(|n| network::expected_edges(n))
        .fold(0, u64::saturating_add);
    let agents = specs
        .iter()
        .map(|n| {
            n.agents()
                .unwrap_or(network::expected_edges(n).min(scenario::MAX_AGENTS))
        })
        .max()
        .unwrap_or(0);
    (agents, edges)
}

/// The size of a scenario's run, as far as memory goes.
pub fn run_size(s: &Scenario) -> RunSize {
    let base = s.baseline();
    let (agents, edges) = network_size(s);
    RunSize {
        agents,
        edges,
        groups: base.groups.len(),
        ticks: s.ticks,
        runs: s.runs,
        variants: s.variants.len() as u32,
        colleagues: s
            .variants
            .iter()
            .filter_map(|v| v.workplaces.as_ref().map(|w| w.colleagues))
            .max(),
        classic: base.model.is_classic(),
        measures: base.model.kind().measures().len(),
    }
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
    // In floating point, so that no size, however absurd, overflows: the
    // figures are estimates, and `as u64` saturates.
    let (agents, edges) = (agents as f64, edges as f64);
    let fixed = FIXED_OVERHEAD as f64;
    // CSR: a u64 offset per agent, a u32 per adjacency entry (two per edge).
    let graph = 8.0 * (agents + 1.0) + 8.0 * edges;
    // While building: the edge list (8 bytes an edge) and, for a generator
    // like Barabasi-Albert, its list of edge ends (8); then the edge list
    // beside the adjacency entries (8), offsets and cursors (16 an agent).
    let building = 16.0 * edges + 16.0 * (agents + 1.0) + fixed;
    let states_at_once = if mode.within_runs(agents.min(usize::MAX as f64) as usize) {
        1.0
    } else {
        f64::from(runs).min(threads as f64)
    };
    let frame = (groups as f64 + 1.0) * measures as f64 * 8.0;
    let recordings =
        f64::from(variants) * (f64::from(runs) * 8.0 + 24.0) * (f64::from(ticks) + 1.0) * frame
            / 8.0;
    let (per_agent, reach) = if classic {
        (crate::model::classic::BYTES_PER_AGENT as f64, 0.0)
    } else {
        (
            (BYTES_PER_AGENT + colleagues.map_or(0, workplace_bytes_per_agent)) as f64,
            // Story reach: pairs of (story, hearer), at most the budget.
            16.0 * (crate::metrics::REACH_BUDGET as f64).min(
                REACH_PAIRS_PER_TRACKED_AGENT as f64
                    * agents.min(crate::model::REACH_TRACKED_AGENTS as f64),
            ),
        )
    };
    let running = graph + agents + states_at_once * (per_agent * agents + reach) + fixed;
    let (building, running, recordings) = (building as u64, running as u64, recordings as u64);
    MemoryEstimate {
        building,
        running,
        recordings,
        peak: building
            .max(running)
            .max(CHARTS_OVERHEAD)
            .saturating_add(recordings),
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
                (
                    NS_PER_AGENT_TICK.0,
                    crate::model::expected::tellings(v, n, scenario.ticks).mean,
                )
            };
            let extra = (tellings - TELLINGS_PER_AGENT_TICK * n).max(0.0);
            let work = runs_ticks * (n * per_agent + extra * NS_PER_TELLING) * 1e-9;
            work / speedup + n * 300e-9
        })
        .sum()
}

/// Memory the system can give without swapping (Linux: MemAvailable), if known.
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
