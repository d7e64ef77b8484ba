//! Readying the sliders' next steps while the studio waits. A trainer
//! opens a lesson and talks it through, then moves a slider a step, talks
//! the room through the charts, and moves it again. In those pauses the
//! studio runs what the page is likely to ask next and keeps each run's
//! recording beside the warmed-up towns: after a slider moved, that
//! slider one step on (the way it was moving first) and one step back;
//! after anything else (the file's values, a switch, the runs), every
//! slider's first step either way, in the page's order. The next step is
//! then answered from memory, with the numbers a fresh run gives (a
//! recording is kept under everything its run reads).
//!
//! Only a request that asks (`ready_next`, as the page does) is followed
//! by readying, and at most [`super::MAX_SECONDS`] of forecast runs each
//! time. Any request stops the readying at its next tick, and nothing is
//! readied while a request runs: a run asked for never waits on one that
//! was guessed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::{Catalogue, RunRequest, Studio, prepare};
use crate::pipeline;
use crate::scenario::studio::{self, Control, Moves};

/// What the studio is readying, and what it last ran.
#[derive(Default)]
pub(super) struct Ahead {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Requests that have arrived: each one stops the readying going on.
    arrived: u64,
    /// The stop flag of the readying going on.
    going: Option<Arc<AtomicBool>>,
    /// The last request answered, to tell which slider moved, and which way.
    last: Option<RunRequest>,
}

impl Ahead {
    /// A request arrives: what is being readied stops. Returns the
    /// request's number, for [`Ahead::after`].
    pub(super) fn arrive(&self) -> u64 {
        let Ok(mut inner) = self.inner.lock() else {
            return 0;
        };
        inner.arrived += 1;
        if let Some(flag) = inner.going.take() {
            flag.store(true, Ordering::Relaxed);
        }
        inner.arrived
    }

    /// Request number `number`, `request`, was answered. If it asked for
    /// readying and no request came after it, returns the requests to
    /// ready and the flag that stops them: the caller runs [`ready`] on a
    /// thread of its own.
    pub(super) fn after(
        &self,
        studio: &Studio,
        number: u64,
        request: RunRequest,
    ) -> Option<(Vec<RunRequest>, Arc<AtomicBool>)> {
        let mut inner = self.inner.lock().ok()?;
        let last = inner.last.replace(request.clone());
        if inner.arrived != number || !request.ready_next {
            return None;
        }
        let next = next_steps(&studio.catalogue, last.as_ref(), &request);
        if next.is_empty() {
            return None;
        }
        let flag = studio.cancel_flag();
        inner.going = Some(flag.clone());
        Some((next, flag))
    }
}

/// Runs each of `next` in turn, keeping its recordings, until `stop` is
/// set, a request is running, or the next would take the runs forecast
/// past `budget` seconds in all (the studio's: [`super::MAX_SECONDS`]).
pub(super) fn ready(studio: &Studio, next: &[RunRequest], stop: &AtomicBool, budget: f64) {
    let mut forecast = 0.0;
    for request in next {
        let idle = studio.turns.available_permits() == super::RUNNING;
        if stop.load(Ordering::Relaxed) || !idle {
            return;
        }
        let Ok(p) = prepare(&studio.catalogue, request) else {
            continue;
        };
        forecast += p.seconds;
        if forecast > budget {
            return;
        }
        let options = studio.options(stop, &pipeline::Silent);
        // A stopped run is dropped; the replications it finished are kept.
        let _ = studio
            .pool
            .install(|| pipeline::simulate(&p.scenario, &options));
    }
}

/// What to ready after `now` (the request before it: `before`): if one
/// slider moved and nothing else changed, that slider one step on, the way
/// it moved, then one step back; otherwise every slider's step up and
/// down, in the page's order.
fn next_steps(
    catalogue: &Catalogue,
    before: Option<&RunRequest>,
    now: &RunRequest,
) -> Vec<RunRequest> {
    let Some(index) = catalogue.index_of(now.scenario.as_deref()) else {
        return Vec::new();
    };
    let controls = studio::controls(&catalogue.parsed[index]);
    if let Some((control, was, is)) = before.and_then(|b| moved(&controls, b, now)) {
        let [below, above] = studio::steps_beside(&control.spec, is);
        let ways = if is > was {
            [above, below]
        } else {
            [below, above]
        };
        return ways
            .into_iter()
            .flatten()
            .map(|x| with_slider_at(now, control, x))
            .collect();
    }
    controls
        .iter()
        .filter_map(|c| Some((c, at(c, now)?)))
        .flat_map(|(c, x)| {
            let [below, above] = studio::steps_beside(&c.spec, x);
            [above, below]
                .into_iter()
                .flatten()
                .map(move |x| with_slider_at(now, c, x))
        })
        .collect()
}

