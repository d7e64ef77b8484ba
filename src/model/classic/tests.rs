//! Unit tests of the classic models' rules, on small hand-made graphs,
//! and of stopping once nothing can change.

use super::bass::Bass;
use super::cascade::IndependentCascade;
use super::node::*;
use super::sir::Sir;
use super::threshold::LinearThreshold;
use super::*;
use crate::engine::{self, Options};
use crate::model::Stories;
use crate::model::state;
use crate::network::Graph;

fn graph(n: usize, edges: &[(u32, u32)]) -> Graph {
    Graph::from_edges(n, edges.to_vec()).0
}

fn path(n: u32) -> Graph {
    graph(n as usize, &(1..n).map(|j| (j - 1, j)).collect::<Vec<_>>())
}

fn clock(replication: u32, tick: u32) -> Clock {
    Clock { replication, tick }
}

fn run<R: Rule>(g: &Graph, rule: R, seeds: f64, ticks: u32, parallel: bool) -> ClassicState {
    let model = Classic::new(Population::whole(g, 5), rule, Seeding::Share(seeds));
    let mut state = model.initial_state(0);
    for tick in 1..=ticks {
        model.step(&mut state, clock(0, tick), parallel);
    }
    state
}

#[test]
fn sir_with_certain_transmission_moves_one_hop_a_tick() {
    // With one seed among 5 chosen at random, check the wave: after t
    // ticks, nodes within t of the seed have been infected, and with
    // gamma = 1 each is infectious for exactly one tick.
    let g = path(5);
    let sir = Classic::new(
        Population::whole(&g, 5),
        Sir {
            beta: 1.0,
            gamma: 1.0,
        },
        Seeding::Share(0.2),
    );
    let mut state = sir.initial_state(0);
    let seed = state.node.iter().position(|&x| x == INFECTED).unwrap();
    for tick in 1..=4u32 {
        sir.step(&mut state, clock(0, tick), false);
        for i in 0..5usize {
            let d = i.abs_diff(seed) as u32;
            let expected = if d < tick {
                RECOVERED
            } else if d == tick {
                INFECTED
            } else {
                SUSCEPTIBLE
            };
            assert_eq!(state.node[i], expected, "tick {tick}, node {i}");
        }
    }
}

#[test]
fn cascades_and_bass_reach_everyone_when_certain() {
    let g = path(6);
    let ic = |p| IndependentCascade { probability: p };
    assert!(
        run(&g, ic(1.0), 0.17, 6, false)
            .node
            .iter()
            .all(|&x| x != 0)
    );
    let quiet = run(&g, ic(0.0), 0.17, 6, false);
    assert_eq!(quiet.node.iter().filter(|&&x| x != 0).count(), 1);
    // Everyone adopts at once when p = 1.
    let all = run(&g, Bass::per_tick(1.0, 0.0), 0.0, 1, false);
    assert!(all.node.iter().all(|&x| x == ACTIVE));
    let none = run(&g, Bass::per_tick(0.0, 1.0), 0.0, 5, false);
    assert!(
        none.node.iter().all(|&x| x == 0),
        "no adopters, no influence"
    );
}

#[test]
fn linear_threshold_needs_its_share_of_neighbours() {
    // A star: the hub's leaves each have the hub as their only neighbour,
    // so once the hub is active every leaf follows (share 1 >= any threshold).
    let g = graph(5, &[(0, 1), (0, 2), (0, 3), (0, 4)]);
    let lt = Classic::new(
        Population::whole(&g, 5),
        LinearThreshold::DRAWN,
        Seeding::Share(0.2),
    );
    for rep in 0..20 {
        let mut state = lt.initial_state(rep);
        let hub_seeded = state.node[0] == ACTIVE;
        for tick in 1..=3 {
            lt.step(&mut state, clock(rep, tick), false);
        }
        if hub_seeded {
            assert!(state.node.iter().all(|&x| x == ACTIVE));
        } else {
            // A leaf seed: the hub activates iff its threshold <= 1/4.
            let t = state.threshold[0];
            assert_eq!(state.node[0] == ACTIVE, t <= 0.25, "threshold {t}");
        }
    }
}

