//! `network.gexf`: the film as a dynamic GEXF 1.3 graph that Gephi's
//! timeline plays: each pictured agent with its group and contacts, its
//! market status and attitude over time (one timed value per change, with
//! a separate pair of attributes for each variant), its place from the
//! layout, and the ties among the pictured agents.
//!
//! Times are ticks (integers), and a value holds from the tick it appeared
//! to the tick before the next one (GEXF intervals are closed), the last to
//! the end of the run. Attitudes are kept to two decimals, so a change
//! smaller than that is not a new value.

use std::fmt::Write;

use super::Results;
use super::report::esc;
use crate::film::Film;

/// An attitude as it is kept: two decimals.
fn hundredths(attitude: f32) -> i32 {
    (f64::from(attitude) * 100.0).round() as i32
}

/// The attribute ids of variant `k`: plain for the first.
fn ids(film: &Film, k: usize) -> (String, String, String) {
    if k == 0 {
        return ("status".into(), "attitude".into(), String::new());
    }
    let name = &film.reels[k].variant;
    (
        format!("status:{k}"),
        format!("attitude:{k}"),
        format!(" ({name})"),
    )
}

/// The GEXF text of `film`.
pub fn gexf(film: &Film, report: &Results<'_>) -> String {
    let s = report.scenario;
    let mut x = String::new();
    let shown = format!("{}{}", film.shown(), film.not_shown());
    let variants: Vec<&str> = film.reels.iter().map(|r| r.variant.as_str()).collect();
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n\
         <meta>\n<creator>grapevine {version}</creator>\n\
         <description>{title}: scenario {source}, seed {seed}, the first run of each variant ({variants}), \
         from tick 0 (after a {warmup}-{unit} warm-up) to {ticks}, one tick a {unit}. {shown}</description>\n\
         </meta>\n\
         <graph mode=\"dynamic\" defaultedgetype=\"undirected\" timeformat=\"integer\" \
         timerepresentation=\"interval\" start=\"0\" end=\"{ticks}\">\n",
        version = env!("CARGO_PKG_VERSION"),
        title = esc(&s.title),
        source = esc(&s.source.display().to_string()),
        seed = s.seed,
        variants = esc(&variants.join(", ")),
        warmup = s.warmup,
        unit = esc(&film.tick_unit),
        ticks = s.ticks,
    );
    x.push_str(
        "<attributes class=\"node\" mode=\"static\">\n\
         <attribute id=\"group\" title=\"group\" type=\"string\"/>\n\
         <attribute id=\"contacts\" title=\"contacts\" type=\"integer\"/>\n\
         </attributes>\n<attributes class=\"node\" mode=\"dynamic\">\n",
    );
    for k in 0..film.reels.len() {
        let (status, attitude, suffix) = ids(film, k);
        let suffix = esc(&suffix);
        let _ = writeln!(
            x,
            "<attribute id=\"{status}\" title=\"status{suffix}\" type=\"string\"/>\n\
             <attribute id=\"{attitude}\" title=\"attitude{suffix}\" type=\"double\"/>"
        );
    }
    x.push_str("</attributes>\n<nodes>\n");
    let last = film.frames().saturating_sub(1);
    for (i, &agent) in film.agents.iter().enumerate() {
        let group = film
            .reels
            .first()
            .and_then(|r| r.frames.first())
            .map_or("", |f| film.groups[f[i].group as usize].as_str());
        let _ = write!(
            x,
            "<node id=\"{agent}\" label=\"{agent}\">\n<attvalues>\n\
             <attvalue for=\"group\" value=\"{}\"/>\n<attvalue for=\"contacts\" value=\"{}\"/>\n",
            esc(group),
            film.degree[i]
        );
        for (k, reel) in film.reels.iter().enumerate() {
            let (status, attitude, _) = ids(film, k);
            spells(
                &mut x,
                &status,
                last,
                reel.frames.iter().map(|f| f[i].status_name()),
                str::to_string,
            );
            spells(
                &mut x,
                &attitude,
                last,
                reel.frames.iter().map(|f| hundredths(f[i].attitude)),
                |h| format!("{}", f64::from(h) / 100.0),
            );
        }
        let (px, py) = film.position[i];
        let _ = write!(
            x,
            "</attvalues>\n<viz:position x=\"{:.1}\" y=\"{:.1}\" z=\"0.0\"/>\n<viz:size value=\"{}\"/>\n</node>\n",
            f64::from(px) * 1000.0,
            -f64::from(py) * 1000.0,
            (film.degree[i] as f64).sqrt().max(1.0).round()
        );
    }
    x.push_str("</nodes>\n<edges>\n");
    for (e, &(a, b)) in film.edges.iter().enumerate() {
        let _ = writeln!(
            x,
            "<edge id=\"{e}\" source=\"{}\" target=\"{}\"/>",
            film.agents[a as usize], film.agents[b as usize]
        );
    }
    x.push_str("</edges>\n</graph>\n</gexf>\n");
    x
}

/// One `<attvalue>` for each run of equal values in `values` (tick 0 on),
/// each closed interval ending the tick before the next value starts.
fn spells<T: PartialEq + Copy>(
    x: &mut String,
    id: &str,
    last: usize,
    values: impl Iterator<Item = T>,
    show: impl Fn(T) -> String,
) {
    let mut current: Option<(T, usize)> = None;
    let emit = |x: &mut String, value: T, start: usize, end: usize| {
        let _ = writeln!(
            x,
            "<attvalue for=\"{id}\" value=\"{}\" start=\"{start}\" end=\"{end}\"/>",
            esc(&show(value))
        );
    };
    for (t, v) in values.enumerate() {
        match current {
            Some((c, _)) if c == v => {}
            Some((c, start)) => {
                emit(x, c, start, t - 1);
                current = Some((v, t));
            }
            None => current = Some((v, t)),
        }
    }
    if let Some((c, start)) = current {
        emit(x, c, start, last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_holds_until_the_tick_before_the_next() {
        let mut x = String::new();
        spells(&mut x, "a", 5, [1, 1, 2, 2, 2, 1].into_iter(), |v| {
            v.to_string()
        });
        assert_eq!(
            x,
            "<attvalue for=\"a\" value=\"1\" start=\"0\" end=\"1\"/>\n\
             <attvalue for=\"a\" value=\"2\" start=\"2\" end=\"4\"/>\n\
             <attvalue for=\"a\" value=\"1\" start=\"5\" end=\"5\"/>\n"
        );
    }

    #[test]
    fn attitudes_keep_two_decimals() {
        assert_eq!(hundredths(0.123), 12);
        assert_eq!(hundredths(-0.996), -100);
    }
}
