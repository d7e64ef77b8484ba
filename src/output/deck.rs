//! `slides.pptx`: a handful of 16:9 slides to present a run, one message
//! each, with speaker notes that hold what to say and the measured
//! figures: the claim; the town and what differs; the headline; the
//! comparison; how far stories travel; the network after the run (with
//! `--animate`); how each group sees the brand; the takeaway. Text is real text
//! (searchable, editable); the evidence is the run's own charts. The same
//! slides go in `slides/NN.png` for Keynote and Google Slides.
//!
//! Office Open XML written by hand with the `zip` crate: the fixed parts
//! (theme, master, layout, notes master) are asset files, the rest is
//! made here. Checked by reading it back and by LibreOffice's conversion
//! to PDF (tests/it/deck.rs).

use std::io::Write;
use std::path::Path;

use zip::write::SimpleFileOptions;

use super::charts::headline::{self, Headline};
use super::charts::{Chart, Medium, footer, paint_for, png_bytes, slide_parts};
use super::{Results, findings};
use crate::film::Film;

/// The slide's size in EMU (13.333 x 7.5 inches, 16:9).
const W: i64 = 12_192_000;
const H: i64 = 6_858_000;

/// One slide: a title and lines of text, or a picture of a chart; and
/// what the presenter says over it.
pub(crate) struct Slide {
    pub(crate) title: String,
    pub(crate) lines: Vec<String>,
    /// A chart of the run (`headline`, `compare`, `reach`), as PNG bytes.
    pub(crate) picture: Option<Vec<u8>>,
    pub(crate) notes: Vec<String>,
}

/// The deck's slides for a run whose charts were written into `dir` as
/// PNG; none without what-ifs (a deck argues a comparison).
pub(crate) fn slides(
    report: &Results<'_>,
    charts: &[Chart],
    film: Option<&Film>,
    dir: &Path,
) -> Result<Vec<Slide>, String> {
    let Some(h) = headline::of(report) else {
        return Ok(Vec::new());
    };
    let s = report.scenario;
    // A chart as a slide shows it: drawn again without the fine print at
    // its foot (too small for a room; the notes say it).
    let drawn = |stem: &str| charts.iter().find(|c| c.stem == stem);
    let png = |stem: &str| match drawn(stem) {
        Some(chart) => png_bytes(|area| paint_for(chart, report, area, Medium::Slide)),
        None => std::fs::read(dir.join(format!("{stem}.png")))
            .map_err(|e| format!("the deck needs {stem}.png: {e}")),
    };
    let figures = figures(report, &h);
    let findings = findings::sentences(report);
    let mut out = vec![Slide {
        title: h.say.clone(),
        lines: vec![s.title.clone()],
        picture: None,
        notes: [
            vec![format!("{}: {}", s.title, s.description)],
            figures.clone(),
        ]
        .concat(),
    }];
    let mut town = vec![format!(
        "{} people, {} runs of {} {}s after {} {}s of warm-up",
        findings::plain(
            crate::measures::Measure::Customers,
            report.network.agents as f64
        ),
        s.runs,
        s.ticks,
        s.tick_unit,
        s.warmup,
        s.tick_unit
    )];
    for (k, v) in s.variants.iter().enumerate() {
        let what = if v.description.is_empty() {
            v.changes.join(", ")
        } else {
            v.description.clone()
        };
        town.push(if k == 0 {
            format!("{} (the baseline){}", v.name, sep(&what))
        } else {
            format!("{}{}", v.name, sep(&what))
        });
    }
    out.push(Slide {
        title: "The town, and what differs".into(),
        lines: town,
        picture: None,
        notes: vec![
            "Every version of the town runs from the same week 0, with the same random numbers: only what the line says differs.".into(),
            format!("Seed {}, grapevine {}.", s.seed, env!("CARGO_PKG_VERSION")),
        ],
    });
    out.push(Slide {
        title: h.say.clone(),
        lines: Vec::new(),
        picture: Some(png("headline")?),
        notes: figures.clone(),
    });
    // Every version side by side: two panels a slide, so their plots stay
    // tall enough to read at the slide's text sizes.
    let parts = drawn("compare").map_or_else(Vec::new, slide_parts);
    let pictures = if parts.is_empty() {
        vec![png("compare")?]
    } else {
        let slide = |part| png_bytes(|area| paint_for(part, report, area, Medium::Slide));
        parts.iter().map(slide).collect::<Result<_, _>>()?
    };
    let n = pictures.len();
    for (k, picture) in pictures.into_iter().enumerate() {
        out.push(Slide {
            title: if n == 1 {
                "Every version side by side".into()
            } else {
                format!("Every version side by side ({} of {n})", k + 1)
            },
            lines: Vec::new(),
            picture: Some(picture),
            // The findings once, with the first part.
            notes: if k == 0 {
                [findings.clone(), vec![footer(report)]].concat()
            } else {
                vec![footer(report)]
            },
        });
    }
    if drawn("reach").is_some() {
        out.push(Slide {
            title: "How far one story travels".into(),
            lines: Vec::new(),
            picture: Some(png("reach")?),
            notes: vec!["Each first-hand story's reach: the people who heard it, retold or not, over every run.".into()],
        });
    }
    if dir.join("network.png").is_file() {
        out.push(Slide {
            title: format!("The network after {} {}s", s.ticks, s.tick_unit),
            lines: Vec::new(),
            picture: Some(png("network")?),
            notes: vec![
                format!(
                    "The first run of {} and of {}, on the same network, after {} {}s (network.gif plays every version week by week from week 0, when they are all the same town).",
                    report.variants[h.reference].name,
                    report.variants[h.variant].name,
                    s.ticks,
                    s.tick_unit
                ),
                "Each dot is a person, coloured by what they think of the company: blue for well, grey for neither, vermillion for badly. A ring marks someone telling a story that week; a lit tie, a story heard; a black square, a guest of an event.".into(),
            ]
            .into_iter()
            .chain(film.map(Film::shown))
            .collect(),
        });
    }
    if drawn("groups").is_some() {
        out.push(Slide {
            title: "How each group sees the brand".into(),
            lines: Vec::new(),
            picture: Some(png("groups")?),
            notes: group_notes(report),
        });
    }
    out.push(Slide {
        title: "The takeaway".into(),
        lines: vec![h.say.clone(), figures[0].clone()],
        picture: None,
        notes: figures,
    });
    Ok(out)
}

