//! `timeseries.csv`, `runs.csv` and `summary.json`.

use std::fmt::Write;

use serde_json::{Value, json};

use super::{Report, VariantResult, num};
use crate::catalog::ModelKind;
use crate::measures::Measure;
use crate::metrics::{Band, Recorder};

/// Long form: one row per variant, group, tick and metric.
pub fn timeseries_csv(report: &Report<'_>) -> String {
    let mut out = String::from("variant,group,tick,metric,mean,p05,p95\n");
    let slots = report.slots();
    for v in &report.variants {
        for (s, group) in slots.iter().enumerate() {
            for (t, frame) in v.aggregate.bands.iter().enumerate() {
                for (m, band) in frame[s].iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "{},{},{},{},{},{},{}",
                        v.name,
                        group,
                        t,
                        report.metrics()[m].name(),
                        num(band.mean),
                        num(band.p05),
                        num(band.p95)
                    );
                }
            }
        }
    }
    out
}

/// One row per replication: its final figures for the whole population.
pub fn runs_csv(report: &Report<'_>) -> String {
    let mut out = String::from("variant,run,seed");
    let list = report.metrics();
    for m in list {
        out.push(',');
        out.push_str(&m.final_column());
    }
    out.push('\n');
    for v in &report.variants {
        for (r, rec) in v.runs.iter().enumerate() {
            let _ = write!(out, "{},{},{}", v.name, r, report.scenario.seed);
            for m in 0..list.len() {
                let _ = write!(out, ",{}", num(rec.final_value(0, m)));
            }
            out.push('\n');
        }
    }
    out
}

/// A final figure of the whole population across a variant's replications.
pub fn final_band(v: &VariantResult, metric: Measure) -> Band {
    let mut values: Vec<f64> = v
        .runs
        .iter()
        .filter_map(|r| Some(r.final_value(0, r.position(metric)?)))
        .collect();
    Band::of(&mut values)
}

/// What-if minus baseline for a final figure, replication by replication:
/// replication r of each variant draws the same numbers where they do not
/// differ, so the band is of the change's effect, not of luck.
pub fn difference_band(v: &VariantResult, base: &VariantResult, metric: Measure) -> Band {
    let mut values: Vec<f64> = v
        .runs
        .iter()
        .zip(&base.runs)
        .filter_map(|(a, b)| {
            Some(a.final_value(0, a.position(metric)?) - b.final_value(0, b.position(metric)?))
        })
        .collect();
    Band::of(&mut values)
}

/// Failures not recovered, in total over a replication.
fn unrecovered(r: &Recorder) -> f64 {
    let total = |m| r.position(m).map_or(0.0, |i| r.final_value(0, i));
    total(Measure::Failures) - total(Measure::Recoveries)
}

/// Reach figures for one valence: stories tracked over all replications,
/// the mean reach (band across replications), the largest.
fn reach_summary(v: &VariantResult, bad: bool) -> Value {
    let per_run: Vec<(usize, f64, u32)> = v
        .runs
        .iter()
        .map(|r| {
            let people: Vec<u32> = r
                .reach
                .iter()
                .filter(|s| s.bad == bad)
                .map(|s| s.people)
                .collect();
            let mean = if people.is_empty() {
                0.0
            } else {
                people.iter().map(|&p| f64::from(p)).sum::<f64>() / people.len() as f64
            };
            (
                people.len(),
                mean,
                people.iter().copied().max().unwrap_or(0),
            )
        })
        .collect();
    let stories: usize = per_run.iter().map(|p| p.0).sum();
    let all: f64 = v
        .runs
        .iter()
        .flat_map(|r| r.reach.iter().filter(|s| s.bad == bad))
        .map(|s| f64::from(s.people))
        .sum();
    let mut means: Vec<f64> = per_run.iter().map(|p| p.1).collect();
    json!({
        "stories": stories,
        "mean_people_reached": if stories == 0 { 0.0 } else { all / stories as f64 },
        "mean_people_reached_per_run": Band::of(&mut means),
        "most_people_reached": per_run.iter().map(|p| p.2).max().unwrap_or(0),
    })
}

