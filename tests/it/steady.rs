//! A town left alone stays as it is (issue 12): the default town and every
//! lesson's baseline hold steady after the warm-up, until their first
//! event; the warm-up starts every policy what-if from the same town.
//!
//! The tolerances are the (reputation 0.05, customers' NPS 5
//! points, customers 5% over a year), widened by the noise of the runs: a
//! drift fails only if it exceeds the tolerance by more than 4 standard
//! errors of the mean drift across replications.

use std::path::Path;

use grapevine::measures::Measure;
use grapevine::pipeline::{self, RunOptions};
use grapevine::record::Recorder;
use grapevine::results::Results;
use grapevine::scenario::Scenario;

use crate::common::repo;

/// Standard errors allowed beyond the tolerance.
const Z: f64 = 4.0;

/// Mean and standard error.
fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, (var / n).sqrt())
}

fn value(r: &Recorder, tick: usize, m: Measure) -> f64 {
    r.value(tick, 0, r.position(m).unwrap())
}

/// Checks that a variant's reputation, customers' NPS and customers move
/// less than the tolerances between tick 0 and `end`; returns the drifts.
fn assert_steady(runs: &[Recorder], end: usize, what: &str) -> [f64; 3] {
    let drift = |m: Measure, relative: bool| -> Vec<f64> {
        runs.iter()
            .map(|r| {
                let (a, b) = (value(r, 0, m), value(r, end, m));
                if relative {
                    (b - a) / a.max(1.0)
                } else {
                    b - a
                }
            })
            .collect()
    };
    let mut means = [0.0; 3];
    for (k, (m, relative, tolerance)) in [
        (Measure::Reputation, false, 0.05),
        (Measure::Nps, false, 5.0),
        (Measure::Customers, true, 0.05),
    ]
    .into_iter()
    .enumerate()
    {
        let (mean, se) = mean_se(&drift(m, relative));
        assert!(
            mean.abs() <= tolerance + Z * se,
            "{what}: {} drifts {mean:+.4} (se {se:.4}) by tick {end}, allowed {tolerance} + {Z} se",
            m.name()
        );
        means[k] = mean;
    }
    means
}

fn run(s: &Scenario) -> Results<'_> {
    pipeline::simulate(s, &RunOptions::silent()).unwrap()
}

/// The default town: a scenario that sets only its network.
fn default_town(network: &str, n: u64, runs: u32) -> Scenario {
    let text = format!("runs = {runs}\nseed = 5\n[network]\n{network}\n");
    let text = text.replace("{n}", &n.to_string());
    Scenario::parse(&text, Path::new("default-town.toml")).unwrap()
}

pub const NETWORKS: [(&str, &str); 4] = [
    (
        "barabasi-albert",
        "kind = \"barabasi-albert\"\nn = {n}\nm = 5",
    ),
    (
        "watts-strogatz",
        "kind = \"watts-strogatz\"\nn = {n}\nmean_degree = 10\nrewire = 0.1",
    ),
    (
        "erdos-renyi",
        "kind = \"erdos-renyi\"\nn = {n}\nmean_degree = 10",
    ),
    (
        "organisations",
        "kind = \"organisations\"\nn = {n}\norganisations = 50\nwithin_degree = 6\nbetween_degree = 4",
    ),
];

#[test]
fn the_default_town_is_steady_and_ordinary_on_every_network() {
    for (name, network) in NETWORKS {
        let s = default_town(network, 5_000, 8);
        let report = run(&s);
        let runs = &report.variants[0].runs;
        let what = format!("default town, {name}");
        assert_steady(runs, s.ticks as usize, &what);
        // An ordinary company: reputation above 0, customers' NPS between
        // 0 and +50, good first-hand stories at least twice the bad.
        let end = s.ticks as usize;
        let (rep, _) = mean_se(
            &runs
                .iter()
                .map(|r| value(r, end, Measure::Reputation))
                .collect::<Vec<_>>(),
        );
        let (nps, _) = mean_se(
            &runs
                .iter()
                .map(|r| value(r, end, Measure::Nps))
                .collect::<Vec<_>>(),
        );
        assert!(rep > 0.0, "{what}: reputation {rep}");
        assert!((0.0..=50.0).contains(&nps), "{what}: NPS {nps}");
        let total = |m: Measure| -> f64 {
            runs.iter()
                .map(|r| r.final_value(0, r.position(m).unwrap()))
                .sum()
        };
        let good = total(Measure::Delights) + total(Measure::Recoveries);
        let bad = total(Measure::Failures) - total(Measure::Recoveries);
        assert!(
            good >= 2.0 * bad,
            "{what}: {good} good, {bad} bad first-hand stories"
        );
    }
}

