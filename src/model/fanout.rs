//! Drawing a teller's fan-out from its distribution.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Gamma, Poisson};

use crate::scenario::FanOut;
use crate::scenario::params::MAX_FAN_OUT;

/// A fan-out distribution made ready to draw from (its constants computed once).
#[derive(Debug, Clone)]
pub enum Sampler {
    Fixed(u32),
    Uniform(u32, u32),
    Poisson(Poisson<f64>),
    /// Negative binomial as a Poisson whose mean is Gamma-distributed.
    NegativeBinomial(Gamma<f64>),
}

impl Sampler {
    pub fn new(f: &FanOut) -> Sampler {
        match *f {
            FanOut::Fixed { k } => Sampler::Fixed(k),
            FanOut::Uniform { min, max } => Sampler::Uniform(min, max),
            FanOut::Poisson { mean } => match Poisson::new(mean) {
                Ok(p) => Sampler::Poisson(p),
                Err(_) => Sampler::Fixed(0),
            },
            FanOut::NegativeBinomial { mean, dispersion } => {
                match Gamma::new(dispersion, mean / dispersion) {
                    Ok(g) if mean > 0.0 => Sampler::NegativeBinomial(g),
                    _ => Sampler::Fixed(0),
                }
            }
        }
    }

    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u32 {
        let k = match self {
            Sampler::Fixed(k) => *k,
            Sampler::Uniform(lo, hi) => rng.random_range(*lo..=*hi),
            Sampler::Poisson(p) => p.sample(rng) as u32,
            Sampler::NegativeBinomial(g) => {
                let lambda = g.sample(rng);
                Poisson::new(lambda).map_or(0, |p| p.sample(rng) as u32)
            }
        };
        k.min(MAX_FAN_OUT as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, stream};

    fn moments(f: FanOut, n: u64) -> (f64, f64) {
        let s = Sampler::new(&f);
        let mut r = stream(3, 0, 0, 0, Purpose::Telling);
        let xs: Vec<f64> = (0..n).map(|_| f64::from(s.sample(&mut r))).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var)
    }

    #[test]
    fn means_and_variances_match_the_distributions() {
        let n = 40_000;
        // Tolerance: 5 standard errors of the mean.
        let check = |f: FanOut, mean: f64, var: f64| {
            let (m, v) = moments(f, n);
            let se = (var / n as f64).sqrt();
            assert!(
                (m - mean).abs() < 5.0 * se,
                "{f:?}: mean {m}, expected {mean}"
            );
            assert!(
                (v - var).abs() < 0.1 * var + 0.01,
                "{f:?}: variance {v}, expected {var}"
            );
        };
        check(
            FanOut::Uniform { min: 20, max: 30 },
            25.0,
            (11.0f64 * 11.0 - 1.0) / 12.0,
        );
        check(FanOut::Poisson { mean: 2.5 }, 2.5, 2.5);
        check(
            FanOut::NegativeBinomial {
                mean: 25.0,
                dispersion: 2.0,
            },
            25.0,
            25.0 + 625.0 / 2.0,
        );
        assert_eq!(moments(FanOut::Fixed { k: 3 }, 10), (3.0, 0.0));
    }
}
