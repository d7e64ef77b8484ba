//! `network.gif`: the film of a run as an animation for slides, one frame
//! after the warm-up and one per tick, each variant side by side.
//!
//! Agents are dots where the layout put them, coloured by attitude on a
//! diverging blue-grey-vermillion scale (safe for the common colour-vision
//! deficiencies) and sized by their contacts; a tick's tellers get a ring
//! and their ties to people who heard a story of the same kind that tick
//! light up, good in the charts' green and bad in their vermillion.
//!
//! Frames are drawn with plotters into an RGB buffer, then mapped to one
//! fixed 256-colour palette through a table of every 15-bit colour's
//! nearest entry (no per-frame quantising: fast, and the same bytes every
//! time), and each frame stores only the rectangle that changed.

use std::borrow::Cow;
use std::io::Write;

use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;

use super::charts::style::{self, FAMILY, em, meaning, palette};
use crate::film::Film;
pub use crate::film::thousands;
use crate::model::Look;

/// Image width for one or two variants side by side: a 720p slide.
const WIDTH: u32 = 1280;
/// The width a variant's panel has at least.
const PANEL_WIDTH: u32 = 640;
/// The most panels in a row.
const COLUMNS: u32 = 3;
const PAD: u32 = 14;

/// The deck's still: a 16:9 slide.
const SLIDE_SIZE: (u32, u32) = (1600, 900);

/// Type sizes in pixels, and the fine print's, if it is drawn.
#[derive(Debug, Clone, Copy)]
struct Type {
    title: u32,
    name: u32,
    counts: u32,
    legend: u32,
    note: Option<u32>,
    /// Whether the tick is shown top right (a still's title says it).
    clock: bool,
}

/// The film: a 720p animation, its fine print under the legend (sizes
/// in pixels to the em, as every chart's).
const FILM: Type = Type {
    title: em(34),
    name: em(26),
    counts: em(20),
    legend: em(20),
    note: Some(em(18)),
    clock: true,
};

/// The deck's still at 1600 x 900: nothing under 28 px to the em (the
/// back of the room); the fine print goes in the speaker notes instead.
const SLIDE: Type = Type {
    title: em(44),
    name: em(34),
    counts: em(28),
    legend: em(28),
    note: None,
    clock: false,
};

/// Steps of the attitude scale.
pub const ATTITUDE_STEPS: usize = 16;

/// Hundredths of a second each frame shows: the first (after the warm-up),
/// each tick, and the last.
const FIRST_DELAY: u16 = 100;
const TICK_DELAY: u16 = 25;
const LAST_DELAY: u16 = 300;

/// The attitude scale's colours, from -1 to +1.
pub fn attitude_colours() -> [RGBColor; ATTITUDE_STEPS] {
    let (neg, mid, pos) = (palette::VERMILLION, RGBColor(225, 225, 225), palette::BLUE);
    std::array::from_fn(|k| {
        let t = k as f64 / (ATTITUDE_STEPS - 1) as f64 * 2.0 - 1.0;
        let (a, b, f) = if t < 0.0 {
            (mid, neg, -t)
        } else {
            (mid, pos, t)
        };
        let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
        RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    })
}

/// The step of the attitude scale an attitude falls in.
pub fn attitude_step(attitude: f32) -> usize {
    (((f64::from(attitude) + 1.0) / 2.0 * (ATTITUDE_STEPS - 1) as f64).round() as usize)
        .min(ATTITUDE_STEPS - 1)
}

/// Where things go on the image, and in what type.
#[derive(Debug, Clone)]
struct Geometry {
    width: u32,
    height: u32,
    columns: u32,
    panel: (u32, u32),
    header: u32,
    /// Above each panel's drawing: its name, its counts, its events.
    caption: u32,
    legend: u32,
    kind: Type,
    /// The reels drawn, panel by panel.
    reels: Vec<usize>,
}

