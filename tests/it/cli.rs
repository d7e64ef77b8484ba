//! Running and checking shipped scenarios through the binary.

use predicates::prelude::*;

use crate::common::{grapevine, repo, run_into, series};

#[test]
fn quick_scenario_writes_every_output() {
    let (_dir, out) = run_into(
        "scenarios/quick.toml",
        &["--runs", "3", "--quiet", "--format", "png,svg"],
    );
    let ts = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    assert_eq!(
        ts.lines().next(),
        Some("variant,group,tick,metric,mean,p05,p95")
    );
    // 3 group slots (all, customers, prospects) x 27 ticks x every metric.
    assert_eq!(
        ts.lines().count() - 1,
        3 * 27 * grapevine::catalog::ModelKind::WordOfMouth.measures().len()
    );
    assert!(
        ts.lines()
            .nth(1)
            .unwrap()
            .starts_with("baseline,all,0,reputation,")
    );

    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    assert!(runs.starts_with("variant,group,run,seed,reputation,nps,"));
    // 3 runs, each for everyone and the two groups.
    assert_eq!(runs.lines().count(), 1 + 3 * 3);

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["seed"], 7);
    assert_eq!(summary["runs"], 3);
    assert_eq!(summary["grapevine_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        summary["scenario"]["variants"][0]["groups"][0]["telling"]["bad"]["kind"],
        "negative-binomial"
    );
    assert!(summary["variants"][0]["headline"]["nps"]["mean"].is_number());
    assert_eq!(
        std::fs::read_to_string(out.join("scenario.toml")).unwrap(),
        std::fs::read_to_string(repo("scenarios/quick.toml")).unwrap()
    );

    // One chart per measure the scenario can produce: quick.toml has no
    // staff, workplaces, events or customer value, so only the measures
    // every town has.
    use grapevine::measures::Feature;
    let mut drawn: Vec<String> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    drawn.sort();
    // A chart that would repeat another's lines exactly, or stay flat,
    // is left out (the measure the scenario compares kept): worked out
    // here from timeseries.csv.
    let table = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let means = |name: &str| -> Vec<String> {
        table
            .lines()
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|c| c[1] == "all" && c[3] == name)
            .map(|c| c[4].to_string())
            .collect()
    };
    let compared: Vec<String> = summary["scenario"]["compare"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_string())
        .collect();
    let mut candidates: Vec<grapevine::measures::Measure> =
        grapevine::catalog::ModelKind::WordOfMouth
            .measures()
            .iter()
            .copied()
            .filter(|m| m.info().needs == Feature::Always)
            .collect();
    candidates.sort_by_key(|m| !compared.contains(&m.name().to_string()));
    let mut seen: Vec<Vec<String>> = Vec::new();
    let mut expected: Vec<String> = Vec::new();
    for m in candidates {
        let series = means(m.name());
        if series.windows(2).all(|w| w[0] == w[1]) || seen.contains(&series) {
            continue;
        }
        seen.push(series);
        expected.extend([format!("{}.png", m.name()), format!("{}.svg", m.name())]);
    }
    assert!(!expected.contains(&"new_customers_referral.png".to_string()));
    expected.sort();
    assert_eq!(
        drawn, expected,
        "a PNG and an SVG per measure it can produce"
    );
    assert!(out.join("report.html").is_file());
    for chart in [
        "compare",
        "reputation",
        "customers",
        "stories",
        "reach",
        "charts/nps",
        "charts/customers",
    ] {
        let png = std::fs::read(out.join(format!("{chart}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{chart}.png is a PNG");
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((width, height), (1600, 900));
        let svg = std::fs::read_to_string(out.join(format!("{chart}.svg"))).unwrap();
        assert!(
            svg.contains("<svg") && svg.contains("Quick look"),
            "{chart}.svg has its title"
        );
    }
}

#[test]
fn overrides_change_runs_and_seed() {
    let (_dir, out) = run_into(
        "scenarios/quick.toml",
        &["--runs", "2", "--seed", "99", "--quiet", "--format", "none"],
    );
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + 2 * 3);
    assert!(
        runs.lines()
            .nth(1)
            .unwrap()
            .starts_with("baseline,all,0,99,")
    );
    let (_dir2, out2) = run_into(
        "scenarios/quick.toml",
        &[
            "--runs", "2", "--seed", "100", "--quiet", "--format", "none",
        ],
    );
    assert_ne!(
        std::fs::read(out.join("timeseries.csv")).unwrap(),
        std::fs::read(out2.join("timeseries.csv")).unwrap(),
        "another seed gives other numbers"
    );
}

#[test]
fn a_run_prints_its_headline_figures() {
    let dir = tempfile::tempdir().unwrap();
    grapevine()
        .args(["run", "--runs", "2", "--out"])
        .arg(dir.path().join("o"))
        .arg(repo("scenarios/quick.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Reputation").and(predicate::str::contains("Quick look")));
}

#[test]
fn several_scenarios_each_get_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    grapevine()
        .args(["run", "--runs", "2", "--quiet", "--format", "none", "--out"])
        .arg(dir.path())
        .arg(repo("scenarios/quick.toml"))
        .arg(repo("tests/data/edges.toml"))
        .assert()
        .success();
    assert!(dir.path().join("quick/timeseries.csv").exists());
    assert!(dir.path().join("edges/timeseries.csv").exists());
}

