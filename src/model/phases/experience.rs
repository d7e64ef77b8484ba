//! Phase 1: experiences. Customers buy, staff are treated (their group's
//! `service` is how the company treats them), guests of an event are
//! entertained. Quality is shifted by staff morale. Far above expectation:
//! a good story; far below: a bad one, unless the failure is recovered
//! (the customer is made whole and tells a good story instead).

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

use super::toward;
use crate::model::state::{Agents, Shared, Story, event, flag, status};
use crate::model::{Clock, WordOfMouth};
use crate::rng::{self, Purpose};
use crate::scenario::Service;

/// Phase 1. Clears last tick's marks (the story to retell, chosen while
/// hearing last tick, stays; the inboxes were emptied as they were read)
/// and gives an experience to each customer who
/// buys, each member of staff treated notably (their group's `service` is
/// how they are treated), and each guest of a one-off event. Quality is
/// shifted by staff morale. Far above expectation: a good story; far below:
/// a bad one, unless recovered; near it: a small drift and nothing to tell.
pub fn experience(world: &WordOfMouth<'_>, clock: Clock, mut a: Agents<'_>, shared: Shared<'_>) {
    let keys = Keys {
        buys: rng::Key::new(world.seed, clock.replication, clock.tick, Purpose::Purchase),
        quality: rng::Key::new(
            world.seed,
            clock.replication,
            clock.tick,
            Purpose::Experience,
        ),
    };
    let params = world.params_at(clock);
    let mut staff = [false; 256];
    for (g, group) in world.groups.iter().enumerate() {
        staff[g] = group.staff;
    }
    a.same_lengths();
    a.events.fill(0);
    a.told_now.fill(0);
    let group = &world.group[a.first..a.first + a.len()];
    if world.has_guests(clock) {
        // An event's tick: every agent asks whether it is a guest.
        for k in 0..a.len() {
            let guest = world.guest(clock, a.first + k);
            let s = &params[group[k] as usize].service;
            let eligible = a.status[k] == status::CUSTOMER || staff[group[k] as usize];
            live(s, keys, &mut a, k, guest, eligible, shared.morale);
        }
        return;
    }
    // Customers and others are mixed at random, so a branch per agent on
    // who may buy would be guessed wrong for one agent in five: a block of
    // 64 agents is turned into a mask of those who may (customers and
    // staff), without a branch, and only they draw.
    for block in (0..a.len()).step_by(64) {
        let end = (block + 64).min(a.len());
        let mut mask = 0u64;
        for k in block..end {
            let eligible = (a.status[k] == status::CUSTOMER) | staff[group[k] as usize];
            mask |= u64::from(eligible) << (k - block);
        }
        while mask != 0 {
            let k = block + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            let s = &params[group[k] as usize].service;
            live(s, keys, &mut a, k, None, true, shared.morale);
        }
    }
}

/// The keys of an experience's draws: whether a customer buys (one
/// number), and what a buyer gets (a stream, started only for buyers).
#[derive(Clone, Copy)]
struct Keys {
    buys: rng::Key,
    quality: rng::Key,
}

/// Agent `k`'s experience this tick, if it has one: as a guest (of
/// quality `guest`, gap from expectation), or, where it may buy
/// (`eligible`), when its purchase draw falls under its purchase rate.
#[inline(always)]
fn live(
    s: &Service,
    keys: Keys,
    a: &mut Agents<'_>,
    k: usize,
    guest: Option<f64>,
    eligible: bool,
    morale: f32,
) {
    let i = a.first + k;
    if guest.is_none() && !(eligible && keys.buys.uniform(i as u64) < s.purchase_rate) {
        return;
    }
    let mut r = keys.quality.stream(i as u64);
    let gap = match guest {
        Some(quality) => {
            a.events[k] |= event::INVITED;
            a.flags[k] |= flag::AWARE;
            quality
        }
        None => {
            let z: f64 = StandardNormal.sample(&mut r);
            s.quality_mean + s.quality_sd * z + s.morale_effect * f64::from(morale) - s.expectation
        }
    };
    a.events[k] |= event::EXPERIENCE;
    let origin = i as u32;
    if gap >= s.delight_margin {
        a.events[k] |= event::DELIGHT;
        a.attitude[k] = toward(a.attitude[k], 1.0, s.experience_weight);
        a.story[k] = Story::first_hand(1, 1.0, origin);
    } else if gap <= -s.disappoint_margin {
        a.events[k] |= event::FAILURE;
        if r.random::<f64>() < s.recovery_rate {
            a.events[k] |= event::RECOVERED;
            a.attitude[k] = toward(a.attitude[k], 1.0, s.experience_weight);
            a.story[k] = Story::first_hand(1, s.recovery_intensity as f32, origin);
        } else {
            a.attitude[k] = toward(a.attitude[k], -1.0, s.experience_weight);
            a.story[k] = Story::first_hand(-1, 1.0, origin);
        }
    } else {
        a.attitude[k] = (a.attitude[k] + (s.drift * gap) as f32).clamp(-1.0, 1.0);
    }
}
