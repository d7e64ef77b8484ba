//! The figures people read: a final value with its 90% band, a what-if's
//! paired difference from its reference, a variant's headlines, the reach
//! of its stories and what its customers are worth.
//!
//! Differences are paired replication by replication: replication r of
//! every variant draws the same numbers where they do not differ, so a
//! difference's band is of the change's effect, not of luck.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Band, Results, VariantResult};
use crate::catalog::ModelKind;
use crate::measures::Measure;
use crate::record::Recorder;
use crate::scenario::Variant;

/// A final figure of the whole population across a variant's replications.
pub fn final_band(v: &VariantResult, measure: Measure) -> Band {
    final_band_in(v, 0, measure)
}

/// A final figure of one slot (0 everyone, then each group in the
/// scenario's order) across a variant's replications.
pub fn final_band_in(v: &VariantResult, slot: usize, measure: Measure) -> Band {
    let mut values: Vec<f64> = v
        .runs
        .iter()
        .filter_map(|r| Some(r.final_value(slot, r.position(measure)?)))
        .collect();
    Band::of(&mut values)
}

/// A flow's running total, tick by tick, across a variant's replications:
/// each run's total so far, then the mean and band of those (tick 0 is 0:
/// nothing recorded has happened yet).
pub fn running_total(v: &VariantResult, measure: Measure) -> Vec<Band> {
    let ticks = v.runs.first().map_or(0, |r| r.frames.len());
    super::band::bands_of(v.runs.len(), ticks, |k| {
        let r = &v.runs[k];
        let Some(m) = r.position(measure) else {
            return vec![f64::NAN; ticks];
        };
        let mut total = 0.0;
        (0..ticks)
            .map(|t| {
                if t > 0 {
                    total += r.value(t, 0, m);
                }
                total
            })
            .collect()
    })
}

/// What-if minus reference for a final figure, replication by replication.
pub fn difference_band(v: &VariantResult, base: &VariantResult, measure: Measure) -> Band {
    let mut values: Vec<f64> = v
        .runs
        .iter()
        .zip(&base.runs)
        .filter_map(|(a, b)| {
            Some(a.final_value(0, a.position(measure)?) - b.final_value(0, b.position(measure)?))
        })
        .collect();
    Band::of(&mut values)
}

/// A variant's headline figures (its model's), each with its band; none
/// where the variant cannot produce the measure.
pub fn headlines(
    v: &VariantResult,
    spec: &Variant,
    kind: ModelKind,
) -> Vec<(Measure, Option<Band>)> {
    kind.declaration()
        .headlines
        .iter()
        .map(|&m| (m, spec.produces(m).then(|| final_band(v, m))))
        .collect()
}

/// The figures whose difference its model gives, each with its band.
pub fn differences(
    v: &VariantResult,
    base: &VariantResult,
    kind: ModelKind,
) -> Vec<(Measure, Band)> {
    kind.declaration()
        .differences
        .iter()
        .map(|&m| (m, difference_band(v, base, m)))
        .collect()
}

/// The measure a comparison's finding is stated in: customers if the
/// scenario compares them, else the first it compares.
pub fn finding_measure(results: &Results<'_>) -> Option<Measure> {
    let compared = &results.scenario.compare;
    compared
        .iter()
        .copied()
        .find(|&m| m == Measure::Customers)
        .or_else(|| compared.first().copied())
}

/// How far one valence of a variant's stories travelled.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReachSummary {
    /// Stories followed over all replications.
    pub stories: usize,
    /// People reached per story, over all of them.
    pub mean_people_reached: f64,
    /// People reached per story, a replication's mean, with its band.
    pub mean_people_reached_per_run: Band,
    /// The most people one story reached.
    pub most_people_reached: u32,
}

/// The reach of a variant's bad (or good) stories.
pub fn reach(v: &VariantResult, bad: bool) -> ReachSummary {
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
    ReachSummary {
        stories,
        mean_people_reached: if stories == 0 {
            0.0
        } else {
            all / stories as f64
        },
        mean_people_reached_per_run: Band::of(&mut means),
        most_people_reached: per_run.iter().map(|p| p.2).max().unwrap_or(0),
    }
}

/// How many of a variant's bad (or good) stories reached each number of
/// people, over all replications.
pub fn reach_histogram(v: &VariantResult, bad: bool) -> BTreeMap<u32, u64> {
    let mut counts = BTreeMap::new();
    for s in v
        .runs
        .iter()
        .flat_map(|r| &r.reach)
        .filter(|s| s.bad == bad)
    {
        *counts.entry(s.people).or_default() += 1;
    }
    counts
}

/// Failures not recovered, in total over a replication.
fn unrecovered(r: &Recorder) -> f64 {
    let total = |m| r.position(m).map_or(0.0, |i| r.final_value(0, i));
    total(Measure::Failures) - total(Measure::Recoveries)
}

/// What a variant's customers are worth, and what each unrecovered
/// failure cost against its reference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ValueSummary {
    pub value: Band,
    pub unrecovered_failures: Band,
    /// Present for a what-if when either side puts a value on customers;
    /// none when the unrecovered failures do not differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_lost_per_unrecovered_failure: Option<Option<f64>>,
}

/// Customer value, and what each unrecovered failure cost against the
/// baseline: the value lost (baseline minus what-if) over the extra
/// unrecovered failures (what-if minus baseline), means over paired
/// replications. It charges the whole difference in value to failures, so
/// it means most when failures are what the variants change.
pub fn value(v: &VariantResult, base: &VariantResult) -> ValueSummary {
    let mut failures: Vec<f64> = v.runs.iter().map(unrecovered).collect();
    let total = final_band(v, Measure::Value);
    let valued = total.mean != 0.0 || final_band(base, Measure::Value).mean != 0.0;
    let per_failure = (!std::ptr::eq(v, base) && valued).then(|| {
        let dv = difference_band(v, base, Measure::Value).mean;
        let df: f64 = v
            .runs
            .iter()
            .zip(&base.runs)
            .map(|(a, b)| unrecovered(a) - unrecovered(b))
            .sum::<f64>()
            / v.runs.len() as f64;
        (df.abs() > 0.0).then(|| -dv / df)
    });
    ValueSummary {
        value: total,
        unrecovered_failures: Band::of(&mut failures),
        value_lost_per_unrecovered_failure: per_failure,
    }
}
