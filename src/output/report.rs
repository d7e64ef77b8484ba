//! `report.html`: one page to hand out after a session. It carries
//! everything inline (styles, and the charts as SVG), so it opens offline
//! from a USB stick or an email and fetches nothing; it reads on a phone
//! and prints to a few pages (the detail charts and the scenario sit in
//! folded sections a printout leaves out).
//!
//! The page holds nothing that varies between identical runs, so, like
//! the CSV, it is byte-identical for the same scenario and seed.

use std::fmt::Write;

use rayon::prelude::*;

use super::Results;
use super::charts::{self, Chart};
use super::findings;
use crate::measures::Measure;

/// The page, with `all` (the run's charts) inline, or the first chart
/// that could not be drawn.
pub(crate) fn html(
    report: &Results<'_>,
    all: &[Chart],
    film: Option<&crate::film::Film>,
) -> Result<String, String> {
    let drawn: Vec<String> = all
        .par_iter()
        .map(|c| charts::svg(c, report).map(|svg| figure(c, &svg)))
        .collect::<Result<_, _>>()?;
    let (main, detail): (Vec<_>, Vec<_>) = all
        .iter()
        .zip(drawn)
        .partition(|(c, _)| !c.stem.starts_with("charts/"));
    let s = report.scenario;
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"grapevine {version}\">\n\
         <title>{title}</title>\n<style>\n{STYLE}{player}</style>\n</head>\n<body>\n<main>\n",
        version = env!("CARGO_PKG_VERSION"),
        title = esc(&s.title),
        player = if film.is_some() {
            super::player::STYLE
        } else {
            ""
        },
    );
    header(&mut page, report);
    findings_section(&mut page, report);
    let mut main = main.into_iter();
    if let Some((_, compare)) = main.next() {
        page.push_str(&compare);
    }
    if let Some(film) = film {
        page.push_str(&super::player::section(film));
    }
    numbers(&mut page, report);
    variants(&mut page, report);
    let which = if report.variants.len() > 1 {
        format!(" ({})", esc(&report.variants[0].name))
    } else {
        String::new()
    };
    let _ = writeln!(page, "<h2>The baseline in detail{which}</h2>");
    for (_, fig) in main {
        page.push_str(&fig);
    }
    let _ = writeln!(
        page,
        "<details class=\"more\">\n<summary>Every measure, one chart each ({})</summary>",
        detail.len()
    );
    for (_, fig) in detail {
        page.push_str(&fig);
    }
    page.push_str("</details>\n");
    scenario_section(&mut page, report);
    footer(&mut page, report);
    page.push_str("</main>\n</body>\n</html>\n");
    Ok(page)
}

/// Text made safe to put in HTML, between tags or in an attribute.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A chart as a figure: the SVG (which carries its own title), named for
/// screen readers.
fn figure(chart: &Chart, svg: &str) -> String {
    let svg = svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", esc(&chart.title)),
        1,
    );
    format!(
        "<figure id=\"{id}\">\n{svg}</figure>\n",
        id = esc(&chart.stem.replace('/', "-")),
    )
}

