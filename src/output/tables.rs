//! `timeseries.csv`, `runs.csv` and `summary.json`.

use std::fmt::Write;

use serde_json::{Value, json};

use super::{Report, num};
use crate::metrics::{self, Band, Kind, METRICS};

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
                        METRICS[m].name,
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

/// The name of a metric's final figure: a level as it is, a flow as a total.
pub fn final_name(m: usize) -> String {
    match METRICS[m].kind {
        Kind::Level => METRICS[m].name.to_string(),
        Kind::Flow => format!("{}_total", METRICS[m].name),
    }
}

/// One row per replication: its final figures for the whole population.
pub fn runs_csv(report: &Report<'_>) -> String {
    let mut out = String::from("variant,run,seed");
    for m in 0..METRICS.len() {
        out.push(',');
        out.push_str(&final_name(m));
    }
    out.push('\n');
    for v in &report.variants {
        for (r, rec) in v.runs.iter().enumerate() {
            let _ = write!(out, "{},{},{}", v.name, r, report.scenario.seed);
            for m in 0..METRICS.len() {
                let _ = write!(out, ",{}", num(rec.final_value(0, m)));
            }
            out.push('\n');
        }
    }
    out
}

/// A final figure of the whole population across a variant's replications.
pub fn final_band(v: &super::VariantResult, metric: &str) -> Band {
    let m = metrics::index_of(metric).expect("a known metric");
    let mut values: Vec<f64> = v.runs.iter().map(|r| r.final_value(0, m)).collect();
    Band::of(&mut values)
}

/// The headline figures shown in `summary.json` and on the console.
pub const HEADLINES: &[(&str, &str)] = &[
    ("final_reputation", "reputation"),
    ("final_nps", "nps"),
    ("final_customers", "customers"),
    ("total_referrals", "referrals"),
    ("people_reached_by_good_stories", "good_reached"),
    ("people_reached_by_bad_stories", "bad_reached"),
];

pub fn headlines(v: &super::VariantResult) -> Value {
    let mut map = serde_json::Map::new();
    for (name, metric) in HEADLINES {
        map.insert((*name).to_string(), json!(final_band(v, metric)));
    }
    Value::Object(map)
}

/// The scenario as resolved, the seed, the version, and the headlines. It
/// holds nothing that varies between identical runs (no times, no thread
/// counts), so it is byte-identical too.
pub fn summary_json(report: &Report<'_>) -> String {
    let s = report.scenario;
    let variants: Vec<Value> = report
        .variants
        .iter()
        .map(|v| json!({ "name": v.name, "headline": headlines(v) }))
        .collect();
    let summary = json!({
        "grapevine_version": env!("CARGO_PKG_VERSION"),
        "scenario_file": s.source.display().to_string(),
        "title": s.title,
        "seed": s.seed,
        "runs": s.runs,
        "ticks": s.ticks,
        "tick_unit": s.tick_unit,
        "network": report.network,
        "variants": variants,
        "metrics": METRICS,
        "scenario": s,
    });
    let mut text = serde_json::to_string_pretty(&summary).expect("plain data serialises");
    text.push('\n');
    text
}
