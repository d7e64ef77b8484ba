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

/// The same dynamics, made to run every tick.
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
        let options = Options::new(4, 120);
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
    let rule = |phi| LinearThreshold {
        enough: Enough::Share(phi),
    };
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
    let rule = |k| LinearThreshold {
        enough: Enough::Count(k),
    };
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
