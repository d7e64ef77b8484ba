//! The published results `grapevine validate --charts DIR` draws: for each,
//! what grapevine's runs gave (dots with bars of two standard errors, or a
//! mean curve) beside what the paper or theory says (the reference: a thick
//! dark line, as a headline's reference is drawn), and `checks.csv`, every
//! check's figures.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::Format;
use super::charts::{self, Area, on_area, style};
use crate::validation::{Check, Picture, PictureLine};

/// Writes each picture (PNG and SVG as `formats` ask) and `checks.csv`
/// into `dir`.
pub fn write(
    dir: &Path,
    checks: &[Check],
    pictures: &[Picture],
    formats: &[Format],
) -> Result<(), Box<dyn std::error::Error>> {
    super::put(dir, "checks.csv", checks_csv(checks)?)?;
    for p in pictures {
        charts::save(dir, p.stem, formats, |area| on_area!(area, |a| draw(a, p)))?;
    }
    Ok(())
}

/// Every check: its case, what it compares, the theory (or the range's
/// ends), the simulated mean and standard error, the tolerance, the runs,
/// and whether it passed.
pub fn checks_csv(checks: &[Check]) -> Result<String, Box<dyn std::error::Error>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "case",
        "check",
        "theory",
        "range_low",
        "range_high",
        "mean",
        "se",
        "tolerance",
        "runs",
        "passed",
        "grapevine",
    ])?;
    for c in checks {
        let (lo, hi) = c.range.map_or((String::new(), String::new()), |(lo, hi)| {
            (
                lo.to_string(),
                if hi.is_finite() {
                    hi.to_string()
                } else {
                    String::new()
                },
            )
        });
        w.write_record([
            c.case.to_string(),
            c.what.clone(),
            c.theory.to_string(),
            lo,
            hi,
            c.mean.to_string(),
            c.se.to_string(),
            c.tolerance().to_string(),
            c.runs.to_string(),
            c.passed().to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ])?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// How a line is drawn: the references in dark grey (the first thick, a
/// second dashed), what was simulated in the variants' colours; where
/// simulated lines are compared with no theory, the first is the reference
/// the others are what-ifs of.
fn strokes(p: &Picture) -> Vec<style::Stroke> {
    // A comparison of simulated lines alone (no theory, no window) has its
    // first line as the reference.
    let no_theory = p.window.is_none() && p.lines.len() > 1 && p.lines.iter().all(|l| !l.theory);
    let (mut theory, mut simulated) = (0, 0);
    p.lines
        .iter()
        .map(|l| {
            if l.theory {
                theory += 1;
                if theory == 1 {
                    style::Stroke::solid(style::palette::DARK, 6)
                } else {
                    style::Stroke::dashed(style::palette::DARK, 5, 18, 10)
                }
            } else {
                simulated += 1;
                // The variants' strokes: 0 is the baseline's.
                style::variant_stroke(simulated - usize::from(no_theory))
            }
        })
        .collect()
}

/// Whether a simulated line is a curve (many points) rather than dots.
fn is_curve(l: &PictureLine) -> bool {
    l.points.len() > 40
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, p: &Picture) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let strokes = strokes(p);
    let mut legend: Vec<(String, style::Stroke)> = p
        .lines
        .iter()
        .zip(&strokes)
        .map(|(l, s)| (l.label.clone(), *s))
        .collect();
    if let Some((_, _, name)) = &p.window {
        legend.push((name.clone(), style::Stroke::solid(style::palette::GREY, 20)));
    }
    let what = if p.lines.iter().any(|l| !l.theory && !is_curve(l)) {
        "Dots: mean of the runs, bars: two standard errors"
    } else {
        "Lines: mean of the runs"
    };
    let footer = format!(
        "{what}. `grapevine validate --charts`. grapevine {}",
        env!("CARGO_PKG_VERSION")
    );
    let body = style::frame(
        root,
        &style::Framing {
            title: &p.title,
            subtitle: Some(&p.finding),
            legend: &legend,
            footer: &footer,
        },
    )?;
    let points = p.lines.iter().flat_map(|l| l.points.iter());
    let (x0, x1, y1) = points.fold(
        (f64::INFINITY, f64::NEG_INFINITY, 0.0f64),
        |(a, b, c), &(x, y, se)| (a.min(x), b.max(x), c.max(y + 2.0 * se)),
    );
    let pad = ((x1 - x0) * 0.03).max(1e-9);
    let top = if y1 <= 1.0 {
        y1.max(0.1) * 1.08
    } else {
        y1 * 1.08
    };
    let x_fmt = style::axis_format(x0, x1);
    let y_fmt = style::axis_format(0.0, top);
    let mut chart = ChartBuilder::on(&body)
        .margin(24)
        .margin_right(60)
        .x_label_area_size(80)
        .y_label_area_size(120)
        .build_cartesian_2d((x0 - pad)..(x1 + pad), 0.0..top)
        .map_err(err)?;
    style::axes(&mut chart.configure_mesh())
        .x_desc(p.x_desc.as_str())
        .y_desc(p.y_desc.as_str())
        .x_labels(8)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()
        .map_err(err)?;
    if let Some((lo, hi, _)) = p.window {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(lo, 0.0), (hi, top)],
                style::palette::GREY.mix(0.18).filled(),
            )))
            .map_err(err)?;
    }
    for (l, stroke) in p.lines.iter().zip(&strokes) {
        let color = stroke.color;
        if l.theory || is_curve(l) {
            let line = l.points.iter().map(|&(x, y, _)| (x, y)).collect();
            charts::draw_line(&mut chart, line, *stroke).map_err(err)?;
            continue;
        }
        for &(x, y, se) in &l.points {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, (y - 2.0 * se).max(0.0)), (x, y + 2.0 * se)],
                    color.stroke_width(4),
                )))
                .map_err(err)?;
        }
        chart
            .draw_series(
                l.points
                    .iter()
                    .map(|&(x, y, _)| Circle::new((x, y), 9, color.filled())),
            )
            .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_is_a_row_with_its_range_and_result() {
        let check = Check {
            case: "c",
            what: "w, with a comma".into(),
            theory: 0.5,
            mean: 0.51,
            se: 0.01,
            discretisation: 0.0,
            range: Some((0.05, f64::INFINITY)),
            runs: 10,
        };
        let text = checks_csv(&[check]).unwrap();
        let mut lines = text.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("case,check,theory,range_low")
        );
        let row = lines.next().unwrap();
        assert!(
            row.starts_with("c,\"w, with a comma\",0.5,0.05,,0.51,0.01,"),
            "{row}"
        );
        assert!(row.contains(",10,true,"), "{row}");
    }

    #[test]
    fn theory_is_the_reference_and_else_the_first_of_several_simulated_lines() {
        let line = |theory| PictureLine {
            label: "l".into(),
            theory,
            points: vec![(0.0, 0.5, 0.0)],
        };
        let picture = |lines: Vec<PictureLine>, window| Picture {
            stem: "p",
            title: String::new(),
            finding: String::new(),
            x_desc: String::new(),
            y_desc: String::new(),
            lines,
            window,
        };
        let dark = style::palette::DARK;
        let with_theory = strokes(&picture(vec![line(false), line(true)], None));
        assert_ne!(with_theory[0].color, dark);
        assert_eq!(with_theory[1].color, dark);
        let compared = strokes(&picture(vec![line(false), line(false)], None));
        assert_eq!(compared[0].color, dark);
        assert_ne!(compared[1].color, dark);
        let windowed = strokes(&picture(vec![line(false)], Some((1.0, 2.0, "w".into()))));
        assert_ne!(windowed[0].color, dark);
    }
}
