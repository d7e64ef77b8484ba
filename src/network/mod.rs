//! Social networks: generators and edge-list files, built into a compressed
//! sparse row (CSR) graph.
//!
//! A CSR graph keeps every agent's contacts in one array, agent by agent,
//! with an offset array to find where each agent's run starts: two
//! allocations for the whole graph, and a tick's pass over it reads memory
//! in order. The network is built once per scenario from a stream keyed by
//! the scenario's seed, and shared read-only by every replication.

mod edgelist;
pub mod generators;
pub mod layout;
pub mod xml;

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::scenario::{InputError, NetworkSpec};

pub use edgelist::{EdgeList, parse_edge_list, read_edge_list};
pub use generators::organisation_of;
pub use xml::{Format, Reading, XmlGraph, parse_xml, read_xml};

/// An undirected graph in compressed sparse row form: the contacts of agent
/// `i` are `neighbours[offsets[i]..offsets[i + 1]]`, sorted, without
/// duplicates or self-loops. A weighted graph keeps each tie's strength
/// beside it (the same in both directions); an unweighted one keeps none,
/// and every tie counts as 1.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Graph {
    offsets: Vec<u64>,
    neighbours: Vec<u32>,
    /// Each entry of `neighbours`' tie strength, as `f32` bits (so the graph
    /// hashes and compares exactly); empty when the graph is unweighted.
    weights: Vec<u32>,
}

/// What was dropped while building a graph from a list of edges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// Undirected edges listed more than once (counted once each extra time).
    pub duplicate_edges: u64,
    /// Edges from a node to itself.
    pub self_loops: u64,
}

impl Graph {
    /// Builds the graph of `n` nodes from undirected edges. Self-loops and
    /// repeated edges (in either direction) are dropped and counted.
    ///
    /// A counting sort: count each node's degree, place both ends of every
    /// edge in their node's run (by parts of the list side by side, see
    /// `place`), drop the edge list, then sort and deduplicate each run.
    /// It needs the edge list plus one `u32` per adjacency entry at its
    /// peak, rather than a sorted copy of every arc.
    pub fn from_edges(n: usize, edges: Vec<(u32, u32)>) -> (Graph, Dropped) {
        let listed = edges.len() as u64;
        let self_loops = edges.par_iter().filter(|(u, v)| u == v).count() as u64;
        let parts = if edges.len() < ONE_PART_BELOW {
            1
        } else {
            rayon::current_num_threads().clamp(1, 4)
        };
        let (mut offsets, mut neighbours) = place(n, &edges, parts);
        drop(edges);
        // Sort each run and count what is left after removing repeats.
        let mut kept = vec![0u64; n];
        sort_runs(&offsets, 0, &mut neighbours, &mut kept);
        // Close the gaps the repeats left, in order (a generated graph
        // seldom has any).
        let gaps = kept
            .par_iter()
            .enumerate()
            .any(|(i, &k)| k != offsets[i + 1] - offsets[i]);
        if gaps {
            let mut write = 0usize;
            for i in 0..n {
                let (start, len) = (offsets[i] as usize, kept[i] as usize);
                neighbours.copy_within(start..start + len, write);
                offsets[i] = write as u64;
                write += len;
            }
            offsets[n] = write as u64;
            neighbours.truncate(write);
            neighbours.shrink_to_fit();
        }
        let write = neighbours.len();
        let dropped = Dropped {
            self_loops,
            duplicate_edges: listed - self_loops - write as u64 / 2,
        };
        (
            Graph {
                offsets,
                neighbours,
                weights: Vec::new(),
            },
            dropped,
        )
    }

