//! `grapevine serve`: a local web server for the training room, and the
//! JSON API behind it (issue 16; this is its server and API).
//!
//! - `GET /api/scenarios`: the served scenarios, by name.
//! - `POST /api/run` with `{"scenario": NAME, "set": {"dotted.path": value},
//!   "runs": N}`: runs the scenario with those values and answers, per
//!   variant, each measure's mean and 90% band per tick (everyone), and the
//!   headline figures and differences from the baseline.
//!
//! It is safe to leave running: it listens on the loopback address unless
//! told otherwise; a request names a served scenario, never a path; bodies
//! over [`MAX_BODY`] get 413; a bad request gets 400 with the same message,
//! field and allowed values as the command line; a run the memory check
//! refuses, or one forecast to take over [`MAX_SECONDS`], is refused before
//! it starts; at most [`RUNNING`] runs go at once and a request waits at
//! most [`WAIT`] for its turn (503 after); a run whose client has gone is
//! cancelled at its next tick.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Error;
use crate::measures::Measure;
use crate::pipeline::{self, RunOptions, Silent};
use crate::scenario::{InputError, Override, Scenario};

/// The largest request body: a run's values are a few hundred bytes.
pub const MAX_BODY: usize = 64 << 10;
/// The most runs (replications) a request may ask for.
pub const MAX_RUNS: u32 = 200;
/// The longest a run may be forecast to take.
pub const MAX_SECONDS: f64 = 30.0;
/// Runs going at once; others wait their turn.
pub const RUNNING: usize = 2;
/// The longest a request waits for its turn.
pub const WAIT: Duration = Duration::from_secs(20);

/// A scenario the server offers: its name, file and text.
#[derive(Debug, Clone)]
pub struct Served {
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

struct Studio {
    scenarios: Vec<Served>,
    /// `GET /api/scenarios`'s answer, made once at the start.
    listing: Value,
    turns: tokio::sync::Semaphore,
    pool: rayon::ThreadPool,
    threads: usize,
}

/// Checks every scenario, then serves them on `addr` until `stop`
/// resolves; `ready` is told the address bound (port 0 picks a free one).
pub async fn serve(
    scenarios: Vec<Served>,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    let mut list = Vec::new();
    for s in &scenarios {
        let parsed = Scenario::parse(&s.text, &s.path)?;
        list.push(json!({
            "name": s.name,
            "title": parsed.title,
            "ticks": parsed.ticks,
            "runs": parsed.runs,
            "tick_unit": parsed.tick_unit,
            "variants": parsed.variants.iter().map(|v| v.name.clone()).collect::<Vec<_>>(),
        }));
    }
    let listing = json!({ "scenarios": list });
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Other(format!("cannot start the worker threads: {e}")))?;
    let studio = Arc::new(Studio {
        scenarios,
        listing,
        turns: tokio::sync::Semaphore::new(RUNNING),
        pool,
        threads,
    });
    let app = Router::new()
        .route("/api/scenarios", get(list_scenarios))
        .route("/api/run", post(run))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(studio);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::Other(e.to_string()))?;
    ready(bound);
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await
        .map_err(|e| Error::Other(format!("the server stopped: {e}")))
}

