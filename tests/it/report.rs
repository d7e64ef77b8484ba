//! The one-page report and the help's examples (issue 13): `report.html`
//! is self-contained and renders in a real browser; every example in every
//! `--help` runs as written.

use std::path::Path;
use std::process::Command;

use base64::Engine;
use serde_json::json;

use crate::browser::Browser;
use crate::common::{grapevine, repo, run_into};

/// The help text of `grapevine <sub> --help` (the top level for "").
fn help(sub: &str) -> String {
    let mut cmd = grapevine();
    if !sub.is_empty() {
        cmd.arg(sub);
    }
    let out = cmd.arg("--help").output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The commands in a help's "Examples:" section: each line that starts
/// with `grapevine`, joined with the lines its trailing `\` continues onto.
fn examples(help: &str) -> Vec<String> {
    let Some((_, section)) = help.split_once("Examples:\n") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        let line = line.trim();
        if !line.starts_with("grapevine ") {
            continue;
        }
        let mut command = line.to_string();
        while command.ends_with('\\') {
            command.pop();
            command.push(' ');
            command.push_str(lines.next().unwrap_or("").trim());
        }
        out.push(command);
    }
    out
}

#[test]
fn every_help_example_runs_as_written() {
    let bin = Path::new(env!("CARGO_BIN_EXE_grapevine"));
    let dir = tempfile::tempdir().unwrap();
    // The project's folder as a user has it: the scenarios, and room for
    // output (a scratch folder, so the test never touches real results).
    std::os::unix::fs::symlink(repo("scenarios"), dir.path().join("scenarios")).unwrap();
    // The design file `sweep --help`'s example reads, as a user's would be.
    std::fs::write(
        dir.path().join("points.csv"),
        "service.recovery_rate,telling.retell_probability\n0.1,0.05\n0.5,0.2\n",
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut seen: Vec<String> = Vec::new();
    for sub in ["", "run", "sweep", "check", "merge", "new", "completions"] {
        let text = help(sub);
        let section = text.split_once("Examples:\n").map_or("", |(_, s)| s);
        for line in section.lines() {
            assert!(
                line.chars().count() <= 64,
                "`grapevine {sub} --help`: an example line wider than 64 columns wraps on a narrow terminal:\n{line}"
            );
        }
        let found = examples(&text);
        assert!(
            !found.is_empty(),
            "`grapevine {sub} --help` has no examples"
        );
        for command in found {
            if seen.contains(&command) {
                continue;
            }
            let out = Command::new("sh")
                .arg("-c")
                .arg(&command)
                .current_dir(dir.path())
                .env("PATH", &path)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "`{command}` (from `grapevine {sub} --help`) failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            seen.push(command);
        }
    }
    // What the first example says it writes, it writes.
    let folder = dir.path().join("output/service-recovery");
    for file in [
        "report.html",
        "compare.png",
        "reach.png",
        "charts/nps.png",
        "summary.json",
    ] {
        assert!(folder.join(file).is_file(), "no {file}");
    }
    assert!(
        dir.path()
            .join("output/service-recovery-sweep/sweep.png")
            .is_file()
    );
    assert!(dir.path().join("results/quick/report.html").is_file());
    assert!(dir.path().join("results/sweep/sweep.csv").is_file());
    assert!(dir.path().join("results/my-town.toml").is_file());
}

/// A run with three variants and an event, for the report's tests.
fn report_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("report.html")).unwrap()
}