/// A ring with chords, split across several chunks.
fn big_graph() -> Graph {
    let n = 3 * state::CHUNK + 77;
    Graph::from_edges(
        n,
        (0..n as u32)
            .flat_map(|i| [(i, (i + 1) % n as u32), (i, (i * 31 + 7) % n as u32)])
            .collect(),
    )
    .0
}

#[test]
fn classic_models_give_the_same_on_one_thread_or_many() {
    let g = big_graph();
    fn same<R: Rule + Copy>(g: &Graph, rule: R, seeds: f64) {
        let a = run(g, rule, seeds, 8, false);
        let b = run(g, rule, seeds, 8, true);
        assert_eq!(a.node, b.node);
        assert!(a.node.iter().any(|&x| x != 0));
    }
    same(
        &g,
        Sir {
            beta: 0.3,
            gamma: 0.2,
        },
        0.01,
    );
    same(&g, IndependentCascade { probability: 0.3 }, 0.01);
    same(&g, LinearThreshold::DRAWN, 0.05);
    same(&g, Bass::per_tick(0.01, 0.3), 0.0);
}

/// The same dynamics, made to run every tick, and measured in a pass of
/// its own after each (the default `step_measured`), where the model counts
/// each node as it decides.
struct EveryTick<D>(D);

impl<D: Dynamics> Dynamics for EveryTick<D> {
    type State = D::State;
    fn kind(&self) -> ModelKind {
        self.0.kind()
    }
    fn agents(&self) -> usize {
        self.0.agents()
    }
    fn initial_state(&self, replication: u32) -> D::State {
        self.0.initial_state(replication)
    }
    fn step(&self, state: &mut D::State, clock: Clock, parallel: bool) {
        self.0.step(state, clock, parallel)
    }
    fn measure(&self, state: &D::State, tick: u32, parallel: bool) -> Frame {
        self.0.measure(state, tick, parallel)
    }
    fn stories(&self, state: &mut D::State, tick: u32) -> Stories {
        self.0.stories(state, tick)
    }
}

#[test]
fn stopping_early_fills_in_exactly_what_running_would_give() {
    let g = big_graph();
    fn check<R: Rule + Copy>(g: &Graph, rule: R, seeds: f64) {
        let options = Options::new(2, 120);
        let early = Classic::new(Population::whole(g, 9), rule, Seeding::Share(seeds));
        let full = EveryTick(Classic::new(
            Population::whole(g, 9),
            rule,
            Seeding::Share(seeds),
        ));
        let a = engine::run(&early, &options).unwrap();
        let b = engine::run(&full, &options).unwrap();
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.frames, y.frames);
        }
        // The run did settle well before its end.
        let last = &a[0].frames;
        assert!(early.settled(&last[last.len() / 2], 60));
    }
    check(
        &g,
        Sir {
            beta: 0.3,
            gamma: 0.5,
        },
        0.01,
    );
    check(&g, IndependentCascade { probability: 0.2 }, 0.01);
    check(&g, LinearThreshold::DRAWN, 0.05);
    check(&g, Bass::per_tick(0.05, 0.3), 0.0);
}

#[test]
fn a_fixed_threshold_is_every_nodes_share_of_neighbours() {
    use super::threshold::Enough;
    // A ring of 10 (each node 2 neighbours) from one seed: with phi = 0.5
    // one active neighbour is enough, and the cascade goes round; with
    // phi = 0.6 it needs both, and nothing moves. No thresholds are drawn.
    let ring = graph(10, &(0..10).map(|i| (i, (i + 1) % 10)).collect::<Vec<_>>());
    let rule = |phi| LinearThreshold::of(Enough::Share(phi));
    let all = run(&ring, rule(0.5), 0.1, 6, false);
    assert!(all.node.iter().all(|&x| x == ACTIVE), "{:?}", all.node);
    assert!(all.threshold.is_empty(), "a fixed threshold draws none");
    let none = run(&ring, rule(0.6), 0.1, 6, false);
    assert_eq!(none.node.iter().filter(|&&x| x == ACTIVE).count(), 1);
}

