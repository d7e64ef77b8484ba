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
//! of threads with the same result.

pub mod decisions;
pub mod experience;
pub mod hearing;
pub mod mobility;
pub mod morale;
pub mod telling;

use std::sync::atomic::Ordering::Relaxed;

use super::state::{Agents, Shared, State, for_each_chunk};
use super::{Clock, WordOfMouth};

/// One tick: the phases, each over the whole population, in order.
pub fn step(world: &WordOfMouth<'_>, state: &mut State, clock: Clock, parallel: bool) {
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| {
        experience::experience(world, clock, a, shared)
    });
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| {
        telling::telling(world, clock, a, shared)
    });
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| {
        hearing::hearing(world, clock, a, shared)
    });
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| {
        decisions::decisions(world, clock, a, shared)
    });
    if let Some(w) = world.work.as_ref().filter(|_| world.mobility(clock) > 0.0) {
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
    let (agents, shared) = state.split();
    for_each_chunk(parallel, agents, &|a| settle(a, shared));
    if world.staff {
        state.morale = morale::morale(world, state, parallel);
    }
}

/// Moves attitude a share `w` of the way toward `target`.
#[inline]
pub(crate) fn toward(a: f32, target: f32, w: f64) -> f32 {
    (a + (w as f32) * (target - a)).clamp(-1.0, 1.0)
}

/// Adds this tick's referral credits to each agent's running count.
pub(crate) fn settle(a: Agents<'_>, shared: Shared<'_>) {
    for k in 0..a.len() {
        let credited = shared.referred_now[a.first + k].load(Relaxed);
        a.referrals[k] = a.referrals[k].saturating_add(credited);
    }
}
