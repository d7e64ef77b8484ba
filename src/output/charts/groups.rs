//! The groups chart: how each group sees the brand at the end, variant by
//! variant. Customers are not the only people who talk: staff,
//! stakeholders, competitors' people and prospects each have a view, and a
//! what-if can move one group and not another. Bars lie on their side
//! from zero (neutral), a group a row, so the names read across.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::panels::variant_legend;
use super::render::{Area, on_area};
use super::style::{self, FAMILY, Framing, palette, text};
use crate::measures::Measure;
use crate::output::Results;
use crate::results::figures::final_band_in;

/// Whether a run has groups worth comparing: the word-of-mouth model (it
/// records each group's reputation) with two groups or more.
pub(crate) fn drawn(report: &Results<'_>) -> bool {
    report.measures().contains(&Measure::Reputation) && report.scenario.baseline().groups.len() >= 2
}

/// Draws the figure, with its footer or (on a slide) without.
pub(crate) fn groups_figure(
    area: Area<'_, '_>,
    report: &Results<'_>,
    with_footer: bool,
) -> Result<(), String> {
    on_area!(area, |a| draw_groups(a, report, with_footer))
}

/// The most variants drawn side by side in a row.
const MOST_VARIANTS: usize = 6;

fn draw_groups<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Results<'_>,
    with_footer: bool,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let s = report.scenario;
    let groups: Vec<&str> = s
        .baseline()
        .groups
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    let shown = &report.variants[..report.variants.len().min(MOST_VARIANTS)];
    let legend: Vec<_> = variant_legend(report)
        .into_iter()
        .take(MOST_VARIANTS)
        .collect();
    let title = format!("{}: how each group sees the brand", s.title);
    let subtitle = format!(
        "Mean attitude of each group after {} {}s: −1 hostile, 0 neutral, +1 delighted",
        s.ticks, s.tick_unit
    );
    let footer = format!(
        "Bars: mean of {} runs; whiskers: 90% band. Seed {}. {}. grapevine {}",
        s.runs,
        s.seed,
        s.source.display(),
        env!("CARGO_PKG_VERSION")
    );
    let body = style::frame(
        root,
        &Framing {
            title: &title,
            subtitle: Some(&subtitle),
            legend: &legend,
            footer: if with_footer { &footer } else { "" },
        },
    )?;
    let widest = groups
        .iter()
        .map(|g| style::text_width(&body, g, text::TICK))
        .max()
        .unwrap_or(0);
    let rows = groups.len() as f64;
    let mut chart = ChartBuilder::on(&body)
        .margin(14)
        .margin_right(40)
        .x_label_area_size(text::TICK + text::AXIS + 26)
        .y_label_area_size(widest + 30)
        .build_cartesian_2d(-1f64..1f64, 0f64..rows)
        .map_err(err)?;
    let y_fmt = |y: &f64| {
        let row = (y - 0.5).round();
        if (y - 0.5 - row).abs() > 1e-6 || row < 0.0 || row >= rows {
            return String::new();
        }
        // The first group at the top.
        groups[(rows - 1.0 - row) as usize].to_string()
    };
    let x_fmt = style::axis_format(-1.0, 1.0);
    style::axes(&mut chart.configure_mesh())
        .x_desc("mean attitude toward the brand")
        .x_labels(5)
        .y_labels(groups.len() * 2 + 1)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .disable_y_mesh()
        .draw()
        .map_err(err)?;
    // Neutral, where every bar starts.
    chart
        .draw_series(LineSeries::new(
            [(0.0, 0.0), (0.0, rows)],
            palette::DARK.stroke_width(2),
        ))
        .map_err(err)?;
    let n = shown.len() as f64;
    let slot = 0.8 / n;
    for (g, _) in groups.iter().enumerate() {
        let top = rows - g as f64 - 0.1;
        for (k, (v, (_, stroke))) in shown.iter().zip(&legend).enumerate() {
            let band = final_band_in(v, g + 1, Measure::Reputation);
            if band.mean.is_nan() {
                continue;
            }
            let y1 = top - k as f64 * slot;
            let y0 = y1 - slot * 0.8;
            let colour = stroke.color;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y0), (band.mean, y1)],
                    colour.filled(),
                )))
                .map_err(err)?;
            let mid = (y0 + y1) / 2.0;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(band.p05, mid), (band.p95, mid)],
                    palette::BLACK.stroke_width(2),
                )))
                .map_err(err)?;
            let right = band.mean.max(band.p95).max(0.0);
            chart
                .draw_series(std::iter::once(Text::new(
                    attitude(band.mean),
                    (right + 0.03, y1 - slot * 0.05),
                    (FAMILY, text::LEGEND).into_font(),
                )))
                .map_err(err)?;
        }
    }
    Ok(())
}

/// A mean attitude to two places, signed; one that rounds to zero reads
/// "0.00", never "-0.00".
fn attitude(x: f64) -> String {
    let text = format!("{x:+.2}");
    if text.trim_start_matches(['+', '-']) == "0.00" {
        "0.00".into()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_attitude_that_rounds_to_zero_has_no_sign() {
        assert_eq!(super::attitude(-0.001), "0.00");
        assert_eq!(super::attitude(0.004), "0.00");
        assert_eq!(super::attitude(-0.12), "-0.12");
        assert_eq!(super::attitude(0.63), "+0.63");
    }
}