#[test]
fn an_absolute_threshold_counts_active_neighbours() {
    use super::threshold::Enough;
    // A node between two active ones has two active neighbours: enough for
    // a count of 2; a node beside one active one is not, whatever its
    // degree (a hub with 4 leaves, one of them seeded, stays inactive).
    let rule = |k| LinearThreshold::of(Enough::Count(k));
    let star = graph(5, &[(0, 1), (0, 2), (0, 3), (0, 4)]);
    for rep in 0..10 {
        let model = Classic::new(Population::whole(&star, 5), rule(2), Seeding::Share(0.2));
        let mut state = model.initial_state(rep);
        for tick in 1..=3 {
            model.step(&mut state, clock(rep, tick), false);
        }
        // Whether the seed is the hub or a leaf, every other node has one
        // active neighbour at most: never enough for a count of 2.
        let active = state.node.iter().filter(|&&x| x == ACTIVE).count();
        assert_eq!(active, 1, "{:?}", state.node);
    }
    // Two seeds of a path of 3 at its ends: the middle has 2 and follows.
    let p3 = path(3);
    let model = Classic::new(
        Population::whole(&p3, 5),
        rule(2),
        Seeding::Share(2.0 / 3.0),
    );
    let mut seen = 0;
    for rep in 0..10 {
        let mut state = model.initial_state(rep);
        let ends = state.node[0] == ACTIVE && state.node[2] == ACTIVE;
        model.step(&mut state, clock(rep, 1), false);
        if ends {
            assert_eq!(state.node[1], ACTIVE, "run {rep}");
            seen += 1;
        }
    }
    assert!(seen > 0, "some run seeds both ends");
}

#[test]
fn bass_with_a_step_length_takes_its_rates_per_unit_of_time() {
    // 4,000 nodes with no ties: only p acts. Per tick, p = 1 is certain;
    // as a rate over a tick of length dt = 1 it is 1 - e^-1 = 0.632, within
    // 4 standard errors of a binomial share of 4,000.
    let g = graph(4000, &[]);
    let certain = run(&g, Bass::per_tick(1.0, 0.0), 0.0, 1, false);
    assert!(certain.node.iter().all(|&x| x == ACTIVE));
    let rate = run(
        &g,
        Bass {
            p: 1.0,
            q: 0.0,
            dt: Some(1.0),
        },
        0.0,
        1,
        false,
    );
    let share = rate.node.iter().filter(|&&x| x == ACTIVE).count() as f64 / 4000.0;
    let expected = 1.0 - (-1.0f64).exp();
    let se = (expected * (1.0 - expected) / 4000.0).sqrt();
    assert!(
        (share - expected).abs() < 4.0 * se,
        "{share} against {expected}"
    );
}

/// A small weighted graph: a triangle, a square and a pendant, with ties
/// of strength 0 to 2.
fn weighted_graph() -> (Graph, Vec<(u32, u32, f32)>) {
    let ties = vec![
        (0, 1, 1.0),
        (0, 2, 0.5),
        (1, 2, 2.0),
        (2, 3, 0.75),
        (3, 4, 1.0),
        (4, 5, 0.25),
        (5, 2, 1.5),
        (5, 6, 0.0),
    ];
    let edges = ties.iter().map(|&(u, v, _)| (u, v)).collect();
    let weights: Vec<f32> = ties.iter().map(|&(_, _, w)| w).collect();
    (Graph::from_weighted_edges(7, edges, &weights).0, ties)
}

