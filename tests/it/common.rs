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

/// The baseline's series of one metric from `timeseries.csv`, tick by
/// tick: (mean, p05, p95).
pub fn series(out: &Path, group: &str, metric: &str) -> Vec<(f64, f64, f64)> {
    let text = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let baseline = text.lines().nth(1).unwrap().split(',').next().unwrap();
    series_of(out, baseline, group, metric)
}

/// One variant's series of one metric.
pub fn series_of(out: &Path, variant: &str, group: &str, metric: &str) -> Vec<(f64, f64, f64)> {
    let text = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|c| c[0] == variant && c[1] == group && c[3] == metric)
        .map(|c| {
            (
                c[4].parse().unwrap(),
                c[5].parse().unwrap(),
                c[6].parse().unwrap(),
            )
        })
        .collect()
}

/// `summary.json` of a run folder.
pub fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

/// A variant's paired difference from the baseline in a headline figure:
/// (mean, p05, p95).
pub fn difference(out: &Path, variant: &str, headline: &str) -> (f64, f64, f64) {
    let s = summary(out);
    let v = s["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == variant)
        .unwrap_or_else(|| panic!("no variant {variant}"));
    let b = &v["difference_from_baseline"][headline];
    (
        b["mean"].as_f64().unwrap(),
        b["p05"].as_f64().unwrap(),
        b["p95"].as_f64().unwrap(),
    )
}
