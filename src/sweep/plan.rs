//! A sweep prepared from what was asked: the scenario at every point
//! (`--set` first, then the point's values), the variants and measures
//! chosen, and the [`Plan`] every shard must agree on. The command line
//! only parses flags into a [`Request`].

use std::path::Path;

use super::{Design, Param, Plan, check_params, points};
use crate::error::Error;
use crate::measures::Measure;
use crate::scenario::setting::{Setting, conflicts};
use crate::scenario::{self, Override, Scenario};

/// What to sweep.
pub struct Request<'a> {
    pub scenario: &'a Path,
    /// `--param` values (a grid), or empty with a design.
    pub params: Vec<Param>,
    /// Design points from a file, instead of a grid.
    pub design: Option<Design>,
    /// `--set` values, for every point.
    pub set: &'a [Override],
    /// `--variants`: the names of the variants to sweep (all when none).
    pub variants: Option<&'a str>,
    /// `--metric`: the measures to record (the default when none).
    pub metrics: Option<&'a str>,
    /// `--group`: groups recorded beside everyone (none when none).
    pub groups: Option<&'a str>,
    pub per_run: bool,
    /// Changes every point's scenario after reading (`--runs`, `--seed`).
    pub adjust: &'a dyn Fn(&mut Scenario),
}

/// A sweep ready to run: its plan, the scenario at each point, and the
/// scenario's index of each of the plan's variants.
pub struct Prepared {
    pub plan: Plan,
    pub scenarios: Vec<Scenario>,
    pub variants: Vec<usize>,
}

/// Reads the scenario at every point and makes the plan.
pub fn prepare(r: &Request<'_>) -> Result<Prepared, Error> {
    let params = match &r.design {
        Some(d) if !r.params.is_empty() => {
            return Err(Error::Usage(format!(
                "--design {} and --param both give the points; add the --param values as a column of the design",
                d.file
            )));
        }
        Some(d) => d.params(),
        None => r.params.clone(),
    };
    if params.is_empty() {
        return Err(Error::Usage(
            "a sweep needs --param PATH=V1,V2,... or --design FILE.csv".into(),
        ));
    }
    check_params(&params, r.set).map_err(Error::Usage)?;
    let count = match &r.design {
        Some(d) => d.rows.len(),
        None => super::grid_size(&params).unwrap_or(usize::MAX),
    };
    if count > super::design::MAX_POINTS {
        return Err(Error::Usage(format!(
            "this grid has more than {} points; sweep fewer values (or give the points you want with --design FILE.csv)",
            super::design::MAX_POINTS
        )));
    }
    let points = match &r.design {
        Some(d) => d.rows.clone(),
        None => points(&params),
    };
    // The file is read once: every point parses the same text (and a file
    // changed while the points are read cannot mix two versions).
    let text = Scenario::read(r.scenario, r.set)?.text;
    let mut scenarios = Vec::with_capacity(points.len());
    for (i, point) in points.iter().enumerate() {
        let mut set = r.set.to_vec();
        for (p, value) in params.iter().zip(point) {
            let o = match &r.design {
                Some(_) => {
                    Override::parse_arg(&format!("{}={}", p.path, super::design::as_setting(value)))
                        .map(Override::designed)
                }
                None => Override::parse_arg(&format!("{}={value}", p.path)).map(Override::swept),
            };
            set.push(o.map_err(Error::Usage)?);
        }
        let mut s = Scenario::parse_with(&text, r.scenario, &set).map_err(|e| match &r.design {
            Some(d) => Error::Usage(format!(
                "{}:{}: this point cannot run:\n{e}",
                d.file, d.lines[i]
            )),
            None => Error::Input(e),
        })?;
        (r.adjust)(&mut s);
        scenarios.push(s);
    }
    let first = &scenarios[0];
    let chosen = variants(first, r.variants)?;
    let metrics = metrics(first, r.metrics)?;
    let groups = groups(first, r.groups)?;
    let mut paths: Vec<(Setting, &str)> = params
        .iter()
        .map(|p| (Setting::parse(&p.path), "sweep"))
        .collect();
    paths.extend(r.set.iter().map(|x| (Setting::of(x.path()), "set")));
    let plan = Plan {
        grapevine_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_file: first.source.display().to_string(),
        scenario_text: first.text.clone(),
        title: first.title.clone(),
        seed: first.seed,
        runs: first.runs,
        metrics: metrics.iter().map(|m| m.name().to_string()).collect(),
        per_run: r.per_run,
        groups,
        params,
        design: r.design.clone(),
        set: r.set.iter().map(super::SetValue::of).collect(),
        variants: chosen
            .iter()
            .map(|&v| first.variants[v].name.clone())
            .collect(),
        reference: chosen.iter().position(|&v| v == 0),
        conflicts: conflicts(first, &chosen, &paths),
    };
    plan.check_size().map_err(Error::Usage)?;
    Ok(Prepared {
        plan,
        scenarios,
        variants: chosen,
    })
}

