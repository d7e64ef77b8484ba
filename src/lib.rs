//! grapevine: a word-of-mouth reputation simulator.
pub mod rng;
pub mod scenario;
