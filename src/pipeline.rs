//! A scenario's run, from checked scenario to results, as one library call.
//!
//! [`simulate`] is what `grapevine run` and `sweep`, the validation, the
//! benches and the tests all call: it refuses a run that will not fit in
//! memory, builds each distinct network once, runs every variant's
//! replications with the same keyed streams (common random numbers), and
//! returns its [`Results`] for [`crate::results`] to read and
//! [`crate::output`] to write. [`prepare`] says what a run will take from
//! its networks' sizes (the studio asks it before every run), and
//! [`estimate`] counts those sizes first (`grapevine check`).
//!
//! It runs on the caller's rayon pool and prints nothing: progress and
//! notes go to a [`Progress`] the caller provides.

/// Warmed-up towns kept across runs (the studio's), as the engine keeps them.
pub use crate::engine::Towns;
use std::sync::atomic::AtomicBool;

use crate::catalog::Steady;
use crate::engine::{self, Cancelled, Mode, Options};
use crate::error::Error;
use crate::forecast::{self, MemoryEstimate, Sizes};
use crate::model::{self, Dynamics, VisitAll};
use crate::network::{self, Network};
use crate::record::Recorder;
use crate::results::{Results, VariantResult, aggregate};
use crate::scenario::{FieldPath, NetworkSpec, Problem, Scenario};

/// Where a run's progress and notes go. Every method does nothing unless
/// the caller says otherwise.
pub trait Progress: Sync {
    /// The run starts: `total` agent-ticks to simulate.
    fn start(&self, _label: &str, _total: u64) {}
    /// `agent_ticks` more are done (called from any thread).
    fn advance(&self, _agent_ticks: u64) {}
    /// Something the user should know (edges dropped, a long run ahead).
    fn note(&self, _text: &str) {}
    /// The run is over.
    fn finish(&self) {}
}

/// Progress that goes nowhere.
pub struct Silent;

impl Progress for Silent {}

/// How a run goes.
pub struct RunOptions<'a> {
    /// The threads of the pool the run is called in (for the memory
    /// forecast: small runs keep one state per thread).
    pub threads: usize,
    /// Checked once a tick; when set, the run stops with
    /// [`Error::Cancelled`].
    pub cancel: Option<&'a AtomicBool>,
    pub progress: &'a dyn Progress,
    /// What the replications are called in the progress label ("runs").
    pub what: &'a str,
    /// Warmed-up towns to reuse and keep (the studio's), or none.
    pub towns: Option<&'a Towns>,
}

impl RunOptions<'_> {
    /// Runs on the current pool's threads, silently, uncancellable.
    pub fn silent() -> RunOptions<'static> {
        RunOptions {
            threads: rayon::current_num_threads(),
            cancel: None,
            progress: &Silent,
            what: "runs",
            towns: None,
        }
    }
}

/// Runs every variant of a scenario: builds each distinct network once,
/// then the replications, with the same keyed streams for every variant
/// (common random numbers).
pub fn simulate<'s>(s: &'s Scenario, o: &RunOptions<'_>) -> Result<Results<'s>, Error> {
    let all: Vec<Part> = (0..s.variants.len())
        .map(|variant| Part {
            variant,
            first: s.first_replication,
            runs: s.runs,
        })
        .collect();
    simulate_parts(s, o, &all)
}

/// Some of a scenario's work: replications `first..first + runs` of
/// variant `variant` (an index into the scenario's variants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub variant: usize,
    pub first: u32,
    pub runs: u32,
}