fn answer(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn refused(status: StatusCode, message: impl Into<String>) -> Response {
    answer(status, json!({ "error": message.into() }))
}

/// A scenario's problems as the command line states them, and each one's
/// field, allowed values and help.
fn input_error(e: &InputError) -> Response {
    let problems: Vec<Value> = e
        .problems
        .iter()
        .map(|p| {
            json!({
                "field": p.path.to_string(),
                "message": p.message,
                "allowed": p.allowed,
                "help": p.help,
            })
        })
        .collect();
    answer(
        StatusCode::BAD_REQUEST,
        json!({ "error": e.to_string(), "problems": problems }),
    )
}

fn error(e: &Error) -> Response {
    match e {
        Error::Input(i) => input_error(i),
        Error::Usage(m) => refused(StatusCode::BAD_REQUEST, m.clone()),
        Error::Cancelled => refused(StatusCode::SERVICE_UNAVAILABLE, "the run was cancelled"),
        other => refused(StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
    }
}

async fn list_scenarios(State(studio): State<Arc<Studio>>) -> Response {
    answer(StatusCode::OK, studio.listing.clone())
}

/// What `POST /api/run` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunRequest {
    scenario: Option<String>,
    #[serde(default)]
    set: serde_json::Map<String, Value>,
    runs: Option<u32>,
}

/// Sets a run's `cancel` flag when its request is dropped (the client went
/// away): the run stops at its next tick.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

async fn run(State(studio): State<Arc<Studio>>, body: Bytes) -> Response {
    let request: RunRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return refused(
                StatusCode::BAD_REQUEST,
                format!(
                    "the request is not the JSON /api/run takes: {e}; send {{\"scenario\": NAME, \"set\": {{\"dotted.path\": value}}, \"runs\": N}}"
                ),
            );
        }
    };
    let scenario = match prepare(&studio, &request) {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let Ok(Ok(turn)) = tokio::time::timeout(WAIT, studio.turns.acquire()).await else {
        return refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "the studio is busy with other runs; try again in a moment",
        );
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let _guard = CancelOnDrop(cancel.clone());
    let worker = studio.clone();
    let result = tokio::task::spawn_blocking(move || {
        worker.pool.install(|| {
            let options = RunOptions {
                threads: worker.threads,
                cancel: Some(&cancel),
                progress: &Silent,
                what: "runs",
            };
            pipeline::simulate(&scenario, &options).map(|report| results(&report))
        })
    })
    .await;
    drop(turn);
    match result {
        Ok(Ok(body)) => answer(StatusCode::OK, body),
        Ok(Err(e)) => error(&e),
        Err(e) => refused(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the run failed: {e}"),
        ),
    }
}

/// The scenario a request asks for, with its values set, checked and
/// within budget; or the response refusing it.
fn prepare(studio: &Studio, request: &RunRequest) -> Result<Scenario, Box<Response>> {
    let names: Vec<&str> = studio.scenarios.iter().map(|s| s.name.as_str()).collect();
    let served = match &request.scenario {
        Some(name) => studio.scenarios.iter().find(|s| &s.name == name),
        None if studio.scenarios.len() == 1 => studio.scenarios.first(),
        None => None,
    }
    .ok_or_else(|| {
        Box::new(refused(
            StatusCode::BAD_REQUEST,
            format!(
                "{}; allowed: {}",
                match &request.scenario {
                    Some(name) => format!("`{name}` is not a served scenario"),
                    None => "name a scenario: several are served".to_string(),
                },
                names.join(", ")
            ),
        ))
    })?;
    let mut overrides = Vec::new();
    for (path, value) in &request.set {
        let text = toml_text(value).ok_or_else(|| {
            Box::new(refused(
                StatusCode::BAD_REQUEST,
                format!("`{path}`: {value} is not a value a scenario holds (a number, text, true or false, a list or a table)"),
            ))
        })?;
        let o = Override::parse_arg(&format!("{path}={text}"))
            .map_err(|m| Box::new(refused(StatusCode::BAD_REQUEST, m)))?;
        overrides.push(o);
    }
    let mut s = Scenario::parse_with(&served.text, &served.path, &overrides)
        .map_err(|e| Box::new(input_error(&e)))?;
    // A request names values, never files: no network may be read from a
    // file the served scenario does not read itself.
    let own = Scenario::parse(&served.text, &served.path).map_err(|e| Box::new(input_error(&e)))?;
    let files = |s: &Scenario| -> Vec<PathBuf> {
        s.variants
            .iter()
            .filter_map(|v| v.network.file().map(PathBuf::from))
            .collect()
    };
    let allowed = files(&own);
    if let Some(other) = files(&s).into_iter().find(|f| !allowed.contains(f)) {
        return Err(Box::new(refused(
            StatusCode::BAD_REQUEST,
            format!(
                "a request cannot name a file (`{}`); the studio reads only the networks its scenarios name",
                other.display()
            ),
        )));
    }
    if let Some(runs) = request.runs {
        if !(1..=MAX_RUNS).contains(&runs) {
            return Err(Box::new(refused(
                StatusCode::BAD_REQUEST,
                format!("`runs` is {runs}; allowed: 1 to {MAX_RUNS}"),
            )));
        }
        s.runs = runs;
    }
    let agents: Vec<u64> = s
        .variants
        .iter()
        .map(|v| v.network.agents().unwrap_or(0))
        .collect();
    let seconds = crate::forecast::forecast_seconds(&s, &agents, studio.threads);
    if seconds > MAX_SECONDS {
        return Err(Box::new(refused(
            StatusCode::BAD_REQUEST,
            format!(
                "this run would take {}; the studio runs at most {MAX_SECONDS} seconds a change (ask for fewer runs, agents or ticks)",
                crate::forecast::duration(seconds)
            ),
        )));
    }
    pipeline::check_memory(&s, studio.threads).map_err(|e| Box::new(error(&e)))?;
    Ok(s)
}