/// The scenario's indices of the variants named (all when none are), in
/// the scenario's order.
pub fn variants(s: &Scenario, names: Option<&str>) -> Result<Vec<usize>, Error> {
    let Some(names) = names else {
        return Ok((0..s.variants.len()).collect());
    };
    let all: Vec<&str> = s.variants.iter().map(|v| v.name.as_str()).collect();
    let mut out = Vec::new();
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let Some(i) = all.iter().position(|v| *v == name) else {
            return Err(Error::Usage(format!(
                "--variants names `{name}`, which is not a variant of this scenario; allowed: {}",
                all.join(", ")
            )));
        };
        if !out.contains(&i) {
            out.push(i);
        }
    }
    if out.is_empty() {
        return Err(Error::Usage("--variants names no variant".to_string()));
    }
    out.sort_unstable();
    Ok(out)
}

/// The groups named (comma-separated), each a group of the scenario, once.
pub fn groups(s: &Scenario, named: Option<&str>) -> Result<Vec<String>, Error> {
    let Some(names) = named else {
        return Ok(Vec::new());
    };
    let all: Vec<&str> = s
        .baseline()
        .groups
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    let mut out: Vec<String> = Vec::new();
    for name in names.split(',').map(str::trim) {
        if !all.contains(&name) {
            let near = scenario::error::did_you_mean(name, all.iter().copied())
                .map_or(String::new(), |n| {
                    format!("\n  = help: did you mean `{n}`?")
                });
            return Err(Error::Usage(format!(
                "--group `{name}` is not a group of this scenario; allowed: {}{near}",
                all.join(", ")
            )));
        }
        if out.iter().any(|g| g == name) {
            return Err(Error::Usage(format!("--group names `{name}` twice")));
        }
        out.push(name.to_string());
    }
    Ok(out)
}

/// The measures a sweep records: those named (comma-separated), or the
/// model's main sweep measure (charted as `sweep.png`) and the rest of the
/// scenario's compare list.
pub fn metrics(s: &Scenario, named: Option<&str>) -> Result<Vec<Measure>, Error> {
    let kind = s.baseline().model.kind();
    let Some(names) = named else {
        let main = kind.declaration().sweep;
        let mut all = vec![main];
        all.extend(s.compare.iter().copied().filter(|&m| m != main));
        return Ok(all);
    };
    let mut out: Vec<Measure> = Vec::new();
    for name in names.split(',').map(str::trim) {
        let m = Measure::parse(name)
            .filter(|&m| kind.records(m))
            .ok_or_else(|| {
                let names: Vec<&str> = kind.measures().iter().map(|m| m.name()).collect();
                let meant = Measure::meant(name)
                    .filter(|&m| kind.records(m))
                    .map(|m| m.name());
                let near = meant
                    .or_else(|| scenario::error::did_you_mean(name, names.iter().copied()))
                    .map_or(String::new(), |n| {
                        format!("\n  = help: did you mean `{n}`?")
                    });
                Error::Usage(format!(
                    "--metric `{name}` is not a measure of this model; allowed: {}{near}",
                    names.join(", ")
                ))
            })?;
        if out.contains(&m) {
            return Err(Error::Usage(format!("--metric names `{name}` twice")));
        }
        out.push(m);
    }
    Ok(out)
}
