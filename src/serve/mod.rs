//! `grapevine serve`: the studio for the training room. A local web server
//! with a page of sliders over a scenario's key values, where every change
//! reruns the scenario and redraws its charts, and the JSON API behind it,
//! which scripts can use too.
//!
//! - `GET /`: the page (its assets under `/assets/`, embedded in the binary).
//! - `GET /api/scenarios`: the served scenarios, by name, with the sliders,
//!   event switches and charts the page shows for each.
//! - `POST /api/run` with `{"scenario": NAME, "set": {"dotted.path": value},
//!   "events": {"NAME": false}, "runs": N, "film": true, "ready_next":
//!   true}`: runs the
//!   scenario with those values and answers, per variant, each measure's
//!   mean and 90% band per tick (everyone), the headline figures and the
//!   differences from the baseline, how many runs came from memory
//!   (`from_memory`: kept from an earlier request, or readied by
//!   [`ahead`] while the page was looked at), and with `film` the network
//!   film.
//!   Asked with `Accept: application/x-ndjson`, it streams a line of
//!   progress every tenth of a second, then the result, then the film.
//! - `POST /api/download/FILE` with the same body: `report.html`,
//!   `timeseries.csv`, `runs.csv`, `summary.json` or `scenario.toml` (the
//!   served file with the values written in; running it from the command
//!   line gives the same numbers).
//!
//! It is safe to leave running: it listens on the loopback address unless
//! told otherwise (and then asks for a token); it answers only its own page
//! ([`guard`]: Host, Origin, JSON bodies); connections are bounded in number
//! and in the time they may take to send a request (`listen`); a request
//! names a served scenario, never a path; bodies over [`MAX_BODY`] get 413
//! before they are read; a bad request gets 400 with the same message,
//! field and allowed values as the command line; a run the memory check
//! refuses, or one forecast to take over [`MAX_SECONDS`], is refused before
//! it starts; at most [`RUNNING`] runs go at once and a request waits at
//! most [`WAIT`] for its turn (503 after); a run whose client has gone is
//! cancelled at its next tick.

mod ahead;
pub mod answer;
pub mod guard;
mod listen;
mod page;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Error;
use crate::forecast::Sizes;
use crate::pipeline::{self, Progress, RunOptions};
use crate::scenario::{InputError, Scenario, edit, what_if};

/// The largest request body: a run's values are a few hundred bytes.
pub const MAX_BODY: usize = 64 << 10;
/// The most runs (replications) a request may ask for.
pub const MAX_RUNS: u32 = crate::scenario::studio::MAX_RUNS as u32;
/// The longest a run may be forecast to take.
pub const MAX_SECONDS: f64 = 30.0;
/// Runs going at once; others wait their turn.
pub const RUNNING: usize = 2;
/// The longest a request waits for its turn.
pub const WAIT: Duration = Duration::from_secs(20);
/// How often a streamed run reports its progress.
const EVERY: Duration = Duration::from_millis(100);
/// The most bytes of warmed-up towns the studio keeps (a lesson's 20
/// towns of 20,000 people are about 45 MB): a slider's next move starts
/// from them instead of warming up again.
pub const TOWNS: u64 = 256 << 20;

/// A scenario the server offers: its name, file and text.
#[derive(Debug, Clone)]
pub struct Served {
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

/// The served scenarios, each as written and as read once at the start.
pub struct Catalogue {
    scenarios: Vec<Served>,
    parsed: Vec<Scenario>,
    /// The size of each network a served scenario reads from a file,
    /// counted once at the start: a request's forecast needs them, and
    /// a request can name no other file.
    sizes: Sizes,
    /// The threads a run gets (for its forecast).
    threads: usize,
}

impl Catalogue {
    /// Reads every scenario, or says what is wrong with the first bad one.
    pub fn new(scenarios: Vec<Served>, threads: usize) -> Result<Catalogue, Error> {
        let parsed: Vec<Scenario> = scenarios
            .iter()
            .map(|s| Scenario::parse(&s.text, &s.path))
            .collect::<Result<_, _>>()?;
        let mut sizes = Sizes::new();
        for s in &parsed {
            pipeline::count_networks(s, &mut sizes)?;
        }
        Ok(Catalogue {
            scenarios,
            parsed,
            sizes,
            threads,
        })
    }

