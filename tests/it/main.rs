//! Integration tests: the real `grapevine` binary on real scenario files.
//!
//! - `animation`: `run --animate` and `--gexf`: frames, determinism, timed
//!   values, read-back (issue 14).
//! - `architecture`: no import circle among the library's modules.
//! - `cli`: running and checking shipped scenarios; what lands in the
//!   output folder; help and usage errors.
//! - `bad_input`: broken scenarios and edge lists get located errors,
//!   exit 2, and write nothing.
//! - `data`: runs.csv per group with parameters, --replication, paired
//!   differences, --per-run, one name per measure (issue 15).
//! - `determinism`: the same seed gives byte-identical files on 1, 2 and 4
//!   threads, and in either parallel mode of the engine.
//! - `invariants`: property tests over random small scenarios.
//! - `lessons`: every shipped scenario runs and shows what it claims to.
//! - `classic`: `grapevine validate` and classic-model scenarios.
//! - `variants`: common random numbers, event windows, `--set` and sweeps.
//! - `safety`: output folders that are not grapevine's, unreadable inputs,
//!   interrupted runs (issue 10).
//! - `editors`: the JSON Schema, completions, the man page, `new`
//!   (issue 15).
//! - `fuzz_corpus`: the fuzzers' corpus and past findings, replayed.
//! - `serve`: the studio server and its API (issue 16).
//! - `studio`: the studio's page in headless Chromium (issue 16), driven
//!   by `browser`, a small DevTools-protocol client.
//! - `steady`: the default town and every lesson hold steady after the
//!   warm-up; what-ifs share the baseline's warmed-up town (issue 12).
//! - `networks`: GraphML and GEXF networks in, dynamic GEXF out, node
//!   attributes as groups (issue 14).
//! - `sweeps`: grid sweeps, shards and merge, --variants (issue 15).
//! - `report`: `report.html` is self-contained and renders in headless
//!   Chromium; every example in every `--help` runs as written (issue 13).

mod browser;
mod common;

mod animation;
mod architecture;
mod bad_input;
mod classic;
mod cli;
mod data;
mod deck;
mod determinism;
mod editors;
mod fuzz_corpus;
mod invariants;
mod lessons;
mod networks;
mod report;
mod safety;
mod serve;
mod steady;
mod studio;
mod sweeps;
mod variants;
