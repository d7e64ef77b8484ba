//! The command line: `grapevine run`, `sweep`, `merge`, `check`,
//! `validate`, `new`, `serve`, `schema`, `completions` and `man` (the
//! arguments in `args.rs`, what is printed in `console.rs`, the sweep and
//! merge commands in `sweep.rs`).
//!
//! [`run`] reads like the program's table of contents: parse the arguments,
//! then hand each command to its function, which loads and checks the
//! scenarios, refuses output folders that are not grapevine's, calls the
//! library ([`pipeline::simulate`], [`crate::sweep::prepare`], ...) and
//! writes the folder. Everything else is in the library; this module
//! parses, prints, and owns the thread pool and the Ctrl-C handler.

pub mod args;
mod console;
mod sweep;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::Parser;

pub use args::{
    CheckArgs, Cli, Command, CompletionsArgs, ManArgs, MergeArgs, NewArgs, RunArgs, RunFlags,
    ServeArgs, SweepArgs, ValidateArgs,
};
use console::Bar;

use crate::error::Error;
use crate::film;
use crate::output;
use crate::pipeline::{self, RunOptions};
use crate::scenario::{self, InputError, Override, Scenario};

/// Runs the command line `args` (the program name first).
pub fn run<I, T>(args: I) -> Result<(), Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // `grapevine help --help` asks for help on help, as `git help --help`
    // does: the top-level help is it.
    if args.len() == 3 && args[1] == "help" && (args[2] == "--help" || args[2] == "-h") {
        args.truncate(2);
    }
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
        Command::Sweep(args) => sweep::sweep_command(&args),
        Command::Merge(args) => sweep::merge_command(&args),
        Command::New(args) => new_command(&args),
        Command::Serve(args) => serve_command(&args),
        Command::Schema => {
            print!("{}", Scenario::schema());
            Ok(())
        }
        Command::Completions(args) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut cmd, "grapevine", &mut std::io::stdout());
            Ok(())
        }
        Command::Man(args) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let cmd = match &args.command {
                None => cmd,
                Some(name) => {
                    let names: Vec<String> = cmd
                        .get_subcommands()
                        .map(|c| c.get_name().to_string())
                        .collect();
                    let sub = cmd.find_subcommand(name).cloned().ok_or_else(|| {
                        Error::Usage(format!(
                            "`{name}` is not a grapevine command; allowed: {}",
                            names.join(", ")
                        ))
                    })?;
                    sub.name(format!("grapevine-{name}"))
                }
            };
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .map_err(|e| Error::Other(e.to_string()))?;
            std::io::Write::write_all(&mut std::io::stdout(), &page)
                .map_err(|e| Error::Other(e.to_string()))
        }
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
pub(super) struct Runtime {
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

/// `--format none` stands alone: it means no pictures at all.
fn check_formats(formats: &[output::Format]) -> Result<(), Error> {
    if formats.len() > 1 && formats.contains(&output::Format::None) {
        return Err(Error::Usage(
            "--format none means no charts and no report, so it stands alone; give png, svg or png,svg for charts".into(),
        ));
    }
    Ok(())
}

fn run_command(args: &RunArgs) -> Result<(), Error> {
    let o = &args.options;
    check_formats(&o.format)?;
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
    if !o.quiet {
        for s in &loaded {
            for c in scenario::setting::set_conflicts(s) {
                eprintln!("note: {}", c.explain());
            }
        }
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

/// The most threads a set of scenarios can keep busy.
fn useful_threads(loaded: &[Scenario]) -> usize {
    loaded
        .iter()
        .map(crate::forecast::useful_threads)
        .max()
        .unwrap_or(1)
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

/// The shipped lessons, by name, as `grapevine new --from` copies them.
pub const LESSONS: &[(&str, &str)] = &[
    (
        "bad-news-travels-fast",
        include_str!("../../scenarios/bad-news-travels-fast.toml"),
    ),
    (
        "customer-myopia",
        include_str!("../../scenarios/customer-myopia.toml"),
    ),
    (
        "focus-vs-please-everyone",
        include_str!("../../scenarios/focus-vs-please-everyone.toml"),
    ),
    (
        "hard-times",
        include_str!("../../scenarios/hard-times.toml"),
    ),
    (
        "invited-guests",
        include_str!("../../scenarios/invited-guests.toml"),
    ),
    (
        "people-move",
        include_str!("../../scenarios/people-move.toml"),
    ),
    ("quick", include_str!("../../scenarios/quick.toml")),
    (
        "service-recovery",
        include_str!("../../scenarios/service-recovery.toml"),
    ),
    (
        "what-the-research-says",
        include_str!("../../scenarios/what-the-research-says.toml"),
    ),
];

/// `grapevine serve`: the studio's server, on the loopback address unless
/// told otherwise, until Ctrl-C.
fn serve_command(args: &ServeArgs) -> Result<(), Error> {
    let served: Vec<crate::serve::Served> = if args.scenarios.is_empty() {
        LESSONS
            .iter()
            .map(|(name, text)| crate::serve::Served {
                name: (*name).to_string(),
                path: PathBuf::from(format!("scenarios/{name}.toml")),
                text: (*text).to_string(),
            })
            .collect()
    } else {
        let mut list: Vec<crate::serve::Served> = Vec::new();
        for path in &args.scenarios {
            let text =
                crate::input::read_text(path, crate::input::MAX_SCENARIO_BYTES).map_err(|e| {
                    Error::Usage(format!("{}: {}", path.display(), e.describe("scenario")))
                })?;
            let name = path
                .file_stem()
                .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
            if list.iter().any(|s| s.name == name) {
                return Err(Error::Usage(format!(
                    "two served scenarios are named `{name}`; rename one of the files"
                )));
            }
            list.push(crate::serve::Served {
                name,
                path: path.clone(),
                text,
            });
        }
        list
    };
    let host = args
        .host
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    if !host.is_loopback() {
        eprintln!(
            "warning: listening on {host}: anyone who can reach this machine can run scenarios on it"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Other(format!("cannot start the server: {e}")))?;
    runtime.block_on(async {
        let listen = crate::serve::Listen {
            addr: std::net::SocketAddr::new(host, args.port),
            allow_hosts: args.allow_host.clone(),
        };
        let (first, second) = (stop_signal(), stop_signal());
        crate::serve::serve(
            served,
            listen,
            |addr, token| {
                let page = match token {
                    Some(t) => format!("http://{addr}/?token={t}"),
                    None => format!("http://{addr}/"),
                };
                println!("grapevine studio: {page} (Ctrl-C stops it)");
                let _ = std::io::Write::flush(&mut std::io::stdout());
            },
            async move {
                first.await;
                eprintln!("grapevine studio: stopping (Ctrl-C again ends it at once)");
            },
            async move {
                second.await;
            },
        )
        .await
    })
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM; each call waits for the next.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The blank town `grapevine new` writes.
const NEW_SCENARIO: &str = include_str!("../../assets/new-scenario.toml");

/// `grapevine new NAME [--from LESSON]`: a starting scenario, checked to
/// run as written, in a file that did not exist.
fn new_command(args: &NewArgs) -> Result<(), Error> {
    let mut path = args.name.clone();
    if path.extension().is_none_or(|e| e != "toml") {
        path.set_extension("toml");
    }
    let stem = path.file_stem().map_or_else(
        || "My town".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let text = match &args.from {
        None => NEW_SCENARIO.replace("TITLE", &stem),
        Some(name) => {
            let Some((_, lesson)) = LESSONS.iter().find(|(n, _)| n == name) else {
                let names: Vec<&str> = LESSONS.iter().map(|(n, _)| *n).collect();
                return Err(Error::Usage(format!(
                    "--from `{name}` is not a shipped lesson; allowed: {}",
                    names.join(", ")
                )));
            };
            format!(
                "# Written by `grapevine new --from {name}`: a copy of the lesson to change.\n\n{lesson}"
            )
        }
    };
    // What it writes must run: checked before anything is written.
    Scenario::parse(&text, &path)?;
    output::write_new_file(&path, &text)?;
    println!(
        "wrote {}: run it with grapevine run {}",
        path.display(),
        path.display()
    );
    Ok(())
}

fn check_command(args: &CheckArgs) -> Result<(), Error> {
    let loaded = load_all(&args.scenarios, &args.set)?;
    let threads = threads(None);
    for s in &loaded {
        let plan = pipeline::estimate(s, threads)?;
        console::print_check(s, &plan, threads, &output_folder(None, &s.source, false));
        // A short pilot, unless asked not to or it would take long itself.
        let runs = 2;
        if args.no_pilot {
            println!("  steady:   not checked (--no-pilot)");
        } else if plan.seconds * f64::from(runs)
            / f64::from(s.runs.max(1))
            / s.variants.len() as f64
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
