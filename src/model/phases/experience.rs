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

/// Phase 1. Clears last tick's marks (the story to retell, chosen while
/// hearing last tick, stays; the inboxes were emptied as they were read)
/// and gives an experience to each customer who
/// buys, each member of staff treated notably (their group's `service` is
/// how they are treated), and each guest of a one-off event. Quality is
/// shifted by staff morale. Far above expectation: a good story; far below:
/// a bad one, unless recovered; near it: a small drift and nothing to tell.
pub fn experience(world: &WordOfMouth<'_>, clock: Clock, a: Agents<'_>, shared: Shared<'_>) {
    let key = rng::Key::new(
        world.seed,
        clock.replication,
        clock.tick,
        Purpose::Experience,
    );
    let buys = rng::Key::new(world.seed, clock.replication, clock.tick, Purpose::Purchase);
    let params = world.params_at(clock);
    let guests = world.has_guests(clock);
    let mut staff = [false; 256];
    for (g, group) in world.groups.iter().enumerate() {
        staff[g] = group.staff;
    }
    a.same_lengths();
    let group = &world.group[a.first..a.first + a.len()];
    // k indexes every field of the chunk and the group: counting it is
    // what lets the compiler drop their bounds checks (an iterator over
    // one of them keeps the others').
    #[allow(clippy::needless_range_loop)]
    for k in 0..a.len() {
        let i = a.first + k;
        a.events[k] = 0;
        a.told_now[k] = 0;
        let guest = if guests { world.guest(clock, i) } else { None };
        let g = group[k] as usize;
        let s = &params[g].service;
        // Customers and others are mixed at random, so a branch on who
        // buys would be guessed wrong for one agent in five: everyone
        // draws (one mix), and only a purchase, rare, is a branch. A
        // buyer starts the stream its experience is drawn from.
        let eligible = (a.status[k] == status::CUSTOMER) | staff[g];
        let bought = eligible & (buys.uniform(i as u64) < s.purchase_rate);
        if guest.is_none() & !bought {
            continue;
        }
        let mut r = key.stream(i as u64);
        let gap = match guest {
            Some(quality) => {
                a.events[k] |= event::INVITED;
                a.flags[k] |= flag::AWARE;
                quality
            }
            None => {
                let z: f64 = StandardNormal.sample(&mut r);
                s.quality_mean + s.quality_sd * z + s.morale_effect * f64::from(shared.morale)
                    - s.expectation
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
}