/// Each group's mean attitude at the end, variant by variant, in words.
fn group_notes(report: &Results<'_>) -> Vec<String> {
    use crate::measures::Measure::Reputation;
    use crate::results::figures::final_band_in;
    let s = report.scenario;
    let mut notes = vec![format!(
        "Mean attitude toward the brand after {} {}s, from -1 (hostile) to +1 (delighted), with its 90% band:",
        s.ticks, s.tick_unit
    )];
    for (g, group) in s.baseline().groups.iter().enumerate() {
        let each: Vec<String> = report
            .variants
            .iter()
            .map(|v| {
                let b = final_band_in(v, g + 1, Reputation);
                format!(
                    "{} {} [{}, {}]",
                    v.name,
                    findings::amount(Reputation, b.mean),
                    findings::amount(Reputation, b.p05),
                    findings::amount(Reputation, b.p95)
                )
            })
            .collect();
        notes.push(format!("{}: {}.", group.name, each.join("; ")));
    }
    notes
}

fn sep(what: &str) -> String {
    if what.is_empty() {
        String::new()
    } else {
        format!(": {what}")
    }
}

/// The headline's figure in words, for the notes and the takeaway.
fn figures(report: &Results<'_>, h: &Headline) -> Vec<String> {
    let s = report.scenario;
    let m = h.measure;
    let reference = &report.variants[h.reference].name;
    let variant = &report.variants[h.variant].name;
    vec![
        format!(
            "{variant} against {reference}, after {} {}s: {} {}, {}.",
            s.ticks,
            s.tick_unit,
            findings::amount(m, h.difference.mean),
            findings::what(m),
            headline::range_in_words(m, h.difference)
        ),
        format!(
            "Mean of {} runs; the range is the 5th to 95th percentile of the paired differences.",
            s.runs
        ),
    ]
}

