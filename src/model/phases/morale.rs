//! Staff morale: the mean attitude of the staff groups' members, which
//! shifts the quality of the service customers get (`service.morale_effect`).

use crate::model::WordOfMouth;
use crate::model::state::{CHUNK, State};

/// Staff morale: the mean attitude of the staff groups' members (0 when
/// there are none), summed in fixed chunks so it is the same on any
/// number of threads.
pub fn morale(world: &WordOfMouth<'_>, state: &State, parallel: bool) -> f32 {
    if !world.staff {
        return 0.0;
    }
    let n = state.len();
    let part = |c: usize| {
        let (mut sum, mut count) = (0.0f64, 0u64);
        for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
            if world.groups[world.group[i] as usize].staff {
                sum += f64::from(state.attitude[i]);
                count += 1;
            }
        }
        (sum, count)
    };
    let chunks = n.div_ceil(CHUNK);
    let parts: Vec<(f64, u64)> = if parallel {
        use rayon::prelude::*;
        (0..chunks).into_par_iter().map(part).collect()
    } else {
        (0..chunks).map(part).collect()
    };
    mean(parts.into_iter())
}

/// The mean attitude from each chunk's (sum, count) of staff, added in
/// chunk order.
pub fn mean(parts: impl Iterator<Item = (f64, u64)>) -> f32 {
    let (sum, count) = parts.fold((0.0, 0), |(s, c), (ps, pc)| (s + ps, c + pc));
    if count == 0 {
        0.0
    } else {
        (sum / count as f64) as f32
    }
}
