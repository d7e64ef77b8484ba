//! From a scenario checked as written to its variants and their timelines.
//!
//! Each variant, and each window of events within it, is the scenario's
//! document with some values set ([`overrides`]), read and checked again
//! in full, so a what-if meets exactly the rules the file does. A problem
//! found there is reported at the `set` entry that caused it.

use std::path::Path;

use toml::{Table, Value};

use super::error::{FieldPath, Problem, Segment};
use super::overrides::{self, Override};
use super::spans::SpanIndex;
use super::{
    Action, Checked, RawScenario, Scenario, Timeline, Variant, problem_from_serde, validate,
};

/// Top-level keys a variant may not set: the variants are compared over the
/// same runs, ticks and seed.
const FIXED_FOR_VARIANTS: &[&str] = &[
    "title",
    "description",
    "ticks",
    "warmup",
    "runs",
    "seed",
    "tick_unit",
    "compare",
    "baseline",
    "variants",
    "events",
    "studio",
    "headline",
];

/// Where a set of overrides was written.
enum Origin<'a> {
    /// `--set` on the command line.
    CommandLine,
    /// A `set` table in the file, with what it belongs to (for messages).
    File { at: FieldPath, what: &'a str },
}

pub(super) fn build(
    written: Checked,
    mut doc: Table,
    cli: &[Override],
    source: &Path,
    index: &SpanIndex<'_>,
) -> Result<Scenario, Vec<Problem>> {
    if let Some(o) = cli
        .iter()
        .find(|o| ["variants", "events", "baseline"].contains(&o.top()))
    {
        return Err(vec![
            Problem::new(FieldPath::root(), format!("{} {}: `{}` cannot be set from the command line", o.flag(), o.describe(), o.top()))
                .allowed("a value inside the scenario: a section's field, a group's, the network's, ticks, runs or seed"),
        ]);
    }
    let applied = apply_all(&mut doc, cli, &FieldPath::root(), |o, e| {
        Problem::new(
            FieldPath::root(),
            format!("{} {}: {}", o.flag(), o.describe(), e.message),
        )
        .allowed(e.allowed)
    })?;
    let c = if cli.is_empty() {
        written
    } else {
        recheck(&doc, source).map_err(|ps| attribute(ps, &Origin::CommandLine, &applied, index))?
    };
    let written_at = |k: usize| FieldPath::root().key("events").index(k);
    let mut variants = vec![variant(
        &c,
        &doc,
        (c.baseline.clone(), String::new(), Vec::new()),
        &(0..c.events.len()).map(written_at).collect::<Vec<_>>(),
        source,
        index,
    )?];
    let base_events = doc.get("events").cloned();
    // Each variant is checked on a copy of the scenario without the list of
    // variants, the studio's table and the headline (checked once, above): a copy with
    // them would make the work grow with the square of the variants.
    let written_variants = doc.remove("variants");
    doc.remove("studio");
    doc.remove("headline");
    for (i, raw) in c.variants.iter().enumerate() {
        let at = FieldPath::root().key("variants").index(i);
        let mut d = doc.clone();
        let set = raw.set.as_ref().map(overrides::flatten).unwrap_or_default();
        let origin = Origin::File {
            at: at.key("set"),
            what: &raw.name,
        };
        if let Some(o) = set.iter().find(|o| FIXED_FOR_VARIANTS.contains(&o.top())) {
            return Err(vec![
                Problem::new(at.key("set"), format!("a variant cannot set `{}`", o.dotted()))
                    .allowed("values of the model: [network], [[groups]], [service], [telling], [hearing], [market], [workplaces]")
                    .help("variants are compared over the same runs, ticks and seed; set those for the whole scenario")
                    .at(index.span_of(&keys(&at.key("set"), o.path()))),
            ]);
        }
        let applied = apply_all(&mut d, &set, &at.key("set"), |o, e| {
            let written = keys(&at.key("set"), o.path());
            Problem::new(
                written.clone(),
                format!("in variant `{}`: {}", raw.name, e.message),
            )
            .allowed(e.allowed)
            .at(index.span_of(&written))
        })?;
        let own = raw.events.as_deref().unwrap_or_default().len();
        if own > 0 {
            let mut all = match &base_events {
                Some(Value::Array(a)) => a.clone(),
                _ => Vec::new(),
            };
            if let Some(Value::Array(extra)) = written_variants
                .as_ref()
                .and_then(|v| v.get(i))
                .and_then(|v| v.get("events"))
            {
                all.extend(extra.iter().cloned());
            }
            d.insert("events".into(), Value::Array(all));
        }
        let cv = recheck(&d, source).map_err(|ps| {
            let base_count = c.events.len();
            let ps = ps
                .into_iter()
                .map(|p| own_event_path(p, base_count, &at))
                .collect();
            attribute(ps, &origin, &applied, index)
        })?;
        if cv.model.kind() != c.model.kind() {
            return Err(vec![
                Problem::new(
                    at.key("set"),
                    format!("variant `{}` changes the kind of model", raw.name),
                )
                .allowed("the scenario's own model kind, with other values for its keys")
                .at(index.span_of(&at.key("set"))),
            ]);
        }
        let names = |c: &Checked| c.groups.iter().map(|g| g.name.clone()).collect::<Vec<_>>();
        if names(&cv) != names(&c) {
            return Err(vec![
                Problem::new(at.key("set"), format!("variant `{}` changes the list of groups", raw.name))
                    .allowed(format!("the scenario's groups, in its order: {}", names(&c).join(", ")))
                    .help("set one group's values by its name: groups.NAME.share, groups.NAME.service.expectation, ...")
                    .at(index.span_of(&at.key("set"))),
            ]);
        }
        // Where each of the variant's events is written: the scenario's
        // first, then the variant's own.
        let event_paths: Vec<FieldPath> = (0..cv.events.len())
            .map(|k| match k.checked_sub(c.events.len()) {
                None => written_at(k),
                Some(own) => at.key("events").index(own),
            })
            .collect();
        variants.push(variant(
            &cv,
            &d,
            (
                raw.name.trim().to_string(),
                raw.description.clone().unwrap_or_default(),
                set,
            ),
            &event_paths,
            source,
            index,
        )?);
    }
    // Each what-if's reference, by name (checked to be another variant).
    let names: Vec<String> = variants.iter().map(|v| v.name.clone()).collect();
    for (raw, v) in c.variants.iter().zip(variants.iter_mut().skip(1)) {
        if let Some(other) = &raw.compare_to {
            v.reference = names.iter().position(|n| n == other.trim()).unwrap_or(0);
        }
    }
    Ok(Scenario {
        title: c.title,
        description: c.description,
        ticks: c.ticks,
        warmup: c.warmup,
        runs: c.runs,
        first_replication: 0,
        seed: c.seed,
        tick_unit: c.tick_unit,
        compare: c.compare,
        variants,
        overrides: cli.iter().map(Override::describe).collect(),
        settings: cli
            .iter()
            .map(|o| super::setting::Setting::of(o.path()))
            .collect(),
        source: source.to_path_buf(),
        studio: c.studio,
        headline: c.headline,
        seeds: c.seeds,
        text: String::new(),
    })
}

