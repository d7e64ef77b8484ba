//! The engine: replications, threads and seeding, for any [`Dynamics`].
//!
//! A replication starts from the dynamics' initial state, lives through
//! its warm-up (ticks before tick 0, not recorded), and steps tick by tick,
//! calling an [`Observer`] with the figures after tick 0 and after each
//! tick. Once the dynamics say nothing can change any more, the
//! remaining ticks are filled in (the same levels, no flows) rather than
//! run. Small populations run many replications side by side, each on one
//! thread (or split across threads when there are fewer replications than
//! threads); large ones run replications one after another, each split
//! across all threads within a tick. Either way every number comes from
//! streams keyed by (seed, replication, tick, agent, purpose), so the
//! results are the same on any number of threads, and in either mode.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::measures::Kind;
use crate::model::{Clock, Dynamics, Frame, Stories};
use crate::record::{Observer, Recorder};

/// How to spread the work over threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Within runs for large populations, across runs for small ones.
    #[default]
    Auto,
    /// Replications one at a time, each split across threads.
    WithinRuns,
    /// Replications side by side, each also split across threads for a
    /// small town (its chunks taken by threads out of runs) or where there
    /// are fewer replications than threads.
    AcrossRuns,
}

/// Populations at least this large run one replication at a time, split
/// across threads (and hold one state in memory, not one per thread).
pub const WITHIN_RUNS_FROM: usize = 50_000;

impl Mode {
    pub fn within_runs(self, agents: usize) -> bool {
        match self {
            Mode::Auto => agents >= WITHIN_RUNS_FROM,
            Mode::WithinRuns => true,
            Mode::AcrossRuns => false,
        }
    }
}

/// The run was stopped before it finished (Ctrl-C).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the run was interrupted")]
pub struct Cancelled;

/// What a run needs besides the dynamics.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    /// The first replication run (its key in the random streams); the
    /// others follow it.
    pub first: u32,
    pub runs: u32,
    pub ticks: u32,
    /// Ticks simulated before tick 0 and not recorded.
    pub warmup: u32,
    pub mode: Mode,
    /// Checked once a tick; when set, the run stops with [`Cancelled`].
    pub cancel: Option<&'a AtomicBool>,
    /// Called once for each tick done, from any thread.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
    /// Warmed-up towns kept from earlier runs, to start from instead of
    /// warming up again (the studio's).
    pub towns: Option<&'a Towns>,
}

impl Options<'_> {
    /// `runs` replications of `ticks` ticks, the mode chosen by size, with
    /// no cancelling and no progress.
    pub fn new(runs: u32, ticks: u32) -> Self {
        Self {
            first: 0,
            runs,
            ticks,
            warmup: 0,
            mode: Mode::Auto,
            cancel: None,
            progress: None,
            towns: None,
        }
    }
}

/// Warmed-up towns, kept for later runs of the same warm-up: a studio
/// slider acts from week 0 and leaves the warm-up as the file has it, so
/// every request after the first starts from the towns the first one
/// warmed up, bit for bit the same. Recordings are kept here too, under
/// everything their runs read: a what-if that sets the slider's value
/// itself, or a slider moved back, is not run again. Bounded in bytes;
/// what was used longest ago goes first.
pub struct Towns {
    budget: u64,
    kept: std::sync::Mutex<std::collections::VecDeque<Town>>,
}

struct Town {
    key: (u64, u32, u32),
    bytes: u64,
    state: std::sync::Arc<dyn std::any::Any + Send + Sync>,
}

impl Towns {
    /// Keeps towns up to `budget` bytes in all.
    pub fn new(budget: u64) -> Towns {
        Towns {
            budget,
            kept: std::sync::Mutex::new(std::collections::VecDeque::new()),
        }
    }

