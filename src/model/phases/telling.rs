//! Phase 2: telling. Each agent with a story tells it to its fan-out of
//! distinct contacts (personal ties and colleagues); what the fan-out has
//! beyond them reaches strangers or is lost. Tellings of the stories
//! followed for the reach measure are noted.
//!
//! On a weighted network people tell their stronger ties first: contacts
//! are drawn one after another with chances in proportion to their ties'
//! strengths (colleagues count 1), and a hearer trusts a contact in
//! proportion to the tie's strength, up to 1 (a tie stronger than 1 is
//! trusted fully, not more).

use std::sync::atomic::Ordering::Relaxed;

use rand::RngExt;

use crate::model::fanout;
use crate::model::state::{self, Agents, NOBODY, Shared, event, story_key};
use crate::model::{Clock, WordOfMouth};
use crate::rng::{self, Purpose};
use crate::scenario::Overflow;

/// Agent `i`'s current colleagues who are not also personal contacts, into
/// `out`; returns how many. A tie to someone who has since left the
/// organisation no longer counts.
fn colleagues_of(
    world: &WordOfMouth<'_>,
    shared: &Shared<'_>,
    i: usize,
    contacts: &[u32],
    out: &mut [u32; crate::scenario::MAX_COLLEAGUES as usize],
) -> usize {
    let Some(w) = &world.work else { return 0 };
    let c = w.colleagues as usize;
    let org = shared.org[i].load(Relaxed);
    let mut m = 0;
    for slot in &shared.colleagues[i * c..(i + 1) * c] {
        let j = slot.load(Relaxed);
        if j == NOBODY
            || j as usize == i
            || shared.org[j as usize].load(Relaxed) != org
            || contacts.binary_search(&j).is_ok()
            || out[..m].contains(&j)
        {
            continue;
        }
        out[m] = j;
        m += 1;
    }
    m
}

/// Phase 2. Each agent with a story draws its fan-out k and tells k distinct
/// contacts (personal ties and colleagues), chosen uniformly; any excess
/// reaches strangers or is lost, as the teller's group says. Tellings of
/// tracked stories are noted for the reach measure.
pub fn telling(world: &WordOfMouth<'_>, clock: Clock, a: Agents<'_>, shared: Shared<'_>) {
    let n = world.agents();
    let mut noted: Vec<(u64, u32)> = Vec::new();
    let mut race: Vec<(f64, u32)> = Vec::new();
    let weighted = world.graph.is_weighted();
    let key = rng::Key::new(world.seed, clock.replication, clock.tick, Purpose::Telling);
    let params = world.params_at(clock);
    a.same_lengths();
    for k in 0..a.len() {
        let story = a.story[k];
        if story.valence == 0 {
            continue;
        }
        let i = a.first + k;
        shared.origin[i].store(story.origin, Relaxed);
        let p = &params[world.group[i] as usize];
        let mut r = key.stream(i as u64);
        let good = story.valence > 0;
        // No one can tell more distinct people than there are others.
        let fan = if good {
            &p.telling.good
        } else {
            &p.telling.bad
        };
        let fan_out = (fanout::draw(fan, &mut r) as usize).min(n - 1);
        let contacts = world.graph.neighbours(i);
        let mut extra = [0u32; crate::scenario::MAX_COLLEAGUES as usize];
        let colleagues = colleagues_of(world, &shared, i, contacts, &mut extra);
        let key = story_key(story.intensity, story.hops.saturating_add(1), i as u32);
        let id = story.id(clock.tick);
        // Stories from the warm-up (first told before tick 1) are not
        // followed, nor is anything during it.
        let born = state::unpack_id(id).1;
        let tracked = !clock.is_warmup() && born >= 1 && world.tracks(clock.replication, id);
        if tracked && story.hops == 0 {
            noted.push((id, NOBODY));
        }
        let mut tell = |j: usize, strength: f64| {
            let h = &params[world.group[j] as usize].hearing;
            let trust = if strength > 0.0 {
                h.trust * strength.min(1.0)
            } else {
                h.stranger_trust
            };
            let bias = if good { 1.0 } else { h.negativity_bias };
            let weight = h.influence * trust * f64::from(story.intensity) * bias;
            shared.inbox.deliver(j, good, weight, key);
            if tracked {
                noted.push((id, j as u32));
            }
        };
        let known = contacts.len() + colleagues;
        let candidate = |x: usize| {
            if x < contacts.len() {
                (contacts[x], f64::from(world.graph.weight(i, x)))
            } else {
                (extra[x - contacts.len()], 1.0)
            }
        };
        let from_contacts = if weighted {
            let chosen = race_of_strengths(known, fan_out, candidate, &mut r, &mut race);
            for &(_, x) in chosen {
                let (j, strength) = candidate(x as usize);
                tell(j as usize, strength);
            }
            chosen.len()
        } else {
            let from_contacts = fan_out.min(known);
            choose_distinct(known, from_contacts, &mut r, |x| {
                tell(candidate(x).0 as usize, 1.0);
            });
            from_contacts
        };
        let mut reached = from_contacts;
        if fan_out > from_contacts && p.telling.overflow == Overflow::Strangers && n > 1 {
            for _ in from_contacts..fan_out {
                let mut j = r.random_range(0..n - 1);
                if j >= i {
                    j += 1;
                }
                tell(j, 0.0);
            }
            reached = fan_out;
        }
        a.told_now[k] = reached as u16;
        a.events[k] |= event::TOLD
            | if good { 0 } else { event::TOLD_BAD }
            | if story.hops > 0 {
                event::TOLD_RETOLD
            } else {
                0
            };
    }
    if !noted.is_empty() {
        shared
            .reach
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(noted);
    }
}

