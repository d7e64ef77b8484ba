//! The command line: `grapevine run`, `sweep`, `check` and `validate`.
//!
//! [`run`] reads like the program's table of contents: parse the arguments,
//! load and check every scenario, refuse output folders that are not
//! grapevine's, then for each scenario call the library's
//! [`pipeline::simulate`] and write its folder. Everything else is in the
//! library; this module parses, prints, and owns the thread pool and the
//! Ctrl-C handler.

pub mod args;
mod console;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::Parser;

pub use args::{CheckArgs, Cli, Command, RunArgs, RunFlags, SweepArgs, ValidateArgs};
use console::Bar;

use crate::error::Error;
use crate::film;
use crate::measures::Measure;
use crate::output::charts::short_number;
use crate::output::{self, sweep};
use crate::pipeline::{self, RunOptions};
use crate::scenario::{self, InputError, Override, Scenario};

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

/// Loads every scenario before running any, so a typo in the third file
/// fails at once rather than after the first two have run.
fn load_all(paths: &[PathBuf], set: &[Override]) -> Result<Vec<Scenario>, Error> {
    let mut loaded = Vec::new();
    let mut errors: Vec<InputError> = Vec::new();
    for path in paths {
        match Scenario::read(path, set) {
            Ok(scenario) => loaded.push(scenario),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(loaded)
    } else {
        Err(Error::Inputs(errors))
    }
}

/// The files a run of this scenario reads: the scenario, and its variants'
/// network files. A folder holding one is never replaced.
fn inputs(s: &Scenario) -> Vec<&Path> {
    let mut files = vec![s.source.as_path()];
    for v in &s.variants {
        if let Some(path) = v.network.file() {
            files.push(path);
        }
    }
    files
}

fn threads(requested: Option<u32>) -> usize {
    requested.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n as usize,
    )
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

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    fn options<'a>(&'a self, progress: &'a Bar, what: &'a str) -> RunOptions<'a> {
        RunOptions {
            threads: self.threads,
            cancel: Some(self.cancel),
            progress,
            what,
        }
    }
}

fn apply_flags(s: &mut Scenario, o: &RunFlags) {
    if let Some(runs) = o.runs {
        s.runs = runs;
    }
    if let Some(seed) = o.seed {
        s.seed = seed;
    }
}

fn run_command(args: &RunArgs) -> Result<(), Error> {
    let o = &args.options;
    let mut loaded = load_all(&args.scenarios, &o.set)?;
    loaded.iter_mut().for_each(|s| apply_flags(s, o));
    if let Some(k) = args.replication {
        for s in &mut loaded {
            s.first_replication = k;
            s.runs = 1;
        }
    }
    let several = loaded.len() > 1;
    let dests: Vec<PathBuf> = loaded
        .iter()
        .map(|s| output_folder(args.out.as_deref(), &s.source, several))
        .collect();
    refuse_shared_folders(&loaded, &dests)?;
    if args.animate || args.gexf {
        refuse_unfilmable(&loaded, args)?;
    }
    // Refuse a folder that cannot be written before anything runs.
    for (s, dest) in loaded.iter().zip(&dests) {
        output::folder::check(dest, &inputs(s))?;
    }
    let rt = Runtime::new(o.threads, useful_threads(&loaded))?;
    let bar = Bar::new(!o.quiet);
    for (s, dest) in loaded.iter().zip(&dests) {
        let started = Instant::now();
        let report = rt
            .pool
            .install(|| pipeline::simulate(s, &rt.options(&bar, "runs")))?;
        let film = if args.animate || args.gexf {
            Some(
                rt.pool
                    .install(|| film::record(&report, &rt.options(&bar, "runs")))?,
            )
        } else {
            None
        };
        let extras = output::Extras {
            film: film.as_ref(),
            gif: args.animate,
            gexf: args.gexf,
            per_run: args.per_run,
        };
        // Charts are drawn in parallel: on this pool, with its threads.
        rt.pool.install(|| {
            output::write_folder(dest, &inputs(s), &|| rt.cancelled(), |dir| {
                output::write_report(dir, &report, &o.format, extras, &|| rt.cancelled()).map_err(
                    |e| {
                        if rt.cancelled() {
                            Error::Cancelled
                        } else {
                            Error::Other(format!("writing {}: {e}", dest.display()))
                        }
                    },
                )
            })
        })?;
        if !o.quiet {
            console::print_headline(&report, dest, started.elapsed().as_secs_f64());
        }
    }
    Ok(())
}

