//! grapevine: a word-of-mouth reputation simulator.
pub mod model;
pub mod network;
pub mod rng;
pub mod scenario;
