//! What each chart shows: its panels, their lines (a measure, or several
//! summed, per variant or as each what-if's difference from the baseline)
//! with their bands, the events marked on them, and the finding a
//! comparison states.

use plotters::prelude::*;

use super::style::{Stroke, meaning, palette, unit_words, variant_stroke};
use crate::measures::{Kind, Measure, Scale};
use crate::output::{Results, VariantResult, findings};
use crate::record::Recorder;
use crate::results::{Band, bands_of};

/// A line to draw: its name, its stroke, and mean and band at each tick.
#[derive(Clone)]
pub(crate) struct Line {
    pub(crate) label: String,
    pub(crate) stroke: Stroke,
    pub(crate) bands: Vec<Band>,
}

/// One panel of a figure.
#[derive(Clone)]
pub(crate) struct Panel {
    pub(crate) title: String,
    pub(crate) y_desc: String,
    pub(crate) lines: Vec<Line>,
    /// A fixed y range (reputation, NPS); otherwise fitted to the bands.
    pub(crate) y_range: Option<(f64, f64)>,
    /// A horizontal line at zero (for differences).
    pub(crate) zero: bool,
}

/// A figure: its file name, title, finding, panels on a grid, its legend
/// (each line's name and stroke) and the events it marks.
#[derive(Clone)]
pub(crate) struct Figure {
    pub(crate) stem: String,
    pub(crate) title: String,
    pub(crate) subtitle: Option<String>,
    pub(crate) panels: Vec<Panel>,
    pub(crate) grid: (usize, usize),
    pub(crate) legend: Vec<(String, Stroke)>,
    pub(crate) events: Vec<Marker>,
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
    no_week_zero(
        pick,
        bands_of(v.runs.len(), v.runs[0].frames.len(), |r| {
            trace(&v.runs[r], pick)
        }),
    )
}

/// A flow a week at week 0 is no week's count (nothing recorded has
/// happened yet): left out (NaN, not drawn) rather than drawn as a 0 the
/// line rises from. A running total starts at 0 there, rightly.
fn no_week_zero(pick: &Pick<'_>, mut bands: Vec<Band>) -> Vec<Band> {
    let weekly_flow = !pick.cumulative
        && !pick.metrics.is_empty()
        && pick.metrics.iter().all(|m| m.kind() == Kind::Flow);
    if weekly_flow && let Some(first) = bands.first_mut() {
        *first = Band::NAN;
    }
    bands
}

/// What-if minus baseline, replication by replication (the same streams
/// drive replication r of both), then mean and band across replications.
pub(crate) fn difference(v: &VariantResult, base: &VariantResult, pick: &Pick<'_>) -> Vec<Band> {
    no_week_zero(
        pick,
        bands_of(v.runs.len(), v.runs[0].frames.len(), |r| {
            let (a, b) = (trace(&v.runs[r], pick), trace(&base.runs[r], pick));
            a.iter().zip(&b).map(|(x, y)| x - y).collect()
        }),
    )
}

/// "(baseline: NAME)" when there are what-ifs, so a chart of one variant
/// says which.
fn which(report: &Results<'_>) -> String {
    if report.variants.len() > 1 {
        format!(" ({})", report.variants[0].name)
    } else {
        String::new()
    }
}

