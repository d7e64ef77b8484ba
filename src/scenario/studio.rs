//! The `[studio]` table: what `grapevine serve`'s page shows for a
//! scenario, the sliders (a dotted path, a label and a range each), the
//! events that get an on/off switch, and how many runs a change reruns.
//!
//! A scenario without the table gets a default set: the good and bad
//! fan-outs, the share of failures recovered and the service quality for
//! word of mouth (a classic model gets its own parameters), and a switch
//! for every event. A control's path is checked like a `--set` path, at
//! both ends of its range, when the scenario is read, so a typo in the
//! table is an error at its line, not a slider that does nothing.

use serde::{Deserialize, Serialize};

use super::error::FieldPath;
use super::setting::{Scope, Setting};
use super::{FanOut, Problem, Scenario, Variant};

/// The most runs a change in the studio may rerun.
pub const MAX_RUNS: i64 = 200;

/// `[studio]` as written.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStudio {
    /// Runs (replications) each change in the studio reruns [default: the
    /// scenario's `runs`].
    pub runs: Option<i64>,
    /// The sliders, in the order shown [default: the good and bad
    /// fan-outs, recovery rate and service quality].
    pub controls: Option<Vec<RawControl>>,
    /// Events that get an on/off switch, by name [default: every event].
    pub events: Option<Vec<String>>,
}

/// One `[[studio.controls]]` entry as written.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawControl {
    /// The value the slider sets, as a `--set` path: a number
    /// (`service.recovery_rate`) or a fan-out (`telling.bad`, whose slider
    /// sets how many people are told).
    pub path: String,
    /// What the slider is called on the page [default: the path].
    pub label: Option<String>,
    /// The slider's lowest value.
    pub min: f64,
    /// The slider's highest value.
    pub max: f64,
    /// The slider's step [default: a hundredth of the range, or 1 for a
    /// fan-out].
    pub step: Option<f64>,
}

/// The `[studio]` table, checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Studio {
    pub runs: Option<u32>,
    /// The sliders the file lists (none: the default set).
    pub controls: Option<Vec<ControlSpec>>,
    /// The events with a switch the file lists (none: every event).
    pub events: Option<Vec<String>>,
}

/// A slider as the file describes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlSpec {
    /// Where the value it moves is: a `--set` path, typed.
    pub path: Setting,
    pub label: String,
    pub min: f64,
    pub max: f64,
    pub step: f64,
}

/// What a slider moves.
#[derive(Debug, Clone, PartialEq)]
pub enum Moves {
    /// A number, set as it is.
    Number(f64),
    /// A fan-out: the slider sets the number of people told and keeps the
    /// distribution's kind (a uniform range keeps its width, a negative
    /// binomial its dispersion).
    FanOut(FanOut),
}

/// A slider for one scenario: its spec and the value the scenario has.
#[derive(Debug, Clone, PartialEq)]
pub struct Control {
    pub spec: ControlSpec,
    pub now: Moves,
}

/// Checks `[studio]`'s own values; `events` are the names of the
/// scenario's events (its own and its variants').
pub fn validate(raw: &RawStudio, events: &[String], p: &mut Vec<Problem>) -> Studio {
    let at = FieldPath::root().key("studio");
    let runs = raw.runs.and_then(|r| {
        if (1..=MAX_RUNS).contains(&r) {
            Some(r as u32)
        } else {
            p.push(
                Problem::new(at.key("runs"), format!("`runs` is out of range: found {r}"))
                    .allowed(format!("a whole number from 1 to {}", MAX_RUNS)),
            );
            None
        }
    });
    let controls = raw.controls.as_ref().map(|list| {
        list.iter()
            .enumerate()
            .filter_map(|(i, c)| control(c, &at.key("controls").index(i), p))
            .collect()
    });
    if let Some(names) = &raw.events {
        for (i, name) in names.iter().enumerate() {
            if !events.contains(name) {
                let known = if events.is_empty() {
                    "none: this scenario has no events".to_string()
                } else {
                    format!("the name of one of its events: {}", events.join(", "))
                };
                p.push(
                    Problem::new(
                        at.key("events").index(i),
                        format!("`{name}` is not an event of this scenario"),
                    )
                    .allowed(known),
                );
            }
        }
    }
    Studio {
        runs,
        controls,
        events: raw.events.clone(),
    }
}

