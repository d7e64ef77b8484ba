//! `grapevine serve` (issue 16, the server and its API): the real binary on
//! an ephemeral port, its answers, its refusals, fifty requests at once,
//! and a clean stop on Ctrl-C.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::repo;

pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
}

impl Server {
    pub(crate) fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_grapevine"))
            .arg("serve")
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        Server { child, base }
    }

    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into()
    }

    fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let mut r = Self::agent()
            .get(format!("{}{path}", self.base))
            .call()
            .unwrap();
        let status = r.status().as_u16();
        (
            status,
            serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap(),
        )
    }

    fn post(&self, body: &str) -> (u16, String) {
        self.post_to("/api/run", body)
    }

    /// POSTs `body` to `path`; the status and the text of the answer.
    fn post_to(&self, path: &str, body: &str) -> (u16, String) {
        let mut r = Self::agent()
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .send(body)
            .unwrap();
        let status = r.status().as_u16();
        (status, r.body_mut().read_to_string().unwrap_or_default())
    }

    fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap()
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap()
    }

    fn interrupt(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("the server did not stop on Ctrl-C");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn the_api_runs_a_served_scenario_with_values_set() {
    let server = Server::start(&[repo("tests/data/variants.toml").to_str().unwrap()]);
    let (status, list) = server.get("/api/scenarios");
    assert_eq!(status, 200);
    assert_eq!(list["scenarios"][0]["name"], "variants");
    assert_eq!(list["scenarios"][0]["variants"][2], "recovery");
    let body = r#"{"scenario": "variants", "set": {"service.purchase_rate": 0.2}, "runs": 2}"#;
    let (status, text) = server.post(body);
    assert_eq!(status, 200, "{text}");
    let v = json(&text);
    assert_eq!(v["runs"], 2);
    assert_eq!(
        v["overrides"][0],
        "service.purchase_rate = 0.2 (from week 1)"
    );
    // The same request again starts from the towns the first warmed up
    // (the studio keeps them): the same figures, to the last digit.
    let (_, again) = server.post(body);
    assert_eq!(json(&again)["variants"], v["variants"]);
    // A flow comes as its total so far too, which the page draws: 0 at
    // week 0, and its mean the sum of the weekly means.
    let weekly = v["variants"][0]["series"]["referrals"]["mean"]
        .as_array()
        .unwrap();
    let total = v["variants"][0]["totals"]["referrals"]["mean"]
        .as_array()
        .unwrap();
    assert_eq!(total[0], 0.0);
    let sum: f64 = weekly.iter().skip(1).map(|x| x.as_f64().unwrap()).sum();
    let last = total[20].as_f64().unwrap();
    assert!((last - sum).abs() < 1e-9 * sum.max(1.0), "{last} {sum}");
    assert!(
        v["variants"][0]["totals"]["customers"].is_null(),
        "a level has no total"
    );
    let nps = &v["variants"][0]["series"]["nps"];
    assert_eq!(nps["mean"].as_array().unwrap().len(), 21, "tick 0 to 20");
    assert!(nps["p05"][20].as_f64().unwrap() <= nps["p95"][20].as_f64().unwrap());
    assert!(
        v["variants"][0]["series"]["morale"].is_null(),
        "no staff, no morale"
    );
    assert!(v["variants"][2]["difference_from_baseline"]["nps"]["mean"].is_number());
    // The same request, the same numbers (every run from memory now);
    // another value, others.
    let kept = json(&server.post(body).1);
    assert_eq!(kept["variants"], v["variants"]);
    assert_eq!(
        (v["from_memory"].clone(), kept["from_memory"].clone()),
        (0.into(), 6.into())
    );
    let (_, other) = server.post(r#"{"set": {"service.purchase_rate": 0.05}, "runs": 2}"#);
    assert_ne!(json(&other)["variants"][0]["series"]["nps"], *nps);
    assert!(server.interrupt().success(), "Ctrl-C stops it cleanly");
}

/// A slider moved a step: in the pause after the answer the studio readies
/// the next step either way (`src/serve/ahead.rs`, asked by `ready_next`),
/// and answers that step from memory with the figures a fresh studio
/// gives it.
#[test]
fn a_step_readied_in_the_pause_is_answered_as_a_fresh_studio_answers_it() {
    let file = repo("tests/data/variants.toml");
    let server = Server::start(&[file.to_str().unwrap()]);
    let at = |rate: &str| {
        format!(r#"{{"set": {{"service.recovery_rate": {rate}}}, "runs": 2, "ready_next": true}}"#)
    };
    assert_eq!(server.post(r#"{"runs": 2, "ready_next": true}"#).0, 200);
    assert_eq!(server.post(&at("0.4")).0, 200);
    // The room looks at the charts: 0.45, then 0.35, are readied.
    std::thread::sleep(Duration::from_secs(2));
    let (status, readied) = server.post(&at("0.45"));
    assert_eq!(status, 200, "{readied}");
    let readied = json(&readied);
    assert_eq!(readied["from_memory"], 3 * 2, "every run of 3 variants");
    let fresh = Server::start(&[file.to_str().unwrap()]);
    let asked = json(&fresh.post(&at("0.45")).1);
    assert_eq!(asked["from_memory"], 0);
    assert_eq!(readied["variants"], asked["variants"]);
}

#[test]
fn bad_requests_are_refused_with_what_is_allowed() {
    let server = Server::start(&[repo("tests/data/variants.toml").to_str().unwrap()]);
    let refused = |body: &str, status: u16, says: &str| {
        let (got, text) = server.post(body);
        assert_eq!(got, status, "{body}: {text}");
        assert!(text.contains(says), "{body}: {text}");
        text
    };
    refused("{not json", 400, "is not the JSON the studio takes");
    refused(
        r#"{"scenario": "variants", "sett": {}}"#,
        400,
        "unknown field `sett`",
    );
    refused(
        r#"{"scenario": "../../etc/passwd"}"#,
        400,
        "is not a served scenario; allowed: variants",
    );
    let text = refused(
        r#"{"set": {"service.recovry_rate": 0.5}}"#,
        400,
        "did you mean `recovery_rate`?",
    );
    assert_eq!(json(&text)["problems"][0]["field"], "service.recovry_rate");
    let text = refused(
        r#"{"set": {"service.recovery_rate": 7}}"#,
        400,
        "service.recovery_rate",
    );
    assert!(json(&text)["problems"][0]["allowed"].is_string(), "{text}");
    // The error is a sentence for the page, not the terminal's layout.
    let error = json(&text)["error"].as_str().unwrap().to_string();
    assert!(error.contains("out of range"), "{error}");
    assert!(
        !error.contains("-->") && !error.contains("= field") && !error.contains('\n'),
        "{error}"
    );
    // A value of the wrong type names its field too (issue 24).
    let text = refused(r#"{"set": {"ticks": 2.5}}"#, 400, "whole number");
    assert_eq!(json(&text)["problems"][0]["field"], "ticks", "{text}");
    refused(r#"{"runs": 0}"#, 400, "allowed: 1 to 200");
    refused(
        r#"{"set": {"network.n": 4000000}, "runs": 200}"#,
        400,
        "the studio runs at most 30 seconds a change",
    );
    refused(
        r#"{"set": {"network": {"kind": "edge-list", "path": "/etc/passwd"}}}"#,
        400,
        "a request cannot name a file (`/etc/passwd`)",
    );
    // Refused from its declared length, before it is read: a client still
    // sending may see the connection closed instead of the 413 (the raw
    // socket test below reads the 413 itself).
    let huge = format!(r#"{{"set": {{"title": "{}"}}}}"#, "x".repeat(200_000));
    let answer = Server::agent()
        .post(format!("{}/api/run", server.base))
        .header("content-type", "application/json")
        .send(&huge);
    if let Ok(r) = answer {
        assert_eq!(r.status().as_u16(), 413);
    }
    // Still serving.
    assert_eq!(server.get("/api/scenarios").0, 200);
}

#[test]
fn fifty_requests_at_once_leave_it_alive_and_bounded() {
    let server = Server::start(&[repo("tests/data/variants.toml").to_str().unwrap()]);
    let before = server.rss_kib();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..50)
            .map(|i| {
                let server = &server;
                scope.spawn(move || {
                    let body = format!(
                        r#"{{"set": {{"service.purchase_rate": 0.{}}}, "runs": 1}}"#,
                        10 + i
                    );
                    server.post(&body).0
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(
        statuses.iter().all(|&s| s == 200 || s == 503),
        "{statuses:?}"
    );
    assert!(
        statuses.iter().filter(|&&s| s == 200).count() >= 10,
        "{statuses:?}"
    );
    let after = server.rss_kib();
    assert!(
        after < before + 500_000,
        "memory grew from {before} to {after} KiB"
    );
    assert_eq!(server.post(r#"{"runs": 1}"#).0, 200, "it still runs");
}

/// An answer's status, content type, `Content-Disposition` and text.
struct Answer {
    status: u16,
    kind: String,
    disposition: String,
    policy: String,
    text: String,
}

impl Server {
    fn fetch(&self, method: &str, path: &str, body: &str, accept: &str) -> Answer {
        let url = format!("{}{path}", self.base);
        let agent = Self::agent();
        let response = if method == "GET" {
            agent.get(&url).header("accept", accept).call()
        } else {
            agent
                .post(&url)
                .header("content-type", "application/json")
                .header("accept", accept)
                .send(body)
        };
        let mut r = response.unwrap();
        let header = |name: &str| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (kind, disposition, policy) = (
            header("content-type"),
            header("content-disposition"),
            header("content-security-policy"),
        );
        Answer {
            status: r.status().as_u16(),
            kind,
            disposition,
            policy,
            text: r
                .body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_string()
                .unwrap_or_default(),
        }
    }
}

#[test]
fn the_page_and_everything_it_loads_come_from_the_binary() {
    let server = Server::start(&[repo("tests/data/studio.toml").to_str().unwrap()]);
    let page = server.fetch("GET", "/", "", "text/html");
    assert_eq!(page.status, 200);
    assert!(page.kind.starts_with("text/html"), "{}", page.kind);
    assert!(
        page.policy.contains("default-src 'self'"),
        "the page may load only from this server: {}",
        page.policy
    );
    // Every script and style the page names is served, with its type.
    let mut named = 0;
    for part in page.text.split(['"', '\'']) {
        if let Some(file) = part.strip_prefix("/assets/") {
            let a = server.fetch("GET", &format!("/assets/{file}"), "", "*/*");
            assert_eq!(a.status, 200, "{file}");
            let want = if file.ends_with(".js") {
                "text/javascript"
            } else {
                "text/css"
            };
            assert!(a.kind.starts_with(want), "{file}: {}", a.kind);
            assert!(!a.text.is_empty(), "{file}");
            named += 1;
        }
    }
    assert!(named >= 5, "the page names {named} assets");
    // Nothing is fetched from anywhere else: no address in the page or in
    // grapevine's own scripts (uPlot's names its home in a comment only).
    for file in [
        "/",
        "/assets/studio.js",
        "/assets/player.js",
        "/assets/studio.css",
    ] {
        let text = server.fetch("GET", file, "", "*/*").text;
        assert!(
            !text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"),
            "{file} names an address"
        );
    }
    // No inline code: the policy blocks it, so the page and the HTML its
    // scripts build must do everything from the served scripts.
    for file in ["/", "/assets/studio.js", "/assets/player.js"] {
        let text = server.fetch("GET", file, "", "*/*").text;
        let inline = crate::common::inline_code(&text);
        assert!(inline.is_empty(), "{file} has inline code: {inline:?}");
    }
    let licence = server.fetch("GET", "/assets/uPlot-LICENSE.txt", "", "*/*");
    assert!(licence.text.contains("MIT License"));
    // No path reaches the file system.
    for path in [
        "/assets/../Cargo.toml",
        "/assets/%2e%2e%2fCargo.toml",
        "/Cargo.toml",
        "/api/nope",
    ] {
        assert_eq!(server.fetch("GET", path, "", "*/*").status, 404, "{path}");
    }
}

#[test]
fn the_listing_says_what_the_page_shows_for_each_scenario() {
    let server = Server::start(&[]);
    let (status, list) = server.get("/api/scenarios");
    assert_eq!(status, 200);
    let all = list["scenarios"].as_array().unwrap();
    assert_eq!(all.len(), 9, "the shipped lessons");
    let find = |name: &str| all.iter().find(|s| s["name"] == name).unwrap().clone();
    // The default set: fan-outs keep their kind (a uniform range its width).
    let bad_news = find("bad-news-travels-fast");
    let controls = bad_news["controls"].as_array().unwrap();
    let bad = controls
        .iter()
        .find(|c| c["path"] == "telling.bad")
        .unwrap();
    assert_eq!(bad["kind"], "fan-out");
    assert_eq!(bad["value"], 2.0, "a uniform 2-3 starts at 2");
    assert_eq!(bad["shape"]["kind"], "uniform");
    assert_eq!(bad["shape"]["width"], 1);
    let recovery = controls
        .iter()
        .find(|c| c["path"] == "service.recovery_rate")
        .unwrap();
    assert_eq!(
        (recovery["min"].as_f64(), recovery["max"].as_f64()),
        (Some(0.0), Some(1.0))
    );
    assert_eq!(bad_news["film"], true);
    assert_eq!(bad_news["compare"][1]["name"], "nps");
    assert_eq!(bad_news["compare"][1]["min"], -100.0);
    // A switch for each event, saying when and for whom.
    let service = find("service-recovery");
    let events: Vec<&str> = service["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["outage", "recovery programme", "advertising"]);
    assert_eq!(service["events"][0]["when"], "weeks 20–24");
    assert_eq!(
        service["events"][0]["variants"].as_array().unwrap().len(),
        3
    );
    assert_eq!(service["events"][1]["variants"][0], "recovery programme");
}

#[test]
fn a_studio_table_chooses_the_sliders_switches_and_runs() {
    let server = Server::start(&[repo("tests/data/studio.toml").to_str().unwrap()]);
    let (_, list) = server.get("/api/scenarios");
    let s = &list["scenarios"][0];
    assert_eq!(s["studio_runs"], 4);
    assert_eq!(
        s["runs"], 8,
        "the file's own runs stay for the command line"
    );
    let paths: Vec<&str> = s["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["telling.bad", "service.quality_mean"]);
    assert_eq!(s["controls"][0]["label"], "An angry customer tells");
    assert_eq!(s["controls"][1]["value"], 0.5, "the default quality");
    assert_eq!(s["events"][0]["name"], "outage");
    // Without `runs`, a change reruns the studio's four.
    let (status, text) = server.post(r#"{"set": {"service.quality_mean": 0.2}}"#);
    assert_eq!(status, 200, "{text}");
    assert_eq!(json(&text)["runs"], 4);
}

#[test]
fn a_streamed_run_reports_progress_then_the_result_then_the_film() {
    let server = Server::start(&[repo("tests/data/studio.toml").to_str().unwrap()]);
    let body = r#"{"set": {"telling.bad": {"kind": "uniform", "min": 12, "max": 13}}, "runs": 40, "film": true}"#;
    let streamed = server.fetch("POST", "/api/run", body, "application/x-ndjson");
    assert_eq!(streamed.status, 200);
    assert!(streamed.kind.starts_with("application/x-ndjson"));
    let lines: Vec<serde_json::Value> = streamed.text.lines().map(json).collect();
    let at = |key: &str| lines.iter().position(|l| l.get(key).is_some());
    let (result, film) = (at("result").unwrap(), at("film").unwrap());
    assert!(result < film, "the charts' figures come before the film");
    // Nothing after the film: a progress line there would leave the page
    // saying it is still filming.
    assert_eq!(film, lines.len() - 1, "{:?}", &lines[film + 1..]);
    let progress: Vec<f64> = lines[..result]
        .iter()
        .filter_map(|l| l["progress"].as_f64())
        .collect();
    assert!(!progress.is_empty(), "no progress before the result");
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    assert!(progress.iter().all(|p| (0.0..=1.0).contains(p)));
    // The same figures as the plain answer, and a film of both variants.
    let (status, plain) = server.post(body);
    assert_eq!(status, 200);
    let plain = json(&plain);
    assert_eq!(lines[result]["result"]["variants"], plain["variants"]);
    let f = &lines[film]["film"];
    assert_eq!(f["reels"].as_array().unwrap().len(), 2);
    assert_eq!(f["n"], 2000);
    assert_eq!(f, &plain["film"]);
    assert!(f["shown"].as_str().unwrap().contains("2,000"));
    // Without a film, the result is the answer's last line.
    let body = r#"{"set": {"telling.bad": {"kind": "uniform", "min": 12, "max": 13}}, "runs": 40}"#;
    let streamed = server.fetch("POST", "/api/run", body, "application/x-ndjson");
    let lines: Vec<serde_json::Value> = streamed.text.lines().map(json).collect();
    assert!(
        lines.last().is_some_and(|l| l.get("result").is_some()),
        "{lines:?}"
    );
}

#[test]
fn events_switch_off_by_name() {
    let server = Server::start(&[repo("tests/data/studio.toml").to_str().unwrap()]);
    let customers = |body: &str| {
        let (status, text) = server.post(body);
        assert_eq!(status, 200, "{text}");
        json(&text)["variants"][0]["series"]["customers"]["mean"].clone()
    };
    let on = customers(r#"{"events": {"outage": true}}"#);
    assert_eq!(on, customers("{}"), "on is as in the file");
    let off = customers(r#"{"events": {"outage": false}}"#);
    assert_ne!(on, off, "the outage moves customers");
    let (status, text) = server.post(r#"{"events": {"outrage": false}}"#);
    assert_eq!(status, 400);
    assert!(
        text.contains("`outrage` is not an event of this scenario; allowed: outage"),
        "{text}"
    );
    let (status, text) = server.post(r#"{"events": {"outage": "no"}}"#);
    assert_eq!(status, 400);
    assert!(
        text.contains("allowed: true (on, as in the file) or false (off)"),
        "{text}"
    );
}

#[test]
fn downloads_are_what_the_saved_scenario_gives_on_the_command_line() {
    let server = Server::start(&[repo("tests/data/studio.toml").to_str().unwrap()]);
    let body = r#"{"set": {"telling.bad": {"kind": "uniform", "min": 20, "max": 21}, "service.quality_mean": 0.1}, "events": {"outage": false}, "runs": 3}"#;
    let saved = server.fetch("POST", "/api/download/scenario.toml", body, "*/*");
    assert_eq!(saved.status, 200);
    assert!(
        saved
            .disposition
            .contains("attachment; filename=\"studio-scenario.toml\"")
    );
    assert!(
        saved
            .text
            .contains("bad = { kind = \"uniform\", max = 21, min = 20 }"),
        "{}",
        saved.text
    );
    assert!(saved.text.contains("runs = 3"), "{}", saved.text);
    assert!(
        !saved.text.contains("name = \"outage\""),
        "the outage is switched off"
    );
    assert!(
        saved.text.contains("# The studio's own table"),
        "the file's comments stay"
    );
    // Run from the command line, the saved file gives the studio's numbers.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("saved.toml");
    std::fs::write(&file, &saved.text).unwrap();
    let out = dir.path().join("out");
    crate::common::grapevine()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let cli = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let data = server.fetch("POST", "/api/download/timeseries.csv", body, "*/*");
    assert_eq!(data.status, 200);
    assert!(data.kind.starts_with("text/csv"));
    assert_eq!(data.text, cli, "the downloaded data is the command line's");
    let (_, answer) = server.post(body);
    let nps = &json(&answer)["variants"][1]["series"]["nps"]["mean"];
    let from_csv: Vec<f64> = crate::common::series_of(&out, "recovery", "all", "nps")
        .iter()
        .map(|(mean, _, _)| *mean)
        .collect();
    let from_api: Vec<f64> = nps
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(from_api, from_csv, "the API's figures are the CSV's");
    // The report, as one page, and the other tables.
    let report = server.fetch("POST", "/api/download/report.html", body, "*/*");
    assert!(report.text.starts_with("<!DOCTYPE html>"));
    assert!(
        report.text.contains("The grapevine, week by week"),
        "with its player"
    );
    let runs = server.fetch("POST", "/api/download/runs.csv", body, "*/*");
    assert!(runs.text.starts_with("variant,group,run,seed"));
    let none = server.fetch("POST", "/api/download/passwd", body, "*/*");
    assert_eq!(none.status, 404);
    assert!(none.text.contains("allowed: report.html, timeseries.csv"));
}

#[test]
fn a_client_that_goes_away_cancels_its_run() {
    let server = Server::start(&[repo("tests/data/studio.toml").to_str().unwrap()]);
    let cpu_ticks = || -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", server.child.id())).unwrap();
        // utime and stime: the 14th and 15th fields, after the command's
        // closing parenthesis.
        let after = stat.rsplit_once(')').unwrap().1;
        let f: Vec<&str> = after.split_whitespace().collect();
        f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
    };
    // A long run (200 runs of a 20,000-agent town), streamed; read its first
    // progress line, then hang up.
    let mut r = Server::agent()
        .post(format!("{}/api/run", server.base))
        .header("content-type", "application/json")
        .header("accept", "application/x-ndjson")
        .send(r#"{"runs": 200, "set": {"network.n": 20000}}"#)
        .unwrap();
    let mut first = String::new();
    BufReader::new(r.body_mut().as_reader())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("progress"), "{first}");
    std::thread::sleep(Duration::from_millis(300));
    let running = cpu_ticks();
    std::thread::sleep(Duration::from_millis(300));
    assert!(cpu_ticks() > running, "the run was not running");
    drop(r);
    // The next progress line finds nobody and the run stops at its next
    // tick; from then on the server is idle.
    std::thread::sleep(Duration::from_millis(500));
    let stopped = cpu_ticks();
    std::thread::sleep(Duration::from_millis(1000));
    let idle = cpu_ticks() - stopped;
    assert!(
        idle < 10,
        "the server kept working after its client left ({idle} ticks of CPU in a second)"
    );
    assert_eq!(server.post(r#"{"runs": 1}"#).0, 200, "and it still runs");
}

// --- Who may ask (issue 24): Host, Origin, JSON bodies, bounded
// connections, a clean stop on signals. Raw sockets, so that every header
// is exactly what a browser or an attacker would send.

impl Server {
    fn port(&self) -> u16 {
        let after = self.base.rsplit(':').next().unwrap();
        after.split('/').next().unwrap().parse().unwrap()
    }

    fn connect(&self) -> std::net::TcpStream {
        let s = std::net::TcpStream::connect(("127.0.0.1", self.port())).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        s
    }

    /// Sends `request` as it is and reads the whole answer (the server
    /// closes after it: `Connection: close` is added).
    fn raw(&self, request: &str) -> (u16, String) {
        use std::io::{Read, Write};
        let mut s = self.connect();
        let request = request.replacen("\r\n", "\r\nConnection: close\r\n", 1);
        s.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        let status = answer
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no status in {answer:?}"));
        (status, answer)
    }

    fn signal(&self, name: &str) {
        let _ = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status();
    }

    /// Waits up to `seconds` for the server to end; its exit status.
    fn ended_within(&mut self, seconds: u64) -> Option<std::process::ExitStatus> {
        for _ in 0..seconds * 20 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

fn run_body() -> &'static str {
    r#"{"runs": 1}"#
}

fn post_with(headers: &str, body: &str) -> String {
    format!(
        "POST /api/run HTTP/1.1\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[test]
fn only_the_studios_own_page_can_drive_it() {
    let server = Server::start(&[repo("tests/data/studio.toml").to_str().unwrap()]);
    let port = server.port();
    let local = format!("Host: 127.0.0.1:{port}\r\n");
    let json = "Content-Type: application/json\r\n";
    // Its own page, and scripts that send no Origin, are answered.
    let (status, _) = server.raw(&post_with(&format!("{local}{json}"), run_body()));
    assert_eq!(status, 200);
    let own = format!("{local}Origin: http://127.0.0.1:{port}\r\n{json}");
    assert_eq!(server.raw(&post_with(&own, run_body())).0, 200);
    let (status, _) = server.raw(&format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"));
    assert_eq!(status, 200);
    // DNS rebinding: another site's name for this machine.
    for path in ["/", "/api/scenarios"] {
        let (status, answer) = server.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n"
        ));
        assert_eq!(status, 403, "{path}");
        assert!(answer.contains("does not answer to the host"), "{answer}");
        assert!(
            !answer.contains("Service recovery"),
            "nothing of the studio's leaks"
        );
    }
    // Another site's page: a foreign Origin, a form's text/plain body.
    let foreign = format!("{local}Origin: http://evil.example\r\n{json}");
    let (status, answer) = server.raw(&post_with(&foreign, run_body()));
    assert_eq!(status, 403);
    assert!(answer.contains("\"error\""), "a JSON answer: {answer}");
    for kind in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let form = format!("{local}Content-Type: {kind}\r\n");
        let (status, answer) = server.raw(&post_with(&form, run_body()));
        assert_eq!(status, 415, "{kind}: {answer}");
    }
    // A declared oversize body is refused before it is sent.
    let (status, answer) = server.raw(&format!(
        "POST /api/run HTTP/1.1\r\n{local}{json}Content-Length: 100000000\r\n\r\n"
    ));
    assert_eq!(status, 413);
    assert!(answer.contains("\"error\""), "{answer}");
    // Wrong methods and busy answers say so in JSON.
    let (status, answer) = server.raw(&format!("DELETE /api/run HTTP/1.1\r\n{local}\r\n"));
    assert_eq!(status, 405);
    assert!(answer.contains("\"error\""), "{answer}");
}

#[test]
fn a_studio_open_to_the_network_needs_its_token() {
    let server = Server::start(&[
        repo("tests/data/studio.toml").to_str().unwrap(),
        "--host",
        "0.0.0.0",
    ]);
    let token = server
        .base
        .split("token=")
        .nth(1)
        .expect("the address printed carries a token")
        .to_string();
    let port = server.port();
    let host = format!("Host: 127.0.0.1:{port}\r\n");
    let (status, _) = server.raw(&format!("GET /api/scenarios HTTP/1.1\r\n{host}\r\n"));
    assert_eq!(status, 403);
    let (status, answer) = server.raw(&format!("GET /?token={token} HTTP/1.1\r\n{host}\r\n"));
    assert_eq!(status, 200);
    let cookie = answer
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .expect("the page sets the token's cookie");
    assert!(
        cookie.contains("SameSite=Strict") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let cookie = cookie.split(';').next().unwrap();
    let (status, _) = server.raw(&format!(
        "GET /api/scenarios HTTP/1.1\r\n{host}Cookie: {cookie}\r\n\r\n"
    ));
    assert_eq!(status, 200);
    let (status, _) = server.raw(&format!(
        "GET /api/scenarios HTTP/1.1\r\n{host}Authorization: token {token}\r\n\r\n"
    ));
    assert_eq!(status, 200);
}

#[test]
fn a_connection_that_never_finishes_its_request_is_closed() {
    use std::io::{Read, Write};
    let server = Server::start(&[repo("tests/data/studio.toml").to_str().unwrap()]);
    // Slowloris: a request's first line and half a header, then nothing.
    let mut slow = server.connect();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .unwrap();
    // A body that stops halfway.
    let mut stalled = server.connect();
    stalled
        .write_all(b"POST /api/run HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{\"runs\"")
        .unwrap();
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(20),
        "the half-sent request was kept open {waited:?}"
    );
    let mut answer = String::new();
    let _ = stalled.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(20));
    // The server still answers others.
    assert_eq!(server.get("/api/scenarios").0, 200);
}

#[test]
fn signals_stop_the_studio_cleanly_even_with_a_request_half_sent() {
    use std::io::Write;
    for signal in ["INT", "TERM"] {
        let mut server = Server::start(&[repo("tests/data/studio.toml").to_str().unwrap()]);
        let mut half = server.connect();
        half.write_all(b"POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
            .unwrap();
        std::thread::sleep(Duration::from_millis(200));
        server.signal(signal);
        let status = server
            .ended_within(8)
            .unwrap_or_else(|| panic!("SIG{signal} did not stop the studio"));
        assert!(status.success(), "SIG{signal}: {status:?}");
    }
}

#[test]
fn a_stop_ends_a_streamed_run_with_a_line_that_says_so() {
    let mut server = Server::start(&[repo("tests/data/studio.toml").to_str().unwrap()]);
    let mut r = Server::agent()
        .post(format!("{}/api/run", server.base))
        .header("content-type", "application/json")
        .header("accept", "application/x-ndjson")
        .send(r#"{"runs": 200, "set": {"network.n": 20000}}"#)
        .unwrap();
    let mut lines = BufReader::new(r.body_mut().as_reader()).lines();
    assert!(lines.next().unwrap().unwrap().contains("progress"));
    server.signal("TERM");
    let last = lines
        .map_while(Result::ok)
        .filter(|l| !l.contains("\"progress\""))
        .last()
        .expect("a last line");
    assert!(last.contains("\"error\"") && last.contains("503"), "{last}");
    assert!(server.ended_within(8).is_some_and(|s| s.success()));
}

#[test]
fn a_network_read_from_a_file_is_forecast_like_any_other() {
    // Issue 23: the studio counted no one in a file's network, forecast
    // about 0 s for any run on it, and refused none.
    let server = Server::start(&[repo("tests/data/edges.toml").to_str().unwrap()]);
    let (status, text) = server.post(r#"{"runs": 200, "set": {"ticks": 100000}}"#);
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("at most 30 seconds a change"), "{text}");
    assert_eq!(server.post(r#"{"runs": 2}"#).0, 200);
}

/// Issue 21: a slider changes the town's future, not its past. Week 0 is
/// the file's town whatever the value; the value acts from week 1; a
/// what-if that sets the value itself keeps its own; `before` also
/// rewrites the past, as asked.
#[test]
fn a_slider_acts_from_week_one_and_leaves_week_zero_as_the_file_has_it() {
    let server = Server::start(&[repo("scenarios/bad-news-travels-fast.toml")
        .to_str()
        .unwrap()]);
    let run = |body: &str| {
        let (status, text) = server.post(body);
        assert_eq!(status, 200, "{text}");
        json(&text)
    };
    let series = |v: &serde_json::Value, k: usize, m: &str| -> Vec<f64> {
        v["variants"][k]["series"][m]["mean"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap_or(f64::NAN))
            .collect()
    };
    let file = run(r#"{"runs": 2}"#);
    let angry = r#"{"runs": 2, "set": {"telling.bad": {"kind": "uniform", "min": 20, "max": 30}}}"#;
    let slid = run(angry);
    for m in ["customers", "reputation", "nps"] {
        let (a, b) = (series(&file, 0, m), series(&slid, 0, m));
        assert_eq!(a[0], b[0], "{m}: week 0 is the file's town");
        assert_ne!(a[52], b[52], "{m}: the value acts on the future");
    }
    // The what-if sets telling.bad itself: it keeps its own value, so its
    // lines are the file's, and the baseline now runs as it does.
    assert_eq!(series(&file, 1, "customers"), series(&slid, 1, "customers"));
    assert_eq!(series(&slid, 0, "customers"), series(&slid, 1, "customers"));
    // Asked to, the value rewrites the past too: week 0 moves.
    let past = run(
        r#"{"runs": 2, "before": true, "set": {"telling.bad": {"kind": "uniform", "min": 20, "max": 30}}}"#,
    );
    assert_ne!(
        series(&file, 0, "customers")[0],
        series(&past, 0, "customers")[0],
        "before week 0 too: the warm-up ran with the value"
    );
    // The saved scenario reruns the same future from the command line.
    let saved = server.fetch("POST", "/api/download/scenario.toml", angry, "*/*");
    assert!(
        saved.text.contains("studio values from week 1"),
        "{}",
        saved.text
    );
    assert!(saved.text.contains("its own values"), "{}", saved.text);
    let data = server.fetch("POST", "/api/download/timeseries.csv", angry, "*/*");
    let dir = tempfile::tempdir().unwrap();
    let file_path = dir.path().join("saved.toml");
    std::fs::write(&file_path, &saved.text).unwrap();
    let out = dir.path().join("out");
    crate::common::grapevine()
        .arg("run")
        .arg(&file_path)
        .args(["--format", "none", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        data.text,
        std::fs::read_to_string(out.join("timeseries.csv")).unwrap()
    );
}