/// Whether each node is reached from node 0 through the ties `open` keeps.
fn reached_from_0(n: usize, ties: &[(u32, u32, f32)], open: impl Fn(usize) -> bool) -> Vec<bool> {
    let mut reached = vec![false; n];
    reached[0] = true;
    let mut grew = true;
    while grew {
        grew = false;
        for (e, &(u, v, _)) in ties.iter().enumerate() {
            let (u, v) = (u as usize, v as usize);
            if open(e) && reached[u] != reached[v] {
                reached[u] = true;
                reached[v] = true;
                grew = true;
            }
        }
    }
    reached
}

/// Each node's share of `runs` runs from node 0 in which it ended in a
/// state other than the first.
fn shares_reached<R: Rule>(g: &Graph, rule: R, runs: u32) -> Vec<f64> {
    let model = Classic::new(Population::whole(g, 9), rule, Seeding::Nodes(vec![0]));
    let mut hits = vec![0u32; g.nodes()];
    for replication in 0..runs {
        let mut state = model.initial_state(replication);
        for tick in 1..=40 {
            let parallel = replication % 2 == 0;
            let frame = model.step_measured(&mut state, clock(replication, tick), parallel);
            // Where the engine stops: nothing changes after (tested above).
            if model.settled(&frame, tick) {
                break;
            }
        }
        for (i, &s) in state.node.iter().enumerate() {
            hits[i] += u32::from(s != 0);
        }
    }
    hits.iter()
        .map(|&h| f64::from(h) / f64::from(runs))
        .collect()
}

fn assert_within_binomial_error(shares: &[f64], exact: &[f64], runs: u32, what: &str) {
    for (i, (&s, &p)) in shares.iter().zip(exact).enumerate() {
        // 4.5 standard errors for each of the 7 nodes: a false alarm in
        // about one run in 20,000 of this test.
        let se = (p * (1.0 - p) / f64::from(runs)).sqrt().max(1e-9);
        assert!(
            (s - p).abs() <= 4.5 * se,
            "{what}, node {i}: {s} against exact {p}"
        );
    }
}

#[test]
fn a_weighted_cascade_matches_the_exact_live_edge_figure() {
    // Kempe, Kleinberg and Tardos (2003): the cascade from node 0 reaches
    // what node 0's component reaches when each tie is kept with its own
    // chance, min(1, p w), independently: exact over all 2^8 subsets.
    let (g, ties) = weighted_graph();
    let p = 0.6;
    let keep: Vec<f64> = ties
        .iter()
        .map(|&(_, _, w)| (p * f64::from(w)).min(1.0))
        .collect();
    let mut exact = vec![0.0; 7];
    for subset in 0..1u32 << ties.len() {
        let open = |e: usize| subset >> e & 1 == 1;
        let chance: f64 = (0..ties.len())
            .map(|e| if open(e) { keep[e] } else { 1.0 - keep[e] })
            .product();
        for (i, r) in reached_from_0(7, &ties, open).into_iter().enumerate() {
            exact[i] += if r { chance } else { 0.0 };
        }
    }
    let runs = 20_000;
    let shares = shares_reached(&g, IndependentCascade { probability: p }, runs);
    assert_within_binomial_error(&shares, &exact, runs, "cascade");
    assert_eq!(shares[6], 0.0, "a tie of strength 0 passes nothing");
}

