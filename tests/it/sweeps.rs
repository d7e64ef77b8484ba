//! Grid sweeps, shards and merging (issue 15): every combination of the
//! parameters, a column each; `--shard K/N` parts merged into exactly the
//! files of the whole sweep; mismatched or missing shards refused;
//! `--variants`; a variant's own value over the sweep's, said out loud.

use std::path::{Path, PathBuf};

use crate::common::{grapevine, number, repo, table};

const GRID: [&str; 4] = [
    "--param",
    "service.recovery_rate=0,0.6",
    "--param",
    "telling.retell_probability=0.05,0.1,0.2",
];

fn sweep(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    grapevine()
        .arg("sweep")
        .arg(repo("tests/data/variants.toml"))
        .args(GRID)
        .args(["--runs", "3", "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .assert()
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_grid_has_every_combination_and_a_column_per_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("grid");
    sweep(&out, &[]).success();
    let csv = String::from_utf8(read(&out.join("sweep.csv"))).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "service.recovery_rate,telling.retell_probability,variant,group,metric,kind,mean,p05,p95,reference,difference_mean,difference_p05,difference_p95,seed,runs"
        )
    );
    // 2 x 3 points, 3 variants each, and every measure of the scenario's
    // compare list for each (issue 26): a row per point, variant, measure.
    let all: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(all.len(), 18 * 4);
    let measures: Vec<&str> = all[..4].iter().map(|r| r[4]).collect();
    // The model's main measure first (sweep.png), then the compare list.
    assert_eq!(measures, ["nps", "reputation", "customers", "referrals"]);
    assert!(
        all.iter().all(|r| r[3] == "all"),
        "everyone, without --group"
    );
    let rows: Vec<&Vec<&str>> = all.iter().filter(|r| r[4] == "nps").collect();
    assert_eq!(rows.len(), 18);
    assert_eq!(&rows[0][..3], ["0", "0.05", "baseline"]);
    assert_eq!(&rows[3][..3], ["0", "0.1", "baseline"]);
    assert_eq!(&rows[17][..3], ["0.6", "0.2", "recovery"]);
    // Each measure has its chart.
    for chart in [
        "sweep.png",
        "sweep-reputation.png",
        "sweep-customers.png",
        "sweep-referrals.png",
    ] {
        assert!(out.join(chart).is_file(), "{chart}");
    }
    // Retelling more spreads more stories: different figures.
    assert_ne!(rows[0][6], rows[6][6]);
    let summary: serde_json::Value =
        serde_json::from_slice(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(summary["parameters"][1]["values"][2], "0.2");
    // "recovery" sets service.recovery_rate itself: said, and recorded.
    assert_eq!(summary["variant_set_wins"][0]["variant"], "recovery");
    assert_eq!(
        summary["variant_set_wins"][0]["path"],
        "service.recovery_rate"
    );
}

#[test]
fn a_variant_that_sets_the_swept_path_keeps_its_own_value() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("own");
    // Without a warm-up (a what-if starts from the baseline's warmed-up
    // town, which does follow the sweep), its runs do not move at all.
    let assert = grapevine()
        .arg("sweep")
        .arg(repo("tests/data/variants.toml"))
        .args([
            "--param",
            "service.recovery_rate=0,0.6",
            "--set",
            "warmup=0",
            "--metric",
            "nps",
        ])
        .args(["--runs", "2", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(
            "variant `recovery` sets service.recovery_rate itself, and its own value wins over the sweep's value"
        ),
        "{stderr}"
    );
    let rows = table(&out.join("sweep.csv"));
    let of = |variant: &str| -> Vec<[String; 3]> {
        rows.iter()
            .filter(|r| r["variant"] == variant)
            .map(|r| ["mean", "p05", "p95"].map(|c| r[c].clone()))
            .collect()
    };
    let recovery = of("recovery");
    assert_eq!(recovery.len(), 2);
    assert_eq!(recovery[0], recovery[1], "its own value wins");
    let baseline = of("baseline");
    assert_ne!(
        baseline[0][0], baseline[1][0],
        "the others follow the sweep"
    );
}

#[test]
fn shards_merge_into_exactly_the_whole_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    sweep(&whole, &["--format", "png,svg"]).success();
    let parts: Vec<PathBuf> = (1..=4)
        .map(|k| dir.path().join(format!("part-{k}")))
        .collect();
    for (k, part) in parts.iter().enumerate() {
        sweep(
            part,
            &["--format", "png,svg", "--shard", &format!("{}/4", k + 1)],
        )
        .success();
        assert!(part.join("shard.json").is_file());
    }
    let merged = dir.path().join("merged");
    grapevine()
        .arg("merge")
        .args([&parts[2], &parts[0], &parts[3], &parts[1]])
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    for file in [
        "sweep.csv",
        "summary.json",
        "scenario.toml",
        "sweep.png",
        "sweep.svg",
    ] {
        assert!(
            read(&whole.join(file)) == read(&merged.join(file)),
            "{file} differs between the whole sweep and the merged shards"
        );
    }
    // A shard missing, or given twice: refused, nothing written.
    let refused = |dirs: &[&PathBuf], says: &str| {
        let out = dir.path().join("refused");
        let assert = grapevine()
            .arg("merge")
            .args(dirs)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(stderr.contains(says), "{stderr}");
        assert!(!out.exists());
    };
    refused(
        &[&parts[0], &parts[1], &parts[2]],
        "shard 4 of 4 is given 0 times",
    );
    refused(
        &[&parts[0], &parts[0], &parts[1], &parts[2]],
        "shard 1 of 4 is given 2 times",
    );
    // A shard of another sweep (other values): refused.
    let other = dir.path().join("other");
    grapevine()
        .arg("sweep")
        .arg(repo("tests/data/variants.toml"))
        .args(["--param", "service.recovery_rate=0,0.5"])
        .args(GRID[2..].iter())
        .args([
            "--runs", "3", "--quiet", "--format", "png,svg", "--shard", "4/4", "--out",
        ])
        .arg(&other)
        .assert()
        .success();
    refused(
        &[&parts[0], &parts[1], &parts[2], &other],
        "are shards of different sweeps: their swept parameters or values differ",
    );
}

