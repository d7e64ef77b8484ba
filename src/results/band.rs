//! Mean and 90% band of a figure across replications, and of every
//! recorded figure tick by tick.

use serde::Serialize;

use crate::record::Recorder;

/// Mean and 90% band of one figure across replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    pub mean: f64,
    pub p05: f64,
    pub p95: f64,
}

impl Band {
    /// No figure: every field not a number.
    pub const NAN: Band = Band {
        mean: f64::NAN,
        p05: f64::NAN,
        p95: f64::NAN,
    };

    /// From the replications' values; percentiles by linear interpolation
    /// between order statistics (numpy's default).
    pub fn of(values: &mut [f64]) -> Band {
        if values.is_empty() {
            return Band {
                mean: f64::NAN,
                p05: f64::NAN,
                p95: f64::NAN,
            };
        }
        values.sort_by(f64::total_cmp);
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        Band {
            mean,
            p05: quantile(values, 0.05),
            p95: quantile(values, 0.95),
        }
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Mean and band across `runs` replications at each of `ticks` ticks of a
/// series each replication gives (`f(replication)`): a measure, a sum of
/// measures, a running total, a paired difference.
pub fn bands_of(runs: usize, ticks: usize, f: impl Fn(usize) -> Vec<f64>) -> Vec<Band> {
    let traces: Vec<Vec<f64>> = (0..runs).map(f).collect();
    (0..ticks)
        .map(|t| {
            let mut values: Vec<f64> = traces.iter().map(|tr| tr[t]).collect();
            Band::of(&mut values)
        })
        .collect()
}

/// Every figure of a run set across replications: `bands[tick][slot][measure]`.
#[derive(Debug, Clone)]
pub struct Aggregate {
    pub bands: Vec<Vec<Vec<Band>>>,
}

/// Aggregates replications tick by tick.
pub fn aggregate(runs: &[Recorder]) -> Aggregate {
    let Some(first) = runs.first() else {
        return Aggregate { bands: Vec::new() };
    };
    let ticks = first.frames.len();
    let width = first.measures.len().max(1);
    let slots = first.frames.first().map_or(0, |f| f.len() / width);
    let mut values = vec![0.0; runs.len()];
    let bands = (0..ticks)
        .map(|t| {
            (0..slots)
                .map(|s| {
                    (0..width)
                        .map(|m| {
                            values
                                .iter_mut()
                                .zip(runs)
                                .for_each(|(v, r)| *v = r.value(t, s, m));
                            Band::of(&mut values)
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    Aggregate { bands }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_use_interpolated_percentiles() {
        let mut v: Vec<f64> = (0..=100).map(f64::from).collect();
        let b = Band::of(&mut v);
        assert_eq!((b.mean, b.p05, b.p95), (50.0, 5.0, 95.0));
        let b = Band::of(&mut [3.0]);
        assert_eq!((b.mean, b.p05, b.p95), (3.0, 3.0, 3.0));
    }
}