    /// The served scenario a request names (the only one, if it names
    /// none and one is served).
    fn index_of(&self, name: Option<&str>) -> Option<usize> {
        match name {
            Some(name) => self.scenarios.iter().position(|s| s.name == name),
            None if self.scenarios.len() == 1 => Some(0),
            None => None,
        }
    }

    /// Whether a request body would be run, as the API decides it before
    /// running anything: `Ok` with the runs it would make, or the status
    /// it would get. For the fuzz target of request bodies.
    pub fn admits(&self, body: &[u8]) -> Result<u32, u16> {
        parse_request(body)
            .and_then(|r| prepare(self, &r))
            .map(|p| p.scenario.runs)
            .map_err(|r| r.status().as_u16())
    }
}

struct Studio {
    catalogue: Catalogue,
    /// `GET /api/scenarios`'s answer, made once at the start.
    listing: Value,
    turns: tokio::sync::Semaphore,
    pool: rayon::ThreadPool,
    /// The cancel flags of the runs going on, set when the server stops.
    live: Mutex<Vec<Weak<AtomicBool>>>,
    /// The towns earlier requests warmed up, to start the next from.
    towns: pipeline::Towns,
    /// The sliders' likely next steps, readied while nothing runs.
    ahead: ahead::Ahead,
}

impl Studio {
    fn new(catalogue: Catalogue, towns: pipeline::Towns) -> Result<Studio, Error> {
        let list: Vec<Value> = catalogue
            .scenarios
            .iter()
            .zip(&catalogue.parsed)
            .map(|(s, scenario)| answer::listing(&s.name, scenario))
            .collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(catalogue.threads)
            .build()
            .map_err(|e| Error::Other(format!("cannot start the worker threads: {e}")))?;
        Ok(Studio {
            catalogue,
            listing: json!({ "scenarios": list }),
            turns: tokio::sync::Semaphore::new(RUNNING),
            pool,
            live: Mutex::new(Vec::new()),
            towns,
            ahead: ahead::Ahead::default(),
        })
    }

    /// How the studio runs a scenario: on its threads, stopped by
    /// `cancel`, from and into the towns and recordings it keeps.
    fn options<'a>(&'a self, cancel: &'a AtomicBool, progress: &'a dyn Progress) -> RunOptions<'a> {
        RunOptions {
            threads: self.catalogue.threads,
            cancel: Some(cancel),
            progress,
            what: "runs",
            towns: Some(&self.towns),
        }
    }

    /// Once request number `number` is answered, readies what is likely
    /// to be asked next, if it asked for that (see [`ahead`]).
    fn ready_ahead(self: &Arc<Self>, number: u64, request: RunRequest) {
        if let Some((next, stop)) = self.ahead.after(self, number, request) {
            let studio = self.clone();
            tokio::task::spawn_blocking(move || ahead::ready(&studio, &next, &stop, MAX_SECONDS));
        }
    }

    /// A new run's cancel flag, which a stop of the server sets too.
    fn cancel_flag(&self) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        if let Ok(mut live) = self.live.lock() {
            live.retain(|w| w.strong_count() > 0);
            live.push(Arc::downgrade(&flag));
        }
        flag
    }

    /// Cancels every run going on.
    fn stop_runs(&self) {
        if let Ok(live) = self.live.lock() {
            for flag in live.iter().filter_map(Weak::upgrade) {
                flag.store(true, Ordering::Relaxed);
            }
        }
    }
}

/// Where and how the studio listens.
pub struct Listen {
    pub addr: SocketAddr,
    /// Host names it answers to besides `localhost` and addresses.
    pub allow_hosts: Vec<String>,
}