#[test]
fn a_weighted_threshold_matches_the_exact_live_edge_figure() {
    // Kempe et al.: with thresholds uniform on (0, 1], each node picks one
    // of its ties with chance in proportion to its strength, and is active
    // in the end exactly when following the picks leads to node 0. Exact
    // over every combination of picks.
    let (g, ties) = weighted_graph();
    let n = 7;
    let mut options: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for &(u, v, w) in &ties {
        options[u as usize].push((v as usize, f64::from(w)));
        options[v as usize].push((u as usize, f64::from(w)));
    }
    // A node whose ties are all of strength 0 picks none (itself).
    for (i, o) in options.iter_mut().enumerate() {
        if o.iter().all(|t| t.1 == 0.0) {
            *o = vec![(i, 1.0)];
        }
    }
    let mut exact = vec![0.0; n];
    let combos: usize = options.iter().map(Vec::len).product();
    for mut c in 0..combos {
        let mut pick = vec![0usize; n];
        let mut chance = 1.0;
        for i in 0..n {
            let k = c % options[i].len();
            c /= options[i].len();
            let total: f64 = options[i].iter().map(|o| o.1).sum();
            pick[i] = options[i][k].0;
            chance *= options[i][k].1 / total;
        }
        for (i, e) in exact.iter_mut().enumerate() {
            let (mut at, mut steps) = (i, 0);
            while at != 0 && steps < n {
                at = pick[at];
                steps += 1;
            }
            *e += if at == 0 { chance } else { 0.0 };
        }
    }
    let runs = 20_000;
    let shares = shares_reached(&g, LinearThreshold::DRAWN, runs);
    assert_within_binomial_error(&shares, &exact, runs, "threshold");
}

#[test]
fn a_weighted_threshold_counts_strength_not_heads() {
    // Node 2 has ties of 0.5 (to 0), 2 (to 1), 0.75, 1.5: with 0 and 1
    // active it has 2.5 of 4.75; with only 0 active, 0.5 of 4.75.
    let (g, _) = weighted_graph();
    let activated = |seeds: Vec<u32>, rule: LinearThreshold| {
        let model = Classic::new(Population::whole(&g, 1), rule, Seeding::Nodes(seeds));
        let mut state = model.initial_state(0);
        model.step(&mut state, clock(0, 1), false);
        state.node[2] == ACTIVE
    };
    let share = |phi| LinearThreshold::of(threshold::Enough::Share(phi));
    let count = |k| LinearThreshold::of(threshold::Enough::Count(k));
    assert!(activated(vec![0, 1], share(0.5)), "2.5 / 4.75 >= 0.5");
    assert!(!activated(vec![0, 1], share(0.55)));
    assert!(!activated(vec![0, 3], share(0.3)), "1.25 / 4.75 < 0.3");
    // Unweighted, two of four would do.
    assert!(activated(vec![0, 3], share(0.25)));
    assert!(activated(vec![1], count(2)), "one tie of strength 2 is two");
    assert!(!activated(vec![0, 3], count(2)), "0.5 + 0.75 < 2");
    assert!(activated(vec![0, 3, 5], count(2)), "0.5 + 0.75 + 1.5 >= 2");
}

#[test]
fn weighted_sir_matches_an_independent_simulation() {
    // The same discrete-time SIR, written plainly with its own generator:
    // each tick a susceptible node escapes each infected neighbour with
    // chance 1 - min(1, beta w), and an infected node (from an earlier
    // tick) recovers with chance gamma.
    use rand::RngExt;
    let (g, ties) = weighted_graph();
    let (beta, gamma) = (0.35, 0.4);
    let runs = 20_000;
    let mut plain = [0u32; 7];
    // Another generator than grapevine's keyed streams (PCG XSH RR 64/32).
    let mut r = rand_pcg::Pcg32::new(2026, 0xda3e_39cb_94b9_5bdb);
    for _ in 0..runs {
        let mut s = [0u8; 7];
        s[0] = INFECTED;
        while s.contains(&INFECTED) {
            let mut next = s;
            for i in 0..7 {
                if s[i] == INFECTED && r.random::<f64>() < gamma {
                    next[i] = RECOVERED;
                }
                if s[i] != SUSCEPTIBLE {
                    continue;
                }
                let escape: f64 = ties
                    .iter()
                    .filter_map(|&(u, v, w)| {
                        let other = if u as usize == i {
                            v
                        } else if v as usize == i {
                            u
                        } else {
                            return None;
                        };
                        (s[other as usize] == INFECTED)
                            .then(|| 1.0 - (beta * f64::from(w)).min(1.0))
                    })
                    .product();
                if r.random::<f64>() < 1.0 - escape {
                    next[i] = INFECTED;
                }
            }
            s = next;
        }
        for i in 0..7 {
            plain[i] += u32::from(s[i] == RECOVERED);
        }
    }
    let shares = shares_reached(&g, Sir { beta, gamma }, runs);
    for i in 0..7 {
        let p = f64::from(plain[i]) / f64::from(runs);
        // Two estimates, each with its binomial error.
        let se = (2.0 * p * (1.0 - p) / f64::from(runs)).sqrt().max(1e-9);
        assert!(
            (shares[i] - p).abs() <= 4.5 * se,
            "node {i}: {} against {p}",
            shares[i]
        );
    }
    assert_eq!(shares[6], 0.0);
}

