//! What each chart shows: its panels, their lines (a measure, or several
//! summed, per variant or as each what-if's difference from the baseline)
//! with their bands, and the events marked on them.

use plotters::prelude::*;

use super::style::{palette, variant_colour};
use crate::measures::{Kind, Measure, Scale};
use crate::metrics::{Band, Recorder, bands_of};
use crate::output::{Report, VariantResult};

/// A line to draw: its legend label, colour, and mean and band at each tick.
pub(crate) struct Line {
    pub(crate) label: String,
    pub(crate) color: RGBColor,
    pub(crate) bands: Vec<Band>,
}

/// One panel of a figure.
pub(crate) struct Panel {
    pub(crate) title: String,
    pub(crate) y_desc: String,
    pub(crate) lines: Vec<Line>,
    /// A fixed y range (reputation, NPS); otherwise fitted to the bands.
    pub(crate) y_range: Option<(f64, f64)>,
    /// Where the panel's own legend goes; none when the figure has one
    /// legend for all its panels (the variants).
    pub(crate) legend: Option<SeriesLabelPosition>,
    /// A horizontal line at zero (for differences).
    pub(crate) zero: bool,
}

/// Which measures a line sums, and whether it shows a flow's running total.
pub(crate) struct Pick<'a> {
    pub(crate) metrics: &'a [Measure],
    pub(crate) cumulative: bool,
}

/// A replication's value of `pick` at every tick, for the whole population.
pub(crate) fn trace(r: &Recorder, pick: &Pick<'_>) -> Vec<f64> {
    let ms: Vec<usize> = pick.metrics.iter().filter_map(|&m| r.position(m)).collect();
    let mut total = 0.0;
    (0..r.frames.len())
        .map(|t| {
            let x: f64 = ms.iter().map(|&m| r.value(t, 0, m)).sum();
            if pick.cumulative {
                if t > 0 {
                    total += x;
                }
                total
            } else {
                x
            }
        })
        .collect()
}

pub(crate) fn bands(v: &VariantResult, pick: &Pick<'_>) -> Vec<Band> {
    bands_of(v.runs.len(), v.runs[0].frames.len(), |r| {
        trace(&v.runs[r], pick)
    })
}

/// What-if minus baseline, replication by replication (the same streams
/// drive replication r of both), then mean and band across replications.
pub(crate) fn difference(v: &VariantResult, base: &VariantResult, pick: &Pick<'_>) -> Vec<Band> {
    bands_of(v.runs.len(), v.runs[0].frames.len(), |r| {
        let (a, b) = (trace(&v.runs[r], pick), trace(&base.runs[r], pick));
        a.iter().zip(&b).map(|(x, y)| x - y).collect()
    })
}

/// The three overview figures of the baseline: each panel one or more
/// metrics of the whole population.
pub(crate) fn overview(report: &Report<'_>) -> Vec<(&'static str, String, Vec<Panel>)> {
    use palette::*;
    let unit = &report.scenario.tick_unit;
    let v = &report.variants[0];
    let line = |label: &str, metrics: &[Measure], color| Line {
        label: label.to_string(),
        color,
        bands: bands(
            v,
            &Pick {
                metrics,
                cumulative: false,
            },
        ),
    };
    let panel = |title: String, y_desc: &str, lines, y_range, legend| Panel {
        title,
        y_desc: y_desc.to_string(),
        lines,
        y_range,
        legend: Some(legend),
        zero: false,
    };
    vec![
        (
            "reputation",
            "Reputation and Net Promoter Score".to_string(),
            vec![
                panel(
                    "Reputation (mean attitude)".into(),
                    "mean attitude (-1 to 1)",
                    vec![line("reputation", &[Measure::Reputation], BLUE)],
                    Some((-1.0, 1.0)),
                    SeriesLabelPosition::LowerLeft,
                ),
                panel(
                    "Net Promoter Score of customers".into(),
                    "NPS (-100 to 100)",
                    vec![line("NPS", &[Measure::Nps], BLUE)],
                    Some((-100.0, 100.0)),
                    SeriesLabelPosition::LowerLeft,
                ),
            ],
        ),
        (
            "customers",
            "Customers, new customers by cause, and referrals".to_string(),
            vec![
                panel(
                    "Customers".into(),
                    "people",
                    vec![
                        line("customers", &[Measure::Customers], BLUE),
                        line("lapsed", &[Measure::Lapsed], VERMILLION),
                    ],
                    None,
                    SeriesLabelPosition::UpperLeft,
                ),
                panel(
                    format!("New customers per {unit}, by cause"),
                    "people",
                    vec![
                        line(
                            "advertising (Bass p)",
                            &[Measure::NewCustomersOutside],
                            ORANGE,
                        ),
                        line(
                            "referral (good story)",
                            &[Measure::NewCustomersReferral],
                            GREEN,
                        ),
                        line("won back", &[Measure::WonBack], PURPLE),
                    ],
                    None,
                    SeriesLabelPosition::UpperRight,
                ),
            ],
        ),
        (
            "stories",
            "Good versus bad stories".to_string(),
            vec![
                panel(
                    format!("People told a story, per {unit}"),
                    "tellings",
                    vec![
                        line(
                            "good stories",
                            &[Measure::GoodToldFirstHand, Measure::GoodToldRetold],
                            GREEN,
                        ),
                        line(
                            "bad stories",
                            &[Measure::BadToldFirstHand, Measure::BadToldRetold],
                            VERMILLION,
                        ),
                    ],
                    None,
                    SeriesLabelPosition::UpperLeft,
                ),
                panel(
                    "People reached so far".into(),
                    "distinct people",
                    vec![
                        line("by good stories", &[Measure::GoodReached], GREEN),
                        line("by bad stories", &[Measure::BadReached], VERMILLION),
                    ],
                    None,
                    SeriesLabelPosition::UpperLeft,
                ),
            ],
        ),
    ]
}

