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
    let sizes = forecast::Sizes::new();
    let size = forecast::run_size(&s, &sizes);
    let _ = forecast::estimate_memory(size, 2, Mode::Auto);
    let _ = forecast::forecast_seconds(&s, &sizes, 2);
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
    if let Ok(report) = pipeline::simulate(&s, &RunOptions::silent()) {
        let _ = crate::output::tables::summary_json(&report);
        let _ = crate::output::tables::timeseries_csv(&report);
    }
}

/// An edge list's bytes: read plain and weighted, and built into graphs
/// whose every edge is found from both ends, with the same weight.
pub fn edge_list(data: &[u8]) {
    for weighted in [false, true] {
        let Ok(list) = network::parse_edge_list(data, Path::new("fuzz.txt"), weighted) else {
            continue;
        };
        let n = list.ids.len();
        let (graph, dropped) = if weighted {
            assert_eq!(list.weights.len(), list.edges.len());
            Graph::from_weighted_edges(n, list.edges, &list.weights)
        } else {
            Graph::from_edges(n, list.edges)
        };
        assert_eq!(graph.nodes(), n);
        let listed = data.len() as u64;
        assert!(graph.edges() + dropped.duplicate_edges + dropped.self_loops <= listed);
        assert_symmetric(&graph);
    }
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
    let reading = network::Reading {
        group_attribute: (choice & 2 != 0).then_some("group"),
        weighted: choice & 4 != 0,
    };
    let Ok(file) = network::parse_xml(text, Path::new("fuzz.xml"), format, reading) else {
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
    let (graph, _) = if reading.weighted {
        assert_eq!(file.weights.len(), file.edges.len());
        Graph::from_weighted_edges(n, file.edges, &file.weights)
    } else {
        Graph::from_edges(n, file.edges)
    };
    assert_symmetric(&graph);
}

/// Every edge of `graph` is found from both of its ends.
fn assert_symmetric(graph: &Graph) {
    for u in 0..graph.nodes() {
        for (k, &v) in graph.neighbours(u).iter().enumerate() {
            let back = graph.neighbours(v as usize).binary_search(&(u as u32));
            assert!(back.is_ok());
            let back = back.unwrap_or_default();
            assert_eq!(graph.weight(u, k), graph.weight(v as usize, back));
        }
    }
}

/// A results folder's manifest (`.grapevine`): the bytes follow
/// grapevine's header line in a folder it wrote, beside a file and a folder
/// of someone else's, and the folder is then replaced (with a stale copy
/// of it, as a killed run leaves, beside it too). Whatever the manifest
/// says, nothing outside the folder may change.
pub fn manifest(data: &[u8]) {
    use std::fs;
    use std::sync::atomic::{AtomicU64, Ordering};
    static CASE: AtomicU64 = AtomicU64::new(0);
    let top = std::env::temp_dir().join(format!(
        "grapevine-fuzz-manifest-{}-{}",
        std::process::id(),
        CASE.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&top);
    fs::create_dir_all(top.join("theirs")).expect("a temporary folder");
    fs::write(top.join("victim.txt"), "keep").expect("a temporary file");
    fs::write(top.join("theirs/notes.txt"), "keep").expect("a temporary file");
    let out = top.join("out");
    let fill = |text: &'static str| {
        move |dir: &Path| {
            fs::create_dir_all(dir.join("charts"))
                .map_err(|e| crate::error::Error::Other(e.to_string()))?;
            fs::write(dir.join("charts/a.png"), text)
                .map_err(|e| crate::error::Error::Other(e.to_string()))
        }
    };
    let never = || false;
    crate::output::write_folder(&out, &[], &never, fill("1")).expect("a first write");
    let manifest = format!(
        "# Written by grapevine (fuzzed)\n{}",
        String::from_utf8_lossy(data)
    );
    fs::write(out.join(crate::output::folder::MANIFEST), &manifest).expect("the manifest");
    let stale = top.join(format!(".out.grapevine-old-{}", u32::MAX - 1));
    let _ = copy_folder(&out, &stale);
    let _ = crate::output::write_folder(&out, &[], &never, fill("2"));
    let _ = crate::output::write_folder(&out, &[], &never, fill("3"));
    assert_eq!(
        fs::read(top.join("victim.txt")).ok().as_deref(),
        Some(&b"keep"[..])
    );
    assert_eq!(
        fs::read(top.join("theirs/notes.txt")).ok().as_deref(),
        Some(&b"keep"[..])
    );
    let _ = fs::remove_dir_all(&top);
}

fn copy_folder(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_folder(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// A studio request body, checked as `POST /api/run` checks it before
/// running anything, against a shipped lesson with a `[studio]` table:
/// answered with a run's size or a refusal, never a panic, and never more
/// runs than the studio allows.
pub fn studio_request(data: &[u8]) {
    use std::sync::OnceLock;
    static CATALOGUE: OnceLock<crate::serve::Catalogue> = OnceLock::new();
    let catalogue = CATALOGUE.get_or_init(|| {
        let served = crate::serve::Served {
            name: "service-recovery".into(),
            path: "scenarios/service-recovery.toml".into(),
            text: include_str!("../scenarios/service-recovery.toml").into(),
        };
        crate::serve::Catalogue::new(vec![served], 2).expect("the shipped lesson reads")
    });
    if let Ok(runs) = catalogue.admits(data) {
        assert!((1..=crate::serve::MAX_RUNS).contains(&runs));
    }
}

/// A small scenario the design target applies its points to.
const DESIGN_TOWN: &str = "ticks = 2\nruns = 1\nwarmup = 0\n[network]\nkind = \"erdos-renyi\"\nn = 50\nmean_degree = 4\n\n[[variants]]\nname = \"what-if\"\nset = { service.recovery_rate = 0.5 }\n";

/// A sweep's design file (`--design`): read, and its first points applied
/// to a small scenario as the sweep applies them; every point has a value
/// per column.
pub fn design(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(d) = crate::sweep::Design::parse(text, "fuzz.csv") else {
        return;
    };
    assert!(!d.rows.is_empty() && d.rows.len() == d.lines.len());
    assert!(d.rows.iter().all(|r| r.len() == d.paths.len()));
    for row in d.rows.iter().take(3) {
        let set: Result<Vec<Override>, String> = d
            .paths
            .iter()
            .zip(row)
            .map(|(p, v)| {
                Override::parse_arg(&format!("{p}={}", crate::sweep::design::as_setting(v)))
                    .map(Override::designed)
            })
            .collect();
        if let Ok(set) = set {
            let _ = Scenario::parse_with(DESIGN_TOWN, Path::new("fuzz.toml"), &set);
        }
    }
}

/// A shard's `shard.json`, as `merge` reads it: checked against itself,
/// and assembled into a table, with work in proportion to what it holds
/// (a plan that claims a vast sweep is refused, not allocated).
pub fn shard(data: &[u8]) {
    let Ok(file) = serde_json::from_slice::<crate::sweep::merge::ShardFile>(data) else {
        return;
    };
    assert!(crate::sweep::merge::mismatch(&file, &file).is_none());
    let _ = crate::sweep::merge::check_split(&[&file]);
    if let Ok(rows) = crate::sweep::assemble(&file.plan, &file.outcomes) {
        assert!(rows.len() <= file.outcomes.len());
    }
}