#[test]
fn weighted_bass_hears_only_its_ties_strength() {
    // With p = 0, a node adopts with chance q times the adopters' share of
    // its tie strength: node 6's only tie has strength 0.
    let (g, _) = weighted_graph();
    let shares = shares_reached(&g, Bass::per_tick(0.0, 0.9), 200);
    assert_eq!(shares[6], 0.0);
    assert!(shares[5] > 0.5, "{}", shares[5]);
}

#[test]
fn normal_thresholds_are_drawn_around_the_mean_and_clipped() {
    let g = big_graph();
    let rule = LinearThreshold::of(threshold::Enough::Normal(0.2, 0.3));
    let model = Classic::new(Population::whole(&g, 3), rule, Seeding::Nodes(vec![]));
    let state = model.initial_state(0);
    let t: Vec<f64> = state.threshold.iter().map(|&x| f64::from(x)).collect();
    assert_eq!(t.len(), g.nodes());
    assert!(t.iter().all(|&x| (0.0..=1.0).contains(&x)));
    // Clipped at 0: about Phi(-0.2 / 0.3) = 25% of nodes sit at 0, and the
    // rest above.
    let at_zero = t.iter().filter(|&&x| x == 0.0).count() as f64 / t.len() as f64;
    assert!((at_zero - 0.2525).abs() < 0.03, "{at_zero}");
    let inside: Vec<f64> = t.iter().copied().filter(|&x| x > 0.0 && x < 1.0).collect();
    assert!(inside.len() > t.len() / 2);
    // Another run draws other thresholds; no one moves without an active
    // neighbour, even at threshold 0.
    assert_ne!(model.initial_state(1).threshold, state.threshold);
    let mut s = state;
    model.step(&mut s, clock(0, 1), false);
    assert!(s.node.iter().all(|&x| x == INACTIVE));
}

#[test]
fn a_group_of_its_own_threshold_holds_out_where_the_others_move() {
    // A path 0-1-2-3 from node 0, everyone's threshold a half: node 2
    // follows node 1 unless its group (group 1) asks for 0.9.
    let g = path(4);
    let ends = |own: Vec<Option<(f64, f64)>>| {
        let mut population = Population::whole(&g, 1);
        population.group = vec![0, 0, 1, 0];
        let rule = LinearThreshold::of(threshold::Enough::Share(0.5));
        let model =
            Classic::new(population, rule, Seeding::Nodes(vec![0])).with_group_thresholds(own);
        let mut state = model.initial_state(0);
        for tick in 1..=4 {
            model.step(&mut state, clock(0, tick), false);
        }
        state.node
    };
    assert_eq!(ends(vec![None, None]), [ACTIVE; 4]);
    assert_eq!(
        ends(vec![None, Some((0.9, 0.0))]),
        [ACTIVE, ACTIVE, INACTIVE, INACTIVE]
    );
    assert_eq!(ends(vec![None, Some((0.4, 0.0))]), [ACTIVE; 4]);
}