impl Geometry {
    /// The film: every reel, up to three in a row.
    fn film(film: &Film) -> Self {
        let panels = film.reels.len().max(1) as u32;
        let columns = panels.min(COLUMNS);
        let rows = panels.div_ceil(COLUMNS);
        let width = WIDTH.max(PANEL_WIDTH * columns);
        let reels: Vec<usize> = (0..film.reels.len()).collect();
        let (header, legend) = (64, legend_height(film, &reels, width, FILM));
        let panel_height = if rows == 1 {
            720 - header - legend
        } else {
            520
        };
        Self {
            width,
            height: header + rows * panel_height + legend,
            columns,
            panel: (width / columns, panel_height),
            header,
            caption: 60,
            legend,
            kind: FILM,
            reels,
        }
    }

    /// The deck's still: the reels given, in one row of a 16:9 slide.
    fn slide(film: &Film, reels: Vec<usize>) -> Self {
        let (width, height) = SLIDE_SIZE;
        let columns = reels.len().max(1) as u32;
        let (header, legend) = (76, legend_height(film, &reels, width, SLIDE));
        Self {
            width,
            height,
            columns,
            panel: (width / columns, height - header - legend),
            header,
            caption: 82,
            legend,
            kind: SLIDE,
            reels,
        }
    }

    /// The top-left corner of panel `k`.
    fn origin(&self, k: usize) -> (i32, i32) {
        let (col, row) = (k as u32 % self.columns, k as u32 / self.columns);
        (
            (col * self.panel.0) as i32,
            (self.header + row * self.panel.1) as i32,
        )
    }

    /// Where a position in the unit square lands in panel `k`.
    fn place(&self, k: usize, p: (f32, f32)) -> (i32, i32) {
        let (x0, y0) = self.origin(k);
        let w = self.panel.0 - 2 * PAD;
        let side = self.side();
        let left = x0 as f32 + PAD as f32 + (w as f32 - side) / 2.0;
        let top = y0 as f32 + self.caption as f32;
        (
            (left + p.0 * side).round() as i32,
            (top + p.1 * side).round() as i32,
        )
    }

    /// The drawing square's side in panel pixels.
    fn side(&self) -> f32 {
        (self.panel.0 - 2 * PAD).min(self.panel.1 - self.caption - PAD) as f32
    }
}

/// Each pictured agent's dot radius, from its contacts: the typical agent
/// gets the base size, hubs up to twice it.
fn radii(film: &Film, side: f32) -> Vec<i32> {
    let n = film.agents.len().max(1) as f32;
    let base = (0.28 * side / n.sqrt()).clamp(2.0, 12.0);
    let mean = film.degree.iter().map(|&d| d as f32).sum::<f32>() / n;
    film.degree
        .iter()
        .map(|&d| {
            let f = (d as f32 / mean.max(1.0)).sqrt().clamp(0.6, 2.0);
            (base * f).round().max(1.0) as i32
        })
        .collect()
}

/// The fixed palette: the scales and meanings first, then greys for
/// anti-aliased text, then an even 5 x 5 x 5 cube for everything else.
fn gif_palette() -> Vec<RGBColor> {
    let mut colours = vec![RGBColor(255, 255, 255)];
    colours.extend(attitude_colours());
    colours.extend([
        meaning::GOOD,
        meaning::BAD,
        palette::BLACK,
        palette::DARK,
        palette::GREY,
        EDGE,
    ]);
    colours.extend((0..32).map(|k| {
        let v = (k * 255 / 31) as u8;
        RGBColor(v, v, v)
    }));
    for base in [
        meaning::GOOD,
        meaning::BAD,
        palette::BLUE,
        palette::VERMILLION,
    ] {
        for f in [0.25, 0.5, 0.75] {
            let mix = |c: u8| (f64::from(c) + (255.0 - f64::from(c)) * f).round() as u8;
            colours.push(RGBColor(mix(base.0), mix(base.1), mix(base.2)));
        }
    }
    for r in 0..5u32 {
        for g in 0..5u32 {
            for b in 0..5u32 {
                let v = |x: u32| (x * 255 / 4) as u8;
                colours.push(RGBColor(v(r), v(g), v(b)));
            }
        }
    }
    colours.truncate(usize::from(TRANSPARENT));
    colours
}

/// The palette index of "unchanged": never a colour.
const TRANSPARENT: u8 = 255;

/// The faint colour of ties.
const EDGE: RGBColor = RGBColor(222, 222, 222);