    /// Builds the weighted graph of `n` nodes from undirected edges and
    /// their weights (finite, at least 0). Self-loops are dropped; an edge
    /// listed more than once keeps its largest weight, whatever the order
    /// of the file, and the repeats are counted.
    pub fn from_weighted_edges(
        n: usize,
        edges: Vec<(u32, u32)>,
        weights: &[f32],
    ) -> (Graph, Dropped) {
        let listed = edges.len() as u64;
        let mut arcs: Vec<(u32, u32, u32)> = edges
            .iter()
            .zip(weights)
            .filter(|((u, v), _)| u != v)
            // + 0.0 makes a -0 (which passes a check for at least 0) +0,
            // whose bits sort below every other weight's.
            .flat_map(|(&(u, v), &w)| {
                let bits = (w + 0.0).to_bits();
                [(u, v, bits), (v, u, bits)]
            })
            .collect();
        drop(edges);
        let self_loops = listed - arcs.len() as u64 / 2;
        // Weights are at least 0, so their bits sort as the numbers do: the
        // last of a run of repeats holds the largest.
        arcs.par_sort_unstable();
        let mut offsets = vec![0u64; n + 1];
        let mut neighbours = Vec::with_capacity(arcs.len());
        let mut bits = Vec::with_capacity(arcs.len());
        for (k, &(u, v, w)) in arcs.iter().enumerate() {
            if arcs
                .get(k + 1)
                .is_some_and(|next| (next.0, next.1) == (u, v))
            {
                continue;
            }
            offsets[u as usize + 1] += 1;
            neighbours.push(v);
            bits.push(w);
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let dropped = Dropped {
            self_loops,
            duplicate_edges: listed - self_loops - neighbours.len() as u64 / 2,
        };
        (
            Graph {
                offsets,
                neighbours,
                weights: bits,
            },
            dropped,
        )
    }

    /// The same ties, each with the strength `weight(u, v)` gives it (which
    /// must not depend on the order of `u` and `v`).
    pub fn weighted_by(mut self, weight: impl Fn(usize, usize) -> f32) -> Graph {
        let mut bits = vec![0u32; self.neighbours.len()];
        for i in 0..self.nodes() {
            let run = self.offsets[i] as usize..self.offsets[i + 1] as usize;
            for (slot, &j) in bits[run.clone()].iter_mut().zip(&self.neighbours[run]) {
                *slot = weight(i, j as usize).to_bits();
            }
        }
        self.weights = bits;
        self
    }

    /// Whether ties have strengths of their own.
    pub fn is_weighted(&self) -> bool {
        !self.weights.is_empty()
    }

    /// The strength of agent `i`'s `k`th tie (1 in an unweighted graph).
    #[inline]
    pub fn weight(&self, i: usize, k: usize) -> f32 {
        self.weights
            .get(self.offsets[i] as usize + k)
            .map_or(1.0, |&b| f32::from_bits(b))
    }

    /// The smallest, mean and largest tie strength of a weighted graph.
    pub fn weight_range(&self) -> Option<TieWeights> {
        if self.weights.is_empty() {
            return None;
        }
        let (mut min, mut max, mut sum) = (f64::INFINITY, 0.0f64, 0.0f64);
        for &b in &self.weights {
            let w = f64::from(f32::from_bits(b));
            min = min.min(w);
            max = max.max(w);
            sum += w;
        }
        Some(TieWeights {
            min,
            mean: sum / self.weights.len() as f64,
            max,
        })
    }

    /// The number of agents.
    pub fn nodes(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The number of undirected edges.
    pub fn edges(&self) -> u64 {
        self.neighbours.len() as u64 / 2
    }

    #[inline]
    pub fn degree(&self, i: usize) -> usize {
        (self.offsets[i + 1] - self.offsets[i]) as usize
    }

    #[inline]
    pub fn neighbours(&self, i: usize) -> &[u32] {
        &self.neighbours[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    pub fn max_degree(&self) -> usize {
        (0..self.nodes())
            .into_par_iter()
            .map(|i| self.degree(i))
            .max()
            .unwrap_or(0)
    }
}

/// Edge lists shorter than this are placed by one part, on one thread:
/// below it a second part's table and its thread's start cost more than
/// they save.
const ONE_PART_BELOW: usize = 1 << 22;

/// Each node's offset, and both ends of every edge (but self-loops) in
/// their nodes' runs: a counting sort, by `parts` parts of the list side by
/// side. Each part counts its ends per node in a table of its own, and the
/// tables become each part's cursors into every node's run, so the parts
/// place their ends with no atomic counter (each run holds the parts' ends
/// in part order, each part's in list order; the runs are sorted next).
/// The tables hold 8 bytes a node each.
fn place(n: usize, edges: &[(u32, u32)], parts: usize) -> (Vec<u64>, Vec<u32>) {
    use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
    let size = edges.len().div_ceil(parts.max(1)).max(1);
    let mut cursors: Vec<Vec<u64>> = edges
        .par_chunks(size)
        .map(|part| {
            let mut count = vec![0u64; n];
            for &(u, v) in part {
                if u != v {
                    count[u as usize] += 1;
                    count[v as usize] += 1;
                }
            }
            count
        })
        .collect();
    // Node by node: the run starts where the last ended, and each part's
    // ends follow the parts before it.
    let mut offsets = vec![0u64; n + 1];
    for i in 0..n {
        let mut at = offsets[i];
        for c in cursors.iter_mut() {
            let count = c[i];
            c[i] = at;
            at += count;
        }
        offsets[i + 1] = at;
    }
    let neighbours: Vec<AtomicU32> = (0..offsets[n])
        .into_par_iter()
        .map(|_| AtomicU32::new(0))
        .collect();
    edges
        .par_chunks(size)
        .zip(cursors.par_iter_mut())
        .for_each(|(part, cursor)| {
            // Each slot is written by one part only: a plain store.
            for &(u, v) in part {
                if u != v {
                    neighbours[cursor[u as usize] as usize].store(v, Relaxed);
                    cursor[u as usize] += 1;
                    neighbours[cursor[v as usize] as usize].store(u, Relaxed);
                    cursor[v as usize] += 1;
                }
            }
        });
    drop(cursors);
    let neighbours = neighbours.into_iter().map(AtomicU32::into_inner).collect();
    (offsets, neighbours)
}

/// Sorts and deduplicates the adjacency runs of nodes `first..` held in
/// `runs` (which starts at `offsets[first]`), writing each node's length
/// after deduplication into `kept`; halves in parallel, halved by entries
/// rather than nodes (a preferential-attachment graph's first nodes hold
/// far more of them than its last).
fn sort_runs(offsets: &[u64], first: usize, runs: &mut [u32], kept: &mut [u64]) {
    const ENTRIES: usize = 1 << 15;
    let nodes = kept.len();
    if nodes <= 1 || runs.len() <= ENTRIES {
        let base = offsets[first];
        for (k, keep) in kept.iter_mut().enumerate() {
            let start = (offsets[first + k] - base) as usize;
            let end = (offsets[first + k + 1] - base) as usize;
            let run = &mut runs[start..end];
            run.sort_unstable();
            let mut len = 0;
            for j in 0..run.len() {
                if j == 0 || run[j] != run[len - 1] {
                    run[len] = run[j];
                    len += 1;
                }
            }
            *keep = len as u64;
        }
        return;
    }
    let half = offsets[first] + runs.len() as u64 / 2;
    let mid = offsets[first..first + nodes]
        .partition_point(|&o| o <= half)
        .clamp(1, nodes - 1);
    let split = (offsets[first + mid] - offsets[first]) as usize;
    let (left, right) = runs.split_at_mut(split);
    let (kl, kr) = kept.split_at_mut(mid);
    rayon::join(
        || sort_runs(offsets, first, left, kl),
        || sort_runs(offsets, first + mid, right, kr),
    );
}

/// The spread of a weighted network's tie strengths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TieWeights {
    pub min: f64,
    pub mean: f64,
    pub max: f64,
}

/// Facts about a built network, for `check` and `summary.json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NetworkStats {
    pub agents: u64,
    pub edges: u64,
    pub mean_degree: f64,
    pub max_degree: u64,
    pub isolated: u64,
    pub dropped: Dropped,
    /// The tie strengths, when the network's ties have their own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tie_weights: Option<TieWeights>,
}

/// A built network: the personal ties, and each agent's organisation where
/// the network has organisations.
#[derive(Debug, Clone)]
pub struct Network {
    pub graph: Graph,
    /// The organisation (workplace) of each agent; empty when the network
    /// has none.
    pub organisation: Vec<u32>,
    pub dropped: Dropped,
    /// Each agent's value of the file's group attribute, when the scenario
    /// names one.
    pub labels: Option<Labels>,
    /// Each agent's id in the network file (empty for a generated network,
    /// whose ids are its indices, 0 to n - 1).
    pub ids: Vec<String>,
}

/// Each agent's value of a node attribute: the distinct values, in order of
/// first appearance, and each agent's index among them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    pub attribute: String,
    pub values: Vec<String>,
    pub of: Vec<u32>,
}

impl Labels {
    fn new(attribute: &str, per_node: Vec<String>) -> Self {
        let mut values: Vec<String> = Vec::new();
        let mut index: std::collections::HashMap<String, u32> = Default::default();
        let of = per_node
            .into_iter()
            .map(|v| {
                *index.entry(v).or_insert_with_key(|v| {
                    values.push(v.clone());
                    values.len() as u32 - 1
                })
            })
            .collect();
        Self {
            attribute: attribute.to_string(),
            values,
            of,
        }
    }

