//! Random graph generators. Each draws from one stream keyed by the
//! scenario's seed (purpose: network), so a scenario always gets the same
//! graph.

use rand::RngExt;

use super::{Dropped, Graph};
use crate::rng::{self, Purpose, Stream};

fn stream(seed: u64, part: u64) -> Stream {
    rng::stream(seed, 0, 0, part, Purpose::Network)
}

/// Appends G(n, p) edges among nodes `first..first + n` in O(n + edges), by
/// geometric skips over the pairs (Batagelj and Brandes, 2005).
fn gnp_into(edges: &mut Vec<(u32, u32)>, first: usize, n: usize, p: f64, r: &mut Stream) {
    if p <= 0.0 || n < 2 {
        return;
    }
    if p >= 1.0 {
        for v in 1..n {
            for w in 0..v {
                edges.push(((first + v) as u32, (first + w) as u32));
            }
        }
        return;
    }
    let log_q = (1.0 - p).ln();
    let (mut v, mut w) = (1usize, -1i64);
    while v < n {
        let u: f64 = r.random();
        w += 1 + ((1.0 - u).ln() / log_q).floor() as i64;
        while w >= v as i64 && v < n {
            w -= v as i64;
            v += 1;
        }
        if v < n {
            edges.push(((first + v) as u32, (first + w as usize) as u32));
        }
    }
}

/// Erdős–Rényi G(n, p) with p = mean_degree / (n - 1).
pub fn erdos_renyi(n: usize, mean_degree: f64, seed: u64) -> (Graph, Dropped) {
    let p = mean_degree / (n as f64 - 1.0);
    let mut edges = Vec::with_capacity((n as f64 * mean_degree / 2.0 * 1.05) as usize + 16);
    gnp_into(&mut edges, 0, n, p, &mut stream(seed, 0));
    Graph::from_edges(n, edges)
}

/// Watts–Strogatz: a ring lattice of degree `k`, each edge's far end rewired
/// to a random node with probability `rewire` (a rewiring that lands on an
/// existing edge is dropped, as a duplicate).
pub fn watts_strogatz(n: usize, k: u32, rewire: f64, seed: u64) -> (Graph, Dropped) {
    let r = &mut stream(seed, 0);
    let half = (k / 2) as usize;
    let mut edges = Vec::with_capacity(n * half);
    for i in 0..n {
        for j in 1..=half {
            let mut t = (i + j) % n;
            if r.random::<f64>() < rewire {
                t = r.random_range(0..n - 1);
                if t >= i {
                    t += 1;
                }
            }
            edges.push((i as u32, t as u32));
        }
    }
    Graph::from_edges(n, edges)
}

/// Barabási–Albert preferential attachment: a complete core of m + 1 nodes,
/// then each new node links to m distinct nodes chosen with probability
/// proportional to degree (by sampling the list of edge ends).
pub fn barabasi_albert(n: usize, m: u32, seed: u64) -> (Graph, Dropped) {
    let m = m as usize;
    let core = (m + 1).min(n);
    let mut clique = Vec::new();
    for v in 1..core {
        for w in 0..v {
            clique.push((v as u32, w as u32));
        }
    }
    // Preferential attachment draws an end of an edge made so far, every
    // end equally likely. The ends are (v, t) for each edge, after the
    // clique's: a first end is the node that made the edge, known from
    // its position, so only the targets are kept (half the memory, and
    // half the draws read none).
    let ends_of_clique: Vec<u32> = clique.iter().flat_map(|&(a, b)| [a, b]).collect();
    let mut targets: Vec<u32> = Vec::with_capacity(n.saturating_sub(core) * m);
    let end = |targets: &[u32], at: usize| -> u32 {
        match at.checked_sub(ends_of_clique.len()) {
            None => ends_of_clique[at],
            Some(q) if q % 2 == 0 => (core + q / 2 / m) as u32,
            Some(q) => targets[q / 2],
        }
    };
    let r = &mut stream(seed, 0);
    let mut chosen: Vec<u32> = Vec::with_capacity(m);
    for _ in core..n {
        let ends = ends_of_clique.len() + 2 * targets.len();
        chosen.clear();
        while chosen.len() < m {
            let t = end(&targets, r.random_range(0..ends));
            if !chosen.contains(&t) {
                chosen.push(t);
            }
        }
        targets.extend_from_slice(&chosen);
    }
    let mut edges = clique;
    edges.reserve_exact(targets.len());
    edges.extend(
        targets
            .iter()
            .enumerate()
            .map(|(k, &t)| ((core + k / m) as u32, t)),
    );
    drop(targets);
    Graph::from_edges(n, edges)
}

/// Everyone linked to everyone.
pub fn complete(n: usize) -> (Graph, Dropped) {
    let mut edges = Vec::with_capacity(n * n.saturating_sub(1) / 2);
    for v in 1..n {
        for w in 0..v {
            edges.push((v as u32, w as u32));
        }
    }
    Graph::from_edges(n, edges)
}

/// Organisation of agent `i` when `n` agents fill `orgs` workplaces of
/// near-equal size, in order.
pub fn organisation_of(i: usize, n: usize, orgs: u32) -> u32 {
    (i as u128 * u128::from(orgs) / n as u128) as u32
}

