//! The shipped scenarios show what they claim to.

use crate::common::{run_into, series};

#[test]
fn bad_news_travels_fast() {
    let (_dir, out) = run_into(
        "scenarios/bad-news-travels-fast.toml",
        &["--runs", "4", "--quiet"],
    );
    let last = |metric| series(&out, "all", metric).last().unwrap().0;
    let first = |metric| series(&out, "all", metric)[0].0;
    let (delights, failures) = (
        series(&out, "all", "delights")
            .iter()
            .map(|r| r.0)
            .sum::<f64>(),
        series(&out, "all", "failures")
            .iter()
            .map(|r| r.0)
            .sum::<f64>(),
    );
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
            .flat_map(|k| series(&out, "all", &format!("{prefix}_told_{k}")))
            .map(|r| r.0)
            .sum()
    };
    assert!(told("bad") > 5.0 * told("good"));
    assert!(last("reputation") < first("reputation") - 0.1);
    assert!(last("nps") < first("nps"));
}
