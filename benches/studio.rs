//! Criterion benchmark of the studio's answer to a slider change, as the
//! page asks for it: a streamed `POST /api/run` with the film, over HTTP
//! to `grapevine serve`'s server in process, timed until the charts'
//! figures arrive, for every shipped lesson as written (20,000 agents, 20 runs,
//! 52 weeks after a 52-week warm-up), each request with a new value: the
//! figures are new each time, and the towns the first request warmed up
//! are reused, as the studio does for every slider move after the first.
//!
//! `cargo bench --bench studio` (a few minutes). The page's drawing (a
//! few milliseconds) and its debounce (0.15 s) come on top.

use std::io::{BufRead, BufReader};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use grapevine::serve::{self, Served};

/// Every shipped lesson, as issue 27's target asks: each one's change
/// under a second.
const LESSONS: &[(&str, &str)] = &[
    (
        "bad-news-travels-fast",
        include_str!("../scenarios/bad-news-travels-fast.toml"),
    ),
    (
        "customer-myopia",
        include_str!("../scenarios/customer-myopia.toml"),
    ),
    (
        "focus-vs-please-everyone",
        include_str!("../scenarios/focus-vs-please-everyone.toml"),
    ),
    ("people-move", include_str!("../scenarios/people-move.toml")),
    ("hard-times", include_str!("../scenarios/hard-times.toml")),
    (
        "service-recovery",
        include_str!("../scenarios/service-recovery.toml"),
    ),
    (
        "invited-guests",
        include_str!("../scenarios/invited-guests.toml"),
    ),
    (
        "what-the-research-says",
        include_str!("../scenarios/what-the-research-says.toml"),
    ),
];

fn benches(c: &mut Criterion) {
    let served = LESSONS
        .iter()
        .map(|(name, text)| Served {
            name: (*name).to_string(),
            path: format!("scenarios/{name}.toml").into(),
            text: (*text).to_string(),
        })
        .collect();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        runtime
            .block_on(serve::serve(
                served,
                serve::Listen {
                    addr: "127.0.0.1:0".parse().expect("an address"),
                    allow_hosts: Vec::new(),
                },
                move |addr, _| tx.send(addr).expect("the bench waits"),
                std::future::pending(),
                std::future::pending(),
            ))
            .expect("the server runs");
    });
    let addr = rx.recv().expect("the server starts");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into();
    let mut g = c.benchmark_group("studio");
    g.sample_size(10);
    // What the page sends when a slider moves: the value, the film, the
    // streamed answer; timed until the charts' figures arrive (the film
    // follows them; the page draws the charts in milliseconds).
    // The slider is the recovery rate's, as `benches/studio.sh` moves it
    // (every lesson has it; a what-if that sets it itself is not run
    // again, as a trainer moving it would find).
    for (name, _) in LESSONS {
        let step = AtomicU32::new(0);
        g.bench_function(format!("slider change, {name}"), |b| {
            b.iter(|| {
                let k = step.fetch_add(1, Ordering::Relaxed);
                // A value no earlier request asked for: the studio keeps
                // recordings, and a value asked again is not run again.
                let value = format!("0.{:04}", 1000 + k % 8000);
                let body = format!(
                    "{{\"scenario\": \"{name}\", \"set\": {{\"service.recovery_rate\": {value}}}, \"film\": true}}"
                );
                let mut r = agent
                    .post(format!("http://{addr}/api/run"))
                    .header("content-type", "application/json")
                    .header("accept", "application/x-ndjson")
                    .send(&body)
                    .expect("the studio answers");
                let lines = BufReader::new(r.body_mut().as_reader()).lines();
                for line in lines {
                    let line = line.expect("a line");
                    if line.starts_with("{\"result\"") {
                        return line.len();
                    }
                }
                panic!("no result in the answer");
            })
        });
    }
    g.finish();
}

criterion_group!(studio, benches);
criterion_main!(studio);
