//! `grapevine merge`: the shards of one sweep read back, checked to be
//! the whole split of one sweep (the values that differ named), and their
//! outcomes assembled as the whole sweep's.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Outcome, Param, Plan, Row, assemble};
use crate::error::Error;

/// The most bytes a `shard.json` may have: a shard of a very large sweep
/// (a million units) stays far below it.
pub const MAX_SHARD_BYTES: u64 = 1 << 30;

/// What one shard writes: the plan, which shard it is, and its outcomes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardFile {
    pub plan: Plan,
    pub shard: usize,
    pub shards: usize,
    /// The chart formats the merged sweep writes.
    pub formats: Vec<String>,
    pub outcomes: Vec<Outcome>,
}

/// Why two shards are not parts of one sweep, naming the values that
/// differ ("their seeds differ: 7 in the first, 8 in the second"); `None`
/// when they are. The scenario counts as the same when it says the same
/// (comments and layout aside), and the chart formats are the first
/// shard's: neither changes the simulation.
pub fn mismatch(a: &ShardFile, b: &ShardFile) -> Option<String> {
    let differ = |what: &str, x: String, y: String| {
        Some(format!(
            "their {what} differ: {x} in the first, {y} in the second"
        ))
    };
    let (p, q) = (&a.plan, &b.plan);
    if p.grapevine_version != q.grapevine_version {
        return differ(
            "grapevine versions",
            p.grapevine_version.clone(),
            q.grapevine_version.clone(),
        );
    }
    let said = |text: &str| text.parse::<toml::Table>().ok();
    if p.scenario_file != q.scenario_file {
        return differ(
            "scenario files",
            p.scenario_file.clone(),
            q.scenario_file.clone(),
        );
    }
    // The same text is the same scenario, whatever it says; other text
    // must parse to the same values (a comment added between parts is
    // fine; text that does not parse is not grapevine's).
    if p.scenario_text != q.scenario_text
        && (said(&p.scenario_text).is_none() || said(&p.scenario_text) != said(&q.scenario_text))
    {
        return Some("their scenarios say different things (comments and layout aside)".into());
    }
    if p.design.is_some() != q.design.is_some() {
        return Some("one is a grid, the other a design from a file".into());
    }
    if let (Some(x), Some(y)) = (&p.design, &q.design)
        && (x.paths != y.paths || x.rows != y.rows)
    {
        let at = x.rows.iter().zip(&y.rows).position(|(a, b)| a != b);
        return Some(match at {
            _ if x.paths != y.paths => {
                differ("design columns", x.paths.join(","), y.paths.join(",")).unwrap_or_default()
            }
            Some(i) => differ(
                &format!("design points (the {} row)", ordinal(i + 1)),
                x.rows[i].join(","),
                y.rows[i].join(","),
            )
            .unwrap_or_default(),
            None => differ(
                "design lengths",
                format!("{} points", x.rows.len()),
                format!("{} points", y.rows.len()),
            )
            .unwrap_or_default(),
        });
    }
    if p.params != q.params {
        let show = |ps: &[Param]| {
            ps.iter()
                .map(|x| format!("{}={}", x.path, x.values.join(",")))
                .collect::<Vec<_>>()
                .join(" ")
        };
        return differ(
            "swept parameters or values",
            show(&p.params),
            show(&q.params),
        );
    }
    let list = |xs: &[String]| format!("[{}]", xs.join(", "));
    if p.set != q.set {
        let said =
            |xs: &[super::SetValue]| list(&xs.iter().map(ToString::to_string).collect::<Vec<_>>());
        return differ("--set values", said(&p.set), said(&q.set));
    }
    if p.variants != q.variants {
        return differ("variants", list(&p.variants), list(&q.variants));
    }
    if p.metrics != q.metrics {
        return differ("measures (--metric)", list(&p.metrics), list(&q.metrics));
    }
    if p.groups != q.groups {
        return differ("groups (--group)", list(&p.groups), list(&q.groups));
    }
    if p.per_run != q.per_run {
        return differ("--per-run", p.per_run.to_string(), q.per_run.to_string());
    }
    if p.seed != q.seed {
        return differ("seeds", p.seed.to_string(), q.seed.to_string());
    }
    if p.runs != q.runs {
        return differ("runs", p.runs.to_string(), q.runs.to_string());
    }
    if a.shards != b.shards {
        return differ(
            "splits (--shard K/N)",
            format!("N = {}", a.shards),
            format!("N = {}", b.shards),
        );
    }
    if p.conflicts != q.conflicts || p.title != q.title {
        return Some("their plans differ".into());
    }
    None
}

/// Checks that `parts` (each of one sweep) are its whole split, each once.
pub fn check_split(parts: &[&ShardFile]) -> Result<(), String> {
    let n = parts.first().map_or(0, |f| f.shards);
    for k in 1..=n {
        let count = parts.iter().filter(|f| f.shard == k).count();
        if count != 1 {
            return Err(format!(
                "shard {k} of {n} is given {count} times: merge each of the {n} shards once"
            ));
        }
    }
    if parts.len() != n {
        return Err(format!(
            "{} folders given for a sweep split into {n} shards",
            parts.len()
        ));
    }
    Ok(())
}

/// A sweep put back together from its shards' folders: the plan, the
/// chart formats the first shard was given, every outcome and the table.
pub struct Merged {
    pub plan: Plan,
    pub shards: usize,
    pub formats: Vec<String>,
    pub outcomes: Vec<Outcome>,
    pub rows: Vec<Row>,
}

/// Reads each folder's `shard.json`, checks that they are the whole split
/// of one sweep, each once, and assembles them.
pub fn merge(folders: &[PathBuf]) -> Result<Merged, Error> {
    let mut files: Vec<(PathBuf, ShardFile)> = Vec::new();
    for dir in folders {
        let path = dir.join("shard.json");
        files.push((path.clone(), read(&path)?));
    }
    let Some((first_path, first)) = files.first() else {
        return Err(Error::Usage("no shard folders given".into()));
    };
    for (path, f) in &files[1..] {
        if let Some(what) = mismatch(first, f) {
            return Err(Error::Usage(format!(
                "{} and {} are shards of different sweeps: {what}",
                first_path.display(),
                path.display()
            )));
        }
    }
    let parts: Vec<&ShardFile> = files.iter().map(|(_, f)| f).collect();
    check_split(&parts).map_err(Error::Usage)?;
    let (plan, shards, formats) = (first.plan.clone(), first.shards, first.formats.clone());
    let outcomes: Vec<Outcome> = files.into_iter().flat_map(|(_, f)| f.outcomes).collect();
    let rows = assemble(&plan, &outcomes)?;
    Ok(Merged {
        plan,
        shards,
        formats,
        outcomes,
        rows,
    })
}

fn read(path: &Path) -> Result<ShardFile, Error> {
    let text = crate::input::read_text(path, MAX_SHARD_BYTES).map_err(|e| {
        Error::Usage(format!(
            "{}: {}; give the folders `grapevine sweep --shard K/N` wrote",
            path.display(),
            e.describe("shard")
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "{}: not a shard grapevine wrote: {e}",
            path.display()
        ))
    })
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