/// Up to `k` distinct candidates of `0..n` with a tie of some strength,
/// drawn one after another with chances in proportion to their strengths
/// (successive sampling), by the exponential race of Efraimidis and
/// Spirakis: each candidate's key is an exponential draw over its strength,
/// and the `k` smallest keys win. The winners come back in index order, in
/// `race`, which is reused between tellers.
fn race_of_strengths<'r, R: rand::Rng>(
    n: usize,
    k: usize,
    candidate: impl Fn(usize) -> (u32, f64),
    r: &mut R,
    race: &'r mut Vec<(f64, u32)>,
) -> &'r [(f64, u32)] {
    race.clear();
    for x in 0..n {
        let strength = candidate(x).1;
        if strength > 0.0 {
            let e = -(1.0 - r.random::<f64>()).ln();
            race.push((e / strength, x as u32));
        }
    }
    if k < race.len() {
        race.select_nth_unstable_by(k, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        race.truncate(k);
    }
    race.sort_unstable_by_key(|&(_, x)| x);
    race
}

/// Calls `f` on `k` distinct indices of `0..n`, each k-subset equally
/// likely, without allocating: Floyd's algorithm when k is small against n,
/// otherwise selection sampling (Knuth's algorithm S).
pub fn choose_distinct<R: rand::Rng>(n: usize, k: usize, r: &mut R, mut f: impl FnMut(usize)) {
    if k == 0 {
        return;
    }
    if k == n {
        (0..n).for_each(f);
        return;
    }
    const SMALL: usize = 16;
    if k <= SMALL && n > 4 * k {
        let mut chosen = [0usize; SMALL];
        for (c, t) in (n - k..n).enumerate() {
            let x = r.random_range(0..=t);
            chosen[c] = if chosen[..c].contains(&x) { t } else { x };
        }
        chosen[..k].iter().for_each(|&x| f(x));
        return;
    }
    let mut needed = k;
    for seen in 0..n {
        if r.random_range(0..n - seen) < needed {
            f(seen);
            needed -= 1;
            if needed == 0 {
                break;
            }
        }
    }
}