/// A JSON value as TOML text for `--set` (JSON null has no TOML form).
fn toml_text(value: &Value) -> Option<String> {
    let v: toml::Value = serde_json::from_value(value.clone()).ok()?;
    Some(match v {
        toml::Value::Table(t) => {
            let inner: Vec<String> = t.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            format!("{{ {} }}", inner.join(", "))
        }
        other => other.to_string(),
    })
}

/// The answer to a run: per variant, each measure's mean and band per tick
/// for everyone (null where the variant cannot produce it), the headline
/// figures, and the differences from the baseline.
fn results(report: &pipeline::Report<'_>) -> Value {
    let s = report.scenario;
    let kind = s.baseline().model.kind();
    let base = &report.variants[0];
    let measures: &[Measure] = report.metrics();
    let variants: Vec<Value> = report
        .variants
        .iter()
        .zip(&s.variants)
        .map(|(v, spec)| {
            let mut series = serde_json::Map::new();
            for (m, &measure) in measures.iter().enumerate() {
                let value = spec.produces(measure).then(|| {
                    let bands: Vec<_> = v.aggregate.bands.iter().map(|t| t[0][m]).collect();
                    json!({
                        "mean": bands.iter().map(|b| b.mean).collect::<Vec<_>>(),
                        "p05": bands.iter().map(|b| b.p05).collect::<Vec<_>>(),
                        "p95": bands.iter().map(|b| b.p95).collect::<Vec<_>>(),
                    })
                });
                series.insert(measure.name().to_string(), json!(value));
            }
            let mut entry = json!({
                "name": v.name,
                "series": series,
                "headline": crate::output::tables::headlines(v, spec, kind),
            });
            if !std::ptr::eq(v, base) {
                entry["difference_from_baseline"] =
                    crate::output::tables::differences(v, base, kind);
            }
            entry
        })
        .collect();
    json!({
        "title": s.title,
        "seed": s.seed,
        "runs": s.runs,
        "ticks": s.ticks,
        "tick_unit": s.tick_unit,
        "overrides": s.overrides,
        "variants": variants,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_become_toml_for_set() {
        assert_eq!(toml_text(&json!(0.5)).unwrap(), "0.5");
        assert_eq!(toml_text(&json!("lost")).unwrap(), "\"lost\"");
        assert_eq!(
            toml_text(&json!({"kind": "uniform", "min": 2, "max": 3})).unwrap(),
            "{ kind = \"uniform\", max = 3, min = 2 }"
        );
        assert!(toml_text(&Value::Null).is_none());
    }
}
