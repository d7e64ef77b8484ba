//! Sweeps: a scenario run at every combination of some parameters' values
//! (a grid), or at each point of a design file ([`design`]), the measures'
//! final figures recorded for each replication of each variant at each
//! point.
//!
//! The work is a list of units, (point, variant, replication), in that
//! order. A whole sweep runs them all; `--shard K/N` runs the K-th of N
//! balanced, contiguous slices of the list and writes what each unit gave
//! to `shard.json`; `grapevine merge` reads the shards back. Both paths
//! end in [`assemble`], from the same numbers (each replication draws the
//! same keyed streams wherever it runs), so a merged sweep writes exactly
//! the files of the whole one.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::measures::Measure;
use crate::pipeline::{self, Part, RunOptions};
use crate::results::Band;
pub use crate::scenario::setting::Conflict;
use crate::scenario::setting::Setting;
use crate::scenario::{Override, Scenario};

pub mod design;
pub mod merge;
pub mod plan;

pub use design::Design;
pub use plan::{Prepared, Request, prepare};

/// One swept parameter: its dotted path and its values as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Param {
    pub path: String,
    pub values: Vec<String>,
}

/// What a sweep cannot vary, and what to do instead.
const NOT_SWEPT: &[(&str, &str)] = &[
    (
        "runs",
        "every point runs the same replications; give their number with --runs N",
    ),
    (
        "seed",
        "every point uses the same seed, so that points differ only by the swept values (common random numbers); for another seed, run the sweep again with --seed N",
    ),
];

impl Param {
    /// Reads `PATH=V1,V2,...` as `--param` gives it: at least one value,
    /// none empty (a trailing comma) or repeated, and a path a sweep can
    /// vary.
    pub fn parse(text: &str) -> Result<Param, String> {
        let (path, values) = text.split_once('=').ok_or_else(|| {
            format!("--param `{text}` is not PATH=V1,V2,... (for example telling.bad.max=5,10,20)")
        })?;
        let path = path.trim().to_string();
        let values = split_values(values);
        if values.iter().all(String::is_empty) {
            return Err(format!("--param `{text}` lists no values"));
        }
        if values.iter().any(String::is_empty) {
            return Err(format!(
                "--param `{text}` has an empty value (a comma too many?); list the values as V1,V2,..."
            ));
        }
        if let Some(twice) = values
            .iter()
            .enumerate()
            .find_map(|(i, v)| values[..i].contains(v).then_some(v))
        {
            return Err(format!(
                "--param `{text}` lists `{twice}` twice; each point once"
            ));
        }
        if let Some((_, instead)) = NOT_SWEPT.iter().find(|(p, _)| *p == path) {
            return Err(format!("--param `{path}` cannot be swept: {instead}"));
        }
        Ok(Param { path, values })
    }
}

/// Splits `1,2,{ kind = "fixed", k = 3 }` at the commas outside braces,
/// brackets and quotes.
pub fn split_values(text: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth, mut quoted) = (Vec::new(), String::new(), 0i32, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '{' | '[' if !quoted => depth += 1,
            '}' | ']' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(std::mem::take(&mut cur).trim().to_string());
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur.trim().to_string());
    out
}

/// Refuses parameters given twice, or also given with `--set`: one value
/// would silently hide the other.
pub fn check_params(params: &[Param], set: &[crate::scenario::Override]) -> Result<(), String> {
    for (i, p) in params.iter().enumerate() {
        let here = Setting::parse(&p.path);
        if let Some(q) = params[..i]
            .iter()
            .find(|q| Setting::parse(&q.path).overlaps(&here))
        {
            return Err(if q.path == p.path {
                format!(
                    "--param `{}` is given twice; list all its values in one --param",
                    p.path
                )
            } else {
                format!(
                    "--param `{}` and --param `{}` set the same value; sweep one of them",
                    q.path, p.path
                )
            });
        }
        if let Some(o) = set.iter().find(|o| Setting::of(o.path()).overlaps(&here)) {
            return Err(format!(
                "--set {} and --param `{}` set the same value, and one would hide the other; give it once",
                o.describe(),
                p.path
            ));
        }
    }
    Ok(())
}

/// A `--set` value of a sweep: its dotted path and its value as TOML
/// writes it. In a plan's JSON it is one string, `path = value`, as the
/// summary and the messages say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetValue {
    pub path: String,
    pub value: String,
}

impl SetValue {
    pub fn of(o: &Override) -> SetValue {
        SetValue {
            path: o.dotted(),
            value: crate::scenario::overrides::inline(o.value()),
        }
    }
}

impl std::fmt::Display for SetValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} = {}", self.path, self.value)
    }
}