/// The three overview figures of the baseline: each panel one or more
/// measures of the whole population. Colours mean what they mean in every
/// chart: good and customers green, bad and those who left vermillion,
/// outside causes grey.
pub(crate) fn overview(report: &Results<'_>) -> Vec<Figure> {
    let unit = &report.scenario.tick_unit;
    let v = &report.variants[0];
    let line = |label: &str, metrics: &[Measure], stroke: Stroke| Line {
        label: label.to_string(),
        stroke,
        bands: bands(
            v,
            &Pick {
                metrics,
                cumulative: false,
            },
        ),
    };
    let panel = |title: String, y_desc: String, lines, y_range| Panel {
        title,
        y_desc,
        lines,
        y_range,
        zero: false,
    };
    let base = variant_stroke(0);
    let good = Stroke::solid(meaning::GOOD, 5);
    let bad = Stroke::solid(meaning::BAD, 5);
    let outside = Stroke::dashed(meaning::OUTSIDE, 5, 16, 8);
    let back = Stroke::dashed(palette::DARK, 4, 6, 6);
    let w = which(report);
    let figure = |stem: &str, title: String, panels: Vec<Panel>| {
        // A legend only where a panel has lines to tell apart: a single
        // line is named by its panel's title.
        let mut legend: Vec<(String, Stroke)> = Vec::new();
        for l in panels
            .iter()
            .filter(|p| p.lines.len() > 1)
            .flat_map(|p| &p.lines)
        {
            if !legend.iter().any(|(n, _)| *n == l.label) {
                legend.push((l.label.clone(), l.stroke));
            }
        }
        Figure {
            stem: stem.to_string(),
            title,
            subtitle: None,
            panels,
            grid: (1, 2),
            legend,
            events: markers(report, 1),
        }
    };
    vec![
        figure(
            "reputation",
            format!("Reputation and Net Promoter Score{w}"),
            vec![
                panel(
                    "Reputation (mean attitude)".into(),
                    "mean attitude".into(),
                    vec![line("reputation", &[Measure::Reputation], base)],
                    Some((-1.0, 1.0)),
                ),
                panel(
                    "Net Promoter Score of customers".into(),
                    "NPS".into(),
                    vec![line("NPS of customers", &[Measure::Nps], base)],
                    Some((-100.0, 100.0)),
                ),
            ],
        ),
        figure(
            "customers",
            format!("Customers, and new customers by cause{w}"),
            vec![
                panel(
                    "Customers, and those who left".into(),
                    "people".into(),
                    vec![
                        line(
                            "customers",
                            &[Measure::Customers],
                            Stroke::solid(palette::BLUE, 5),
                        ),
                        line("lapsed", &[Measure::Lapsed], bad),
                    ],
                    None,
                ),
                panel(
                    format!("New customers a {unit}, by cause"),
                    format!("people a {unit}"),
                    vec![
                        line("advertising", &[Measure::NewCustomersOutside], outside),
                        line(
                            "referral (a good story)",
                            &[Measure::NewCustomersReferral],
                            good,
                        ),
                        line("won back", &[Measure::WonBack], back),
                    ],
                    None,
                ),
            ],
        ),
        figure(
            "stories",
            format!("Good and bad stories{w}"),
            vec![
                panel(
                    format!("People told a story, a {unit}"),
                    format!("people told a {unit}"),
                    vec![
                        line(
                            "good stories",
                            &[Measure::GoodToldFirstHand, Measure::GoodToldRetold],
                            good,
                        ),
                        line(
                            "bad stories",
                            &[Measure::BadToldFirstHand, Measure::BadToldRetold],
                            bad,
                        ),
                    ],
                    None,
                ),
                panel(
                    "People reached so far".into(),
                    "distinct people".into(),
                    vec![
                        line("good stories", &[Measure::GoodReached], good),
                        line("bad stories", &[Measure::BadReached], bad),
                    ],
                    None,
                ),
            ],
        ),
    ]
}

