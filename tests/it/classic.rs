//! The classic models through the binary: `grapevine validate`, and a
//! classic scenario run, swept and refused like any other.

use predicates::prelude::*;

use crate::common::{grapevine, repo, run_into, series, summary};

#[test]
fn validate_passes_every_check() {
    grapevine()
        .args(["validate", "--quick"])
        .assert()
        .success()
        .stdout(predicate::str::contains("36 checks, 36 passed, 0 failed"))
        .stdout(predicate::str::contains("default town"))
        .stdout(predicate::str::contains("bass, complete graph"))
        .stdout(predicate::str::contains("sir, Erdős–Rényi graph"))
        .stdout(predicate::str::contains("independent cascade, exact"))
        .stdout(predicate::str::contains("linear threshold, exact"));
}

#[test]
fn a_classic_scenario_writes_its_shares_and_charts() {
    let (_dir, out) = run_into("benches/peers/sir.toml", &["--runs", "4", "--quiet"]);
    let s = series(&out, "all", "share_susceptible");
    assert_eq!(s.len(), 301);
    assert!((s[0].0 - 0.99).abs() < 0.001, "1% seeds: {:?}", s[0]);
    let r = series(&out, "all", "share_recovered");
    let i = series(&out, "all", "share_infected");
    for t in 0..s.len() {
        let total = s[t].0 + i[t].0 + r[t].0;
        assert!((total - 1.0).abs() < 1e-9, "tick {t}: {total}");
    }
    assert!(out.join("states.png").is_file());
    assert!(out.join("charts/share_infected.png").is_file());
    assert!(!out.join("reach.csv").exists(), "no stories, no reach");
    let sm = summary(&out);
    assert_eq!(sm["model"]["kind"], "sir");
    assert!(
        sm["variants"][0]["headline"]["share_recovered"]["mean"]
            .as_f64()
            .unwrap()
            > 0.1
    );
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    assert!(runs.starts_with(
        "variant,group,run,seed,share_susceptible,share_infected,share_recovered,new_infected"
    ));
}

#[test]
fn a_classic_sweep_charts_its_main_share() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    grapevine()
        .arg("sweep")
        .arg(repo("benches/peers/sir.toml"))
        .args([
            "--param",
            "model.beta=0.02,0.1",
            "--runs",
            "3",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let finals: Vec<f64> = csv
        .lines()
        .skip(1)
        .filter(|l| l.contains(",share_recovered,"))
        .map(|l| l.split(',').nth(5).unwrap().parse().unwrap())
        .collect();
    assert!(csv.contains(",share_recovered,"), "{csv}");
    assert!(
        finals[1] > finals[0] + 0.2,
        "more transmission, larger outbreak: {finals:?}"
    );
}

#[test]
fn model_keys_are_checked_like_any_other() {
    let dir = tempfile::tempdir().unwrap();
    grapevine()
        .arg("run")
        .arg(repo("tests/data/broken/model-key.toml"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("model-key.toml:12:8"))
        .stderr(predicate::str::contains(
            "`beta` does not apply to kind = \"bass\"",
        ))
        .stderr(predicate::str::contains("for kind = \"bass\": p, q"));
}
