//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

pub fn grapevine() -> assert_cmd::Command {
    assert_cmd::cargo::cargo_bin_cmd!("grapevine")
}

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A PNG's width and height, from its header.
pub fn png_size(path: &Path) -> (u32, u32) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (reader.info().width, reader.info().height)
}

/// A PNG's width, height and pixels as RGB, whatever its colour type (a
/// browser's screenshot has an alpha channel; grapevine's charts do not).
pub fn png_rgb(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).unwrap();
    let samples = frame.color_type.samples();
    let pixels = buf[..frame.buffer_size()]
        .chunks_exact(samples)
        .map(|p| match p.len() {
            1 | 2 => [p[0]; 3],
            _ => [p[0], p[1], p[2]],
        })
        .collect();
    (frame.width, frame.height, pixels)
}

/// Runs a scenario into a fresh folder and returns (tempdir, folder).
pub fn run_into(scenario: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    grapevine()
        .arg("run")
        .arg(repo(scenario))
        .arg("--out")
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    (dir, out)
}

/// The baseline's series of one metric from `timeseries.csv`, tick by
/// tick: (mean, p05, p95).
pub fn series(out: &Path, group: &str, metric: &str) -> Vec<(f64, f64, f64)> {
    let text = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let baseline = text.lines().nth(1).unwrap().split(',').next().unwrap();
    series_of(out, baseline, group, metric)
}

/// One variant's series of one metric.
pub fn series_of(out: &Path, variant: &str, group: &str, metric: &str) -> Vec<(f64, f64, f64)> {
    let text = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|c| c[0] == variant && c[1] == group && c[3] == metric)
        .map(|c| {
            (
                c[4].parse().unwrap(),
                c[5].parse().unwrap(),
                c[6].parse().unwrap(),
            )
        })
        .collect()
}

/// `summary.json` of a run folder.
pub fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

/// A variant's paired difference from the baseline in a headline figure:
/// (mean, p05, p95).
pub fn difference(out: &Path, variant: &str, headline: &str) -> (f64, f64, f64) {
    let s = summary(out);
    let v = s["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == variant)
        .unwrap_or_else(|| panic!("no variant {variant}"));
    let b = &v["difference_from_baseline"][headline];
    (
        b["mean"].as_f64().unwrap(),
        b["p05"].as_f64().unwrap(),
        b["p95"].as_f64().unwrap(),
    )
}

/// Inline code in HTML (or in HTML a script builds as text): event-handler
/// attributes (`onsubmit="..."`), `javascript:` addresses and `<script>`
/// elements with a body. A page served with a strict Content-Security-Policy
/// must hold none, since the browser blocks them (and some builds report it
/// as an error at load); a scan finds them without a browser.
pub fn inline_code(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut at = 0;
    while let Some(open) = lower[at..].find('<').map(|i| at + i) {
        let rest = &lower[open + 1..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..end];
        at = open + 1 + end;
        if !tag.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let handler = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .skip(1)
            .any(|attr| attr.starts_with("on") && attr.contains('='));
        let script_body = tag.starts_with("script")
            && !tag.contains("src=")
            && !lower[at + 1..].trim_start().starts_with("</script");
        if handler || tag.contains("javascript:") || script_body {
            found.push(html[open..=at].to_string());
        }
    }
    found
}

#[test]
fn inline_code_is_found() {
    let page = r#"<form id="controls" autocomplete="off" onsubmit="return false"></form>"#;
    assert_eq!(inline_code(page).len(), 1);
    assert_eq!(inline_code("<a href='javascript:go()'>x</a>").len(), 1);
    assert_eq!(inline_code("<script>alert(1)</script>").len(), 1);
    assert_eq!(inline_code("<BUTTON type=button OnClick=go()>").len(), 1);
    let clean = r#"<script src="/a.js"></script><p class="one">if a < b && c > d</p>"#;
    assert!(inline_code(clean).is_empty(), "{:?}", inline_code(clean));
}

/// A CSV file's rows, each as (column name → field), read with the csv
/// crate (so quoted fields are read as a spreadsheet would).
pub fn table(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// A field of a table's row read as a number.
pub fn number(row: &std::collections::BTreeMap<String, String>, column: &str) -> f64 {
    row.get(column)
        .unwrap_or_else(|| panic!("no column {column} in {row:?}"))
        .parse()
        .unwrap_or_else(|e| panic!("{column} in {row:?}: {e}"))
}