/// The lesson: the paragraph of the scenario file's opening comment that
/// starts "The lesson:", if it has one.
pub fn lesson(text: &str) -> Option<String> {
    let comment: Vec<&str> = text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect();
    let paragraph = comment
        .split(|l| l.is_empty())
        .find(|p| p.first().is_some_and(|l| l.starts_with("The lesson:")))?;
    let text = paragraph.join(" ");
    let text = text
        .trim_start_matches("The lesson:")
        .trim()
        .replace(" -- ", " – ");
    let mut chars = text.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

fn header(page: &mut String, report: &Results<'_>) {
    let s = report.scenario;
    let _ = writeln!(page, "<header>\n<h1>{}</h1>", esc(&s.title));
    if !s.description.is_empty() {
        let _ = writeln!(page, "<p class=\"lead\">{}</p>", esc(&s.description));
    }
    if let Some(lesson) = lesson(&s.text) {
        let _ = writeln!(
            page,
            "<p class=\"lesson\"><b>The lesson.</b> {}</p>",
            esc(&lesson)
        );
    }
    let _ = writeln!(
        page,
        "<p class=\"meta\">{runs} runs of a town of {people} people over {ticks} {unit}s, \
         after {warmup} {unit}s of warm-up. Seed {seed}. Scenario <code>{source}</code>{overrides}. \
         grapevine {version}.</p>\n</header>",
        runs = s.runs,
        people = crate::film::thousands(report.network.agents as f64),
        ticks = s.ticks,
        unit = esc(&s.tick_unit),
        warmup = s.warmup,
        seed = s.seed,
        source = esc(&s.source.display().to_string()),
        overrides = if s.overrides.is_empty() {
            String::new()
        } else {
            format!(", with <code>{}</code>", esc(&s.overrides.join(" ")))
        },
        version = env!("CARGO_PKG_VERSION"),
    );
}

/// Each what-if's finding in a sentence, or (one variant) where the town
/// ended.
fn findings_section(page: &mut String, report: &Results<'_>) {
    page.push_str("<section class=\"findings\">\n<h2>What the runs show</h2>\n<ul>\n");
    let sentences = findings::sentences(report);
    if sentences.is_empty() {
        let s = report.scenario;
        let v = &report.variants[0];
        let kind = s.baseline().model.kind();
        let parts: Vec<String> = kind
            .declaration()
            .headlines
            .iter()
            .map(|&m| {
                let b = crate::results::figures::final_band(v, m);
                format!(
                    "{} {} (90% band: {} to {})",
                    findings::what(m),
                    findings::plain(m, b.mean),
                    findings::plain(m, b.p05),
                    findings::plain(m, b.p95)
                )
            })
            .collect();
        let _ = writeln!(
            page,
            "<li>After {} {}s: {}.</li>",
            s.ticks,
            esc(&s.tick_unit),
            esc(&parts.join("; "))
        );
    }
    for line in sentences {
        let _ = writeln!(page, "<li>{}</li>", esc(&line));
    }
    page.push_str("</ul>\n</section>\n");
}

/// The headline figures at the end, per variant, and each what-if's
/// difference from the baseline, every one with its band.
fn numbers(page: &mut String, report: &Results<'_>) {
    let s = report.scenario;
    let kind = s.baseline().model.kind();
    let base = &report.variants[0];
    let _ = writeln!(
        page,
        "<h2>At the end of {} {}s</h2>\n<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Measure</th>",
        s.ticks,
        esc(&s.tick_unit)
    );
    for v in &report.variants {
        let _ = write!(page, "<th scope=\"col\">{}</th>", esc(&v.name));
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    let cell = |m: Measure, b: crate::results::Band, signed: bool| {
        let f = |x| {
            if signed {
                findings::amount(m, x)
            } else {
                findings::plain(m, x)
            }
        };
        format!(
            "<td>{}<span class=\"band\">{} to {}</span></td>",
            f(b.mean),
            f(b.p05),
            f(b.p95)
        )
    };
    for &m in kind.declaration().headlines {
        let _ = write!(
            page,
            "<tr><th scope=\"row\">{}{}</th>",
            esc(&findings::what(m)),
            in_all(m)
        );
        for v in &report.variants {
            page.push_str(&cell(m, crate::results::figures::final_band(v, m), false));
        }
        page.push_str("</tr>\n");
    }
    if report.variants.len() > 1 {
        let _ = writeln!(
            page,
            "<tr class=\"part\"><th scope=\"rowgroup\" colspan=\"{}\">Difference from {}</th></tr>",
            report.variants.len() + 1,
            if report.has_own_references() {
                let pairs: Vec<String> = (1..report.variants.len())
                    .map(|k| {
                        format!(
                            "{} against {}",
                            esc(&report.variants[k].name),
                            esc(&report.reference(k).name)
                        )
                    })
                    .collect();
                format!("what each is compared with: {}", pairs.join("; "))
            } else {
                esc(&base.name)
            }
        );
        for &m in kind.declaration().differences {
            if !charts::produces(report, m) {
                continue;
            }
            let _ = write!(
                page,
                "<tr><th scope=\"row\">{}{}</th><td>–</td>",
                esc(&findings::what(m)),
                in_all(m)
            );
            for (k, v) in report.variants.iter().enumerate().skip(1) {
                page.push_str(&cell(
                    m,
                    crate::results::figures::difference_band(v, report.reference(k), m),
                    true,
                ));
            }
            page.push_str("</tr>\n");
        }
    }
    let _ = writeln!(
        page,
        "</tbody>\n</table></div>\n<p class=\"note\">Each cell: the mean of {} runs, and under it the 90% band (5th to 95th percentile). Differences are taken run by run.</p>",
        s.runs
    );
}

/// " (in all)" after a flow's name: its figure is the total over the run.
fn in_all(m: Measure) -> &'static str {
    if m.kind() == crate::measures::Kind::Flow {
        " (in all)"
    } else {
        ""
    }
}

/// What each variant is, and what it changes.
fn variants(page: &mut String, report: &Results<'_>) {
    let s = report.scenario;
    if s.variants.len() < 2 {
        return;
    }
    page.push_str("<h2>The variants</h2>\n<dl>\n");
    for v in &s.variants {
        let _ = write!(page, "<dt>{}</dt><dd>{}", esc(&v.name), esc(&v.description));
        if !v.changes.is_empty() {
            let _ = write!(
                page,
                " <span class=\"changes\">Changes: <code>{}</code></span>",
                esc(&v.changes.join("; "))
            );
        }
        page.push_str("</dd>\n");
    }
    page.push_str("</dl>\n");
}

fn scenario_section(page: &mut String, report: &Results<'_>) {
    let _ = writeln!(
        page,
        "<details class=\"scenario\">\n<summary>The scenario as run: <code>{}</code></summary>\n<pre>{}</pre>\n</details>",
        esc(&report.scenario.source.display().to_string()),
        esc(&report.scenario.text)
    );
}

fn footer(page: &mut String, report: &Results<'_>) {
    let stories = report
        .scenario
        .baseline()
        .model
        .kind()
        .declaration()
        .stories;
    let mut files = vec![
        (
            "timeseries.csv",
            "every measure, tick by tick: the mean and band over the runs",
        ),
        (
            "runs.csv",
            "each run's figures at the end, for everyone and each group, with the parameters each variant sets",
        ),
        (
            "summary.json",
            "the headlines with their bands, and the scenario as resolved",
        ),
        ("scenario.toml", "the scenario file as it was read"),
    ];
    if stories {
        files.insert(2, ("reach.csv", "how many stories reached how many people"));
    }
    if report.variants.len() > 1 {
        files.insert(
            1,
            (
                "differences.csv",
                "each what-if minus the baseline, tick by tick, with its band",
            ),
        );
    }
    page.push_str("<footer>\n<p>The data behind this page, in the same folder:</p>\n<ul>\n");
    for (file, about) in files {
        let _ = writeln!(page, "<li><a href=\"{file}\">{file}</a>: {about}</li>");
    }
    let _ = writeln!(
        page,
        "</ul>\n<p>Made by grapevine {}. Run the same scenario with the same seed to get the same numbers, on any number of threads.</p>\n</footer>",
        env!("CARGO_PKG_VERSION")
    );
}

/// The page's styles: system fonts, a readable measure, charts as wide as
/// the page, tables that scroll on a phone, and a print layout that keeps
/// each chart on one page and leaves the folded sections out.
const STYLE: &str = r#":root { color-scheme: light; }
body { margin: 0; background: #fff; color: #1a1a1a;
  font: 17px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 66rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.5rem 0; }
h2 { font-size: 1.35rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid #ddd; }
.lead { font-size: 1.2rem; margin: 0.25rem 0 0.75rem; }
.lesson { background: #f4f7fa; border-left: 4px solid #888; padding: 0.6rem 0.9rem; }
.meta, .note, figcaption, footer { color: #555; font-size: 0.9rem; }
.findings li { margin: 0.35rem 0; font-size: 1.1rem; }
figure { margin: 1.25rem 0; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid #eee; }
svg text { font-family: "DejaVu Sans", Verdana, "Bitstream Vera Sans", sans-serif; }
figcaption { text-align: center; margin-top: 0.3rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; min-width: 100%; }
th, td { padding: 0.35rem 0.6rem; text-align: right; border-bottom: 1px solid #e5e5e5; vertical-align: top; }
th[scope=row], thead th:first-child { text-align: left; }
.part th { text-align: left; background: #f6f6f6; }
.band { display: block; color: #666; font-size: 0.8rem; }
dt { font-weight: bold; margin-top: 0.5rem; }
dd { margin: 0 0 0 1.25rem; }
.changes { display: block; color: #555; font-size: 0.9rem; }
code { font-size: 0.9em; overflow-wrap: anywhere; }
details { margin: 1.5rem 0; }
summary { cursor: pointer; font-weight: bold; font-size: 1.1rem; }
pre { background: #f7f7f7; padding: 0.75rem; overflow-x: auto; font-size: 0.85rem; }
@media (max-width: 40rem) {
  body { font-size: 16px; }
  main { padding: 0.5rem 0.75rem 2rem; }
  h1 { font-size: 1.5rem; }
  /* A 1600 x 900 chart squeezed into a phone's width would set its text
     at 6 px: it keeps 52rem (tick labels about 15 px) and scrolls
     sideways inside its frame instead. */
  figure:has(> svg) { overflow-x: auto; }
  figure > svg { width: 52rem; max-width: none; }
}
@media print {
  @page { margin: 14mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  figure, table { break-inside: avoid; page-break-inside: avoid; }
  figure svg { border: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  details { display: none; }
  a { color: inherit; text-decoration: none; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn the_lesson_is_the_paragraph_that_says_so() {
        let text =
            "# Title\n#\n# The lesson: one\n# two -- three.\n#\n# Run it: x\n\ntitle = \"t\"\n";
        assert_eq!(lesson(text).as_deref(), Some("One two – three."));
        assert_eq!(lesson("# Just a title\ntitle = \"t\"\n"), None);
    }
}