/// A block model of workplaces: G(n, p) inside each organisation with mean
/// degree `within`, plus random ties between organisations with mean degree
/// `between`.
pub fn organisations(
    n: usize,
    orgs: u32,
    within: f64,
    between: f64,
    seed: u64,
) -> ((Graph, Dropped), Vec<u32>) {
    let org: Vec<u32> = (0..n).map(|i| organisation_of(i, n, orgs)).collect();
    let mut edges = Vec::with_capacity((n as f64 * (within + between) / 2.0 * 1.05) as usize + 16);
    let r = &mut stream(seed, 0);
    let mut start = 0;
    while start < n {
        let mut end = start;
        while end < n && org[end] == org[start] {
            end += 1;
        }
        let size = end - start;
        if size > 1 {
            gnp_into(&mut edges, start, size, within / (size as f64 - 1.0), r);
        }
        start = end;
    }
    let cross = (n as f64 * between / 2.0).round() as u64;
    if orgs > 1 {
        let r = &mut stream(seed, 1);
        for _ in 0..cross {
            loop {
                let (u, v) = (r.random_range(0..n), r.random_range(0..n));
                if org[u] != org[v] {
                    edges.push((u as u32, v as u32));
                    break;
                }
            }
        }
    }
    (Graph::from_edges(n, edges), org)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_degree(g: &Graph) -> f64 {
        2.0 * g.edges() as f64 / g.nodes() as f64
    }

    #[test]
    fn erdos_renyi_has_the_asked_mean_degree() {
        // Edges ~ Binomial(C(n,2), p): sd of the mean degree is about
        // sqrt(2 k / n); allow 5 of them.
        let (n, k) = (20_000, 8.0);
        let (g, d) = erdos_renyi(n, k, 11);
        let sd = (2.0 * k / n as f64).sqrt();
        assert!(
            (mean_degree(&g) - k).abs() < 5.0 * sd,
            "{}",
            mean_degree(&g)
        );
        assert_eq!(d, Dropped::default());
    }

    #[test]
    fn watts_strogatz_without_rewiring_is_a_ring_lattice() {
        let (g, _) = watts_strogatz(100, 4, 0.0, 1);
        assert!((0..100).all(|i| g.degree(i) == 4));
        assert_eq!(g.neighbours(0), &[1, 2, 98, 99]);
    }

    #[test]
    fn barabasi_albert_has_m_edges_per_new_node_and_hubs() {
        let (n, m) = (10_000, 3);
        let (g, d) = barabasi_albert(n, m, 5);
        assert_eq!(d, Dropped::default());
        assert_eq!(g.edges(), 6 + (n as u64 - 4) * 3);
        assert!((0..n).all(|i| g.degree(i) >= m as usize));
        assert!(
            g.max_degree() > 20 * m as usize,
            "max degree {}",
            g.max_degree()
        );
    }

    #[test]
    fn organisations_tie_mostly_within() {
        let (n, orgs) = (5_000, 50);
        let ((g, _), org) = organisations(n, orgs, 6.0, 2.0, 9);
        let (mut inside, mut across) = (0u64, 0u64);
        for u in 0..n {
            for &v in g.neighbours(u) {
                if org[u] == org[v as usize] {
                    inside += 1
                } else {
                    across += 1
                }
            }
        }
        let share = inside as f64 / (inside + across) as f64;
        assert!((share - 0.75).abs() < 0.03, "inside share {share}");
        assert_eq!(org[0], 0);
        assert_eq!(org[n - 1], orgs - 1);
    }

    #[test]
    fn complete_graph_has_every_pair() {
        let (g, _) = complete(30);
        assert_eq!(g.edges(), 30 * 29 / 2);
    }

    /// The generator as first written, every end of every edge kept: the
    /// one that keeps only the targets must make the same graphs.
    fn barabasi_albert_keeping_every_end(n: usize, m: usize, seed: u64) -> Graph {
        let core = (m + 1).min(n);
        let mut edges = Vec::new();
        for v in 1..core {
            for w in 0..v {
                edges.push((v as u32, w as u32));
            }
        }
        let mut ends: Vec<u32> = edges.iter().flat_map(|&(a, b)| [a, b]).collect();
        let r = &mut stream(seed, 0);
        let mut chosen: Vec<u32> = Vec::new();
        for v in core..n {
            chosen.clear();
            while chosen.len() < m {
                let t = ends[r.random_range(0..ends.len())];
                if !chosen.contains(&t) {
                    chosen.push(t);
                }
            }
            for &t in &chosen {
                edges.push((v as u32, t));
                ends.push(v as u32);
                ends.push(t);
            }
        }
        Graph::from_edges(n, edges).0
    }

    #[test]
    fn keeping_only_the_targets_makes_the_same_graphs() {
        for (n, m, seed) in [(2_000, 5, 1), (5_000, 1, 7), (3, 5, 2), (1_000, 3, 41)] {
            let (g, _) = barabasi_albert(n, m as u32, seed);
            assert_eq!(
                g,
                barabasi_albert_keeping_every_end(n, m, seed),
                "{n} {m} {seed}"
            );
        }
    }

    #[test]
    fn generators_are_keyed_by_seed() {
        assert_eq!(barabasi_albert(500, 2, 1).0, barabasi_albert(500, 2, 1).0);
        assert_ne!(barabasi_albert(500, 2, 1).0, barabasi_albert(500, 2, 2).0);
    }
}
