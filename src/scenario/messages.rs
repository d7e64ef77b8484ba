//! Problems in a scenario's own words: TOML syntax errors, and serde's
//! messages translated (no Rust type names; the allowed keys listed, with
//! a near-miss suggestion).

use super::error::{self, FieldPath, Problem, Segment};
use super::spans::SpanIndex;

pub(super) fn syntax_problem(e: &toml::de::Error, text: &str) -> Problem {
    Problem::new(
        FieldPath::root(),
        format!("TOML syntax: {}", e.message().trim()),
    )
    .allowed("TOML: `key = value` lines under `[table]` headers")
    .at(e.span().or_else(|| deepest_line(text)))
}

/// The line with the deepest nesting (dots, brackets and braces), for a
/// syntax error the TOML reader gives no place for: it reports its nesting
/// limit (a header like `[a.a.a. ... .a]`) without one.
fn deepest_line(text: &str) -> Option<std::ops::Range<usize>> {
    let mut start = 0;
    let mut best: Option<(usize, std::ops::Range<usize>)> = None;
    for line in text.split_inclusive('\n') {
        let depth = line.matches(['.', '[', '{']).count();
        let span = start..start + line.trim_end().len();
        if best.as_ref().is_none_or(|(d, _)| depth > *d) {
            best = Some((depth, span));
        }
        start += line.len();
    }
    best.map(|(_, span)| span)
}

/// Turns serde's message into a problem with the field's path, the allowed
/// names and a near-miss suggestion.
pub(super) fn serde_problem(e: &toml::de::Error, index: &SpanIndex<'_>) -> Problem {
    let path = e.span().map(|s| index.path_at(s.start)).unwrap_or_default();
    problem_from_serde(e.message(), path).at(e.span())
}

/// serde's message in a scenario writer's words: no Rust type names
/// (`struct RawNetwork`, `i128`), TOML's names for values instead.
fn plain_serde_message(message: &str) -> String {
    let mut m = message
        .trim()
        .replace("expected i64", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a string", "expected text in quotes")
        .replace("expected a sequence", "expected a list `[...]`")
        .replace("expected a boolean", "expected true or false")
        .replace("expected a map", "expected a table")
        .replace("invalid type: map,", "invalid type: a table,")
        .replace("invalid type: sequence,", "invalid type: a list,");
    // `expected struct RawNetwork` and the like.
    while let Some(at) = m.find("struct Raw") {
        let end = m[at..]
            .find(|c: char| !c.is_alphanumeric() && c != ' ')
            .map_or(m.len(), |e| at + e);
        let end = m[at + 7..end].find(' ').map_or(end, |e| at + 7 + e);
        m.replace_range(at..end, "a table");
    }
    while let Some(at) = m.find("enum ") {
        let end = m[at + 5..]
            .find(|c: char| !c.is_alphanumeric())
            .map_or(m.len(), |e| at + 5 + e);
        m.replace_range(at..end, "one of the names allowed");
    }
    // A whole number beyond 64 bits: `integer `99999999999999999999` as i128`.
    if m.contains(" as i128") {
        let number = m.split('`').nth(1).unwrap_or("the number");
        m = format!(
            "`{number}` is too large for a whole number here (at most {})",
            i64::MAX
        );
    }
    m.replace("u64 value was too large", "the whole number is too large")
        .replace(
            "wanted string or table",
            "expected one of the allowed names, in quotes",
        )
}

/// A problem from serde's message about the field at `path`.
pub(crate) fn problem_from_serde(message: &str, path: FieldPath) -> Problem {
    let message = plain_serde_message(message);
    let mut problem = Problem::new(path, message.clone());
    for (what, prefix) in [("field", "unknown field `"), ("value", "unknown variant `")] {
        let Some(rest) = message.strip_prefix(prefix) else {
            continue;
        };
        let typed = rest.split('`').next().unwrap_or_default();
        let known: Vec<&str> = message
            .split(", expected ")
            .nth(1)
            .unwrap_or_default()
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        problem = problem.allowed(format!(
            "{}: {}",
            if what == "field" {
                "the keys"
            } else {
                "one of"
            },
            known.join(", ")
        ));
        if let Some(near) = error::did_you_mean(typed, known.iter().copied()) {
            problem = problem.help(format!("did you mean `{near}`?"));
        } else if what == "field" {
            problem = problem
                .help("remove the key, or see docs/scenario.md for the keys this table takes");
        }
    }
    if message.starts_with("missing field") {
        problem = problem.help("add the field; docs/scenario.md lists what each table needs");
    }
    if message.ends_with("expected a table") {
        // A fan-out given as a number: show its form, and how to set one
        // of its values.
        let keys: Vec<String> = problem
            .path
            .0
            .iter()
            .filter_map(|s| match s {
                Segment::Key(k) => Some(k.clone()),
                Segment::Index(_) => None,
            })
            .collect();
        let below_group = if keys.first().is_some_and(|k| k == "groups") {
            &keys[1..]
        } else {
            &keys[..]
        };
        if let Some(default) = super::params::default_table(below_group) {
            let path = problem.path.to_string();
            problem = problem.help(format!(
                "a fan-out is a table: {path} = {{ kind = \"fixed\", k = 25 }}, or the default {path} = {} with one value changed: {path}.mean = 25",
                super::overrides::inline(&toml::Value::Table(default))
            ));
        }
    }
    problem
}
