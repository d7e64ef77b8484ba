//! grapevine: a word-of-mouth reputation simulator.
pub mod network;
pub mod rng;
pub mod scenario;