#[test]
fn variants_can_be_chosen_and_unknown_ones_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("some");
    sweep(&out, &["--variants", "baseline,same"]).success();
    let csv = String::from_utf8(read(&out.join("sweep.csv"))).unwrap();
    assert_eq!(csv.lines().count(), 1 + 6 * 2 * 4);
    assert!(!csv.contains(",recovery,"));
    let stderr = sweep(&dir.path().join("none"), &["--variants", "recovry"])
        .code(2)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8_lossy(&stderr);
    assert!(
        stderr.contains(
            "`recovry`, which is not a variant of this scenario; allowed: baseline, same, recovery"
        ),
        "{stderr}"
    );
}

#[test]
fn a_groups_share_can_be_swept_when_another_takes_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let town = dir.path().join("town.toml");
    std::fs::write(
        &town,
        "ticks = 4\nruns = 2\nwarmup = 0\n[network]\nkind = \"erdos-renyi\"\nn = 1000\nmean_degree = 6\n\
         [[groups]]\nname = \"customers\"\nshare = 0.2\nstatus = \"customer\"\n\
         [[groups]]\nname = \"prospects\"\nshare = \"rest\"\n",
    )
    .unwrap();
    let out = dir.path().join("shares");
    grapevine()
        .arg("sweep")
        .arg(&town)
        .args([
            "--param",
            "groups.customers.share=0.1,0.5",
            "--metric",
            "customers",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let means: Vec<f64> = table(&out.join("sweep.csv"))
        .iter()
        .map(|r| number(r, "mean"))
        .collect();
    assert!(means[0] < 150.0 && means[1] > 350.0, "{means:?}");
    // "rest" in two groups, or a word that is not "rest": located errors.
    std::fs::write(
        &town,
        std::fs::read_to_string(&town)
            .unwrap()
            .replace("share = 0.2", "share = \"rest\""),
    )
    .unwrap();
    grapevine()
        .args(["check"])
        .arg(&town)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("2 groups take the rest"));
    std::fs::write(
        &town,
        std::fs::read_to_string(&town)
            .unwrap()
            .replacen("share = \"rest\"", "share = \"most\"", 1),
    )
    .unwrap();
    grapevine()
        .args(["check"])
        .arg(&town)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "`share = \"most\"` is not a share",
        ));
}

/// A scenario with groups: a variant sets the customers' own recovery
/// rate, another a recovery programme as an event.
const GROUPED: &str = r#"
title = "Grouped"
ticks = 12
warmup = 0
runs = 2
seed = 5