/// A classic model's overview of its baseline: the share in each state,
/// and the changes a tick.
pub(crate) fn classic_overview(report: &Results<'_>) -> Vec<Figure> {
    let v = &report.variants[0];
    let strokes = [
        Stroke::solid(palette::BLUE, 5),
        Stroke::solid(meaning::BAD, 5),
        Stroke::solid(meaning::GOOD, 5),
    ];
    let (levels, flows): (Vec<Measure>, Vec<Measure>) = report
        .measures()
        .iter()
        .partition(|m| m.kind() == Kind::Level);
    // A flow wears its state's colour, dashed: SIR's new infections are
    // the infected's vermillion (its first state has no inflow, so flows
    // start from the second colour when there are fewer flows than states).
    let offset = levels.len().saturating_sub(flows.len());
    let lines = |ms: &[Measure], flow: bool| -> Vec<Line> {
        ms.iter()
            .enumerate()
            .map(|(i, &m)| {
                let color = strokes[(i + if flow { offset } else { 0 }) % strokes.len()].color;
                Line {
                    label: m.info().title.to_lowercase(),
                    stroke: if flow {
                        Stroke::dashed(color, 5, 16, 8)
                    } else {
                        Stroke::solid(color, 5)
                    },
                    bands: bands(
                        v,
                        &Pick {
                            metrics: &[m],
                            cumulative: false,
                        },
                    ),
                }
            })
            .collect()
    };
    let unit = &report.scenario.tick_unit;
    let panels = vec![
        Panel {
            title: "Share of people in each state".into(),
            y_desc: "share".into(),
            lines: lines(&levels, false),
            y_range: Some((0.0, 1.0)),
            zero: false,
        },
        Panel {
            title: format!("Changes a {unit}"),
            y_desc: format!("people a {unit}"),
            lines: lines(&flows, true),
            y_range: None,
            zero: false,
        },
    ];
    let legend = panels
        .iter()
        .flat_map(|p| &p.lines)
        .map(|l| (l.label.clone(), l.stroke))
        .collect();
    vec![Figure {
        stem: "states".into(),
        title: format!(
            "{} model{}",
            report.scenario.baseline().model.kind().declaration().title,
            which(report)
        ),
        subtitle: None,
        panels,
        grid: (1, 2),
        legend,
        events: markers(report, 1),
    }]
}

/// The y range of a measure on a bounded scale.
fn y_range_of(metric: Measure) -> Option<(f64, f64)> {
    match metric.info().scale {
        Scale::Fixed(lo, hi) => Some((lo, hi)),
        Scale::Fitted => None,
    }
}

/// The variants as lines of one pick.
fn variant_lines(report: &Results<'_>, pick: &Pick<'_>) -> Vec<Line> {
    report
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| Line {
            label: v.name.clone(),
            stroke: variant_stroke(i),
            bands: bands(v, pick),
        })
        .collect()
}

/// One measure: every variant overlaid, and (with variants) each what-if's
/// difference from the baseline.
pub(crate) fn metric_panels(report: &Results<'_>, metric: Measure, cumulative: bool) -> Vec<Panel> {
    let m = metric.info();
    let tick = &report.scenario.tick_unit;
    let pick = Pick {
        metrics: &[metric],
        cumulative,
    };
    let title = if cumulative {
        format!("{} (total so far)", m.title)
    } else if m.kind == Kind::Flow {
        format!("{} a {tick}", m.title)
    } else {
        m.title.to_string()
    };
    // The unit without its range ("NPS, -100 to 100"): the axis shows it.
    let unit = m.unit.split(", ").next().unwrap_or(m.unit);
    let y_desc = if cumulative {
        unit.replace(" per tick", "")
    } else {
        unit_words(unit, tick)
    };
    let mut panels = vec![Panel {
        title,
        y_desc: y_desc.clone(),
        lines: variant_lines(report, &pick),
        y_range: if cumulative { None } else { y_range_of(metric) },
        zero: false,
    }];
    if report.variants.len() > 1 {
        let own = report.has_own_references();
        let title = if own {
            "Difference from what each is compared with".to_string()
        } else {
            format!("Difference from {}", report.variants[0].name)
        };
        panels.push(Panel {
            title,
            y_desc,
            lines: report
                .variants
                .iter()
                .enumerate()
                .skip(1)
                .map(|(i, v)| {
                    let reference = report.reference(i);
                    Line {
                        label: if own {
                            format!("{} against {}", v.name, reference.name)
                        } else {
                            v.name.clone()
                        },
                        stroke: variant_stroke(i),
                        bands: difference(v, reference, &pick),
                    }
                })
                .collect(),
            y_range: None,
            zero: true,
        });
    }
    panels
}