    /// The town kept for `key`, if any (and it is now the newest). The
    /// copy is made after the lock is let go: replications running side by
    /// side do not wait on each other's copies.
    fn get<S: Clone + 'static>(&self, key: (u64, u32, u32)) -> Option<S> {
        let state = {
            let mut kept = self.kept.lock().ok()?;
            let at = kept.iter().position(|t| t.key == key)?;
            let town = kept.remove(at)?;
            let state = std::sync::Arc::clone(&town.state);
            kept.push_back(town);
            state
        };
        state.downcast_ref::<S>().cloned()
    }

    /// Keeps `state` for `key`, dropping the oldest towns to fit; a town
    /// bigger than the whole budget is not kept.
    fn put<S: Send + Sync + 'static>(&self, key: (u64, u32, u32), state: S, bytes: u64) {
        if bytes > self.budget {
            return;
        }
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        if kept.iter().any(|t| t.key == key) {
            return;
        }
        let mut used: u64 = kept.iter().map(|t| t.bytes).sum();
        while used + bytes > self.budget {
            match kept.pop_front() {
                Some(old) => used -= old.bytes,
                None => break,
            }
        }
        kept.push_back(Town {
            key,
            bytes,
            state: std::sync::Arc::new(state),
        });
    }

    /// The network picture's layout kept under `key` (a fingerprint of the
    /// pictured agents, their ties and the seed), or `make`'s, kept for
    /// next time: the studio's film draws the same town in the same places
    /// for every request, and working the places out was most of a film's
    /// work.
    pub fn layout(&self, key: u64, make: impl FnOnce() -> Vec<(f32, f32)>) -> Vec<(f32, f32)> {
        if let Some(kept) = self.get::<Vec<(f32, f32)>>((key, 0, LAYOUT)) {
            return kept;
        }
        let made = make();
        let bytes = std::mem::size_of_val(made.as_slice()) as u64;
        self.put((key, 0, LAYOUT), made.clone(), bytes);
        made
    }

    /// How many towns are kept.
    pub fn len(&self) -> usize {
        self.kept.lock().map_or(0, |k| k.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A frame of a tick after the dynamics settled: the same levels, and no
/// flows (nothing happened).
fn settled_frame(frame: &Frame, measures: &[crate::measures::Measure]) -> Frame {
    let width = measures.len().max(1);
    frame
        .iter()
        .enumerate()
        .map(|(i, &x)| match measures[i % width].kind() {
            Kind::Level => x,
            Kind::Flow => 0.0,
        })
        .collect()
}

/// Runs one replication, reporting each tick's figures to `observer`.
pub fn run_replication<D: Dynamics>(
    dynamics: &D,
    replication: u32,
    options: &Options<'_>,
    parallel: bool,
    observer: &mut impl Observer,
) -> Result<(), Cancelled> {
    let state = warm_up(dynamics, replication, options, parallel)?;
    record(dynamics, state, replication, options, parallel, observer)
}

/// The town of `replication` at tick 0: its initial state, lived through
/// the warm-up.
fn warm_up<D: Dynamics>(
    dynamics: &D,
    replication: u32,
    options: &Options<'_>,
    parallel: bool,
) -> Result<D::State, Cancelled> {
    // The fingerprint reads the whole network: made only for a run that
    // keeps towns.
    let kept = options
        .towns
        .filter(|_| options.warmup > 0)
        .and_then(|towns| Some((towns, dynamics.warmup_key()?)))
        .map(|(towns, key)| (towns, (key, options.warmup, replication)));
    if let Some((towns, key)) = kept {
        if let Some(state) = towns.get::<D::State>(key) {
            if let Some(p) = options.progress {
                p(u64::from(options.warmup));
            }
            return Ok(state);
        }
        let state = warm_up_afresh(dynamics, replication, options, parallel)?;
        towns.put(key, state.clone(), dynamics.state_bytes());
        return Ok(state);
    }
    warm_up_afresh(dynamics, replication, options, parallel)
}

fn warm_up_afresh<D: Dynamics>(
    dynamics: &D,
    replication: u32,
    options: &Options<'_>,
    parallel: bool,
) -> Result<D::State, Cancelled> {
    let mut state = dynamics.initial_state(replication);
    for tick in 1..=options.warmup {
        if options.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Cancelled);
        }
        dynamics.step(&mut state, Clock::warmup(replication, tick), parallel);
        if let Some(p) = options.progress {
            p(1);
        }
    }
    if options.warmup > 0 {
        dynamics.end_warmup(&mut state);
    }
    Ok(state)
}

