//! Where to draw each agent: a force-directed layout (Fruchterman and
//! Reingold, "Graph drawing by force-directed placement", 1991), computed
//! once for the network pictures.
//!
//! Ties pull their ends together with a force d²/k, every pair pushes apart
//! with k²/d (k, the ideal distance, is sqrt(area / n)), and each step moves
//! a node at most the current "temperature", which cools linearly to zero.
//! Repulsion is counted only between nodes within 1.5k of each other, found
//! through a grid of cells that size (the speed-up of the same paper, which
//! uses 2k), so a step costs O(n + edges) while the picture is not crowded. A weak pull to the centre keeps separate
//! components and lone agents on the picture. The start is random from the
//! scenario's seed and every sum runs in a fixed order, so the same network
//! and seed give the same picture on any machine.

use rand::RngExt;
use rayon::prelude::*;

use crate::rng::{self, Purpose};

/// Steps of the layout: enough for a few thousand nodes to settle.
const STEPS: usize = 150;

/// How far the push between nodes reaches, in ideal distances: beyond it
/// the push is small, and ignoring it keeps a step's work in proportion to
/// the nodes however crowded the picture gets.
const REACH: f64 = 1.5;

/// The pull to the centre: at the frame's edge, as strong as this many
/// ties at their ideal length. Weak, so that it keeps lone agents and
/// small components on the picture without crushing the rest together.
const GRAVITY: f64 = 2.0;

/// Positions in the unit square (x right, y down), with a margin, for `n`
/// nodes joined by `edges` (pairs of node indices).
pub fn force_directed(n: usize, edges: &[(u32, u32)], seed: u64) -> Vec<(f32, f32)> {
    if n == 0 {
        return Vec::new();
    }
    let mut r = rng::stream(seed, 0, 0, 0, Purpose::Layout);
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|_| (r.random::<f64>(), r.random::<f64>()))
        .collect();
    let k = (1.0 / n as f64).sqrt();
    let cell = REACH * k;
    let side = ((1.0 / cell).ceil() as usize).clamp(1, 1024);
    let mut disp = vec![(0.0f64, 0.0f64); n];
    let mut grid: Vec<Vec<u32>> = vec![Vec::new(); side * side];
    let cell_of = |p: (f64, f64)| {
        let cx = ((p.0 / cell).floor().max(0.0) as usize).min(side - 1);
        let cy = ((p.1 / cell).floor().max(0.0) as usize).min(side - 1);
        (cx, cy)
    };
    for step in 0..STEPS {
        let temperature = 0.1 * (1.0 - step as f64 / STEPS as f64);
        grid.iter_mut().for_each(Vec::clear);
        for (i, &p) in pos.iter().enumerate() {
            let (cx, cy) = cell_of(p);
            grid[cy * side + cx].push(i as u32);
        }
        // Each node's push from those near it, in parallel: each sum runs
        // over the grid in a fixed order, so threads do not change it.
        let (pos_now, grid_now) = (&pos, &grid);
        disp.par_iter_mut().enumerate().for_each(|(i, d)| {
            let p = pos_now[i];
            // The pull to the centre (0.5, 0.5).
            *d = (
                (0.5 - p.0) * 2.0 * GRAVITY * k,
                (0.5 - p.1) * 2.0 * GRAVITY * k,
            );
            let (cx, cy) = cell_of(p);
            for gy in cy.saturating_sub(1)..(cy + 2).min(side) {
                for gx in cx.saturating_sub(1)..(cx + 2).min(side) {
                    for &j in &grid_now[gy * side + gx] {
                        if j as usize == i {
                            continue;
                        }
                        let q = pos_now[j as usize];
                        let (dx, dy) = (p.0 - q.0, p.1 - q.1);
                        let dist2 = (dx * dx + dy * dy).max(1e-12);
                        if dist2 > cell * cell {
                            continue;
                        }
                        let f = k * k / dist2;
                        d.0 += dx * f;
                        d.1 += dy * f;
                    }
                }
            }
        });
        for &(u, v) in edges {
            let (u, v) = (u as usize, v as usize);
            if u == v {
                continue;
            }
            let (dx, dy) = (pos[u].0 - pos[v].0, pos[u].1 - pos[v].1);
            let dist = (dx * dx + dy * dy).sqrt();
            let f = dist / k;
            disp[u].0 -= dx * f;
            disp[u].1 -= dy * f;
            disp[v].0 += dx * f;
            disp[v].1 += dy * f;
        }
        for (p, d) in pos.iter_mut().zip(&disp) {
            let len = (d.0 * d.0 + d.1 * d.1).sqrt();
            if len > 0.0 {
                let step = len.min(temperature);
                p.0 = (p.0 + d.0 / len * step).clamp(0.0, 1.0);
                p.1 = (p.1 + d.1 / len * step).clamp(0.0, 1.0);
            }
        }
    }
    fit(&pos)
}

/// Scales positions to fill the unit square less a margin, keeping their
/// proportions, centred.
fn fit(pos: &[(f64, f64)]) -> Vec<(f32, f32)> {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in pos {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let span = (x1 - x0).max(y1 - y0).max(1e-9);
    let margin = 0.03;
    let scale = (1.0 - 2.0 * margin) / span;
    let (ox, oy) = (
        (1.0 - (x1 - x0) * scale) / 2.0,
        (1.0 - (y1 - y0) * scale) / 2.0,
    );
    pos.iter()
        .map(|&(x, y)| {
            (
                ((x - x0) * scale + ox) as f32,
                ((y - y0) * scale + oy) as f32,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(a: (f32, f32), b: (f32, f32)) -> f32 {
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
    }

    #[test]
    fn ties_end_up_closer_than_strangers_and_all_in_the_square() {
        // Two rings of 40, joined by one tie.
        let mut edges: Vec<(u32, u32)> = (0..40).map(|i| (i, (i + 1) % 40)).collect();
        edges.extend((0..40).map(|i| (40 + i, 40 + (i + 1) % 40)));
        edges.push((0, 40));
        let pos = force_directed(80, &edges, 7);
        assert!(
            pos.iter()
                .all(|&(x, y)| (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y))
        );
        let tied: f32 = edges
            .iter()
            .map(|&(u, v)| dist(pos[u as usize], pos[v as usize]))
            .sum::<f32>()
            / edges.len() as f32;
        let mut apart = 0.0;
        for i in 0..40 {
            apart += dist(pos[i], pos[40 + i]);
        }
        apart /= 40.0;
        assert!(tied * 3.0 < apart, "ties {tied}, across rings {apart}");
    }

    #[test]
    fn the_same_graph_and_seed_give_the_same_layout() {
        let edges: Vec<(u32, u32)> = (0..99).map(|i| (i, i + 1)).collect();
        assert_eq!(
            force_directed(100, &edges, 3),
            force_directed(100, &edges, 3)
        );
        assert_ne!(
            force_directed(100, &edges, 3),
            force_directed(100, &edges, 4)
        );
    }
}
