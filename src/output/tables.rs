//! The run's tables: `timeseries.csv`, `differences.csv`, `runs.csv`,
//! `runs_timeseries.csv`, `reach.csv`, `measures.csv` (every CSV written
//! with the `csv` crate, through `output::Table`) and `summary.json`.

use serde_json::{Value, json};

use super::{Results, Table, VariantResult, num};
use crate::catalog::ModelKind;
use crate::measures::Measure;
use crate::record::Recorder;
use crate::results::Band;
use crate::results::figures;

/// Long form: one row per variant, group, tick and metric, the mean and
/// 90% band across replications. A measure the variant cannot produce
/// (morale without staff) has empty figures.
pub fn timeseries_csv(report: &Results<'_>) -> String {
    let mut t = Table::new(&["variant", "group", "tick", "metric", "mean", "p05", "p95"]);
    let slots = report.slots();
    let list = report.measures();
    for (v, spec) in report.variants.iter().zip(&report.scenario.variants) {
        for (s, group) in slots.iter().enumerate() {
            for (tick, frame) in v.aggregate.bands.iter().enumerate() {
                for (m, band) in frame[s].iter().enumerate() {
                    let [mean, p05, p95] = figures(spec.produces(list[m]).then_some(band));
                    let tick = tick.to_string();
                    t.row(&[&v.name, *group, &tick, list[m].name(), &mean, &p05, &p95]);
                }
            }
        }
    }
    t.finish()
}

/// A band's mean, p05 and p95 as fields (empty without one).
fn figures(band: Option<&Band>) -> [String; 3] {
    band.map_or_else(Default::default, |b| [num(b.mean), num(b.p05), num(b.p95)])
}

/// Each what-if minus its reference (the baseline, or the variant its
/// `compare_to` names), tick by tick: the difference is taken
/// replication by replication (replication r of both draws the same
/// numbers where they do not differ), then its mean and 90% band, as the
/// charts' difference panels draw it. Same columns as `timeseries.csv`;
/// flows are per tick, as there.
pub fn differences_csv(report: &Results<'_>) -> String {
    let mut t = Table::new(&[
        "variant",
        "reference",
        "group",
        "tick",
        "metric",
        "mean",
        "p05",
        "p95",
    ]);
    let slots = report.slots();
    let list = report.measures();
    for (k, (v, spec)) in report
        .variants
        .iter()
        .zip(&report.scenario.variants)
        .enumerate()
        .skip(1)
    {
        let base = report.reference(k);
        let base_spec = &report.scenario.variants[spec.reference];
        for (s, group) in slots.iter().enumerate() {
            for (m, &measure) in list.iter().enumerate() {
                let both = spec.produces(measure) && base_spec.produces(measure);
                let bands = both.then(|| {
                    crate::results::bands_of(v.runs.len(), v.runs[0].frames.len(), |r| {
                        (0..v.runs[r].frames.len())
                            .map(|t| v.runs[r].value(t, s, m) - base.runs[r].value(t, s, m))
                            .collect()
                    })
                });
                for tick in 0..v.aggregate.bands.len() {
                    let [mean, p05, p95] = figures(bands.as_ref().map(|b| &b[tick]));
                    let tick = tick.to_string();
                    t.row(&[
                        &v.name,
                        &base.name,
                        *group,
                        &tick,
                        measure.name(),
                        &mean,
                        &p05,
                        &p95,
                    ]);
                }
            }
        }
    }
    t.finish()
}

/// Every replication's figures, tick by tick (`--per-run`): one row per
/// variant, group, replication and tick (the key columns in runs.csv's
/// order, then the tick), a column per measure, for
/// analysts who want their own statistics. Empty where the variant cannot
/// produce the measure.
pub fn per_run_csv(report: &Results<'_>) -> String {
    let list = report.measures();
    let mut header: Vec<&str> = vec!["variant", "group", "run", "seed", "tick"];
    header.extend(list.iter().map(|m| m.name()));
    let mut t = Table::new(&header);
    let slots = report.slots();
    let seed = report.scenario.seed.to_string();
    for (v, spec) in report.variants.iter().zip(&report.scenario.variants) {
        for rec in &v.runs {
            let run = rec.replication.to_string();
            for (s, group) in slots.iter().enumerate() {
                for tick in 0..rec.frames.len() {
                    let mut row: Vec<String> = vec![
                        v.name.clone(),
                        (*group).to_string(),
                        run.clone(),
                        seed.clone(),
                        tick.to_string(),
                    ];
                    row.extend(list.iter().enumerate().map(|(m, &measure)| {
                        if spec.produces(measure) {
                            num(rec.value(tick, s, m))
                        } else {
                            String::new()
                        }
                    }));
                    t.row(&row);
                }
            }
        }
    }
    t.finish()
}