/// Runs the recorded ticks of `replication` from `state` (its town at
/// tick 0), reporting each tick's figures to `observer`.
fn record<D: Dynamics>(
    dynamics: &D,
    state: D::State,
    replication: u32,
    options: &Options<'_>,
    parallel: bool,
    observer: &mut impl Observer,
) -> Result<(), Cancelled> {
    let mut run = Running::start(dynamics, state, parallel, observer);
    run.go_on(
        dynamics,
        options.ticks,
        replication,
        options,
        parallel,
        observer,
    )?;
    observer.finish();
    Ok(())
}

/// A recorded run between two ticks: its state, its last figures and
/// whether they had settled. A copy goes on as the run would.
#[derive(Clone)]
struct Running<S> {
    state: S,
    frame: Frame,
    settled: bool,
    tick: u32,
}

/// A copy of dynamics `at.0`'s run after tick `at.1`, for another to go
/// on from.
#[derive(Clone)]
struct Pause<S> {
    at: (usize, u32),
    run: Running<S>,
    recording: Recorder,
}

impl<S> Running<S> {
    /// The run at tick 0, its figures reported.
    fn start<D: Dynamics<State = S>>(
        dynamics: &D,
        mut state: S,
        parallel: bool,
        observer: &mut impl Observer,
    ) -> Self {
        let frame = dynamics.measure(&state, 0, parallel);
        let settled = dynamics.settled(&frame, 0);
        // Tick 0 is the town as the warm-up left it: nothing recorded has
        // happened yet, so its flows are 0 (what the warm-up's last tick
        // counted is not the run's), and a flow's series adds up to its
        // total.
        observer.observe(
            0,
            settled_frame(&frame, dynamics.measures()),
            dynamics.stories(&mut state, 0),
        );
        Running {
            state,
            frame,
            settled,
            tick: 0,
        }
    }

    /// Runs on through tick `until`, reporting each tick's figures.
    fn go_on<D: Dynamics<State = S>>(
        &mut self,
        dynamics: &D,
        until: u32,
        replication: u32,
        options: &Options<'_>,
        parallel: bool,
        observer: &mut impl Observer,
    ) -> Result<(), Cancelled> {
        for tick in self.tick + 1..=until {
            if options.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                return Err(Cancelled);
            }
            if self.settled {
                self.frame = settled_frame(&self.frame, dynamics.measures());
                observer.observe(tick, self.frame.clone(), Stories::default());
            } else {
                let clock = Clock::run(replication, tick);
                self.frame = dynamics.step_measured(&mut self.state, clock, parallel);
                self.settled = dynamics.settled(&self.frame, tick);
                observer.observe(
                    tick,
                    self.frame.clone(),
                    dynamics.stories(&mut self.state, tick),
                );
            }
            self.tick = tick;
            if let Some(p) = options.progress {
                p(1);
            }
        }
        Ok(())
    }
}

/// Runs one replication with no recording, handing `look` the state after
/// the warm-up (tick 0) and after every tick: what the network animation
/// and the dynamic GEXF are drawn from. Every tick is stepped (a settled
/// state only repeats), and the run is the same as the recorded one of
/// that replication, tick for tick.
pub fn watch_replication<D: Dynamics>(
    dynamics: &D,
    replication: u32,
    options: &Options<'_>,
    parallel: bool,
    mut look: impl FnMut(u32, &D::State),
) -> Result<(), Cancelled> {
    let cancelled = || options.cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    // The warm-up counts no progress here: the film's progress is its ticks.
    let quiet = Options {
        progress: None,
        ..*options
    };
    let mut state = warm_up(dynamics, replication, &quiet, parallel)?;
    // The stories followed for the reach measure pile up unless taken.
    let _ = dynamics.stories(&mut state, 0);
    look(0, &state);
    for tick in 1..=options.ticks {
        if cancelled() {
            return Err(Cancelled);
        }
        dynamics.step(&mut state, Clock::run(replication, tick), parallel);
        let _ = dynamics.stories(&mut state, tick);
        look(tick, &state);
        if let Some(p) = options.progress {
            p(1);
        }
    }
    Ok(())
}

