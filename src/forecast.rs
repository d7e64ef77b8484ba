//! Forecasts of what a run will take, before anything is allocated: its
//! memory (so a run that cannot fit is refused with a clear error) and its
//! time (so `check` and the start of a long run can say so).

use crate::engine::Mode;
use crate::model;
use crate::network;
use crate::scenario::{self, NetworkSpec, Scenario};

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
    /// Bytes of state per agent, in the variant that holds most.
    pub bytes_per_agent: u64,
    /// Whether stories are followed for the reach measure.
    pub stories: bool,
    /// Measures recorded per group and tick.
    pub measures: usize,
}

/// How many agents and edges each network of a run holds: the one place
/// that counts them. A network counted where it was built or read is
/// known exactly; a generated one is as its generator makes it; a file not
/// read yet is bounded from its length (about 8 bytes an edge list's edge,
/// 40 a GraphML or GEXF edge), so a forecast never takes it for empty.
#[derive(Debug, Clone, Default)]
pub struct Sizes {
    known: Vec<(NetworkSpec, u64, u64)>,
}

impl Sizes {
    /// Nothing counted yet: every size from the specs.
    pub fn new() -> Sizes {
        Sizes::default()
    }

    /// Notes a network as built: its agents and edges.
    pub fn know(&mut self, spec: &NetworkSpec, agents: u64, edges: u64) {
        if !self.knows(spec) {
            self.known.push((spec.clone(), agents, edges));
        }
    }

    /// Whether `spec`'s size was counted.
    pub fn knows(&self, spec: &NetworkSpec) -> bool {
        self.known.iter().any(|(s, ..)| same(s, spec))
    }

    pub fn agents(&self, spec: &NetworkSpec) -> u64 {
        match self.known.iter().find(|(s, ..)| same(s, spec)) {
            Some(&(_, agents, _)) => agents,
            // A file's network not read yet: no more agents than edges
            // where the mean degree is 2 or more.
            None => spec
                .agents()
                .unwrap_or_else(|| network::expected_edges(spec).min(scenario::MAX_AGENTS)),
        }
    }

    pub fn edges(&self, spec: &NetworkSpec) -> u64 {
        match self.known.iter().find(|(s, ..)| same(s, spec)) {
            Some(&(_, _, edges)) => edges,
            None => network::expected_edges(spec),
        }
    }

    /// Each variant's agents, in the scenario's order.
    pub fn per_variant(&self, s: &Scenario) -> Vec<u64> {
        s.variants.iter().map(|v| self.agents(&v.network)).collect()
    }

    /// The networks a run holds at once, every distinct network of its
    /// variants: the most agents of any, and the edges of all.
    fn held(&self, s: &Scenario) -> (u64, u64) {
        let mut specs: Vec<&NetworkSpec> = Vec::new();
        for v in &s.variants {
            if !specs.contains(&&v.network) {
                specs.push(&v.network);
            }
        }
        let edges = specs
            .iter()
            .map(|n| self.edges(n))
            .fold(0, u64::saturating_add);
        let agents = specs.iter().map(|n| self.agents(n)).max().unwrap_or(0);
        (agents, edges)
    }
}