/// The deck as a `.pptx` file's bytes.
pub(crate) fn pptx(slides: &[Slide], title: &str) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut put = |name: &str, bytes: &[u8]| -> Result<(), String> {
        zip.start_file(name, opts).map_err(|e| e.to_string())?;
        zip.write_all(bytes).map_err(|e| e.to_string())
    };
    let n = slides.len();
    put("[Content_Types].xml", content_types(slides).as_bytes())?;
    put("_rels/.rels", ROOT_RELS.as_bytes())?;
    put("docProps/core.xml", core(title).as_bytes())?;
    put("docProps/app.xml", APP.as_bytes())?;
    put("ppt/presentation.xml", presentation(n).as_bytes())?;
    put(
        "ppt/_rels/presentation.xml.rels",
        presentation_rels(n).as_bytes(),
    )?;
    put("ppt/theme/theme1.xml", THEME.as_bytes())?;
    put("ppt/theme/theme2.xml", THEME.as_bytes())?;
    put("ppt/slideMasters/slideMaster1.xml", MASTER.as_bytes())?;
    put(
        "ppt/slideMasters/_rels/slideMaster1.xml.rels",
        rels(&[
            (LAYOUT_REL, "../slideLayouts/slideLayout1.xml"),
            (THEME_REL, "../theme/theme1.xml"),
        ])
        .as_bytes(),
    )?;
    put("ppt/slideLayouts/slideLayout1.xml", LAYOUT.as_bytes())?;
    put(
        "ppt/slideLayouts/_rels/slideLayout1.xml.rels",
        rels(&[(MASTER_REL, "../slideMasters/slideMaster1.xml")]).as_bytes(),
    )?;
    put("ppt/notesMasters/notesMaster1.xml", NOTES_MASTER.as_bytes())?;
    put(
        "ppt/notesMasters/_rels/notesMaster1.xml.rels",
        rels(&[(THEME_REL, "../theme/theme2.xml")]).as_bytes(),
    )?;
    for (i, slide) in slides.iter().enumerate() {
        let k = i + 1;
        put(
            &format!("ppt/slides/slide{k}.xml"),
            slide_xml(slide).as_bytes(),
        )?;
        let notes = format!("../notesSlides/notesSlide{k}.xml");
        let image = format!("../media/image{k}.png");
        let mut links = vec![
            (LAYOUT_REL, "../slideLayouts/slideLayout1.xml"),
            (NOTES_REL, notes.as_str()),
        ];
        if let Some(png) = &slide.picture {
            links.push((IMAGE_REL, image.as_str()));
            put(&format!("ppt/media/image{k}.png"), png)?;
        }
        put(
            &format!("ppt/slides/_rels/slide{k}.xml.rels"),
            rels(&links).as_bytes(),
        )?;
        put(
            &format!("ppt/notesSlides/notesSlide{k}.xml"),
            notes_xml(&slide.notes).as_bytes(),
        )?;
        let back = format!("../slides/slide{k}.xml");
        put(
            &format!("ppt/notesSlides/_rels/notesSlide{k}.xml.rels"),
            rels(&[
                (NOTES_MASTER_REL, "../notesMasters/notesMaster1.xml"),
                (SLIDE_REL, back.as_str()),
            ])
            .as_bytes(),
        )?;
    }
    let cursor = zip.finish().map_err(|e| e.to_string())?;
    Ok(cursor.into_inner())
}

const THEME: &str = include_str!("../../assets/deck/theme.xml");
const MASTER: &str = include_str!("../../assets/deck/slideMaster.xml");
const LAYOUT: &str = include_str!("../../assets/deck/slideLayout.xml");
const NOTES_MASTER: &str = include_str!("../../assets/deck/notesMaster.xml");

const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const LAYOUT_REL: &str = "slideLayout";
const MASTER_REL: &str = "slideMaster";
const THEME_REL: &str = "theme";
const NOTES_REL: &str = "notesSlide";
const NOTES_MASTER_REL: &str = "notesMaster";
const SLIDE_REL: &str = "slide";
const IMAGE_REL: &str = "image";

const XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
const NS: &str = r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main""#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="ppt/presentation.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const APP: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>grapevine</Application></Properties>"#;

/// Text escaped for XML.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn core(title: &str) -> String {
    format!(
        r#"{XML}
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>grapevine {}</dc:creator></cp:coreProperties>"#,
        esc(title),
        env!("CARGO_PKG_VERSION")
    )
}

fn content_types(slides: &[Slide]) -> String {
    let mut out = format!(
        r#"{XML}
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/><Override PartName="/ppt/slideMasters/slideMaster1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml"/><Override PartName="/ppt/slideLayouts/slideLayout1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml"/><Override PartName="/ppt/notesMasters/notesMaster1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.notesMaster+xml"/><Override PartName="/ppt/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/><Override PartName="/ppt/theme/theme2.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#
    );
    for k in 1..=slides.len() {
        out.push_str(&format!(
            r#"<Override PartName="/ppt/slides/slide{k}.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/><Override PartName="/ppt/notesSlides/notesSlide{k}.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml"/>"#
        ));
    }
    out.push_str("</Types>");
    out
}