/// Whether the variants' lines lie so close on the panel's scale that a
/// room could not tell them apart: within a tenth of the axis at every
/// tick (a few hundred of 4,000 customers, a dozen points of NPS).
fn indistinct(panel: &Panel) -> bool {
    if panel.lines.len() < 2 {
        return false;
    }
    let (lo, hi) = panel
        .y_range
        .unwrap_or_else(|| super::render::fitted(&panel.lines, panel.zero));
    let ticks = panel.lines[0].bands.len();
    let widest = (0..ticks)
        .map(|t| {
            let means = panel.lines.iter().map(|l| l.bands[t].mean);
            let top = means.clone().fold(f64::NEG_INFINITY, f64::max);
            top - means.fold(f64::INFINITY, f64::min)
        })
        .fold(0.0, f64::max);
    widest < 0.1 * (hi - lo)
}

/// Whether an event every variant shares moves the baseline's line by a
/// twentieth of the panel's scale or more: then the level is what the
/// room must see (a demand shock, with every version inside it), and the
/// what-ifs' differences are in the headline and the finding.
fn shocked(report: &Results<'_>, panel: &Panel) -> bool {
    let shared = markers(report, report.variants.len())
        .iter()
        .any(|m| m.shared);
    let Some(base) = panel.lines.first().filter(|_| shared) else {
        return false;
    };
    let (lo, hi) = panel
        .y_range
        .unwrap_or_else(|| super::render::fitted(&panel.lines, panel.zero));
    let means = base.bands.iter().map(|b| b.mean);
    let top = means.clone().fold(f64::NEG_INFINITY, f64::max);
    top - means.fold(f64::INFINITY, f64::min) >= 0.05 * (hi - lo)
}

/// The comparison figure: the scenario's `compare` measures, every variant
/// overlaid. A flow is drawn as its running total, which a room reads more
/// easily than a noisy weekly count. Where the variants' lines would lie
/// on top of each other on the measure's own scale, the panel shows each
/// what-if's difference from the baseline instead, so what differs shows.
pub(crate) fn compare(report: &Results<'_>) -> Figure {
    let base = &report.variants[0].name;
    let panels: Vec<Panel> = report
        .scenario
        .compare
        .iter()
        .map(|&m| {
            let mut panels = metric_panels(report, m, m.kind() == Kind::Flow);
            let shock = m.kind() == Kind::Level && shocked(report, &panels[0]);
            if panels.len() > 1 && indistinct(&panels[0]) && !shock {
                let mut difference = panels.swap_remove(1);
                difference.title = if report.has_own_references() {
                    format!("{}: difference from each one's reference", panels[0].title)
                } else {
                    format!("{}: difference from {base}", panels[0].title)
                };
                difference
            } else {
                panels.swap_remove(0)
            }
        })
        .collect();
    let grid = match panels.len() {
        1 => (1, 1),
        2 => (1, 2),
        _ => (2, 2),
    };
    let names: Vec<&str> = report.variants.iter().map(|v| v.name.as_str()).collect();
    let title = if report.variants.len() == 1 {
        format!(
            "{} over {} {}s",
            names[0], report.scenario.ticks, report.scenario.tick_unit
        )
    } else if names.join(" against ").chars().count() <= 60 {
        names.join(" against ")
    } else {
        format!("{} against {} what-ifs", names[0], names.len() - 1)
    };
    Figure {
        stem: "compare".into(),
        title,
        subtitle: findings::headline(report),
        panels,
        grid,
        legend: variant_legend(report),
        events: markers(report, report.variants.len()),
    }
}

/// Each variant's name and stroke, for a figure's one legend.
pub(crate) fn variant_legend(report: &Results<'_>) -> Vec<(String, Stroke)> {
    report
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| (v.name.clone(), variant_stroke(i)))
        .collect()
}

/// Capitalised first letter.
pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Whether the scenario can produce what a measure needs (morale needs
/// staff, job moves need mobility, and so on), so that a run draws only
/// the charts it has something to show in.
pub(crate) fn produces(report: &Results<'_>, m: Measure) -> bool {
    report.scenario.variants.iter().any(|v| v.produces(m))
}

/// An event drawn on a chart, in the colour of the variant it belongs to
/// (grey for events every variant shares), with the variants it is for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Marker {
    pub(crate) name: String,
    pub(crate) from: u32,
    pub(crate) to: u32,
    pub(crate) color: RGBColor,
    /// The events over this one window, each name in its colour (`name`
    /// is them joined by [`BETWEEN`]): one label, one bar, one line.
    pub(crate) parts: Vec<(String, RGBColor)>,
    /// Whether every variant drawn has it (then its window is shaded: it
    /// is what all the lines live through, not what sets them apart).
    pub(crate) shared: bool,
}