[network]
kind = "erdos-renyi"
n = 1500
mean_degree = 6

[[groups]]
name = "customers"
share = 0.3
status = "customer"

[[groups]]
name = "prospects"
share = "rest"
status = "prospect"

[[variants]]
name = "own rate"
set = { groups.customers.service.recovery_rate = 0.9 }

[[variants]]
name = "programme"

[[variants.events]]
name = "programme"
from = 4
to = 12
set = { service.recovery_rate = 0.7 }
"#;

#[test]
fn a_groups_own_value_or_an_event_over_set_or_sweep_is_said_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("grouped.toml");
    std::fs::write(&file, GROUPED).unwrap();
    // --set: the run's note and summary.json.
    let out = dir.path().join("run");
    let run = grapevine()
        .arg("run")
        .arg(&file)
        .args([
            "--set",
            "service.recovery_rate=0.2",
            "--format",
            "svg",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains("variant `own rate` sets service.recovery_rate itself"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "variant `programme` sets service.recovery_rate itself by event `programme`, weeks 4-12"
        ),
        "{stderr}"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&read(&out.join("summary.json"))).unwrap();
    let wins = summary["variant_set_wins"].as_array().unwrap();
    let by: Vec<(&str, &str)> = wins
        .iter()
        .map(|c| (c["variant"].as_str().unwrap(), c["by"].as_str().unwrap()))
        .collect();
    assert_eq!(
        by,
        [
            ("own rate", "its own set"),
            ("programme", "its event `programme`, weeks 4-12")
        ]
    );
    // A sweep, quiet: recorded in summary.json, not only said.
    let swept = dir.path().join("sweep");
    grapevine()
        .arg("sweep")
        .arg(&file)
        .args([
            "--param",
            "service.recovery_rate=0.1,0.5",
            "--quiet",
            "--out",
        ])
        .arg(&swept)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_slice(&read(&swept.join("summary.json"))).unwrap();
    assert_eq!(summary["variant_set_wins"].as_array().unwrap().len(), 2);
}

#[test]
fn what_a_sweep_cannot_vary_or_would_hide_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("refused");
    let refused = |args: &[&str], says: &str| {
        grapevine()
            .arg("sweep")
            .arg(repo("tests/data/variants.toml"))
            .args(args)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(says));
        assert!(!out.exists(), "nothing written for {args:?}");
    };
    refused(&["--param", "runs=2,4"], "`runs` cannot be swept");
    refused(&["--param", "seed=1,2,3"], "`seed` cannot be swept");
    refused(
        &["--param", "service.recovery_rate=0.1,0.2,"],
        "has an empty value",
    );
    refused(
        &["--param", "service.recovery_rate=0.1,0.1"],
        "lists `0.1` twice",
    );
    refused(
        &[
            "--param",
            "service.recovery_rate=0.1,0.2",
            "--set",
            "service.recovery_rate=0.3",
        ],
        "set the same value",
    );
    refused(
        &[
            "--param",
            "telling.bad=3,5",
            "--param",
            "telling.bad.mean=2,4",
        ],
        "set the same value",
    );
    // A bad swept value is said as the --param it came from.
    refused(
        &["--param", "service.recovery_rate=0.1,7"],
        "with --param service.recovery_rate = 7",
    );
}