/// The square around an event's guest: black, a mark of the picture's
/// own like its title, so it reads as no story and no attitude.
const GUEST: RGBColor = palette::BLACK;

/// For every 15-bit colour, its nearest palette entry.
fn nearest_table(colours: &[RGBColor]) -> Vec<u8> {
    (0..1u32 << 15)
        .map(|c| {
            let (r, g, b) = ((c >> 10) & 31, (c >> 5) & 31, c & 31);
            let (r, g, b) = (r * 255 / 31, g * 255 / 31, b * 255 / 31);
            let mut best = (u32::MAX, 0u8);
            for (k, p) in colours.iter().enumerate() {
                let d = |a: u32, b: u8| (a as i32 - i32::from(b)).pow(2) as u32;
                let dist = 2 * d(r, p.0) + 4 * d(g, p.1) + 3 * d(b, p.2);
                if dist < best.0 {
                    best = (dist, k as u8);
                }
            }
            best.1
        })
        .collect()
}

/// Draws the frames of `film` and writes them as a GIF to `out`.
pub fn write_gif(film: &Film, out: impl Write) -> Result<(), Box<dyn std::error::Error>> {
    style::register_font();
    let g = Geometry::film(film);
    let (w, h) = (g.width as usize, g.height as usize);
    let colours = gif_palette();
    let table = nearest_table(&colours);
    let mut flat: Vec<u8> = colours.iter().flat_map(|c| [c.0, c.1, c.2]).collect();
    // The last entry stands for "as in the frame before".
    flat.resize(256 * 3, 0);
    let mut encoder = gif::Encoder::new(out, g.width as u16, g.height as u16, &flat)?;
    encoder.set_repeat(gif::Repeat::Infinite)?;
    let radius = radii(film, g.side());
    let mut backdrop = vec![255u8; w * h * 3];
    draw_backdrop(film, &g, &film.title, &mut backdrop)?;
    let frames = film.frames();
    // Frames are drawn, compared with the one before and compressed in
    // parallel, a batch at a time (memory stays at a batch of frames), and
    // written in order.
    let batch = rayon::current_num_threads().max(1) * 2;
    let mut previous: Vec<u8> = Vec::new();
    for first in (0..frames).step_by(batch) {
        let ticks: Vec<usize> = (first..(first + batch).min(frames)).collect();
        let drawn: Vec<Vec<u8>> = ticks
            .par_iter()
            .map(|&t| {
                let mut rgb = backdrop.clone();
                draw_frame(film, &g, &radius, t, &mut rgb).map_err(|e| e.to_string())?;
                Ok(rgb
                    .chunks_exact(3)
                    .map(|px| {
                        let c = (u32::from(px[0]) >> 3) << 10
                            | (u32::from(px[1]) >> 3) << 5
                            | u32::from(px[2]) >> 3;
                        table[c as usize]
                    })
                    .collect())
            })
            .collect::<Result<_, String>>()?;
        let encoded: Vec<gif::Frame<'static>> = ticks
            .par_iter()
            .enumerate()
            .map(|(k, &t)| {
                let before = if k == 0 { &previous } else { &drawn[k - 1] };
                let now = &drawn[k];
                let (left, top, fw, fh) = changed(before, now, w, h);
                // Inside the rectangle, a pixel as it was is transparent:
                // long runs of one index compress far better.
                let mut part = Vec::with_capacity(fw * fh);
                for y in top..top + fh {
                    let row = y * w + left..y * w + left + fw;
                    if before.len() == now.len() {
                        part.extend(
                            now[row.clone()]
                                .iter()
                                .zip(&before[row])
                                .map(|(&a, &b)| if a == b { TRANSPARENT } else { a }),
                        );
                    } else {
                        part.extend_from_slice(&now[row]);
                    }
                }
                let keeps = before.len() == now.len();
                let mut frame = gif::Frame {
                    delay: match t {
                        0 => FIRST_DELAY,
                        _ if t + 1 == frames => LAST_DELAY,
                        _ => TICK_DELAY,
                    },
                    dispose: gif::DisposalMethod::Keep,
                    left: left as u16,
                    top: top as u16,
                    width: fw as u16,
                    height: fh as u16,
                    buffer: Cow::Owned(part),
                    transparent: keeps.then_some(TRANSPARENT),
                    ..gif::Frame::default()
                };
                frame.make_lzw_pre_encoded();
                frame
            })
            .collect();
        for frame in &encoded {
            encoder.write_lzw_pre_encoded_frame(frame)?;
        }
        if let Some(last) = drawn.into_iter().last() {
            previous = last;
        }
    }
    Ok(())
}