fn control(raw: &RawControl, at: &FieldPath, p: &mut Vec<Problem>) -> Option<ControlSpec> {
    let before = p.len();
    if raw.path.trim().is_empty() {
        p.push(
            Problem::new(
                at.key("path"),
                "a control needs the path of the value it sets",
            )
            .allowed("a dotted path such as service.recovery_rate or telling.bad"),
        );
    }
    if !(raw.min.is_finite() && raw.max.is_finite() && raw.min < raw.max) {
        p.push(
            Problem::new(
                at.key("max"),
                format!(
                    "the range {} to {} is empty",
                    super::params::plain(raw.min),
                    super::params::plain(raw.max)
                ),
            )
            .allowed("a `max` above `min`"),
        );
    }
    let span = raw.max - raw.min;
    if let Some(step) = raw.step
        && !(step.is_finite() && step > 0.0 && step <= span)
    {
        p.push(
            Problem::new(
                at.key("step"),
                format!(
                    "`step` is out of range: found {}",
                    super::params::plain(step)
                ),
            )
            .allowed(format!(
                "a number above 0, at most the range ({})",
                super::params::plain(span)
            )),
        );
    }
    (p.len() == before).then(|| ControlSpec {
        path: Setting::parse(raw.path.trim()),
        label: raw
            .label
            .clone()
            .unwrap_or_else(|| raw.path.trim().to_string()),
        min: raw.min,
        max: raw.max,
        step: raw.step.unwrap_or(span / 100.0),
    })
}

