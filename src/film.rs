//! The film of a run: how the agents on the network picture look after the
//! warm-up and after every tick, in the first replication of each variant,
//! for the animation (`network.gif`), the report's player and the dynamic
//! GEXF.
//!
//! A town of up to [`MAX_PICTURED`] agents is pictured whole. A larger one
//! is pictured by a sample that shows the story: the neighbourhoods (up to
//! two steps) of the people whose stories reached most people in the
//! baseline's first replication, the widest-reaching bad and good ones,
//! and a random backdrop, [`MAX_PICTURED`] agents in all. The film re-runs
//! replication 0 (the same keyed streams give the same run), looking only
//! at the pictured agents, so its cost is one replication per variant and
//! its memory a few bytes per pictured agent and tick.

use std::collections::VecDeque;

use rand::RngExt;

use crate::engine::{self, Cancelled, Mode, Options};
use crate::error::Error;
use crate::measures::Measure;
use crate::model::{self, Dynamics, Look, Visit};
use crate::network::{Graph, layout};
use crate::pipeline::RunOptions;
use crate::results::Results;
use crate::rng::{self, Purpose};

/// The most agents a network picture shows.
pub const MAX_PICTURED: usize = 2000;

/// The most ticks a film holds: one frame each, so a GIF of 1,000 frames
/// plays for four minutes; the film's memory stays under 100 MiB.
pub const MAX_TICKS: u32 = 1000;

/// The most variants a film holds, side by side (the baseline and the
/// first five what-ifs); those after them are not pictured.
pub const MAX_REELS: usize = 6;

/// Stories whose tellers' neighbourhoods a sample centres on, of each kind.
const STORIES_OF_EACH_KIND: usize = 2;

/// The most agents taken from one teller's neighbourhood.
const NEIGHBOURHOOD: usize = 250;

/// The pictured agents and how each looked, tick by tick, per variant.
#[derive(Debug, Clone)]
pub struct Film {
    pub title: String,
    /// The scenario file and seed the film came from.
    pub source: String,
    pub seed: u64,
    pub tick_unit: String,
    /// The agents in the town.
    pub population: usize,
    /// The pictured agents, in increasing id.
    pub agents: Vec<u32>,
    /// What the sample is, when the picture is not the whole town.
    pub sample: Option<String>,
    /// Ties among the pictured agents (indices into `agents`), each once.
    pub edges: Vec<(u32, u32)>,
    /// Each pictured agent's contacts in the whole network.
    pub degree: Vec<u32>,
    /// Where each pictured agent is drawn, in the unit square.
    pub position: Vec<(f32, f32)>,
    /// The scenario's group names.
    pub groups: Vec<String>,
    pub reels: Vec<Reel>,
    /// Variants not pictured: beyond [`MAX_REELS`], or on a network of
    /// their own.
    pub left_out: Vec<String>,
}

/// One variant's film.
#[derive(Debug, Clone)]
pub struct Reel {
    pub variant: String,
    /// Tick 0 (after the warm-up) to the last: each pictured agent's look.
    pub frames: Vec<Vec<Look>>,
    /// People told a good and a bad story so far, in the whole town, at
    /// each tick.
    pub told: Vec<[f64; 2]>,
    /// The variant's events: name, first and last tick (those that carry
    /// the studio's slider values are not events of the lesson, and are
    /// left out).
    pub events: Vec<(String, u32, u32)>,
    /// The tick each pictured agent was first given an event's experience
    /// (an invited guest), if it was.
    pub invited: Vec<Option<u32>>,
    /// The invited guests in the whole town.
    pub guests: f64,
}

impl Reel {
    /// The events under way at tick `t`.
    pub fn events_at(&self, t: u32) -> Vec<&str> {
        self.events
            .iter()
            .filter(|(_, from, to)| (*from..=*to).contains(&t))
            .map(|(name, ..)| name.as_str())
            .collect()
    }
}

impl Film {
    /// Who the picture shows, as a sentence.
    pub fn shown(&self) -> String {
        match &self.sample {
            Some(what) => format!("Shown: {what}."),
            None => format!("All {} people.", thousands(self.population as f64)),
        }
    }

    /// The variants left out, as a clause (empty when none are).
    pub fn not_shown(&self) -> String {
        if self.left_out.is_empty() {
            return String::new();
        }
        format!(" (not pictured: {})", self.left_out.join(", "))
    }

    /// The number of frames (ticks and tick 0).
    pub fn frames(&self) -> usize {
        self.reels.first().map_or(0, |r| r.frames.len())
    }
}

