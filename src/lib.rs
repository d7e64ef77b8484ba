//! grapevine: a word-of-mouth reputation simulator.
pub mod cli;
pub mod engine;
pub mod error;
pub mod metrics;
pub mod model;
pub mod network;
pub mod output;
pub mod rng;
pub mod scenario;
