//! grapevine: a word-of-mouth reputation simulator.
//!
//! Agents on a social network have experiences of a service, tell good and
//! bad stories, hear them, change their minds, buy, refer and leave.
//!
//! # Architecture
//!
//! Data flows one way:
//!
//! - [`scenario`]: a TOML file → a validated [`scenario::Scenario`], with
//!   errors located at their line and column;
//! - [`network`]: generators and edge lists → a compressed sparse row graph;
//! - [`engine`]: replications, threads and seeding, running
//! - [`model`]: the agents' per-field state and the phases of a tick;
//! - [`metrics`]: the observer the engine calls each tick, and the
//!   aggregation of replications into a mean and a 90% band;
//! - [`output`]: CSV, JSON and charts, written into a folder as a whole.
//!
//! [`validation`] runs the classic models (SIR, independent cascade, linear
//! threshold, Bass) in the same engine against their known answers.
//!
//! [`cli`] is the command line over all of it; [`rng`] keys every random
//! stream by (seed, replication, tick, agent, purpose), so results do not
//! depend on the number of threads.
//!
//! # Example
//!
//! ```
//! use std::path::Path;
//! use grapevine::{engine, measures::Measure, metrics, model::World, network, scenario::Scenario};
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
//! let net = network::build(&scenario.baseline().network, scenario.seed).unwrap();
//! let world = World::new(&scenario, &net.graph);
//! let options = engine::Options { runs: scenario.runs, ticks: scenario.ticks, ..Default::default() };
//! let runs = engine::run(&world, &options).unwrap();
//!
//! let reputation = runs[0].position(Measure::Reputation).unwrap();
//! let summary = metrics::aggregate(&runs);
//! let last = &summary.bands[10][0][reputation]; // tick 10, everyone
//! assert!((-1.0..=1.0).contains(&last.mean));
//! assert!(last.p05 <= last.mean && last.mean <= last.p95);
//! ```

pub mod catalog;
pub mod cli;
pub mod engine;
pub mod error;
pub mod forecast;
pub mod fuzzing;
pub mod input;
pub mod measures;
pub mod metrics;
pub mod model;
pub mod network;
pub mod output;
pub mod pipeline;
pub mod rng;
pub mod scenario;
pub mod validation;