/// One row per variant, replication and group (`all` first): the
/// parameters the variants change, then each measure's final figure (a
/// level's last value, a flow's total). `seed` and `run` reproduce a row
/// alone: `grapevine run S.toml --seed SEED --replication RUN`. A measure
/// the variant cannot produce (morale without staff) is empty.
pub fn runs_csv(report: &Results<'_>) -> String {
    let s = report.scenario;
    let params = parameters(s);
    let list = report.measures();
    let mut header: Vec<&str> = vec!["variant", "group", "run", "seed"];
    header.extend(params.iter().map(|(name, _)| name.as_str()));
    header.extend(list.iter().map(|m| m.name()));
    let mut t = Table::new(&header);
    let slots = report.slots();
    let seed = s.seed.to_string();
    for (k, (v, spec)) in report.variants.iter().zip(&s.variants).enumerate() {
        for rec in &v.runs {
            for (slot, group) in slots.iter().enumerate() {
                let mut row: Vec<String> = vec![
                    v.name.clone(),
                    (*group).to_string(),
                    rec.replication.to_string(),
                    seed.clone(),
                ];
                row.extend(params.iter().map(|(_, per)| per[k].clone()));
                row.extend(list.iter().enumerate().map(|(m, &measure)| {
                    if spec.produces(measure) {
                        num(rec.final_value(slot, m))
                    } else {
                        String::new()
                    }
                }));
                t.row(&row);
            }
        }
    }
    t.finish()
}

/// How a measure's final figure is made: `level` (its value at the last
/// tick) or `total` (a flow summed over the run), as the tables say it.
pub(crate) fn final_kind(m: Measure) -> &'static str {
    match m.kind() {
        crate::measures::Kind::Level => "level",
        crate::measures::Kind::Flow => "total",
    }
}

/// `measure,kind,unit,final,about`: what each measure of the tables is.
/// `kind` says how its final figure (runs.csv, a sweep's tables) is made:
/// a `level` is the value at the last tick, a `total` a flow summed over
/// the run's ticks (`final` says it in words); `unit` is the time series'
/// (a flow's is per tick).
pub fn measures_csv(measures: &[Measure]) -> String {
    let header = ["measure", "kind", "unit", "final", "about"].map(String::from);
    let rows = measures.iter().map(|m| {
        let info = m.info();
        let last = match info.kind {
            crate::measures::Kind::Level => "the value at the last tick",
            crate::measures::Kind::Flow => "the sum over the run's ticks",
        };
        let kind = final_kind(*m);
        [info.name, kind, info.unit, last, info.about]
            .map(String::from)
            .to_vec()
    });
    super::csv_text(&header, rows)
}

/// The parameters set from the command line or by any variant, as
/// columns: each `--set` path, then each path a variant's `set` names (a table, such as a fan-out, becomes a column per key), with
/// every variant's resolved value there, as a CSV field. A top-level
/// `service`, `telling`, `hearing` or `market` value is the groups' common
/// value (empty where groups differ).
pub fn parameters(s: &crate::scenario::Scenario) -> Vec<(String, Vec<String>)> {
    use crate::scenario::setting::Setting;
    let mut places: Vec<Setting> = Vec::new();
    let own = s
        .variants
        .iter()
        .flat_map(|v| &v.set)
        .map(|o| Setting::of(o.path()));
    for place in s.settings.iter().cloned().chain(own) {
        if !places.contains(&place) {
            places.push(place);
        }
    }
    let mut columns: Vec<(String, Vec<String>)> = Vec::new();
    for place in &places {
        let path = place.to_string();
        let found: Vec<Option<Value>> = s
            .variants
            .iter()
            .map(|v| crate::scenario::studio::resolved(v, place))
            .collect();
        // A table is a column per key, over every variant's keys.
        let mut subkeys: Vec<String> = Vec::new();
        for value in found.iter().flatten() {
            if let Value::Object(map) = value {
                for key in map.keys() {
                    if !subkeys.contains(key) {
                        subkeys.push(key.clone());
                    }
                }
            }
        }
        if subkeys.is_empty() {
            let cells: Vec<String> = found.iter().map(|v| cell(v.as_ref())).collect();
            // A value no variant holds (`--set ticks=...`, the run's own
            // length) is not a parameter of the variants.
            if cells.iter().any(|c| !c.is_empty()) {
                columns.push((path.clone(), cells));
            }
        } else {
            for key in subkeys {
                let cells = found
                    .iter()
                    .map(|v| cell(v.as_ref().and_then(|v| v.get(&key))))
                    .collect();
                columns.push((format!("{path}.{key}"), cells));
            }
        }
    }
    columns
}