/// The network at tick `t` as a 16:9 slide (`network.png`, for the deck):
/// the reels of the variants named (the headline's reference and its
/// what-if; the first two when those are not filmed), titled `title`.
pub fn write_slide(
    film: &Film,
    variants: &[&str],
    t: usize,
    title: &str,
    out: impl Write,
) -> Result<(), String> {
    style::register_font();
    let mut reels: Vec<usize> = variants
        .iter()
        .filter_map(|name| film.reels.iter().position(|r| r.variant == *name))
        .collect();
    if reels.len() < variants.len().min(film.reels.len()) {
        reels = (0..film.reels.len().min(2)).collect();
    }
    let g = Geometry::slide(film, reels);
    let mut rgb = vec![255u8; g.width as usize * g.height as usize * 3];
    draw_backdrop(film, &g, title, &mut rgb).map_err(|e| e.to_string())?;
    let radius = radii(film, g.side());
    let t = t.min(film.frames().saturating_sub(1));
    draw_frame(film, &g, &radius, t, &mut rgb).map_err(|e| e.to_string())?;
    super::png(out, (g.width, g.height), &rgb)
}

/// The smallest rectangle (left, top, width, height) holding every pixel
/// that differs from the previous frame (the whole image for the first;
/// one pixel when nothing changed, as a frame cannot be empty).
fn changed(previous: &[u8], now: &[u8], w: usize, h: usize) -> (usize, usize, usize, usize) {
    if previous.len() != now.len() {
        return (0, 0, w, h);
    }
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for y in 0..h {
        let row = &now[y * w..(y + 1) * w];
        let before = &previous[y * w..(y + 1) * w];
        if row == before {
            continue;
        }
        let first = row
            .iter()
            .zip(before)
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let last = w
            - 1
            - row
                .iter()
                .rev()
                .zip(before.iter().rev())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
        x0 = x0.min(first);
        x1 = x1.max(last);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        return (0, 0, 1, 1);
    }
    (x0, y0, x1 - x0 + 1, y1 - y0 + 1)
}

fn text(size: u32, colour: RGBColor) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&colour)
}

type Drawn = Result<(), Box<dyn std::error::Error>>;

/// What every frame shares: the title, the panels' names, the ties and
/// the legend.
fn draw_backdrop(film: &Film, g: &Geometry, title: &str, rgb: &mut [u8]) -> Drawn {
    let area = BitMapBackend::with_buffer(rgb, (g.width, g.height)).into_drawing_area();
    area.fill(&WHITE)?;
    area.draw_text(title, &text(g.kind.title, palette::BLACK), (PAD as i32, 14))?;
    for (k, &r) in g.reels.iter().enumerate() {
        let (x0, y0) = g.origin(k);
        area.draw_text(
            &film.reels[r].variant,
            &text(g.kind.name, palette::BLACK),
            (x0 + PAD as i32, y0 + 4),
        )?;
        for &(a, b) in &film.edges {
            let p = g.place(k, film.position[a as usize]);
            let q = g.place(k, film.position[b as usize]);
            area.draw(&PathElement::new(vec![p, q], EDGE.stroke_width(1)))?;
        }
    }
    draw_legend(film, g, &area)?;
    area.present()?;
    Ok(())
}

/// What the legend explains.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Key {
    /// The attitude scale.
    Scale,
    /// A teller's ring, with its tie.
    Told(&'static str, RGBColor),
    Heard,
    /// An event's guest.
    Guest,
    Size,
}

