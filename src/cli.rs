//! The command line: `grapevine run`, `grapevine sweep` and `grapevine check`.
//!
//! [`run`] reads like the program's table of contents: parse the arguments,
//! load and check every scenario, then for each one build its network, run
//! its replications and write its folder.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::engine::{self, Mode, Options};
use crate::error::Error;
use crate::measures::Measure;
use crate::metrics::aggregate;
use crate::model::World;
use crate::network::{self, Network};
use crate::output::charts::short_number;
use crate::output::{self, Format, Report, VariantResult, sweep, tables};
use crate::scenario::{self, FieldPath, NetworkSpec, Override, Problem, Scenario};

const RUN_EXAMPLES: &str = "\
Examples:
  grapevine run scenarios/bad-news-travels-fast.toml
      writes output/bad-news-travels-fast/: timeseries.csv, runs.csv,
      summary.json, scenario.toml and reputation, customers and stories
      charts as PNG and SVG
  grapevine run scenarios/quick.toml --runs 5 --seed 7 --out /tmp/quick
  grapevine run scenarios/service-recovery.toml --set service.recovery_rate=0.3
      any value by its dotted path; a group's by its name
      (--set groups.customers.service.expectation=0.5); any number of --set
  grapevine run scenarios/*.toml --threads 2 --format png,svg
      several scenarios: each goes to output/<file stem>/ (or <--out>/<file stem>/)";

const SWEEP_EXAMPLES: &str = "\
Examples:
  grapevine sweep scenarios/bad-news-travels-fast.toml --param telling.bad.max=3,10,20,30 --metric nps
      runs the scenario (every variant) once per value and writes
      output/bad-news-travels-fast-sweep/: sweep.csv and a chart of the final
      NPS against the value, with its 90% band
  grapevine sweep scenarios/service-recovery.toml --param service.recovery_rate=0,0.2,0.4,0.6,0.8";

const CHECK_EXAMPLES: &str = "\
Examples:
  grapevine check scenarios/bad-news-travels-fast.toml
      prints the agents, edges, ticks, runs and memory the run would take
  grapevine check scenarios/*.toml";

/// grapevine: a word-of-mouth reputation simulator.
///
/// Agents on a social network have experiences, tell good and bad stories,
/// hear them, change their minds, buy, refer and leave. A scenario file
/// (TOML) describes the population and the service; grapevine runs it many
/// times and charts reputation, Net Promoter Score and referrals over time.
#[derive(Debug, Parser)]
#[command(name = "grapevine", version, after_help = RUN_EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenarios and write their charts and data.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Run a scenario once per value of a parameter, and chart an outcome against it.
    #[command(after_help = SWEEP_EXAMPLES)]
    Sweep(SweepArgs),
    /// Check scenarios without running them, and say what a run would take.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Run the classic models (Bass, SIR, independent cascade, linear
    /// threshold) against their known answers; exit 1 if any check fails.
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Fewer replications and a smaller SIR graph (what the test suite
    /// runs): wider tolerances, same checks.
    #[arg(long)]
    pub quick: bool,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
}

/// How a run goes: shared by `run` and `sweep`.
#[derive(Debug, Args)]
pub struct RunOptions {
    /// Set a value by its dotted path, overriding the scenario file (any
    /// number): --set service.recovery_rate=0.6
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_override)]
    pub set: Vec<Override>,
    /// Replications, overriding the scenario's `runs`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub runs: Option<u32>,
    /// Random seed, overriding the scenario's `seed`.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Chart formats, comma-separated.
    #[arg(
        long,
        value_name = "FORMATS",
        value_delimiter = ',',
        default_value = "png"
    )]
    pub format: Vec<Format>,
    /// No progress bar or summary on the terminal.
    #[arg(long, short)]
    pub quiet: bool,
}

fn parse_override(arg: &str) -> Result<Override, String> {
    Override::parse_arg(arg)
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario file (TOML).
    #[arg(value_name = "SCENARIO.toml")]
    pub scenario: PathBuf,
    /// The parameter and its values: PATH=V1,V2,...
    #[arg(long, value_name = "PATH=V1,V2,...")]
    pub param: String,
    /// The outcome to chart: a measure's final value (a level at the last
    /// tick, a flow's total over the run) [default: nps; for a classic
    /// model, its main share: share_recovered, share_active, share_adopted].
    #[arg(long, value_name = "NAME")]
    pub metric: Option<String>,
    /// Output folder [default: output/<scenario file stem>-sweep].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub options: RunOptions,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files (TOML).
    #[arg(required = true, value_name = "SCENARIO.toml")]
    pub scenarios: Vec<PathBuf>,
    /// Output folder [default: output/<scenario file stem>]. With several
    /// scenarios, each goes to <DIR>/<scenario file stem>.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub options: RunOptions,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files (TOML).
    #[arg(required = true, value_name = "SCENARIO.toml")]
    pub scenarios: Vec<PathBuf>,
    /// Set a value by its dotted path, as `run --set` does.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_override)]
    pub set: Vec<Override>,
}

/// Runs the command line `args` (the program name first).
pub fn run<I, T>(args: I) -> Result<(), Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            print!("{e}");
            return Ok(());
        }
        Err(e) => {
            return Err(Error::Usage(
                e.render()
                    .to_string()
                    .trim_start_matches("error: ")
                    .to_string(),
            ));
        }
    };
    match cli.command {
        Command::Run(args) => run_command(&args),
        Command::Sweep(args) => sweep_command(&args),
        Command::Check(args) => check_command(&args),
        Command::Validate(args) => validate_command(&args),
    }
}

/// A scenario read from disk, with its text kept for the output folder.
struct Loaded {
    scenario: Scenario,
    text: String,
}

impl Loaded {
    /// The files a run of this scenario reads: the scenario, and its
    /// variants' edge lists. A folder holding one is never replaced.
    fn inputs(&self) -> Vec<&Path> {
        let mut files = vec![self.scenario.source.as_path()];
        for v in &self.scenario.variants {
            if let NetworkSpec::EdgeList { path } = &v.network {
                files.push(path);
            }
        }
        files
    }
}

/// Loads every scenario before running any, so a typo in the third file
/// fails at once rather than after the first two have run.
fn load_all(paths: &[PathBuf], set: &[Override]) -> Result<Vec<Loaded>, Error> {
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match Scenario::read(path, set) {
            Ok((scenario, text)) => loaded.push(Loaded { scenario, text }),
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 => Ok(loaded),
        1 => Err(Error::Input(errors.remove(0))),
        _ => Err(Error::Inputs(errors)),
    }
}

fn threads(requested: Option<u32>) -> usize {
    requested.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n as usize,
    )
}

/// Refuses a run that would not fit in memory, before anything is allocated.
fn check_memory(l: &Loaded, threads: usize) -> Result<engine::MemoryEstimate, Error> {
    let s = &l.scenario;
    let base = s.baseline();
    let size = engine::run_size(s);
    let estimate = engine::estimate_memory(size, threads, Mode::Auto);
    if let Some(available) = engine::available_memory()
        && estimate.peak > available
    {
        let field = match base.network {
            _ if estimate.recordings > estimate.peak / 2 => "runs",
            NetworkSpec::EdgeList { .. } => "network.path",
            _ => "network.n",
        };
        let problem = Problem::new(
            FieldPath::parse(field),
            format!(
                "this run needs about {} of memory; this machine has {} available",
                bytes(estimate.peak),
                bytes(available)
            ),
        )
        .allowed(format!(
            "a run whose network, states and recorded figures fit in {}",
            bytes(available)
        ))
        .help(if field == "runs" {
            "use fewer runs, ticks, groups or variants"
        } else {
            "use fewer agents or a lower mean degree"
        });
        return Err(Error::Input(scenario::locate(&l.text, &s.source, problem)));
    }
    Ok(estimate)
}

/// Builds a network. A file that cannot be opened is reported at the
/// scenario's `path` line; a bad line inside it, at that line of the file.
fn build_network(l: &Loaded, spec: &NetworkSpec) -> Result<Network, Error> {
    network::build(spec, l.scenario.seed).map_err(|mut e| {
        let p = e.problems.remove(0);
        if p.line_col.is_some() {
            e.problems.insert(0, p);
            return Error::Input(e);
        }
        let message = format!("{} (`{}`)", p.message, e.file.display());
        let problem = Problem { message, ..p };
        Error::Input(scenario::locate(&l.text, &l.scenario.source, problem))
    })
}

/// The thread pool and Ctrl-C flag a command runs with.
struct Runtime {
    pool: rayon::ThreadPool,
    threads: usize,
    cancel: &'static AtomicBool,
}

impl Runtime {
    /// A pool of the threads asked for (one per core by default), but no
    /// more than `useful` (the work cannot use more).
    fn new(requested: Option<u32>, useful: usize) -> Result<Self, Error> {
        let threads = threads(requested).min(useful.max(1));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| Error::Other(format!("cannot start {threads} threads: {e}")))?;
        let cancel: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(false)));
        // Ctrl-C or SIGTERM: stop at the next tick or chart, and remove the
        // half-written folder. A second one stops at once (the next run
        // cleans what is left).
        let _ = ctrlc::set_handler(move || {
            if cancel.swap(true, Ordering::Relaxed) {
                std::process::exit(130);
            }
        });
        Ok(Self {
            pool,
            threads,
            cancel,
        })
    }
}

impl Runtime {
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

fn apply_options(l: &mut Loaded, o: &RunOptions) {
    if let Some(runs) = o.runs {
        l.scenario.runs = runs;
    }
    if let Some(seed) = o.seed {
        l.scenario.seed = seed;
    }
}

fn run_command(args: &RunArgs) -> Result<(), Error> {
    let o = &args.options;
    let mut loaded = load_all(&args.scenarios, &o.set)?;
    loaded.iter_mut().for_each(|l| apply_options(l, o));
    let several = loaded.len() > 1;
    let dests: Vec<PathBuf> = loaded
        .iter()
        .map(|l| output_folder(args.out.as_deref(), &l.scenario.source, several))
        .collect();
    refuse_shared_folders(&loaded, &dests)?;
    // Refuse a folder that cannot be written before anything runs.
    for (l, dest) in loaded.iter().zip(&dests) {
        output::folder::check(dest, &l.inputs())?;
    }
    let rt = Runtime::new(o.threads, useful_threads(&loaded))?;
    for (l, dest) in loaded.iter().zip(&dests) {
        let started = Instant::now();
        let report = rt.pool.install(|| simulate(l, &rt, !o.quiet, "runs"))?;
        // Charts are drawn in parallel: on this pool, with its threads.
        rt.pool.install(|| {
            output::write_folder(dest, &l.inputs(), &|| rt.cancelled(), |dir| {
                output::write_report(dir, &report, &o.format, &|| rt.cancelled()).map_err(|e| {
                    if rt.cancelled() {
                        Error::Cancelled
                    } else {
                        Error::Other(format!("writing {}: {e}", dest.display()))
                    }
                })
            })
        })?;
        if !o.quiet {
            print_headline(&report, dest, started.elapsed().as_secs_f64());
        }
    }
    Ok(())
}

/// Two scenarios of one run may not write the same folder (`a/town.toml`
/// and `b/town.toml` both go to `output/town`), nor the same scenario twice.
fn refuse_shared_folders(loaded: &[Loaded], dests: &[PathBuf]) -> Result<(), Error> {
    for (i, dest) in dests.iter().enumerate() {
        if let Some(j) = dests[..i].iter().position(|d| d == dest) {
            return Err(Error::Usage(format!(
                "`{}` and `{}` would both write {}/\n  = help: run them one at a time with their own --out, or rename one of the files",
                loaded[j].scenario.source.display(),
                loaded[i].scenario.source.display(),
                dest.display()
            )));
        }
    }
    Ok(())
}

/// The most threads a set of scenarios can keep busy: one per replication,
/// or one per chunk of agents where a replication is split. A pool larger
/// than this only costs time (results do not depend on it).
fn useful_threads(loaded: &[Loaded]) -> usize {
    loaded
        .iter()
        .map(|l| {
            let s = &l.scenario;
            let agents = s
                .variants
                .iter()
                .map(|v| v.network.agents().unwrap_or(scenario::MAX_AGENTS))
                .max()
                .unwrap_or(1);
            let chunks = agents.div_ceil(crate::model::state::CHUNK as u64);
            chunks.max(u64::from(s.runs)).min(4096) as usize
        })
        .max()
        .unwrap_or(1)
        .max(1)
}

/// Where a scenario's results go.
pub fn output_folder(out: Option<&Path>, scenario: &Path, several: bool) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_owned());
    match out {
        Some(dir) if several => dir.join(stem),
        Some(dir) => dir.to_path_buf(),
        None => Path::new("output").join(stem),
    }
}

/// Runs every variant of a scenario: builds each distinct network once,
/// then the replications, with the same keyed streams for every variant
/// (common random numbers).
fn simulate<'a>(l: &'a Loaded, rt: &Runtime, talk: bool, what: &str) -> Result<Report<'a>, Error> {
    let s = &l.scenario;
    check_memory(l, rt.threads)?;
    let mut networks: Vec<(NetworkSpec, Network)> = Vec::new();
    for v in &s.variants {
        if !networks.iter().any(|(spec, _)| *spec == v.network) {
            networks.push((v.network.clone(), build_network(l, &v.network)?));
        }
    }
    let stats = networks[0].1.stats();
    let listed = matches!(s.baseline().network, NetworkSpec::EdgeList { .. });
    if talk && listed && (stats.dropped.duplicate_edges > 0 || stats.dropped.self_loops > 0) {
        eprintln!(
            "note: {}: dropped {} duplicate edges and {} self-loops from the edge list",
            s.source.display(),
            stats.dropped.duplicate_edges,
            stats.dropped.self_loops
        );
    }
    let label = format!(
        "{}: {} variant{} x {} {what} x {} {}s",
        s.title,
        s.variants.len(),
        if s.variants.len() == 1 { "" } else { "s" },
        s.runs,
        s.ticks,
        s.tick_unit
    );
    if talk {
        let agents: Vec<u64> = s
            .variants
            .iter()
            .map(|v| {
                let net = networks.iter().find(|(spec, _)| *spec == v.network);
                net.map_or(0, |(_, n)| n.agents() as u64)
            })
            .collect();
        let seconds = engine::forecast_seconds(s, &agents, rt.threads);
        if seconds > 60.0 {
            eprintln!(
                "note: {}: this run will take {} on {} threads (Ctrl-C stops it and writes nothing)",
                s.source.display(),
                duration(seconds),
                rt.threads
            );
        }
    }
    // Progress in agent-ticks, so the rate reads as agents simulated per second.
    let agents = stats.agents;
    let total = s.variants.len() as u64 * u64::from(s.runs) * u64::from(s.ticks) * agents;
    let bar = progress_bar(total, talk, &label);
    let tick = |k: u64| bar.inc(k * agents);
    let options = Options {
        runs: s.runs,
        ticks: s.ticks,
        mode: Mode::Auto,
        cancel: Some(rt.cancel),
        progress: Some(&tick),
    };
    let mut variants = Vec::new();
    for v in &s.variants {
        let net = &networks
            .iter()
            .find(|(spec, _)| *spec == v.network)
            .expect("built above")
            .1;
        let world = World::for_variant(s, v, &net.graph, &net.organisation);
        let runs = engine::run(&world, &options).map_err(|_| Error::Cancelled)?;
        variants.push(VariantResult {
            name: v.name.clone(),
            aggregate: aggregate(&runs),
            runs,
        });
    }
    bar.finish_and_clear();
    Ok(Report {
        scenario: s,
        scenario_text: &l.text,
        network: stats,
        variants,
    })
}

fn progress_bar(len: u64, show: bool, title: &str) -> ProgressBar {
    if !show || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template(
        "{msg} {wide_bar} {percent}%, {human_pos}/{human_len} agent-ticks at {per_sec}, {elapsed} elapsed, ETA {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr())
        .with_style(style)
        .with_message(title.to_string())
}

fn print_headline(report: &Report<'_>, dest: &Path, seconds: f64) {
    let s = report.scenario;
    println!(
        "{}: {} agents, {} variant(s) x {} runs of {} {}s in {:.1} s -> {}/",
        s.title,
        report.network.agents,
        report.variants.len(),
        s.runs,
        s.ticks,
        s.tick_unit,
        seconds,
        dest.display()
    );
    let base = &report.variants[0];
    for v in &report.variants {
        if report.variants.len() > 1 {
            println!("  {}:", v.name);
        }
        for &metric in s.baseline().model.kind().declaration().headlines {
            let b = tables::final_band(v, metric);
            let mut line = format!(
                "  {:<32} {:>10}  (90% band {} to {})",
                metric.headline_key(),
                short_number(b.mean),
                short_number(b.p05),
                short_number(b.p95)
            );
            if !std::ptr::eq(v, base) {
                let d = tables::difference_band(v, base, metric);
                let sign = if d.mean > 0.0 { "+" } else { "" };
                line.push_str(&format!(
                    "  vs {}: {sign}{} ({} to {})",
                    base.name,
                    short_number(d.mean),
                    short_number(d.p05),
                    short_number(d.p95)
                ));
            }
            println!("{line}");
        }
    }
}

fn sweep_command(args: &SweepArgs) -> Result<(), Error> {
    let o = &args.options;
    let (path, values) = args.param.split_once('=').ok_or_else(|| {
        Error::Usage(format!(
            "--param `{}` is not PATH=V1,V2,... (for example telling.bad.max=5,10,20)",
            args.param
        ))
    })?;
    let values = split_values(values);
    if values.is_empty() {
        return Err(Error::Usage(format!(
            "--param `{}` lists no values",
            args.param
        )));
    }
    let mut loaded = Vec::new();
    for value in &values {
        let mut set = o.set.clone();
        set.push(Override::parse_arg(&format!("{path}={value}")).map_err(Error::Usage)?);
        let mut l = load_all(std::slice::from_ref(&args.scenario), &set)?.remove(0);
        apply_options(&mut l, o);
        loaded.push(l);
    }
    let kind = loaded[0].scenario.baseline().model.kind();
    let metric = match &args.metric {
        None => kind.declaration().sweep,
        Some(name) => Measure::parse(name)
            .filter(|&m| kind.records(m))
            .ok_or_else(|| {
                let names: Vec<&str> = kind.measures().iter().map(|m| m.name()).collect();
                let near = scenario::error::did_you_mean(name, names.iter().copied())
                    .map_or(String::new(), |n| {
                        format!("\n  = help: did you mean `{n}`?")
                    });
                Error::Usage(format!(
                    "--metric `{name}` is not a measure of this model; allowed: {}{near}",
                    names.join(", ")
                ))
            })?,
    };
    let name = metric.name();
    let stem = args
        .scenario
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    let dest = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{stem}-sweep")));
    output::folder::check(&dest, &loaded[0].inputs())?;
    let rt = Runtime::new(o.threads, useful_threads(&loaded))?;
    let started = Instant::now();
    let mut points = Vec::new();
    for (l, value) in loaded.iter().zip(&values) {
        let what = format!("runs ({path} = {value})");
        let report = rt.pool.install(|| simulate(l, &rt, !o.quiet, &what))?;
        points.push(sweep::Point::of(value, &report, metric));
    }
    let sweep = sweep::Sweep {
        scenario: &loaded[0].scenario,
        scenario_text: &loaded[0].text,
        parameter: path.trim().to_string(),
        metric,
        points,
    };
    rt.pool.install(|| {
        output::write_folder(&dest, &loaded[0].inputs(), &|| rt.cancelled(), |dir| {
            sweep::write(dir, &sweep, &o.format)
                .map_err(|e| Error::Other(format!("writing {}: {e}", dest.display())))
        })
    })?;
    if !o.quiet {
        println!(
            "{}: final {} against {} ({} values) in {:.1} s -> {}/",
            loaded[0].scenario.title,
            name,
            sweep.parameter,
            values.len(),
            started.elapsed().as_secs_f64(),
            dest.display()
        );
        for p in &sweep.points {
            for (name, b) in &p.bands {
                println!(
                    "  {} = {:<12} {:<24} {:>10}  (90% band {} to {})",
                    sweep.parameter,
                    p.value,
                    name,
                    short_number(b.mean),
                    short_number(b.p05),
                    short_number(b.p95)
                );
            }
        }
    }
    Ok(())
}

/// Splits `1,2,{ kind = "fixed", k = 3 }` at the commas outside braces,
/// brackets and quotes.
pub fn split_values(text: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth, mut quoted) = (Vec::new(), String::new(), 0i32, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '{' | '[' if !quoted => depth += 1,
            '}' | ']' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(std::mem::take(&mut cur).trim().to_string());
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur.trim().to_string());
    out.retain(|v| !v.is_empty());
    out
}

fn check_command(args: &CheckArgs) -> Result<(), Error> {
    let loaded = load_all(&args.scenarios, &args.set)?;
    let threads = threads(None);
    for l in &loaded {
        let s = &l.scenario;
        let base = s.baseline();
        let (agents, edges, exact) = match &base.network {
            NetworkSpec::EdgeList { .. } => {
                let net = build_network(l, &base.network)?;
                (net.agents() as u64, net.graph.edges(), true)
            }
            spec => (
                spec.agents().unwrap_or(0),
                network::expected_edges(spec),
                false,
            ),
        };
        let estimate = check_memory(l, threads)?;
        println!("{}: ok", s.source.display());
        println!("  title:    {}", s.title);
        println!(
            "  network:  {}, {} agents, {}{} edges (mean degree {:.1})",
            network_kind(&base.network),
            agents,
            if exact { "" } else { "about " },
            edges,
            2.0 * edges as f64 / agents.max(1) as f64
        );
        let groups: Vec<String> = base
            .groups
            .iter()
            .map(|g| format!("{} {:.0}% ({:?})", g.name, g.share * 100.0, g.status).to_lowercase())
            .collect();
        if base.model.is_classic() {
            let model = serde_json::to_string(&base.model).unwrap_or_default();
            println!("  model:    {model}");
        } else {
            println!("  groups:   {}", groups.join(", "));
        }
        println!("  ticks:    {} ({}s)", s.ticks, s.tick_unit);
        println!("  runs:     {} (seed {})", s.runs, s.seed);
        for v in &s.variants {
            let changes = match (v.changes.is_empty(), std::ptr::eq(v, base)) {
                (_, true) => "as written".to_string(),
                (true, false) => "no values changed".to_string(),
                (false, false) => v.changes.join("; "),
            };
            println!("  variant:  {}: {changes}", v.name);
            for e in &v.events {
                println!("            event `{}`, {}", e.name, describe_window(e));
            }
        }
        let per_variant: Vec<u64> = s
            .variants
            .iter()
            .map(|v| v.network.agents().unwrap_or(agents))
            .collect();
        let seconds = engine::forecast_seconds(s, &per_variant, threads);
        let agent_ticks: f64 = per_variant.iter().map(|&n| n as f64).sum::<f64>()
            * f64::from(s.ticks)
            * f64::from(s.runs);
        println!(
            "  time:     {} on {threads} threads ({} agent-ticks)",
            duration(seconds),
            short_number(agent_ticks)
        );
        if seconds > 60.0 {
            println!(
                "  warning:  this run will take {}; try `--runs 2` or fewer ticks first to see it work",
                duration(seconds)
            );
        }
        println!(
            "  memory:   about {} at peak (building the network {}, running {}, recorded figures {}){}",
            bytes(estimate.peak),
            bytes(estimate.building),
            bytes(estimate.running),
            bytes(estimate.recordings),
            engine::available_memory()
                .map_or(String::new(), |a| format!(" ({} available)", bytes(a)))
        );
        println!(
            "  output:   {}/",
            output_folder(None, &s.source, false).display()
        );
    }
    Ok(())
}

fn validate_command(args: &ValidateArgs) -> Result<(), Error> {
    let rt = Runtime::new(args.threads, usize::MAX)?;
    let started = Instant::now();
    let checks = rt
        .pool
        .install(|| crate::validation::run_all(crate::validation::Effort { quick: args.quick }));
    print!("{}", crate::validation::table(&checks));
    let failed = checks.iter().filter(|c| !c.passed()).count();
    println!(
        "{} checks, {} passed, {} failed, in {:.1} s (tolerance: {} standard errors of the simulated mean, plus the computed gap between discrete and continuous time where the theory is continuous)",
        checks.len(),
        checks.len() - failed,
        failed,
        started.elapsed().as_secs_f64(),
        crate::validation::Z
    );
    if failed > 0 {
        return Err(Error::Other(format!("{failed} validation checks failed")));
    }
    Ok(())
}

/// Seconds as a person would say them.
fn duration(seconds: f64) -> String {
    if seconds < 1.0 {
        "under a second".to_string()
    } else if seconds < 90.0 {
        format!("about {seconds:.0} s")
    } else if seconds < 5400.0 {
        format!("about {:.0} minutes", seconds / 60.0)
    } else {
        format!("about {:.1} hours", seconds / 3600.0)
    }
}

fn describe_window(e: &scenario::Event) -> String {
    if e.from == e.to {
        format!("tick {}", e.from)
    } else {
        format!("ticks {} to {}", e.from, e.to)
    }
}

fn network_kind(spec: &NetworkSpec) -> String {
    serde_json::to_value(spec)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str().map(str::to_string)))
        .unwrap_or_default()
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