    /// Each agent's group: the group named by its value. `Err` lists the
    /// values no group is named for.
    pub fn groups(&self, groups: &[crate::scenario::Group]) -> Result<Vec<u8>, Vec<String>> {
        let group_of: Vec<Option<u8>> = self
            .values
            .iter()
            .map(|v| groups.iter().position(|g| &g.name == v).map(|g| g as u8))
            .collect();
        let missing: Vec<String> = self
            .values
            .iter()
            .zip(&group_of)
            .filter(|(_, g)| g.is_none())
            .map(|(v, _)| v.clone())
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        Ok(self
            .of
            .iter()
            .map(|&k| group_of[k as usize].unwrap_or(0))
            .collect())
    }

    /// How many agents have each value, in the order of `values`.
    pub fn counts(&self) -> Vec<u64> {
        let mut counts = vec![0u64; self.values.len()];
        for &k in &self.of {
            counts[k as usize] += 1;
        }
        counts
    }
}

impl Network {
    pub fn agents(&self) -> usize {
        self.graph.nodes()
    }

    pub fn stats(&self) -> NetworkStats {
        let n = self.graph.nodes();
        NetworkStats {
            agents: n as u64,
            edges: self.graph.edges(),
            mean_degree: if n == 0 {
                0.0
            } else {
                2.0 * self.graph.edges() as f64 / n as f64
            },
            max_degree: self.graph.max_degree() as u64,
            isolated: (0..n)
                .into_par_iter()
                .filter(|&i| self.graph.degree(i) == 0)
                .count() as u64,
            dropped: self.dropped,
            tie_weights: self.graph.weight_range(),
        }
    }
}

/// The seed of replication `replication`'s own network, for a network
/// drawn anew for each run: keyed like every stream, so the same graphs on
/// any number of threads.
pub fn seed_of_run(seed: u64, replication: u32) -> u64 {
    crate::rng::hash(seed, replication, 0, 0, crate::rng::Purpose::Network)
}

/// Builds the network a scenario describes. Generated networks are keyed by
/// `seed`; an edge list is read from its file.
pub fn build(spec: &NetworkSpec, seed: u64) -> Result<Network, InputError> {
    let plain = |graph: (Graph, Dropped)| Network {
        graph: graph.0,
        organisation: Vec::new(),
        dropped: graph.1,
        labels: None,
        ids: Vec::new(),
    };
    Ok(match *spec {
        NetworkSpec::ErdosRenyi { n, mean_degree } => {
            plain(generators::erdos_renyi(n as usize, mean_degree, seed))
        }
        NetworkSpec::WattsStrogatz {
            n,
            mean_degree,
            rewire,
        } => plain(generators::watts_strogatz(
            n as usize,
            mean_degree,
            rewire,
            seed,
        )),
        NetworkSpec::BarabasiAlbert { n, m } => {
            plain(generators::barabasi_albert(n as usize, m, seed))
        }
        NetworkSpec::Complete { n } => plain(generators::complete(n as usize)),
        NetworkSpec::Organisations {
            n,
            organisations,
            within_degree,
            between_degree,
            weak_tie_strength,
        } => {
            let ((graph, dropped), organisation) = generators::organisations(
                n as usize,
                organisations,
                within_degree,
                between_degree,
                seed,
            );
            let graph = match weak_tie_strength {
                Some(weak) => graph.weighted_by(|u, v| {
                    if organisation[u] == organisation[v] {
                        1.0
                    } else {
                        weak as f32
                    }
                }),
                None => graph,
            };
            Network {
                organisation,
                ..plain((graph, dropped))
            }
        }
        NetworkSpec::EdgeList { ref path, weighted } => {
            let list = read_edge_list(path, weighted)?;
            Network {
                ids: list.ids.iter().map(u64::to_string).collect(),
                ..plain(ties(list.ids.len(), list.edges, &list.weights, weighted))
            }
        }
        NetworkSpec::Graphml {
            ref path,
            ref group_attribute,
            weighted,
        } => from_xml(path, Format::Graphml, group_attribute.as_deref(), weighted)?,
        NetworkSpec::Gexf {
            ref path,
            ref group_attribute,
            weighted,
        } => from_xml(path, Format::Gexf, group_attribute.as_deref(), weighted)?,
    })
}

/// The graph of a file's edges, with their weights when it is weighted.
fn ties(n: usize, edges: Vec<(u32, u32)>, weights: &[f32], weighted: bool) -> (Graph, Dropped) {
    if weighted {
        Graph::from_weighted_edges(n, edges, weights)
    } else {
        Graph::from_edges(n, edges)
    }
}

fn from_xml(
    path: &Path,
    format: Format,
    attribute: Option<&str>,
    weighted: bool,
) -> Result<Network, InputError> {
    let reading = Reading {
        group_attribute: attribute,
        weighted,
    };
    let file = read_xml(path, format, reading)?;
    let (graph, dropped) = ties(file.ids.len(), file.edges, &file.weights, weighted);
    Ok(Network {
        graph,
        organisation: Vec::new(),
        dropped,
        labels: attribute.zip(file.labels).map(|(a, l)| Labels::new(a, l)),
        ids: file.ids,
    })
}

/// The number of undirected edges a spec will have, roughly, before it is
/// built (for memory estimates). For an edge list, from the file's size.
pub fn expected_edges(spec: &NetworkSpec) -> u64 {
    match *spec {
        NetworkSpec::ErdosRenyi { n, mean_degree } => (n as f64 * mean_degree / 2.0) as u64,
        NetworkSpec::WattsStrogatz { n, mean_degree, .. } => n * u64::from(mean_degree) / 2,
        NetworkSpec::BarabasiAlbert { n, m } => n * u64::from(m),
        NetworkSpec::Organisations {
            n,
            within_degree,
            between_degree,
            ..
        } => (n as f64 * (within_degree + between_degree) / 2.0) as u64,
        NetworkSpec::Complete { n } => n * (n - 1) / 2,
        NetworkSpec::EdgeList { ref path, .. } => file_len(path) / 8,
        // `<edge source="12" target="34"/>` and its line: about 40 bytes.
        NetworkSpec::Graphml { ref path, .. } | NetworkSpec::Gexf { ref path, .. } => {
            file_len(path) / 40
        }
    }
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One part and several place the same ends in the same runs (in
    /// another order within a run: the runs are sorted next).
    #[test]
    fn one_part_and_several_place_alike() {
        let n = 3000u32;
        let edges: Vec<(u32, u32)> = (0..20_000u32)
            .map(|k| {
                (
                    k.wrapping_mul(2_654_435_761) % n,
                    k.wrapping_mul(40_503) % n,
                )
            })
            .chain([(5, 5), (1, 2), (2, 1), (1, 2)])
            .collect();
        let (o1, mut a1) = place(n as usize, &edges, 1);
        let (o2, mut a2) = place(n as usize, &edges, 3);
        assert_eq!(o1, o2);
        for i in 0..n as usize {
            let (s, e) = (o1[i] as usize, o1[i + 1] as usize);
            a1[s..e].sort_unstable();
            a2[s..e].sort_unstable();
        }
        assert_eq!(a1, a2);
        let loops = edges.iter().filter(|(u, v)| u == v).count() as u64;
        assert!(loops >= 1);
        assert_eq!(
            o1[n as usize],
            2 * (edges.len() as u64 - loops),
            "all but self-loops"
        );
    }

    #[test]
    fn csr_drops_self_loops_and_duplicates_and_counts_them() {
        let (g, d) = Graph::from_edges(4, vec![(0, 1), (1, 0), (1, 2), (2, 2), (0, 1), (3, 1)]);
        assert_eq!(
            d,
            Dropped {
                duplicate_edges: 2,
                self_loops: 1
            }
        );
        assert_eq!(g.edges(), 3);
        assert_eq!(g.neighbours(1), &[0, 2, 3]);
        assert_eq!(g.neighbours(0), &[1]);
        assert_eq!(g.degree(3), 1);
    }

    #[test]
    fn a_repeated_weighted_edge_keeps_its_largest_weight_in_both_directions() {
        let edges = vec![(0, 1), (1, 0), (1, 2), (2, 2), (0, 1), (3, 1)];
        let (g, d) = Graph::from_weighted_edges(4, edges, &[0.5, 2.0, -0.0, 9.0, 1.0, 0.0]);
        assert_eq!(
            d,
            Dropped {
                duplicate_edges: 2,
                self_loops: 1
            }
        );
        assert_eq!(g.neighbours(1), &[0, 2, 3]);
        let of = |i: usize| (0..g.degree(i)).map(|k| g.weight(i, k)).collect::<Vec<_>>();
        // A -0 listed is a 0 (its bits would otherwise sort as the largest).
        assert_eq!(
            of(1).iter().map(|w| w.to_bits()).collect::<Vec<_>>(),
            [2.0f32.to_bits(), 0, 0]
        );
        assert_eq!(of(0), [2.0]);
        assert_eq!(of(3), [0.0]);
        let r = g.weight_range().unwrap();
        assert_eq!((r.min, r.max), (0.0, 2.0));
        // An unweighted graph's ties all count 1.
        let (plain, _) = Graph::from_edges(2, vec![(0, 1)]);
        assert!(!plain.is_weighted() && plain.weight(0, 0) == 1.0);
    }

    #[test]
    fn weak_ties_are_the_ones_between_organisations() {
        let spec = NetworkSpec::Organisations {
            n: 400,
            organisations: 8,
            within_degree: 6.0,
            between_degree: 2.0,
            weak_tie_strength: Some(0.25),
        };
        let net = build(&spec, 5).unwrap();
        let g = &net.graph;
        assert!(g.is_weighted());
        let (mut weak, mut strong) = (0, 0);
        for i in 0..g.nodes() {
            for (k, &j) in g.neighbours(i).iter().enumerate() {
                let same = net.organisation[i] == net.organisation[j as usize];
                assert_eq!(g.weight(i, k), if same { 1.0 } else { 0.25 });
                if same { strong += 1 } else { weak += 1 }
            }
        }
        assert!(weak > 0 && strong > weak, "{weak} {strong}");
    }

    #[test]
    fn csr_is_symmetric() {
        let (g, _) = generators::erdos_renyi(500, 6.0, 3);
        for u in 0..g.nodes() {
            for &v in g.neighbours(u) {
                assert!(g.neighbours(v as usize).binary_search(&(u as u32)).is_ok());
            }
        }
    }
}
