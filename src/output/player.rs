//! The report's network player: the film of `--animate` drawn on a canvas
//! by a short inline script, with play, pause and a slider over the ticks,
//! each variant side by side. Everything is in the page (the film packed as
//! one byte per pictured agent and tick, base64), so it still opens
//! offline and fetches nothing.
//!
//! A byte holds the agent's step on the attitude scale (low four bits), the
//! stories it told (next two: good, bad) and those it heard (top two), as
//! in [`crate::model::Look`].

use std::fmt::Write;

use base64::Engine;
use serde::Serialize;

use super::animation::{ATTITUDE_STEPS, attitude_colours, attitude_step, thousands};
use super::charts::style::meaning;
use super::report::esc;
use crate::film::Film;

/// One agent at one tick, packed.
fn pack(look: &crate::model::Look) -> u8 {
    attitude_step(look.attitude) as u8 | (look.told & 3) << 4 | (look.heard & 3) << 6
}

fn hex(c: plotters::style::RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The film as the script reads it: positions in thousandths and sizes
/// in tenths, so the page stays small and the same bytes every time.
#[derive(Debug, Clone, Serialize)]
pub struct PlayerData {
    pub unit: String,
    pub n: usize,
    /// x, y of each pictured agent, in thousandths of the picture.
    pub pos: Vec<i32>,
    /// Each agent's dot size, against the mean degree's.
    pub size: Vec<f64>,
    /// Both ends of each edge, flattened.
    pub edges: Vec<u32>,
    /// The attitude scale's colours, low to high.
    pub colours: Vec<String>,
    pub good: String,
    pub bad: String,
    pub reels: Vec<ReelData>,
    /// Which agents are pictured, and which are not, in words.
    pub shown: String,
    pub not_shown: String,
}

/// One variant's reel: the good and bad stories told so far at each tick,
/// and every frame, one byte an agent (see `pack`), base64.
#[derive(Debug, Clone, Serialize)]
pub struct ReelData {
    pub name: String,
    pub told: Vec<[String; 2]>,
    pub frames: String,
}

/// The film as the page's script and the studio read it.
pub fn data(film: &Film) -> PlayerData {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mean =
        film.degree.iter().map(|&d| f64::from(d)).sum::<f64>() / film.degree.len().max(1) as f64;
    PlayerData {
        unit: film.tick_unit.clone(),
        n: film.agents.len(),
        pos: film
            .position
            .iter()
            .flat_map(|&(x, y)| [(x * 1000.0).round() as i32, (y * 1000.0).round() as i32])
            .collect(),
        size: film
            .degree
            .iter()
            .map(|&d| {
                let f = (f64::from(d) / mean.max(1.0)).sqrt().clamp(0.6, 2.0);
                (f * 10.0).round() / 10.0
            })
            .collect(),
        edges: film.edges.iter().flat_map(|&(a, b)| [a, b]).collect(),
        colours: attitude_colours().iter().map(|&c| hex(c)).collect(),
        good: hex(meaning::GOOD),
        bad: hex(meaning::BAD),
        reels: film
            .reels
            .iter()
            .map(|reel| ReelData {
                name: reel.variant.clone(),
                told: reel
                    .told
                    .iter()
                    .map(|[g, b]| [thousands(*g), thousands(*b)])
                    .collect(),
                frames: b64.encode(reel.frames.iter().flatten().map(pack).collect::<Vec<u8>>()),
            })
            .collect(),
        shown: film.shown(),
        not_shown: film.not_shown(),
    }
}

/// [`data`] as JSON inside a `<script>`: `<` written as `\u003c` (it can
/// only stand inside a string), so no `</script>` can end it.
fn script_json(film: &Film) -> String {
    in_script(serde_json::to_string(&data(film)).unwrap_or_default())
}

fn in_script(json: String) -> String {
    json.replace('<', "\\u003c")
}

/// The player's section of the page.
pub(crate) fn section(film: &Film) -> String {
    let mut page = String::new();
    let shown = esc(&format!(
        "{} The first run of each variant{}",
        film.shown(),
        film.not_shown()
    ));
    let _ = write!(
        page,
        "<h2>The grapevine, {unit} by {unit}</h2>\n<section class=\"player\" id=\"player\">\n\
         <div class=\"controls\"><button type=\"button\" id=\"play\" aria-label=\"Play\">Play</button>\
         <input type=\"range\" id=\"tick\" min=\"0\" max=\"{last}\" value=\"0\" aria-label=\"{unit}\">\
         <output id=\"when\">{unit} 0</output></div>\n<div class=\"reels\">\n",
        unit = esc(&film.tick_unit),
        last = film.frames().saturating_sub(1),
    );
    for (k, reel) in film.reels.iter().enumerate() {
        let _ = writeln!(
            page,
            "<figure class=\"reel\"><figcaption><strong>{}</strong> <span id=\"told{k}\"></span></figcaption>\
             <canvas id=\"reel{k}\" role=\"img\" aria-label=\"The network in {}\"></canvas></figure>",
            esc(&reel.variant),
            esc(&reel.variant)
        );
    }
    let ramp: Vec<String> = attitude_colours().iter().map(|&c| hex(c)).collect();
    let _ = write!(
        page,
        "</div>\n<p class=\"legend\"><span>attitude: against</span>\
         <span class=\"ramp\" style=\"background:linear-gradient(to right,{ramp})\"></span><span>for</span>\
         <span><i class=\"ring\" style=\"border-color:{good}\"></i>told a good story</span>\
         <span><i class=\"ring\" style=\"border-color:{bad}\"></i>told a bad story</span>\
         <span><i class=\"ring thin\"></i>heard one</span>\
         <span>dot size: contacts</span></p>\n\
         <p class=\"note\">{shown}; a tie lights up from a teller to those who heard that kind of story that {unit}. \
         <code>network.gif</code> is the same film for slides.</p>\n\
         <script>\nconst FILM = {data};\n{PLAYER_JS}grapevinePlayer(FILM, id => document.getElementById(id));\n</script>\n</section>\n",
        ramp = ramp.join(","),
        good = hex(meaning::GOOD),
        bad = hex(meaning::BAD),
        unit = esc(&film.tick_unit),
        data = script_json(film),
    );
    debug_assert_eq!(ATTITUDE_STEPS, 16, "four bits a step");
    page
}

/// The player: `grapevinePlayer(film, byId)` draws the frame the slider is
/// on and the play button steps through them; `byId` finds the player's
/// elements (`tick`, `when`, `play`, `reel0`, `told0`, ...). It returns a
/// handle whose `stop()` ends it (the studio starts a new one for each
/// run). The report and the studio's page share it.
pub const PLAYER_JS: &str = include_str!("../../assets/player/player.js");

/// The player's styles, added to the page's when it has one.
pub(crate) const STYLE: &str = include_str!("../../assets/player/player.css");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Look;
    use serde_json::json;

    #[test]
    fn a_look_packs_into_one_byte() {
        let look = Look {
            attitude: 1.0,
            status: 2,
            group: 0,
            told: Look::BAD,
            heard: Look::GOOD | Look::BAD,
            invited: false,
        };
        assert_eq!(pack(&look), 15 | 2 << 4 | 3 << 6);
    }

    #[test]
    fn names_cannot_end_the_script() {
        let json = serde_json::to_string(&json!({ "name": "a</script>\"b" })).unwrap();
        let text = in_script(json);
        assert_eq!(text, r#"{"name":"a\u003c/script>\"b"}"#);
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "a</script>\"b");
    }
}