impl Serialize for SetValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SetValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let (path, value) = text
            .split_once(" = ")
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not `path = value`")))?;
        Ok(SetValue {
            path: path.to_string(),
            value: value.to_string(),
        })
    }
}

/// What a sweep is: everything a shard must agree on to be merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub grapevine_version: String,
    pub scenario_file: String,
    /// The scenario file's text, as it was read.
    pub scenario_text: String,
    pub title: String,
    pub seed: u64,
    pub runs: u32,
    /// The measures recorded at every point, by name; the first is charted
    /// in `sweep.png`, each other in `sweep-NAME.png`.
    pub metrics: Vec<String>,
    /// Groups recorded beside everyone (`--group`), by name; each
    /// measure is recorded for `all`, then for each of them.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Whether to write every replication's final figures too
    /// (`sweep_runs.csv`, `--per-run`).
    #[serde(default)]
    pub per_run: bool,
    /// The swept paths: a grid's, with its values; a design's columns,
    /// with each column's distinct values.
    pub params: Vec<Param>,
    /// The design points, when they come from a file rather than a grid.
    #[serde(default)]
    pub design: Option<Design>,
    /// `--set` values, each written in the plan as `path = value`.
    pub set: Vec<SetValue>,
    /// The variants swept, by name, in the scenario's order.
    pub variants: Vec<String>,
    /// Which of them is the baseline, the what-ifs' reference for paired
    /// differences (none when `--variants` leaves it out).
    #[serde(default)]
    pub reference: Option<usize>,
    /// Paths that a swept variant sets itself (its own value wins there).
    pub conflicts: Vec<Conflict>,
}

/// One unit of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// Index into [`points`].
    pub point: usize,
    /// Index into the plan's variants.
    pub variant: usize,
    pub replication: u32,
}

/// What a unit gave: each measure's final figure, in the plan's order,
/// for everyone, then for each of the plan's groups in turn; nothing where
/// the variant cannot produce the measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub point: usize,
    pub variant: usize,
    pub replication: u32,
    pub values: Vec<Option<f64>>,
}

/// Every combination of the parameters' values, the first parameter
/// changing slowest.
pub fn points(params: &[Param]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for p in params {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                p.values.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v.clone());
                    next
                })
            })
            .collect();
    }
    out
}

/// The most units (point × variant × replication) a sweep may have: ten
/// million runs is weeks of work, and its lists already take hundreds of
/// megabytes, so more is refused before anything is allocated.
pub const MAX_UNITS: usize = 10_000_000;

/// How many points a grid has, if it can be counted.
pub fn grid_size(params: &[Param]) -> Option<usize> {
    params
        .iter()
        .try_fold(1usize, |n, p| n.checked_mul(p.values.len()))
}

impl Plan {
    /// How many units the sweep has, if it can be counted.
    pub fn size(&self) -> Option<usize> {
        let points = match &self.design {
            Some(d) => Some(d.rows.len()),
            None => grid_size(&self.params),
        }?;
        points
            .checked_mul(self.variants.len())?
            .checked_mul(self.runs as usize)
    }

    /// Refuses a plan whose parts do not fit together (a shard file edited
    /// by hand, or damaged): a reference that is not one of its variants,
    /// design rows without a value per column, no measure.
    pub fn check_shape(&self) -> Result<(), String> {
        let bad = |what: &str| Err(format!("a shard's plan is not one grapevine wrote: {what}"));
        if self.variants.is_empty() || self.metrics.is_empty() || self.params.is_empty() {
            return bad("it sweeps no variant, measure or parameter");
        }
        if self.reference.is_some_and(|r| r >= self.variants.len()) {
            return bad("its reference is not one of its variants");
        }
        if let Some(d) = &self.design
            && (d.paths.len() != self.params.len()
                || d.rows.iter().any(|r| r.len() != d.paths.len()))
        {
            return bad("its design has rows without a value per column");
        }
        Ok(())
    }

    /// Refuses a sweep of more than [`MAX_UNITS`] units.
    pub fn check_size(&self) -> Result<usize, String> {
        match self.size() {
            Some(n) if n <= MAX_UNITS => Ok(n),
            _ => Err(format!(
                "this sweep is more than {MAX_UNITS} runs (points x variants x runs); sweep fewer values, variants or runs, or split it into several sweeps"
            )),
        }
    }

    /// The points swept, a value per parameter each: the design's rows, or
    /// every combination of the grid's values.
    pub fn points(&self) -> Vec<Vec<String>> {
        match &self.design {
            Some(d) => d.rows.clone(),
            None => points(&self.params),
        }
    }

