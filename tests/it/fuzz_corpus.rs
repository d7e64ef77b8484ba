//! The fuzz targets' corpus, replayed on stable Rust: every input the
//! fuzzers kept (`fuzz/corpus`), their seeds and the inputs that once made
//! grapevine panic (`fuzz/regressions`) go through the same entry points
//! as `cargo fuzz` runs, and none may panic. See docs/fuzzing.md.

use std::path::Path;

use crate::common::repo;

fn replay(target: &str, run: fn(&[u8])) {
    let mut count = 0;
    for dir in ["corpus", "seeds", "regressions"] {
        let dir = repo(&format!("fuzz/{dir}/{target}"));
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{} panicked", show(&path));
            count += 1;
        }
    }
    assert!(count > 0, "no inputs for {target}");
}

fn show(path: &Path) -> String {
    path.strip_prefix(repo(""))
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_scenario_input_the_fuzzer_kept_is_handled() {
    replay("scenario", grapevine::fuzzing::scenario);
}

#[test]
fn every_edge_list_input_the_fuzzer_kept_is_handled() {
    replay("edge_list", grapevine::fuzzing::edge_list);
}

#[test]
fn every_network_file_input_the_fuzzer_kept_is_handled() {
    replay("network_xml", grapevine::fuzzing::network_xml);
}

#[test]
fn every_manifest_input_the_fuzzer_kept_is_handled() {
    replay("manifest", grapevine::fuzzing::manifest);
}

#[test]
fn every_studio_request_input_the_fuzzer_kept_is_handled() {
    replay("studio_request", grapevine::fuzzing::studio_request);
}

#[test]
fn every_design_input_the_fuzzer_kept_is_handled() {
    replay("design", grapevine::fuzzing::design);
}

#[test]
fn every_shard_input_the_fuzzer_kept_is_handled() {
    replay("shard", grapevine::fuzzing::shard);
}
