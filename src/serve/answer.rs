//! What the studio answers: the list of served scenarios with what the
//! page shows for each (its sliders, switches and charts), and a run's
//! results (per variant, each measure's mean and 90% band per tick, the
//! headline figures and the differences from the baseline).

use serde_json::{Value, json};

use crate::measures::{Measure, Scale};
use crate::results::Results;
use crate::scenario::studio::{self, Moves};
use crate::scenario::{FanOut, Scenario};

/// One served scenario as `GET /api/scenarios` lists it.
pub fn listing(name: &str, s: &Scenario) -> Value {
    let controls: Vec<Value> = studio::controls(s).iter().map(control).collect();
    let events: Vec<Value> = studio::switches(s)
        .iter()
        .map(|name| {
            let having: Vec<&str> = s
                .variants
                .iter()
                .filter(|v| v.events.iter().any(|e| &e.name == name))
                .map(|v| v.name.as_str())
                .collect();
            let when = s
                .variants
                .iter()
                .flat_map(|v| &v.events)
                .find(|e| &e.name == name)
                .map(|e| when(e.from, e.to, s.ticks, &s.tick_unit))
                .unwrap_or_default();
            json!({ "name": name, "variants": having, "when": when })
        })
        .collect();
    let compare: Vec<Value> = s.compare.iter().map(|&m| measure(m)).collect();
    json!({
        "name": name,
        "title": s.title,
        "description": s.description,
        "lesson": crate::output::report::lesson(&s.text),
        "file": s.source.display().to_string(),
        "ticks": s.ticks,
        "runs": s.runs,
        "studio_runs": s.studio.runs.unwrap_or(s.runs),
        "tick_unit": s.tick_unit,
        "variants": s.variants.iter().map(|v| v.name.clone()).collect::<Vec<_>>(),
        "compare": compare,
        "controls": controls,
        "events": events,
        "film": can_film(s),
    })
}

/// Whether the network player can show this scenario: word of mouth (the
/// classic models have no attitudes or stories to draw), within the
/// film's ticks.
pub fn can_film(s: &Scenario) -> bool {
    s.baseline().model.kind().declaration().stories && s.ticks <= crate::film::MAX_TICKS
}

fn when(from: u32, to: u32, ticks: u32, unit: &str) -> String {
    match (from, to) {
        (f, t) if f == t => format!("{unit} {f}"),
        (f, t) if t >= ticks => format!("from {unit} {f}"),
        (f, t) => format!("{unit}s {f}–{t}"),
    }
}

fn measure(m: Measure) -> Value {
    let info = m.info();
    let (min, max) = match info.scale {
        Scale::Fixed(lo, hi) => (json!(lo), json!(hi)),
        Scale::Fitted => (Value::Null, Value::Null),
    };
    let short = if info.name == "nps" {
        "NPS".to_string()
    } else {
        info.name.replace('_', " ")
    };
    json!({
        "name": info.name,
        "title": info.title,
        "short": short,
        "unit": info.unit,
        "min": min,
        "max": max,
        // A flow is drawn as its total so far (the answer's `totals`).
        "total": m.kind() == crate::measures::Kind::Flow,
    })
}

fn control(c: &studio::Control) -> Value {
    let spec = &c.spec;
    let mut out = json!({
        "path": spec.path,
        "label": spec.label,
        "min": spec.min,
        "max": spec.max,
        "step": spec.step,
    });
    out["value"] = json!(studio::position(&c.now));
    match &c.now {
        Moves::Number(_) => {
            out["kind"] = json!("number");
        }
        Moves::FanOut(f) => {
            out["kind"] = json!("fan-out");
            out["shape"] = match *f {
                FanOut::Fixed { .. } => json!({ "kind": "fixed" }),
                // A range keeps its proportions as it moves (2-3 at 20 is
                // 20-30, the lore's pair); one from 0 keeps its width.
                FanOut::Uniform { min, max } => json!({
                    "kind": "uniform",
                    "width": max - min,
                    "ratio": (min > 0).then(|| f64::from(max) / f64::from(min)),
                }),
                FanOut::Poisson { .. } => json!({ "kind": "poisson" }),
                FanOut::NegativeBinomial { dispersion, .. } => {
                    json!({ "kind": "negative-binomial", "dispersion": dispersion })
                }
            };
        }
    }
    out
}