/// Films the first replication of each variant that runs on the
/// baseline's network (a variant on a network of its own has no place on
/// the same picture, and is left out).
pub fn record(report: &Results<'_>, o: &RunOptions<'_>) -> Result<Film, Error> {
    let s = report.scenario;
    let (base_spec, network) = &report.networks[0];
    let graph = &network.graph;
    let (agents, sample) = pictured(report, graph);
    let (edges, degree) = ties_among(graph, &agents);
    let place = || layout::force_directed(agents.len(), &edges, s.seed);
    let position = match o.towns {
        Some(towns) => towns.layout(layout_key(agents.len(), &edges, s.seed), place),
        None => place(),
    };
    let mut reels = Vec::new();
    let mut left_out = Vec::new();
    for (v, result) in s.variants.iter().zip(&report.variants) {
        if v.network != *base_spec || reels.len() == MAX_REELS {
            left_out.push(v.name.clone());
            continue;
        }
        let options = Options {
            first: result.runs[0].replication,
            runs: 1,
            ticks: s.ticks,
            warmup: s.warmup,
            mode: Mode::Auto,
            cancel: o.cancel,
            progress: None,
            towns: o.towns,
        };
        let frames = model::with_dynamics(
            s,
            v,
            network,
            Watch {
                options: &options,
                agents: &agents,
            },
        )
        .map_err(|Cancelled| Error::Cancelled)?;
        use crate::scenario::edit::{FROM_WEEK_ONE, OWN_VALUES};
        let run = &result.runs[0];
        let guests = run.position(Measure::Invited).map_or(0.0, |m| {
            (0..run.frames.len()).map(|t| run.value(t, 0, m)).sum()
        });
        reels.push(Reel {
            variant: v.name.clone(),
            invited: first_invited(&frames, agents.len()),
            guests,
            frames,
            told: told_so_far(&result.runs[0]),
            events: v
                .events
                .iter()
                .filter(|e| e.name != FROM_WEEK_ONE && e.name != OWN_VALUES)
                .map(|e| (e.name.clone(), e.from, e.to))
                .collect(),
        });
    }
    Ok(Film {
        left_out,
        title: s.title.clone(),
        source: s.source.display().to_string(),
        seed: s.seed,
        tick_unit: s.tick_unit.clone(),
        population: graph.nodes(),
        agents,
        sample,
        edges,
        degree,
        position,
        groups: s.baseline().groups.iter().map(|g| g.name.clone()).collect(),
        reels,
    })
}

/// Runs replication 0 of whichever dynamics the registry builds, looking
/// at the pictured agents after each tick.
struct Watch<'o, 'a> {
    options: &'o Options<'a>,
    agents: &'o [u32],
}

impl Visit for Watch<'_, '_> {
    type Output = Result<Vec<Vec<Look>>, Cancelled>;

    fn visit<D: Dynamics>(self, dynamics: &D) -> Self::Output {
        let mut frames = Vec::with_capacity(self.options.ticks as usize + 1);
        let parallel = self.options.mode.within_runs(dynamics.agents());
        let replication = self.options.first;
        engine::watch_replication(
            dynamics,
            replication,
            self.options,
            parallel,
            |tick, state| {
                let mut looks = Vec::with_capacity(self.agents.len());
                dynamics.look(state, self.agents, &mut looks);
                if tick == 0 {
                    // What was told in the last tick of the warm-up is not part
                    // of the run (its counts start from 0).
                    for look in &mut looks {
                        look.told = 0;
                        look.heard = 0;
                        look.invited = false;
                    }
                }
                frames.push(looks);
            },
        )?;
        Ok(frames)
    }
}

/// The first tick each pictured agent was an invited guest, if any.
fn first_invited(frames: &[Vec<Look>], agents: usize) -> Vec<Option<u32>> {
    let mut first = vec![None; agents];
    for (t, looks) in frames.iter().enumerate() {
        for (i, look) in looks.iter().enumerate() {
            if look.invited && first[i].is_none() {
                first[i] = Some(t as u32);
            }
        }
    }
    first
}

/// People told good and bad stories so far, tick by tick, from a recorded
/// replication's frames (the whole town).
fn told_so_far(run: &crate::record::Recorder) -> Vec<[f64; 2]> {
    let at = |m: Measure| run.position(m);
    let good = [at(Measure::GoodToldFirstHand), at(Measure::GoodToldRetold)];
    let bad = [at(Measure::BadToldFirstHand), at(Measure::BadToldRetold)];
    let mut total = [0.0, 0.0];
    (0..run.frames.len())
        .map(|t| {
            if t > 0 {
                for (k, ms) in [good, bad].iter().enumerate() {
                    total[k] += ms
                        .iter()
                        .flatten()
                        .map(|&m| run.value(t, 0, m))
                        .sum::<f64>();
                }
            }
            total
        })
        .collect()
}

