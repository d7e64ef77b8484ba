//! One place for how charts look: the size, the font, the colours (one per
//! meaning, Okabe and Ito's colour-blind-safe palette), the title and footer
//! frame every figure shares, the legend of variants, and number labels.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use plotters::chart::{MeshStyle, SeriesLabelStyle};
use plotters::coord::CoordTranslate;
use plotters::coord::ranged1d::ValueFormatter;

use crate::output::Report;

/// The grid: light lines at the labelled values, lighter ones between.
pub(crate) const GRID: RGBColor = RGBColor(215, 215, 215);
pub(crate) const FINE_GRID: RGBColor = RGBColor(240, 240, 240);

/// Text sizes in pixels on a 1600 x 900 figure, before a panel's scale.
pub(crate) mod text {
    /// Numbers along an axis.
    pub const TICK: f64 = 24.0;
    /// An axis's description.
    pub const AXIS: f64 = 28.0;
    /// A legend's entries.
    pub const LEGEND: f64 = 26.0;
}

/// A size in pixels at a panel's `scale`.
pub(crate) fn px(size: f64, scale: f64) -> u32 {
    (size * scale) as u32
}

/// Axes in the house style: tick labels and descriptions at `scale`, and
/// the grid.
pub(crate) fn axes<'m, 'a, 'b, X, Y, XT, YT, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    scale: f64,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
    DB: DrawingBackend,
{
    mesh.label_style((FAMILY, px(text::TICK, scale)))
        .axis_desc_style((FAMILY, px(text::AXIS, scale)))
        .bold_line_style(GRID)
        .light_line_style(FINE_GRID)
}

/// A legend in the house style: a white box with a grey border, at `scale`.
pub(crate) fn legend<'m, 'a, 'b, DB, CT>(
    labels: &'m mut SeriesLabelStyle<'a, 'b, DB, CT>,
    position: SeriesLabelPosition,
    scale: f64,
) -> &'m mut SeriesLabelStyle<'a, 'b, DB, CT>
where
    DB: DrawingBackend + 'a,
    CT: CoordTranslate,
{
    labels
        .position(position)
        .margin(px(16.0, scale))
        .label_font((FAMILY, px(text::LEGEND, scale)))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(190, 190, 190))
}

/// A legend entry's swatch: a short thick bar in the line's colour.
pub(crate) fn swatch(color: RGBColor) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x - 4, y - 4), (x + 22, y + 4)], color.filled())
}

static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

pub(crate) const FAMILY: &str = "sans-serif";

/// Chart size in pixels: 16:9, sharp on a projector.
pub const SIZE: (u32, u32) = (1600, 900);

/// Okabe and Ito's colour-blind-safe palette.
pub mod palette {
    use plotters::style::RGBColor;
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    pub const GREEN: RGBColor = RGBColor(0, 158, 115);
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const SKY: RGBColor = RGBColor(86, 180, 233);
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
}

pub(crate) fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, FONT)
            .unwrap_or_else(|_| panic!("the bundled DejaVu Sans font is valid"));
    });
}

/// Colours for variants, in order: the baseline blue, then vermillion,
/// green, orange, purple and sky (Okabe-Ito), repeating after six.
pub(crate) const VARIANT_COLOURS: [RGBColor; 6] = [
    palette::BLUE,
    palette::VERMILLION,
    palette::GREEN,
    palette::ORANGE,
    palette::PURPLE,
    palette::SKY,
];

pub(crate) fn variant_colour(i: usize) -> RGBColor {
    VARIANT_COLOURS[i % VARIANT_COLOURS.len()]
}

/// One legend for the whole figure: a row of the variants' colours and
/// names under the title. Returns the area below it.
pub(crate) fn variant_legend<DB: DrawingBackend>(
    body: DrawingArea<DB, Shift>,
    report: &Report<'_>,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (row, rest) = body.split_vertically(52);
    let font: TextStyle<'_> = (FAMILY, 28).into_text_style(&row);
    let widths: Vec<i32> = report
        .variants
        .iter()
        .map(|v| {
            let (w, _) = row.estimate_text_size(&v.name, &font).unwrap_or((200, 0));
            w as i32 + 70
        })
        .collect();
    let total: i32 = widths.iter().sum();
    let mut x = ((row.dim_in_pixel().0 as i32 - total) / 2).max(10);
    for (i, (v, w)) in report.variants.iter().zip(&widths).enumerate() {
        let color = variant_colour(i);
        row.draw(&Rectangle::new([(x, 16), (x + 34, 30)], color.filled()))?;
        row.draw(&Text::new(v.name.clone(), (x + 44, 8), font.clone()))?;
        x += w;
    }
    Ok(rest)
}

/// Fills the background, draws the title and the footer; returns the body.
pub(crate) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Report<'_>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, String>
where
    DB::ErrorType: 'static,
{
    let s = report.scenario;
    let note = format!(
        "Lines: mean of {} runs; shaded: 90% band (5th to 95th percentile). Seed {}. {} agents. {}. grapevine {}",
        s.runs,
        s.seed,
        report.network.agents,
        s.source.display(),
        env!("CARGO_PKG_VERSION")
    );
    footer_frame(root, &format!("{}: {title}", s.title), &note)
}

/// A white figure with a title on top and a grey note at the bottom.
pub(crate) fn footer_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    note: &str,
) -> Result<DrawingArea<DB, Shift>, String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let body = root
        .margin(18, 0, 0, 0)
        .titled(title, (FAMILY, 44))
        .map_err(err)?;
    let (body, footer) = body.split_vertically(body.dim_in_pixel().1 - 44);
    footer
        .draw(&Text::new(
            note.to_string(),
            (30, 6),
            (FAMILY, 22).into_font().color(&RGBColor(90, 90, 90)),
        ))
        .map_err(err)?;
    Ok(body)
}

/// Axis labels a room can read at a glance: 12k, 1.5M.
pub fn short_number(y: f64) -> String {
    let y = if y.abs() < 0.005 { 0.0 } else { y };
    let a = y.abs();
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if a >= 1e6 {
        format!("{}M", trim(format!("{:.1}", y / 1e6)))
    } else if a >= 1e4 {
        format!("{}k", trim(format!("{:.1}", y / 1e3)))
    } else if a >= 100.0 || y.fract() == 0.0 {
        format!("{}", y.round() as i64)
    } else {
        trim(format!("{y:.2}"))
    }
}