/// Marks a kept recording's key, apart from a town's (whose third part is
/// the warm-up's length).
const RECORDING: u32 = u32::MAX;

/// Marks a kept layout's key (see [`Towns::layout`]).
const LAYOUT: u32 = u32::MAX - 1;

/// The key a recording of `dynamics` under `options` is kept under: its
/// own run's fingerprint, the warm-up's of the dynamics that warms up its
/// town (`first`), and the run's lengths. `None` without kept towns.
fn recording_key<D: Dynamics>(dynamics: &D, first: &D, options: &Options<'_>) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    options.towns?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (dynamics.run_key()?, first.warmup_key()?).hash(&mut h);
    (options.warmup, options.ticks).hash(&mut h);
    Some(h.finish())
}

/// The recording of replication `r` kept under `key`, counted as done.
fn kept_recording(options: &Options<'_>, key: Option<u64>, r: u32) -> Option<Recorder> {
    let mut rec = options.towns?.get::<Recorder>((key?, r, RECORDING))?;
    if let Some(p) = options.progress {
        p(u64::from(options.ticks));
    }
    rec.from_memory = true;
    Some(rec)
}

/// Runs every replication and returns their recordings, in replication order.
pub fn run<D: Dynamics>(dynamics: &D, options: &Options<'_>) -> Result<Vec<Recorder>, Cancelled> {
    let mut all = run_shared(&[dynamics], options)?;
    Ok(all.pop().unwrap_or_default())
}

/// Where each dynamics to run starts: `None` from the town, or `(j, t)`
/// from dynamics `j`'s run after tick `t`, the last tick they run alike
/// (at least 1), `j` the earliest of those sharing the most ticks. Only a
/// dynamics that runs from the town is gone on from (so every pause falls
/// in a run), and never one whose recording is kept (it is not run).
fn starts(alike: &[Vec<Option<u32>>], kept: &[Option<Recorder>]) -> Vec<Option<(usize, u32)>> {
    let mut from: Vec<Option<(usize, u32)>> = Vec::with_capacity(alike.len());
    for (k, earlier) in alike.iter().enumerate() {
        let best = earlier
            .iter()
            .enumerate()
            .filter(|&(j, _)| kept[j].is_none() && from[j].is_none())
            .filter_map(|(j, t)| Some((j, t.filter(|&t| t >= 1)?)))
            .min_by_key(|&(j, t)| (std::cmp::Reverse(t), j));
        from.push(best.filter(|_| kept[k].is_none()));
    }
    from
}

