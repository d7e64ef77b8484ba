//! Every shipped scenario runs, with a few replications, and shows its
//! lesson: the difference between its variants points the way the
//! scenario's opening comment says, across the whole 90% band of paired
//! replications.

use crate::common::{difference, repo, run_into, series, series_of, summary};

/// Runs a lesson with 4 replications and checks every variant's charts.
fn lesson(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, out) = run_into(
        &format!("scenarios/{name}.toml"),
        &["--runs", "4", "--quiet"],
    );
    let s = summary(&out);
    let variants = s["variants"].as_array().unwrap().len();
    assert!(variants >= 2, "{name} compares at least two variants");
    for chart in ["compare.png", "reach.png", "charts/nps.png"] {
        assert!(out.join(chart).is_file(), "{name}: {chart}");
    }
    (dir, out)
}

/// Asserts the band of a difference lies wholly above (or below) zero.
fn above(d: (f64, f64, f64), what: &str) {
    assert!(d.1 > 0.0, "{what}: {d:?} should be above zero");
}

fn below(d: (f64, f64, f64), what: &str) {
    assert!(d.2 < 0.0, "{what}: {d:?} should be below zero");
}

#[test]
fn every_shipped_scenario_is_tested_here() {
    let here = std::fs::read_to_string(repo("tests/it/lessons.rs")).unwrap();
    for entry in std::fs::read_dir(repo("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            here.contains(&format!("\"{stem}\""))
                || here.contains(&format!("scenarios/{stem}.toml")),
            "scenarios/{stem}.toml has no test in tests/it/lessons.rs"
        );
    }
}

#[test]
fn quick() {
    let (_dir, out) = run_into("scenarios/quick.toml", &["--runs", "2", "--quiet"]);
    assert_eq!(series(&out, "all", "reputation").len(), 27);
}

#[test]
fn bad_news_travels_fast() {
    let (_dir, out) = lesson("bad-news-travels-fast");
    let last = |metric| series(&out, "all", metric).last().unwrap().0;
    let first = |metric| series(&out, "all", metric)[0].0;
    let total = |metric: &str| series(&out, "all", metric).iter().map(|r| r.0).sum::<f64>();
    let (delights, failures) = (total("delights"), total("failures"));
    // Same share of good and bad experiences (within 15%)...
    assert!(
        (delights - failures).abs() < 0.15 * failures,
        "delights {delights}, failures {failures}"
    );
    // ...but bad stories reach many more people, and reputation falls.
    assert!(last("bad_reached") > 5.0 * last("good_reached"));
    let told = |prefix: &str| -> f64 {
        ["first_hand", "retold"]
            .iter()
            .map(|k| total(&format!("{prefix}_told_{k}")))
            .sum()
    };
    assert!(told("bad") > 5.0 * told("good"));
    assert!(last("reputation") < first("reputation") - 0.1);
    assert!(last("nps") < first("nps"));
    // Telling 2-3 instead of 20-30 is what makes the difference.
    above(
        difference(&out, "angry tell 2-3", "final_reputation"),
        "reputation",
    );
    below(
        difference(&out, "angry tell 2-3", "people_reached_by_bad_stories"),
        "bad reach",
    );
    let s = summary(&out);
    let reach = |v: usize, kind: &str| {
        s["variants"][v]["story_reach"][kind]["mean_people_reached"]
            .as_f64()
            .unwrap()
    };
    assert!(
        reach(0, "bad") > 5.0 * reach(0, "good"),
        "one angry customer reaches many"
    );
}