#[test]
fn a_sweeps_summary_lists_only_the_set_values_under_set() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    grapevine()
        .arg("sweep")
        .arg(repo("tests/data/variants.toml"))
        .args([
            "--param",
            "service.recovery_rate=0,0.6",
            "--set",
            "ticks=10",
        ])
        .args(["--runs", "2", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_slice(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(summary["set"], serde_json::json!(["ticks = 10"]));
}

#[test]
fn per_run_sweeps_write_every_replication_and_agree_with_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("per-run");
    sweep(&out, &["--per-run", "--metric", "customers,nps"]).success();
    let runs = String::from_utf8(read(&out.join("sweep_runs.csv"))).unwrap();
    let mut lines = runs.lines();
    assert_eq!(
        lines.next(),
        Some(
            "service.recovery_rate,telling.retell_probability,variant,group,run,seed,customers,nps"
        )
    );
    let rows = table(&out.join("sweep_runs.csv"));
    // 6 points x 3 variants x 3 runs, each with its seed.
    assert_eq!(rows.len(), 54);
    assert!(rows.iter().all(|r| r["seed"] == "3"), "the scenario's seed");
    // The table's mean is the mean of the runs, and each what-if's paired
    // difference the mean of its runs' differences from the baseline's.
    let key = ["service.recovery_rate", "telling.retell_probability"];
    let runs_of = |t: &std::collections::BTreeMap<String, String>, variant: &str| -> Vec<f64> {
        rows.iter()
            .filter(|r| key.iter().all(|k| r[*k] == t[*k]) && r["variant"] == variant)
            .map(|r| number(r, &t["metric"]))
            .collect()
    };
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    for t in table(&out.join("sweep.csv")) {
        let xs = runs_of(&t, &t["variant"]);
        assert_eq!(xs.len(), 3, "{t:?}");
        let mean = xs.iter().sum::<f64>() / 3.0;
        assert!(close(mean, number(&t, "mean")), "{t:?}: {mean}");
        if t["variant"] == "baseline" {
            assert_eq!(t["reference"], "", "{t:?}");
            assert_eq!(t["difference_mean"], "", "{t:?}");
            continue;
        }
        assert_eq!(t["reference"], "baseline");
        let base = runs_of(&t, "baseline");
        let diffs: Vec<f64> = xs.iter().zip(&base).map(|(x, b)| x - b).collect();
        let mean = diffs.iter().sum::<f64>() / 3.0;
        assert!(close(mean, number(&t, "difference_mean")), "{t:?}: {mean}");
        let (lo, hi) = (number(&t, "difference_p05"), number(&t, "difference_p95"));
        assert!(lo <= mean && mean <= hi, "{t:?}");
        // "same" sets a value to what it is: every paired difference is 0.
        if t["variant"] == "same" {
            assert_eq!((lo, hi), (0.0, 0.0), "{t:?}");
        }
    }
    // Shards carry them: merged, the same bytes.
    let mut parts = Vec::new();
    for k in 1..=3 {
        let part = dir.path().join(format!("part-{k}"));
        sweep(
            &part,
            &[
                "--per-run",
                "--metric",
                "customers,nps",
                "--shard",
                &format!("{k}/3"),
            ],
        )
        .success();
        parts.push(part);
    }
    let merged = dir.path().join("merged");
    grapevine()
        .arg("merge")
        .args(&parts)
        .args(["--quiet", "--out"])
        .arg(&merged)
        .assert()
        .success();
    assert_eq!(read(&merged.join("sweep_runs.csv")), runs.as_bytes());
}

#[test]
fn merge_names_what_differs_and_ignores_what_does_not_change_the_simulation() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("town.toml");
    let text = std::fs::read_to_string(repo("tests/data/variants.toml")).unwrap();
    let part = |k: usize, extra: &[&str]| {
        let out = dir.path().join(format!("part-{k}-{}", extra.join("")));
        grapevine()
            .arg("sweep")
            .arg(&scenario)
            .args([
                "--param",
                "service.recovery_rate=0,0.6",
                "--runs",
                "2",
                "--quiet",
            ])
            .args(["--shard", &format!("{k}/2"), "--out"])
            .arg(&out)
            .args(extra)
            .assert()
            .success();
        out
    };
    std::fs::write(&scenario, &text).unwrap();
    let one = part(1, &[]);
    // A comment added to the scenario, and another chart format: the same
    // simulation, so they merge.
    std::fs::write(&scenario, format!("# a note for the team\n{text}")).unwrap();
    let two = part(2, &["--format", "svg"]);
    let merged = dir.path().join("merged");
    grapevine()
        .arg("merge")
        .args([&one, &two])
        .args(["--quiet", "--out"])
        .arg(&merged)
        .assert()
        .success();
    // Another seed: refused, naming both values.
    let other = part(2, &["--seed", "8"]);
    grapevine()
        .arg("merge")
        .args([&one, &other])
        .args(["--out"])
        .arg(dir.path().join("no"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "their seeds differ: 3 in the first, 8 in the second",
        ));
}

