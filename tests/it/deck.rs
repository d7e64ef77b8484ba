//! The deck (issue 21): `slides.pptx` and `slides/NN.png` for a run with
//! what-ifs. Read back part by part (every part well-formed XML, every
//! relationship pointing at a part that is there, a notes page per slide
//! holding the run's figures); converted to PDF by LibreOffice, one page
//! a slide, where LibreOffice is installed.

use std::io::Read;
use std::path::Path;

use crate::common::{run_into, summary};

pub fn parts(file: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

#[test]
fn a_run_with_what_ifs_writes_a_deck_that_reads_back_whole() {
    let (_dir, out) = run_into("tests/data/variants.toml", &["--quiet"]);
    let deck = out.join("slides.pptx");
    let parts = parts(&deck);
    // Every XML part parses, and every relationship's target is a part.
    for (name, bytes) in &parts {
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let text = std::str::from_utf8(bytes).unwrap();
        let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        if name.ends_with(".rels") {
            let base = name.replace("_rels/", "").replace(".rels", "");
            let folder = Path::new(&base).parent().unwrap_or(Path::new(""));
            for r in doc.descendants().filter(|n| n.has_tag_name("Relationship")) {
                let target = r.attribute("Target").unwrap();
                let path = normalise(&folder.join(target));
                assert!(
                    parts.contains_key(&path),
                    "{name} points at {path}, which is not there"
                );
            }
        }
    }
    let slides: Vec<&String> = parts
        .keys()
        .filter(|n| n.starts_with("ppt/slides/slide") && n.ends_with(".xml"))
        .collect();
    assert!((5..=8).contains(&slides.len()), "{slides:?}");
    // The four panels of the comparison come two a slide, numbered.
    let said: String = slides
        .iter()
        .map(|n| String::from_utf8(parts[n.as_str()].clone()).unwrap())
        .collect();
    assert!(
        said.contains("Every version side by side (1 of 2)"),
        "{said}"
    );
    assert!(
        said.contains("Every version side by side (2 of 2)"),
        "{said}"
    );
    let pngs = std::fs::read_dir(out.join("slides")).unwrap().count();
    assert_eq!(pngs, slides.len(), "a PNG per slide");
    // The notes hold the run's figures, as summary.json has them.
    let s = summary(&out);
    let recovery = &s["variants"][2];
    assert_eq!(recovery["name"], "recovery");
    let notes: String = (1..=slides.len())
        .map(|k| {
            String::from_utf8(parts[&format!("ppt/notesSlides/notesSlide{k}.xml")].clone()).unwrap()
        })
        .collect();
    let first = s["variants"][1]["difference_from_reference"]["customers"]["mean"]
        .as_f64()
        .unwrap();
    let said = format!("{:+.0}", first);
    assert!(
        notes.contains(&said) || notes.contains(&said.replace('+', "")),
        "the notes hold {said}"
    );
    assert!(notes.contains("in 9 runs of 10"), "the range in words");
    // The first slide states the point as real text.
    let first_slide = String::from_utf8(parts["ppt/slides/slide1.xml"].clone()).unwrap();
    assert!(first_slide.contains("<a:t>"), "text, not a picture");
    // The scenario names no headline: the point is the what-if with a clear
    // difference ("recovery"), not the first one ("same", which changes
    // nothing and would headline "+0 customers").
    assert!(
        first_slide.contains("Recovery: ") && !first_slide.contains("Same: "),
        "the headline's what-if: {first_slide}"
    );
    // LibreOffice opens it and makes a page of each slide.
    let has_soffice = std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_soffice {
        eprintln!(
            "note: LibreOffice is not installed (apt-get install libreoffice-impress): the deck is not converted"
        );
        return;
    }
    let pdf_dir = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let done = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(pdf_dir.path())
        .arg(&deck)
        .output()
        .unwrap();
    assert!(done.status.success(), "{done:?}");
    let pdf = std::fs::read(pdf_dir.path().join("slides.pdf")).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    let pages = text.matches("/Type/Page").count() + text.matches("/Type /Page").count()
        - text.matches("/Type/Pages").count()
        - text.matches("/Type /Pages").count();
    assert_eq!(pages, slides.len(), "a page per slide");
}

/// `a/b/../c` as `a/c`, with `/` between parts.
fn normalise(path: &Path) -> String {
    let mut out: Vec<String> = Vec::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::Normal(p) => out.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    out.join("/")
}

#[test]
fn a_run_without_what_ifs_or_pngs_writes_no_deck() {
    let (_d, out) = run_into("scenarios/quick.toml", &["--quiet"]);
    assert!(!out.join("slides.pptx").exists(), "no comparison, no deck");
    let (_d, out) = run_into("tests/data/variants.toml", &["--quiet", "--format", "svg"]);
    assert!(
        !out.join("slides.pptx").exists(),
        "the deck is made of the PNG charts"
    );
}

/// The headline slide marks events as every chart does: an event both
/// drawn versions live through in grey, its window shaded; a what-if's own
/// event in the what-if's colour, unshaded (shading says what every line
/// lives through).
#[test]
fn the_headline_marks_a_what_ifs_own_event_in_its_colour() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("own-event.toml");
    std::fs::write(
        &file,
        "title = \"Own event\"\nticks = 20\nruns = 2\nseed = 3\n\
         [headline]\nsay = \"A programme keeps customers\"\nmeasure = \"customers\"\nvariant = \"programme\"\n\
         [network]\nkind = \"erdos-renyi\"\nn = 500\nmean_degree = 6\n\
         [[events]]\nname = \"outage\"\nfrom = 5\nto = 8\nset = { service.quality_mean = -1.0 }\n\
         [[variants]]\nname = \"programme\"\n\
         [[variants.events]]\nname = \"recovery programme\"\nfrom = 10\nset = { service.recovery_rate = 0.6 }\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    crate::common::grapevine()
        .arg("run")
        .arg(&file)
        .args(["--quiet", "--format", "svg", "--out"])
        .arg(&out)
        .assert()
        .success();
    let svg = std::fs::read_to_string(out.join("headline.svg")).unwrap();
    // An event's name is a text element after its bar (a rect).
    let mark = |name: &str| -> (String, String) {
        let at = svg
            .find(&format!(">\n{name}\n</text>"))
            .unwrap_or_else(|| panic!("no {name} in the headline"));
        let fill = |s: &str| s.split("fill=\"").nth(1).unwrap()[..7].to_string();
        let text = &svg[svg[..at].rfind("<text").unwrap()..at];
        let bar = &svg[svg[..at].rfind("<rect").unwrap()..];
        (fill(bar), fill(text))
    };
    assert_eq!(mark("outage"), ("#828282".into(), "#828282".into()));
    assert_eq!(
        mark("recovery programme"),
        ("#0072B2".into(), "#0072B2".into())
    );
    // One shaded window: the outage's.
    let shades = svg.matches("opacity=\"0.18\" fill=\"#828282\"").count();
    assert_eq!(shades, 1, "{svg}");
}