/// Runs the parts of a scenario given (a sweep's share of the work, or
/// some variants only); the report's variants are the parts, in order.
/// Every part of every variant draws the same keyed streams it would in a
/// whole run, and a what-if still starts from the baseline's warmed-up
/// town, so a part's numbers are the whole run's.
pub fn simulate_parts<'s>(
    s: &'s Scenario,
    o: &RunOptions<'_>,
    parts: &[Part],
) -> Result<Results<'s>, Error> {
    check_memory(s, &Sizes::new(), o.threads)?;
    let networks = build_networks(s)?;
    let mut sizes = Sizes::new();
    for (spec, net) in &networks {
        sizes.know(spec, net.agents() as u64, net.graph.edges());
    }
    let net_of = |spec: &NetworkSpec| {
        networks
            .iter()
            .find(|(built, _)| built == spec)
            .map(|(_, net)| net)
    };
    let stats = networks[0].1.stats();
    let listed = s.baseline().network.file().is_some();
    if listed && (stats.dropped.duplicate_edges > 0 || stats.dropped.self_loops > 0) {
        o.progress.note(&format!(
            "{}: dropped {} duplicate edges and {} self-loops from the network file",
            s.source.display(),
            stats.dropped.duplicate_edges,
            stats.dropped.self_loops
        ));
    }
    let agents = sizes.per_variant(s);
    let seconds = forecast::forecast_seconds(s, &sizes, o.threads);
    if seconds > 60.0 {
        o.progress.note(&format!(
            "{}: this run will take {} on {} threads (Ctrl-C stops it and writes nothing)",
            s.source.display(),
            forecast::duration(seconds),
            o.threads
        ));
    }
    let label = format!(
        "{}: {} variant{} x {} {} x {} {}s",
        s.title,
        s.variants.len(),
        if s.variants.len() == 1 { "" } else { "s" },
        s.runs,
        o.what,
        s.ticks,
        s.tick_unit
    );
    let groups = warmup_groups(s, parts);
    o.progress.start(
        &label,
        groups
            .iter()
            .map(|g| {
                let p = parts[g[0]];
                agents[p.variant]
                    * u64::from(p.runs)
                    * (u64::from(s.warmup) + g.len() as u64 * u64::from(s.ticks))
            })
            .sum(),
    );
    let mut results: Vec<Option<VariantResult>> = parts.iter().map(|_| None).collect();
    for group in &groups {
        let lead = parts[group[0]];
        let (v, n) = (&s.variants[lead.variant], agents[lead.variant]);
        let Some(net) = net_of(&v.network) else {
            continue;
        };
        let tick = |k: u64| o.progress.advance(k * n);
        let options = Options {
            first: lead.first,
            runs: lead.runs,
            ticks: s.ticks,
            warmup: s.warmup,
            mode: Mode::Auto,
            cancel: o.cancel,
            progress: Some(&tick),
            towns: o.towns,
        };
        let variants: Vec<&crate::scenario::Variant> = group
            .iter()
            .map(|&k| &s.variants[parts[k].variant])
            .collect();
        let recorded = if v.fresh_network {
            fresh_runs(s, &variants, &v.network, &options)?
        } else {
            model::with_dynamics_all(s, &variants, net, Replications(&options))
                .map_err(|Cancelled| Error::Cancelled)?
        };
        for (&k, runs) in group.iter().zip(recorded) {
            results[k] = Some(VariantResult {
                name: s.variants[parts[k].variant].name.clone(),
                aggregate: aggregate(&runs),
                runs,
            });
        }
    }
    let variants = results.into_iter().flatten().collect();
    o.progress.finish();
    Ok(Results {
        scenario: s,
        network: stats,
        variants,
        networks,
    })
}

/// The replications of a network drawn anew for each run: replication r
/// on the graph of seed [`network_seed`]`(s, r)`, runs side by side (a
/// graph each), each variant's recordings in replication order.
fn fresh_runs(
    s: &Scenario,
    variants: &[&crate::scenario::Variant],
    spec: &NetworkSpec,
    options: &Options<'_>,
) -> Result<Vec<Vec<Recorder>>, Error> {
    use rayon::prelude::*;
    let last = options.first.saturating_add(options.runs);
    let one_run = |r: u32| -> Result<Vec<Recorder>, Error> {
        let net = build_network_seeded(s, spec, network_seed(s, true, r))?;
        let one = Options {
            first: r,
            runs: 1,
            ..*options
        };
        let mut recorded = model::with_dynamics_all(s, variants, &net, Replications(&one))
            .map_err(|Cancelled| Error::Cancelled)?;
        Ok(recorded.iter_mut().map(|runs| runs.remove(0)).collect())
    };
    // Small towns run side by side, a graph each; a large one runs alone,
    // its phases on every thread (memory stays at one graph).
    let large = options
        .mode
        .within_runs(spec.agents().unwrap_or(u64::MAX) as usize);
    let each: Vec<Vec<Recorder>> = if large {
        (options.first..last)
            .map(one_run)
            .collect::<Result<_, Error>>()?
    } else {
        (options.first..last)
            .into_par_iter()
            .map(one_run)
            .collect::<Result<_, Error>>()?
    };
    let mut by_variant: Vec<Vec<Recorder>> = (0..variants.len()).map(|_| Vec::new()).collect();
    for runs in each {
        for (k, rec) in runs.into_iter().enumerate() {
            by_variant[k].push(rec);
        }
    }
    Ok(by_variant)
}