#[test]
fn the_shipped_sharded_sweep_script_runs_as_written() {
    // docs/scale-out.md's script, on a small scenario, with GNU parallel
    // where it is installed and shard after shard otherwise.
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("bash")
        .arg(repo("scripts/sharded-sweep.sh"))
        .args(["3", "tests/data/variants.toml"])
        .env("GRAPEVINE", env!("CARGO_BIN_EXE_grapevine"))
        .env("WORK", dir.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("3 shards merged: every file is identical"),
        "{said}"
    );
}

/// The SALib call that wrote tests/data/lhs-20.csv: a 20-point Latin
/// hypercube over two paths of tests/data/variants.toml.
const LHS_20: &str = r#"
from SALib.sample import latin
import pandas as pd
problem = {"num_vars": 2, "names": ["service.recovery_rate", "telling.retell_probability"],
           "bounds": [[0.0, 0.8], [0.02, 0.3]]}
X = latin.sample(problem, 20, seed=7)
print(pd.DataFrame(X, columns=problem["names"]).to_csv(index=False), end="")
"#;

fn salib() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import SALib, pandas"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn a_salib_design_runs_shards_and_merges_byte_identical_to_the_whole() {
    let design = repo("tests/data/lhs-20.csv");
    if salib() {
        let made = std::process::Command::new("python3")
            .args(["-c", LHS_20])
            .output()
            .unwrap();
        assert!(made.status.success(), "{made:?}");
        assert_eq!(
            String::from_utf8_lossy(&made.stdout),
            std::fs::read_to_string(&design).unwrap(),
            "SALib writes the shipped design"
        );
    } else {
        eprintln!("note: SALib is not installed: the shipped design is not remade");
    }
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &Path, extra: &[&str]| {
        grapevine()
            .arg("sweep")
            .arg(repo("tests/data/variants.toml"))
            .arg("--design")
            .arg(&design)
            .args([
                "--runs",
                "2",
                "--per-run",
                "--quiet",
                "--format",
                "svg",
                "--out",
            ])
            .arg(out)
            .args(extra)
            .assert()
            .success();
    };
    let whole = dir.path().join("whole");
    run(&whole, &[]);
    let rows = table(&whole.join("sweep.csv"));
    // 20 points x 3 variants x 4 measures, in the design's order.
    assert_eq!(rows.len(), 20 * 3 * 4);
    let points = table(&design);
    for (k, point) in points.iter().enumerate() {
        let row = &rows[k * 12];
        for path in ["service.recovery_rate", "telling.retell_probability"] {
            assert_eq!(row[path], point[path], "point {k}");
        }
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&read(&whole.join("summary.json"))).unwrap();
    assert_eq!(summary["design"]["points"], 20);
    let mut parts = Vec::new();
    for k in 1..=3 {
        let part = dir.path().join(format!("part-{k}"));
        run(&part, &["--shard", &format!("{k}/3")]);
        parts.push(part);
    }
    let merged = dir.path().join("merged");
    grapevine()
        .arg("merge")
        .args(&parts)
        .args(["--quiet", "--out"])
        .arg(&merged)
        .assert()
        .success();
    let names = |d: &Path| {
        let mut n: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| !n.to_string_lossy().starts_with('.'))
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(&whole), names(&merged));
    for name in names(&whole) {
        assert_eq!(
            read(&whole.join(&name)),
            read(&merged.join(&name)),
            "{name:?}"
        );
    }
    // A part of another design is refused, naming the row that differs.
    let other = dir.path().join("other.csv");
    let text = std::fs::read_to_string(&design).unwrap();
    let second = text.lines().nth(2).unwrap();
    std::fs::write(&other, text.replacen(second, "0.5,0.1", 1)).unwrap();
    let odd = dir.path().join("odd");
    grapevine()
        .arg("sweep")
        .arg(repo("tests/data/variants.toml"))
        .arg("--design")
        .arg(&other)
        .args([
            "--runs",
            "2",
            "--per-run",
            "--quiet",
            "--format",
            "svg",
            "--shard",
            "2/3",
            "--out",
        ])
        .arg(&odd)
        .assert()
        .success();
    grapevine()
        .arg("merge")
        .args([&parts[0], &odd, &parts[2]])
        .args(["--quiet", "--out"])
        .arg(dir.path().join("mixed"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "their design points (the 2nd row) differ: 0.21212129707277258,0.1257489629290429 in the first, 0.5,0.1 in the second",
        ));
}

