//! Phase 4: decisions, after the Bass model. Prospects buy for outside
//! reasons (advertising, p) or after good stories (referrals, q), credited
//! to the teller; customers lapse more as their attitude falls; lapsed
//! customers can be won back.

use std::sync::atomic::Ordering::Relaxed;

use crate::model::state::{Agents, Heard, Shared, event, flag, status, unpack_key};
use crate::model::word_of_mouth::GroupParams;
use crate::model::{Clock, WordOfMouth};
use crate::rng::{self, Purpose};
use crate::scenario::Market;

/// Phase 4 over a run of agents (the tick runs it agent by agent with
/// hearing: see `phases::listen`).
pub fn decisions(world: &WordOfMouth<'_>, clock: Clock, mut a: Agents<'_>, shared: Shared<'_>) {
    let (key, params) = (key(world, clock), world.params_at(clock));
    a.same_lengths();
    let inbox = shared.inbox.part(a.first, a.len());
    for k in 0..a.len() {
        let p = &params[world.group[a.first + k] as usize];
        decide(world, p, key, &mut a, k, &inbox[k], &shared);
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
/// attitude). `p` are the agent's group's parameters at this tick,
/// `inbox` what it heard.
#[inline(always)]
pub fn decide(
    world: &WordOfMouth<'_>,
    p: &GroupParams,
    key: rng::Key,
    a: &mut Agents<'_>,
    k: usize,
    inbox: &Heard,
    shared: &Shared<'_>,
) {
    let st = a.status[k];
    if st == status::NONE {
        return;
    }
    let i = a.first + k;
    let m: &Market = &p.market;
    let attitude = a.attitude[k];
    let u = key.uniform(i as u64);
    // Almost every draw changes nothing, so one test asks first whether
    // it falls under the agent's chance: a customer's bounded from above,
    // a prospect's 0 below the minimum attitude. That attitude test, a
    // branch of its own before, was guessed wrong for one prospect in
    // three (attitudes sit near the minimum); as a choice of chance it is
    // no branch.
    let outside = if st == status::PROSPECT {
        m.p
    } else {
        m.win_back
    };
    let good = inbox.good.load(Relaxed);
    let buys = if f64::from(attitude) < m.min_attitude {
        0.0
    } else {
        outside + m.q * f64::from(good)
    };
    let customer = st == status::CUSTOMER;
    let bound = if customer {
        p.lapse.bound(attitude)
    } else {
        buys
    };
    if u >= bound {
        return;
    }
    if customer {
        if p.lapse.lapses(u, attitude) {
            a.status[k] = status::LAPSED;
            a.events[k] |= event::LAPSED;
        }
    } else if u < outside {
        a.status[k] = status::CUSTOMER;
        a.flags[k] |= flag::AWARE;
        a.events[k] |= if st == status::PROSPECT {
            event::CONVERTED_OUTSIDE
        } else {
            event::WON_BACK
        };
    } else {
        // outside <= u < outside + q x good (q x good >= 0, so a draw at
        // or above `outside` that passed the test is a referral).
        a.status[k] = status::CUSTOMER;
        a.events[k] |= event::CONVERTED_REFERRAL;
        let (_, _, teller) = unpack_key(inbox.best_good.load(Relaxed));
        shared.credited[world.group[teller as usize] as usize].fetch_add(1, Relaxed);
    }
}

/// The lapse rule, u < rate x exp(-sensitivity x attitude), decided
/// without computing the exponential for almost every draw: a table of
/// exp at 1,024 points over the attitudes' range bounds it from both
/// sides, and only a draw between the bounds (a few in a thousand) needs
/// the exponential itself. The answer is always the rule's own.
#[derive(Clone)]
pub struct LapseChance {
    rate: f64,
    sensitivity: f64,
    /// Cells per unit of the exponent.
    scale: f64,
    /// exp at -|s|, -|s| + 1/scale, ..., |s|.
    table: Vec<f64>,
}

/// The rule's two numbers (the table follows from them): what a
/// fingerprint of the parameters reads.
impl std::fmt::Debug for LapseChance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LapseChance")
            .field("rate", &self.rate)
            .field("sensitivity", &self.sensitivity)
            .finish()
    }
}

