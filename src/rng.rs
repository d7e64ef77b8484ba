//! Keyed random streams.
//!
//! Every random draw in grapevine comes from a generator keyed by
//! (seed, replication, tick, agent, purpose). Because the key, not the order
//! in which threads happen to run, decides the numbers, a scenario gives the
//! same results on one thread or sixteen, and two variants of a scenario draw
//! the same numbers wherever they do not differ (common random numbers).

use rand_pcg::Pcg64Mcg;

/// What a stream is used for: two purposes never share numbers even for the
/// same agent and tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Purpose {
    /// Building the network.
    Network = 1,
    /// Assigning agents to groups.
    Population = 2,
    /// Initial attitudes and awareness.
    Init = 3,
    /// Phase 1: purchases and the quality of experiences.
    Experience = 4,
    /// Phase 2: fan-out and choice of hearers.
    Telling = 5,
    /// Phase 3: whether a hearer retells.
    Hearing = 6,
    /// Phase 4: conversions, lapses, win-backs.
    Decision = 7,
    /// Phase 5: where a mover goes (who moves is `Move`).
    Mobility = 8,
    /// Choosing colleagues (workplace ties).
    Workplace = 9,
    /// Who a one-off event chooses at random.
    Event = 10,
    /// Which stories have their reach tracked.
    Reach = 11,
    /// Where the network picture starts its layout.
    Layout = 12,
    /// Which agents the network picture shows of a large town.
    Picture = 13,
    /// Phase 1: whether a customer buys this tick (the quality of what
    /// they get is drawn from the `Experience` stream).
    Purchase = 14,
    /// Phase 5: whether an agent changes organisation this tick.
    Move = 15,
}

/// The generator behind every stream: PCG-64 (MCG variant), small, fast and
/// with a documented, portable output sequence.
pub type Stream = Pcg64Mcg;

/// SplitMix64's finaliser: a bijective mix whose output bits each depend on
/// every input bit.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The part of a stream's key that every agent of one tick shares, mixed
/// once: a phase makes its [`Key`] before its loop over agents, and
/// `key.stream(agent)` is exactly `stream(seed, replication, tick, agent,
/// purpose)`, without mixing the seed, replication and tick again for
/// every agent.
#[derive(Debug, Clone, Copy)]
pub struct Key(u64);

impl Key {
    #[inline]
    pub fn new(seed: u64, replication: u32, tick: u32, purpose: Purpose) -> Key {
        let mut h = mix(seed ^ 0x9e37_79b9_7f4a_7c15);
        h = mix(h ^ u64::from(replication));
        Key(mix(h ^ (u64::from(tick) << 8 | purpose as u64)))
    }

    /// The 128-bit state for `agent`; distinct keys give unrelated states.
    #[inline]
    fn state(self, agent: u64) -> u128 {
        let h = mix(self.0 ^ agent);
        let lo = mix(h ^ 0xd1b5_4a32_d192_ed03) | 1;
        (u128::from(h) << 64) | u128::from(lo)
    }

    /// The stream for `agent`.
    #[inline]
    pub fn stream(self, agent: u64) -> Stream {
        Pcg64Mcg::new(self.state(agent))
    }