/// Whether two specs make networks of one size: the same file (whatever
/// attributes are read from it), or the same generator and parameters.
fn same(a: &NetworkSpec, b: &NetworkSpec) -> bool {
    match (a.file(), b.file()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// The size of a scenario's run, as far as memory goes.
pub fn run_size(s: &Scenario, sizes: &Sizes) -> RunSize {
    let base = s.baseline();
    let (agents, edges) = sizes.held(s);
    RunSize {
        agents,
        edges,
        groups: base.groups.len(),
        ticks: s.ticks,
        runs: s.runs,
        variants: s.variants.len() as u32,
        bytes_per_agent: s
            .variants
            .iter()
            .map(|v| model::cost(v, agents as f64, s.ticks).bytes_per_agent)
            .max()
            .unwrap_or(0),
        stories: model::cost(base, agents as f64, s.ticks).stories,
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
        bytes_per_agent,
        stories,
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
    let per_agent = bytes_per_agent as f64;
    // Story reach: pairs of (story, hearer), at most the budget.
    let reach = if stories {
        16.0 * (crate::record::REACH_BUDGET as f64).min(
            REACH_PAIRS_PER_TRACKED_AGENT as f64
                * agents.min(crate::model::REACH_TRACKED_AGENTS as f64),
        )
    } else {
        0.0
    };
    // A what-if runs from a copy of the baseline's warmed-up town, kept
    // beside it while the replication's variants run.
    let copies = if variants > 1 { 2.0 } else { 1.0 };
    let running = graph + agents + copies * states_at_once * (per_agent * agents + reach) + fixed;
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

/// Time per telling beyond the ordinary, on one thread: delivering a story
/// and noting it for the reach measure (measured: a 20,000-agent town whose
/// bad stories go to 25, 100, 300 and 1,000 people each: 0.8 M, 14 M, 70 M
/// and 291 M tellings, 52 to 62 ns more per telling).
pub const NS_PER_TELLING: f64 = 55.0;

/// Tellings per agent-tick already inside [`model::Cost::ns_per_agent_tick`]:
/// about the most of the runs it was measured on (the lessons' variants
/// expect 0.001 to 0.05, but for *Customer myopia*'s 0.12 and 0.14 and
/// *Service recovery*'s 0.075 and 0.09). More is counted at
/// [`NS_PER_TELLING`] each: *Customer myopia*, a fifth slower than the
/// other two-variant lessons, was forecast 22% low without it.
pub const TELLINGS_PER_AGENT_TICK: f64 = 0.05;

/// Time to write a run's charts, report and deck beside its tables, in
/// seconds, for `variants` variants (nothing with `--format none`).
/// Measured at stop 42, a run with its outputs against one without, median
/// of three: 0.06 s for the quick town and 0.10 s for the million-agent
/// year (one variant), 0.13 to 0.16 s for the two-variant lessons, 0.14 to
/// 0.17 s for three and four, 0.18 s for six.
fn writing_seconds(variants: usize) -> f64 {
    0.05 + 0.025 * variants as f64
}

/// A forecast of a run's simulation time, in seconds: for every variant,
/// its agent-ticks at the measured cost, plus its tellings (which a huge
/// fan-out can make dominate) or, for a classic model, its changes along
/// the ties, over the threads (at 85% each beyond the first), plus
/// building each network once. The what-ifs that start from the baseline's
/// warmed-up town do not warm up again; a classic run that settles early
/// takes less.
pub fn forecast_seconds(scenario: &Scenario, sizes: &Sizes, threads: usize) -> f64 {
    let agents = sizes.per_variant(scenario);
    let runs = f64::from(scenario.runs);
    let speedup = 1.0 + 0.85 * (threads.max(1) - 1) as f64;
    let base = scenario.baseline();
    scenario
        .variants
        .iter()
        .zip(&agents)
        .enumerate()
        .map(|(k, (v, &n))| {
            let n = n as f64;
            let cost = model::cost(v, n, scenario.ticks);
            let (per_agent, tellings) = (cost.ns_per_agent_tick, cost.tellings.mean);
            let extra = (tellings - TELLINGS_PER_AGENT_TICK * n).max(0.0);
            let edges = sizes.edges(&v.network) as f64;
            let own = k == 0 || !v.shares_warmup(base);
            let ticks = scenario.ticks + if own { scenario.warmup } else { 0 };
            let work = match model::classic_run_ns(v, n, edges, scenario.ticks) {
                Some(ns) => runs * ns * 1e-9,
                None => runs * f64::from(ticks) * (n * per_agent + extra * NS_PER_TELLING) * 1e-9,
            };
            let built = k == 0 || v.network != base.network;
            work / speedup
                + if built {
                    n * model::ns_to_build(n) * 1e-9
                } else {
                    0.0
                }
        })
        .sum()
}

/// The most threads a scenario can keep busy: one per replication, or one
/// per chunk of agents where a replication is split. A pool larger than
/// this only costs time (results do not depend on it).
pub fn useful_threads(s: &Scenario) -> usize {
    let agents = Sizes::new().per_variant(s).into_iter().max().unwrap_or(1);
    let chunks = agents.div_ceil(model::CHUNK as u64);
    (chunks.max(u64::from(s.runs)).min(4096) as usize).max(1)
}

/// Memory the system can give without swapping (Linux: MemAvailable), if known.
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Seconds as a person would say them, as a forecast: "about 0.58 s".
pub fn duration(seconds: f64) -> String {
    said("about", seconds)
}

/// What a run of `s` takes with its outputs, from its simulation's
/// forecast `seconds` (see [`forecast_seconds`]): the seconds, and as
/// `check` says them: "about 0.58 s", or "at most 0.42 s" where a
/// variant's forecast is its most (a threshold cascade).
pub fn run_time(s: &Scenario, seconds: f64) -> (f64, String) {
    let total = seconds + writing_seconds(s.variants.len());
    let how = if s.variants.iter().any(model::forecast_is_its_most) {
        "at most"
    } else {
        "about"
    };
    (total, said(how, total))
}

fn said(how: &str, seconds: f64) -> String {
    if seconds < 0.1 {
        "under 0.1 s".to_string()
    } else if seconds < 1.0 {
        format!("{how} {seconds:.2} s")
    } else if seconds < 10.0 {
        format!("{how} {seconds:.1} s")
    } else if seconds < 90.0 {
        format!("{how} {seconds:.0} s")
    } else if seconds < 5400.0 {
        format!("{how} {:.0} minutes", seconds / 60.0)
    } else {
        format!("{how} {:.1} hours", seconds / 3600.0)
    }
}

/// Bytes in the largest fitting binary unit.
pub fn bytes(b: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut x = b as f64;
    let mut u = 0;
    while x >= 1024.0 && u + 1 < units.len() {
        x /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{x:.1} {}", units[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_network_is_never_forecast_empty_and_a_count_wins() {
        let file = NetworkSpec::EdgeList {
            path: crate::project_file("tests/data/edges.txt"),
            weighted: false,
        };
        let mut sizes = Sizes::new();
        // Not read yet: bounded from the file's length, never 0.
        assert!(sizes.agents(&file) > 0, "{}", sizes.agents(&file));
        assert!(!sizes.knows(&file));
        sizes.know(&file, 1234, 5678);
        assert_eq!((sizes.agents(&file), sizes.edges(&file)), (1234, 5678));
        let generated = NetworkSpec::Complete { n: 10 };
        assert_eq!(
            (sizes.agents(&generated), sizes.edges(&generated)),
            (10, 45)
        );
    }

    fn parse(text: &str) -> Scenario {
        Scenario::parse(text, std::path::Path::new("f.toml")).unwrap()
    }

    #[test]
    fn a_what_if_that_shares_the_warm_up_is_not_forecast_warming_up_again() {
        let town = "runs = 4\nwarmup = 52\n[network]\nkind = \"erdos-renyi\"\nn = 20000\nmean_degree = 8\n[workplaces]\norganisations = 100\ncolleagues = 2\n";
        let policy =
            format!("{town}[[variants]]\nname = \"w\"\nset = {{ service.recovery_rate = 0.5 }}\n");
        let people =
            format!("{town}[[variants]]\nname = \"w\"\nset = {{ workplaces.colleagues = 3 }}\n");
        let alone = forecast_seconds(&parse(town), &Sizes::new(), 2);
        let shared = forecast_seconds(&parse(&policy), &Sizes::new(), 2);
        let own = forecast_seconds(&parse(&people), &Sizes::new(), 2);
        // 104 ticks for the baseline; the what-if adds its 52 recorded
        // ticks with a shared warm-up, and 104 with one of its own (the
        // network is built once either way): half as much.
        let (with_shared, with_own) = (shared - alone, own - alone);
        assert!(with_shared > 0.0, "{shared} {alone}");
        assert!(
            (with_shared / with_own - 0.5).abs() < 0.01,
            "{shared} {own} {alone}"
        );
    }

    #[test]
    fn a_classic_run_is_forecast_by_how_far_it_spreads() {
        let sir = |beta: f64| {
            parse(&format!(
                "ticks = 100\nruns = 4\n[network]\nkind = \"erdos-renyi\"\nn = 1000000\nmean_degree = 10\n[model]\nkind = \"sir\"\nbeta = {beta}\ngamma = 0.2\ninitial_infected_share = 0.001\n"
            ))
        };
        let spreading = forecast_seconds(&sir(0.05), &Sizes::new(), 2);
        let dying = forecast_seconds(&sir(0.001), &Sizes::new(), 2);
        // Measured 3.05 s for the spreading one (docs/performance.md);
        // the one that dies out settles in a few ticks.
        assert!((2.3..3.8).contains(&spreading), "{spreading}");
        assert!(dying < spreading / 4.0, "{dying}");
    }
}
