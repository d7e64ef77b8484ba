//! The command line: `grapevine run`, `sweep`, `merge`, `check`,
//! `validate`, `new`, `serve`, `schema`, `completions` and `man`. The
//! arguments are in `args.rs`, what is printed in `console.rs`, and each
//! command with work of its own in a file named for it (`run.rs`,
//! `sweep.rs` for `sweep` and `merge`, `check.rs`, `validate.rs`,
//! `new.rs`, `serve.rs`); this file dispatches and holds what they share.
//!
//! [`run`] reads like the program's table of contents: parse the arguments,
//! then hand each command to its function, which loads and checks the
//! scenarios, refuses output folders that are not grapevine's, calls the
//! library ([`pipeline::simulate`], [`crate::sweep::prepare`], ...) and
//! writes the folder. Everything else is in the library; this module
//! parses, prints, and owns the thread pool and the Ctrl-C handler.

pub mod args;
mod check;
mod console;
mod new;
mod run;
mod serve;
mod sweep;
mod validate;

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
        Command::Run(args) => run::run_command(&args),
        Command::Sweep(args) => sweep::sweep_command(&args),
        Command::Merge(args) => sweep::merge_command(&args),
        Command::New(args) => new::new_command(&args),
        Command::Serve(args) => serve::serve_command(&args),
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
        Command::Check(args) => check::check_command(&args),
        Command::Validate(args) => validate::validate_command(&args),
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
            towns: None,
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

/// A plain pool of `threads` for work that needs no Ctrl-C handling.
fn rt_pool(threads: usize) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Other(format!("cannot start {threads} threads: {e}")))
}