/// The network pictures show attitudes and stories: a classic model has
/// neither, so `--animate` and `--gexf` are refused for it before anything
/// runs, as is a run longer than a picture can hold.
fn refuse_unfilmable(loaded: &[Scenario], args: &RunArgs) -> Result<(), Error> {
    let flag = if args.animate { "--animate" } else { "--gexf" };
    for s in loaded {
        let kind = s.baseline().model.kind();
        if !kind.declaration().stories {
            return Err(Error::Usage(format!(
                "{flag} draws attitudes and the stories people tell, which `{}` ({}) does not have\n  = help: the network pictures are for the word-of-mouth model; run this scenario without {flag}",
                s.source.display(),
                kind.declaration().title
            )));
        }
        if s.ticks > film::MAX_TICKS {
            return Err(Error::Usage(format!(
                "{flag} pictures every tick, and `{}` has {} ticks: at most {} can be pictured\n  = help: run it without {flag}, or picture a shorter run with --set ticks={}",
                s.source.display(),
                s.ticks,
                film::MAX_TICKS,
                film::MAX_TICKS
            )));
        }
    }
    Ok(())
}

/// Two scenarios of one run may not write the same folder (`a/town.toml`
/// and `b/town.toml` both go to `output/town`), nor the same scenario twice.
fn refuse_shared_folders(loaded: &[Scenario], dests: &[PathBuf]) -> Result<(), Error> {
    for (i, dest) in dests.iter().enumerate() {
        if let Some(j) = dests[..i].iter().position(|d| d == dest) {
            return Err(Error::Usage(format!(
                "`{}` and `{}` would both write {}/\n  = help: run them one at a time with their own --out, or rename one of the files",
                loaded[j].source.display(),
                loaded[i].source.display(),
                dest.display()
            )));
        }
    }
    Ok(())
}

/// The most threads a set of scenarios can keep busy: one per replication,
/// or one per chunk of agents where a replication is split. A pool larger
/// than this only costs time (results do not depend on it).
fn useful_threads(loaded: &[Scenario]) -> usize {
    loaded
        .iter()
        .map(|s| {
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
        let mut s = Scenario::read(&args.scenario, &set)?;
        apply_flags(&mut s, o);
        loaded.push(s);
    }
    let metric = sweep_metric(&loaded[0], args.metric.as_deref())?;
    let stem = args
        .scenario
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    let dest = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{stem}-sweep")));
    output::folder::check(&dest, &inputs(&loaded[0]))?;
    let rt = Runtime::new(o.threads, useful_threads(&loaded))?;
    let bar = Bar::new(!o.quiet);
    let started = Instant::now();
    let mut points = Vec::new();
    for (s, value) in loaded.iter().zip(&values) {
        let what = format!("runs ({path} = {value})");
        let report = rt
            .pool
            .install(|| pipeline::simulate(s, &rt.options(&bar, &what)))?;
        points.push(sweep::Point::of(value, &report, metric));
    }
    let sweep = sweep::Sweep {
        scenario: &loaded[0],
        parameter: path.trim().to_string(),
        metric,
        points,
    };
    rt.pool.install(|| {
        output::write_folder(&dest, &inputs(&loaded[0]), &|| rt.cancelled(), |dir| {
            sweep::write(dir, &sweep, &o.format)
                .map_err(|e| Error::Other(format!("writing {}: {e}", dest.display())))
        })
    })?;
    if !o.quiet {
        println!(
            "{}: final {} against {} ({} values) in {:.1} s -> {}/",
            loaded[0].title,
            metric.name(),
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

/// The measure a sweep charts: the one named, if the model records it, or
/// the model's own default.
fn sweep_metric(s: &Scenario, named: Option<&str>) -> Result<Measure, Error> {
    let kind = s.baseline().model.kind();
    let Some(name) = named else {
        return Ok(kind.declaration().sweep);
    };
    Measure::parse(name)
        .filter(|&m| kind.records(m))
        .ok_or_else(|| {
            let names: Vec<&str> = kind.measures().iter().map(|m| m.name()).collect();
            let meant = Measure::meant(name)
                .filter(|&m| kind.records(m))
                .map(|m| m.name());
            let near = meant
                .or_else(|| scenario::error::did_you_mean(name, names.iter().copied()))
                .map_or(String::new(), |n| {
                    format!("\n  = help: did you mean `{n}`?")
                });
            Error::Usage(format!(
                "--metric `{name}` is not a measure of this model; allowed: {}{near}",
                names.join(", ")
            ))
        })
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
    for s in &loaded {
        let plan = pipeline::plan(s, threads)?;
        console::print_check(s, &plan, threads, &output_folder(None, &s.source, false));
        // A short pilot, unless it would take long itself.
        let runs = 2;
        if plan.seconds * f64::from(runs) / f64::from(s.runs.max(1)) / s.variants.len() as f64
            <= 20.0
        {
            let pilot = rt_pool(threads)?.install(|| pipeline::pilot(s, runs))?;
            if let Some(p) = pilot {
                console::print_pilot(s, &p);
            }
        } else {
            println!(
                "  steady:   not checked (a pilot run would take too long; try a smaller town)"
            );
        }
    }
    Ok(())
}

/// A plain pool of `threads` for work that needs no Ctrl-C handling.
fn rt_pool(threads: usize) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Other(format!("cannot start {threads} threads: {e}")))
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
        "{} checks, {} passed, {} failed, in {:.1} s (tolerance: {} standard errors of the simulated mean, plus the computed gap between discrete and continuous time where the theory is continuous; a range passes when the mean reaches it within the tolerance)",
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