/// The value at a `--set` path in a variant, resolved as the run uses it
/// (serialised as `summary.json` holds it): a top-level `service`,
/// `telling`, `hearing` or `market` value is the groups' common value
/// (none where groups differ); `groups.NAME....` is that group's.
pub fn resolved(variant: &Variant, place: &Setting) -> Option<serde_json::Value> {
    use serde_json::Value;
    let whole = serde_json::to_value(variant).ok()?;
    let keys: Vec<&str> = place.keys.iter().map(String::as_str).collect();
    let descend = |mut v: &Value, keys: &[&str]| -> Option<Value> {
        for k in keys {
            v = match v {
                Value::Object(map) => map.get(*k)?,
                Value::Array(list) => list.get(k.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(v.clone())
    };
    let groups = whole.get("groups")?.as_array()?;
    match &place.scope {
        Scope::Group(which) => {
            let group = groups
                .iter()
                .find(|g| g.get("name").and_then(Value::as_str) == Some(which.as_str()))
                .or_else(|| groups.get(which.parse::<usize>().ok()?))?;
            descend(group, &keys)
        }
        Scope::All if ["service", "telling", "hearing", "market"].contains(keys.first()?) => {
            let values: Vec<Option<Value>> = groups.iter().map(|g| descend(g, &keys)).collect();
            let first = values.first()?.clone()?;
            values
                .iter()
                .all(|v| v.as_ref() == Some(&first))
                .then_some(first)
        }
        Scope::All => descend(&whole, &keys),
    }
}

/// What a slider at `path` moves in the baseline, if it is a number or a
/// fan-out there.
pub fn moves(s: &Scenario, place: &Setting) -> Option<Moves> {
    let value = resolved(s.baseline(), place)?;
    if let Some(x) = value.as_f64() {
        return Some(Moves::Number(x));
    }
    let num = |k: &str| value.get(k).and_then(serde_json::Value::as_f64);
    let whole = |k: &str| num(k).map(|x| x as u32);
    let f = match value.get("kind")?.as_str()? {
        "fixed" => FanOut::Fixed { k: whole("k")? },
        "uniform" => FanOut::Uniform {
            min: whole("min")?,
            max: whole("max")?,
        },
        "poisson" => FanOut::Poisson {
            mean: num("mean")?,
            draw: None,
        },
        "negative-binomial" => FanOut::NegativeBinomial {
            mean: num("mean")?,
            dispersion: num("dispersion")?,
            draw: None,
        },
        _ => return None,
    };
    Some(Moves::FanOut(f))
}

/// The value a fan-out slider at `x` sets, as a TOML table: the same kind
/// of distribution, moved to `x` people (a uniform range from `x` in the
/// file's proportions, 2-3 becoming 20-30, or its width where it starts
/// at 0; a fixed count of `x`; a mean of `x`). The page does the same
/// (`fanOutAt` in studio.js).
pub fn fan_out_at(shape: &FanOut, x: f64) -> toml::Value {
    let mut t = toml::Table::new();
    let whole = |v: f64| toml::Value::Integer(v.round().max(0.0) as i64);
    match *shape {
        FanOut::Fixed { .. } => {
            t.insert("kind".into(), "fixed".into());
            t.insert("k".into(), whole(x));
        }
        FanOut::Uniform { min, max } => {
            let from = x.round().max(0.0);
            let to = if min > 0 {
                (from * f64::from(max) / f64::from(min)).round().max(from)
            } else {
                from + f64::from(max - min)
            };
            t.insert("kind".into(), "uniform".into());
            t.insert("min".into(), whole(from));
            t.insert("max".into(), whole(to));
        }
        FanOut::Poisson { .. } => {
            t.insert("kind".into(), "poisson".into());
            t.insert("mean".into(), toml::Value::Float(x.max(0.0)));
        }
        FanOut::NegativeBinomial { dispersion, .. } => {
            t.insert("kind".into(), "negative-binomial".into());
            t.insert("mean".into(), toml::Value::Float(x.max(0.0)));
            t.insert("dispersion".into(), toml::Value::Float(dispersion));
        }
    }
    toml::Value::Table(t)
}

/// Where a fan-out's slider stands: the start of a uniform range, a fixed
/// count, or the mean.
pub fn fan_out_position(f: &FanOut) -> f64 {
    match *f {
        FanOut::Fixed { k } => f64::from(k),
        FanOut::Uniform { min, .. } => f64::from(min),
        FanOut::Poisson { mean, .. } | FanOut::NegativeBinomial { mean, .. } => mean,
    }
}

/// The value a slider at `x` sets, as TOML.
pub fn value_at(now: &Moves, x: f64) -> toml::Value {
    match now {
        Moves::Number(_) => toml::Value::Float(x),
        Moves::FanOut(f) => fan_out_at(f, x),
    }
}

/// Where a slider stands: `x` as the page holds it (a number, or a
/// fan-out's people told).
pub fn position(now: &Moves) -> f64 {
    match now {
        Moves::Number(x) => *x,
        Moves::FanOut(f) => fan_out_position(f),
    }
}

/// The slider's positions one step below and one step above `x`, as the
/// page's range input gives them: `min + k step` within the range, said in
/// decimal as a browser does (0.35, not 0.35000000000000003), so a value
/// readied here is the very number the page sends. `x` off the grid (a
/// file's own value) steps from the nearest point on it.
pub fn steps_beside(spec: &ControlSpec, x: f64) -> [Option<f64>; 2] {
    let (min, step) = (spec.min, spec.step);
    let last = ((spec.max - min) / step + 1e-9).floor();
    let k = ((x - min) / step).round().clamp(0.0, last);
    let places = decimals(min).max(decimals(step));
    let at = |k: f64| {
        (0.0..=last).contains(&k).then(|| {
            format!("{:.*}", places, min + k * step)
                .parse::<f64>()
                .unwrap_or(min + k * step)
        })
    };
    [at(k - 1.0), at(k + 1.0)]
}

/// The digits after the point in `x`'s shortest decimal form.
fn decimals(x: f64) -> usize {
    let text = x.abs().to_string();
    text.split_once('.').map_or(0, |(_, after)| after.len())
}

/// The default sliders for word of mouth, where the scenario has them.
const WORD_OF_MOUTH: &[(&str, &str, f64, f64, f64)] = &[
    ("telling.good", "A delighted customer tells", 0.0, 40.0, 1.0),
    ("telling.bad", "An angry customer tells", 0.0, 40.0, 1.0),
    (
        "service.recovery_rate",
        "Share of failures put right",
        0.0,
        1.0,
        0.05,
    ),
    ("service.quality_mean", "Service quality", -2.0, 2.0, 0.1),
];

/// The sliders the studio shows for `s`: the file's, or the default set
/// (each only where the scenario has that value in common to its groups).
pub fn controls(s: &Scenario) -> Vec<Control> {
    let specs: Vec<ControlSpec> = match &s.studio.controls {
        Some(list) => list.clone(),
        None if s.baseline().model.kind().declaration().stories => WORD_OF_MOUTH
            .iter()
            .map(|&(path, label, min, max, step)| ControlSpec {
                path: Setting::parse(path),
                label: label.into(),
                min,
                max,
                step,
            })
            .collect(),
        None => classic_controls(s),
    };
    specs
        .into_iter()
        .filter_map(|spec| {
            let now = moves(s, &spec.path)?;
            Some(Control { spec, now })
        })
        .collect()
}

/// A classic model's sliders: its declared parameters, each over its
/// declared range.
fn classic_controls(s: &Scenario) -> Vec<ControlSpec> {
    let model = &s.baseline().model;
    model
        .kind()
        .declaration()
        .parameters
        .iter()
        // An optional parameter the file leaves out has no value to move.
        .filter(|p| !p.optional || model.given(p.key).is_some())
        .map(|p| ControlSpec {
            path: Setting::parse(&format!("model.{}", p.key)),
            label: p.key.replace('_', " "),
            min: p.range.0,
            max: p.range.1,
            step: p.step,
        })
        .collect()
}

/// The events that get a switch: the file's list, or every event of the
/// scenario and its variants, each name once.
pub fn switches(s: &Scenario) -> Vec<String> {
    if let Some(list) = &s.studio.events {
        return list.clone();
    }
    let mut names: Vec<String> = Vec::new();
    for v in &s.variants {
        for e in &v.events {
            if !names.contains(&e.name) {
                names.push(e.name.clone());
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(v: &toml::Value) -> (i64, i64) {
        let t = v.as_table().unwrap();
        (
            t["min"].as_integer().unwrap(),
            t["max"].as_integer().unwrap(),
        )
    }

    #[test]
    fn a_uniform_fan_out_keeps_its_proportions_as_it_moves() {
        let lore = FanOut::Uniform { min: 2, max: 3 };
        assert_eq!(range(&fan_out_at(&lore, 20.0)), (20, 30), "the lore's pair");
        assert_eq!(range(&fan_out_at(&lore, 2.0)), (2, 3), "the file's own");
        assert_eq!(range(&fan_out_at(&lore, 0.0)), (0, 0));
        let from_zero = FanOut::Uniform { min: 0, max: 4 };
        assert_eq!(range(&fan_out_at(&from_zero, 10.0)), (10, 14), "its width");
    }

    fn slider(min: f64, max: f64, step: f64) -> ControlSpec {
        ControlSpec {
            path: Setting::parse("service.recovery_rate"),
            label: "a slider".into(),
            min,
            max,
            step,
        }
    }

    /// The steps are the numbers a browser's range input gives (its
    /// decimal arithmetic: 0 + 7 x 0.05 is 0.35), within the range.
    #[test]
    fn a_step_either_side_is_the_number_the_page_sends() {
        let rate = slider(0.0, 1.0, 0.05);
        assert_eq!(steps_beside(&rate, 0.35), [Some(0.3), Some(0.4)]);
        assert_eq!(steps_beside(&rate, 0.7), [Some(0.65), Some(0.75)]);
        // A file's own value off the grid steps from the nearest point.
        assert_eq!(steps_beside(&rate, 0.33), [Some(0.3), Some(0.4)]);
        assert_eq!(steps_beside(&rate, 0.0), [None, Some(0.05)]);
        assert_eq!(steps_beside(&rate, 1.0), [Some(0.95), None]);
        let quality = slider(-2.0, 2.0, 0.1);
        assert_eq!(steps_beside(&quality, -0.7), [Some(-0.8), Some(-0.6)]);
        assert_eq!(steps_beside(&quality, 0.0), [Some(-0.1), Some(0.1)]);
        let told = slider(0.0, 40.0, 1.0);
        assert_eq!(steps_beside(&told, 20.0), [Some(19.0), Some(21.0)]);
        // A range that is not a whole number of steps ends at its last step.
        let odd = slider(0.0, 1.0, 0.3);
        assert_eq!(steps_beside(&odd, 0.9), [Some(0.6), None]);
        for k in 1..20 {
            let x: f64 = format!("{:.2}", f64::from(k) * 0.05).parse().unwrap();
            let [below, above] = steps_beside(&rate, x);
            let text = |v: f64| format!("{v}");
            assert!(text(below.unwrap()).len() <= 4, "{below:?}");
            assert!(text(above.unwrap()).len() <= 4, "{above:?}");
        }
    }
}