    /// One uniform draw in [0, 1) for `agent`: the agent-th output of
    /// SplitMix64 seeded with the key (its top 53 bits), for a phase that
    /// needs one number per agent and tick (a purchase, a decision, a
    /// retelling). One multiply and one mix, against two mixes and a
    /// 128-bit multiply to start a stream: these draws are made for almost
    /// every agent every tick. SplitMix64 passes BigCrush; the agents of a
    /// tick read consecutive outputs of it, as it was tested.
    #[inline]
    pub fn uniform(self, agent: u64) -> f64 {
        const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;
        let z = mix(self
            .0
            .wrapping_add(agent.wrapping_add(1).wrapping_mul(GAMMA)));
        (z >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// The well-mixed hash for `agent` (the state's high half).
    #[inline]
    pub fn hash(self, agent: u64) -> u64 {
        mix(self.0 ^ agent)
    }
}

/// The stream for one agent, one tick and one purpose.
#[inline]
pub fn stream(seed: u64, replication: u32, tick: u32, agent: u64, purpose: Purpose) -> Stream {
    Key::new(seed, replication, tick, purpose).stream(agent)
}

/// A well-mixed 64-bit hash of a key, for cheap per-key decisions that need
/// no whole generator (and for deriving sub-seeds).
#[inline]
pub fn hash(seed: u64, replication: u32, tick: u32, agent: u64, purpose: Purpose) -> u64 {
    Key::new(seed, replication, tick, purpose).hash(agent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn same_key_same_numbers() {
        let a: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(stream(7, 1, 2, 3, Purpose::Telling), |r, _| {
                Some(r.random())
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(stream(7, 1, 2, 3, Purpose::Telling), |r, _| {
                Some(r.random())
            })
            .collect();
        assert_eq!(a, b);
    }

    #[test]
    fn each_key_part_changes_the_stream() {
        let base: u64 = stream(7, 1, 2, 3, Purpose::Telling).random();
        let others: [u64; 5] = [
            stream(8, 1, 2, 3, Purpose::Telling).random(),
            stream(7, 2, 2, 3, Purpose::Telling).random(),
            stream(7, 1, 3, 3, Purpose::Telling).random(),
            stream(7, 1, 2, 4, Purpose::Telling).random(),
            stream(7, 1, 2, 3, Purpose::Hearing).random(),
        ];
        for o in others {
            assert_ne!(base, o);
        }
    }

    #[test]
    fn a_tick_key_gives_the_same_streams_as_the_whole_key() {
        // The formula before keys were split, written out.
        let whole = |seed: u64, rep: u32, tick: u32, agent: u64, p: Purpose| -> u128 {
            let mut h = mix(seed ^ 0x9e37_79b9_7f4a_7c15);
            h = mix(h ^ u64::from(rep));
            h = mix(h ^ (u64::from(tick) << 8 | p as u64));
            h = mix(h ^ agent);
            let lo = mix(h ^ 0xd1b5_4a32_d192_ed03) | 1;
            (u128::from(h) << 64) | u128::from(lo)
        };
        let key = Key::new(7, 3, 11, Purpose::Decision);
        for agent in [0, 1, 99, u64::MAX] {
            let expected = whole(7, 3, 11, agent, Purpose::Decision);
            assert_eq!(key.state(agent), expected);
            assert_eq!(key.hash(agent), (expected >> 64) as u64);
            let a: u64 = key.stream(agent).random();
            let b: u64 = Pcg64Mcg::new(expected).random();
            assert_eq!(a, b);
        }
    }

    #[test]
    fn streams_are_uniform_enough() {
        // First draws of 20,000 neighbouring keys: their mean must be 0.5
        // within 5 standard errors (sd of U(0,1) is 1/sqrt(12)).
        let n = 20_000;
        let mean: f64 = (0..n)
            .map(|a| stream(1, 0, 0, a, Purpose::Experience).random::<f64>())
            .sum::<f64>()
            / n as f64;
        let se = (1.0 / 12.0f64).sqrt() / (n as f64).sqrt();
        assert!((mean - 0.5).abs() < 5.0 * se, "mean {mean}");
    }

    /// `uniform` is SplitMix64 seeded with the key, read in agent order.
    #[test]
    fn uniforms_are_splitmix64_outputs() {
        let key = Key::new(7, 3, 11, Purpose::Decision);
        let mut state = key.0;
        for agent in 0..1000 {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let expected = (mix(state) >> 11) as f64 / (1u64 << 53) as f64;
            assert_eq!(key.uniform(agent), expected);
        }
    }

    /// The uniforms of neighbouring agents over many ticks: 20 equal bins
    /// filled evenly (chi-square under its 0.999 quantile for 19 degrees
    /// of freedom, 43.8) and no correlation between an agent's draw and
    /// its neighbour's (within 4 standard errors of 0).
    #[test]
    fn uniforms_are_even_and_unrelated() {
        let (agents, ticks) = (5_000u64, 40u32);
        let mut bins = [0u64; 20];
        let (mut sum_xy, mut n) = (0.0, 0.0);
        for tick in 0..ticks {
            let key = Key::new(1, 0, tick, Purpose::Purchase);
            let mut last = key.uniform(0);
            for agent in 0..agents {
                let u = key.uniform(agent);
                assert!((0.0..1.0).contains(&u));
                bins[(u * 20.0) as usize] += 1;
                if agent > 0 {
                    sum_xy += (u - 0.5) * (last - 0.5);
                    n += 1.0;
                }
                last = u;
            }
        }
        let expected = (agents * u64::from(ticks)) as f64 / 20.0;
        let chi2: f64 = bins
            .iter()
            .map(|&b| (b as f64 - expected).powi(2) / expected)
            .sum();
        assert!(chi2 < 43.8, "chi-square {chi2}");
        // Each product has variance (1/12)^2, so its mean's se is
        // (1/12) / sqrt(n).
        let corr = sum_xy / n;
        assert!(corr.abs() < 4.0 / 12.0 / n.sqrt(), "covariance {corr}");
    }
}
