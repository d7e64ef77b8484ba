//! Criterion benchmarks on a Barabási–Albert graph (m = 5, about 10
//! contacts each) at 10,000, 100,000 and 1,000,000 agents: network
//! generation, each phase of a tick, the metrics, one whole tick, a whole
//! 52-tick run, and a discrete-time SIR tick.
//!
//! `cargo bench` runs them all (a few minutes); `cargo bench -- 100000`
//! only one size; `cargo bench -- phase` only the phases. The phases are
//! timed on a state that has run ten ticks, over all threads.

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use grapevine::engine::{self, Mode, Options};
use grapevine::model::classic::{Classic, sir::Sir};
use grapevine::model::phases::{
    decisions::decisions, experience::experience, hearing::hearing, telling::telling,
};
use grapevine::model::state::for_each_chunk;
use grapevine::model::{Agents, Clock, Dynamics, Population, Shared, State, WordOfMouth};
use grapevine::network::{self, Network};
use grapevine::scenario::Scenario;

fn scenario(n: u64) -> Scenario {
    let text =
        format!("ticks = 52\nruns = 1\n[network]\nkind = \"barabasi-albert\"\nn = {n}\nm = 5\n");
    Scenario::parse(&text, Path::new("bench.toml")).expect("a valid bench scenario")
}

fn build(s: &Scenario) -> Network {
    network::build(&s.baseline().network, s.seed).expect("generated networks build")
}

type Phase = fn(&WordOfMouth<'_>, Clock, Agents<'_>, Shared<'_>);

fn clock(tick: u32) -> Clock {
    Clock {
        replication: 0,
        tick,
    }
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("grapevine");
    g.sample_size(10);
    for n in [10_000u64, 100_000, 1_000_000] {
        let s = scenario(n);
        g.bench_with_input(BenchmarkId::new("network", n), &s, |b, s| {
            b.iter(|| black_box(build(s)))
        });
        let net = build(&s);
        let world = WordOfMouth::baseline(&s, &net.graph);
        let mut state = world.initial_state(0);
        for tick in 1..=10 {
            world.step(&mut state, clock(tick), true);
        }
        let phases: [(&str, Phase); 4] = [
            ("phase_experience", experience),
            ("phase_telling", telling),
            ("phase_hearing", hearing),
            ("phase_decisions", decisions),
        ];
        for (name, phase) in phases {
            g.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter(|| run_phase(&world, &mut state, phase))
            });
        }
        g.bench_with_input(BenchmarkId::new("metrics", n), &n, |b, _| {
            b.iter(|| black_box(world.measure(&state, 11, true)))
        });
        // A fresh state for whole ticks: the phases above left theirs
        // repeated out of order.
        let mut state = world.initial_state(0);
        for tick in 1..=10 {
            world.step(&mut state, clock(tick), true);
        }
        let mut tick = 10;
        g.bench_with_input(BenchmarkId::new("tick", n), &n, |b, _| {
            b.iter(|| {
                tick += 1;
                world.step(&mut state, clock(tick), true);
            })
        });
        let options = Options {
            mode: Mode::WithinRuns,
            ..Options::new(1, 52)
        };
        g.bench_with_input(BenchmarkId::new("run_52_ticks", n), &n, |b, _| {
            b.iter(|| black_box(engine::run(&world, &options).expect("not cancelled")))
        });
        // A discrete-time SIR tick on the same graph (from the run's start,
        // as it spreads).
        let sir = Classic::new(
            Population::whole(&net.graph, 1),
            Sir {
                beta: 0.05,
                gamma: 0.2,
            },
            grapevine::model::classic::Seeding::Share(0.01),
        );
        let mut sir_state = sir.initial_state(0);
        let mut tick = 0;
        g.bench_with_input(BenchmarkId::new("sir_tick", n), &n, |b, _| {
            b.iter(|| {
                tick += 1;
                sir.step(&mut sir_state, clock(tick), true);
            })
        });
    }
    g.finish();
}

fn run_phase(world: &WordOfMouth<'_>, state: &mut State, phase: Phase) {
    let (agents, shared) = state.split();
    for_each_chunk(true, agents, &|a| phase(world, clock(11), a, shared));
}

criterion_group!(grapevine_benches, benches);
criterion_main!(grapevine_benches);