/// Checks every scenario, then serves them as `listen` says until `stop`
/// resolves, and ends what is still open within a few seconds after (at
/// once when `again` resolves); `ready` is told the address bound (port 0
/// picks a free one) and the token, if one is needed.
pub async fn serve(
    scenarios: Vec<Served>,
    listen: Listen,
    ready: impl FnOnce(SocketAddr, Option<&str>),
    stop: impl std::future::Future<Output = ()>,
    again: impl std::future::Future<Output = ()>,
) -> Result<(), Error> {
    let addr = listen.addr;
    let guard = guard::Guard::for_address(addr.ip(), listen.allow_hosts).map_err(Error::Other)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let catalogue = Catalogue::new(scenarios, threads)?;
    let studio = Arc::new(Studio::new(catalogue, pipeline::Towns::new(TOWNS))?);
    let app = Router::new()
        .route("/", get(index))
        .route("/assets/{file}", get(asset))
        .route("/api/scenarios", get(list_scenarios))
        .route("/api/run", post(run))
        .route("/api/download/{file}", post(download))
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(studio.clone())
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(guard.clone()),
            guard::check,
        ));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::Other(e.to_string()))?;
    ready(bound, guard.token.as_deref());
    listen::serve(listener, app, stop, again, || studio.stop_runs()).await;
    Ok(())
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
fn input_problems(e: &InputError) -> Value {
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
    // The sentence a page shows: each problem's message, without the
    // terminal's layout (file arrows, snippets, `= field:` lines); where
    // and what is allowed are in `problems`.
    let said: Vec<&str> = e.problems.iter().map(|p| p.message.as_str()).collect();
    json!({ "error": said.join("; "), "problems": problems })
}

fn error_body(e: &Error) -> (StatusCode, Value) {
    match e {
        Error::Input(i) => (StatusCode::BAD_REQUEST, input_problems(i)),
        Error::Usage(m) => (StatusCode::BAD_REQUEST, json!({ "error": m })),
        Error::Cancelled => (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({ "error": "the run was cancelled" }),
        ),
        other => (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({ "error": other.to_string() }),
        ),
    }
}

fn error(e: &Error) -> Response {
    let (status, body) = error_body(e);
    answer(status, body)
}

/// A page or asset: its bytes, type, and a policy that lets it load and
/// reach nothing but this server.
fn served_file(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(page::POLICY),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

async fn index() -> Response {
    served_file("text/html; charset=utf-8", page::INDEX)
}

async fn asset(UrlPath(file): UrlPath<String>) -> Response {
    match page::assets().into_iter().find(|a| a.path == file) {
        Some(a) => served_file(a.content_type, a.body),
        None => not_found().await,
    }
}

async fn wrong_method(method: axum::http::Method) -> Response {
    refused(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{method} is not allowed here; the page and /api/scenarios take GET, /api/run and /api/download/FILE take POST"
        ),
    )
}

async fn not_found() -> Response {
    refused(
        StatusCode::NOT_FOUND,
        "no such page; the studio is at / and its API at /api/scenarios, /api/run and /api/download/FILE",
    )
}

async fn list_scenarios(State(studio): State<Arc<Studio>>) -> Response {
    answer(StatusCode::OK, studio.listing.clone())
}

/// What `POST /api/run` and `/api/download/FILE` take.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunRequest {
    scenario: Option<String>,
    #[serde(default)]
    set: serde_json::Map<String, Value>,
    /// Events switched on (`true`, as in the file) or off (`false`).
    #[serde(default)]
    events: serde_json::Map<String, Value>,
    runs: Option<u32>,
    /// Whether to film the network (the page's player).
    #[serde(default)]
    film: bool,
    /// Whether the values also apply before week 0 (the town's past, its
    /// warm-up); by default they act from week 1, on the file's town.
    #[serde(default)]
    before: bool,
    /// Whether to ready the sliders' next steps once this is answered and
    /// nothing runs (see [`ahead`]): the page asks it, a script need not.
    #[serde(default)]
    ready_next: bool,
}

/// A request made ready to run: the scenario with its values, and what
/// it was made from.
struct Prepared {
    scenario: Scenario,
    served: usize,
    /// The request's values: for the whole run, or from week 1 on.
    when: edit::FromWeekOne,
    off: Vec<String>,
    film: bool,
    /// The run's forecast, in seconds.
    seconds: f64,
}

/// Sets a run's `cancel` flag when its request is dropped (the client went
/// away): the run stops at its next tick.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// A run's progress, read by the streaming answer while it runs.
#[derive(Default)]
struct Tally {
    total: AtomicU64,
    done: AtomicU64,
}

impl Tally {
    fn fraction(&self) -> f64 {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            return 0.0;
        }
        (self.done.load(Ordering::Relaxed) as f64 / total as f64).min(1.0)
    }
}

impl Progress for Tally {
    fn start(&self, _label: &str, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }
    fn advance(&self, agent_ticks: u64) {
        self.done.fetch_add(agent_ticks, Ordering::Relaxed);
    }
}

