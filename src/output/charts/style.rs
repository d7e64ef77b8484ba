//! One place for how charts look: the size, the font and its sizes, the
//! colours (one per meaning, from Okabe and Ito's colour-blind-safe
//! palette), how each variant's line is drawn, number labels, text that
//! must fit, and the frame every figure shares (title, finding, legend,
//! footer).
//!
//! The sizes are for a 1,600 x 900 slide seen from the back of a room,
//! each an em in pixels: tick labels at 30 px (digits about 22 px tall),
//! panel titles at 36 px, figure titles at 44 px.

use std::sync::Once;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;

static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
pub(crate) const FAMILY: &str = "sans-serif";

/// Chart size in pixels: 16:9, sharp on a projector.
pub const SIZE: (u32, u32) = (1600, 900);

pub(crate) fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, FONT)
            .unwrap_or_else(|_| panic!("the bundled DejaVu Sans font is valid"));
    });
}

/// Text sizes on a 1,600 x 900 figure, each given as its em in pixels
/// (what a CSS `font-size` of that many px draws) and converted by [`em`]
/// to the size plotters takes.
pub(crate) mod text {
    use super::em;
    /// The figure's title.
    pub const TITLE: u32 = em(44);
    /// The finding under the title.
    pub const SUBTITLE: u32 = em(30);
    /// A panel's title.
    pub const CAPTION: u32 = em(36);
    /// Numbers along an axis.
    pub const TICK: u32 = em(30);
    /// An axis's description.
    pub const AXIS: u32 = em(30);
    /// Legend entries, and the labels at the end of lines.
    pub const LEGEND: u32 = em(28);
    /// Events' names.
    pub const EVENT: u32 = em(28);
    /// The footer (fine print: a file's, not a slide's; the deck's
    /// pictures have none).
    pub const FOOTER: u32 = em(22);
    /// The least text on a slide.
    pub const SLIDE_LEAST: u32 = em(28);
    /// The least any text is shrunk to when it must fit.
    pub const LEAST: u32 = em(20);
}

/// The size plotters takes for text `px` pixels to the em. plotters sizes
/// a font by the height of its line, the font's ascent less its descent
/// (ab_glyph's `PxScale`), which for DejaVu Sans is 1.164 em (2,384 of
/// its 2,048 units): a size of 28 draws 24 px to the em. Every size in
/// the charts goes through this, so "28 px" means 28 px to the em, as a
/// slide's rule of thumb means it (capitals about 20 px tall).
pub(crate) const fn em(px: u32) -> u32 {
    (px * LINE_UNITS).div_ceil(EM_UNITS)
}

/// DejaVu Sans's units per em, and its line (ascent less descent) in
/// those units, from the bundled font's `head` and `hhea` tables.
pub(crate) const EM_UNITS: u32 = 2048;
pub(crate) const LINE_UNITS: u32 = 2384;

/// The grid at the labelled values; there are no lines between them.
pub(crate) const GRID: RGBColor = RGBColor(222, 222, 222);

/// Okabe and Ito's colour-blind-safe palette, and two greys.
pub mod palette {
    use plotters::style::RGBColor;
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
    pub const DARK: RGBColor = RGBColor(60, 60, 60);
    pub const GREY: RGBColor = RGBColor(130, 130, 130);
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    pub const GREEN: RGBColor = RGBColor(0, 158, 115);
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const SKY: RGBColor = RGBColor(86, 180, 233);
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
}

/// Colours that mean the same in every chart of a run. Green and
/// vermillion mean good and bad (stories, customers and those who left),
/// and are never a variant's colour.
pub mod meaning {
    use super::palette::*;
    use plotters::style::RGBColor;
    pub const GOOD: RGBColor = GREEN;
    pub const BAD: RGBColor = VERMILLION;
    /// Advertising, and other outside causes.
    pub const OUTSIDE: RGBColor = GREY;
    /// Events every variant shares.
    pub const EVENT: RGBColor = GREY;
}

/// How a line is drawn: its colour, width, and dashes (dash, gap), if any.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    pub color: RGBColor,
    pub width: u32,
    pub dash: Option<(u32, u32)>,
}

impl Stroke {
    pub const fn solid(color: RGBColor, width: u32) -> Stroke {
        Stroke {
            color,
            width,
            dash: None,
        }
    }

    pub const fn dashed(color: RGBColor, width: u32, dash: u32, gap: u32) -> Stroke {
        Stroke {
            color,
            width,
            dash: Some((dash, gap)),
        }
    }
}

