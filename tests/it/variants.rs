//! Variants, events, `--set` and sweeps through the binary.

use crate::common::{grapevine, repo, run_into, series, series_of, summary};

#[test]
fn a_variant_identical_to_the_baseline_gives_identical_numbers() {
    let (_dir, out) = run_into("tests/data/variants.toml", &["--quiet", "--format", "none"]);
    let ts = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let rows = |v: &str| -> Vec<String> {
        ts.lines()
            .filter_map(|l| l.strip_prefix(&format!("{v},")).map(str::to_string))
            .collect()
    };
    assert!(!rows("baseline").is_empty());
    assert_eq!(rows("baseline"), rows("same"), "common random numbers");
    assert_ne!(rows("baseline"), rows("recovery"));
    // In the first tick the same customers buy and the same experiences
    // fail; only what follows a failure differs.
    for metric in ["experiences", "failures"] {
        assert_eq!(
            series(&out, "all", metric)[..2],
            series_of(&out, "recovery", "all", metric)[..2]
        );
    }
}

#[test]
fn an_event_window_starts_and_ends_on_the_ticks_stated() {
    let (_dir, out) = run_into("tests/data/variants.toml", &["--quiet", "--format", "none"]);
    let experiences = series(&out, "all", "experiences");
    for (tick, e) in experiences.iter().enumerate().skip(1) {
        let closed = (5..=8).contains(&tick);
        assert_eq!(e.2 == 0.0, closed, "tick {tick}: {e:?}");
    }
    let s = summary(&out);
    assert_eq!(s["scenario"]["variants"][0]["events"][0]["from"], 5);
    assert_eq!(s["scenario"]["variants"][0]["events"][0]["to"], 8);
}

#[test]
fn set_overrides_the_file_and_is_recorded() {
    let (_dir, out) = run_into(
        "tests/data/variants.toml",
        &[
            "--quiet",
            "--format",
            "none",
            "--set",
            "service.purchase_rate=0",
            "--set",
            "ticks=10",
        ],
    );
    assert_eq!(series(&out, "all", "experiences").len(), 11);
    assert!(
        series(&out, "all", "experiences")
            .iter()
            .all(|e| e.2 == 0.0)
    );
    let s = summary(&out);
    assert_eq!(s["overrides"][0], "service.purchase_rate = 0");
    assert_eq!(s["ticks"], 10);
}

#[test]
fn bad_set_values_are_refused_with_what_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let run = |set: &str| {
        let a = grapevine()
            .arg("run")
            .arg(repo("tests/data/variants.toml"))
            .args(["--out"])
            .arg(dir.path().join("out"))
            .args(["--set", set])
            .assert()
            .code(2);
        String::from_utf8(a.get_output().stderr.clone()).unwrap()
    };
    let e = run("service.recovery_rat=0.5");
    assert!(e.contains("did you mean `recovery_rate`?"), "{e}");
    let e = run("service.recovery_rate=2");
    assert!(e.contains("a number from 0 to 1"), "{e}");
    let e = run("ticks.x=2");
    assert!(e.contains("not a table"), "{e}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_sweep_writes_its_table_and_chart() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    grapevine()
        .arg("sweep")
        .arg(repo("tests/data/variants.toml"))
        .args([
            "--param",
            "service.recovery_rate=0,0.5,1",
            "--metric",
            "failures",
        ])
        .args(["--runs", "2", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    // 3 values x 3 variants.
    assert_eq!(rows.len(), 9, "{csv}");
    assert!(csv.starts_with("service.recovery_rate,variant,group,metric,kind,mean,p05,p95,reference,difference_mean,difference_p05,difference_p95,seed,runs\n"));
    assert!(rows.iter().all(|r| r[3] == "failures"));
    // Recovery does not change how many experiences fail, so "failures"
    // is the same at every value; the baseline and "same" agree exactly.
    let baseline: Vec<&&str> = rows
        .iter()
        .filter(|r| r[1] == "baseline")
        .map(|r| &r[5])
        .collect();
    let same: Vec<&&str> = rows
        .iter()
        .filter(|r| r[1] == "same")
        .map(|r| &r[5])
        .collect();
    assert_eq!(baseline, same);
    assert!(out.join("sweep.png").is_file());
}

#[test]
fn a_sweep_refuses_an_unknown_metric() {
    grapevine()
        .arg("sweep")
        .arg(repo("tests/data/variants.toml"))
        .args([
            "--param",
            "service.recovery_rate=0,1",
            "--metric",
            "happiness",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("allowed: reputation, nps"));
}

/// The bad fan-out each group of the baseline ends up with, as summary.json
/// records it.
fn bad_fan_outs(file: &std::path::Path, set: &[&str]) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut cmd = grapevine();
    cmd.arg("run").arg(file);
    for s in set {
        cmd.args(["--set", s]);
    }
    cmd.args(["--quiet", "--format", "none", "--out"])
        .arg(&out)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    summary["scenario"]["variants"][0]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["telling"]["bad"].clone())
        .collect()
}

#[test]
fn setting_one_field_of_a_default_fan_out_changes_that_field_of_the_default() {
    // Issue 21/23: `--set telling.bad.mean=25` where the file keeps the
    // default (negative binomial, mean 12, dispersion 3) changes its mean.
    let file = repo("tests/data/variants.toml");
    let nb = |mean: f64, dispersion: f64| serde_json::json!({"kind": "negative-binomial", "mean": mean, "dispersion": dispersion});
    for g in bad_fan_outs(&file, &["telling.bad.mean=25"]) {
        assert_eq!(g, nb(25.0, 3.0));
    }
    // A group's own starts from the scenario's value, as written.
    let dir = tempfile::tempdir().unwrap();
    let grouped = dir.path().join("grouped.toml");
    std::fs::write(
        &grouped,
        "ticks = 4\nruns = 1\n[network]\nkind = \"erdos-renyi\"\nn = 500\nmean_degree = 4\n\
         [telling]\nbad = { kind = \"negative-binomial\", mean = 10, dispersion = 2 }\n\
         [[groups]]\nname = \"customers\"\nshare = 0.3\nstatus = \"customer\"\n\
         [[groups]]\nname = \"prospects\"\nshare = \"rest\"\nstatus = \"prospect\"\n",
    )
    .unwrap();
    let groups = bad_fan_outs(&grouped, &["groups.customers.telling.bad.mean=30"]);
    assert_eq!(groups, [nb(30.0, 2.0), nb(10.0, 2.0)]);
}