/// The one slider that moved from `before` to `now`, where it was and
/// where it is, if nothing else changed.
fn moved<'c>(
    controls: &'c [Control],
    before: &RunRequest,
    now: &RunRequest,
) -> Option<(&'c Control, f64, f64)> {
    let same_else = before.scenario == now.scenario
        && before.events == now.events
        && before.runs == now.runs
        && before.before == now.before;
    if !same_else {
        return None;
    }
    let moved: Vec<(&Control, Option<f64>, Option<f64>)> = controls
        .iter()
        .map(|c| (c, at(c, before), at(c, now)))
        .filter(|(_, was, is)| was != is)
        .collect();
    match moved[..] {
        [(control, Some(was), Some(is))] => Some((control, was, is)),
        _ => None,
    }
}

/// Where `request` puts the slider `c`: its value in `set`, or the file's
/// (`None` for a value no slider gives).
fn at(c: &Control, request: &RunRequest) -> Option<f64> {
    let Some(value) = request.set.get(&c.spec.path.to_string()) else {
        return Some(studio::position(&c.now));
    };
    // A fan-out is set as a table; the slider is its people told.
    value.as_f64().or_else(|| {
        ["k", "min", "mean"]
            .iter()
            .find_map(|k| value.get(k).and_then(Value::as_f64))
    })
}

