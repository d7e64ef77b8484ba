//! The data for analysts (issue 15): `runs.csv` per group with each
//! variant's parameters and a run that reproduces alone, the paired
//! differences tick by tick, every run's series with `--per-run`, one name
//! per measure, and empty cells for measures a scenario cannot produce.

use std::collections::HashMap;
use std::path::Path;

use crate::common::{grapevine, repo, run_into, summary};

/// A CSV file as rows of named fields (no quoted commas in these tests).
fn table(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}

fn number(row: &HashMap<String, String>, key: &str) -> f64 {
    row[key]
        .parse()
        .unwrap_or_else(|_| panic!("{key} = {:?}", row[key]))
}

#[test]
fn runs_csv_has_every_group_the_parameters_and_empty_impossible_measures() {
    let (_d, out) = run_into("tests/data/variants.toml", &["--quiet", "--format", "none"]);
    let rows = table(&out.join("runs.csv"));
    // 3 variants x 3 runs x (all, customers, prospects).
    assert_eq!(rows.len(), 27);
    let cell = |variant: &str, group: &str, run: &str, key: &str| {
        rows.iter()
            .find(|r| r["variant"] == variant && r["group"] == group && r["run"] == run)
            .unwrap()[key]
            .clone()
    };
    // The parameters the variants set, resolved for every variant.
    assert_eq!(cell("baseline", "all", "0", "service.purchase_rate"), "0.1");
    assert_eq!(cell("recovery", "all", "0", "service.recovery_rate"), "0.8");
    let default = cell("baseline", "all", "0", "service.recovery_rate");
    assert!(default.parse::<f64>().unwrap() < 0.8, "{default}");
    // Groups add up to everyone.
    for run in ["0", "1", "2"] {
        let all: f64 = cell("recovery", "all", run, "customers").parse().unwrap();
        let parts: f64 = ["customers", "prospects"]
            .iter()
            .map(|g| {
                cell("recovery", g, run, "customers")
                    .parse::<f64>()
                    .unwrap()
            })
            .sum();
        assert_eq!(all, parts);
    }
    // No staff, no morale: empty, not 0; in the series too.
    assert_eq!(cell("baseline", "all", "0", "morale"), "");
    let series = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    assert!(series.contains("baseline,all,3,morale,,,\n"));
    assert!(
        summary(&out)["variants"][0]["headline"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v.is_null() || v["mean"].is_number())
    );
}

#[test]
fn one_replication_alone_gives_the_same_rows() {
    let (_a, all) = run_into("tests/data/variants.toml", &["--quiet", "--format", "none"]);
    let (_b, one) = run_into(
        "tests/data/variants.toml",
        &["--quiet", "--replication", "2", "--format", "none"],
    );
    let full = std::fs::read_to_string(all.join("runs.csv")).unwrap();
    let alone = std::fs::read_to_string(one.join("runs.csv")).unwrap();
    let of_run_2: Vec<&str> = full
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(2) == Some("2"))
        .collect();
    assert_eq!(of_run_2.len(), 9);
    assert_eq!(alone.lines().skip(1).collect::<Vec<_>>(), of_run_2);
    assert_eq!(summary(&one)["scenario"]["first_replication"], 2);
}

#[test]
fn differences_are_paired_tick_by_tick_and_match_the_summary() {
    let (_d, out) = run_into("tests/data/variants.toml", &["--quiet", "--format", "none"]);
    let rows = table(&out.join("differences.csv"));
    // "same" sets the baseline's own value: every difference is exactly 0.
    let same: Vec<_> = rows
        .iter()
        .filter(|r| r["variant"] == "same" && !r["mean"].is_empty())
        .collect();
    assert!(same.len() > 1000);
    assert!(
        same.iter().all(|r| number(r, "mean") == 0.0
            && number(r, "p05") == 0.0
            && number(r, "p95") == 0.0)
    );
    // The last tick's difference in a level is the summary's difference.
    let last = rows
        .iter()
        .find(|r| {
            r["variant"] == "recovery"
                && r["group"] == "all"
                && r["tick"] == "20"
                && r["metric"] == "reputation"
        })
        .unwrap();
    let s = summary(&out);
    let d = &s["variants"][2]["difference_from_baseline"]["reputation"];
    assert!((number(last, "mean") - d["mean"].as_f64().unwrap()).abs() < 1e-12);
    assert!(number(last, "mean") > 0.0, "recovery helps");
    assert_eq!(last["reference"], "baseline");
}

#[test]
fn per_run_series_average_to_the_timeseries() {
    let (_d, out) = run_into(
        "tests/data/variants.toml",
        &["--quiet", "--per-run", "--format", "none"],
    );
    let rows = table(&out.join("runs_timeseries.csv"));
    // 3 variants x 3 runs x 3 groups x 21 ticks.
    assert_eq!(rows.len(), 3 * 3 * 3 * 21);
    let series = table(&out.join("timeseries.csv"));
    for tick in ["0", "10", "20"] {
        let mean = rows
            .iter()
            .filter(|r| r["variant"] == "recovery" && r["group"] == "all" && r["tick"] == tick)
            .map(|r| number(r, "nps"))
            .sum::<f64>()
            / 3.0;
        let listed = series
            .iter()
            .find(|r| {
                r["variant"] == "recovery"
                    && r["group"] == "all"
                    && r["tick"] == tick
                    && r["metric"] == "nps"
            })
            .unwrap();
        assert!((mean - number(listed, "mean")).abs() < 1e-9, "tick {tick}");
    }
}