/// Whole numbers with thousands separated: 12,345.
pub fn thousands(x: f64) -> String {
    let digits = format!("{}", x.round().max(0.0) as u64);
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The agents to picture, and what the sample is when it is not everyone.
fn pictured(report: &Results<'_>, graph: &Graph) -> (Vec<u32>, Option<String>) {
    let n = graph.nodes();
    if n <= MAX_PICTURED {
        return ((0..n as u32).collect(), None);
    }
    let mut chosen = vec![false; n];
    let mut count = 0usize;
    let take = |i: u32, chosen: &mut Vec<bool>, count: &mut usize| {
        if !chosen[i as usize] && *count < MAX_PICTURED {
            chosen[i as usize] = true;
            *count += 1;
        }
    };
    // The tellers of the stories that reached most people, bad and good.
    let mut reach = report.variants[0].runs[0].reach.clone();
    reach.sort_by(|a, b| b.people.cmp(&a.people).then(a.story.cmp(&b.story)));
    let mut origins = Vec::new();
    for bad in [true, false] {
        origins.extend(
            reach
                .iter()
                .filter(|r| r.bad == bad && r.people > 0)
                .take(STORIES_OF_EACH_KIND)
                .map(|r| r.teller),
        );
    }
    for &origin in &origins {
        for i in neighbourhood(graph, origin, NEIGHBOURHOOD) {
            take(i, &mut chosen, &mut count);
        }
    }
    let around = count;
    // The guests an event chooses by name (the best-connected), so the
    // picture shows whom a party was for; a random guest list is pictured
    // as the backdrop samples it.
    for &i in &named_guests(report, graph) {
        take(i, &mut chosen, &mut count);
    }
    let guests = count - around;
    // A random backdrop: distinct agents from the scenario's seed.
    let mut r = rng::stream(report.scenario.seed, 0, 0, 0, Purpose::Picture);
    while count < MAX_PICTURED {
        let i = r.random_range(0..n as u32);
        take(i, &mut chosen, &mut count);
    }
    let agents: Vec<u32> = (0..n as u32).filter(|&i| chosen[i as usize]).collect();
    let what = if origins.is_empty() {
        format!(
            "a random sample of {} of {} people",
            thousands(MAX_PICTURED as f64),
            thousands(n as f64)
        )
    } else {
        format!(
            "a sample of {} of {} people: {} around the {} stories that reached most people, {}the rest at random",
            thousands(MAX_PICTURED as f64),
            thousands(n as f64),
            thousands(around as f64),
            origins.len(),
            if guests > 0 {
                format!(
                    "{} of the best-connected guests, ",
                    thousands(guests as f64)
                )
            } else {
                String::new()
            }
        )
    };
    (agents, Some(what))
}

/// The guests of the variants' experience events for the best-connected
/// (up to [`NEIGHBOURHOOD`] of each event), best-connected first.
fn named_guests(report: &Results<'_>, graph: &Graph) -> Vec<u32> {
    use crate::scenario::events::{Action, Chosen};
    let mut order = None;
    let mut guests = Vec::new();
    for event in report.scenario.variants.iter().flat_map(|v| &v.events) {
        if let Action::Experience {
            chosen: Chosen::TopDegree { size },
            ..
        } = &event.action
        {
            let order = order.get_or_insert_with(|| model::population::by_degree(graph));
            let take = size.of(graph.nodes()).min(NEIGHBOURHOOD);
            guests.extend_from_slice(&order[..take.min(order.len())]);
        }
    }
    guests
}

/// Up to `most` agents within two steps of `origin`, nearest first.
fn neighbourhood(graph: &Graph, origin: u32, most: usize) -> Vec<u32> {
    let mut seen = vec![origin];
    let mut queue = VecDeque::from([(origin, 0u8)]);
    while let Some((i, depth)) = queue.pop_front() {
        if depth == 2 {
            continue;
        }
        for &j in graph.neighbours(i as usize) {
            if seen.len() >= most {
                return seen;
            }
            if !seen.contains(&j) {
                seen.push(j);
                queue.push_back((j, depth + 1));
            }
        }
    }
    seen
}

/// The ties among `agents` (sorted), as index pairs, and each one's degree.
fn ties_among(graph: &Graph, agents: &[u32]) -> (Vec<(u32, u32)>, Vec<u32>) {
    let mut edges = Vec::new();
    let mut degree = Vec::with_capacity(agents.len());
    for (a, &i) in agents.iter().enumerate() {
        let contacts = graph.neighbours(i as usize);
        degree.push(contacts.len() as u32);
        for &j in contacts {
            if j > i
                && let Ok(b) = agents.binary_search(&j)
            {
                edges.push((a as u32, b as u32));
            }
        }
    }
    (edges, degree)
}

/// What a layout depends on, hashed: the pictured agents' number, their
/// ties and the seed.
fn layout_key(agents: usize, edges: &[(u32, u32)], seed: u64) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (agents, edges, seed).hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::generators;

    /// With the studio's memory, a film keeps its town's places for the
    /// next, and they are the places a film without memory works out.
    #[test]
    fn a_kept_layout_is_the_layout() {
        let text = "ticks = 4\nruns = 1\nseed = 9\n[network]\nkind = \"erdos-renyi\"\nn = 300\nmean_degree = 4\n";
        let s = crate::scenario::Scenario::parse(text, std::path::Path::new("t.toml")).unwrap();
        let towns = crate::pipeline::Towns::new(1 << 30);
        let options = RunOptions {
            towns: Some(&towns),
            ..RunOptions::silent()
        };
        let report = crate::pipeline::simulate(&s, &options).unwrap();
        let first = record(&report, &options).unwrap();
        let graph = &report.networks[0].1.graph;
        let (agents, _) = pictured(&report, graph);
        let (edges, _) = ties_among(graph, &agents);
        let key = layout_key(agents.len(), &edges, s.seed);
        let kept = towns.layout(key, || panic!("the layout was not kept"));
        assert_eq!(kept, first.position);
        let again = record(&report, &options).unwrap();
        assert_eq!(again.position, first.position);
        let fresh = record(&report, &RunOptions::silent()).unwrap();
        assert_eq!(fresh.position, first.position);
    }

    #[test]
    fn a_reel_names_the_events_under_way() {
        let reel = Reel {
            variant: "v".into(),
            frames: Vec::new(),
            told: Vec::new(),
            events: vec![("closed".into(), 5, 8), ("party".into(), 8, 8)],
            invited: Vec::new(),
            guests: 0.0,
        };
        assert!(reel.events_at(4).is_empty());
        assert_eq!(reel.events_at(5), ["closed"]);
        assert_eq!(reel.events_at(8), ["closed", "party"]);
        assert!(reel.events_at(9).is_empty());
    }

    #[test]
    fn a_guest_is_marked_from_the_tick_it_was_invited() {
        let look = |invited| Look {
            invited,
            ..Look::default()
        };
        let frames = vec![
            vec![look(false), look(false), look(false)],
            vec![look(false), look(true), look(false)],
            vec![look(true), look(false), look(false)],
            vec![look(false), look(true), look(false)],
        ];
        assert_eq!(first_invited(&frames, 3), [Some(2), Some(1), None]);
    }

    #[test]
    fn big_numbers_have_separators() {
        assert_eq!(thousands(1234567.0), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(0.4), "0");
    }

    #[test]
    fn a_neighbourhood_is_within_two_steps_and_bounded() {
        let (g, _) = generators::barabasi_albert(5000, 3, 1);
        let near = neighbourhood(&g, 10, 100);
        assert!(near.len() <= 100 && near[0] == 10);
        for &j in &near[1..] {
            let one = g.neighbours(10).contains(&j);
            let two = g
                .neighbours(10)
                .iter()
                .any(|&k| g.neighbours(k as usize).contains(&j));
            assert!(one || two, "{j}");
        }
    }

    #[test]
    fn ties_among_the_pictured_are_the_graphs_ties() {
        let (g, _) = generators::erdos_renyi(300, 8.0, 2);
        let agents: Vec<u32> = (0..300).step_by(3).collect();
        let (edges, degree) = ties_among(&g, &agents);
        for &(a, b) in &edges {
            assert!(a < b);
            let (i, j) = (agents[a as usize], agents[b as usize]);
            assert!(g.neighbours(i as usize).binary_search(&j).is_ok());
        }
        let expected: usize = agents
            .iter()
            .map(|&i| {
                g.neighbours(i as usize)
                    .iter()
                    .filter(|&&j| j > i && j % 3 == 0)
                    .count()
            })
            .sum();
        assert_eq!(edges.len(), expected);
        assert_eq!(degree[5], g.degree(15) as u32);
    }
}
