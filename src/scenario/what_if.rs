//! A studio request's what-if, as a scenario: the served file with the
//! values asked for set (from week 1 unless asked for the town's past as
//! well), the events asked off removed, checked as a `--set` would be.
//!
//! The studio's server only turns HTTP into an [`Asked`] and a
//! [`Refusal`] into a status; what a request means is decided here.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::edit::{self, FromWeekOne};
use super::setting::Setting;
use super::{InputError, Override, Scenario};

/// What a request asks of a served scenario.
pub struct Asked<'a> {
    /// Values by dotted path, as JSON.
    pub set: &'a serde_json::Map<String, Value>,
    /// Events by name: `true` on (as in the file), `false` off.
    pub events: &'a serde_json::Map<String, Value>,
    /// Whether the values also apply before week 0 (the town's past).
    pub before: bool,
}

/// The scenario a request makes, and how it was made.
pub struct WhatIf {
    pub scenario: Scenario,
    /// The request's values: for the whole run, or from week 1 on.
    pub when: FromWeekOne,
    /// The events switched off.
    pub off: Vec<String>,
}

/// Why a request makes no scenario.
#[derive(Debug)]
pub enum Refusal {
    /// The request itself is wrong (a value no scenario holds, an event
    /// the scenario lacks, a file named).
    Asked(String),
    /// The scenario it makes is wrong, located at the request's paths.
    Input(InputError),
}

/// The what-if `asked` makes of the served scenario `own` (read from
/// `text` at `path`).
pub fn what_if(
    own: &Scenario,
    text: &str,
    path: &Path,
    asked: &Asked<'_>,
) -> Result<WhatIf, Refusal> {
    let mut overrides = Vec::new();
    for (at, value) in asked.set {
        let written = toml_text(value).ok_or_else(|| {
            Refusal::Asked(format!("`{at}`: {value} is not a value a scenario holds (a number, text, true or false, a list or a table)"))
        })?;
        let o = Override::parse_arg(&format!("{at}={written}")).map_err(Refusal::Asked)?;
        overrides.push(o);
    }
    let off = events_off(own, asked.events).map_err(Refusal::Asked)?;
    let text = if off.is_empty() {
        text.to_string()
    } else {
        edit::without_events(text, &off).map_err(Refusal::Asked)?
    };
    // Checked as values of the whole run first, so that a problem is
    // reported at the request's own path, not inside the event that will
    // carry it.
    Scenario::parse_with(&text, path, &overrides).map_err(Refusal::Input)?;
    let when = FromWeekOne::split(own, overrides, asked.before);
    let text = edit::from_tick_one(&text, &when).map_err(Refusal::Asked)?;
    let mut s = Scenario::parse_with(&text, path, &when.always).map_err(Refusal::Input)?;
    // The values asked for, as the answer and the saved files list them.
    s.overrides = when
        .future
        .iter()
        .map(|t| format!("{} (from week 1)", t.value.describe()))
        .chain(when.always.iter().map(Override::describe))
        .collect();
    // And where they go: those from week 1 are carried by an event, but
    // they are the request's settings all the same.
    s.settings
        .extend(when.future.iter().map(|t| Setting::of(t.value.path())));
    // A request names values, never files: no network may be read from a
    // file the served scenario does not read itself.
    let files = |s: &Scenario| -> Vec<PathBuf> {
        s.variants
            .iter()
            .filter_map(|v| v.network.file().map(PathBuf::from))
            .collect()
    };
    let allowed = files(own);
    if let Some(other) = files(&s).into_iter().find(|f| !allowed.contains(f)) {
        return Err(Refusal::Asked(format!(
            "a request cannot name a file (`{}`); the studio reads only the networks its scenarios name",
            other.display()
        )));
    }
    Ok(WhatIf {
        scenario: s,
        when,
        off,
    })
}

/// The events a request switches off: names of the scenario's events,
/// each `true` (on, as in the file) or `false` (off).
fn events_off(s: &Scenario, asked: &serde_json::Map<String, Value>) -> Result<Vec<String>, String> {
    let mut known: Vec<&str> = Vec::new();
    for e in s.variants.iter().flat_map(|v| &v.events) {
        if !known.contains(&e.name.as_str()) {
            known.push(&e.name);
        }
    }
    let mut off = Vec::new();
    for (name, on) in asked {
        if !known.contains(&name.as_str()) {
            return Err(format!(
                "`events.{name}`: `{name}` is not an event of this scenario; allowed: {}",
                if known.is_empty() {
                    "none (it has no events)".to_string()
                } else {
                    known.join(", ")
                }
            ));
        }
        match on {
            Value::Bool(true) => {}
            Value::Bool(false) => off.push(name.clone()),
            other => {
                return Err(format!(
                    "`events.{name}` is {other}; allowed: true (on, as in the file) or false (off)"
                ));
            }
        }
    }
    Ok(off)
}

/// A JSON value as TOML text for `--set` (JSON null has no TOML form).
fn toml_text(value: &Value) -> Option<String> {
    let v: toml::Value = serde_json::from_value(value.clone()).ok()?;
    Some(match v {
        toml::Value::Table(t) => {
            let inner: Vec<String> = t.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            format!("{{ {} }}", inner.join(", "))
        }
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_values_become_toml_for_set() {
        assert_eq!(toml_text(&json!(0.5)).unwrap(), "0.5");
        assert_eq!(toml_text(&json!("lost")).unwrap(), "\"lost\"");
        assert_eq!(
            toml_text(&json!({"kind": "uniform", "min": 2, "max": 3})).unwrap(),
            "{ kind = \"uniform\", max = 3, min = 2 }"
        );
        assert!(toml_text(&Value::Null).is_none());
    }
}
