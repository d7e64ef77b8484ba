//! The library's shape as rules (issues 11 and 23): a table of which
//! top-level module of `src/` may use which, paths private to one module,
//! modules that may not name a measure, and no module using another that
//! uses it back. Read from the source: a `crate::NAME` in code (not in
//! comments or tests) is a use of NAME.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::repo;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules each one uses.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (top, lines) in module_code() {
        let uses = graph.entry(top.clone()).or_default();
        for line in &lines {
            for (i, _) in line.match_indices("crate::") {
                let rest = &line[i + 7..];
                let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
                    group
                        .split('}')
                        .next()
                        .unwrap_or("")
                        .split(',')
                        .map(|n| n.trim().split("::").next().unwrap_or(""))
                        .collect()
                } else {
                    vec![
                        rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                            .next()
                            .unwrap_or(""),
                    ]
                };
                for name in names {
                    if !name.is_empty() && name != top && name != "self" {
                        uses.insert(name.to_string());
                    }
                }
            }
        }
    }
    graph
}

/// Which top-level modules each may use: the layers, in the data's
/// direction (scenario -> network -> model -> engine -> record -> results ->
/// output), and the front-ends (`cli`, `serve`) over the library. A use
/// not listed here fails the test: a new edge is a design decision, made
/// here, in review, not by accident (in the spirit of Python's
/// import-linter).
const ALLOWED: &[(&str, &[&str])] = &[
    ("rng", &[]),
    ("input", &[]),
    ("measures", &[]),
    ("catalog", &["measures"]),
    ("scenario", &["catalog", "input", "measures"]),
    ("error", &["scenario"]),
    ("network", &["input", "rng", "scenario"]),
    (
        "model",
        &["catalog", "measures", "network", "rng", "scenario"],
    ),
    ("record", &["measures", "model", "rng"]),
    ("engine", &["measures", "model", "record"]),
    (
        "forecast",
        &["engine", "model", "network", "record", "scenario"],
    ),
    (
        "results",
        &["catalog", "measures", "network", "record", "scenario"],
    ),
    (
        "pipeline",
        &[
            "catalog", "engine", "error", "forecast", "measures", "model", "network", "record",
            "results", "scenario",
        ],
    ),
    (
        "film",
        &[
            "engine", "error", "measures", "model", "network", "pipeline", "record", "results",
            "rng", "scenario",
        ],
    ),
    (
        "validation",
        &[
            "engine", "measures", "model", "network", "pipeline", "record", "scenario",
        ],
    ),
    (
        "sweep",
        &[
            "error", "input", "measures", "pipeline", "results", "scenario",
        ],
    ),
    (
        "output",
        &[
            "catalog",
            "error",
            "film",
            "input",
            "measures",
            "model",
            "record",
            "results",
            "scenario",
            "sweep",
            "validation",
        ],
    ),
    (
        "serve",
        &[
            "error", "film", "forecast", "measures", "output", "pipeline", "results", "scenario",
        ],
    ),
    (
        "cli",
        &[
            "error",
            "film",
            "forecast",
            "input",
            "measures",
            "output",
            "pipeline",
            "results",
            "scenario",
            "serve",
            "sweep",
            "validation",
        ],
    ),
    (
        "fuzzing",
        &[
            "engine", "error", "forecast", "network", "output", "pipeline", "scenario", "serve",
            "sweep",
        ],
    ),
];

/// Paths that belong to one module's inside: no other module may name them.
const PRIVATE: &[(&str, &str)] = &[
    // The word-of-mouth model's state: its status codes, story ids and
    // chunking are read through `model`'s contract (`Look`, `StoryKey`,
    // `CHUNK`), never decoded elsewhere.
    ("model::state", "model"),
    ("model::phases", "model"),
    ("model::tally", "model"),
];

/// Modules that know no particular model: they must not name a measure.
const MODEL_BLIND: &[&str] = &[
    "engine", "record", "forecast", "pipeline", "sweep", "serve", "cli",
];

/// Every code line (no comments, no tests) of each top-level module.
fn module_code() -> BTreeMap<String, Vec<String>> {
    let src = repo("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let top = top.trim_end_matches(".rs").to_string();
        if top == "main" || top == "lib" || rel.ends_with("tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        out.entry(top).or_default().extend(
            code.lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .map(str::to_string),
        );
    }
    out
}

