//! Expected amounts of work in a variant, before it runs: how many
//! tellings a tick its service, fan-outs and retelling make. The engine's
//! time forecast reads them, and the world sizes its sample of stories for
//! the reach measure by them, so that a huge fan-out cannot fill memory.

use crate::scenario::{Group, Status, Variant};

/// The standard normal distribution function (Abramowitz and Stegun
/// 7.1.26; absolute error under 1.5e-7, plenty for a forecast).
fn normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-z * z).exp();
    if x >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

/// Tellings in one tick of a variant: on average over its timeline, and
/// in its busiest phase.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Tellings {
    pub mean: f64,
    pub peak: f64,
}

/// A rough count of the tellings in one tick of a variant: the first-hand
/// stories its experiences make, each told to its fan-out (no more than the
/// others in the population), and retold hop after hop by the hearers who
/// pass them on, of whom there are no more than the population at each hop.
pub fn tellings(v: &Variant, n: f64, ticks: u32) -> Tellings {
    let per_phase: Vec<f64> = v
        .timeline
        .params
        .iter()
        .map(|groups| groups.iter().map(|g| group_tellings(g, n, ticks)).sum())
        .collect();
    let ticks_in = |k: usize| {
        v.timeline
            .at
            .iter()
            .skip(1)
            .filter(|&&p| p as usize == k)
            .count()
    };
    let total: f64 = per_phase
        .iter()
        .enumerate()
        .map(|(k, t)| t * ticks_in(k) as f64)
        .sum();
    Tellings {
        mean: total / f64::from(ticks.max(1)),
        peak: per_phase.iter().copied().fold(0.0, f64::max),
    }
}

/// One group's share of [`tellings`].
fn group_tellings(g: &Group, n: f64, ticks: u32) -> f64 {
    // Who has experiences: customers and staff; prospects and lapsed
    // customers as far as advertising makes customers of them.
    let buyers = match (g.staff, g.status) {
        (true, _) | (_, Status::Customer) => 1.0,
        (_, Status::Prospect | Status::Lapsed) => (g.market.p * f64::from(ticks)).min(1.0),
        (_, Status::None) => 0.0,
    };
    let s = &g.service;
    let sd = s.quality_sd.max(1e-9);
    let chance = |shift: f64| {
        let mu = s.quality_mean - s.expectation + shift;
        let delight = 1.0 - normal_cdf((s.delight_margin - mu) / sd);
        let failure = normal_cdf((-s.disappoint_margin - mu) / sd);
        (delight, failure)
    };
    let (d1, f1) = chance(s.morale_effect);
    let (d2, f2) = chance(-s.morale_effect);
    let (delight, failure) = (d1.max(d2), f1.max(f2));
    let good = delight + failure * s.recovery_rate;
    let bad = failure * (1.0 - s.recovery_rate);
    let stories = g.share * n * buyers * s.purchase_rate * (good + bad);
    if stories <= 0.0 {
        return 0.0;
    }
    let cap = (n - 1.0).max(0.0);
    let t = &g.telling;
    let fan = (good * t.good.mean().min(cap) + bad * t.bad.mean().min(cap)) / (good + bad);
    let (mut tellers, mut all) = (stories, stories);
    for h in 1..t.max_hops {
        let hearers = (tellers * fan).min(n);
        tellers = hearers * t.retell_probability * t.retell_decay.powi(h as i32 - 1);
        all += tellers;
    }
    all.min(n) * fan
}