#[test]
fn service_recovery() {
    let (_dir, out) = lesson("service-recovery");
    above(
        difference(&out, "recovery programme", "final_nps"),
        "recovery: NPS",
    );
    above(
        difference(&out, "recovery programme", "final_customers"),
        "recovery: customers",
    );
    // The outage is on the chart's timeline: failures jump in weeks 20-24.
    let failures = series(&out, "all", "failures");
    let before: f64 = failures[15..20].iter().map(|r| r.0).sum();
    let during: f64 = failures[20..25].iter().map(|r| r.0).sum();
    assert!(during > 3.0 * before, "outage: {before} then {during}");
    // Recovery does more for reputation than the advertising.
    let recovery = difference(&out, "recovery programme", "final_reputation");
    let advert = difference(&out, "advertising instead", "final_reputation");
    assert!(recovery.1 > advert.2, "{recovery:?} vs {advert:?}");
    let s = summary(&out);
    assert!(
        s["variants"][1]["value"]["value_lost_per_unrecovered_failure"]
            .as_f64()
            .unwrap()
            > 0.0
    );
}

#[test]
fn focus_vs_please_everyone() {
    let (_dir, out) = lesson("focus-vs-please-everyone");
    above(
        difference(&out, "focus on a segment", "total_referrals"),
        "referrals",
    );
    above(
        difference(&out, "focus on a segment", "people_reached_by_good_stories"),
        "good stories",
    );
    // Spread thin, almost nothing is remarkable: few delights.
    let delights = |v| -> f64 {
        series_of(&out, v, "all", "delights")
            .iter()
            .map(|r| r.0)
            .sum()
    };
    assert!(delights("focus on a segment") > 5.0 * delights("please everyone"));
}

#[test]
fn people_move() {
    let (_dir, out) = lesson("people-move");
    let orgs = |v| series_of(&out, v, "all", "organisations_with_customers");
    let (still, moving) = (orgs("nobody moves"), orgs("1% move each week"));
    assert_eq!(still[0], moving[0], "the same start");
    assert!(
        moving.last().unwrap().1 > still.last().unwrap().2,
        "mobility spreads customers to more organisations: {:?} vs {:?}",
        moving.last(),
        still.last()
    );
    let moved: f64 = series_of(&out, "1% move each week", "all", "moved")
        .iter()
        .map(|r| r.0)
        .sum();
    // 20,000 people x 52 weeks x 1%: about 10,400 moves.
    assert!((moved - 10_400.0).abs() < 500.0, "{moved}");
}

#[test]
fn invited_guests() {
    let (_dir, out) = lesson("invited-guests");
    let hubs = difference(&out, "party for the hubs", "total_referrals");
    let random = difference(&out, "party for random guests", "total_referrals");
    above(hubs, "hubs: referrals");
    assert!(
        hubs.1 > random.2,
        "hubs {hubs:?} beat random guests {random:?}"
    );
    let invited: f64 = series_of(&out, "party for the hubs", "all", "invited")
        .iter()
        .map(|r| r.0)
        .sum();
    assert_eq!(invited, 100.0, "exactly the 100 hubs are invited");
}

#[test]
fn customer_myopia() {
    let (_dir, out) = lesson("customer-myopia");
    let morale = |v| series_of(&out, v, "all", "morale").last().unwrap().0;
    assert!(morale("staff squeezed") < morale("staff treated well") - 0.5);
    below(
        difference(&out, "staff squeezed", "final_reputation"),
        "reputation",
    );
    below(
        difference(&out, "staff squeezed", "final_customers"),
        "customers",
    );
    // Stakeholders, who never buy, think worse of the company too.
    let stakeholders = |v| {
        series_of(&out, v, "stakeholders", "reputation")
            .last()
            .unwrap()
            .0
    };
    assert!(stakeholders("staff squeezed") < stakeholders("staff treated well"));
}

#[test]
fn hard_times() {
    let (_dir, out) = lesson("hard-times");
    above(
        difference(&out, "keep close to customers", "final_customers"),
        "keep close: customers",
    );
    below(
        difference(&out, "cut back", "final_customers"),
        "cut back: customers",
    );
    above(
        difference(&out, "keep close to customers", "total_value"),
        "keep close: value",
    );
}
