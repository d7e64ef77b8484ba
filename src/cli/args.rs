//! The command line's words: every subcommand, flag and worked example,
//! as clap reads them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::output::Format;
use crate::scenario::Override;

// Every example runs as written from the project's folder (a test runs
// each one); a long one is broken with `\` so that no line is wider than
// 64 columns and a narrow terminal never wraps a command.

pub const RUN_EXAMPLES: &str = "\
Examples:
  grapevine run scenarios/service-recovery.toml
      writes output/service-recovery/: report.html (one page to
      share), compare.png, the overview and reach charts,
      charts/*.png (one per measure), timeseries.csv, runs.csv,
      reach.csv, summary.json and scenario.toml
  grapevine run scenarios/quick.toml --runs 5 --seed 7 \\
      --out results/quick
  grapevine run scenarios/quick.toml \\
      --set service.recovery_rate=0.3
      any value by its dotted path; a group's by its name, as in
      --set groups.customers.attitude=0.5; any number of --set
  grapevine run scenarios/quick.toml --format png,svg
      charts as PNG (the default) and SVG too
  grapevine run scenarios/quick.toml --replication 3
      runs replication 3 alone: the same rows as run 3 of
      runs.csv in the full run
  grapevine run scenarios/quick.toml --animate --gexf
      adds network.gif (stories spreading, week by week; the
      report plays it) and network.gexf (for Gephi's timeline)";

const SWEEP_EXAMPLES: &str = "\
Examples:
  grapevine sweep scenarios/service-recovery.toml \\
      --param service.recovery_rate=0,0.3,0.6 \\
      --variants 'no recovery'
      runs the town without a programme once per value and
      writes output/service-recovery-sweep/: sweep.csv, and
      sweep.png, the final NPS against the value with its band
  grapevine sweep scenarios/quick.toml --runs 4 \\
      --design points.csv
      runs each row of points.csv (a column per dotted path,
      as SALib writes a Latin hypercube) instead of a grid
  grapevine sweep scenarios/quick.toml --metric customers \\
      --param service.quality_mean=-0.5,0,0.5,1
  grapevine sweep scenarios/quick.toml \\
      --param service.recovery_rate=0,0.6 \\
      --param telling.retell_probability=0.05,0.2
      a grid: every combination, a column per parameter
  grapevine sweep scenarios/quick.toml --runs 4 \\
      --param service.recovery_rate=0,0.6 --shard 1/2 \\
      --out results/part-1
      the first half of the work; run --shard 2/2 elsewhere,
      then merge the parts (see `merge --help`)";

const MERGE_EXAMPLES: &str = "\
Examples:
  grapevine sweep scenarios/quick.toml --runs 4 \\
      --param service.recovery_rate=0,0.6 --shard 1/2 \\
      --out results/part-1
  grapevine sweep scenarios/quick.toml --runs 4 \\
      --param service.recovery_rate=0,0.6 --shard 2/2 \\
      --out results/part-2
  grapevine merge results/part-1 results/part-2 \\
      --out results/sweep
      the same files as the whole sweep would write";

const CHECK_EXAMPLES: &str = "\
Examples:
  grapevine check scenarios/service-recovery.toml
      prints the people, ties, ticks, runs, time and memory
      the run would take, and whether the town holds steady
  grapevine check scenarios/quick.toml scenarios/hard-times.toml";

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
    /// Run a scenario at every value (or combination of values) of some
    /// parameters, and chart an outcome against them.
    #[command(after_help = SWEEP_EXAMPLES)]
    Sweep(SweepArgs),
    /// Check scenarios without running them, and say what a run would take.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Assemble the shards of a sweep (`sweep --shard K/N`) into the
    /// files the whole sweep writes.
    #[command(after_help = MERGE_EXAMPLES)]
    Merge(MergeArgs),
    /// Open the studio: a page of sliders over scenarios whose charts
    /// follow every change, for the training room, and its JSON API.
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
    /// Write a commented starting scenario that runs as written.
    #[command(after_help = NEW_EXAMPLES)]
    New(NewArgs),
    /// Print the JSON Schema of the scenario format (for editors: taplo,
    /// Even Better TOML).
    Schema,
    /// Print shell completions: bash, zsh, fish, powershell or elvish.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff): grapevine's, or a command's
    /// (`grapevine man run > grapevine-run.1`), which grapevine's names.
    Man(ManArgs),
    /// Run the classic models (Bass, SIR, independent cascade, linear
    /// threshold) against their known answers; exit 1 if any check fails.
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Scenario files to serve [default: the shipped lessons].
    #[arg(value_name = "SCENARIO.toml")]
    pub scenarios: Vec<PathBuf>,
    /// The port (0 picks a free one).
    #[arg(long, default_value_t = 7878)]
    pub port: u16,
    /// The address to listen on [default: 127.0.0.1, this machine only].
    /// Another address opens the studio to the network: it warns.
    #[arg(long, value_name = "ADDRESS")]
    pub host: Option<std::net::IpAddr>,
    /// A host name the studio answers to, besides localhost and its
    /// addresses (a name that reaches it on a network); repeatable.
    #[arg(long, value_name = "NAME")]
    pub allow_host: Vec<String>,
}

const SERVE_EXAMPLES: &str = "\
Examples:
  grapevine serve
      serves the shipped lessons on http://127.0.0.1:7878/
      until Ctrl-C: open that address in a browser. A script
      can ask too, for example:
      curl -s localhost:7878/api/scenarios
      curl -s localhost:7878/api/run --json '{\"scenario\": \"quick\",
        \"set\": {\"service.recovery_rate\": 0.6}, \"runs\": 10}'
  grapevine serve scenarios/quick.toml --port 8000";

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The new scenario's name or file (NAME writes NAME.toml). An
    /// existing file is never overwritten.
    #[arg(value_name = "NAME")]
    pub name: PathBuf,
    /// Start from a shipped lesson instead of the blank town.
    #[arg(long, value_name = "LESSON")]
    pub from: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

const NEW_EXAMPLES: &str = "\
Examples:
  grapevine new results/my-town
      writes results/my-town.toml: a commented town with one
      what-if, ready to run
  grapevine new results/my-recovery --from service-recovery
      a copy of the lesson service-recovery to change";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  grapevine completions bash
      prints the bash completions: save them as
      ~/.local/share/bash-completion/completions/grapevine
  grapevine completions zsh
      prints them for zsh: save as _grapevine in a folder of
      your $fpath";

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command whose page to print [default: grapevine's own].
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' folders, each written by `sweep --shard K/N`.
    #[arg(required = true, value_name = "DIR")]
    pub shards: Vec<PathBuf>,
    /// The folder for the merged sweep.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: PathBuf,
    /// Nothing on the terminal but errors.
    #[arg(long, short)]
    pub quiet: bool,
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
    /// Also write a chart of each published result (simulated beside the
    /// paper or theory) and checks.csv into DIR
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
    /// Chart formats, with --charts
    #[arg(long, value_enum, value_delimiter = ',', default_value = "png")]
    pub format: Vec<crate::output::Format>,
}

/// How a run goes: shared by `run` and `sweep`.
#[derive(Debug, Args)]
pub struct RunFlags {
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
    /// Chart formats, comma-separated: png, svg, or none (the tables and
    /// the summary only: no charts and no report).
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
    /// A parameter and its values: PATH=V1,V2,... Give several to sweep
    /// every combination (a grid).
    #[arg(
        long,
        value_name = "PATH=V1,V2,...",
        required_unless_present = "design",
        value_parser = crate::sweep::Param::parse
    )]
    pub param: Vec<crate::sweep::Param>,
    /// Sweep the points of a CSV file instead of a grid: a column per
    /// dotted path (the header), a row per point, as SALib, the EMA
    /// Workbench or pandas write a Latin hypercube, Sobol or Morris design.
    #[arg(long, value_name = "FILE.csv", conflicts_with = "param")]
    pub design: Option<PathBuf>,
    /// Sweep only these variants (comma-separated names) [default: all].
    /// A variant that sets a swept path itself keeps its own value.
    #[arg(long, value_name = "NAME,...")]
    pub variants: Option<String>,
    /// Run the K-th of N equal parts of the work (points x variants x
    /// runs) and write it for `grapevine merge`.
    #[arg(long, value_name = "K/N", value_parser = crate::sweep::Shard::parse)]
    pub shard: Option<crate::sweep::Shard>,
    /// The measures to record, comma-separated: each one's final value (a
    /// level at the last tick, a flow's total over the run) at every point;
    /// the first is charted in sweep.png, each other in sweep-NAME.png
    /// [default: the model's main measure (nps; for a classic model its
    /// main share), then the scenario's compare list].
    #[arg(long, value_name = "NAME,...")]
    pub metric: Option<String>,
    /// Also record these groups' figures (comma-separated `[[groups]]`
    /// names): a row per group beside `all` (everyone) in sweep.csv and
    /// sweep_runs.csv.
    #[arg(long, value_name = "NAME,...")]
    pub group: Option<String>,
    /// Also write sweep_runs.csv: every replication's final figures at
    /// every point, with its seed, for your own statistics.
    #[arg(long)]
    pub per_run: bool,
    /// Output folder [default: output/<scenario file stem>-sweep].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub options: RunFlags,
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
    /// Also write runs_timeseries.csv: every replication's figures, tick
    /// by tick, for your own statistics.
    #[arg(long)]
    pub per_run: bool,
    /// Run replication K alone (as numbered in runs.csv): with the same
    /// seed, its rows are the same as in the full run.
    #[arg(long, value_name = "K")]
    pub replication: Option<u32>,
    /// Also write network.gif, the spread of stories on the network (the
    /// first run of each variant, tick by tick), and play it in
    /// report.html.
    #[arg(long)]
    pub animate: bool,
    /// Also write network.gexf, the network with each agent's group,
    /// status and attitude over time, for Gephi's timeline.
    #[arg(long)]
    pub gexf: bool,
    #[command(flatten)]
    pub options: RunFlags,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files (TOML).
    #[arg(required = true, value_name = "SCENARIO.toml")]
    pub scenarios: Vec<PathBuf>,
    /// Set a value by its dotted path, as `run --set` does.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_override)]
    pub set: Vec<Override>,
    /// Skip the steady-state pilot (two short runs of the town left
    /// alone): check the file and forecast only, at once.
    #[arg(long)]
    pub no_pilot: bool,
}