/// The reach histogram: how many stories reached each number of people,
/// over all replications.
pub fn reach_csv(report: &Report<'_>) -> String {
    let mut out = String::from("variant,story,people_reached,stories\n");
    for v in &report.variants {
        for (bad, label) in [(false, "good"), (true, "bad")] {
            let mut counts: std::collections::BTreeMap<u32, u64> = Default::default();
            for s in v
                .runs
                .iter()
                .flat_map(|r| &r.reach)
                .filter(|s| s.bad == bad)
            {
                *counts.entry(s.people).or_default() += 1;
            }
            for (people, stories) in counts {
                let _ = writeln!(out, "{},{label},{people},{stories}", v.name);
            }
        }
    }
    out
}

/// A variant's headline figures, each with its band.
pub fn headlines(v: &VariantResult, kind: ModelKind) -> Value {
    let mut map = serde_json::Map::new();
    for &m in kind.declaration().headlines {
        map.insert(m.headline_key(), json!(final_band(v, m)));
    }
    Value::Object(map)
}

/// The headlines' differences from the baseline, each with its band.
pub fn differences(v: &VariantResult, base: &VariantResult, kind: ModelKind) -> Value {
    let mut map = serde_json::Map::new();
    for &m in kind.declaration().differences {
        map.insert(m.headline_key(), json!(difference_band(v, base, m)));
    }
    Value::Object(map)
}

/// Customer value, and what each unrecovered failure cost against the
/// baseline: the value lost (baseline minus what-if) over the extra
/// unrecovered failures (what-if minus baseline), means over paired
/// replications. It charges the whole difference in value to failures, so
/// it means most when failures are what the variants change.
fn value(v: &VariantResult, base: &VariantResult) -> Value {
    let mut failures: Vec<f64> = v.runs.iter().map(unrecovered).collect();
    let total = final_band(v, Measure::Value);
    let mut out = json!({
        "total_value": total,
        "unrecovered_failures": Band::of(&mut failures),
    });
    let valued = total.mean != 0.0 || final_band(base, Measure::Value).mean != 0.0;
    if !std::ptr::eq(v, base) && valued {
        let dv = difference_band(v, base, Measure::Value).mean;
        let df: f64 = v
            .runs
            .iter()
            .zip(&base.runs)
            .map(|(a, b)| unrecovered(a) - unrecovered(b))
            .sum::<f64>()
            / v.runs.len() as f64;
        out["value_lost_per_unrecovered_failure"] = if df.abs() > 0.0 {
            json!(-dv / df)
        } else {
            Value::Null
        };
    }
    out
}

/// The scenario as resolved, the seed, the version, and the headlines. It
/// holds nothing that varies between identical runs (no times, no thread
/// counts), so it is byte-identical too.
pub fn summary_json(report: &Report<'_>) -> String {
    let s = report.scenario;
    let base = &report.variants[0];
    let kind = s.baseline().model.kind();
    let variants: Vec<Value> = report
        .variants
        .iter()
        .zip(&s.variants)
        .map(|(v, spec)| {
            let mut entry = json!({
                "name": v.name,
                "description": spec.description,
                "changes": spec.changes,
                "warmed_up_as": if spec.shares_warmup(s.baseline()) { "baseline" } else { "itself" },
                "headline": headlines(v, kind),
            });
            if kind.declaration().stories {
                entry["story_reach"] =
                    json!({ "good": reach_summary(v, false), "bad": reach_summary(v, true) });
            }
            if kind.records(Measure::Value) {
                entry["value"] = value(v, base);
            }
            if !std::ptr::eq(v, base) {
                entry["difference_from_baseline"] = differences(v, base, kind);
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
        "story_reach_sampled": report.network.agents as usize > crate::model::REACH_TRACKED_AGENTS
            || report.variants.iter().flat_map(|v| &v.runs).any(Recorder::reach_sampled),
        "runs": s.runs,
        "ticks": s.ticks,
        "warmup": s.warmup,
        "tick_unit": s.tick_unit,
        "network": report.network,
        "variants": variants,
        "model": s.baseline().model,
        "metrics": report.metrics(),
        "scenario": s,
    });
    let mut text = serde_json::to_string_pretty(&summary).unwrap_or_default();
    text.push('\n');
    text
}