#[test]
fn edge_lists_map_ids_and_report_what_was_dropped() {
    let text = std::fs::read_to_string(repo("tests/data/edges.txt")).unwrap();
    let mut ids = std::collections::BTreeSet::new();
    let mut pairs = std::collections::BTreeSet::new();
    let (mut listed, mut loops) = (0, 0);
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('%'))
    {
        let v: Vec<u64> = line
            .split([' ', '\t', ','])
            .map(|t| t.parse().unwrap())
            .collect();
        ids.extend([v[0], v[1]]);
        listed += 1;
        if v[0] == v[1] {
            loops += 1;
        } else {
            pairs.insert((v[0].min(v[1]), v[0].max(v[1])));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    grapevine()
        .args(["run", "--format", "none", "--out"])
        .arg(&out)
        .arg(repo("tests/data/edges.toml"))
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "dropped {} duplicate edges and {loops} self-loops",
            listed - loops - pairs.len()
        )));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["network"]["agents"], ids.len());
    assert_eq!(summary["network"]["edges"], pairs.len());
    assert_eq!(series(&out, "all", "customers").len(), 11);
}

#[test]
fn check_says_what_a_run_would_take_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    grapevine()
        .current_dir(dir.path())
        .arg("check")
        .arg(repo("scenarios/bad-news-travels-fast.toml"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("20000 agents")
                .and(predicate::str::contains("about 100000 edges"))
                .and(predicate::str::contains("runs:     20"))
                .and(predicate::str::contains("memory:")),
        );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for sub in ["run", "check"] {
        grapevine().args([sub, "--help"]).assert().success().stdout(
            predicate::str::contains("Examples:").and(predicate::str::contains("grapevine ")),
        );
    }
}

#[test]
fn bad_arguments_exit_2() {
    grapevine().args(["run"]).assert().code(2);
    grapevine()
        .args(["run", "--runs", "0"])
        .arg(repo("scenarios/quick.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--runs"));
    grapevine().args(["frobnicate"]).assert().code(2);
}

#[test]
fn check_forecasts_the_time_and_warns_before_a_long_run() {
    // The forecasts, not the pilot (two runs of a million agents), are
    // what this checks.
    grapevine()
        .arg("check")
        .arg(repo("benches/scale/ba-1m.toml"))
        .arg("--no-pilot")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "steady:   not checked (--no-pilot)",
        ))
        .stdout(predicate::str::contains("time:"))
        .stdout(predicate::str::contains("52M agent-ticks"))
        .stdout(predicate::str::contains("warning").not());
    grapevine()
        .arg("check")
        .arg(repo("benches/scale/ba-1m.toml"))
        .args(["--set", "runs=100", "--no-pilot"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("warning:  this run will take about")
                .and(predicate::str::contains("minutes")),
        );
    // A fan-out far above the population: the tellings, not the agents,
    // make the run long, and the forecast says so.
    grapevine()
        .arg("check")
        .arg(repo("scenarios/quick.toml"))
        .args([
            "--set",
            "telling.bad={ kind = \"fixed\", k = 65535 }",
            "--set",
            "network.n=20000",
            "--set",
            "runs=200",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "warning:  this run will take about",
        ));
    // A threshold cascade is forecast reaching everyone, its most, and
    // says so; word of mouth says its likely time, outputs included.
    grapevine()
        .arg("check")
        .arg(repo("benches/peers/watts-2002.toml"))
        .arg("--no-pilot")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("time:     at most 0.")
                .and(predicate::str::contains("threads, outputs included")),
        );
    grapevine()
        .arg("check")
        .arg(repo("scenarios/bad-news-travels-fast.toml"))
        .arg("--no-pilot")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("time:     about 0.")
                .and(predicate::str::contains("threads, outputs included")),
        );
}

#[test]
fn a_reader_that_stops_early_ends_it_quietly() {
    use std::io::BufRead;
    // `grapevine check X | head -1`: the pipe closes after one line.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_grapevine"))
        .arg("check")
        .arg(repo("scenarios/quick.toml"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("ok"), "{first}");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "a panic's exit status");
}

#[test]
fn format_none_writes_the_tables_and_summary_only() {
    let (_tmp, out) = run_into("scenarios/quick.toml", &["--format", "none", "--quiet"]);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "measures.csv",
            "reach.csv",
            "runs.csv",
            "scenario.toml",
            "summary.json",
            "timeseries.csv"
        ]
    );
    grapevine()
        .arg("run")
        .arg(repo("scenarios/quick.toml"))
        .args(["--format", "none,png"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("stands alone"));
}

#[test]
fn help_on_help_and_every_page_man_names_work() {
    grapevine()
        .args(["help", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Usage: grapevine"));
    let top = grapevine().arg("man").assert().success();
    let page = String::from_utf8(top.get_output().stdout.clone()).unwrap();
    // Every page the manual names can be printed.
    for name in ["run", "sweep", "check", "merge", "serve", "new", "validate"] {
        assert!(page.contains(&format!("grapevine\\-{name}(1)")), "{name}");
        grapevine()
            .args(["man", name])
            .assert()
            .success()
            .stdout(predicate::str::contains(format!(".TH grapevine-{name} 1")));
    }
    grapevine()
        .args(["man", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("allowed: run, sweep"));
}

#[test]
fn the_summary_speaks_plainly_and_points_at_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = grapevine()
        .arg("run")
        .arg(repo("tests/data/variants.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let text = String::from_utf8(run.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("3,000 people, the baseline and 2 what-ifs"),
        "{text}"
    );
    assert!(text.contains("People reached by good stories"), "{text}");
    assert!(
        !text.contains("good_reached") && !text.contains("variant(s)"),
        "{text}"
    );
    assert!(text.contains("report.html"), "{text}");
    // Counts whole, thousands separated, never "19.8k" beside "1849".
    assert!(!text.contains("k "), "{text}");
}
