//! Phase 4: decisions, after the Bass model. Prospects buy for outside
//! reasons (advertising, p) or after good stories (referrals, q), credited
//! to the teller; customers lapse more as their attitude falls; lapsed
//! customers can be won back.

use std::sync::atomic::Ordering::Relaxed;

use rand::RngExt;

use crate::model::state::{Agents, Shared, event, flag, status, unpack_key};
use crate::model::{Clock, WordOfMouth};
use crate::rng::{self, Purpose};
use crate::scenario::Market;

/// Phase 4 over a run of agents (the tick runs it agent by agent with
/// hearing: see [`super::listen`]).
pub fn decisions(world: &WordOfMouth<'_>, clock: Clock, mut a: Agents<'_>, shared: Shared<'_>) {
    let key = key(world, clock);
    for k in 0..a.len() {
        decide(world, clock, key, &mut a, k, &shared);
    }
}

/// The key of this tick's decision draws.
pub fn key(world: &WordOfMouth<'_>, clock: Clock) -> rng::Key {
    rng::Key::new(world.seed, clock.replication, clock.tick, Purpose::Decision)
}

/// Phase 4 for agent `k` of `a`. A prospect (or a lapsed customer) with at
/// least the minimum attitude buys with probability p (win_back) + q x good
/// stories heard; a draw below p is an outside conversion, one between p
/// and p + q n a referral, credited to the teller of the strongest good
/// story. A customer lapses with probability rate x exp(-sensitivity x
/// attitude).
#[inline]
pub fn decide(
    world: &WordOfMouth<'_>,
    clock: Clock,
    key: rng::Key,
    a: &mut Agents<'_>,
    k: usize,
    shared: &Shared<'_>,
) {
    let st = a.status[k];
    if st == status::NONE {
        return;
    }
    let i = a.first + k;
    let m: &Market = &world.params(clock, i).market;
    let mut r = key.stream(i as u64);
    let u: f64 = r.random();
    if st == status::CUSTOMER {
        let chance = m.lapse_rate * (-m.lapse_sensitivity * f64::from(a.attitude[k])).exp();
        if u < chance {
            a.status[k] = status::LAPSED;
            a.events[k] |= event::LAPSED;
        }
        return;
    }
    if f64::from(a.attitude[k]) < m.min_attitude {
        return;
    }
    let outside = if st == status::PROSPECT {
        m.p
    } else {
        m.win_back
    };
    let good = shared.inbox.good[i].load(Relaxed);
    if u < outside {
        a.status[k] = status::CUSTOMER;
        a.flags[k] |= flag::AWARE;
        a.events[k] |= if st == status::PROSPECT {
            event::CONVERTED_OUTSIDE
        } else {
            event::WON_BACK
        };
    } else if u < outside + m.q * f64::from(good) {
        a.status[k] = status::CUSTOMER;
        a.events[k] |= event::CONVERTED_REFERRAL;
        let (_, _, teller) = unpack_key(shared.inbox.best_good[i].load(Relaxed));
        shared.credited[world.group[teller as usize] as usize].fetch_add(1, Relaxed);
    }
}
