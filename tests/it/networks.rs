//! Networks in and out (issue 14): GraphML and GEXF files as networkx
//! writes them run exactly as their edge list does; a node attribute
//! assigns agents to groups; broken files are located; `--gexf` writes a
//! dynamic GEXF that reads back to the same graph.

use std::path::{Path, PathBuf};

use crate::common::{grapevine, repo, run_into, series, summary};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_cascade_on_graphml_or_gexf_is_the_same_run_as_on_the_edge_list() {
    let (_a, graphml) = run_into("tests/data/networks/karate-graphml.toml", &["--quiet"]);
    let (_b, gexf) = run_into("tests/data/networks/karate-gexf.toml", &["--quiet"]);
    let (_c, listed) = run_into("tests/data/networks/karate-edge-list.toml", &["--quiet"]);
    // The same 34 people in the same order with the same 78 ties: the same
    // random numbers fall on the same people, so every figure is the same.
    for file in ["timeseries.csv", "runs.csv"] {
        let reference = read(&listed.join(file));
        assert_eq!(read(&graphml.join(file)), reference, "{file}");
        assert_eq!(read(&gexf.join(file)), reference, "{file}");
    }
    let share = series(&graphml, "all", "share_active");
    assert!((share[0].0 - 2.0 / 34.0).abs() < 1e-9, "{:?}", share[0]);
    assert!(share.last().unwrap().0 > share[0].0, "the cascade spread");
    let s: serde_json::Value = serde_json::from_str(&read(&graphml.join("summary.json"))).unwrap();
    assert_eq!(s["network"]["agents"], 34);
    assert_eq!(s["network"]["edges"], 78);
}

#[test]
fn a_node_attribute_puts_each_agent_in_its_group() {
    let (_d, out) = run_into("tests/data/networks/karate-factions.toml", &["--quiet"]);
    // 17 members in each faction; "hi" are customers (some lapsed by tick
    // 0 of the recorded run), "officer" prospects.
    for (group, statuses) in [
        ("hi", ["customers", "lapsed"]),
        ("officer", ["prospects", "customers"]),
    ] {
        let members: f64 = statuses.iter().map(|m| series(&out, group, m)[0].0).sum();
        let lapsed_officers = if group == "officer" {
            series(&out, group, "lapsed")[0].0
        } else {
            0.0
        };
        assert!(
            (members + lapsed_officers - 17.0).abs() < 1e-9,
            "{group}: {members}"
        );
    }
    grapevine()
        .arg("check")
        .arg(repo("tests/data/networks/karate-factions.toml"))
        .assert()
        .success()
        .stdout(predicates::str::contains("hi (by `faction`, customer)"));
}