/// The seed a network is built with: the scenario's, or, for a network
/// drawn anew for each run, one keyed by the scenario's seed and the run.
pub fn network_seed(s: &Scenario, fresh: bool, replication: u32) -> u64 {
    if fresh {
        network::seed_of_run(s.seed, replication)
    } else {
        s.seed
    }
}

/// Runs the replications of whichever dynamics the registry builds, the
/// town warmed up once for all of them.
struct Replications<'o, 'a>(&'o Options<'a>);

impl VisitAll for Replications<'_, '_> {
    type Output = Result<Vec<Vec<Recorder>>, Cancelled>;

    fn visit_all<D: Dynamics>(self, dynamics: &[&D]) -> Self::Output {
        engine::run_shared(dynamics, self.0)
    }
}

/// The parts, grouped to run together (indices into `parts`, each once,
/// groups in the order of their first part): parts whose variants start
/// from the baseline's warmed-up town and run the same replications share
/// one warm-up per replication; any other part runs alone.
fn warmup_groups(s: &Scenario, parts: &[Part]) -> Vec<Vec<usize>> {
    let base = s.baseline();
    let shares = |p: &Part| s.variants[p.variant].shares_warmup(base);
    let mut placed = vec![false; parts.len()];
    let mut groups = Vec::new();
    for i in 0..parts.len() {
        if placed[i] {
            continue;
        }
        let lead = parts[i];
        let group: Vec<usize> = if shares(&lead) {
            (i..parts.len())
                .filter(|&j| {
                    !placed[j]
                        && shares(&parts[j])
                        && (parts[j].first, parts[j].runs) == (lead.first, lead.runs)
                })
                .collect()
        } else {
            vec![i]
        };
        for &j in &group {
            placed[j] = true;
        }
        groups.push(group);
    }
    groups
}

/// Builds every distinct network of a scenario's variants, in order.
fn build_networks(s: &Scenario) -> Result<Vec<(NetworkSpec, Network)>, Error> {
    let mut networks: Vec<(NetworkSpec, Network)> = Vec::new();
    for v in &s.variants {
        if !networks.iter().any(|(spec, _)| *spec == v.network) {
            // A network drawn anew for each run is shown (the film, the
            // figures of its size) as the first run's.
            let seed = network_seed(s, v.fresh_network, s.first_replication);
            networks.push((
                v.network.clone(),
                build_network_seeded(s, &v.network, seed)?,
            ));
        }
    }
    Ok(networks)
}

/// Builds a network. A file that cannot be opened is reported at the
/// scenario's `path` line; a bad line inside it, at that line of the file.
pub fn build_network(s: &Scenario, spec: &NetworkSpec) -> Result<Network, Error> {
    build_network_seeded(s, spec, s.seed)
}

/// [`build_network`] with the seed given.
fn build_network_seeded(s: &Scenario, spec: &NetworkSpec, seed: u64) -> Result<Network, Error> {
    let net = network::build(spec, seed).map_err(|e| {
        let Some(first) = e.problems.first() else {
            return Error::Input(e);
        };
        if first.line_col.is_some() {
            return Error::Input(e);
        }
        let problem = Problem {
            message: format!("{} (`{}`)", first.message, e.file.display()),
            ..first.clone()
        };
        Error::Input(s.locate(problem))
    })?;
    if let Some(labels) = &net.labels {
        check_labels(s, labels)?;
    }
    if let Some(seeds) = &s.seeds {
        check_seeds(s, seeds, &net)?;
    }
    Ok(net)
}