    /// The groups recorded: `all`, then those `--group` named.
    pub fn slots(&self) -> Vec<&str> {
        std::iter::once("all")
            .chain(self.groups.iter().map(String::as_str))
            .collect()
    }

    /// How many figures a unit records: each measure for each group.
    pub fn series(&self) -> usize {
        self.metrics.len() * (1 + self.groups.len())
    }

    /// Every unit, in order: point, then variant, then replication.
    pub fn units(&self) -> Vec<Unit> {
        let points = self.points().len();
        let mut out = Vec::with_capacity(points * self.variants.len() * self.runs as usize);
        for point in 0..points {
            for variant in 0..self.variants.len() {
                for replication in 0..self.runs {
                    out.push(Unit {
                        point,
                        variant,
                        replication,
                    });
                }
            }
        }
        out
    }
}

/// `--shard K/N`: the K-th (from 1) of N parts of a sweep's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl Shard {
    /// Reads `K/N`, with 1 <= K <= N <= 1,000,000.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("`{text}` is not K/N with 1 <= K <= N (for example --shard 3/10)");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (k, n): (usize, usize) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if k == 0 || k > n || n > 1_000_000 {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

/// The units of shard `k` (from 1) of `n`: a contiguous slice, the slices'
/// sizes differing by at most one.
pub fn shard(total: usize, k: usize, n: usize) -> Range<usize> {
    let at = |i: usize| i * total / n;
    at(k - 1)..at(k)
}