/// The events of the first `variants` variants, each once: see
/// [`markers_of`].
pub(crate) fn markers(report: &Results<'_>, variants: usize) -> Vec<Marker> {
    markers_of(report, &(0..variants).collect::<Vec<_>>())
}

/// The events of the variants `drawn` (indices into the scenario's), each
/// once: an event all of them have in grey; one of some in the colour of
/// the first that has it, named with the variants it belongs to when more
/// than one has it.
pub(crate) fn markers_of(report: &Results<'_>, drawn: &[usize]) -> Vec<Marker> {
    let all: Vec<(usize, &crate::scenario::Variant)> = drawn
        .iter()
        .map(|&k| (k, &report.scenario.variants[k]))
        .collect();
    let variants = all.len();
    let mut out: Vec<Marker> = Vec::new();
    let mut seen: Vec<&crate::scenario::Event> = Vec::new();
    for &(i, v) in &all {
        for e in &v.events {
            if seen.contains(&e) {
                continue;
            }
            seen.push(e);
            let holders: Vec<&str> = all
                .iter()
                .filter(|(_, w)| w.events.contains(e))
                .map(|(_, w)| w.name.as_str())
                .collect();
            let shared = holders.len() == all.len();
            let name = if shared || holders.len() == 1 {
                e.name.clone()
            } else {
                format!("{} ({})", e.name, holders.join(", "))
            };
            let color = if shared || variants == 1 {
                meaning::EVENT
            } else {
                variant_stroke(i).color
            };
            let shared = shared || variants == 1;
            // Events over the same weeks share one label, so they never
            // stack into lanes that crowd the plot; the line and the bar
            // are grey when any of them is everyone's.
            if let Some(same) = out.iter_mut().find(|m| (m.from, m.to) == (e.from, e.to)) {
                same.name = format!("{}{BETWEEN}{name}", same.name);
                same.parts.push((name, color));
                if shared {
                    same.shared = true;
                    same.color = meaning::EVENT;
                }
                continue;
            }
            out.push(Marker {
                parts: vec![(name.clone(), color)],
                name,
                from: e.from,
                to: e.to,
                shared,
                color,
            });
        }
    }
    out
}

/// What stands between the names of events over the same weeks.
pub(crate) const BETWEEN: &str = " · ";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{self, RunOptions};
    use crate::scenario::Scenario;

    #[test]
    fn events_over_the_same_weeks_share_one_grey_label_and_a_shock_is_shown_in_levels() {
        let text = r#"
title = "Shock"
ticks = 20
runs = 2
seed = 9
compare = ["customers", "lapses"]
[network]
kind = "erdos-renyi"
n = 800
mean_degree = 6
[[events]]
name = "demand shock"
from = 5
to = 10
set = { market.lapse_rate = 0.2 }
[[variants]]
name = "cut back"
[[variants.events]]
name = "cuts"
from = 5
to = 10
set = { service.quality_mean = -1.0 }
[[variants.events]]
name = "later"
from = 12
to = 14
set = { service.quality_mean = -1.0 }
"#;
        let s = Scenario::parse(text, std::path::Path::new("shock.toml")).unwrap();
        let results = pipeline::simulate(&s, &RunOptions::silent()).unwrap();
        let m = markers(&results, results.variants.len());
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(m[0].name, format!("demand shock{BETWEEN}cuts"));
        assert_eq!(m[0].color, meaning::EVENT, "everyone's shock: grey");
        assert_eq!(m[0].parts[1].1, variant_stroke(1).color);
        assert!(m[0].shared && !m[1].shared);
        // Customers are a level the shock moves: drawn as levels, not as a
        // difference, even where the two lines lie close.
        let fig = compare(&results);
        assert_eq!(fig.panels[0].title, "Customers", "{}", fig.panels[0].title);
    }
}
