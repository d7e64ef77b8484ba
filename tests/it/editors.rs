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
    let valid = |doc: &serde_json::Value| schema::errors(&schema, doc);
    let files = scenario_files();
    assert!(files.len() > 15, "{files:?}");
    for path in &files {
        let errors = valid(&as_json(path));
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
    let mut typo = as_json(&repo("scenarios/quick.toml"));
    typo["telling"] = serde_json::json!({ "retel_probability": 0.2 });
    assert!(!valid(&typo).is_empty(), "an unknown key passes");
    let mut bad_kind = as_json(&repo("scenarios/quick.toml"));
    bad_kind["network"]["kind"] = "small-world".into();
    assert!(!valid(&bad_kind).is_empty(), "an unknown kind passes");
    let mut rest = as_json(&repo("scenarios/quick.toml"));
    rest["groups"] = serde_json::json!([
        { "name": "a", "share": 0.3 },
        { "name": "b", "share": "rest" }
    ]);
    assert!(valid(&rest).is_empty(), "share = \"rest\" is refused");
    let mut range = as_json(&repo("scenarios/quick.toml"));
    range["model"] = serde_json::json!({ "kind": "sir", "beta": 2.0 });
    assert!(!valid(&range).is_empty(), "a value out of its range passes");
}

/// JSON Schema (draft 7) as `grapevine schema` writes it: the keywords it
/// uses (`type`, `properties`, `additionalProperties`, `required`, `$ref`
/// to its definitions, `anyOf`, `oneOf`, `enum`, `const`, `items`,
/// `minimum`, `maximum`; `format` is a note, as validators take it by
/// default). A full validator crate cost the cold CI half a minute of
/// building for this one test.
mod schema {
    use serde_json::Value;

    pub fn errors(schema: &Value, doc: &Value) -> Vec<String> {
        let mut out = Vec::new();
        check(schema, schema, doc, "", &mut out);
        out
    }

    fn check(root: &Value, s: &Value, doc: &Value, at: &str, out: &mut Vec<String>) {
        if let Some(Value::String(r)) = s.get("$ref") {
            let name = r.trim_start_matches("#/definitions/");
            return check(root, &root["definitions"][name], doc, at, out);
        }
        if let Some(t) = s.get("type") {
            let types: Vec<&str> = match t {
                Value::String(one) => vec![one.as_str()],
                Value::Array(all) => all.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if !types.iter().any(|t| is(t, doc)) {
                out.push(format!("{at}: not of type {types:?}"));
                return;
            }
        }
        if let Some(Value::Array(options)) = s.get("enum")
            && !options.contains(doc)
        {
            out.push(format!("{at}: {doc} is not one of {options:?}"));
        }
        if let Some(c) = s.get("const")
            && c != doc
        {
            out.push(format!("{at}: {doc} is not {c}"));
        }
        if let (Some(x), Some(lo)) = (doc.as_f64(), s.get("minimum").and_then(Value::as_f64))
            && x < lo
        {
            out.push(format!("{at}: {x} < {lo}"));
        }
        if let (Some(x), Some(hi)) = (doc.as_f64(), s.get("maximum").and_then(Value::as_f64))
            && x > hi
        {
            out.push(format!("{at}: {x} > {hi}"));
        }
        let passing = |list: &Vec<Value>| {
            list.iter()
                .filter(|o| {
                    let mut e = Vec::new();
                    check(root, o, doc, at, &mut e);
                    e.is_empty()
                })
                .count()
        };
        if let Some(Value::Array(list)) = s.get("anyOf")
            && passing(list) == 0
        {
            out.push(format!("{at}: matches none of anyOf"));
        }
        if let Some(Value::Array(list)) = s.get("oneOf")
            && passing(list) != 1
        {
            out.push(format!("{at}: matches {} of oneOf, not 1", passing(list)));
        }
        if let (Some(items), Value::Array(elements)) = (s.get("items"), doc) {
            for (i, e) in elements.iter().enumerate() {
                check(root, items, e, &format!("{at}[{i}]"), out);
            }
        }
        let Value::Object(fields) = doc else { return };
        if let Some(Value::Array(required)) = s.get("required") {
            for r in required.iter().filter_map(Value::as_str) {
                if !fields.contains_key(r) {
                    out.push(format!("{at}: lacks `{r}`"));
                }
            }
        }
        let properties = s.get("properties").and_then(Value::as_object);
        for (key, value) in fields {
            let path = format!("{at}.{key}");
            match (
                properties.and_then(|p| p.get(key)),
                s.get("additionalProperties"),
            ) {
                (Some(p), _) => check(root, p, value, &path, out),
                (None, Some(Value::Bool(false))) => out.push(format!("{path}: not allowed")),
                (None, Some(extra @ Value::Object(_))) => check(root, extra, value, &path, out),
                _ => {}
            }
        }
    }

    fn is(t: &str, v: &Value) -> bool {
        match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|x| x.fract() == 0.0),
            "number" => v.is_number(),
            _ => true,
        }
    }
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