fn parse_request(body: &[u8]) -> Result<RunRequest, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(refused(
            StatusCode::BAD_REQUEST,
            format!(
                "the request is not the JSON the studio takes: {e}; send {{\"scenario\": NAME, \"set\": {{\"dotted.path\": value}}, \"events\": {{\"NAME\": false}}, \"runs\": N}}"
            ),
        ))
    })
}

async fn run(State(studio): State<Arc<Studio>>, headers: HeaderMap, body: Bytes) -> Response {
    let (request, prepared) =
        match parse_request(&body).and_then(|r| prepare(&studio.catalogue, &r).map(|p| (r, p))) {
            Ok(both) => both,
            Err(response) => return *response,
        };
    // Whatever was being readied stops: this run comes first.
    let number = studio.ahead.arrive();
    let streams = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/x-ndjson"));
    if streams {
        return stream(studio, prepared, number, request);
    }
    let Some(turn) = wait_turn(&studio).await else {
        return busy();
    };
    let cancel = studio.cancel_flag();
    let _guard = CancelOnDrop(cancel.clone());
    let worker = studio.clone();
    let result = tokio::task::spawn_blocking(move || {
        let mut answer = Value::Null;
        let outcome = compute(&worker, &prepared, &cancel, &Tally::default(), |line| {
            match line {
                Update::Result { value, .. } => answer = value,
                Update::Film(f) => answer["film"] = f,
            }
            true
        });
        outcome.map(|()| answer)
    })
    .await;
    drop(turn);
    if let Ok(Ok(_)) = result {
        studio.ready_ahead(number, request);
    }
    match result {
        Ok(Ok(body)) => answer(StatusCode::OK, body),
        Ok(Err(e)) => error(&e),
        Err(e) => refused(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the run failed: {e}"),
        ),
    }
}

