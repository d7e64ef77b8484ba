//! Random graph generators. Each draws from one stream keyed by the
//! scenario's seed (purpose: network), so a scenario always gets the same
//! graph.

use rand::RngExt;
use rayon::prelude::*;

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
    let ends_of_clique: Vec<u32> = clique.iter().flat_map(|&(a, b)| [a, b]).collect();
    let targets = attach(n, m, core, &ends_of_clique, &mut stream(seed, 0));
    let mut edges = clique;
    edges.reserve_exact(targets.len());
    edges.par_extend(
        targets
            .par_iter()
            .enumerate()
            .map(|(k, &t)| ((core + k / m) as u32, t)),
    );
    drop(targets);
    Graph::from_edges(n, edges)
}

/// The targets of preferential attachment, m a node from `core` on, in
/// order: each node draws an end of an edge made so far (every end
/// equally likely) until it has m distinct nodes, a repeat drawn again.
///
/// The ends are (v, t) for each edge after the clique's: a first end is
/// the node that made the edge, known from its position, so only the
/// targets are kept (half the memory, and half the draws read none).
///
/// Drawn node by node, each draw waits for memory (a large graph's targets
/// are far bigger than the cache) and the loop keeps one core busy while
/// the others wait. But where a draw lands depends on the stream alone:
/// only whether a node drew a repeat depends on what was drawn. So a block
/// of nodes is drawn ahead as if none drew a repeat; what each draw reads
/// is then found across threads (a draw of an edge of the same block
/// follows it back); the block holds up to its first node with a repeat,
/// which is drawn again as one node, and the next block starts after it.
/// The same stream, the same draws, the same graph as node by node
/// (unit test against the generator that kept every end); repeats are
/// rare but in the first few thousand nodes, where blocks are small.
fn attach(n: usize, m: usize, core: usize, clique: &[u32], r: &mut Stream) -> Vec<u32> {
    let mut targets: Vec<u32> = Vec::with_capacity(n.saturating_sub(core) * m);
    if m == 0 {
        return targets;
    }
    let ends_before = |v: usize| clique.len() + 2 * m * (v - core);
    let (mut draws, mut starts) = (Vec::new(), Vec::new());
    let mut v = core;
    while v < n {
        let block = block_at(v, m).min(n - v);
        draws.clear();
        starts.clear();
        for u in v..v + block {
            starts.push(r.clone());
            draws.extend((0..m).map(|_| r.random_range(0..ends_before(u))));
        }
        let read = |draw: usize| read_back(&draws, draw, clique, core, m, &targets);
        let found: Vec<u32> = if draws.len() < 4096 {
            (0..draws.len()).map(read).collect()
        } else {
            (0..draws.len()).into_par_iter().map(read).collect()
        };
        let repeat = |drawn: &[u32]| (1..m).any(|j| drawn[..j].contains(&drawn[j]));
        let held = found.par_chunks(m).position_first(repeat);
        targets.extend_from_slice(&found[..held.unwrap_or(block) * m]);
        let Some(b) = held else {
            v += block;
            continue;
        };

        // The node that drew a repeat, as node by node: from its stream,
        // every draw reading what is now written.
        *r = starts[b].clone();
        let ends = ends_before(v + b);
        let mut chosen: Vec<u32> = Vec::with_capacity(m);
        while chosen.len() < m {
            let t = read_back(&[r.random_range(0..ends)], 0, clique, core, m, &targets);
            if !chosen.contains(&t) {
                chosen.push(t);
            }
        }
        targets.extend_from_slice(&chosen);
        v += b + 1;
    }
    targets
}

/// How many nodes to draw ahead from node `v`: at most about one block in
/// five holds a repeat (a node draws one with a chance of about
/// m (m - 1) ln v / 8v, a hub being drawn twice), so little is drawn in
/// vain, and a block is large enough to share between threads.
fn block_at(v: usize, m: usize) -> usize {
    let v = v.max(2) as f64;
    let nodes = 1.6 * v / ((m * m) as f64 * v.ln());
    (nodes as usize).clamp(64, 1 << 16)
}

/// The node at the end that `draws[k]` drew: of the clique, the maker of
/// an edge (known from its position), or a target, in `targets` if written
/// before the block and otherwise that of an earlier draw of the block
/// (followed back: each draw reads only ends made before its node's).
#[inline]
fn read_back(
    draws: &[usize],
    mut k: usize,
    clique: &[u32],
    core: usize,
    m: usize,
    targets: &[u32],
) -> u32 {
    loop {
        let at = draws[k];
        let Some(q) = at.checked_sub(clique.len()) else {
            return clique[at];
        };
        let edge = q / 2;
        if q % 2 == 0 {
            return (core + edge / m) as u32;
        }
        match edge.checked_sub(targets.len()) {
            None => return targets[edge],
            Some(later) => k = later,
        }
    }
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

    /// The generator as first written, node by node, every end of every
    /// edge kept: the one that keeps only the targets and draws by blocks
    /// must make the same graphs.
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
        // Small graphs, one node per draw; blocks of every size with
        // repeats in many (m = 10 and 50); and a graph of many blocks,
        // the later ones read across threads (4,096 draws or more: from
        // about node 90,000 with m = 3).
        for (n, m, seed) in [
            (2_000, 5, 1),
            (5_000, 1, 7),
            (3, 5, 2),
            (1_000, 3, 41),
            (100, 99, 1),
            (3_000, 50, 4),
            (20_000, 10, 9),
            (200_000, 3, 3),
        ] {
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