/// A problem in a variant's own event (appended after the scenario's) is
/// placed where that event is written: `variants[i].events[j]`.
fn own_event_path(mut p: Problem, base_count: usize, at: &FieldPath) -> Problem {
    if let [Segment::Key(k), Segment::Index(e), rest @ ..] = p.path.0.as_slice()
        && k == "events"
        && *e >= base_count
    {
        let mut path = at.key("events").index(e - base_count);
        path.0.extend(rest.iter().cloned());
        p.path = path;
    }
    p
}

/// The variant `c` describes, with its timeline: the groups' parameters
/// under each combination of overlapping event windows.
fn variant(
    c: &Checked,
    doc: &Table,
    (name, description, set): (String, String, Vec<Override>),
    event_paths: &[FieldPath],
    source: &Path,
    index: &SpanIndex<'_>,
) -> Result<Variant, Vec<Problem>> {
    let windows: Vec<usize> = (0..c.events.len())
        .filter(|&e| matches!(c.events[e].action, Action::Set { .. }))
        .collect();
    let mut timeline = Timeline::constant(&c.groups, c.ticks);
    let mut combos: Vec<Vec<usize>> = vec![Vec::new()];
    for tick in 1..=c.ticks {
        let active: Vec<usize> = windows
            .iter()
            .copied()
            .filter(|&e| c.events[e].active(tick))
            .collect();
        let k = match combos.iter().position(|a| *a == active) {
            Some(k) => k,
            None => {
                timeline
                    .params
                    .push(event_groups(c, doc, &active, event_paths, source, index)?);
                combos.push(active);
                combos.len() - 1
            }
        };
        timeline.at[tick as usize] = k as u16;
    }
    Ok(Variant {
        name,
        description,
        changes: set.iter().map(Override::describe).collect(),
        reference: 0,
        set,
        network: c.network.clone(),
        fresh_network: c.fresh_network,
        groups: c.groups.clone(),
        workplaces: c.workplaces.clone(),
        model: c.model,
        events: c.events.clone(),
        timeline,
    })
}