fn busy() -> Response {
    let mut response = refused(
        StatusCode::SERVICE_UNAVAILABLE,
        "the studio is busy with other runs; try again in a moment",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

async fn wait_turn(studio: &Studio) -> Option<tokio::sync::SemaphorePermit<'_>> {
    match tokio::time::timeout(WAIT, studio.turns.acquire()).await {
        Ok(Ok(turn)) => Some(turn),
        _ => None,
    }
}

/// What a run produces, in the order it is ready.
enum Update {
    /// The charts' figures; `last` when no film follows.
    Result {
        value: Value,
        last: bool,
    },
    Film(Value),
}

/// Runs a prepared request on the studio's threads, handing each part of
/// the answer to `emit` as it is ready (`emit` returns false when nobody
/// wants the rest).
fn compute(
    studio: &Studio,
    p: &Prepared,
    cancel: &AtomicBool,
    progress: &dyn Progress,
    mut emit: impl FnMut(Update) -> bool + Send,
) -> Result<(), Error> {
    studio.pool.install(|| {
        let options = studio.options(cancel, progress);
        let report = pipeline::simulate(&p.scenario, &options)?;
        let value = answer::results(&report);
        if !emit(Update::Result {
            value,
            last: !p.film,
        }) || !p.film
        {
            return Ok(());
        }
        let film = crate::film::record(&report, &options)?;
        let data = serde_json::to_value(crate::output::player::data(&film))
            .map_err(|e| Error::Other(format!("the film could not be packed: {e}")))?;
        emit(Update::Film(data));
        Ok(())
    })
}

/// The streaming answer: a JSON line of progress every [`EVERY`] while
/// the run waits and runs, then the result, then the film. A client that
/// goes away cancels the run.
fn stream(studio: Arc<Studio>, prepared: Prepared, number: u64, request: RunRequest) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(8);
    tokio::spawn(async move {
        let line = |v: Value| Bytes::from(format!("{v}\n"));
        let cancel = studio.cancel_flag();
        let _guard = CancelOnDrop(cancel.clone());
        let deadline = tokio::time::Instant::now() + WAIT;
        let turn = loop {
            tokio::select! {
                turn = studio.turns.acquire() => break turn.ok(),
                () = tokio::time::sleep(EVERY * 5) => {
                    if tokio::time::Instant::now() > deadline {
                        break None;
                    }
                    let sent = tx.try_send(line(json!({"progress": 0.0, "waiting": true})));
                    if let Err(tokio::sync::mpsc::error::TrySendError::Closed(_)) = sent {
                        return;
                    }
                }
            }
        };
        let Some(turn) = turn else {
            let _ = tx
                .send(line(json!({
                    "error": "the studio is busy with other runs; try again in a moment",
                    "status": 503
                })))
                .await;
            return;
        };
        // The run starts now: say so at once, however short it will be.
        let _ = tx.try_send(line(json!({"progress": 0.0})));
        let tally = Arc::new(Tally::default());
        // Set, under its lock, as the answer's last part is sent: the
        // progress lines, sent from here, take the same lock, so none
        // comes after the last part (a page would show "filming… 80%"
        // over a film it already has).
        let ended = Arc::new(Mutex::new(false));
        let (worker, sink, flag, count, closing) = (
            studio.clone(),
            tx.clone(),
            cancel.clone(),
            tally.clone(),
            ended.clone(),
        );
        let runtime = tokio::runtime::Handle::current();
        let mut job = tokio::task::spawn_blocking(move || {
            // A client that stops reading (but keeps its connection) must
            // not hold a turn for ever: each part waits at most `WAIT`.
            let send = |v: Value| runtime.block_on(sink.send_timeout(line(v), WAIT)).is_ok();
            let send_last = |v: Value| {
                let mut ended = closing.lock().unwrap_or_else(PoisonError::into_inner);
                *ended = true;
                send(v)
            };
            let outcome = compute(&worker, &prepared, &flag, count.as_ref(), |l| match l {
                Update::Result { value, last: false } => send(json!({ "result": value })),
                Update::Result { value, last: true } => send_last(json!({ "result": value })),
                Update::Film(f) => send_last(json!({ "film": f })),
            });
            let answered = outcome.is_ok();
            if let Err(e) = outcome {
                let (status, mut body) = error_body(&e);
                body["status"] = json!(status.as_u16());
                send_last(body);
            }
            answered
        });
        let answered = loop {
            tokio::select! {
                done = &mut job => break matches!(done, Ok(true)),
                () = tokio::time::sleep(EVERY) => {
                    // Progress is dropped while the client is behind, and
                    // once the last part is on its way; a client gone
                    // cancels the run.
                    if let Ok(ended) = ended.try_lock() && !*ended {
                        let sent = tx.try_send(line(json!({"progress": tally.fraction()})));
                        if let Err(tokio::sync::mpsc::error::TrySendError::Closed(_)) = sent {
                            cancel.store(true, Ordering::Relaxed);
                        }
                    }
                }
            }
        };
        drop(turn);
        if answered && !cancel.load(Ordering::Relaxed) {
            studio.ready_ahead(number, request);
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<Bytes, std::convert::Infallible>(b), rx))
    });
    (
        [
            (header::CONTENT_TYPE, "application/x-ndjson"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

/// The files `POST /api/download/FILE` gives.
const DOWNLOADS: &[(&str, &str)] = &[
    ("report.html", "text/html; charset=utf-8"),
    ("timeseries.csv", "text/csv; charset=utf-8"),
    ("runs.csv", "text/csv; charset=utf-8"),
    ("summary.json", "application/json"),
    ("scenario.toml", "application/toml; charset=utf-8"),
];

/// A file of the run a request describes. Every file but the scenario
/// comes from running the scenario file as saved (the served file with the
/// values written in), so what is downloaded is what that file gives.
async fn download(
    State(studio): State<Arc<Studio>>,
    UrlPath(file): UrlPath<String>,
    body: Bytes,
) -> Response {
    let Some(&(_, content_type)) = DOWNLOADS.iter().find(|(f, _)| *f == file) else {
        let names: Vec<&str> = DOWNLOADS.iter().map(|(f, _)| *f).collect();
        return refused(
            StatusCode::NOT_FOUND,
            format!(
                "`{file}` is not a file the studio gives; allowed: {}",
                names.join(", ")
            ),
        );
    };
    let prepared = match parse_request(&body).and_then(|r| prepare(&studio.catalogue, &r)) {
        Ok(p) => p,
        Err(response) => return *response,
    };
    studio.ahead.arrive();
    let served = &studio.catalogue.scenarios[prepared.served];
    let saved = edit::with_values(
        &served.text,
        &prepared.when.always,
        &prepared.off,
        Some(prepared.scenario.runs),
    )
    .and_then(|text| edit::from_tick_one(&text, &prepared.when));
    let saved = match saved {
        Ok(text) => text,
        Err(e) => return refused(StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    let name = format!("{}-{file}", served.name);
    if file == "scenario.toml" {
        return attachment(content_type, &name, saved.into_bytes());
    }
    let Some(turn) = wait_turn(&studio).await else {
        return busy();
    };
    let cancel = studio.cancel_flag();
    let _guard = CancelOnDrop(cancel.clone());
    let worker = studio.clone();
    let path = served.path.clone();
    let result = tokio::task::spawn_blocking(move || {
        worker
            .pool
            .install(|| written(&worker, &saved, &path, &file, &cancel))
    })
    .await;
    drop(turn);
    match result {
        Ok(Ok(bytes)) => attachment(content_type, &name, bytes),
        Ok(Err(e)) => error(&e),
        Err(e) => refused(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the run failed: {e}"),
        ),
    }
}

/// Runs the saved scenario text and makes `file` of its results, as
/// `grapevine run` writes it.
fn written(
    studio: &Studio,
    saved: &str,
    path: &std::path::Path,
    file: &str,
    cancel: &AtomicBool,
) -> Result<Vec<u8>, Error> {
    let s = Scenario::parse(saved, path)?;
    let options = studio.options(cancel, &pipeline::Silent);
    let r = pipeline::simulate(&s, &options)?;
    let film = if file == "report.html" && answer::can_film(&s) {
        Some(crate::film::record(&r, &options)?)
    } else {
        None
    };
    crate::output::one_file(file, &r, film.as_ref())
}

fn attachment(content_type: &'static str, name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"{}\"",
        name.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-',
            "_"
        )
    );
    let mut response = ([(header::CONTENT_TYPE, content_type)], Body::from(bytes)).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// The scenario a request asks for, with its values set, checked and
/// within budget; or the response refusing it.
fn prepare(studio: &Catalogue, request: &RunRequest) -> Result<Prepared, Box<Response>> {
    let bad = |m: String| Box::new(refused(StatusCode::BAD_REQUEST, m));
    let names: Vec<&str> = studio.scenarios.iter().map(|s| s.name.as_str()).collect();
    let index = studio
        .index_of(request.scenario.as_deref())
        .ok_or_else(|| {
            bad(format!(
                "{}; allowed: {}",
                match &request.scenario {
                    Some(name) => format!("`{name}` is not a served scenario"),
                    None => "name a scenario: several are served".to_string(),
                },
                names.join(", ")
            ))
        })?;
    let served = &studio.scenarios[index];
    let own = &studio.parsed[index];
    let asked = what_if::Asked {
        set: &request.set,
        events: &request.events,
        before: request.before,
    };
    let what_if::WhatIf {
        scenario: mut s,
        when,
        off,
    } = what_if::what_if(own, &served.text, &served.path, &asked).map_err(
        |refusal| match refusal {
            what_if::Refusal::Asked(m) => bad(m),
            what_if::Refusal::Input(e) => {
                Box::new(answer(StatusCode::BAD_REQUEST, input_problems(&e)))
            }
        },
    )?;
    if let Some(runs) = request.runs {
        if !(1..=MAX_RUNS).contains(&runs) {
            return Err(bad(format!("`runs` is {runs}; allowed: 1 to {MAX_RUNS}")));
        }
        s.runs = runs;
    } else if let Some(runs) = own.studio.runs {
        s.runs = runs;
    }
    if request.film && !answer::can_film(&s) {
        return Err(bad(format!(
            "`film`: this scenario has no network film (it needs the word-of-mouth model and at most {} ticks)",
            crate::film::MAX_TICKS
        )));
    }
    let plan =
        pipeline::prepare(&s, &studio.sizes, studio.threads).map_err(|e| Box::new(error(&e)))?;
    if plan.seconds > MAX_SECONDS {
        return Err(bad(format!(
            "this run would take {}; the studio runs at most {MAX_SECONDS} seconds a change (ask for fewer runs, agents or ticks)",
            crate::forecast::duration(plan.seconds)
        )));
    }
    Ok(Prepared {
        scenario: s,
        served: index,
        when,
        off,
        film: request.film,
        seconds: plan.seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_says_when_to_come_back_in_json() {
        let r = busy();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.headers()[header::RETRY_AFTER], "5");
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json");
    }

    #[test]
    fn progress_is_a_fraction_of_the_work() {
        let t = Tally::default();
        assert_eq!(t.fraction(), 0.0);
        t.start("runs", 400);
        t.advance(100);
        assert_eq!(t.fraction(), 0.25);
        t.advance(1000);
        assert_eq!(t.fraction(), 1.0);
    }
}