impl LapseChance {
    const CELLS: usize = 1024;

    pub fn new(rate: f64, sensitivity: f64) -> Self {
        let s = sensitivity.abs();
        let step = 2.0 * s / Self::CELLS as f64;
        Self {
            rate,
            sensitivity,
            scale: if s > 0.0 { 1.0 / step } else { 0.0 },
            table: (0..=Self::CELLS)
                .map(|j| (-s + step * j as f64).exp())
                .collect(),
        }
    }

    /// A bound at or above the chance for a customer of `attitude`: a
    /// draw at or above it does not lapse (`lapses` says so too, at its
    /// first test). Infinite where the table does not reach, which leaves
    /// the answer to `lapses`.
    #[inline(always)]
    pub fn bound(&self, attitude: f32) -> f64 {
        let x = -self.sensitivity * f64::from(attitude);
        let cell = (x + self.sensitivity.abs()) * self.scale;
        let j = (cell as usize).saturating_add(2).min(Self::CELLS);
        let hi = self.table[j] * (1.0 + 1e-9);
        if (0.0..Self::CELLS as f64).contains(&cell) {
            self.rate * hi
        } else {
            f64::INFINITY
        }
    }

    /// Whether a customer of `attitude` lapses on draw `u`.
    #[inline(always)]
    pub fn lapses(&self, u: f64, attitude: f32) -> bool {
        let x = -self.sensitivity * f64::from(attitude);
        let cell = (x + self.sensitivity.abs()) * self.scale;
        if (0.0..Self::CELLS as f64).contains(&cell) {
            // One cell either side covers the rounding of `cell`, and the
            // margins exp's own (under an ulp): lo <= exp(x) <= hi, so the
            // rounded products keep their order with the chance's. (The
            // cast is the floor here, without a call to `floor`.)
            let j = cell as usize;
            let hi = self.table[(j + 2).min(Self::CELLS)] * (1.0 + 1e-9);
            if u >= self.rate * hi {
                return false;
            }
            let lo = self.table[j.saturating_sub(1)] * (1.0 - 1e-9);
            if u < self.rate * lo {
                return true;
            }
        }
        u < self.rate * x.exp()
    }
}

#[cfg(test)]
mod tests {
    use super::LapseChance;

    /// The table's answer is the rule's, everywhere: over the whole range
    /// of attitudes, for draws far from the chance and right at it (the
    /// chance itself and the floats either side), for sensitivities of
    /// either sign and none.
    #[test]
    fn the_bounded_lapse_rule_is_the_rule() {
        for (rate, s) in [
            (0.02, 4.0),
            (0.3, 0.5),
            (1.0, 20.0),
            (0.05, -3.0),
            (0.1, 0.0),
        ] {
            let rule = LapseChance::new(rate, s);
            for k in 0..=20_000 {
                let a = (-1.0 + k as f64 / 10_000.0) as f32;
                let chance: f64 = rate * (-s * f64::from(a)).exp();
                let near = [chance, chance.next_up(), chance.next_down()];
                let far = [0.0, chance * 0.999, chance * 1.001, 0.5, 0.999_999];
                for u in near
                    .into_iter()
                    .chain(far)
                    .filter(|u| (0.0..1.0).contains(u))
                {
                    assert_eq!(
                        rule.lapses(u, a),
                        u < chance,
                        "rate {rate} s {s} a {a} u {u}"
                    );
                    assert!(
                        u < rule.bound(a) || !rule.lapses(u, a),
                        "bound: a {a} u {u}"
                    );
                }
            }
        }
    }
}