#[test]
fn every_module_uses_only_what_the_table_allows() {
    let graph = module_graph();
    let allowed: BTreeMap<&str, BTreeSet<&str>> = ALLOWED
        .iter()
        .map(|(m, uses)| (*m, uses.iter().copied().collect()))
        .collect();
    let mut wrong = Vec::new();
    for (module, uses) in &graph {
        let Some(may) = allowed.get(module.as_str()) else {
            wrong.push(format!("`{module}` is not in the table: add its row"));
            continue;
        };
        for u in uses {
            if !may.contains(u.as_str()) {
                wrong.push(format!(
                    "`{module}` uses `{u}`, which its row does not allow"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The front-ends: they ask the library and format what it says. These
/// calls are the library's work (statistics, writing files), never theirs.
const FRONT_ENDS: &[&str] = &["cli", "serve"];
const LIBRARY_WORK: &[&str] = &[
    "Band::of(",
    "bands_of(",
    "fs::write(",
    "File::create(",
    "OpenOptions::new(",
    "create_dir",
    "Table::new(",
    "forecast_seconds(",
];

/// What is wrong with a line of `module`'s code, if anything: a path of
/// another module's inside, a measure named where no model is known, or
/// a front-end doing the library's work.
fn leak(module: &str, line: &str) -> Option<String> {
    if FRONT_ENDS.contains(&module)
        && let Some(call) = LIBRARY_WORK.iter().find(|c| line.contains(*c))
    {
        return Some(format!("front-end `{module}` calls `{call}`"));
    }
    for (path, owner) in PRIVATE {
        if module != *owner && line.contains(&format!("crate::{path}")) {
            return Some(format!("`{module}` names `{path}`"));
        }
    }
    let names_a_measure = line
        .split("Measure::")
        .skip(1)
        .any(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase() || c == '{'));
    (MODEL_BLIND.contains(&module) && names_a_measure)
        .then(|| format!("`{module}` names a measure"))
}

#[test]
fn no_module_reaches_into_another_s_inside() {
    let mut wrong = Vec::new();
    for (module, lines) in module_code() {
        for line in &lines {
            if let Some(why) = leak(&module, line) {
                wrong.push(format!("{why}: {}", line.trim()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_rules_would_catch_the_old_leaks() {
    // The leaks issue 23 found, as they were written.
    let old = [
        (
            "record",
            ".partition(|&(id, _)| crate::model::state::unpack_id(id).1 <= done);",
        ),
        ("output", "use crate::model::state::status;"),
        (
            "cli",
            "let chunks = agents.div_ceil(crate::model::state::CHUNK as u64);",
        ),
        (
            "pipeline",
            "use crate::measures::Measure::{Customers, Nps, Reputation};",
        ),
    ];
    for (module, line) in old {
        assert!(leak(module, line).is_some(), "{module}: {line}");
    }
    assert!(leak("pipeline", "use crate::measures::Measure;").is_none());
    for (module, line) in [
        (
            "serve",
            "let seconds = crate::forecast::forecast_seconds(&s, &agents, studio.threads);",
        ),
        ("cli", "std::fs::write(dir.join(\"shard.json\"), &text)"),
        ("cli", "std::fs::create_dir_all(dir)"),
    ] {
        assert!(leak(module, line).is_some(), "{module}: {line}");
    }
    assert!(leak("output", "let m = Measure::Customers;").is_none());
    let graph = module_graph();
    assert!(
        !graph["cli"].contains("model"),
        "the CLI sizes its threads through `forecast`"
    );
}

#[test]
fn no_module_uses_one_that_uses_it_back() {
    let graph = module_graph();
    assert!(graph.len() > 10, "{graph:?}");
    // Depth-first search for a path back to where it started.
    fn reaches(
        graph: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        to: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        graph.get(from).is_some_and(|uses| {
            uses.iter()
                .any(|u| u == to || (seen.insert(u.clone()) && reaches(graph, u, to, seen)))
        })
    }
    for module in graph.keys() {
        assert!(
            !reaches(&graph, module, module, &mut BTreeSet::new()),
            "`{module}` reaches itself: {graph:#?}"
        );
    }
}