/// How each variant is drawn, in order. The baseline is a thick dark line
/// drawn first; every what-if is thinner and on top, so a what-if that
/// follows the baseline shows as a coloured line inside a dark one rather
/// than hiding it; what-ifs after the first alternate dashes, so two that
/// coincide stay visible too. Never green or vermillion (good and bad).
const VARIANTS: [Stroke; 6] = [
    Stroke::solid(palette::DARK, 7),
    Stroke::solid(palette::BLUE, 4),
    Stroke::dashed(palette::ORANGE, 4, 18, 9),
    Stroke::solid(palette::PURPLE, 4),
    Stroke::dashed(palette::SKY, 4, 10, 8),
    Stroke::dashed(palette::BLACK, 3, 5, 6),
];

/// Variant `i`'s stroke (repeating after six).
pub(crate) fn variant_stroke(i: usize) -> Stroke {
    VARIANTS[i % VARIANTS.len()]
}

/// Where an event over ticks `from` to `to` (inclusive) is shaded on a
/// chart of `ticks` ticks: from the point of its first tick to the point
/// of its last, the points that lived through it. Every chart (the
/// panels, the headline) shades an event by this one rule, and the
/// studio's page does the same, so one event never ends in two places.
pub(crate) fn event_window(from: u32, to: u32, ticks: f64) -> (f64, f64) {
    let from = f64::from(from).min(ticks);
    (from, f64::from(to).min(ticks).max(from))
}

/// A unit in plain words, with the scenario's time unit: "people per
/// tick" becomes "people a week".
pub fn unit_words(unit: &str, tick_unit: &str) -> String {
    unit.replace("per tick", &format!("a {tick_unit}"))
}

/// Numbers along an axis from `lo` to `hi`, all in one form: thousands as
/// "12k" (with a decimal when the steps need one) from 10,000 up, millions
/// as "1.5M", and plain numbers with as many decimals as the steps need,
/// their thousands separated ("4,000", as the studio and the findings
/// write them).
pub fn axis_format(lo: f64, hi: f64) -> impl Fn(&f64) -> String {
    axis_format_by(lo.abs().max(hi.abs()), (hi - lo).abs() / 8.0)
}

/// Numbers along an axis whose largest is `top` and whose labels are
/// `step` apart: as many decimals as the step needs, and no more.
pub fn axis_format_by(top: f64, step: f64) -> impl Fn(&f64) -> String {
    let (div, suffix) = if top >= 1e6 {
        (1e6, "M")
    } else if top >= 1e4 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let scaled = step / div;
    let decimals = if scaled >= 1.0 || scaled == 0.0 {
        0
    } else {
        (-scaled.log10().floor()) as usize
    }
    .min(3);
    move |y: &f64| {
        let v = y / div;
        if v.abs() < 0.5 * 10f64.powi(-(decimals as i32)) {
            return "0".to_string();
        }
        with_thousands(&format!("{v:.decimals$}"), suffix)
    }
}

/// `number` (as `format!` writes it) with a comma between its whole
/// part's thousands, then `suffix`.
fn with_thousands(number: &str, suffix: &str) -> String {
    let (sign, rest) = number.split_at(usize::from(number.starts_with('-')));
    let (whole, fraction) = rest.split_at(rest.find('.').unwrap_or(rest.len()));
    let mut out = String::from(sign);
    for (k, digit) in whole.chars().enumerate() {
        if k > 0 && (whole.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out + fraction + suffix
}

/// Axis labels a room can read at a glance, for figures on their own
/// (the console): 12k, 1.5M.
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

/// Axes in the house style: tick labels and descriptions at their sizes,
/// the grid at the labelled values only.
pub(crate) fn axes<'m, 'a, 'b, X, Y, XT, YT, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
    DB: DrawingBackend,
{
    mesh.label_style((FAMILY, text::TICK))
        .axis_desc_style((FAMILY, text::AXIS))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
}

/// The width in pixels of `text` at `size` on `area`.
pub(crate) fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    size: u32,
) -> u32 {
    let font: TextStyle<'_> = (FAMILY, size).into_text_style(area);
    area.estimate_text_size(text, &font)
        .map_or(text.chars().count() as u32 * size / 2, |(w, _)| w)
}

/// One size for `lines` set together (a slide's list, the lines under a
/// big number): the largest from `most` down to `least` at which each
/// fits `width` on one line, so they read as one block rather than each
/// shrunk on its own; a line that does not fit even at `least` is then
/// broken by [`fit_down_to`] at that size.
pub(crate) fn one_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[String],
    most: u32,
    least: u32,
    width: u32,
) -> u32 {
    lines
        .iter()
        .map(|line| fit_down_to(area, line, most, least, width, 1).0)
        .min()
        .unwrap_or(most)
}