/// `request` with the slider `c` at `x`, as the page would ask it: the
/// value left out where it is the file's own.
fn with_slider_at(request: &RunRequest, c: &Control, x: f64) -> RunRequest {
    let mut next = request.clone();
    next.film = false;
    let path = c.spec.path.to_string();
    if x == studio::position(&c.now) {
        next.set.remove(&path);
        return next;
    }
    let value = match &c.now {
        Moves::Number(_) => Value::from(x),
        Moves::FanOut(_) => {
            serde_json::to_value(studio::value_at(&c.now, x)).unwrap_or(Value::Null)
        }
    };
    next.set.insert(path, value);
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Towns;
    use crate::serve::{MAX_SECONDS, Served, compute};

    fn studio() -> Arc<Studio> {
        let text = "title = \"t\"\nticks = 6\nwarmup = 4\nruns = 3\nseed = 5\n\
            [network]\nkind = \"erdos-renyi\"\nn = 400\nmean_degree = 6\n\
            [[variants]]\nname = \"recovery\"\nset = { service.recovery_rate = 0.9 }\n";
        let served = Served {
            name: "t".into(),
            path: "t.toml".into(),
            text: text.into(),
        };
        let catalogue = Catalogue::new(vec![served], 2).unwrap();
        Arc::new(Studio::new(catalogue, Towns::new(1 << 30)).unwrap())
    }

    fn asked(rate: Option<f64>) -> RunRequest {
        let mut r: RunRequest =
            serde_json::from_str(r#"{"scenario": "t", "ready_next": true}"#).unwrap();
        if let Some(x) = rate {
            r.set.insert("service.recovery_rate".into(), Value::from(x));
        }
        r
    }

    fn rate(r: &RunRequest) -> Option<f64> {
        r.set.get("service.recovery_rate").and_then(Value::as_f64)
    }

    fn answer_to(studio: &Studio, r: &RunRequest) -> Value {
        let p = prepare(&studio.catalogue, r).unwrap_or_else(|_| panic!("refused"));
        let mut out = Value::Null;
        let tally = super::super::Tally::default();
        compute(studio, &p, &AtomicBool::new(false), &tally, |u| {
            if let super::super::Update::Result { value, .. } = u {
                out = value;
            }
            true
        })
        .unwrap();
        out
    }

    /// The slider moved up a step, so the next step up is readied first,
    /// then the step back; after anything else, every slider's step up
    /// and down, each request moving one slider from where it is.
    #[test]
    fn the_next_steps_are_the_way_the_slider_moved() {
        let s = studio();
        let steps =
            |before: Option<&RunRequest>, now: &RunRequest| next_steps(&s.catalogue, before, now);
        let rates = |next: Vec<RunRequest>| next.iter().map(rate).collect::<Vec<_>>();
        let up = steps(Some(&asked(None)), &asked(Some(0.4)));
        assert_eq!(rates(up), [Some(0.45), Some(0.35)]);
        let down = steps(Some(&asked(Some(0.4))), &asked(Some(0.35)));
        assert_eq!(rates(down), [Some(0.3), Some(0.4)]);
        let controls = studio::controls(&s.catalogue.parsed[0]);
        let mut more_runs = asked(Some(0.35));
        more_runs.runs = Some(5);
        for (before, now) in [
            (Some(asked(Some(0.4))), more_runs.clone()),
            (Some(asked(Some(0.4))), asked(Some(0.4))),
            (None, asked(None)),
        ] {
            let next = steps(before.as_ref(), &now);
            assert_eq!(next.len(), 2 * controls.len(), "{controls:?}");
            for (k, r) in next.iter().enumerate() {
                let c = &controls[k / 2];
                assert_ne!(at(c, r), at(c, &now), "request {k} moves {}", c.spec.label);
                let others = controls.iter().filter(|o| o.spec.path != c.spec.path);
                assert!(others.into_iter().all(|o| at(o, r) == at(o, &now)));
                assert_eq!((r.runs, r.events.clone()), (now.runs, now.events.clone()));
            }
        }
        // A fan-out's slider moved a person up from the file's: the next
        // person up, then the file's own value (left out of `set`, as the
        // page leaves it).
        let bad = controls
            .iter()
            .find(|c| c.spec.path.to_string() == "telling.bad")
            .unwrap();
        let file = studio::position(&bad.now);
        let moved = with_slider_at(&asked(None), bad, file + 1.0);
        let next = steps(Some(&asked(None)), &moved);
        assert_eq!(next.len(), 2);
        assert_eq!(at(bad, &next[0]), Some(file + 2.0));
        assert_eq!(
            next[0].set["telling.bad"],
            serde_json::to_value(studio::value_at(&bad.now, file + 2.0)).unwrap()
        );
        assert!(next[1].set.is_empty(), "{:?}", next[1].set);
    }

    /// A step readied in the pause is answered from memory (no run is
    /// added to what the studio keeps) with the numbers of a fresh run.
    #[test]
    fn a_readied_step_is_answered_from_memory_with_a_fresh_runs_numbers() {
        let s = studio();
        let (before, now) = (asked(None), asked(Some(0.4)));
        answer_to(&s, &before);
        answer_to(&s, &now);
        let first = s.ahead.arrive();
        let mut script = before.clone();
        script.ready_next = false;
        assert!(
            s.ahead.after(&s, first, script).is_none(),
            "readying only when asked"
        );
        let second = s.ahead.arrive();
        let (next, stop) = s.ahead.after(&s, second, now.clone()).expect("a move");
        assert_eq!(
            next.iter().map(rate).collect::<Vec<_>>(),
            [Some(0.45), Some(0.35)]
        );
        ready(&s, &next, &stop, MAX_SECONDS);
        let kept = s.towns.len();
        let next = asked(Some(0.45));
        let from_memory = answer_to(&s, &next);
        assert_eq!(s.towns.len(), kept, "nothing run, nothing added");
        assert_eq!(from_memory["from_memory"], 3 * 2, "3 runs of 2 variants");
        let fresh = answer_to(&studio(), &next);
        assert_eq!(fresh["from_memory"], 0);
        assert!(
            from_memory["variants"] == fresh["variants"],
            "the figures differ from a fresh run's"
        );
    }

    /// Readying stops when a request arrives, and at its forecast budget.
    #[test]
    fn a_request_stops_the_readying() {
        let s = studio();
        let stop = AtomicBool::new(true);
        let kept = s.towns.len();
        ready(&s, &[asked(Some(0.45))], &stop, MAX_SECONDS);
        assert_eq!(s.towns.len(), kept, "a stopped readying runs nothing");
        let going = AtomicBool::new(false);
        ready(&s, &[asked(Some(0.45))], &going, 0.0);
        assert_eq!(s.towns.len(), kept, "nothing past the forecast budget");
        ready(&s, &[asked(Some(0.45))], &going, MAX_SECONDS);
        assert!(s.towns.len() > kept, "readied within it");
        // A request that arrives after another was answered stops what
        // that one readies, and the older one readies nothing.
        let older = s.ahead.arrive();
        s.ahead.after(&s, older, asked(None));
        let newer = s.ahead.arrive();
        assert!(s.ahead.after(&s, older, asked(Some(0.4))).is_none());
        let (_, flag) = s.ahead.after(&s, newer, asked(Some(0.45))).expect("a move");
        assert!(!flag.load(Ordering::Relaxed));
        s.ahead.arrive();
        assert!(flag.load(Ordering::Relaxed), "stopped by the next request");
    }
}