/// The y range of a measure on a bounded scale.
pub(crate) fn y_range_of(metric: Measure) -> Option<(f64, f64)> {
    match metric.info().scale {
        Scale::Fixed(lo, hi) => Some((lo, hi)),
        Scale::Fitted => None,
    }
}

/// One metric: every variant overlaid, and (with variants) each what-if's
/// difference from the baseline.
pub(crate) fn metric_panels(report: &Report<'_>, metric: Measure, cumulative: bool) -> Vec<Panel> {
    let m = metric.info();
    let pick = Pick {
        metrics: &[metric],
        cumulative,
    };
    let what = if cumulative {
        format!("{} (total so far)", m.title)
    } else {
        m.title.to_string()
    };
    let y_desc = match (cumulative, m.unit) {
        (true, "per tick") => m.title.to_lowercase(),
        (true, unit) => unit.replace(" per tick", ""),
        (false, "per tick") => format!("{} per tick", m.title.to_lowercase()),
        (false, unit) => unit.to_string(),
    };
    let lines = report
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| Line {
            label: v.name.clone(),
            color: variant_colour(i),
            bands: bands(v, &pick),
        })
        .collect();
    let mut panels = vec![Panel {
        title: what,
        y_desc: y_desc.clone(),
        lines,
        y_range: if cumulative { None } else { y_range_of(metric) },
        legend: None,
        zero: false,
    }];
    if report.variants.len() > 1 {
        let base = &report.variants[0];
        panels.push(Panel {
            title: format!("Difference from {}", base.name),
            y_desc,
            lines: report
                .variants
                .iter()
                .enumerate()
                .skip(1)
                .map(|(i, v)| Line {
                    label: format!("{} - {}", v.name, base.name),
                    color: variant_colour(i),
                    bands: difference(v, base, &pick),
                })
                .collect(),
            y_range: None,
            legend: None,
            zero: true,
        });
    }
    panels
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The comparison slide: four key measures with every variant overlaid.
/// Flows are shown as running totals, which a room reads more easily than
/// a noisy weekly count.
pub(crate) fn compare(report: &Report<'_>) -> Vec<Panel> {
    report
        .scenario
        .compare
        .iter()
        .filter_map(|&m| {
            let cumulative = m.kind() == Kind::Flow;
            metric_panels(report, m, cumulative).into_iter().next()
        })
        .collect()
}

/// A classic model's overview of its baseline: the share in each state,
/// and the changes per tick.
pub(crate) fn classic_overview(report: &Report<'_>) -> Vec<(&'static str, String, Vec<Panel>)> {
    use palette::*;
    let v = &report.variants[0];
    let colours = [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY];
    let (levels, flows): (Vec<_>, Vec<_>) = report
        .metrics()
        .iter()
        .partition(|m| m.kind() == Kind::Level);
    let lines = |ms: &[&Measure]| -> Vec<Line> {
        ms.iter()
            .enumerate()
            .map(|(i, &&m)| Line {
                label: m.name().replace('_', " "),
                color: colours[i % colours.len()],
                bands: bands(
                    v,
                    &Pick {
                        metrics: &[m],
                        cumulative: false,
                    },
                ),
            })
            .collect()
    };
    let unit = &report.scenario.tick_unit;
    let kind = report.scenario.baseline().model.kind().name();
    vec![(
        "states",
        format!("{kind} model"),
        vec![
            Panel {
                title: "Share of agents in each state".into(),
                y_desc: "share, 0 to 1".into(),
                lines: lines(&levels),
                y_range: Some((0.0, 1.0)),
                legend: Some(SeriesLabelPosition::UpperRight),
                zero: false,
            },
            Panel {
                title: format!("Changes per {unit}"),
                y_desc: "agents".into(),
                lines: lines(&flows),
                y_range: None,
                legend: Some(SeriesLabelPosition::UpperRight),
                zero: false,
            },
        ],
    )]
}

/// An event drawn on a chart, in the colour of the variant it belongs to
/// (grey for events every variant shares).
pub(crate) struct Marker {
    pub(crate) name: String,
    pub(crate) from: u32,
    pub(crate) to: u32,
    pub(crate) color: RGBColor,
}

/// The events of the first `variants` variants, each once.
pub(crate) fn markers(report: &Report<'_>, variants: usize) -> Vec<Marker> {
    let all = &report.scenario.variants[..variants];
    let mut out: Vec<Marker> = Vec::new();
    for (i, v) in all.iter().enumerate() {
        for e in &v.events {
            if out
                .iter()
                .any(|m| m.name == e.name && m.from == e.from && m.to == e.to)
            {
                continue;
            }
            let shared = all.iter().all(|w| w.events.contains(e));
            out.push(Marker {
                name: e.name.clone(),
                from: e.from,
                to: e.to,
                color: if shared || variants == 1 {
                    RGBColor(110, 110, 110)
                } else {
                    variant_colour(i)
                },
            });
        }
    }
    out
}