impl Key {
    fn label(self) -> &'static str {
        match self {
            Key::Scale => "attitude",
            Key::Told(label, _) => label,
            Key::Heard => "heard one",
            Key::Guest => "invited guest",
            Key::Size => "dot size: contacts",
        }
    }

    /// The symbol's width before the label, at type size `s`.
    fn symbol(self, s: u32) -> u32 {
        match self {
            Key::Told(..) => 2 * s + s * 2 / 5,
            Key::Heard | Key::Guest => s + s * 2 / 5,
            Key::Scale | Key::Size => 0,
        }
    }

    fn width<DB: DrawingBackend>(self, area: &DrawingArea<DB, Shift>, s: u32) -> u32 {
        let tw = |t: &str| style::text_width(area, t, s);
        match self {
            Key::Scale => {
                tw("attitude") + tw("against") + tw("for") + 3 * (s / 2) + bar_step(s) * 16
            }
            _ => self.symbol(s) + tw(self.label()),
        }
    }
}

/// One step of the attitude scale's bar, at type size `s`.
fn bar_step(s: u32) -> u32 {
    s * 4 / 5
}

/// The legend's keys for the reels drawn: the guest's only where a reel
/// drawn has one.
fn keys(film: &Film, reels: &[usize]) -> Vec<Key> {
    let mut keys = vec![
        Key::Scale,
        Key::Told("told a good story", meaning::GOOD),
        Key::Told("told a bad story", meaning::BAD),
        Key::Heard,
    ];
    if reels
        .iter()
        .any(|&r| film.reels[r].invited.iter().any(Option::is_some))
    {
        keys.push(Key::Guest);
    }
    keys.push(Key::Size);
    keys
}

/// The keys in rows that fit `width`, each with its left edge.
fn legend_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    keys: &[Key],
    width: u32,
    s: u32,
) -> Vec<Vec<(Key, i32)>> {
    let gap = s * 3 / 2;
    let mut rows: Vec<Vec<(Key, i32)>> = vec![Vec::new()];
    let mut x = PAD;
    for &key in keys {
        let w = key.width(area, s);
        if x > PAD && x + w > width - PAD {
            rows.push(Vec::new());
            x = PAD;
        }
        rows.last_mut().expect("a row").push((key, x as i32));
        x += w + gap;
    }
    rows
}

/// The legend's height: its rows of keys, and the fine print's two lines.
fn legend_height(film: &Film, reels: &[usize], width: u32, kind: Type) -> u32 {
    let mut px = [0u8; 3];
    let area = BitMapBackend::with_buffer(&mut px, (1, 1)).into_drawing_area();
    let rows = legend_rows(&area, &keys(film, reels), width, kind.legend).len() as u32;
    12 + rows * row_height(kind) + kind.note.map_or(0, |n| 2 * (n + 4)) + 4
}

fn row_height(kind: Type) -> u32 {
    kind.legend * 3 / 2
}

fn draw_legend<DB: DrawingBackend>(
    film: &Film,
    g: &Geometry,
    area: &DrawingArea<DB, Shift>,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let s = g.kind.legend;
    let top = (g.height - g.legend + 12) as i32;
    let rows = legend_rows(area, &keys(film, &g.reels), g.width, s);
    let half = s as i32 / 2;
    for (row, keys) in rows.iter().enumerate() {
        let y = top + row as i32 * row_height(g.kind) as i32;
        for &(key, x) in keys {
            let label_x = x + key.symbol(s) as i32;
            match key {
                Key::Scale => draw_scale(area, (x, y), s)?,
                Key::Told(_, colour) => {
                    area.draw(&Circle::new(
                        (x + half, y + half),
                        half as u32,
                        colour.stroke_width(3),
                    ))?;
                    area.draw(&PathElement::new(
                        vec![(x + s as i32, y + half), (x + 2 * s as i32, y + half)],
                        colour.stroke_width(3),
                    ))?;
                }
                Key::Heard => {
                    area.draw(&Circle::new(
                        (x + half, y + half),
                        half as u32,
                        palette::GREY.stroke_width(1),
                    ))?;
                }
                Key::Guest => {
                    area.draw(&Rectangle::new(
                        [(x + 1, y + 1), (x + s as i32 - 1, y + s as i32 - 1)],
                        GUEST.stroke_width(2),
                    ))?;
                }
                Key::Size => {}
            }
            if key != Key::Scale {
                area.draw_text(key.label(), &text(s, palette::DARK), (label_x, y))?;
            }
        }
    }
    if let Some(size) = g.kind.note {
        let note = format!(
            "{} First run of each variant{}; ties light up from a teller to those who heard that kind of story that {}. Seed {}. {}. grapevine {}.",
            film.shown(),
            film.not_shown(),
            film.tick_unit,
            film.seed,
            film.source,
            env!("CARGO_PKG_VERSION")
        );
        let y = top + rows.len() as i32 * row_height(g.kind) as i32;
        let (size, lines) = style::fit(area, &note, size, g.width - 2 * PAD, 2);
        for (k, line) in lines.iter().enumerate() {
            area.draw_text(
                line,
                &text(size, palette::GREY),
                (PAD as i32, y + (size as i32 + 4) * k as i32),
            )?;
        }
    }
    Ok(())
}

