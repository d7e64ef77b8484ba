//! Where labels go, computed rather than drawn, so that it can be tested:
//! the lanes events' names sit in above a panel, and the labels at the end
//! of a panel's lines. Both lie outside the plot (above it, and to its
//! right), so no label ever covers a line.

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

/// A box on the drawing, in pixels: left, top, width, height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boxed {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

#[cfg(test)]
impl Boxed {
    pub fn overlaps(&self, o: &Boxed) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// An event's name and the bar over its window, placed above a plot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventLabel {
    pub name: Boxed,
    pub bar: Boxed,
}

/// The shortest bar an event's window gets (a one-week event on a year's
/// chart would be a speck): 10 px, on every chart and on the studio's page.
pub const MIN_BAR: f64 = 10.0;

/// Geometry of the lanes above a plot: where the plot's top edge is, how
/// far apart lanes are, and how tall a name is.
#[derive(Debug, Clone, Copy)]
pub struct Lanes {
    pub plot_top: f64,
    pub lane: f64,
    pub text: f64,
    /// The right edge no name may cross.
    pub right: f64,
}

/// Event names and window bars above a plot: event `i` starts at pixel
/// `starts[i]`, ends at `ends[i]`, and its name is `widths[i]` wide. A
/// name starts at its event's start unless that would cross the right
/// edge; names share a lane only where neither they nor their bars meet.
pub fn event_labels(starts: &[f64], ends: &[f64], widths: &[f64], g: Lanes) -> Vec<EventLabel> {
    let name_x: Vec<f64> = starts
        .iter()
        .zip(widths)
        .map(|(&s, &w)| (s + 2.0).min(g.right - w - 4.0).max(0.0))
        .collect();
    let spans: Vec<Span> = (0..starts.len())
        .map(|i| Span {
            start: name_x[i].min(starts[i]),
            end: (name_x[i] + widths[i]).max(ends[i].max(starts[i] + MIN_BAR)),
        })
        .collect();
    let lane = lanes(&spans, 16.0);
    (0..starts.len())
        .map(|i| {
            let bottom = g.plot_top - 6.0 - lane[i] as f64 * g.lane;
            EventLabel {
                bar: Boxed {
                    x: starts[i],
                    y: bottom - 4.0,
                    w: (ends[i] - starts[i]).max(MIN_BAR),
                    h: 4.0,
                },
                name: Boxed {
                    x: name_x[i],
                    y: bottom - 6.0 - g.text,
                    w: widths[i],
                    h: g.text,
                },
            }
        })
        .collect()
}

/// How many lanes the events' names take.
pub fn lane_count(labels: &[EventLabel], g: Lanes) -> usize {
    labels
        .iter()
        .map(|l| ((g.plot_top - 6.0 - (l.bar.y + 4.0)) / g.lane).round() as usize + 1)
        .max()
        .unwrap_or(0)
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
    fn event_names_never_overlap_each_other_or_the_plot() {
        let g = Lanes {
            plot_top: 300.0,
            lane: 38.0,
            text: 30.0, // the glyphs' full height at 26 px, descenders included
            right: 700.0,
        };
        // Three windows from the same week, one after them, one running
        // to the right edge, one at the very end with a long name.
        let starts = [100.0, 100.0, 100.0, 450.0, 500.0, 690.0];
        let ends = [180.0, 400.0, 250.0, 480.0, 700.0, 700.0];
        let widths = [160.0, 260.0, 110.0, 90.0, 120.0, 240.0];
        let labels = event_labels(&starts, &ends, &widths, g);
        let boxes: Vec<Boxed> = labels.iter().flat_map(|l| [l.name, l.bar]).collect();
        for (i, a) in boxes.iter().enumerate() {
            // Above the plot, so over none of its lines; inside the panel.
            assert!(
                a.y + a.h <= g.plot_top,
                "box {i} reaches into the plot: {a:?}"
            );
            assert!(
                a.x >= 0.0 && a.x + a.w <= g.right,
                "box {i} leaves the panel: {a:?}"
            );
            for (j, b) in boxes.iter().enumerate().skip(i + 1) {
                assert!(!a.overlaps(b), "boxes {i} and {j} overlap: {a:?} {b:?}");
            }
        }
        assert_eq!(
            lane_count(&labels, g),
            3,
            "three events at once need three lanes"
        );
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