/// The scenario's event windows, for the charts: each event's name, its
/// first and last tick, and the variants (by index) that have it. The
/// events that carry the studio's own values are how a slider acts, not
/// events of the lesson, and are left out.
fn windows(s: &crate::scenario::Scenario) -> Vec<Value> {
    use crate::scenario::edit::{FROM_WEEK_ONE, OWN_VALUES};
    let mut out: Vec<(String, u32, u32, Vec<usize>)> = Vec::new();
    for (k, v) in s.variants.iter().enumerate() {
        for e in v
            .events
            .iter()
            .filter(|e| e.name != FROM_WEEK_ONE && e.name != OWN_VALUES)
        {
            match out
                .iter_mut()
                .find(|(n, from, to, _)| *n == e.name && *from == e.from && *to == e.to)
            {
                Some((.., variants)) => variants.push(k),
                None => out.push((e.name.clone(), e.from, e.to, vec![k])),
            }
        }
    }
    out.into_iter()
        .map(|(name, from, to, variants)| {
            json!({ "name": name, "from": from, "to": to, "variants": variants })
        })
        .collect()
}

/// The answer to a run: per variant, each measure's mean and band per tick
/// for everyone (null where the variant cannot produce it), the headline
/// figures, and the differences from the baseline.
pub fn results(report: &Results<'_>) -> Value {
    let s = report.scenario;
    let kind = s.baseline().model.kind();
    let base = &report.variants[0];
    let measures: &[Measure] = report.measures();
    let variants: Vec<Value> = report
        .variants
        .iter()
        .zip(&s.variants)
        .enumerate()
        .map(|(k, (v, spec))| {
            let mut series = serde_json::Map::new();
            let mut totals = serde_json::Map::new();
            for (m, &measure) in measures.iter().enumerate() {
                let value = spec.produces(measure).then(|| {
                    let bands: Vec<_> = v.aggregate.bands.iter().map(|t| t[0][m]).collect();
                    // A flow at week 0 is no week's count (nothing recorded
                    // has happened yet): a gap, not a 0 the line rises from.
                    let weekly = measure.kind() == crate::measures::Kind::Flow;
                    let of = |f: fn(&crate::results::Band) -> f64| -> Vec<Option<f64>> {
                        bands
                            .iter()
                            .enumerate()
                            .map(|(t, b)| (t > 0 || !weekly).then(|| f(b)))
                            .collect()
                    };
                    json!({
                        "mean": of(|b| b.mean),
                        "p05": of(|b| b.p05),
                        "p95": of(|b| b.p95),
                    })
                });
                series.insert(measure.name().to_string(), json!(value));
                // A flow as its total so far too: what the page draws, as
                // compare.png does (a weekly count of a few people is noise).
                if measure.kind() == crate::measures::Kind::Flow && spec.produces(measure) {
                    let bands = crate::results::figures::running_total(v, measure);
                    let of = |f: fn(&crate::results::Band) -> f64| -> Vec<f64> {
                        bands.iter().map(f).collect()
                    };
                    totals.insert(
                        measure.name().to_string(),
                        json!({
                            "mean": of(|b| b.mean),
                            "p05": of(|b| b.p05),
                            "p95": of(|b| b.p95),
                        }),
                    );
                }
            }
            let mut entry = json!({
                "name": v.name,
                "series": series,
                "totals": totals,
                "headline": crate::output::tables::headlines(v, spec, kind),
            });
            if !std::ptr::eq(v, base) {
                let reference = report.reference(k);
                entry["reference"] = json!(reference.name);
                entry["difference_from_reference"] =
                    crate::output::tables::differences(v, reference, kind);
                entry["difference_from_baseline"] =
                    crate::output::tables::differences(v, base, kind);
            }
            entry
        })
        .collect();
    json!({
        "title": s.title,
        "seed": s.seed,
        "runs": s.runs,
        "ticks": s.ticks,
        "tick_unit": s.tick_unit,
        "events": windows(s),
        "overrides": s.overrides,
        "variant_set_wins": crate::scenario::setting::set_conflicts(s),
        // Runs (of every variant) answered from the studio's memory: kept
        // from an earlier request, or readied while the page was looked at.
        "from_memory": report.variants.iter().flat_map(|v| &v.runs).filter(|r| r.from_memory).count(),
        "variants": variants,
    })
}