/// Each shipped lesson: the baseline holds steady until its first event
/// (all year if it has none), and its better arm looks like a healthy
/// company. Six runs each, through the library.
#[test]
fn every_lesson_starts_steady() {
    for entry in std::fs::read_dir(repo("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        let mut s = Scenario::load(&path).unwrap();
        s.runs = 6;
        let report = run(&s);
        let base = s.baseline();
        let first_event = base.events.iter().map(|e| e.from).min();
        let end = first_event.map_or(s.ticks, |t| t - 1) as usize;
        let what = format!("{} baseline", path.display());
        assert_steady(&report.variants[0].runs, end, &what);
        // The best arm by final reputation is a healthy company.
        let best = report
            .variants
            .iter()
            .map(|v| {
                let rep = |r: &Recorder| value(r, s.ticks as usize, Measure::Reputation);
                let nps = |r: &Recorder| value(r, s.ticks as usize, Measure::Nps);
                let n = v.runs.len() as f64;
                (
                    v.runs.iter().map(rep).sum::<f64>() / n,
                    v.runs.iter().map(nps).sum::<f64>() / n,
                )
            })
            .fold((f64::MIN, 0.0), |a, b| if b.0 > a.0 { b } else { a });
        assert!(best.0 > 0.0 && best.1 > 0.0, "{what}: best arm {best:?}");
    }
}

#[test]
fn policy_what_ifs_start_from_the_baselines_warmed_up_town() {
    let mut s = Scenario::load(&repo("scenarios/service-recovery.toml")).unwrap();
    s.runs = 3;
    let report = run(&s);
    let base = &report.variants[0].runs;
    for v in &report.variants[1..] {
        for (a, b) in v.runs.iter().zip(base) {
            assert_eq!(a.frames[0], b.frames[0], "{}: the same tick 0", v.name);
        }
    }
    // Recorded ticks are the scenario's own: the warm-up is not in them,
    // and counts "so far" start at tick 0.
    assert_eq!(base[0].frames.len(), s.ticks as usize + 1);
    assert_eq!(value(&base[0], 0, Measure::GoodReached), 0.0);
    assert!(s.warmup > 0);
    // A what-if that changes who lives in the town warms up on its own.
    let text = std::fs::read_to_string(repo("scenarios/service-recovery.toml")).unwrap()
        + "\n[[variants]]\nname = \"bigger town\"\nset = { network.n = 21000 }\n";
    let mut s = Scenario::parse(&text, &repo("scenarios/service-recovery.toml")).unwrap();
    s.runs = 2;
    let report = run(&s);
    let bigger = report.variants.last().unwrap();
    assert_ne!(
        bigger.runs[0].frames[0],
        report.variants[0].runs[0].frames[0]
    );
}

#[test]
fn a_longer_warm_up_starts_later_in_the_same_town() {
    // Without a warm-up the charts start from the file's starting
    // attitudes; with one, from where the town has lived to.
    let text = "ticks = 4\nruns = 2\nwarmup = 0\n[network]\nkind = \"erdos-renyi\"\nn = 2000\nmean_degree = 8\n";
    let cold = Scenario::parse(text, Path::new("t.toml")).unwrap();
    let warm = Scenario::parse(
        &text.replace("warmup = 0", "warmup = 30"),
        Path::new("t.toml"),
    )
    .unwrap();
    let (a, b) = (run(&cold), run(&warm));
    assert_ne!(
        a.variants[0].runs[0].frames[0],
        b.variants[0].runs[0].frames[0]
    );
    assert_eq!(b.variants[0].runs[0].frames.len(), 5);
}

#[test]
fn check_warns_when_a_town_left_alone_drifts() {
    use crate::common::grapevine;
    use predicates::prelude::*;
    grapevine()
        .arg("check")
        .arg(repo("tests/data/drifting.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "warning:  left alone, this town drifts",
        ))
        .stdout(predicate::str::contains("reputation"))
        .stdout(predicate::str::contains("docs/model.md"));
    grapevine()
        .arg("check")
        .arg(repo("scenarios/hard-times.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("steady:   left alone"))
        .stdout(predicate::str::contains("this town drifts").not());
}
