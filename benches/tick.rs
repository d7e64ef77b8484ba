//! Criterion benchmarks: network generation, one tick, and a whole run, at
//! 10,000 and 100,000 agents on a Barabási–Albert graph (m = 5).
//!
//! `cargo bench` runs them; `cargo bench -- tick` only the tick.

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use grapevine::engine::{self, Mode, Options};
use grapevine::model::{Clock, World, initial_state, step};
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

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("grapevine");
    g.sample_size(10);
    for n in [10_000u64, 100_000] {
        let s = scenario(n);
        g.bench_with_input(BenchmarkId::new("network", n), &s, |b, s| {
            b.iter(|| black_box(build(s)))
        });
        let net = build(&s);
        let world = World::new(&s, &net.graph);
        let mut state = initial_state(&world, 0);
        let mut tick = 0;
        g.bench_with_input(BenchmarkId::new("tick", n), &n, |b, _| {
            b.iter(|| {
                tick += 1;
                step(
                    &world,
                    &mut state,
                    Clock {
                        replication: 0,
                        tick,
                    },
                    true,
                );
            })
        });
        let options = Options {
            runs: 1,
            ticks: 52,
            mode: Mode::WithinRuns,
            ..Options::default()
        };
        g.bench_with_input(BenchmarkId::new("run_52_ticks", n), &n, |b, _| {
            b.iter(|| black_box(engine::run(&world, &options).expect("not cancelled")))
        });
    }
    g.finish();
}

criterion_group!(grapevine_benches, benches);
criterion_main!(grapevine_benches);
