//! The phases of a word-of-mouth tick, one file each, and their order.
//!
//! 1. [`experience`]: customers buy, staff are treated, guests of an event
//!    are entertained; delight and disappointment become stories, and a
//!    failure may be recovered (service recovery) into a good story;
//! 2. [`telling`]: each agent with a story tells k people, k drawn from the
//!    story's fan-out distribution;
//! 3. [`hearing`]: hearers move toward what they heard, weighted by trust
//!    and negativity bias, and may retell it next tick;
//! 4. [`decisions`]: prospects buy (Bass p and q), customers lapse, lapsed
//!    customers come back; a conversion after a good story is a referral;
//! 5. [`mobility`]: people change jobs, and their workplace ties follow;
//! 6. [`morale`]: the staff's mean attitude, which shifts the quality
//!    customers get next tick.
//!
//! Each phase writes only its own agents' slots and reaches others through
//! atomics whose updates commute, so it can run over chunks on any number
//! of threads with the same result. Hearing and decisions read nothing
//! another agent writes in them, so they run in one pass, agent by agent,
//! which also empties each inbox and counts the tick's figures.

pub mod decisions;
pub mod experience;
pub mod hearing;
pub mod mobility;
pub mod morale;
pub mod telling;

use std::sync::atomic::Ordering::Relaxed;

use super::state::{Agents, Shared, State, for_each_chunk, map_chunks};
use super::tally::{self, Counting, GroupAt, Tally};
use super::{Clock, Frame, WordOfMouth};

/// One tick: the phases in order.
pub fn step(world: &WordOfMouth<'_>, state: &mut State, clock: Clock, parallel: bool) {
    tick(world, state, clock, parallel, false);
}

/// One tick and the figures after it. Where no one changes jobs this tick,
/// each agent is counted in the same pass as its hearing and decisions
/// (its figures are final then), rather than in a pass of their own.
pub fn step_measured(
    world: &WordOfMouth<'_>,
    state: &mut State,
    clock: Clock,
    parallel: bool,
) -> Frame {
    match tick(world, state, clock, parallel, true) {
        Some(frame) => frame,
        None => tally::frame(world, state, clock.tick, parallel),
    }
}

/// The phases in order; the frame too if `measure` and nothing after
/// the decisions changes what is measured.
fn tick(
    world: &WordOfMouth<'_>,
    state: &mut State,
    clock: Clock,
    parallel: bool,
    measure: bool,
) -> Option<Frame> {
    state.credited.iter().for_each(|c| c.store(0, Relaxed));
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| {
        experience::experience(world, clock, a, shared)
    });
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| {
        telling::telling(world, clock, a, shared)
    });

    let mobility = world.work.as_ref().filter(|_| world.mobility(clock) > 0.0);
    let at = (measure && mobility.is_none()).then(|| tally::groups_at(world, clock.tick));
    let (agents, shared) = state.split();
    let parts = map_chunks(parallel, agents, &|a| {
        listen(world, clock, a, shared, at.as_deref())
    });
    if let Some(w) = mobility {
        let (agents, shared) = state.split();
        for_each_chunk(parallel, agents, &|a| {
            mobility::mobility(world, clock, a, shared)
        });
        state.members.rebuild(&state.org, w.organisations as usize);
        let (agents, shared) = state.split();
        for_each_chunk(parallel, agents, &|a| {
            mobility::workplace_ties(world, clock, a, shared)
        });
    }
    if world.staff {
        state.morale = morale::mean(parts.iter().map(|p| p.staff));
    }
    at.map(|_| tally::frame_of(world, state, parts.iter().map(|p| p.tallies.as_slice())))
}

/// What one chunk's pass of hearing and decisions counted.
struct Listened {
    /// The chunk's tallies per group (empty unless measuring).
    tallies: Vec<Tally>,
    /// The staff's summed attitude and their number, for morale.
    staff: (f64, u64),
}

/// Phases 3 and 4 agent by agent: each agent hears, then decides, then its
/// inbox is emptied for the next tick's tellers and, with `at`, its figures
/// are counted. Hearing and deciding read only the agent's own inbox and
/// its tellers' origins, which nothing in this pass writes, so one pass
/// gives what two whole phases one after the other gave, reading each
/// agent's fields once instead of three times.
#[inline]
fn listen(
    world: &WordOfMouth<'_>,
    clock: Clock,
    mut a: Agents<'_>,
    shared: Shared<'_>,
    at: Option<&[GroupAt]>,
) -> Listened {
    let (hearing, deciding) = (hearing::key(world, clock), decisions::key(world, clock));
    let params = world.params_at(clock);
    let mut counts = vec![Counting::default(); at.map_or(0, <[_]>::len)];
    let mut staff = (0.0f64, 0u64);
    a.same_lengths();
    let group = &world.group[a.first..a.first + a.len()];
    let inbox = shared.inbox.part(a.first, a.len());
    // k indexes every field of the chunk and the group: counting it is
    // what lets the compiler drop their bounds checks (an iterator over
    // one of them keeps the others').
    #[allow(clippy::needless_range_loop)]
    for k in 0..a.len() {
        let g = group[k] as usize;
        let p = &params[g];
        let heard = hearing::hear(p, hearing, &mut a, k, &inbox[k], &shared);
        decisions::decide(world, p, deciding, &mut a, k, &inbox[k], &shared);
        if heard {
            inbox[k].clear();
        }
        if world.staff && world.groups[g].staff {
            staff.0 += f64::from(a.attitude[k]);
            staff.1 += 1;
        }
        if let Some(at) = at {
            let (st, ev, fl, told) = (a.status[k], a.events[k], a.flags[k], a.told_now[k]);
            counts[g].count(&at[g], a.attitude[k], st, ev, fl, told);
        }
    }
    let tallies = counts.iter().map(Counting::done).collect();
    Listened { tallies, staff }
}

/// Moves attitude a share `w` of the way toward `target`.
#[inline]
pub(crate) fn toward(a: f32, target: f32, w: f64) -> f32 {
    (a + (w as f32) * (target - a)).clamp(-1.0, 1.0)
}
