//! grapevine: a word-of-mouth reputation simulator.
//!
//! Agents on a social network have experiences of a service, tell good and
//! bad stories, hear them, change their minds, buy, refer and leave.
//!
//! # Architecture
//!
//! Data flows one way (docs/architecture.md has the map):
//!
//! - [`scenario`]: a TOML file → a validated [`scenario::Scenario`], with
//!   errors located at their line and column;
//! - [`measures`] and [`catalog`]: the one table of measures, and what each
//!   model declares (its keys, measures and defaults);
//! - [`network`]: generators and edge lists → a compressed sparse row graph;
//! - [`model`]: the [`model::Dynamics`] trait, implemented by the
//!   word-of-mouth model (its tick's phases in [`model::phases`]) and by
//!   each classic model (SIR, independent cascade, linear threshold, Bass),
//!   and the registry that builds the one a variant runs;
//! - [`engine`]: replications, threads and seeding, for any dynamics;
//! - [`metrics`]: the observer the engine calls each tick, and the
//!   aggregation of replications into a mean and a 90% band;
//! - [`pipeline`]: a scenario's run as one call, [`pipeline::simulate`];
//!   [`forecast`] says beforehand what it will take; [`film`] records the
//!   network for the pictures;
//! - [`sweep`]: grids and design files of parameter values, their plan,
//!   shards and merge;
//! - [`output`]: CSV, JSON, charts, the headline slide and the report,
//!   written into a folder as a whole.
//!
//! [`validation`] runs the classic models in the same engine against their
//! known answers. [`cli`] is the command line over all of it, and
//! [`serve`] the studio's HTTP server; [`input`] reads files within their
//! bounds; [`fuzzing`] holds the fuzz targets' entry points; [`rng`] keys
//! every random stream by (seed, replication, tick, agent, purpose), so
//! results do not depend on the number of threads.
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
//! let report = pipeline::simulate(&scenario, &RunOptions::quiet()).unwrap();
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
