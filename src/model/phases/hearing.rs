//! Phase 3: hearing. A hearer's attitude moves toward what it heard,
//! weighted by trust in the teller and by a negativity bias; it becomes
//! aware, and may pass the strongest story on next tick.

use std::sync::atomic::Ordering::Relaxed;

use super::toward;
use crate::model::state::{self, Agents, Heard, Shared, Story, event, flag, unpack_key};
use crate::model::word_of_mouth::GroupParams;
use crate::model::{Clock, WordOfMouth};
use crate::rng::{self, Purpose};

/// Phase 3 over a run of agents (the tick runs it agent by agent with the
/// decisions: see `phases::listen`).
pub fn hearing(world: &WordOfMouth<'_>, clock: Clock, mut a: Agents<'_>, shared: Shared<'_>) {
    let (key, params) = (key(world, clock), world.params_at(clock));
    a.same_lengths();
    let inbox = shared.inbox.part(a.first, a.len());
    for k in 0..a.len() {
        let p = &params[world.group[a.first + k] as usize];
        hear(p, key, &mut a, k, &inbox[k], &shared);
    }
}

/// The key of this tick's retelling draws.
pub fn key(world: &WordOfMouth<'_>, clock: Clock) -> rng::Key {
    rng::Key::new(world.seed, clock.replication, clock.tick, Purpose::Hearing)
}

/// Phase 3 for agent `k` of `a`. A hearer's attitude moves toward the
/// weighted mean valence of what it heard: a' = a + min(1, W) (v - a),
/// where W sums the stories' weights (influence x trust x intensity, times
/// the negativity bias for bad ones) and v is their weighted mean valence.
/// It becomes aware, and may retell the strongest story next tick, with a
/// probability that decays at each hop. `p` are the agent's group's
/// parameters at this tick, `inbox` its inbox. Returns whether the agent
/// heard anything (its inbox is then to be emptied).
#[inline(always)]
pub fn hear(
    p: &GroupParams,
    streams: rng::Key,
    a: &mut Agents<'_>,
    k: usize,
    inbox: &Heard,
    shared: &Shared<'_>,
) -> bool {
    let i = a.first + k;
    // This tick's story is told; what is kept is the one to retell.
    a.story[k] = Story::NONE;
    let (good, bad) = (inbox.good.load(Relaxed), inbox.bad.load(Relaxed));
    if good + bad == 0 {
        return false;
    }
    a.flags[k] |= flag::AWARE;
    if good > 0 {
        a.flags[k] |= flag::REACHED_GOOD;
        a.events[k] |= event::HEARD_GOOD;
    }
    if bad > 0 {
        a.flags[k] |= flag::REACHED_BAD;
        a.events[k] |= event::HEARD_BAD;
    }
    let wg = f64::from(inbox.good_weight.load(Relaxed)) / state::WEIGHT_SCALE;
    let wb = f64::from(inbox.bad_weight.load(Relaxed)) / state::WEIGHT_SCALE;
    let total = wg + wb;
    if total > 0.0 {
        a.attitude[k] = toward(a.attitude[k], ((wg - wb) / total) as f32, total.min(1.0));
    }
    let (kg, kb) = (inbox.best_good.load(Relaxed), inbox.best_bad.load(Relaxed));
    // Bad news wins a tie.
    let (valence, key) = if kb >> 40 >= kg >> 40 {
        (-1, kb)
    } else {
        (1, kg)
    };
    let (intensity, hops, teller) = unpack_key(key);
    let t = &p.telling;
    if u32::from(hops) >= t.max_hops {
        return true;
    }
    let chance = t.retell_probability * t.retell_decay.powi(i32::from(hops) - 1);
    if streams.uniform(i as u64) < chance {
        a.story[k] = Story {
            valence,
            hops,
            intensity: intensity * t.intensity_decay as f32,
            origin: shared.origin[teller as usize].load(Relaxed),
        };
    }
    true
}