#[test]
fn a_decorated_measure_name_gets_the_one_name_suggested() {
    let dir = tempfile::tempdir().unwrap();
    grapevine()
        .arg("sweep")
        .arg(repo("scenarios/quick.toml"))
        .args([
            "--param",
            "service.recovery_rate=0,0.5",
            "--metric",
            "final_customers",
            "--out",
        ])
        .arg(dir.path().join("s"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `customers`?"));
}

/// The pandas and R snippets of docs/analysis.md, run as written on a run
/// folder, where python3 with pandas or Rscript is installed.
#[test]
fn the_analysis_snippets_run_as_written() {
    let doc = std::fs::read_to_string(repo("docs/analysis.md")).unwrap();
    let (_d, out) = run_into("tests/data/variants.toml", &["--quiet", "--format", "none"]);
    for (fence, program, args, probe) in [
        ("```python\n", "python3", vec!["-c"], "import pandas"),
        ("```r\n", "Rscript", vec!["-e"], "1"),
    ] {
        let available = std::process::Command::new(program)
            .args(&args)
            .arg(probe)
            .output()
            .is_ok_and(|o| o.status.success());
        if !available {
            eprintln!("note: {program} (with pandas) is not installed: its snippet is not run");
            continue;
        }
        let code = doc
            .split(fence)
            .nth(1)
            .and_then(|s| s.split("```").next())
            .unwrap()
            .replace("output/bad-news-travels-fast", &out.display().to_string());
        let run = std::process::Command::new(program)
            .args(&args)
            .arg(&code)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let printed = String::from_utf8_lossy(&run.stdout);
        assert!(printed.contains("recovery"), "{program} printed: {printed}");
    }
}

#[test]
fn a_flows_series_adds_up_to_its_total() {
    // Issue 26: tick 0 is the town as the warm-up left it, so its flows are
    // 0; the weekly means then add up to the mean of the runs' totals.
    let (_tmp, out) = crate::common::run_into("tests/data/variants.toml", &["--format", "none"]);
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let mut lines = runs.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for flow in [
        "delights",
        "failures",
        "lapses",
        "referrals",
        "good_hearers",
    ] {
        let col = header.iter().position(|h| *h == flow).unwrap();
        let totals: Vec<f64> = runs
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|r| r[0] == "baseline" && r[1] == "all")
            .map(|r| r[col].parse().unwrap())
            .collect();
        let mean_total = totals.iter().sum::<f64>() / totals.len() as f64;
        let series = crate::common::series(&out, "all", flow);
        assert_eq!(series[0].0, 0.0, "{flow} at tick 0");
        let summed: f64 = series.iter().map(|s| s.0).sum();
        assert!(
            (summed - mean_total).abs() <= 1e-9 * mean_total.abs().max(1.0),
            "{flow}: the series adds up to {summed}, the runs' totals to {mean_total}"
        );
    }
}

#[test]
fn a_variant_without_a_value_has_none_in_the_summary_as_in_the_tables() {
    // Issue 26: `value` was an empty cell in the CSVs and 0.0 in
    // summary.json for a town that puts no value on a customer.
    let (_tmp, out) =
        crate::common::run_into("scenarios/quick.toml", &["--format", "none", "--quiet"]);
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert!(s["variants"][0]["value"].is_null(), "{}", s["variants"][0]);
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let header: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "value").unwrap();
    assert_eq!(runs.lines().nth(1).unwrap().split(',').nth(col), Some(""));
}

#[test]
fn the_tables_carry_their_inputs_and_say_which_measures_are_totals() {
    // Issue 26: a --set value is a column of runs.csv, the per-run
    // series has runs.csv's key columns in runs.csv's order, and
    // measures.csv says of every measure column whether it is a level or
    // a total.
    let (_tmp, out) = crate::common::run_into(
        "tests/data/variants.toml",
        &[
            "--set",
            "telling.retell_probability=0.15",
            "--per-run",
            "--format",
            "none",
            "--quiet",
        ],
    );
    let runs = crate::common::table(&out.join("runs.csv"));
    assert!(
        runs.iter()
            .all(|r| r["telling.retell_probability"] == "0.15"),
        "{:?}",
        runs[0]
    );
    // The variant that sets its own recovery rate shows its own value.
    let recovery: Vec<&str> = runs
        .iter()
        .map(|r| r["service.recovery_rate"].as_str())
        .collect();
    assert!(
        recovery.contains(&"0.8") && recovery.contains(&"0.1"),
        "{recovery:?}"
    );
    let text = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let per_run = std::fs::read_to_string(out.join("runs_timeseries.csv")).unwrap();
    assert!(text.starts_with("variant,group,run,seed,"));
    assert!(per_run.starts_with("variant,group,run,seed,tick,"));
    let about = crate::common::table(&out.join("measures.csv"));
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let measured: Vec<&str> = header
        .iter()
        .copied()
        .filter(|h| about.iter().any(|m| m["measure"] == *h))
        .collect();
    assert_eq!(measured.len(), about.len(), "every measure is a column");
    for m in &about {
        let want = match m["measure"].as_str() {
            "customers" | "reputation" | "nps" => "level",
            "referrals" | "delights" | "failures" | "lapses" => "total",
            _ => continue,
        };
        assert_eq!(m["kind"], want, "{m:?}");
    }
}
