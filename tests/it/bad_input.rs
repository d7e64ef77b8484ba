//! Broken input: each error names the file, the line and column, the field
//! and what is allowed; the exit status is 2 and nothing is written.

use predicates::prelude::*;

use crate::common::{grapevine, repo};

/// Runs a broken scenario and returns its stderr, checking exit 2 and that
/// no output folder appeared.
fn fails(scenario: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = grapevine()
        .arg("run")
        .arg(repo(scenario))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists(), "no output folder for a bad scenario");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing half-written"
    );
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn unknown_keys_are_errors_with_a_suggestion() {
    let e = fails("tests/data/broken/unknown-key.toml");
    assert!(e.contains("unknown-key.toml:9:1"), "{e}");
    assert!(e.contains("field: telling.retel_probability"), "{e}");
    assert!(e.contains("did you mean `retell_probability`?"), "{e}");
    assert!(e.contains("allowed: the keys: good, bad"), "{e}");
}

#[test]
fn out_of_range_values_say_what_is_allowed() {
    let e = fails("tests/data/broken/out-of-range.toml");
    assert!(e.contains("out-of-range.toml:12:17"), "{e}");
    assert!(e.contains("field: groups[0].service.recovery_rate"), "{e}");
    assert!(
        e.contains("found 1.5") && e.contains("allowed: a number from 0 to 1"),
        "{e}"
    );
}

#[test]
fn syntax_errors_are_located() {
    let e = fails("tests/data/broken/syntax.toml");
    assert!(e.contains("syntax.toml:4:"), "{e}");
    assert!(e.contains("TOML syntax"), "{e}");
}

#[test]
fn wrong_types_name_the_expected_type() {
    let e = fails("tests/data/broken/wrong-type.toml");
    assert!(e.contains("wrong-type.toml:1:9"), "{e}");
    assert!(
        e.contains("expected a whole number") && e.contains("field: ticks"),
        "{e}"
    );
}

#[test]
fn a_missing_edge_list_points_at_its_path_line() {
    let e = fails("tests/data/broken/missing-edge-list.toml");
    assert!(e.contains("missing-edge-list.toml:3:8"), "{e}");
    assert!(
        e.contains("no-such-file.txt") && e.contains("field: network.path"),
        "{e}"
    );
}

#[test]
fn a_bad_edge_list_line_is_located_in_the_edge_list() {
    let e = fails("tests/data/broken/bad-edge-list.toml");
    assert!(e.contains("bad-edges.txt:4:3"), "{e}");
    assert!(e.contains("`x4` is not a node id"), "{e}");
}

#[test]
fn a_network_too_large_for_memory_is_refused_before_allocating() {
    let e = fails("tests/data/broken/too-large.toml");
    assert!(e.contains("too-large.toml:4:5"), "{e}");
    assert!(
        e.contains("of memory") && e.contains("field: network.n"),
        "{e}"
    );
}