/// The groups' parameters while the events `active` are on.
fn event_groups(
    c: &Checked,
    doc: &Table,
    active: &[usize],
    event_paths: &[FieldPath],
    source: &Path,
    index: &SpanIndex<'_>,
) -> Result<Vec<super::Group>, Vec<Problem>> {
    let mut d = doc.clone();
    let mut applied = Vec::new();
    let set_of = |e: usize| {
        event_paths
            .get(e)
            .cloned()
            .unwrap_or_else(|| FieldPath::root().key("events").index(e))
            .key("set")
    };
    for &e in active {
        let Action::Set { overrides: os } = &c.events[e].action else {
            continue;
        };
        let at = set_of(e);
        applied.extend(apply_all(&mut d, os, &at, |o, err| {
            let written = keys(&at, o.path());
            Problem::new(
                written.clone(),
                format!("in event `{}`: {}", c.events[e].name, err.message),
            )
            .allowed(err.allowed)
            .at(index.span_of(&written))
        })?);
    }
    let what = active
        .iter()
        .map(|&e| c.events[e].name.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    let at = set_of(active.first().copied().unwrap_or(0));
    recheck(&d, source)
        .map(|c| c.groups)
        .map_err(|ps| attribute(ps, &Origin::File { at, what: &what }, &applied, index))
}

/// Applies `set` to `doc` in order, noting the path each resolved to and
/// where it is written (`set_at`); the first that cannot apply is refused
/// with the problem `refuse` words for it.
fn apply_all(
    doc: &mut Table,
    set: &[Override],
    set_at: &FieldPath,
    refuse: impl Fn(&Override, overrides::NotApplied) -> Problem,
) -> Result<Vec<Applied>, Vec<Problem>> {
    let mut applied = Vec::with_capacity(set.len());
    for o in set {
        match overrides::apply(doc, o) {
            Ok(resolved) => applied.push(Applied {
                o: o.clone(),
                resolved,
                set_at: set_at.clone(),
            }),
            Err(e) => return Err(vec![refuse(o, e)]),
        }
    }
    Ok(applied)
}

/// Reads and checks a document with overrides applied.
fn recheck(doc: &Table, source: &Path) -> Result<Checked, Vec<Problem>> {
    // The path of a value the reader refuses (a float for `ticks`, say)
    // names the field, so the problem is placed at the value that was set.
    let raw: RawScenario =
        serde_path_to_error::deserialize(Value::Table(doc.clone())).map_err(|e| {
            let at = FieldPath::parse(&e.path().to_string());
            vec![problem_from_serde(e.inner().message(), at)]
        })?;
    validate(raw, source)
}

/// `at` followed by an override's keys as written.
fn keys(at: &FieldPath, path: &[String]) -> FieldPath {
    path.iter().fold(at.clone(), |p, k| p.key(k))
}

fn starts_with(path: &FieldPath, prefix: &FieldPath) -> bool {
    path.0.len() >= prefix.0.len() && path.0[..prefix.0.len()] == prefix.0[..]
}

/// An override applied to the document: as written, the path it resolved
/// to, and where its `set` table is written in the file.
struct Applied {
    o: Override,
    resolved: FieldPath,
    set_at: FieldPath,
}

/// Places problems found after overrides at the override that caused them
/// (the one whose resolved path holds the problem's, or lies inside it: an
/// unknown key is reported at its table); a problem of the whole file
/// names every override. The
/// field is the override's path as written, `variants[2].set.service.x`,
/// and the snippet points at it.
fn attribute(
    problems: Vec<Problem>,
    origin: &Origin<'_>,
    applied: &[Applied],
    index: &SpanIndex<'_>,
) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|mut p| {
            let culprit = applied.iter().find(|a| {
                !p.path.is_root()
                    && (starts_with(&p.path, &a.resolved) || starts_with(&a.resolved, &p.path))
            });
            match origin {
                Origin::CommandLine => {
                    let by = culprit.map_or_else(
                        || {
                            applied
                                .iter()
                                .map(|a| a.o.describe())
                                .collect::<Vec<_>>()
                                .join(", ")
                        },
                        |a| a.o.describe(),
                    );
                    let flag = culprit.map_or("--set", |a| a.o.flag());
                    p.message = format!("with {flag} {by}: {}", p.message);
                    p.span = None;
                    // A problem the reader could not place is at the
                    // value set.
                    if let (true, Some(a)) = (p.path.is_root(), culprit) {
                        p.path = FieldPath::parse(&a.o.dotted());
                    }
                }
                Origin::File { at, what } => {
                    p.message = format!("in `{what}`: {}", p.message);
                    match culprit {
                        Some(a) => {
                            let written = keys(&a.set_at, a.o.path());
                            let mut path = written.clone();
                            if starts_with(&p.path, &a.resolved) {
                                path.0
                                    .extend(p.path.0[a.resolved.0.len()..].iter().cloned());
                            }
                            p.span = index.span_of(&path).or_else(|| index.span_of(&written));
                            p.path = path;
                        }
                        None if p.path.is_root() => {
                            p.span = index.span_of(at);
                            p.path = at.clone();
                        }
                        None => {
                            p.span = index.span_of(&p.path).or_else(|| index.span_of(at));
                        }
                    }
                }
            }
            p
        })
        .collect()
}