/// Writes `files` into a fresh folder and runs its `town.toml`, which must
/// fail with exit 2 and leave no output; returns stderr.
fn fails_with(files: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = dir.path().join("out");
    let assert = grapevine()
        .arg("run")
        .arg(dir.path().join("town.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists(), "nothing written");
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

const GRAPHML_TOWN: &str = r#"ticks = 3
runs = 2
[network]
kind = "graphml"
path = "net.graphml"
group_attribute = "faction"
[[groups]]
name = "hi"
"#;

const PLAIN_TOWN: &str =
    "ticks = 3\nruns = 2\n[network]\nkind = \"graphml\"\npath = \"net.graphml\"\n";

#[test]
fn values_without_a_group_are_listed() {
    let graphml = read(&repo("tests/data/networks/karate.graphml"));
    let e = fails_with(&[("town.toml", GRAPHML_TOWN), ("net.graphml", &graphml)]);
    assert!(e.contains("town.toml:6:"), "{e}");
    assert!(e.contains("field: network.group_attribute"), "{e}");
    assert!(
        e.contains("1 value of `faction` in the network file names no group: `officer`"),
        "{e}"
    );
    assert!(e.contains("values that are the names of groups: hi"), "{e}");
}

#[test]
fn a_broken_graphml_file_is_located_in_the_file() {
    let graphml = read(&repo("tests/data/networks/karate.graphml"));
    // Line 13 of the file loses its closing tag.
    let lines: Vec<&str> = graphml.lines().collect();
    assert_eq!(lines[12].trim(), "</node>");
    let mut broken = lines.clone();
    broken[12] = "  <node id=\"x\">";
    let e = fails_with(&[
        ("town.toml", PLAIN_TOWN),
        ("net.graphml", &broken.join("\n")),
    ]);
    assert!(e.contains("net.graphml:"), "{e}");
    assert!(e.contains("not well-formed XML"), "{e}");
    assert!(e.contains("allowed: a GraphML file"), "{e}");
    let e = fails_with(&[
        ("town.toml", PLAIN_TOWN),
        (
            "net.graphml",
            "<graphml>\n<graph>\n<node id=\"a\"/>\n<edge source=\"a\" target=\"b\"/>\n</graph>\n</graphml>",
        ),
    ]);
    assert!(e.contains("net.graphml:4:1"), "{e}");
    assert!(e.contains("the edge's target `b` is not a node"), "{e}");
}

#[test]
fn share_and_placement_are_refused_with_a_group_attribute() {
    let town = format!("{GRAPHML_TOWN}share = 1\n");
    let e = fails_with(&[("town.toml", &town), ("net.graphml", "")]);
    assert!(e.contains("field: groups[0].share"), "{e}");
    assert!(
        e.contains("does not apply when the network's `faction` attribute"),
        "{e}"
    );
}

/// The karate club with a weight on each tie (1 to 5 tenths, by its place
/// in the file), as an edge list, GraphML and GEXF in `dir`; returns the
/// scenario text for `kind` and `path`.
fn weighted_karate(dir: &Path) {
    let ties: Vec<(String, String, f64)> = read(&repo("tests/data/networks/karate.txt"))
        .lines()
        .enumerate()
        .map(|(k, l)| {
            let mut ids = l.split_whitespace();
            let (u, v) = (ids.next().unwrap(), ids.next().unwrap());
            (u.to_string(), v.to_string(), (k % 5 + 1) as f64 / 10.0)
        })
        .collect();
    let list: String = ties
        .iter()
        .map(|(u, v, w)| format!("{u} {v} {w}\n"))
        .collect();
    let nodes: String = (0..34).map(|i| format!("<node id=\"{i}\"/>\n")).collect();
    let graphml = format!(
        "<graphml><key id=\"w\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n<graph edgedefault=\"undirected\">\n{nodes}{}</graph></graphml>",
        ties.iter()
            .map(|(u, v, w)| format!(
                "<edge source=\"{u}\" target=\"{v}\"><data key=\"w\">{w}</data></edge>\n"
            ))
            .collect::<String>()
    );
    let gexf = format!(
        "<gexf version=\"1.3\"><graph defaultedgetype=\"undirected\"><nodes>\n{nodes}</nodes><edges>\n{}</edges></graph></gexf>",
        ties.iter()
            .map(|(u, v, w)| format!("<edge source=\"{u}\" target=\"{v}\" weight=\"{w}\"/>\n"))
            .collect::<String>()
    );
    std::fs::write(dir.join("karate.txt"), list).unwrap();
    std::fs::write(dir.join("karate.graphml"), graphml).unwrap();
    std::fs::write(dir.join("karate.gexf"), gexf).unwrap();
}

fn karate_cascade(dir: &Path, kind: &str, file: &str, weighted: bool) -> PathBuf {
    let name = format!("{kind}-{weighted}");
    let scenario = dir.join(format!("{name}.toml"));
    std::fs::write(
        &scenario,
        format!(
            "ticks = 12\nruns = 200\n[network]\nkind = \"{kind}\"\npath = \"{file}\"\nweighted = {weighted}\n[model]\nkind = \"independent-cascade\"\nprobability = 0.8\n[seeds]\nnodes = [\"0\"]\n"
        )
        .replace("[\"0\"]", if kind == "edge-list" { "[0]" } else { "[\"0\"]" }),
    )
    .unwrap();
    let out = dir.join(format!("out-{name}"));
    grapevine()
        .args(["run", "--quiet", "--format", "none", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    out
}

#[test]
fn weighted_ties_are_read_alike_from_every_format_and_slow_the_cascade() {
    let dir = tempfile::tempdir().unwrap();
    weighted_karate(dir.path());
    let listed = karate_cascade(dir.path(), "edge-list", "karate.txt", true);
    let graphml = karate_cascade(dir.path(), "graphml", "karate.graphml", true);
    let gexf = karate_cascade(dir.path(), "gexf", "karate.gexf", true);
    let plain = karate_cascade(dir.path(), "edge-list", "karate.txt", false);
    let reference = read(&listed.join("timeseries.csv"));
    assert_eq!(read(&graphml.join("timeseries.csv")), reference);
    assert_eq!(read(&gexf.join("timeseries.csv")), reference);
    // Each tie passes the cascade with chance 0.8 x w (0.08 to 0.4) rather
    // than 0.8: it reaches fewer members.
    let reached = |out: &Path| series(out, "all", "share_active").last().unwrap().0 * 34.0;
    let (weighted, unweighted) = (reached(&listed), reached(&plain));
    assert!(
        weighted < unweighted / 2.0,
        "{weighted} against {unweighted}"
    );
    let s = summary(&listed);
    assert_eq!(s["network"]["tie_weights"]["max"], 0.5);
    assert!(summary(&plain)["network"].get("tie_weights").is_none());
}

#[test]
fn a_bad_weight_or_a_weight_where_none_applies_is_located() {
    let town = "ticks = 3\n[network]\nkind = \"edge-list\"\npath = \"net.txt\"\nweighted = true\n[model]\nkind = \"sir\"\nbeta = 0.1\ngamma = 0.1\ninitial_infected_share = 0.5\n";
    let e = fails_with(&[("town.toml", town), ("net.txt", "0 1 0.5\n1 2 heavy\n")]);
    assert!(e.contains("net.txt:2:5"), "{e}");
    assert!(e.contains("`heavy` is not a weight"), "{e}");
    let e = fails_with(&[("town.toml", town), ("net.txt", "0 1\n")]);
    assert!(e.contains("the edge has no weight"), "{e}");
    let generated =
        "[network]\nkind = \"erdos-renyi\"\nn = 100\nmean_degree = 4\nweighted = true\n";
    let e = fails_with(&[("town.toml", generated)]);
    assert!(
        e.contains("`weighted` does not apply to kind = \"erdos-renyi\""),
        "{e}"
    );
    let strong = "[network]\nkind = \"organisations\"\nn = 100\norganisations = 4\nwithin_degree = 4\nbetween_degree = 1\nweak_tie_strength = 1.5\n";
    let e = fails_with(&[("town.toml", strong)]);
    assert!(e.contains("town.toml:7:"), "{e}");
    assert!(e.contains("a weak tie is at most as strong"), "{e}");
}