/// `[seeds]` on the network as built: every named node is one of its
/// nodes, and a count is no more than it has.
fn check_seeds(
    s: &Scenario,
    seeds: &crate::scenario::seeds::Seeds,
    net: &Network,
) -> Result<(), Error> {
    use crate::scenario::seeds::{Pick, Seeds};
    let n = net.agents();
    let problem = match &seeds.pick {
        Pick::Nodes(ids) => match Seeds::named(&net.ids, n, ids) {
            Ok(_) => return Ok(()),
            Err(missing) => Problem::new(
                FieldPath::parse("seeds.nodes"),
                format!("the network has no node `{missing}`"),
            )
            .allowed(if net.ids.is_empty() {
                format!(
                    "a generated network's nodes are numbered 0 to {}",
                    n.saturating_sub(1)
                )
            } else {
                format!(
                    "ids as the network file writes them, for example {}",
                    net.ids
                        .iter()
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
        },
        Pick::TopDegree(k) | Pick::Random(k) if *k as usize > n => {
            let key = if matches!(seeds.pick, Pick::TopDegree(_)) {
                "seeds.top_degree"
            } else {
                "seeds.random"
            };
            Problem::new(
                FieldPath::parse(key),
                format!("{k} seeds, but the network has {n} nodes"),
            )
            .allowed(format!("from 1 to {n}"))
        }
        _ => return Ok(()),
    };
    Err(Error::Input(s.locate(problem)))
}

/// Every value of the group attribute must name one of the scenario's
/// groups.
fn check_labels(s: &Scenario, labels: &network::Labels) -> Result<(), Error> {
    let groups = &s.baseline().groups;
    let Err(missing) = labels.groups(groups) else {
        return Ok(());
    };
    let shown: Vec<String> = missing.iter().take(12).map(|v| format!("`{v}`")).collect();
    let more = if missing.len() > shown.len() {
        format!(" and {} more", missing.len() - shown.len())
    } else {
        String::new()
    };
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    let problem = Problem::new(
        FieldPath::parse("network.group_attribute"),
        format!(
            "{} value{} of `{}` in the network file name{} no group: {}{more}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            labels.attribute,
            if missing.len() == 1 { "s" } else { "" },
            shown.join(", ")
        ),
    )
    .allowed(format!(
        "values that are the names of groups: {}",
        names.join(", ")
    ))
    .help("add a [[groups]] table named for each value");
    Err(Error::Input(s.locate(problem)))
}

/// Refuses a run that would not fit in memory, before anything is allocated.
pub fn check_memory(s: &Scenario, sizes: &Sizes, threads: usize) -> Result<MemoryEstimate, Error> {
    let estimate = forecast::estimate_memory(forecast::run_size(s, sizes), threads, Mode::Auto);
    let Some(available) = forecast::available_memory() else {
        return Ok(estimate);
    };
    if estimate.peak <= available {
        return Ok(estimate);
    }
    let field = match s.baseline().network {
        _ if estimate.recordings > estimate.peak / 2 => "runs",
        ref spec if spec.file().is_some() => "network.path",
        _ => "network.n",
    };
    let problem = Problem::new(
        FieldPath::parse(field),
        format!(
            "this run needs about {} of memory; this machine has {} available",
            forecast::bytes(estimate.peak),
            forecast::bytes(available)
        ),
    )
    .allowed(format!(
        "a run whose network, states and recorded figures fit in {}",
        forecast::bytes(available)
    ))
    .help(if field == "runs" {
        "use fewer runs, ticks, groups or variants"
    } else {
        "use fewer agents or a lower mean degree"
    });
    Err(Error::Input(s.locate(problem)))
}

/// What a run would take, without running it.
#[derive(Debug, Clone)]
pub struct Estimate {
    /// The baseline's agents and edges; `exact` when they were counted (a
    /// network read from a file), else as the generator will make them.
    pub agents: u64,
    pub edges: u64,
    pub exact: bool,
    /// Agent-ticks over every variant and replication.
    pub agent_ticks: f64,
    pub seconds: f64,
    pub memory: MemoryEstimate,
}

/// Counts the agents and edges of every network a scenario reads from a
/// file (each read once); generated networks are not built.
pub fn count_networks(s: &Scenario, sizes: &mut Sizes) -> Result<(), Error> {
    for v in &s.variants {
        if v.network.file().is_some() && !sizes.knows(&v.network) {
            let net = build_network(s, &v.network)?;
            sizes.know(&v.network, net.agents() as u64, net.graph.edges());
        }
    }
    Ok(())
}

/// What a run of `s` on `threads` threads will take, from its networks'
/// `sizes`; refuses one that will not fit in memory. `check`, the studio
/// and the start of every run ask this.
pub fn prepare(s: &Scenario, sizes: &Sizes, threads: usize) -> Result<Estimate, Error> {
    let memory = check_memory(s, sizes, threads)?;
    let base = &s.baseline().network;
    let agent_ticks = sizes.per_variant(s).iter().map(|&n| n as f64).sum::<f64>()
        * f64::from(s.ticks)
        * f64::from(s.runs);
    Ok(Estimate {
        agents: sizes.agents(base),
        edges: sizes.edges(base),
        exact: sizes.knows(base),
        agent_ticks,
        seconds: forecast::forecast_seconds(s, sizes, threads),
        memory,
    })
}

/// What a run of `s` on `threads` threads would take, its networks read
/// from files counted first.
pub fn estimate(s: &Scenario, threads: usize) -> Result<Estimate, Error> {
    let mut sizes = Sizes::new();
    count_networks(s, &mut sizes)?;
    prepare(s, &sizes, threads)
}

/// How far a town left alone moves over its run: the baseline with no
/// events, after its warm-up, in a short pilot.
#[derive(Debug, Clone)]
pub struct Pilot {
    pub runs: u32,
    pub ticks: u32,
    /// Each figure its model keeps steady, at tick 0 and at the end
    /// (means over the pilot's runs).
    pub figures: Vec<PilotFigure>,
}

/// One figure of a pilot.
#[derive(Debug, Clone, Copy)]
pub struct PilotFigure {
    pub steady: Steady,
    pub start: f64,
    pub end: f64,
}

impl Pilot {
    /// The figures that moved beyond their tolerance.
    pub fn drifts(&self) -> Vec<PilotFigure> {
        self.figures
            .iter()
            .copied()
            .filter(|f| !f.steady.holds(f.start, f.end))
            .collect()
    }
}

/// Runs the baseline of `s` with no events, `runs` times, to see whether
/// the town it describes stays as it is once warmed up. `None` for models
/// that are not meant to be steady (the classic ones).
pub fn pilot(s: &Scenario, runs: u32) -> Result<Option<Pilot>, Error> {
    let base = s.baseline();
    let steady = base.model.kind().declaration().steady;
    if steady.is_empty() {
        return Ok(None);
    }
    let mut alone = s.clone();
    let mut variant = base.clone();
    variant.events.clear();
    variant.timeline = crate::scenario::Timeline::constant(&variant.groups, s.ticks);
    alone.variants = vec![variant];
    alone.runs = runs;
    let results = simulate(&alone, &RunOptions::silent())?;
    let recs = &results.variants[0].runs;
    let end = s.ticks as usize;
    let mean = |m: crate::measures::Measure, t: usize| {
        recs.iter()
            .filter_map(|r| Some(r.value(t, 0, r.position(m)?)))
            .sum::<f64>()
            / recs.len().max(1) as f64
    };
    Ok(Some(Pilot {
        runs,
        ticks: s.ticks,
        figures: steady
            .iter()
            .map(|&st| PilotFigure {
                steady: st,
                start: mean(st.measure, 0),
                end: mean(st.measure, end),
            })
            .collect(),
    }))
}