/// Lines of `text` that fit `width` at `size`: shrunk down to
/// [`text::LEAST`] first, then broken between words, at most `lines`
/// lines (the last shortened with an ellipsis if it must be).
pub(crate) fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    size: u32,
    width: u32,
    lines: usize,
) -> (u32, Vec<String>) {
    fit_down_to(area, text, size, text::LEAST, width, lines)
}

/// As [`fit`], shrinking no further than `least` before breaking lines
/// (a slide's headline stays large and takes two lines instead).
pub(crate) fn fit_down_to<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    size: u32,
    least: u32,
    width: u32,
    lines: usize,
) -> (u32, Vec<String>) {
    let mut s = size.max(least);
    while s > least && text_width(area, text, s) > width {
        s = s.saturating_sub(2).max(least);
    }
    if text_width(area, text, s) <= width {
        return (s, vec![text.to_string()]);
    }
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if text_width(area, &candidate, s) > width && !current.is_empty() {
            out.push(std::mem::replace(&mut current, word.to_string()));
        } else {
            current = candidate;
        }
    }
    out.push(current);
    if out.len() > lines {
        out.truncate(lines);
        let last = out.last_mut().expect("at least one line");
        while !last.is_empty() && text_width(area, &format!("{last}…"), s) > width {
            last.pop();
        }
        last.push('…');
    }
    (s, out)
}

/// What a figure's frame says besides its panels.
pub(crate) struct Framing<'a> {
    pub title: &'a str,
    /// The finding, under the title (or nothing).
    pub subtitle: Option<&'a str>,
    /// One legend for the whole figure: each line's name and stroke.
    pub legend: &'a [(String, Stroke)],
    /// What the lines are and where the numbers came from.
    pub footer: &'a str,
}

/// A white figure with its title (and finding), its legend row, and its
/// footer; returns the area left for the panels.
pub(crate) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    f: &Framing<'_>,
) -> Result<DrawingArea<DB, Shift>, String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let (w, h) = root.dim_in_pixel();
    let room = w.saturating_sub(60);
    let mut y = 14i32;
    let centred =
        |area: &DrawingArea<DB, Shift>, text: &str, size: u32, y: i32, color: RGBColor| {
            let width = text_width(area, text, size) as i32;
            area.draw(&Text::new(
                text.to_string(),
                ((((w as i32) - width) / 2).max(10), y),
                (FAMILY, size).into_font().color(&color),
            ))
        };
    // A title, like the finding under it, takes a second line rather than
    // going under 28 px.
    let (size, lines) = fit_down_to(root, f.title, text::TITLE, text::SLIDE_LEAST, room, 2);
    for line in &lines {
        centred(root, line, size, y, BLACK).map_err(err)?;
        y += size as i32 + 6;
    }
    if let Some(sub) = f.subtitle {
        // Read from the back of a room: never under 28 px, on up to three
        // lines rather than smaller.
        let (size, lines) = fit_down_to(root, sub, text::SUBTITLE, text::SLIDE_LEAST, room, 3);
        for line in &lines {
            centred(root, line, size, y, palette::DARK).map_err(err)?;
            y += size as i32 + 4;
        }
    }
    if !f.legend.is_empty() {
        y += 4;
        y += legend_row(root, f.legend, y).map_err(err)?;
    }
    // A slide has no footer (its speaker notes say where the figures came
    // from): no room is kept for one.
    let (fsize, flines) = if f.footer.is_empty() {
        (text::FOOTER, Vec::new())
    } else {
        fit(root, f.footer, text::FOOTER, room, 2)
    };
    let footer_h = if flines.is_empty() {
        12
    } else {
        flines.len() as i32 * (fsize as i32 + 4) + 12
    };
    for (k, line) in flines.iter().enumerate() {
        let fy = h as i32 - footer_h + 4 + k as i32 * (fsize as i32 + 4);
        root.draw(&Text::new(
            line.clone(),
            (30, fy),
            (FAMILY, fsize).into_font().color(&RGBColor(90, 90, 90)),
        ))
        .map_err(err)?;
    }
    let top = (y + 8).max(0) as u32;
    let bottom = (h as i32 - footer_h).max(top as i32 + 1) as u32;
    Ok(root.margin(top, h - bottom, 0, 0))
}