/// The attitude scale: "attitude against [bar] for".
fn draw_scale<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    s: u32,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let style = text(s, palette::DARK);
    let gap = (s / 2) as i32;
    let tw = |t: &str| style::text_width(area, t, s) as i32;
    area.draw_text("attitude", &style, (x, y))?;
    let x = x + tw("attitude") + gap;
    area.draw_text("against", &style, (x, y))?;
    let bar = x + tw("against") + gap;
    let step = bar_step(s) as i32;
    for (k, c) in attitude_colours().iter().enumerate() {
        let x = bar + k as i32 * step;
        area.draw(&Rectangle::new(
            [(x, y + 1), (x + step, y + s as i32 - 1)],
            c.filled(),
        ))?;
    }
    let after = bar + ATTITUDE_STEPS as i32 * step + gap;
    area.draw_text("for", &style, (after, y))?;
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    Heard,
    Told,
}

/// One tick's frame over the backdrop: lit ties, dots, rings, guests, the
/// time and the counts.
fn draw_frame(film: &Film, g: &Geometry, radius: &[i32], t: usize, rgb: &mut [u8]) -> Drawn {
    let area = BitMapBackend::with_buffer(rgb, (g.width, g.height)).into_drawing_area();
    let colours = attitude_colours();
    if g.kind.clock {
        let when = format!("{} {t}", film.tick_unit);
        let width = style::text_width(&area, &when, g.kind.title) as i32;
        area.draw_text(
            &when,
            &text(g.kind.title, palette::BLACK),
            (g.width as i32 - PAD as i32 - width, 14),
        )?;
    }
    let counts_y = 4 + g.kind.name as i32 + 8;
    for (k, &r) in g.reels.iter().enumerate() {
        let reel = &film.reels[r];
        let looks = &reel.frames[t];
        let (x0, y0) = g.origin(k);
        let [good, bad] = reel.told[t];
        let counts = format!(
            "told so far: {} good, {} bad",
            thousands(good),
            thousands(bad)
        );
        area.draw_text(
            &counts,
            &text(g.kind.counts, palette::DARK),
            (x0 + PAD as i32, y0 + counts_y),
        )?;
        // The events under way, named in the panel while they last.
        let now = reel.events_at(t as u32);
        if !now.is_empty() {
            area.draw_text(
                &format!("now: {}", now.join(", ")),
                &text(g.kind.counts.max(26), meaning::EVENT),
                (x0 + PAD as i32, y0 + counts_y + g.kind.counts as i32 + 6),
            )?;
        }
        for (kind, colour) in [(Look::GOOD, meaning::GOOD), (Look::BAD, meaning::BAD)] {
            for &(a, b) in &film.edges {
                let (la, lb) = (looks[a as usize], looks[b as usize]);
                let lit = (la.told & kind != 0 && lb.heard & kind != 0)
                    || (lb.told & kind != 0 && la.heard & kind != 0);
                if lit {
                    let p = g.place(k, film.position[a as usize]);
                    let q = g.place(k, film.position[b as usize]);
                    area.draw(&PathElement::new(vec![p, q], colour.stroke_width(2)))?;
                }
            }
        }
        for (i, look) in looks.iter().enumerate() {
            let p = g.place(k, film.position[i]);
            let c = colours[attitude_step(look.attitude)];
            area.draw(&Circle::new(p, radius[i], c.filled()))?;
        }
        // Rings: thin for those who heard a story this tick, thick for
        // those who told one (drawn last, on top).
        for pass in [Pass::Heard, Pass::Told] {
            for (i, look) in looks.iter().enumerate() {
                let (kinds, width, gap) = match pass {
                    Pass::Heard => (look.heard, 1, 2),
                    Pass::Told => (look.told, 2, 3),
                };
                if kinds == 0 || (pass == Pass::Heard && look.told != 0) {
                    continue;
                }
                let p = g.place(k, film.position[i]);
                let colour = if kinds & Look::BAD != 0 {
                    meaning::BAD
                } else {
                    meaning::GOOD
                };
                area.draw(&Circle::new(p, radius[i] + gap, colour.stroke_width(width)))?;
            }
        }
        // Guests keep their square from the tick they were invited.
        for (i, first) in reel.invited.iter().enumerate() {
            if first.is_some_and(|first| first as usize <= t) {
                let (x, y) = g.place(k, film.position[i]);
                let half = radius[i] + 2;
                area.draw(&Rectangle::new(
                    [(x - half, y - half), (x + half, y + half)],
                    GUEST.stroke_width(1),
                ))?;
            }
        }
    }
    area.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attitude_scale_runs_from_bad_to_blue_through_grey() {
        let c = attitude_colours();
        assert_eq!(c[0], palette::VERMILLION);
        assert_eq!(c[ATTITUDE_STEPS - 1], palette::BLUE);
        assert_eq!(attitude_step(-1.0), 0);
        assert_eq!(attitude_step(1.0), ATTITUDE_STEPS - 1);
        assert_eq!(attitude_step(0.0), ATTITUDE_STEPS / 2);
    }

    #[test]
    fn the_palette_fits_a_gif_and_maps_its_own_colours_to_themselves() {
        let colours = gif_palette();
        assert!(colours.len() <= 256);
        let table = nearest_table(&colours);
        for c in attitude_colours()
            .iter()
            .chain([&meaning::GOOD, &meaning::BAD])
        {
            let k = (u32::from(c.0) >> 3) << 10 | (u32::from(c.1) >> 3) << 5 | u32::from(c.2) >> 3;
            let got = colours[table[k as usize] as usize];
            let near = |a: u8, b: u8| (i32::from(a) - i32::from(b)).abs() <= 8;
            assert!(
                near(got.0, c.0) && near(got.1, c.1) && near(got.2, c.2),
                "{c:?} -> {got:?}"
            );
        }
    }

    #[test]
    fn the_legend_wraps_to_fit_the_slide_in_its_large_type() {
        style::register_font();
        let mut px = [0u8; 3];
        let area = BitMapBackend::with_buffer(&mut px, (1, 1)).into_drawing_area();
        let keys = [
            Key::Scale,
            Key::Told("told a good story", meaning::GOOD),
            Key::Told("told a bad story", meaning::BAD),
            Key::Heard,
            Key::Guest,
            Key::Size,
        ];
        for (width, s) in [(SLIDE_SIZE.0, SLIDE.legend), (WIDTH, FILM.legend)] {
            let rows = legend_rows(&area, &keys, width, s);
            assert_eq!(rows.iter().map(Vec::len).sum::<usize>(), keys.len());
            for row in &rows {
                let &(last, x) = row.last().unwrap();
                assert!(x as u32 + last.width(&area, s) <= width - PAD, "{row:?}");
            }
        }
        let slide = legend_rows(&area, &keys, SLIDE_SIZE.0, SLIDE.legend);
        assert!(slide.len() > 1, "28 px type takes two rows");
    }

    #[test]
    fn only_the_changed_rectangle_is_kept() {
        let before = vec![0u8; 20 * 10];
        let mut now = before.clone();
        now[3 * 20 + 5] = 1;
        now[6 * 20 + 9] = 2;
        assert_eq!(changed(&before, &now, 20, 10), (5, 3, 5, 4));
        assert_eq!(changed(&before, &before, 20, 10), (0, 0, 1, 1));
        assert_eq!(changed(&[], &now, 20, 10), (0, 0, 20, 10));
    }
}