#[test]
fn a_missing_scenario_file_is_bad_input() {
    grapevine()
        .args(["run", "no/such/scenario.toml"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("no/such/scenario.toml")
                .and(predicate::str::contains("cannot read")),
        );
}

#[test]
fn check_reports_every_broken_file_at_once() {
    grapevine()
        .arg("check")
        .arg(repo("tests/data/broken/unknown-key.toml"))
        .arg(repo("tests/data/broken/out-of-range.toml"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unknown-key.toml")
                .and(predicate::str::contains("out-of-range.toml")),
        );
}

#[test]
fn a_failed_run_leaves_earlier_results_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    grapevine()
        .args(["run", "--runs", "2", "--quiet", "--out"])
        .arg(&out)
        .arg(repo("scenarios/quick.toml"))
        .assert()
        .success();
    let before = std::fs::read(out.join("timeseries.csv")).unwrap();
    grapevine()
        .args(["run", "--out"])
        .arg(&out)
        .arg(repo("tests/data/broken/bad-edge-list.toml"))
        .assert()
        .code(2);
    assert_eq!(std::fs::read(out.join("timeseries.csv")).unwrap(), before);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn too_many_recorded_figures_are_refused_before_running() {
    let e = fails("tests/data/broken/too-many-runs.toml");
    assert!(e.contains("too-many-runs.toml:4:8"), "{e}");
    assert!(e.contains("field: runs") && e.contains("fewer runs"), "{e}");
}

#[test]
fn a_typo_in_a_variant_points_at_the_variant() {
    let e = fails("tests/data/broken/variant-typo.toml");
    assert!(e.contains("variant-typo.toml:10:"), "{e}");
    assert!(e.contains("in `with recovery`"), "{e}");
    assert!(e.contains("did you mean `recovery_rate`?"), "{e}");
}

#[test]
fn a_bad_value_in_a_variant_points_at_its_line() {
    let e = fails("tests/data/broken/variant-out-of-range.toml");
    assert!(e.contains("variant-out-of-range.toml:16:17"), "{e}");
    assert!(
        e.contains("field: variants[1].set.service.recovery_rate"),
        "{e}"
    );
    assert!(e.contains("a number from 0 to 1"), "{e}");
}

#[test]
fn a_variant_cannot_change_the_run() {
    let e = fails("tests/data/broken/variant-sets-ticks.toml");
    assert!(e.contains("a variant cannot set `ticks`"), "{e}");
    assert!(e.contains("variant-sets-ticks.toml:10:"), "{e}");
}

#[test]
fn events_stay_inside_the_run_and_set_only_parameters() {
    let e = fails("tests/data/broken/event-window.toml");
    assert!(e.contains("event-window.toml:12:6"), "{e}");
    assert!(e.contains("a whole number from 1 to 30"), "{e}");
    let e = fails("tests/data/broken/event-sets-network.toml");
    assert!(e.contains("an event cannot set `network.n`"), "{e}");
}

#[test]
fn a_variant_too_large_for_memory_is_refused_before_anything_runs() {
    let e = fails("tests/data/broken/variant-too-large.toml");
    assert!(e.contains("this run needs about"), "{e}");
    assert!(e.contains("field: network.n"), "{e}");
}

#[test]
fn a_scenario_that_is_not_utf8_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latin1.toml");
    std::fs::write(&file, b"title = \"Caf\xe9\"\n").unwrap();
    grapevine().arg("check").arg(&file).assert().code(2).stderr(
        predicate::str::contains("latin1.toml:1:13").and(predicate::str::contains("UTF-8")),
    );
}

#[test]
fn a_table_header_nested_too_deep_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("deep.toml");
    let header = vec!["a"; 300].join(".");
    std::fs::write(&file, format!("title = \"x\"\n\n[{header}]\n")).unwrap();
    grapevine()
        .arg("check")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("deep.toml:3:1"));
}

#[test]
fn a_wrong_type_set_on_the_command_line_names_its_field() {
    grapevine()
        .arg("check")
        .arg(repo("scenarios/quick.toml"))
        .args(["--set", "ticks=2.5"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("field: ticks").and(predicate::str::contains("whole number")),
        );
}

#[test]
fn a_long_bad_edge_list_line_gives_a_short_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("edges.txt"),
        format!("1 2\n3 {}\n", "x".repeat(60_000)),
    )
    .unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(
        &scenario,
        "[network]\nkind = \"edge-list\"\npath = \"edges.txt\"\n",
    )
    .unwrap();
    let out = grapevine()
        .arg("check")
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("edges.txt:2:3"))
        .get_output()
        .stderr
        .clone();
    assert!(out.len() < 2_000, "{} bytes", out.len());
}

/// `grapevine check` on scenario text; its stderr (exit 2 checked).
fn check_fails(text: &str, set: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(&file, text).unwrap();
    let mut cmd = grapevine();
    cmd.arg("check").arg(&file);
    for s in set {
        cmd.args(["--set", s]);
    }
    let out = cmd.assert().code(2).get_output().stderr.clone();
    String::from_utf8(out).unwrap()
}

const TOWN: &str =
    "ticks = 4\nruns = 1\n[network]\nkind = \"erdos-renyi\"\nn = 500\nmean_degree = 4\n";

#[test]
fn a_percentage_share_says_how_to_write_it_and_nothing_else() {
    let e = check_fails(
        &format!(
            "{TOWN}[[groups]]\nname = \"customers\"\nshare = \"25%\"\nstatus = \"customer\"\n\
             [[groups]]\nname = \"prospects\"\nshare = \"rest\"\nstatus = \"prospect\"\n"
        ),
        &[],
    );
    assert!(e.contains("share = 0.25"), "{e}");
    assert!(
        !e.contains("take the rest"),
        "a spurious second problem: {e}"
    );
}