#[test]
fn the_report_is_one_self_contained_page() {
    let (_tmp, out) = run_into("tests/data/variants.toml", &[]);
    let page = report_of(&out);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<title>Variants</title>"));
    // Each what-if's finding, as a sentence with its band.
    for name in ["same", "recovery"] {
        assert!(
            page.contains(&format!("After 20 weeks, {name} ends with")),
            "no finding for {name}"
        );
    }
    assert!(page.contains("90% band: "));
    // The charts inline, one per chart file the run drew.
    let pngs = std::fs::read_dir(&out)
        .unwrap()
        .chain(std::fs::read_dir(out.join("charts")).unwrap())
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert_eq!(page.matches("<svg ").count(), pngs);
    // The scenario as run, the seed, the runs and the version.
    assert!(
        page.contains("name = &quot;recovery&quot;"),
        "the scenario's text"
    );
    assert!(page.contains("Seed 3."));
    assert!(page.contains("3 runs of a town of 3,000 people"));
    assert!(page.contains(&format!("grapevine {}", env!("CARGO_PKG_VERSION"))));
    // Nothing fetched from anywhere: no scripts, style sheets, images or
    // fonts by reference; links only to the data files beside it.
    for banned in [
        "<script", "<link", "<img", "<iframe", "src=", "url(", "@import",
    ] {
        assert!(!page.contains(banned), "the page refers out: {banned}");
    }
    for href in page.split("href=\"").skip(1) {
        let target = href.split('"').next().unwrap();
        assert!(
            out.join(target).is_file(),
            "a link to {target}, which is not in the folder"
        );
    }
}

#[test]
fn the_report_is_the_same_for_the_same_seed() {
    let (_a, one) = run_into("tests/data/variants.toml", &["--threads", "1"]);
    let (_b, four) = run_into("tests/data/variants.toml", &["--threads", "4"]);
    assert!(
        report_of(&one) == report_of(&four),
        "report.html differs between 1 and 4 threads"
    );
}

/// Loads `page` afresh at `width` x `height`: a query naming the size
/// tells the new document from the one before it (so no two looks in a
/// row share a size).
fn show(b: &mut Browser, page: &Path, width: u32, height: u32, ready: &str) {
    b.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
    );
    let size = format!("{width}x{height}");
    b.go(&format!("file://{}?{size}", page.display()));
    assert!(
        b.wait(
            &format!(
                "location.search === '?{size}' && document.readyState === 'complete' && ({ready})"
            ),
            60
        ),
        "{} did not load at {width} px",
        page.display()
    );
}

