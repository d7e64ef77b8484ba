//! grapevine: a word-of-mouth reputation simulator.
//!
//! Agents on a social network have experiences of a service, tell good and
//! bad stories, hear them, change their minds, buy, refer and leave.
//!
//! # Architecture
//!
//! Data flows one way (docs/architecture.md has the map, and a test holds
//! every module to the table of what it may use):
//!
//! - [`scenario`]: a TOML file → a validated [`scenario::Scenario`], with
//!   errors located at their line and column; typed setting places
//!   ([`scenario::setting`]) decide whose value wins; a studio request's
//!   what-if is made in [`scenario::what_if`];
//! - [`measures`] and [`catalog`]: the one table of measures, and what each
//!   model declares (its parameters, measures, defaults, what it keeps
//!   steady);
//! - [`network`]: generators and edge lists → a compressed sparse row graph;
//! - [`model`]: the [`model::Dynamics`] trait, implemented by the
//!   word-of-mouth model (its tick's phases in [`model::phases`]) and by
//!   each classic model (SIR, independent cascade, linear threshold, Bass),
//!   and the registry that builds the one a variant runs;
//! - [`engine`]: replications, threads and seeding, for any dynamics;
//! - [`record`]: the observer the engine calls each tick, keeping one
//!   replication's figures and its stories' reach;
//! - [`results`]: the runs of every variant, and the figures people read
//!   from them (final values with 90% bands, paired differences, reach,
//!   value), worked out once for files, report, console, studio and sweeps;
//! - [`pipeline`]: a scenario's run as one call, [`pipeline::simulate`],
//!   and what it will take, [`pipeline::prepare`]; [`forecast`] counts the
//!   networks and predicts memory and time; [`film`] records the network
//!   for the pictures;
//! - [`sweep`]: grids and design files of parameter values, their plan,
//!   shards and merge;
//! - [`output`]: CSV, JSON, charts, the headline slide, the deck and the
//!   report, written into a folder as a whole; they only format.
//!
//! [`validation`] runs the classic models in the same engine against their
//! known answers. [`cli`] is the command line over all of it, and
//! [`serve`] the studio's HTTP server; both only ask the library and
//! format. [`input`] reads files within their bounds; [`error`] is the
//! library's error; [`fuzzing`] holds the fuzz targets' entry points;
//! [`rng`] keys every random stream by (seed, replication, tick, agent,
//! purpose), so results do not depend on the number of threads.
//!
//! # Example
//!
//! ```
//! use std::path::Path;
//! use grapevine::measures::Measure;
//! use grapevine::pipeline::{self, RunOptions};
//! use grapevine::scenario::Scenario;
//!
//! let text = r#"
//!     ticks = 10
//!     runs = 2
//!     [network]
//!     kind = "watts-strogatz"
//!     n = 500
//!     mean_degree = 6
//!     rewire = 0.1
//! "#;
//! let scenario = Scenario::parse(text, Path::new("example.toml")).unwrap();
//! let report = pipeline::simulate(&scenario, &RunOptions::silent()).unwrap();
//!
//! let baseline = &report.variants[0];
//! let reputation = baseline.runs[0].position(Measure::Reputation).unwrap();
//! let last = &baseline.aggregate.bands[10][0][reputation]; // tick 10, everyone
//! assert!((-1.0..=1.0).contains(&last.mean));
//! assert!(last.p05 <= last.mean && last.mean <= last.p95);
//! ```

pub mod catalog;
pub mod cli;
pub mod engine;
pub mod error;
pub mod film;
pub mod forecast;
pub mod fuzzing;
pub mod input;
pub mod measures;
pub mod model;
pub mod network;
pub mod output;
pub mod pipeline;
pub mod record;
pub mod results;
pub mod rng;
pub mod scenario;
pub mod serve;
pub mod sweep;
pub mod validation;

/// A file of the project (its docs, its test data) for a unit test to read.
/// Unit tests build in the package `tests/unit`, whose folder is not the
/// project's, so the project is the nearest folder up that has `docs/`.
#[cfg(test)]
pub(crate) fn project_file(path: &str) -> std::path::PathBuf {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = here
        .ancestors()
        .find(|dir| dir.join("docs/scenario.md").is_file())
        .expect("the unit tests run inside the project's folder");
    root.join(path)
}
