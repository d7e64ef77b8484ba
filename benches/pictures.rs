//! Criterion benchmarks of the network pictures (`run --animate`): the
//! layout of 2,000 pictured agents, filming the first replication of a
//! 20,000-agent, 52-week town with two variants (a sample of 2,000), and
//! drawing and encoding its GIF.
//!
//! `cargo bench --bench pictures` runs them (under a minute).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use grapevine::film;
use grapevine::network::{generators, layout};
use grapevine::output::animation;
use grapevine::pipeline::{self, RunOptions};
use grapevine::scenario::Scenario;

const TOWN: &str = r#"title = "Bench town"
ticks = 52
warmup = 52
runs = 2
[network]
kind = "barabasi-albert"
n = 20000
m = 5
[[variants]]
name = "angry tell 20-30"
set = { telling.bad = { kind = "uniform", min = 20, max = 30 } }
"#;

fn benches(c: &mut Criterion) {
    let (graph, _) = generators::barabasi_albert(2000, 5, 1);
    let edges: Vec<(u32, u32)> = (0..graph.nodes())
        .flat_map(|i| {
            graph
                .neighbours(i)
                .iter()
                .filter(move |&&j| j as usize > i)
                .map(move |&j| (i as u32, j))
        })
        .collect();
    let mut g = c.benchmark_group("pictures");
    g.sample_size(10);
    g.bench_function("layout 2000 agents", |b| {
        b.iter(|| layout::force_directed(black_box(2000), black_box(&edges), 1))
    });
    let s = Scenario::parse(TOWN, Path::new("bench.toml")).expect("a valid bench scenario");
    let report = pipeline::simulate(&s, &RunOptions::silent()).expect("the bench town runs");
    g.bench_function("film 20000 agents 52 weeks 2 variants", |b| {
        b.iter(|| film::record(black_box(&report), &RunOptions::silent()).expect("films"))
    });
    let film = film::record(&report, &RunOptions::silent()).expect("films");
    g.bench_function("gif 53 frames 2 variants", |b| {
        b.iter(|| animation::write_gif(black_box(&film), std::io::sink()).expect("draws"))
    });
    g.finish();
}

criterion_group!(pictures, benches);
criterion_main!(pictures);
