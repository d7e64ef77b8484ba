//! Same scenario, same seed: byte-identical outputs on any number of
//! threads, in either of the engine's parallel modes.

use std::path::Path;

use grapevine::engine::{self, Mode, Options};
use grapevine::model::WordOfMouth;
use grapevine::scenario::Scenario;

use crate::common::{repo, run_into};

/// The tables and summary (a classic model writes no `reach.csv`).
fn files(out: &Path) -> Vec<Vec<u8>> {
    assert!(out.join("timeseries.csv").exists());
    ["timeseries.csv", "runs.csv", "reach.csv", "summary.json"]
        .iter()
        .filter(|f| *f != &"reach.csv" || out.join(f).exists())
        .map(|f| std::fs::read(out.join(f)).unwrap())
        .collect()
}

/// Tables only (`--format none`): the pictures are drawn from them, and
/// the report's and the animation's own thread checks are in report.rs and
/// animation.rs.
fn same_bytes_on(scenario: &str, runs: &str) {
    let run = |threads| {
        run_into(
            scenario,
            &[
                "--threads",
                threads,
                "--runs",
                runs,
                "--format",
                "none",
                "--quiet",
            ],
        )
    };
    let (_a, one) = run("1");
    let (_b, two) = run("2");
    let (_c, four) = run("4");
    assert_eq!(files(&one), files(&two), "1 and 2 threads");
    assert_eq!(files(&one), files(&four), "1 and 4 threads");
}

#[test]
fn replications_side_by_side_give_the_same_bytes_on_any_thread_count() {
    same_bytes_on("scenarios/bad-news-travels-fast.toml", "4");
}

#[test]
fn mobility_morale_and_events_give_the_same_bytes_on_any_thread_count() {
    same_bytes_on("scenarios/people-move.toml", "3");
    same_bytes_on("scenarios/customer-myopia.toml", "3");
    same_bytes_on("scenarios/invited-guests.toml", "3");
}

#[test]
fn a_split_run_with_every_feature_gives_the_same_bytes_on_any_thread_count() {
    same_bytes_on("tests/data/large-everything.toml", "2");
}

#[test]
fn weighted_ties_give_the_same_bytes_on_any_thread_count() {
    same_bytes_on("tests/data/weak-ties.toml", "2");
    same_bytes_on("tests/data/weak-ties-sir.toml", "2");
}

#[test]
fn a_run_split_across_threads_gives_the_same_bytes_on_any_thread_count() {
    same_bytes_on("tests/data/large.toml", "2");
}

#[test]
fn both_parallel_modes_give_the_same_numbers() {
    let path = repo("scenarios/quick.toml");
    let scenario = Scenario::load(&path).unwrap();
    let network = grapevine::network::build(&scenario.baseline().network, scenario.seed).unwrap();
    let world = WordOfMouth::baseline(&scenario, &network.graph);
    let run = |mode, threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let options = Options {
            mode,
            ..Options::new(3, 10)
        };
        pool.install(|| engine::run(&world, &options).unwrap())
            .into_iter()
            .map(|r| r.frames)
            .collect::<Vec<_>>()
    };
    let across = run(Mode::AcrossRuns, 2);
    assert_eq!(across, run(Mode::WithinRuns, 1));
    assert_eq!(across, run(Mode::WithinRuns, 3));
}