fn presentation(n: usize) -> String {
    let ids: String = (1..=n)
        .map(|k| format!(r#"<p:sldId id="{}" r:id="rId{}"/>"#, 255 + k, 10 + k))
        .collect();
    format!(
        r#"{XML}
<p:presentation {NS}><p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst><p:notesMasterIdLst><p:notesMasterId r:id="rId2"/></p:notesMasterIdLst><p:sldIdLst>{ids}</p:sldIdLst><p:sldSz cx="{W}" cy="{H}"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>"#
    )
}

fn presentation_rels(n: usize) -> String {
    let mut links: Vec<(String, String, String)> = vec![
        (
            "rId1".into(),
            MASTER_REL.into(),
            "slideMasters/slideMaster1.xml".into(),
        ),
        (
            "rId2".into(),
            NOTES_MASTER_REL.into(),
            "notesMasters/notesMaster1.xml".into(),
        ),
        ("rId3".into(), THEME_REL.into(), "theme/theme1.xml".into()),
    ];
    for k in 1..=n {
        links.push((
            format!("rId{}", 10 + k),
            SLIDE_REL.into(),
            format!("slides/slide{k}.xml"),
        ));
    }
    let body: String = links
        .iter()
        .map(|(id, kind, target)| {
            format!(r#"<Relationship Id="{id}" Type="{R}/{kind}" Target="{target}"/>"#)
        })
        .collect();
    format!(
        r#"{XML}
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>"#
    )
}

/// Relationships numbered rId1, rId2, ... in order.
fn rels(links: &[(&str, &str)]) -> String {
    let body: String = links
        .iter()
        .enumerate()
        .map(|(i, (kind, target))| {
            format!(
                r#"<Relationship Id="rId{}" Type="{R}/{kind}" Target="{target}"/>"#,
                i + 1
            )
        })
        .collect();
    format!(
        r#"{XML}
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>"#
    )
}

/// A text box at (x, y, w, h) in EMU, each line a paragraph at `size`
/// (hundredths of a point), in `color` (hex).
fn text_box(
    id: u32,
    (x, y, w, h): (i64, i64, i64, i64),
    lines: &[String],
    size: u32,
    color: &str,
) -> String {
    let paragraphs: String = lines
        .iter()
        .map(|l| {
            format!(
                r#"<a:p><a:pPr><a:spcAft><a:spcPts val="1200"/></a:spcAft></a:pPr><a:r><a:rPr lang="en-GB" sz="{size}" dirty="0"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:rPr><a:t>{}</a:t></a:r></a:p>"#,
                esc(l)
            )
        })
        .collect();
    format!(
        r#"<p:sp><p:nvSpPr><p:cNvPr id="{id}" name="Text {id}"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr><p:txBody><a:bodyPr wrap="square" lIns="0" rIns="0"/><a:lstStyle/>{paragraphs}</p:txBody></p:sp>"#
    )
}

fn slide_xml(slide: &Slide) -> String {
    let margin = 600_000;
    let shapes = match &slide.picture {
        // The chart fills the slide: it carries its own title, in type a
        // room reads; the slide's title is in its notes' first line and
        // the picture's description.
        Some(_) => format!(
            r#"<p:pic><p:nvPicPr><p:cNvPr id="2" name="Chart" descr="{}"/><p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:embed="rId3"/><a:stretch><a:fillRect/></a:stretch></p:blipFill><p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{W}" cy="{H}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>"#,
            esc(&slide.title)
        ),
        None => {
            let title = text_box(
                2,
                (margin, 450_000, W - 2 * margin, 1_500_000),
                std::slice::from_ref(&slide.title),
                4000,
                "000000",
            );
            // 28 pt (about 46 px of a 1,600-pixel-wide slide), 24 pt for
            // a long list (a town with many what-ifs): never shrunk to
            // fit below that.
            let size = if slide.lines.len() > 5 { 2400 } else { 2800 };
            let body = text_box(
                3,
                (margin, 2_000_000, W - 2 * margin, H - 2_000_000 - 300_000),
                &slide.lines,
                size,
                "3C3C3C",
            );
            format!("{title}{body}")
        }
    };
    format!(
        r#"{XML}
<p:sld {NS}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>{shapes}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"#
    )
}

fn notes_xml(notes: &[String]) -> String {
    let paragraphs: String = notes
        .iter()
        .map(|l| {
            format!(
                r#"<a:p><a:r><a:rPr lang="en-GB" dirty="0"/><a:t>{}</a:t></a:r></a:p>"#,
                esc(l)
            )
        })
        .collect();
    format!(
        r#"{XML}
<p:notes {NS}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr><p:sp><p:nvSpPr><p:cNvPr id="2" name="Slide Image"/><p:cNvSpPr><a:spLocks noGrp="1" noRot="1" noChangeAspect="1"/></p:cNvSpPr><p:nvPr><p:ph type="sldImg"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp><p:sp><p:nvSpPr><p:cNvPr id="3" name="Notes"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>{paragraphs}</p:txBody></p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>"#
    )
}

/// Writes `slides.pptx` and `slides/NN.png` into `dir`.
pub(crate) fn write(
    dir: &Path,
    report: &Results<'_>,
    charts: &[Chart],
    film: Option<&Film>,
) -> Result<(), String> {
    let slides = slides(report, charts, film, dir)?;
    if slides.is_empty() {
        return Ok(());
    }
    super::put(dir, "slides.pptx", pptx(&slides, &report.scenario.title)?)?;
    let folder = dir.join("slides");
    std::fs::create_dir_all(&folder).map_err(|e| super::not_written("slides/", e))?;
    for (i, slide) in slides.iter().enumerate() {
        let stem = format!("{:02}", i + 1);
        match &slide.picture {
            Some(png) => super::put(&folder, &format!("{stem}.png"), png)?,
            None => super::charts::save(&folder, &stem, &[super::Format::Png], |area| {
                super::charts::text_slide(area, &slide.title, &slide.lines)
            })?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts;
    use crate::output::charts::style::{EM_UNITS, LINE_UNITS};
    use crate::pipeline::{self, RunOptions};
    use crate::scenario::Scenario;

    /// Every size of text an SVG sets, in pixels to the em as the PNG
    /// draws it: plotters writes `font-size` as its size over 1.24, and
    /// draws a size as DejaVu Sans's line (`charts::style::em`).
    fn font_sizes(svg: &str) -> Vec<f64> {
        svg.split("font-size=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next()?.parse::<f64>().ok())
            .map(|size| size * 1.24 * f64::from(EM_UNITS) / f64::from(LINE_UNITS))
            .map(|em| (em * 100.0).round() / 100.0)
            .collect()
    }

    #[test]
    fn no_text_on_a_slide_is_under_28_px() {
        let text = r#"
title = "Slides"
ticks = 12
warmup = 4
runs = 3
seed = 5
compare = ["customers", "reputation", "referrals", "awareness"]
[network]
kind = "barabasi-albert"
n = 600
m = 3
[[groups]]
name = "customers"
share = 0.3
status = "customer"
[[groups]]
name = "prospects"
share = 0.7
status = "prospect"
[[variants]]
name = "angry customers tell many more"
set = { telling.bad.mean = 25 }
[[variants]]
name = "recovery"
set = { service.recovery_rate = 0.8 }
[[variants.events]]
name = "a long closure for refurbishment"
from = 3
to = 6
set = { service.purchase_rate = 0.0 }
"#;
        let s = Scenario::parse(text, Path::new("slides.toml")).unwrap();
        let results = pipeline::simulate(&s, &RunOptions::silent()).unwrap();
        let all = charts::charts(&results);
        for stem in ["headline", "compare", "reach", "groups"] {
            let chart = all.iter().find(|c| c.stem == stem).unwrap();
            let svg = charts::svg_for(chart, &results, Medium::Slide).unwrap();
            let sizes = font_sizes(&svg);
            assert!(!sizes.is_empty(), "{stem}: no text found");
            let least = sizes.iter().copied().fold(f64::INFINITY, f64::min);
            assert!(least >= 28.0, "{stem}: text at {least} px");
        }
        // The same chart as a file keeps its fine print, which the test sees.
        let compare = all.iter().find(|c| c.stem == "compare").unwrap();
        let file = font_sizes(&charts::svg_for(compare, &results, Medium::File).unwrap());
        assert!(file.iter().any(|&s| s < 28.0), "{file:?}");
    }
}
