//! Entry points for the fuzz targets in `fuzz/` and for the test that
//! replays their corpus on stable Rust (`tests/it/fuzz_corpus.rs`).
//!
//! Each takes arbitrary bytes and goes as far through grapevine as those
//! bytes allow, so that a panic anywhere on the way is a finding. Errors
//! are expected and fine; panics, hangs and runaway memory are not.

use std::path::Path;

use crate::engine::Mode;
use crate::forecast;
use crate::network::{self, Graph};
use crate::pipeline::{self, RunOptions};
use crate::scenario::{Override, Scenario};

/// Populations up to this size are also simulated for a few ticks, so that
/// the model's rules meet the odd values the reader lets through.
const SIMULATED_AGENTS: u64 = 400;

/// A scenario's text, with lines `#set PATH=VALUE` (TOML comments, so the
/// text stays a scenario) taken as `--set` overrides: read, checked, its
/// memory and time forecast, and, when small, built and run for a few
/// ticks with its tables written.
pub fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let overrides: Vec<Override> = text
        .lines()
        .filter_map(|l| l.strip_prefix("#set "))
        .filter_map(|arg| Override::parse_arg(arg).ok())
        .collect();
    let Ok(mut s) = Scenario::parse_with(text, Path::new("fuzz.toml"), &overrides) else {
        return;
    };
    let size = forecast::run_size(&s);
    let _ = forecast::estimate_memory(size, 2, Mode::Auto);
    let agents: Vec<u64> = s
        .variants
        .iter()
        .map(|v| v.network.agents().unwrap_or(0))
        .collect();
    let _ = forecast::forecast_seconds(&s, &agents, 2);
    let small = s.variants.iter().all(|v| {
        v.network.file().is_none()
            && v.network.agents().is_some_and(|n| n <= SIMULATED_AGENTS)
            && network::expected_edges(&v.network) <= 20 * SIMULATED_AGENTS
    });
    if !small {
        return;
    }
    s.runs = 1;
    s.ticks = s.ticks.min(4);
    // Variants were checked against the scenario's own ticks; fewer is fine.
    if let Ok(report) = pipeline::simulate(&s, &RunOptions::quiet()) {
        let _ = crate::output::tables::summary_json(&report);
        let _ = crate::output::tables::timeseries_csv(&report);
    }
}

/// An edge list's bytes: read, and built into a graph whose every edge is
/// found from both ends.
pub fn edge_list(data: &[u8]) {
    let Ok(list) = network::parse_edge_list(data, Path::new("fuzz.txt")) else {
        return;
    };
    let n = list.ids.len();
    let (graph, dropped) = Graph::from_edges(n, list.edges);
    assert_eq!(graph.nodes(), n);
    let listed = data.len() as u64;
    assert!(graph.edges() + dropped.duplicate_edges + dropped.self_loops <= listed);
    assert_symmetric(&graph);
}

/// A GraphML or GEXF file's bytes (the first byte chooses which, the rest
/// is the file): read with a group attribute asked for, and built into a
/// graph whose every edge is found from both ends, with a label per node.
pub fn network_xml(data: &[u8]) {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let format = if choice % 2 == 0 {
        network::Format::Graphml
    } else {
        network::Format::Gexf
    };
    let attribute = (choice & 2 != 0).then_some("group");
    let Ok(file) = network::parse_xml(text, Path::new("fuzz.xml"), format, attribute) else {
        return;
    };
    let n = file.ids.len();
    assert!(
        file.edges
            .iter()
            .all(|&(u, v)| (u as usize) < n && (v as usize) < n)
    );
    if let Some(labels) = &file.labels {
        assert_eq!(labels.len(), n);
    }
    let (graph, _) = Graph::from_edges(n, file.edges);
    assert_symmetric(&graph);
}

/// Every edge of `graph` is found from both of its ends.
fn assert_symmetric(graph: &Graph) {
    for u in 0..graph.nodes() {
        for &v in graph.neighbours(u) {
            assert!(
                graph
                    .neighbours(v as usize)
                    .binary_search(&(u as u32))
                    .is_ok()
            );
        }
    }
}
