//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

pub fn grapevine() -> assert_cmd::Command {
    assert_cmd::cargo::cargo_bin_cmd!("grapevine")
}

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Runs a scenario into a fresh folder and returns (tempdir, folder).
pub fn run_into(scenario: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    grapevine()
        .arg("run")
        .arg(repo(scenario))
        .arg("--out")
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    (dir, out)
}

/// `timeseries.csv` as (group, tick, metric) -> (mean, p05, p95).
pub fn series(out: &Path, group: &str, metric: &str) -> Vec<(f64, f64, f64)> {
    let text = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|c| c[1] == group && c[3] == metric)
        .map(|c| {
            (
                c[4].parse().unwrap(),
                c[5].parse().unwrap(),
                c[6].parse().unwrap(),
            )
        })
        .collect()
}
