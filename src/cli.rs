//! The command line: `grapevine run` and `grapevine check`.
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
use crate::metrics::aggregate;
use crate::model::World;
use crate::network::{self, Network};
use crate::output::{self, Report, VariantResult, tables};
use crate::scenario::{self, FieldPath, NetworkSpec, Problem, Scenario};

const RUN_EXAMPLES: &str = "\
Examples:
  grapevine run scenarios/bad-news-travels-fast.toml
      writes output/bad-news-travels-fast/: timeseries.csv, runs.csv,
      summary.json, scenario.toml and reputation, customers and stories
      charts as PNG and SVG
  grapevine run scenarios/quick.toml --runs 5 --seed 7 --out /tmp/quick
  grapevine run scenarios/*.toml --threads 2
      several scenarios: each goes to output/<file stem>/ (or <--out>/<file stem>/)";

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
    /// Check scenarios without running them, and say what a run would take.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
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
    /// Replications, overriding the scenario's `runs`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub runs: Option<u32>,
    /// Random seed, overriding the scenario's `seed`.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// No progress bar or summary on the terminal.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files (TOML).
    #[arg(required = true, value_name = "SCENARIO.toml")]
    pub scenarios: Vec<PathBuf>,
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
        Command::Check(args) => check_command(&args),
    }
}

/// A scenario read from disk, with its text kept for the output folder.
struct Loaded {
    scenario: Scenario,
    text: String,
}

/// Loads every scenario before running any, so a typo in the third file
/// fails at once rather than after the first two have run.
fn load_all(paths: &[PathBuf]) -> Result<Vec<Loaded>, Error> {
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match Scenario::read(path) {
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
fn check_memory(l: &Loaded, edges: u64, threads: usize) -> Result<engine::MemoryEstimate, Error> {
    let s = &l.scenario;
    let agents = s
        .network
        .agents()
        .unwrap_or(edges.min(scenario::MAX_AGENTS));
    let size = engine::RunSize {
        agents,
        edges,
        groups: s.groups.len(),
        ticks: s.ticks,
        runs: s.runs,
    };
    let estimate = engine::estimate_memory(size, threads, Mode::Auto);
    if let Some(available) = engine::available_memory()
        && estimate.peak > available
    {
        let field = match s.network {
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
            "use fewer runs, ticks or groups"
        } else {
            "use fewer agents or a lower mean degree"
        });
        return Err(Error::Input(scenario::locate(&l.text, &s.source, problem)));
    }
    Ok(estimate)
}

/// Builds a scenario's network. A file that cannot be opened is reported at
/// the scenario's `path` line; a bad line inside it, at that line of the file.
fn build_network(l: &Loaded) -> Result<Network, Error> {
    network::build(&l.scenario.network, l.scenario.seed).map_err(|mut e| {
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

fn run_command(args: &RunArgs) -> Result<(), Error> {
    let mut loaded = load_all(&args.scenarios)?;
    for l in &mut loaded {
        if let Some(runs) = args.runs {
            l.scenario.runs = runs;
        }
        if let Some(seed) = args.seed {
            l.scenario.seed = seed;
        }
    }
    let threads = threads(args.threads);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Other(format!("cannot start {threads} threads: {e}")))?;
    let cancel: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(false)));
    let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed));
    let several = loaded.len() > 1;
    for l in &loaded {
        let dest = output_folder(args.out.as_deref(), &l.scenario.source, several);
        pool.install(|| run_one(l, &dest, threads, args.quiet, cancel))?;
    }
    Ok(())
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

fn run_one(
    l: &Loaded,
    dest: &Path,
    threads: usize,
    quiet: bool,
    cancel: &AtomicBool,
) -> Result<(), Error> {
    let s = &l.scenario;
    let started = Instant::now();
    check_memory(l, network::expected_edges(&s.network), threads)?;
    let network = build_network(l)?;
    let stats = network.stats();
    let talk = !quiet;
    if talk && (stats.dropped.duplicate_edges > 0 || stats.dropped.self_loops > 0) {
        eprintln!(
            "note: {}: dropped {} duplicate edges and {} self-loops from the edge list",
            s.source.display(),
            stats.dropped.duplicate_edges,
            stats.dropped.self_loops
        );
    }
    let world = World::new(s, &network.graph);
    let what = format!(
        "{}: {} runs x {} {}s",
        s.title, s.runs, s.ticks, s.tick_unit
    );
    let bar = progress_bar(u64::from(s.runs) * u64::from(s.ticks), talk, &what);
    let tick = |k: u64| bar.inc(k);
    let options = Options {
        runs: s.runs,
        ticks: s.ticks,
        mode: Mode::Auto,
        cancel: Some(cancel),
        progress: Some(&tick),
    };
    let runs = engine::run(&world, &options).map_err(|_| Error::Cancelled)?;
    bar.finish_and_clear();
    let report = Report {
        scenario: s,
        scenario_text: &l.text,
        network: stats,
        variants: vec![VariantResult {
            name: "baseline".into(),
            aggregate: aggregate(&runs),
            runs,
        }],
    };
    output::write_folder(dest, |dir| {
        output::write_report(dir, &report)
            .map_err(|e| Error::Other(format!("writing {}: {e}", dest.display())))
    })?;
    if talk {
        print_headline(&report, dest, started.elapsed().as_secs_f64());
    }
    Ok(())
}

fn progress_bar(len: u64, show: bool, title: &str) -> ProgressBar {
    if !show || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template(
        "{msg} {wide_bar} {pos}/{len} ticks, {elapsed} elapsed, ETA {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr())
        .with_style(style)
        .with_message(title.to_string())
}

fn print_headline(report: &Report<'_>, dest: &Path, seconds: f64) {
    let s = report.scenario;
    let v = &report.variants[0];
    println!(
        "{}: {} agents, {} runs of {} {}s in {:.1} s -> {}/",
        s.title,
        report.network.agents,
        s.runs,
        s.ticks,
        s.tick_unit,
        seconds,
        dest.display()
    );
    for (name, metric) in tables::HEADLINES {
        let b = tables::final_band(v, metric);
        println!(
            "  {:<32} {:>10}  (90% band {} to {})",
            name,
            output::charts::short_number(b.mean),
            output::charts::short_number(b.p05),
            output::charts::short_number(b.p95)
        );
    }
}

fn check_command(args: &CheckArgs) -> Result<(), Error> {
    let loaded = load_all(&args.scenarios)?;
    let threads = threads(None);
    for l in &loaded {
        let s = &l.scenario;
        let (agents, edges, exact) = match &s.network {
            NetworkSpec::EdgeList { .. } => {
                let net = build_network(l)?;
                (net.agents() as u64, net.graph.edges(), true)
            }
            spec => (
                spec.agents().unwrap_or(0),
                network::expected_edges(spec),
                false,
            ),
        };
        let estimate = check_memory(l, edges, threads)?;
        println!("{}: ok", s.source.display());
        println!("  title:    {}", s.title);
        println!(
            "  network:  {}, {} agents, {}{} edges (mean degree {:.1})",
            network_kind(&s.network),
            agents,
            if exact { "" } else { "about " },
            edges,
            2.0 * edges as f64 / agents.max(1) as f64
        );
        let groups: Vec<String> = s
            .groups
            .iter()
            .map(|g| format!("{} {:.0}% ({:?})", g.name, g.share * 100.0, g.status).to_lowercase())
            .collect();
        println!("  groups:   {}", groups.join(", "));
        println!("  ticks:    {} ({}s)", s.ticks, s.tick_unit);
        println!("  runs:     {} (seed {})", s.runs, s.seed);
        println!(
            "  memory:   about {} at peak{}",
            bytes(estimate.peak),
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