#[test]
fn the_report_renders_in_a_real_browser() {
    let Some(browser) = crate::browser::chromium("the report's browser test") else {
        return;
    };
    let (tmp, out) = run_into("tests/data/variants.toml", &[]);
    let page = out.join("report.html");
    // One Chromium for every look (a browser's start is most of a look's
    // time). On a laptop's screen: no console errors, and the charts drawn.
    let mut b = Browser::start(browser, 1280, 2400);
    show(
        &mut b,
        &page,
        1280,
        2400,
        "document.querySelector('svg') !== null",
    );
    let shot = tmp.path().join("screen.png");
    b.screenshot(&shot);
    let problems = b.problems();
    assert!(problems.is_empty(), "console messages: {problems:#?}");
    let (width, _, pixels) = crate::common::png_rgb(&shot);
    assert_eq!(width, 1280);
    // The first what-if's line is the palette's blue, which nothing but a
    // chart on the page draws.
    let blue = pixels
        .iter()
        .filter(|&&[r, g, b]| r < 40 && (95..=135).contains(&g) && (155..=200).contains(&b))
        .count();
    assert!(
        blue > 300,
        "the compare chart's lines are not on screen ({blue} blue pixels)"
    );
    // Laid out by the browser, on a laptop and on a phone: every chart
    // drawn at the page's width (on a phone at least 800 px, scrolling
    // sideways in its frame, so its 30 px tick labels are 15 px, not 7),
    // and nothing wider than the screen.
    for (width, least) in [(1280, 900.0), (390, 800.0)] {
        show(&mut b, &page, width, 2000, "true");
        let v = b.eval(
            "(() => { const s = [...document.querySelectorAll('svg')].map(e => e.getBoundingClientRect().width); \
             return {overflow: document.documentElement.scrollWidth > innerWidth, svgs: s}; })()",
        );
        assert_eq!(
            v["overflow"], false,
            "the page is wider than a {width} px screen"
        );
        let svgs = v["svgs"].as_array().unwrap();
        assert!(!svgs.is_empty());
        // Folded charts are laid out at zero width; the open ones fill the page.
        let open: Vec<f64> = svgs
            .iter()
            .filter_map(|w| w.as_f64())
            .filter(|&w| w > 0.0)
            .collect();
        assert!(open.len() >= 4, "{open:?}");
        assert!(
            open.iter().all(|&w| w >= least),
            "at {width} px: chart widths {open:?}"
        );
    }
    // Printed (on the default paper, as a user's Ctrl+P): a few pages, each
    // chart whole.
    b.call("Emulation.clearDeviceMetricsOverride", json!({}));
    let pdf = b.call("Page.printToPDF", json!({"displayHeaderFooter": false}));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(pdf["data"].as_str().unwrap())
        .unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let pages = text
        .split("/Count ")
        .skip(1)
        .filter_map(|s| {
            s.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse::<u32>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    assert!((1..=8).contains(&pages), "printed to {pages} pages");
}

#[test]
fn the_network_player_plays_in_a_real_browser() {
    let Some(browser) = crate::browser::chromium("the player's browser test") else {
        return;
    };
    let (_tmp, out) = run_into("tests/data/variants.toml", &["--animate", "--quiet"]);
    let page = out.join("report.html");
    // The report is one file that fetches nothing, so its player is its one
    // inline script; no event handler or `javascript:` address beside it.
    let inline = crate::common::inline_code(&std::fs::read_to_string(&page).unwrap());
    assert_eq!(inline.len(), 1, "{inline:?}");
    assert!(inline[0].starts_with("<script>"), "{inline:?}");
    // A line of script counts each canvas's drawn pixels at week 0, moves
    // the slider to the end as a user would, and checks each canvas's
    // pixels changed (read from a copy, so the page's own canvases are
    // read as the player leaves them).
    let script = "(() => {\
        const pixels = c => { const o = document.createElement('canvas'); o.width = c.width; o.height = c.height; const x = o.getContext('2d', {willReadFrequently: true}); x.drawImage(c, 0, 0); return x.getImageData(0, 0, o.width, o.height).data; };\
        const inked = c => { const d = pixels(c); let k = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) k++; return k; };\
        const hash = c => { const d = pixels(c); let h = 0; for (let i = 0; i < d.length; i++) h = Math.imul(h, 31) + d[i] | 0; return h; };\
        const cs = [...document.querySelectorAll('.player canvas')];\
        const before = cs.map(inked), hash0 = cs.map(hash);\
        const s = document.getElementById('tick'); s.value = s.max; s.dispatchEvent(new Event('input'));\
        const after = cs.map(hash);\
        return {canvases: cs.length, inked: before, changed: after.map((h, k) => h !== hash0[k]), when: document.getElementById('when').textContent, told: document.getElementById('told1').textContent, overflow: document.documentElement.scrollWidth > innerWidth};\
        })()";
    let ready = "document.querySelector('.player canvas') !== null";
    let mut b = Browser::start(browser, 1280, 2000);
    for width in [1280, 390] {
        show(&mut b, &page, width, 2000, ready);
        let v = b.eval(script);
        let problems = b.problems();
        assert!(problems.is_empty(), "console messages: {problems:#?}");
        assert_eq!(v["canvases"], 3, "{v}");
        for k in 0..3 {
            assert!(
                v["inked"][k].as_u64().unwrap() > 1000,
                "canvas {k} is blank: {v}"
            );
            assert_eq!(v["changed"][k], true, "canvas {k} did not redraw: {v}");
        }
        assert_eq!(v["when"], "week 20");
        assert!(
            v["told"].as_str().unwrap().starts_with("told so far: "),
            "{v}"
        );
        assert_eq!(v["overflow"], false, "wider than a {width} px screen");
    }
}
