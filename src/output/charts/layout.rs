//! Where labels go, computed rather than drawn, so that it can be tested:
//! the lanes events' names sit in above a panel, and the labels at the end
//! of a panel's lines.

/// An event as the lanes see it: where its mark starts and where its name
/// ends, in pixels along the time axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub start: f64,
    pub end: f64,
}

/// The lane (0 nearest the plot) of each span, in order: the first lane
/// where it starts after everything already there has ended (with `gap`
/// pixels between), so no two names in a lane overlap.
pub fn lanes(spans: &[Span], gap: f64) -> Vec<usize> {
    let mut ends: Vec<f64> = Vec::new();
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by(|&a, &b| spans[a].start.total_cmp(&spans[b].start));
    let mut lane = vec![0; spans.len()];
    for i in order {
        let s = spans[i];
        let k = ends
            .iter()
            .position(|&end| s.start >= end + gap)
            .unwrap_or(ends.len());
        if k == ends.len() {
            ends.push(s.end);
        } else {
            ends[k] = s.end;
        }
        lane[i] = k;
    }
    lane
}

/// Vertical positions (pixels, down from the top) for labels that want to
/// sit at `wanted`, each `height` tall, kept within `top..bottom`: as near
/// their lines' ends as they can be without two overlapping.
pub fn spread(wanted: &[f64], height: f64, top: f64, bottom: f64) -> Vec<f64> {
    let n = wanted.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| wanted[a].total_cmp(&wanted[b]));
    let lo = top + height / 2.0;
    let hi = (bottom - height / 2.0).max(lo);
    let mut y: Vec<f64> = order.iter().map(|&i| wanted[i].clamp(lo, hi)).collect();
    // Push down past any overlap, then back up from the bottom edge.
    for k in 1..n {
        y[k] = y[k].max(y[k - 1] + height);
    }
    if n > 0 && y[n - 1] > hi {
        y[n - 1] = hi;
        for k in (0..n - 1).rev() {
            y[k] = y[k].min(y[k + 1] - height);
        }
    }
    let mut out = vec![0.0; n];
    for (k, &i) in order.iter().enumerate() {
        out[i] = y[k];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlap(a: Span, b: Span) -> bool {
        a.start < b.end && b.start < a.end
    }

    #[test]
    fn names_in_one_lane_never_overlap() {
        // Three windows over the same weeks, one after, one at the start.
        let spans = [
            Span {
                start: 100.0,
                end: 400.0,
            },
            Span {
                start: 120.0,
                end: 380.0,
            },
            Span {
                start: 130.0,
                end: 300.0,
            },
            Span {
                start: 420.0,
                end: 600.0,
            },
            Span {
                start: 10.0,
                end: 90.0,
            },
        ];
        let lane = lanes(&spans, 8.0);
        for i in 0..spans.len() {
            for j in i + 1..spans.len() {
                if lane[i] == lane[j] {
                    assert!(
                        !overlap(spans[i], spans[j]),
                        "{i} and {j} share lane {}",
                        lane[i]
                    );
                }
            }
        }
        assert_eq!(
            lane.iter().max(),
            Some(&2),
            "three at once need three lanes"
        );
        assert_eq!(lane[3], 0, "a later event reuses the first lane");
    }

    #[test]
    fn end_labels_never_overlap_and_stay_near_their_lines() {
        let height = 30.0;
        // Four lines ending almost together, one far away.
        let wanted = [300.0, 305.0, 310.0, 302.0, 600.0];
        let y = spread(&wanted, height, 100.0, 700.0);
        for i in 0..y.len() {
            for j in i + 1..y.len() {
                assert!((y[i] - y[j]).abs() >= height - 1e-9, "{i} and {j}: {y:?}");
            }
            assert!((100.0..=700.0).contains(&y[i]));
        }
        assert_eq!(y[4], 600.0, "a lone label stays at its line");
        // Labels crowded at the bottom edge stay inside it.
        let y = spread(&[690.0, 695.0, 699.0], height, 100.0, 700.0);
        assert!(y.iter().all(|&v| v <= 700.0 - height / 2.0 + 1e-9), "{y:?}");
        let mut sorted = y.clone();
        sorted.sort_by(f64::total_cmp);
        assert!(sorted.windows(2).all(|w| w[1] - w[0] >= height - 1e-9));
    }
}