/// Runs `units` (all at one point of the grid, or several), with
/// `scenarios[point]` the scenario at each point and `variants` the
/// scenario's indices of the plan's variants.
pub fn run_units(
    plan: &Plan,
    scenarios: &[Scenario],
    variants: &[usize],
    units: &[Unit],
    o: &RunOptions<'_>,
    on_point: &dyn Fn(usize),
) -> Result<Vec<Outcome>, Error> {
    let metrics = plan
        .metrics
        .iter()
        .map(|name| {
            Measure::parse(name).ok_or_else(|| Error::Other(format!("`{name}` is not a measure")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(units.len());
    // Each group's slot in a run's record: everyone first, then the
    // scenario's groups in their order.
    let slots: Vec<usize> = std::iter::once(Ok(0))
        .chain(plan.groups.iter().map(|name| {
            scenarios[0]
                .baseline()
                .groups
                .iter()
                .position(|g| &g.name == name)
                .map(|i| i + 1)
                .ok_or_else(|| Error::Other(format!("`{name}` is not a group")))
        }))
        .collect::<Result<_, _>>()?;
    let mut rest = units;
    while let Some(first) = rest.first() {
        let point = first.point;
        let here = rest.iter().take_while(|u| u.point == point).count();
        let (now, later) = rest.split_at(here);
        rest = later;
        // Contiguous replications of one variant make one part.
        let mut parts: Vec<(usize, Part)> = Vec::new();
        for u in now {
            match parts.last_mut() {
                Some((v, p)) if *v == u.variant && p.first + p.runs == u.replication => p.runs += 1,
                _ => parts.push((
                    u.variant,
                    Part {
                        variant: variants[u.variant],
                        first: u.replication,
                        runs: 1,
                    },
                )),
            }
        }
        let s = &scenarios[point];
        let list: Vec<Part> = parts.iter().map(|(_, p)| *p).collect();
        let report = pipeline::simulate_parts(s, o, &list)?;
        for ((v, part), result) in parts.iter().zip(&report.variants) {
            let spec = &s.variants[part.variant];
            let at: Vec<Option<usize>> = metrics
                .iter()
                .map(|&m| result.runs[0].position(m).filter(|_| spec.produces(m)))
                .collect();
            for rec in &result.runs {
                out.push(Outcome {
                    point,
                    variant: *v,
                    replication: rec.replication,
                    values: slots
                        .iter()
                        .flat_map(|&slot| {
                            at.iter().map(move |m| m.map(|m| rec.final_value(slot, m)))
                        })
                        .collect(),
                });
            }
        }
        on_point(point);
    }
    Ok(out)
}

/// One point of the grid and each variant's final figures over the runs.
#[derive(Debug, Clone)]
pub struct Row {
    pub values: Vec<String>,
    /// Per series (each plan measure for everyone, then each measure for
    /// each plan group), then per plan variant: the band, or nothing where
    /// the variant cannot produce the measure.
    pub bands: Vec<Vec<Option<Band>>>,
    /// Likewise, each what-if's paired difference from the plan's
    /// reference: replication r's figure minus the reference's
    /// replication r (both drew the same random numbers where they do not
    /// differ), then their mean and band. None for the reference itself,
    /// without a reference, or where either cannot produce the measure.
    pub differences: Vec<Vec<Option<Band>>>,
}

/// The sweep's table from every unit's outcome, whatever order they came
/// in. Every unit must be there once.
pub fn assemble(plan: &Plan, outcomes: &[Outcome]) -> Result<Vec<Row>, Error> {
    plan.check_shape().map_err(Error::Usage)?;
    let size = plan.check_size().map_err(Error::Usage)?;
    // Shards that hold far fewer runs than their plan says are not the
    // whole split; refused before a table of the plan's size is made.
    if size > outcomes.len().saturating_mul(2).saturating_add(1000) {
        return Err(Error::Usage(format!(
            "the shards hold {} of the sweep's {size} runs; merge every shard of the split",
            outcomes.len()
        )));
    }
    let points = plan.points();
    let (nv, runs, nm) = (plan.variants.len(), plan.runs as usize, plan.series());
    let mut cells: Vec<Option<&[Option<f64>]>> = vec![None; points.len() * nv * runs];
    for o in outcomes {
        let at = (o.point * nv + o.variant) * runs + o.replication as usize;
        let slot = cells.get_mut(at).filter(|_| {
            o.point < points.len()
                && o.variant < nv
                && (o.replication as usize) < runs
                && o.values.len() == nm
        });
        match slot {
            Some(cell @ None) => *cell = Some(o.values.as_slice()),
            Some(Some(_)) => {
                return Err(Error::Usage(format!(
                    "the shards hold run {} of variant `{}` at point {} twice: a shard was given twice, or shards of different splits were mixed",
                    o.replication, plan.variants[o.variant], o.point
                )));
            }
            None => {
                return Err(Error::Usage(
                    "a shard holds work that is not part of this sweep".to_string(),
                ));
            }
        }
    }
    if let Some(missing) = cells.iter().position(Option::is_none) {
        let point = missing / (nv * runs);
        return Err(Error::Usage(format!(
            "the shards do not cover the sweep: run {} of variant `{}` at {} is missing; merge every shard of the split",
            missing % runs,
            plan.variants[(missing / runs) % nv],
            describe(&plan.params, &points[point])
        )));
    }
    let cell =
        |p: usize, v: usize, r: usize, m: usize| cells[(p * nv + v) * runs + r].and_then(|c| c[m]);
    let band = |xs: Vec<Option<f64>>| -> Option<Band> {
        let mut xs: Vec<f64> = xs.into_iter().collect::<Option<_>>()?;
        (!xs.is_empty()).then(|| Band::of(&mut xs))
    };
    Ok(points
        .into_iter()
        .enumerate()
        .map(|(p, values)| Row {
            values,
            bands: (0..nm)
                .map(|m| {
                    (0..nv)
                        .map(|v| band((0..runs).map(|r| cell(p, v, r, m)).collect()))
                        .collect()
                })
                .collect(),
            differences: (0..nm)
                .map(|m| {
                    (0..nv)
                        .map(|v| {
                            let base = plan.reference.filter(|&b| b != v)?;
                            band(
                                (0..runs)
                                    .map(|r| Some(cell(p, v, r, m)? - cell(p, base, r, m)?))
                                    .collect(),
                            )
                        })
                        .collect()
                })
                .collect(),
        })
        .collect())
}

/// `path = value, path = value` for a point.
pub fn describe(params: &[Param], values: &[String]) -> String {
    params
        .iter()
        .zip(values)
        .map(|(p, v)| format!("{} = {v}", p.path))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_is_every_combination_first_slowest() {
        let params = vec![
            Param {
                path: "a".into(),
                values: vec!["1".into(), "2".into()],
            },
            Param {
                path: "b".into(),
                values: vec!["x".into(), "y".into(), "z".into()],
            },
        ];
        let p = points(&params);
        assert_eq!(p.len(), 6);
        assert_eq!(p[0], ["1", "x"]);
        assert_eq!(p[2], ["1", "z"]);
        assert_eq!(p[3], ["2", "x"]);
    }

    #[test]
    fn shards_cover_every_unit_once_and_are_balanced() {
        for total in [0, 1, 7, 100, 101] {
            for n in 1..=9 {
                let slices: Vec<_> = (1..=n).map(|k| shard(total, k, n)).collect();
                assert_eq!(slices[0].start, 0);
                assert_eq!(slices[n - 1].end, total);
                for w in slices.windows(2) {
                    assert_eq!(w[0].end, w[1].start);
                }
                let sizes: Vec<usize> = slices.iter().map(|r| r.len()).collect();
                let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(hi - lo <= 1, "{total}/{n}: {sizes:?}");
            }
        }
    }
}
