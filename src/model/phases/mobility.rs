//! Phase 5: job mobility. People change organisation, keeping their
//! attitude and personal ties; their workplace ties, and others' ties to
//! them, are redrawn in the organisations they are now in.

use std::sync::atomic::Ordering::Relaxed;

use rand::RngExt;

use crate::model::state::{Agents, NOBODY, Shared, event};
use crate::model::{Clock, WordOfMouth};
use crate::rng::{self, Purpose};

/// Phase 5. With the mobility rate an agent changes organisation, to any
/// other with equal chance. It keeps its attitude and personal ties; its
/// workplace ties are replaced by [`workplace_ties`].
pub fn mobility(world: &WordOfMouth<'_>, clock: Clock, a: Agents<'_>, shared: Shared<'_>) {
    let Some(w) = &world.work else { return };
    if w.organisations < 2 {
        return;
    }
    let rate = world.mobility(clock);
    let (moves, to) = (
        rng::Key::new(world.seed, clock.replication, clock.tick, Purpose::Move),
        rng::Key::new(world.seed, clock.replication, clock.tick, Purpose::Mobility),
    );
    for k in 0..a.len() {
        let i = a.first + k;
        if moves.uniform(i as u64) >= rate {
            continue;
        }
        let mut r = to.stream(i as u64);
        let now = shared.org[i].load(Relaxed);
        let mut to = r.random_range(0..w.organisations - 1);
        if to >= now {
            to += 1;
        }
        shared.org[i].store(to, Relaxed);
        a.events[k] |= event::MOVED;
    }
}

/// Redraws workplace ties that no longer hold: all of a newcomer's, and any
/// to a colleague who has left. A new colleague is a member of the agent's
/// organisation drawn at random.
pub fn workplace_ties(world: &WordOfMouth<'_>, clock: Clock, a: Agents<'_>, shared: Shared<'_>) {
    let Some(w) = &world.work else { return };
    let c = w.colleagues as usize;
    for k in 0..a.len() {
        let i = a.first + k;
        let org = shared.org[i].load(Relaxed);
        let moved = a.events[k] & event::MOVED != 0;
        let mut r = None;
        for slot in &shared.colleagues[i * c..(i + 1) * c] {
            let j = slot.load(Relaxed);
            if !moved && j != NOBODY && shared.org[j as usize].load(Relaxed) == org {
                continue;
            }
            let members = shared.members.of(org);
            let r = r.get_or_insert_with(|| {
                rng::stream(
                    world.seed,
                    clock.replication,
                    clock.tick,
                    i as u64,
                    Purpose::Workplace,
                )
            });
            let pick = members[r.random_range(0..members.len())];
            slot.store(if pick as usize == i { NOBODY } else { pick }, Relaxed);
        }
    }
}