#[test]
fn a_bad_design_is_refused_at_its_line_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("points.csv");
    let out = dir.path().join("out");
    let sweep = |text: &str, extra: &[&str]| {
        std::fs::write(&design, text).unwrap();
        grapevine()
            .arg("sweep")
            .arg(repo("tests/data/variants.toml"))
            .arg("--design")
            .arg(&design)
            .args(extra)
            .args(["--quiet", "--out"])
            .arg(&out)
            .assert()
            .code(2)
    };
    let file = design.display().to_string();
    sweep("service.recovery_rate\n0.2\n\n1.5\n", &[])
        .stderr(predicates::str::contains(format!(
            "{file}:4: this point cannot run"
        )))
        .stderr(predicates::str::contains(
            "with --design service.recovery_rate = 1.5",
        ));
    sweep("service.recovery_rate,telling.bad\n0.2\n", &[]).stderr(predicates::str::contains(
        format!("{file}:2: 1 values where the header names 2 columns"),
    ));
    sweep("seed\n1\n", &[]).stderr(predicates::str::contains(format!(
        "{file}:1: column `seed` cannot be swept"
    )));
    sweep(
        "service.recovery_rate\n0.2\n",
        &["--param", "telling.bad.mean=3,4"],
    )
    .stderr(predicates::str::contains("cannot be used with"));
    sweep(
        "service.recovery_rate\n0.2\n",
        &["--set", "service.recovery_rate=0.3"],
    )
    .stderr(predicates::str::contains(
        "--set service.recovery_rate = 0.3 and --param `service.recovery_rate` set the same value",
    ));
    assert!(!out.exists(), "nothing written");
    // A whole number written as a float, as design tools write it, is
    // taken where a whole number goes.
    std::fs::write(&design, "telling.max_hops\n4.0\n").unwrap();
    grapevine()
        .arg("sweep")
        .arg(repo("tests/data/variants.toml"))
        .arg("--design")
        .arg(&design)
        .args(["--runs", "1", "--format", "none", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
}

#[test]
fn a_three_by_three_grid_records_every_compare_measure_with_paired_differences() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("grid");
    grapevine()
        .arg("sweep")
        .arg(repo("tests/data/variants.toml"))
        .args([
            "--param",
            "service.purchase_rate=0.05,0.1,0.2",
            "--param",
            "telling.retell_probability=0.05,0.1,0.2",
            "--set",
            "telling.bad.mean=8",
            "--runs",
            "3",
            "--per-run",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let rows = table(&out.join("sweep.csv"));
    assert_eq!(rows.len(), 9 * 3 * 4);
    // The inputs: both swept paths and the --set path, on every row.
    assert!(rows.iter().all(|r| r["telling.bad.mean"] == "8"));
    let measures: Vec<&str> = rows[..4].iter().map(|r| r["metric"].as_str()).collect();
    assert_eq!(measures, ["nps", "reputation", "customers", "referrals"]);
    let kinds: Vec<&str> = rows[..4].iter().map(|r| r["kind"].as_str()).collect();
    assert_eq!(kinds, ["level", "level", "level", "total"]);
    // measures.csv says the same of each.
    let about = table(&out.join("measures.csv"));
    assert_eq!(about.len(), 4);
    assert_eq!(about[3]["measure"], "referrals");
    assert_eq!(about[3]["kind"], "total");
    // Every what-if's paired difference, with its band.
    for r in rows.iter().filter(|r| r["variant"] != "baseline") {
        assert_eq!(r["reference"], "baseline");
        let (lo, mean, hi) = (
            number(r, "difference_p05"),
            number(r, "difference_mean"),
            number(r, "difference_p95"),
        );
        assert!(lo <= mean && mean <= hi, "{r:?}");
    }
    let runs = table(&out.join("sweep_runs.csv"));
    assert_eq!(runs.len(), 9 * 3 * 3);
    assert!(runs.iter().all(|r| r["telling.bad.mean"] == "8"));
}

/// docs/scale-out.md's GNU parallel recipe, as written but on a small
/// scenario with few runs, where GNU parallel is installed.
#[test]
fn the_gnu_parallel_recipe_runs_as_written() {
    let has_parallel = std::process::Command::new("parallel")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_parallel {
        eprintln!("note: GNU parallel is not installed: its recipe is not run");
        return;
    }
    let doc = std::fs::read_to_string(repo("docs/scale-out.md")).unwrap();
    let recipe = doc
        .split("## GNU parallel")
        .nth(1)
        .and_then(|s| s.split("```sh\n").nth(1))
        .and_then(|s| s.split("```").next())
        .unwrap();
    assert!(
        recipe.contains("scenarios/service-recovery.toml"),
        "{recipe}"
    );
    let recipe = recipe
        .replace("scenarios/service-recovery.toml", "town.toml")
        .replace("--runs 40", "--runs 2");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo("tests/data/variants.toml"),
        dir.path().join("town.toml"),
    )
    .unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_grapevine")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let ran = std::process::Command::new("bash")
        .args(["-c", &format!("set -e\nmkdir -p parts\n{recipe}")])
        .current_dir(dir.path())
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(ran.status.success(), "{ran:?}");
    let rows = table(&dir.path().join("sweep/sweep.csv"));
    assert_eq!(rows.len(), 3 * 3 * 4);
}

/// docs/analysis.md's Sobol analysis with SALib, as written, where SALib
/// is installed.
#[test]
fn the_salib_sobol_snippet_runs_as_written() {
    if !salib() {
        eprintln!("note: SALib is not installed: the Sobol snippet is not run");
        return;
    }
    let doc = std::fs::read_to_string(repo("docs/analysis.md")).unwrap();
    let code = doc
        .split("## Sweeps and sensitivity analysis")
        .nth(1)
        .and_then(|s| s.split("```python\n").nth(1))
        .and_then(|s| s.split("```").next())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("scenarios")).unwrap();
    std::fs::copy(
        repo("scenarios/service-recovery.toml"),
        dir.path().join("scenarios/service-recovery.toml"),
    )
    .unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_grapevine")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let ran = std::process::Command::new("python3")
        .args(["-c", code])
        .current_dir(dir.path())
        .env("PATH", path)
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&ran.stdout);
    assert!(
        ran.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    // A row per input, with first-order and total indices in [0, 1]-ish.
    for name in ["service.recovery_rate", "telling.bad.mean"] {
        let line = printed
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{printed}"));
        let figures: Vec<f64> = line
            .split_whitespace()
            .skip(1)
            .map(|x| x.parse().unwrap())
            .collect();
        assert_eq!(figures.len(), 2, "{line}");
        assert!(figures.iter().all(|x| (-0.2..=1.2).contains(x)), "{line}");
    }
}