/// Runs every replication of several dynamics that start from one town:
/// the baseline and the what-ifs that share its warm-up (each warms up
/// with the baseline's values, so the town at tick 0 is the same, bit for
/// bit). Each replication warms up once, with `dynamics[0]`, and every
/// dynamics runs its recorded ticks from a copy of that town, or goes on
/// from an earlier one's run where the two run alike. Returns each
/// dynamics' recordings, in replication order.
pub fn run_shared<D: Dynamics>(
    dynamics: &[&D],
    options: &Options<'_>,
) -> Result<Vec<Vec<Recorder>>, Cancelled> {
    let Some(&first) = dynamics.first() else {
        return Ok(Vec::new());
    };
    // Recordings kept from earlier runs (the studio's): a slider that
    // leaves a what-if as it was (it sets the value itself), or a value
    // moved back, reruns nothing of it.
    let keys: Vec<Option<u64>> = dynamics
        .iter()
        .map(|d| recording_key(*d, first, options))
        .collect();
    // Through which tick each dynamics runs alike with each before it: a
    // what-if whose event comes in week 4 goes on from the run it matches
    // until then, rather than running those weeks again. Small towns only:
    // each pause holds a state more, which the memory forecast for a
    // large town does not count.
    let alike: Vec<Vec<Option<u32>>> = dynamics
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let earlier = if first.agents() < WITHIN_RUNS_FROM {
                &dynamics[..k]
            } else {
                &[]
            };
            earlier
                .iter()
                .map(|e| d.same_through(*e, options.ticks))
                .collect()
        })
        .collect();
    let one = |r: u32, parallel: bool| -> Result<Vec<Recorder>, Cancelled> {
        let mut kept: Vec<Option<Recorder>> = keys
            .iter()
            .map(|key| kept_recording(options, *key, r))
            .collect();
        if kept.iter().all(Option::is_some) {
            return Ok(kept.into_iter().flatten().collect());
        }
        let from = starts(&alike, &kept);
        let mut town = Some(warm_up(first, r, options, parallel)?);
        // The last dynamics to start from the town takes the town itself,
        // the others a copy: one state more than the run needs is never
        // held.
        let last = (0..dynamics.len())
            .rev()
            .find(|&k| kept[k].is_none() && from[k].is_none());
        let mut paused: Vec<Pause<D::State>> = Vec::new();
        let mut out = Vec::with_capacity(dynamics.len());
        for (k, &d) in dynamics.iter().enumerate() {
            if let Some(rec) = kept[k].take() {
                out.push(rec);
                continue;
            }
            let (mut run, mut rec) = match from[k] {
                None => {
                    let start = if Some(k) == last {
                        town.take()
                    } else {
                        town.clone()
                    };
                    let start = start.expect("the town is taken by the last run only");
                    let mut rec = Recorder::new(d.measures());
                    rec.replication = r;
                    (Running::start(d, start, parallel, &mut rec), rec)
                }
                Some(pause) => {
                    let at = paused
                        .iter()
                        .position(|p| p.at == pause)
                        .expect("a run pauses before what goes on from it starts");
                    let taken = if from[k + 1..].contains(&Some(pause)) {
                        paused[at].clone()
                    } else {
                        paused.swap_remove(at)
                    };
                    if let Some(p) = options.progress {
                        p(u64::from(pause.1));
                    }
                    (taken.run, taken.recording)
                }
            };
            let mut pauses: Vec<u32> = from
                .iter()
                .filter_map(|f| f.filter(|&(j, _)| j == k).map(|(_, t)| t))
                .collect();
            pauses.sort_unstable();
            pauses.dedup();
            for t in pauses {
                run.go_on(d, t, r, options, parallel, &mut rec)?;
                paused.push(Pause {
                    at: (k, t),
                    run: run.clone(),
                    recording: rec.clone(),
                });
            }
            run.go_on(d, options.ticks, r, options, parallel, &mut rec)?;
            rec.finish();
            if let (Some(towns), Some(key)) = (options.towns, keys[k]) {
                towns.put((key, r, RECORDING), rec.clone(), rec.bytes());
            }
            out.push(rec);
        }
        Ok(out)
    };
    let replications = options.first..options.first.saturating_add(options.runs);
    let per_run: Vec<Vec<Recorder>> = if options.mode.within_runs(first.agents()) {
        replications
            .map(|r| one(r, true))
            .collect::<Result<_, _>>()?
    } else {
        // A small town's runs split their ticks across threads too: while
        // every thread has runs of its own nobody takes the splits (each
        // thread works its own, at the cost of a few pushes a tick), but a
        // thread out of runs takes a part of the ticks of the runs still
        // going, so the last runs do not leave it idle. A thread waiting
        // for such a part may start another run meanwhile, so more states
        // than threads may be held at once: a few megabytes for a small
        // town, so a large one (run side by side only when asked) splits
        // its runs only when there are fewer runs than threads.
        let inner = first.agents() < WITHIN_RUNS_FROM
            || (options.runs as usize) < rayon::current_num_threads();
        replications
            .into_par_iter()
            .map(|r| one(r, inner))
            .collect::<Result<_, _>>()?
    };
    let mut by_dynamics: Vec<Vec<Recorder>> = (0..dynamics.len())
        .map(|_| Vec::with_capacity(per_run.len()))
        .collect();
    for recordings in per_run {
        for (k, rec) in recordings.into_iter().enumerate() {
            by_dynamics[k].push(rec);
        }
    }
    Ok(by_dynamics)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::tables::{runs_csv, timeseries_csv};
    use crate::pipeline::{self, RunOptions};
    use crate::scenario::Scenario;

    fn scenario(extra: &str) -> Scenario {
        Scenario::parse(&text(extra), std::path::Path::new("towns.toml")).unwrap()
    }

    fn text(extra: &str) -> String {
        format!(
            r#"
title = "Towns"
ticks = 10
warmup = 8
runs = 3
seed = 4
[network]
kind = "barabasi-albert"
n = 700
m = 3
[[variants]]
name = "recovery"
set = {{ service.recovery_rate = 0.7 }}
{extra}"#
        )
    }

    /// The scenario with `service.recovery_rate` moved as a studio slider
    /// moves it: from week 1, the what-if keeping its own.
    fn slider(value: f64) -> Scenario {
        use crate::scenario::what_if::{Asked, what_if};
        let mut set = serde_json::Map::new();
        set.insert("service.recovery_rate".into(), value.into());
        let asked = Asked {
            set: &set,
            events: &serde_json::Map::new(),
            before: false,
        };
        let path = std::path::Path::new("towns.toml");
        match what_if(&scenario(""), &text(""), path, &asked) {
            Ok(w) => w.scenario,
            Err(_) => panic!("the slider's what-if"),
        }
    }

    fn tables(s: &Scenario, towns: Option<&Towns>) -> (String, String) {
        let o = RunOptions {
            towns,
            ..RunOptions::silent()
        };
        let r = pipeline::simulate(s, &o).unwrap();
        (timeseries_csv(&r), runs_csv(&r))
    }

    #[test]
    fn a_kept_town_gives_the_same_run_as_a_fresh_warm_up() {
        let towns = Towns::new(1 << 30);
        let s = scenario("");
        let fresh = tables(&s, None);
        assert_eq!(tables(&s, Some(&towns)), fresh, "warming up and keeping");
        // A town per run, and a recording per run of the baseline and
        // the what-if.
        assert_eq!(towns.len(), 3 + 6);
        assert_eq!(tables(&s, Some(&towns)), fresh, "from kept recordings");
        assert_eq!(towns.len(), 3 + 6);
        // A value from week 1 leaves the warm-up alone: the towns serve it,
        // and it is recorded afresh.
        let later = scenario(
            "[[events]]\nname = \"later\"\nfrom = 1\nto = 10\nset = { telling.bad.mean = 20 }\n",
        );
        let later_fresh = tables(&later, None);
        assert_ne!(later_fresh, fresh);
        assert_eq!(tables(&later, Some(&towns)), later_fresh);
        assert_eq!(towns.len(), 3 + 6 + 6);
        // A value the warm-up lives with is another town.
        let before = scenario("[telling]\nbad = { kind = \"poisson\", mean = 20 }\n");
        assert_eq!(tables(&before, Some(&towns)), tables(&before, None));
        assert_eq!(towns.len(), 3 + 6 + 6 + 3 + 6);
    }

    /// A run whose every recording is kept runs nothing: it gives the same
    /// tables even when stopped before it starts. A what-if that sets the
    /// changed value itself keeps its recording while the baseline's is
    /// made again.
    #[test]
    fn kept_recordings_are_used_and_only_where_nothing_changed() {
        let towns = Towns::new(1 << 30);
        let s = scenario("");
        let fresh = tables(&s, Some(&towns));
        let stopped = AtomicBool::new(true);
        let o = RunOptions {
            towns: Some(&towns),
            cancel: Some(&stopped),
            ..RunOptions::silent()
        };
        let r = pipeline::simulate(&s, &o).unwrap();
        assert!((timeseries_csv(&r), runs_csv(&r)) == fresh);
        // The what-if sets service.recovery_rate itself: moving the
        // slider leaves it as it was, and only the baseline runs again.
        // (Every failure recovered, then none: a town this small has a
        // handful of failures in its ten weeks, and values near each
        // other could give the same runs.)
        let first = tables(&slider(1.0), Some(&towns));
        assert!(first == tables(&slider(1.0), None));
        assert!(first != fresh);
        assert_eq!(towns.len(), 3 + 6 + 6);
        let second = tables(&slider(0.0), Some(&towns));
        assert!(second == tables(&slider(0.0), None));
        assert!(second != first);
        assert_eq!(towns.len(), 3 + 6 + 6 + 3, "the baseline's runs only");
    }

    /// What-ifs that run alike with an earlier dynamics for a while go on
    /// from its run there, and record what they record when run alone:
    /// an event in week 4 from the baseline after week 3, a what-if the
    /// same as the baseline from its end, one changed from week 1 from
    /// the town, and an event in week 6 on top of it from that one after
    /// week 5.
    #[test]
    fn what_ifs_go_on_from_the_run_they_match_and_record_the_same() {
        use crate::model::{Dynamics, WordOfMouth, population::Population};
        let s = scenario(
            r#"
[[variants]]
name = "party"
[[variants.events]]
name = "party"
at = 4
experience = { who = "top-degree", count = 20, quality = 3.0 }
[[variants]]
name = "the same"
[[variants]]
name = "recovery and a party"
set = { service.recovery_rate = 0.7 }
[[variants.events]]
name = "party"
at = 6
experience = { who = "random", share = 0.05, quality = 3.0 }
"#,
        );
        let net = crate::network::build(&s.baseline().network, s.seed).unwrap();
        let all: Vec<WordOfMouth<'_>> = s
            .variants
            .iter()
            .map(|v| WordOfMouth::new(&s, v, Population::new(s.seed, v, &net.graph, &[])))
            .collect();
        let names: Vec<&str> = s.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "baseline",
                "recovery",
                "party",
                "the same",
                "recovery and a party"
            ]
        );
        let ticks = s.ticks;
        let alike = |k: usize, j: usize| all[k].same_through(&all[j], ticks);
        assert_eq!(alike(1, 0), None, "recovery differs from week 1");
        assert_eq!(alike(2, 0), Some(3));
        assert_eq!(alike(3, 0), Some(ticks));
        assert_eq!(alike(4, 1), Some(5));
        assert_eq!(alike(4, 0), None);
        let alike: Vec<Vec<Option<u32>>> = (0..all.len())
            .map(|k| (0..k).map(|j| alike(k, j)).collect())
            .collect();
        let none: Vec<Option<Recorder>> = vec![None; all.len()];
        let from = starts(&alike, &none);
        assert_eq!(
            from,
            [None, None, Some((0, 3)), Some((0, ticks)), Some((1, 5))]
        );

        let options = Options {
            warmup: s.warmup,
            ..Options::new(s.runs, ticks)
        };
        let refs: Vec<&WordOfMouth<'_>> = all.iter().collect();
        let shared = run_shared(&refs, &options).unwrap();
        for (k, d) in all.iter().enumerate() {
            let alone = run(d, &options).unwrap();
            assert_eq!(shared[k].len(), alone.len());
            for (a, b) in shared[k].iter().zip(&alone) {
                assert_eq!(a.frames, b.frames, "{}", names[k]);
                assert_eq!(a.reach, b.reach, "{}", names[k]);
            }
        }
        // A kept recording is not run, so nothing goes on from it: the
        // party starts from the town, and the what-if that is the same as
        // the baseline goes on from the party's run, the two alike until
        // the party.
        let mut kept = none.clone();
        kept[0] = Some(shared[0][0].clone());
        assert_eq!(
            starts(&alike, &kept),
            [None, None, None, Some((2, 3)), Some((1, 5))]
        );
    }

    #[test]
    fn towns_stay_within_their_budget_oldest_out_first() {
        let towns = Towns::new(100);
        towns.put((1, 0, 0), 1u8, 60);
        towns.put((2, 0, 0), 2u8, 30);
        assert_eq!(towns.get::<u8>((1, 0, 0)), Some(1), "used: now the newest");
        towns.put((3, 0, 0), 3u8, 30);
        assert_eq!(towns.get::<u8>((2, 0, 0)), None, "the oldest went");
        assert_eq!(towns.get::<u8>((1, 0, 0)), Some(1));
        towns.put((4, 0, 0), 4u8, 101);
        assert_eq!(towns.get::<u8>((4, 0, 0)), None, "too big to keep");
    }
}