/// A JSON value as a CSV field's text (the writer quotes it if need be):
/// numbers as the CSV writes them, text as it is, anything else (a list)
/// as JSON; nothing as empty.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::Number(n)) => n.as_f64().map_or_else(|| n.to_string(), num),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(other) => other.to_string(),
    }
}

/// The reach histogram: how many stories reached each number of people,
/// over all replications.
pub fn reach_csv(report: &Results<'_>) -> String {
    let mut t = Table::new(&["variant", "story", "people_reached", "stories"]);
    for v in &report.variants {
        for (bad, label) in [(false, "good"), (true, "bad")] {
            for (people, stories) in figures::reach_histogram(v, bad) {
                t.row(&[
                    v.name.clone(),
                    label.to_string(),
                    people.to_string(),
                    stories.to_string(),
                ]);
            }
        }
    }
    t.finish()
}

/// A variant's headline figures, each with its band, as a JSON object.
pub fn headlines(v: &VariantResult, spec: &crate::scenario::Variant, kind: ModelKind) -> Value {
    let map = figures::headlines(v, spec, kind)
        .into_iter()
        .map(|(m, band)| (m.name().to_string(), json!(band)))
        .collect();
    Value::Object(map)
}

/// The differences its model gives, each with its band, as a JSON object.
pub fn differences(v: &VariantResult, base: &VariantResult, kind: ModelKind) -> Value {
    let map = figures::differences(v, base, kind)
        .into_iter()
        .map(|(m, band)| (m.name().to_string(), json!(band)))
        .collect();
    Value::Object(map)
}

/// The scenario as resolved, the seed, the version, and the headlines. It
/// holds nothing that varies between identical runs (no times, no thread
/// counts), so it is byte-identical too.
pub fn summary_json(report: &Results<'_>) -> String {
    let s = report.scenario;
    let base = &report.variants[0];
    let kind = s.baseline().model.kind();
    let variants: Vec<Value> = report
        .variants
        .iter()
        .zip(&s.variants)
        .enumerate()
        .map(|(k, (v, spec))| {
            let mut entry = json!({
                "name": v.name,
                "description": spec.description,
                "changes": spec.changes,
                "warmed_up_as": if spec.shares_warmup(s.baseline()) { "baseline" } else { "itself" },
                "headline": headlines(v, spec, kind),
            });
            if kind.declaration().stories {
                entry["story_reach"] = json!({
                    "good": figures::reach(v, false),
                    "bad": figures::reach(v, true),
                });
            }
            // As in the CSV: a variant that puts no value on a customer
            // has no value, not a value of 0.
            if kind.records(Measure::Value) {
                entry["value"] = if spec.produces(Measure::Value) {
                    json!(figures::value(v, base))
                } else {
                    Value::Null
                };
            }
            if !std::ptr::eq(v, base) {
                entry["difference_from_baseline"] = differences(v, base, kind);
                // The findings' reference: the baseline unless the
                // variant's `compare_to` names another.
                let reference = report.reference(k);
                entry["reference"] = json!(reference.name);
                entry["difference_from_reference"] = differences(v, reference, kind);
            }
            entry
        })
        .collect();
    let summary = json!({
        "grapevine_version": env!("CARGO_PKG_VERSION"),
        "scenario_file": s.source.display().to_string(),
        "title": s.title,
        "seed": s.seed,
        "overrides": s.overrides,
        "variant_set_wins": crate::scenario::setting::set_conflicts(s),
        "story_reach_sampled": report.network.agents as usize > crate::model::REACH_TRACKED_AGENTS
            || report.variants.iter().flat_map(|v| &v.runs).any(Recorder::reach_sampled),
        "runs": s.runs,
        "ticks": s.ticks,
        "warmup": s.warmup,
        "tick_unit": s.tick_unit,
        "network": report.network,
        "variants": variants,
        "model": s.baseline().model,
        "metrics": report.measures(),
        "scenario": s,
    });
    let mut text = serde_json::to_string_pretty(&summary).unwrap_or_default();
    text.push('\n');
    text
}
