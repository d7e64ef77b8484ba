//! Editors and shells (issue 15): the JSON Schema of the scenario format,
//! shipped and in sync, accepting every shipped scenario and refusing a
//! typo; completions for every shell; the manual page; `grapevine new`.

use std::path::Path;

use crate::common::{grapevine, repo};

fn stdout(args: &[&str]) -> String {
    let out = grapevine().args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

fn scenario_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "scenarios",
        "tests/data",
        "tests/data/networks",
        "benches/peers",
    ] {
        for entry in std::fs::read_dir(repo(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    files
}

fn as_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    serde_json::to_value(value).unwrap()
}

#[test]
fn the_shipped_schema_is_the_one_grapevine_prints() {
    let printed = stdout(&["schema"]);
    let shipped = std::fs::read_to_string(repo("schema/scenario.schema.json")).unwrap();
    assert!(
        printed == shipped,
        "schema/scenario.schema.json is out of date: run `grapevine schema > schema/scenario.schema.json`"
    );
}

#[test]
fn every_shipped_scenario_meets_the_schema_and_a_typo_does_not() {
    let schema: serde_json::Value = serde_json::from_str(&stdout(&["schema"])).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let files = scenario_files();
    assert!(files.len() > 15, "{files:?}");
    for path in &files {
        let doc = as_json(path);
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
    let mut typo = as_json(&repo("scenarios/quick.toml"));
    typo["telling"] = serde_json::json!({ "retel_probability": 0.2 });
    assert!(!validator.is_valid(&typo), "an unknown key passes");
    let mut bad_kind = as_json(&repo("scenarios/quick.toml"));
    bad_kind["network"]["kind"] = "small-world".into();
    assert!(!validator.is_valid(&bad_kind), "an unknown kind passes");
    let mut rest = as_json(&repo("scenarios/quick.toml"));
    rest["groups"] = serde_json::json!([
        { "name": "a", "share": 0.3 },
        { "name": "b", "share": "rest" }
    ]);
    assert!(validator.is_valid(&rest), "share = \"rest\" is refused");
}

#[test]
fn completions_for_every_shell_and_a_manual_page() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = stdout(&["completions", shell]);
        for word in ["sweep", "merge", "animate", "replication"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
    let page = stdout(&["man"]);
    assert!(page.contains(".TH grapevine 1"));
    assert!(page.contains("sweep"));
}

#[test]
fn new_writes_a_scenario_that_runs_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let name = dir.path().join("towns/my-town");
    grapevine().arg("new").arg(&name).assert().success();
    let file = dir.path().join("towns/my-town.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("title = \"my-town\""));
    assert!(text.starts_with("# my-town\n"));
    grapevine()
        .arg("run")
        .arg(&file)
        .args([
            "--runs", "2", "--set", "ticks=4", "--set", "warmup=2", "--quiet", "--out",
        ])
        .arg(dir.path().join("out"))
        .assert()
        .success();
    // Again: refused, the file as it was.
    std::fs::write(&file, "# mine\n").unwrap();
    grapevine()
        .arg("new")
        .arg(&name)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "grapevine never overwrites a file",
        ));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# mine\n");
    // From a lesson: the lesson's text, which runs.
    let copy = dir.path().join("recovery.toml");
    grapevine()
        .arg("new")
        .arg(&copy)
        .args(["--from", "service-recovery"])
        .assert()
        .success();
    let lesson = std::fs::read_to_string(repo("scenarios/service-recovery.toml")).unwrap();
    assert!(std::fs::read_to_string(&copy).unwrap().ends_with(&lesson));
    grapevine()
        .arg("new")
        .arg(dir.path().join("x"))
        .args(["--from", "service-recover"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("allowed: bad-news-travels-fast"));
}
