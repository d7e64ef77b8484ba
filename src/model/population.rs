//! Who is who: the network, each agent's group and, where there are
//! workplaces, each agent's organisation at the start. Every dynamics runs
//! on a population; it is fixed for a variant, like the network, and drawn
//! from streams keyed by the scenario's seed alone.

use rand::RngExt;

use crate::network::Graph;
use crate::rng::{self, Purpose};
use crate::scenario::{Group, Placement, Variant};

/// The agents of a variant, and where each stands.
pub struct Population<'a> {
    pub graph: &'a Graph,
    /// Each agent's group index.
    pub group: Vec<u8>,
    pub groups: Vec<Group>,
    pub seed: u64,
    /// Each agent's organisation at the start: the network's own, or drawn
    /// at random for `[workplaces]`; empty when there are none.
    pub organisation: Vec<u32>,
    /// How many organisations there are (0 when there are none).
    pub organisations: u32,
}

impl<'a> Population<'a> {
    /// `variant`'s population on `graph`; `organisation` is the network's
    /// own assignment of agents to organisations, if it has one.
    pub fn new(seed: u64, variant: &Variant, graph: &'a Graph, organisation: &[u32]) -> Self {
        let n = graph.nodes();
        let network_has = organisation.len() == n;
        let (organisation, organisations) = match &variant.workplaces {
            Some(w) => {
                let organisations = w
                    .organisations
                    .unwrap_or_else(|| organisation.iter().max().map_or(1, |m| m + 1));
                let initial = if network_has && w.organisations.is_none() {
                    organisation.to_vec()
                } else {
                    random_organisations(n, organisations, seed)
                };
                (initial, organisations)
            }
            None => (
                organisation.to_vec(),
                organisation.iter().max().map_or(0, |m| m + 1),
            ),
        };
        let group = assign_groups(graph, &variant.groups, seed, &organisation);
        Self {
            graph,
            group,
            groups: variant.groups.clone(),
            seed,
            organisation,
            organisations,
        }
    }

    /// Everyone on `graph` in one group, with no organisations: the
    /// population of a classic model run on a graph alone (validation).
    pub fn whole(graph: &'a Graph, seed: u64) -> Self {
        Self {
            graph,
            group: vec![0; graph.nodes()],
            groups: vec![Group::everyone()],
            seed,
            organisation: Vec::new(),
            organisations: 0,
        }
    }

    pub fn agents(&self) -> usize {
        self.graph.nodes()
    }
}

/// Agents ordered by degree, highest first (ties: lower id first).
pub fn by_degree(graph: &Graph) -> Vec<u32> {
    let mut order: Vec<u32> = (0..graph.nodes() as u32).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(graph.degree(i as usize)), i));
    order
}

/// Organisations of near-equal size, agents placed at random.
fn random_organisations(n: usize, organisations: u32, seed: u64) -> Vec<u32> {
    let mut org: Vec<u32> = (0..n)
        .map(|i| crate::network::organisation_of(i, n, organisations))
        .collect();
    let mut r = rng::stream(seed, 0, 0, u64::MAX, Purpose::Workplace);
    for i in (1..n).rev() {
        org.swap(i, r.random_range(0..=i));
    }
    org
}

/// Gives each group its share of the agents (largest remainders). Groups
/// placed on the best-connected agents, or in whole organisations, take
/// theirs first, in the scenario's order; the rest are placed at random,
/// so that no group sits on the hubs of a preferential-attachment graph by
/// construction. Fixed per scenario, like the network.
pub fn assign_groups(graph: &Graph, groups: &[Group], seed: u64, organisation: &[u32]) -> Vec<u8> {
    let n = graph.nodes();
    if groups.len() == 1 {
        // Everyone is in it, wherever it is placed: no shuffle to draw.
        return vec![0; n];
    }
    let exact: Vec<f64> = groups.iter().map(|g| g.share * n as f64).collect();
    let mut counts: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    // Fewer agents are short than there are groups: one more each for the
    // largest remainders.
    let short = n.saturating_sub(counts.iter().sum());
    for &g in order.iter().take(short) {
        counts[g] += 1;
    }
    const FREE: u8 = u8::MAX;
    let mut labels = vec![FREE; n];
    let place = |labels: &mut Vec<u8>, g: usize, candidates: &mut dyn Iterator<Item = u32>| {
        let mut left = counts[g];
        while left > 0 {
            let Some(i) = candidates.next() else { break };
            if labels[i as usize] == FREE {
                labels[i as usize] = g as u8;
                left -= 1;
            }
        }
    };
    let placed = |p: Placement| {
        groups
            .iter()
            .enumerate()
            .filter(move |(_, g)| g.placement == p)
    };
    if placed(Placement::TopDegree).next().is_some() {
        let ranked = by_degree(graph);
        for (g, _) in placed(Placement::TopDegree) {
            place(&mut labels, g, &mut ranked.iter().copied());
        }
    }
    if placed(Placement::FirstOrganisations).next().is_some() && organisation.len() == n {
        let mut ranked: Vec<u32> = (0..n as u32).collect();
        ranked.sort_by_key(|&i| (organisation[i as usize], i));
        for (g, _) in placed(Placement::FirstOrganisations) {
            place(&mut labels, g, &mut ranked.iter().copied());
        }
    }
    let mut rest: Vec<u32> = (0..n as u32)
        .filter(|&i| labels[i as usize] == FREE)
        .collect();
    let mut r = rng::stream(seed, 0, 0, 0, Purpose::Population);
    for i in (1..rest.len()).rev() {
        rest.swap(i, r.random_range(0..=i));
    }
    let mut rest = rest.into_iter();
    for (g, group) in groups.iter().enumerate() {
        if group.placement == Placement::Random
            || (group.placement == Placement::FirstOrganisations && organisation.len() != n)
        {
            place(&mut labels, g, &mut rest);
        }
    }
    // Anything left (rounding) goes to the first group.
    labels
        .iter_mut()
        .filter(|l| **l == FREE)
        .for_each(|l| *l = 0);
    labels
}
