//! `grapevine serve` (issue 16, the server and its API): the real binary on
//! an ephemeral port, its answers, its refusals, fifty requests at once,
//! and a clean stop on Ctrl-C.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::repo;

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
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
        let mut r = Self::agent()
            .post(format!("{}/api/run", self.base))
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
    assert_eq!(v["overrides"][0], "service.purchase_rate = 0.2");
    let nps = &v["variants"][0]["series"]["nps"];
    assert_eq!(nps["mean"].as_array().unwrap().len(), 21, "tick 0 to 20");
    assert!(nps["p05"][20].as_f64().unwrap() <= nps["p95"][20].as_f64().unwrap());
    assert!(
        v["variants"][0]["series"]["morale"].is_null(),
        "no staff, no morale"
    );
    assert!(v["variants"][2]["difference_from_baseline"]["nps"]["mean"].is_number());
    // The same request, the same numbers; another value, others.
    assert_eq!(server.post(body).1, text);
    let (_, other) = server.post(r#"{"set": {"service.purchase_rate": 0.05}, "runs": 2}"#);
    assert_ne!(json(&other)["variants"][0]["series"]["nps"], *nps);
    assert!(server.interrupt().success(), "Ctrl-C stops it cleanly");
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
    refused("{not json", 400, "is not the JSON /api/run takes");
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
    let huge = format!(r#"{{"set": {{"title": "{}"}}}}"#, "x".repeat(200_000));
    let (status, _) = server.post(&huge);
    assert_eq!(status, 413);
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