#[test]
fn a_tick_that_is_not_a_week_is_refused_for_the_word_of_mouth_model() {
    let e = check_fails(&format!("tick_unit = \"day\"\n{TOWN}"), &[]);
    assert!(
        e.contains("a tick cannot be a day") && e.contains("s.toml:1:13"),
        "{e}"
    );
    // A classic model's rates are per tick, whatever a tick is.
    let dir = tempfile::tempdir().unwrap();
    let sir = dir.path().join("sir.toml");
    std::fs::write(
        &sir,
        format!("tick_unit = \"day\"\n{TOWN}[model]\nkind = \"sir\"\nbeta = 0.1\ngamma = 0.1\ninitial_infected_share = 0.01\n"),
    )
    .unwrap();
    grapevine().arg("check").arg(&sir).assert().success();
}

#[test]
fn a_number_for_a_fan_out_shows_the_table_it_takes() {
    let e = check_fails(TOWN, &["telling.bad=25"]);
    assert!(e.contains("field: telling.bad"), "{e}");
    assert!(
        e.contains("telling.bad = { kind = \"fixed\", k = 25 }"),
        "{e}"
    );
    assert!(e.contains("telling.bad.mean = 25"), "{e}");
}

#[test]
fn a_name_that_would_break_a_table_row_is_refused() {
    // A newline or a comma in a name would split a CSV row.
    let e = check_fails(
        &format!(
            "{TOWN}[[variants]]\nname = \"two\\nlines\"\nset = {{ service.recovery_rate = 0.5 }}\n"
        ),
        &[],
    );
    assert!(
        e.contains("cannot name a variant") && e.contains("on one line"),
        "{e}"
    );
    let e = check_fails(&format!("baseline = \"a, b\"\n{TOWN}"), &[]);
    assert!(e.contains("cannot name the baseline"), "{e}");
    let e = check_fails(
        &format!(
            "{TOWN}[[groups]]\nname = \"new\\tcustomers\"\nshare = 0.3\nstatus = \"customer\"\n\
             [[groups]]\nname = \"prospects\"\nshare = \"rest\"\nstatus = \"prospect\"\n"
        ),
        &[],
    );
    assert!(e.contains("cannot name a group"), "{e}");
}

#[test]
fn a_variant_compared_with_an_unknown_one_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(
        &file,
        "ticks = 3\n[network]\nkind = \"erdos-renyi\"\nn = 100\nmean_degree = 4\n\n[[variants]]\nname = \"a\"\n\n[[variants]]\nname = \"b\"\ncompare_to = \"c\"\n",
    )
    .unwrap();
    crate::common::grapevine()
        .arg("check")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "`c` is not another variant of this scenario",
        ))
        .stderr(predicates::str::contains("s.toml:12:14"))
        .stderr(predicates::str::contains(
            "allowed: the name of the baseline or of another what-if: baseline, a",
        ));
}

#[test]
fn a_headline_naming_what_is_not_there_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    let write = |headline: &str| {
        std::fs::write(
            &file,
            format!("ticks = 3\n[network]\nkind = \"erdos-renyi\"\nn = 100\nmean_degree = 4\n\n[headline]\n{headline}\n\n[[variants]]\nname = \"a\"\n"),
        )
        .unwrap();
    };
    write("variant = \"b\"");
    crate::common::grapevine()
        .arg("check")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "`b` is not a what-if of this scenario",
        ))
        .stderr(predicates::str::contains("s.toml:8:11"))
        .stderr(predicates::str::contains("allowed: one of: a"));
    write("measure = \"custmers\"");
    crate::common::grapevine()
        .arg("check")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("`custmers` is not a measure"));
    write("colour = \"red\"");
    crate::common::grapevine()
        .arg("check")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("colour"));
    write("say = \"Recovery pays\"\nvariant = \"a\"\nmeasure = \"nps\"");
    crate::common::grapevine()
        .arg("check")
        .arg(&file)
        .assert()
        .success();
}
