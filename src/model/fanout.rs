//! Drawing a teller's fan-out from its distribution.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Poisson};

use crate::scenario::FanOut;
use crate::scenario::params::MAX_FAN_OUT;

/// How many people a teller tells: a draw from `f`, at most [`MAX_FAN_OUT`].
/// A negative binomial is a Poisson whose mean is drawn from its Gamma; a
/// mean drawn as 0 tells no one.
pub fn draw<R: Rng + ?Sized>(f: &FanOut, rng: &mut R) -> u32 {
    let most = MAX_FAN_OUT as u32;
    let k = match f {
        FanOut::Fixed { k } => *k,
        FanOut::Uniform { min, max } => rng.random_range(*min..=*max),
        FanOut::Poisson { draw: None, .. } | FanOut::NegativeBinomial { draw: None, .. } => 0,
        FanOut::Poisson { draw: Some(p), .. } => p.sample(rng) as u32,
        FanOut::NegativeBinomial { draw: Some(g), .. } => {
            let lambda: f64 = g.sample(rng);
            if lambda > Poisson::<f64>::MAX_LAMBDA {
                most
            } else {
                Poisson::new(lambda).map_or(0, |p| p.sample(rng) as u32)
            }
        }
    };
    k.min(most)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, stream};

    fn moments(f: FanOut, n: u64) -> (f64, f64) {
        let mut r = stream(3, 0, 0, 0, Purpose::Telling);
        let xs: Vec<f64> = (0..n).map(|_| f64::from(draw(&f, &mut r))).collect();
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
        check(FanOut::poisson(2.5).ok().unwrap(), 2.5, 2.5);
        check(
            FanOut::negative_binomial(25.0, 2.0).ok().unwrap(),
            25.0,
            25.0 + 625.0 / 2.0,
        );
        assert_eq!(moments(FanOut::poisson(0.0).ok().unwrap(), 10), (0.0, 0.0));
        assert_eq!(moments(FanOut::Fixed { k: 3 }, 10), (3.0, 0.0));
    }
}