#[test]
fn a_sweep_records_the_groups_asked_for_beside_everyone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("grouped.toml");
    std::fs::write(&file, GROUPED).unwrap();
    let out = dir.path().join("groups");
    grapevine()
        .arg("sweep")
        .arg(&file)
        .args([
            "--param",
            "service.purchase_rate=0.05,0.2",
            "--group",
            "customers,prospects",
            "--metric",
            "customers,referrals",
            "--per-run",
            "--quiet",
            "--format",
            "none",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let rows = table(&out.join("sweep.csv"));
    // 2 points x 3 variants x 3 groups x 2 measures.
    assert_eq!(rows.len(), 2 * 3 * 3 * 2);
    let groups: Vec<&str> = rows[..6].iter().map(|r| r["group"].as_str()).collect();
    assert_eq!(
        groups,
        [
            "all",
            "all",
            "customers",
            "customers",
            "prospects",
            "prospects"
        ]
    );
    // The groups split everyone: run by run, their figures add up.
    let runs = table(&out.join("sweep_runs.csv"));
    assert_eq!(runs.len(), 2 * 3 * 2 * 3);
    for run in runs.chunks(3) {
        assert_eq!(
            run.iter().map(|r| r["group"].as_str()).collect::<Vec<_>>(),
            ["all", "customers", "prospects"]
        );
        for m in ["customers", "referrals"] {
            let all = number(&run[0], m);
            let parts = number(&run[1], m) + number(&run[2], m);
            assert!(
                (all - parts).abs() < 1e-9,
                "{m}: {all} against {parts} in {run:?}"
            );
        }
    }
    grapevine()
        .arg("sweep")
        .arg(&file)
        .args([
            "--param",
            "service.purchase_rate=0.05",
            "--group",
            "customer",
            "--quiet",
            "--out",
        ])
        .arg(dir.path().join("bad"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--group `customer` is not a group of this scenario; allowed: customers, prospects",
        ))
        .stderr(predicates::str::contains("did you mean `customers`?"));
}