/// A row (or two) of line samples and names, centred; returns its height.
fn legend_row<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entries: &[(String, Stroke)],
    y: i32,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, _) = root.dim_in_pixel();
    let size = text::LEGEND;
    let widths: Vec<i32> = entries
        .iter()
        .map(|(name, _)| text_width(root, name, size) as i32 + 86)
        .collect();
    // Break into rows that fit.
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0;
    for (i, &wd) in widths.iter().enumerate() {
        if used + wd > w as i32 - 40 && !rows.last().is_some_and(|r| r.is_empty()) {
            rows.push(Vec::new());
            used = 0;
        }
        rows.last_mut().expect("a row").push(i);
        used += wd;
    }
    let row_h = size as i32 + 12;
    for (r, row) in rows.iter().enumerate() {
        let total: i32 = row.iter().map(|&i| widths[i]).sum();
        let mut x = ((w as i32 - total) / 2).max(10);
        let ry = y + r as i32 * row_h;
        for &i in row {
            let (name, stroke) = &entries[i];
            sample(root, *stroke, (x, ry + size as i32 / 2 + 2), 48)?;
            root.draw(&Text::new(
                name.clone(),
                (x + 58, ry),
                (FAMILY, size).into_font(),
            ))?;
            x += widths[i];
        }
    }
    Ok(rows.len() as i32 * row_h)
}

/// A short horizontal sample of a stroke, `length` pixels from `start`.
pub(crate) fn sample<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    stroke: Stroke,
    start: (i32, i32),
    length: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (x, y) = start;
    let style = stroke.color.stroke_width(stroke.width);
    match stroke.dash {
        None => area.draw(&PathElement::new(vec![(x, y), (x + length, y)], style)),
        Some((dash, gap)) => {
            let mut a = x;
            while a < x + length {
                let b = (a + dash as i32).min(x + length);
                area.draw(&PathElement::new(vec![(a, y), (b, y)], style))?;
                a = b + gap as i32;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_shaded_over_the_points_of_its_ticks() {
        // Weeks 5 to 8: from the point of week 5 to that of week 8.
        assert_eq!(event_window(5, 8, 20.0), (5.0, 8.0));
        // One week: no width (the charts mark its start).
        assert_eq!(event_window(5, 5, 20.0), (5.0, 5.0));
        // Past the end of the chart: cut at its last point.
        assert_eq!(event_window(15, 30, 20.0), (15.0, 20.0));
        assert_eq!(event_window(25, 30, 20.0), (20.0, 20.0));
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short_number(12_000.0), "12k");
        assert_eq!(short_number(1_500_000.0), "1.5M");
        assert_eq!(short_number(250.0), "250");
        assert_eq!(short_number(0.25), "0.25");
        assert_eq!(short_number(-0.5), "-0.5");
    }

    #[test]
    fn an_axis_speaks_one_form() {
        let f = axis_format(0.0, 12_000.0);
        let labels: Vec<String> = [0.0, 2_000.0, 8_000.0, 12_000.0].iter().map(&f).collect();
        assert_eq!(labels, ["0", "2k", "8k", "12k"]);
        let f = axis_format(0.0, 4_500.0);
        assert_eq!(f(&500.0), "500");
        assert_eq!(
            (f(&4_000.0), f(&-1_500.0)),
            ("4,000".into(), "-1,500".into())
        );
        let f = axis_format_by(1_000.5, 0.25);
        assert_eq!(f(&1_000.5), "1,000.5");
        let f = axis_format(-1.0, 1.0);
        assert_eq!((f(&-0.5), f(&0.0)), ("-0.5".to_string(), "0".to_string()));
        let f = axis_format(0.0, 1_500_000.0);
        assert_eq!(f(&1_500_000.0), "1.5M");
        // Labels 0.1 apart take one decimal, whatever the range.
        let f = axis_format_by(0.45, 0.1);
        assert_eq!(
            (f(&-0.2), f(&-0.4)),
            ("-0.2".to_string(), "-0.4".to_string())
        );
    }

    #[test]
    fn units_read_as_plain_words() {
        assert_eq!(unit_words("people per tick", "week"), "people a week");
        assert_eq!(unit_words("people", "day"), "people");
    }

    #[test]
    fn variants_never_wear_good_or_bad() {
        for i in 0..12 {
            let c = variant_stroke(i).color;
            assert!(c != meaning::GOOD && c != meaning::BAD, "variant {i}");
        }
    }

    /// docs/visual-language.md: the studio draws each variant in the
    /// colour the charts give it, and green and vermillion mean good and
    /// bad there too.
    #[test]
    fn the_studio_draws_variants_in_the_charts_colours() {
        let hex = |c: RGBColor| format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2);
        let js = include_str!("../../../assets/studio/studio.js");
        let line = js
            .lines()
            .find(|l| l.contains("const COLOURS"))
            .expect("studio.js names its colours");
        let theirs: Vec<&str> = line.split('\'').filter(|p| p.starts_with('#')).collect();
        let ours: Vec<String> = VARIANTS.iter().map(|s| hex(s.color)).collect();
        assert_eq!(theirs, ours);
        let css = include_str!("../../../assets/studio/studio.css");
        assert!(css.contains(&format!("--bad: {}", hex(meaning::BAD))));
    }
}
