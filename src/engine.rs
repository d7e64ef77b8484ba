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
    /// Replications side by side (each also split across threads when
    /// there are fewer replications than threads).
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
        }
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
    mut state: D::State,
    replication: u32,
    options: &Options<'_>,
    parallel: bool,
    observer: &mut impl Observer,
) -> Result<(), Cancelled> {
    let mut frame = dynamics.measure(&state, 0, parallel);
    let mut settled = dynamics.settled(&frame, 0);
    // Tick 0 is the town as the warm-up left it: nothing recorded has
    // happened yet, so its flows are 0 (what the warm-up's last tick
    // counted is not the run's), and a flow's series adds up to its total.
    observer.observe(
        0,
        settled_frame(&frame, dynamics.measures()),
        dynamics.stories(&mut state, 0),
    );
    for tick in 1..=options.ticks {
        if options.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Cancelled);
        }
        if settled {
            frame = settled_frame(&frame, dynamics.measures());
            observer.observe(tick, frame.clone(), Stories::default());
        } else {
            dynamics.step(&mut state, Clock::run(replication, tick), parallel);
            frame = dynamics.measure(&state, tick, parallel);
            settled = dynamics.settled(&frame, tick);
            observer.observe(tick, frame.clone(), dynamics.stories(&mut state, tick));
        }
        if let Some(p) = options.progress {
            p(1);
        }
    }
    observer.finish();
    Ok(())
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
    let mut state = dynamics.initial_state(replication);
    for tick in 1..=options.warmup {
        if cancelled() {
            return Err(Cancelled);
        }
        dynamics.step(&mut state, Clock::warmup(replication, tick), parallel);
    }
    if options.warmup > 0 {
        dynamics.end_warmup(&mut state);
    }
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

/// Runs every replication and returns their recordings, in replication order.
pub fn run<D: Dynamics>(dynamics: &D, options: &Options<'_>) -> Result<Vec<Recorder>, Cancelled> {
    let mut all = run_shared(&[dynamics], options)?;
    Ok(all.pop().unwrap_or_default())
}

/// Runs every replication of several dynamics that start from one town:
/// the baseline and the what-ifs that share its warm-up (each warms up
/// with the baseline's values, so the town at tick 0 is the same, bit for
/// bit). Each replication warms up once, with `dynamics[0]`, and every
/// dynamics runs its recorded ticks from a copy of that town. Returns each
/// dynamics' recordings, in replication order.
pub fn run_shared<D: Dynamics>(
    dynamics: &[&D],
    options: &Options<'_>,
) -> Result<Vec<Vec<Recorder>>, Cancelled> {
    let Some(&first) = dynamics.first() else {
        return Ok(Vec::new());
    };
    let recorded = |d: &D, town: D::State, r: u32, parallel: bool| {
        let mut rec = Recorder::new(d.measures());
        rec.replication = r;
        record(d, town, r, options, parallel, &mut rec).map(|()| rec)
    };
    let one = |r: u32, parallel: bool| -> Result<Vec<Recorder>, Cancelled> {
        let town = warm_up(first, r, options, parallel)?;
        let (&last, others) = dynamics.split_last().unwrap_or((&first, &[]));
        let mut out = Vec::with_capacity(dynamics.len());
        for &d in others {
            out.push(recorded(d, town.clone(), r, parallel)?);
        }
        out.push(recorded(last, town, r, parallel)?);
        Ok(out)
    };
    let replications = options.first..options.first.saturating_add(options.runs);
    let per_run: Vec<Vec<Recorder>> = if options.mode.within_runs(first.agents()) {
        replications
            .map(|r| one(r, true))
            .collect::<Result<_, _>>()?
    } else {
        // Fewer runs than threads: let each run use the idle threads too.
        let inner = (options.runs as usize) < rayon::current_num_threads();
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
