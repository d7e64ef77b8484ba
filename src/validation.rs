//! `grapevine validate`: the classic models, run in grapevine's own engine,
//! against their known answers.
//!
//! Each case runs a model many times and compares a simulated mean with
//! theory. A check passes when the two differ by at most [`Z`] standard
//! errors of the simulated mean (the spread of the replications over the
//! square root of their number), plus, where the theory is for continuous
//! time and the model runs in ticks, the computed difference between the
//! two (shown in its own column): no tolerance is tuned by hand.
//!
//! - Bass on a complete graph against F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p)
//!   e^{-(p+q)t}) and the peak time t* = ln(q/p) / (p+q);
//! - SIR on a large Erdős–Rényi graph against the final-size relation for
//!   its transmissibility T = beta / (beta + gamma - beta gamma), using the
//!   graph's own degree distribution;
//! - independent cascade and linear threshold on small graphs against their
//!   exact expected spread, by enumerating every live-edge graph.

use rayon::prelude::*;

use crate::engine::{self, Options};
use crate::measures::Measure;
use crate::model::Population;
use crate::model::classic::bass::Bass;
use crate::model::classic::cascade::IndependentCascade;
use crate::model::classic::sir::Sir;
use crate::model::classic::threshold::LinearThreshold;
use crate::model::classic::{Classic, Rule, Seeding};
use crate::network::{Graph, generators};
use crate::pipeline::{self, RunOptions};
use crate::record::Recorder;
use crate::scenario::Scenario;

/// Standard errors allowed between simulation and theory. With about a
/// dozen checks, the chance that a correct engine fails any of them by
/// luck is under 0.1%.
pub const Z: f64 = 4.0;

/// One comparison of simulation with theory.
#[derive(Debug, Clone)]
pub struct Check {
    pub case: &'static str,
    pub what: String,
    pub theory: f64,
    pub mean: f64,
    /// Standard error of the simulated mean.
    pub se: f64,
    /// The computed gap between the discrete-time model and a
    /// continuous-time theory (0 where the theory is exact for the model).
    pub discretisation: f64,
    /// Where the check wants a range rather than a value (a steady town's
    /// drift, an ordinary company's NPS): the simulated mean must reach
    /// it within the noise; `theory` is then its middle.
    pub range: Option<(f64, f64)>,
    pub runs: u32,
}

impl Check {
    pub fn tolerance(&self) -> f64 {
        Z * self.se + self.discretisation
    }

    pub fn passed(&self) -> bool {
        match self.range {
            Some((lo, hi)) => {
                self.mean >= lo - self.tolerance() && self.mean <= hi + self.tolerance()
            }
            None => (self.mean - self.theory).abs() <= self.tolerance(),
        }
    }

    /// What the check expects, as the table shows it.
    fn expected(&self) -> String {
        let n = |x: f64| {
            if x.is_infinite() {
                "".to_string()
            } else {
                crate::scenario::params::plain((x * 1e4).round() / 1e4)
            }
        };
        match self.range {
            Some((lo, hi)) if hi.is_infinite() => format!("at least {}", n(lo)),
            Some((lo, hi)) => format!("{} to {}", n(lo), n(hi)),
            None => format!("{:.4}", self.theory),
        }
    }
}

/// How many replications: `quick` for the test suite, full for the command.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    pub quick: bool,
}

impl Effort {
    fn runs(self, full: u32, quick: u32) -> u32 {
        if self.quick { quick } else { full }
    }
}

/// A published result as validate computed it, for a chart: what the
/// simulation gave beside what the paper or theory says.
#[derive(Debug, Clone)]
pub struct Picture {
    /// The chart's file name, without its extension.
    pub stem: &'static str,
    pub title: String,
    /// What the chart shows, in a sentence.
    pub finding: String,
    pub x_desc: String,
    pub y_desc: String,
    pub lines: Vec<PictureLine>,
    /// A range of x the theory marks (Watts's cascade window), and its name.
    pub window: Option<(f64, f64, String)>,
}

/// One line of a [`Picture`]: simulated (with standard errors, or none
/// where it is a mean curve) or theory.
#[derive(Debug, Clone)]
pub struct PictureLine {
    pub label: String,
    pub theory: bool,
    /// (x, y, standard error of y).
    pub points: Vec<(f64, f64, f64)>,
}

impl PictureLine {
    fn simulated(label: impl Into<String>, points: Vec<(f64, f64, f64)>) -> Self {
        Self {
            label: label.into(),
            theory: false,
            points,
        }
    }

    fn theory(label: impl Into<String>, points: impl IntoIterator<Item = (f64, f64)>) -> Self {
        Self {
            label: label.into(),
            theory: true,
            points: points.into_iter().map(|(x, y)| (x, y, 0.0)).collect(),
        }
    }
}

/// Every check, and a picture of each published result.
#[derive(Debug, Default)]
pub struct Validation {
    pub checks: Vec<Check>,
    pub pictures: Vec<Picture>,
}

/// A case's checks, and its picture if it draws one.
type Outcome = (Vec<Check>, Option<Picture>);

/// Every case. The cases are independent (each keys its own random
/// numbers), so they run side by side: a case with few runs or a serial
/// part no longer holds the other cores idle. The table keeps the list's
/// order, so it is the same bytes as the cases one after another.
pub fn run_all(effort: Effort) -> Validation {
    let drawn = |case: fn(Effort) -> (Vec<Check>, Picture)| {
        move || -> Outcome {
            let (checks, picture) = case(effort);
            (checks, Some(picture))
        }
    };
    let plain = |case: fn(Effort) -> Vec<Check>| move || -> Outcome { (case(effort), None) };
    let exact = move || -> Outcome {
        let checks = small_graphs()
            .into_iter()
            .flat_map(|(name, graph)| {
                [
                    independent_cascade(name, &graph, effort),
                    linear_threshold(name, &graph, effort),
                ]
            })
            .collect();
        (checks, None)
    };
    let cases: [&(dyn Fn() -> Outcome + Sync); 9] = [
        &plain(bass),
        &drawn(bass_ring_and_complete),
        &plain(sir),
        &drawn(sir_on_fresh_graphs),
        &plain(steady_towns),
        &drawn(watts_window),
        &drawn(karate_cascade),
        &drawn(weak_ties),
        &exact,
    ];
    let outcomes: Vec<Outcome> = cases.par_iter().map(|case| case()).collect();
    let mut v = Validation::default();
    for (checks, picture) in outcomes {
        v.checks.extend(checks);
        v.pictures.extend(picture);
    }
    v
}

/// Runs a classic model's `rule` on `graph`, `seeds` of its nodes seeded.
fn simulate<R: Rule>(
    graph: &Graph,
    rule: R,
    seeds: f64,
    (ticks, runs, seed): (u32, u32, u64),
) -> Vec<Recorder> {
    let dynamics = Classic::new(Population::whole(graph, seed), rule, Seeding::Share(seeds));
    engine::run(&dynamics, &Options::new(runs, ticks)).unwrap_or_default()
}

/// Replication `r` of `rule` on an Erdős–Rényi graph of its own (n nodes,
/// mean degree `k`, drawn as `[network] fresh = true` draws it), `seeding`
/// its seeds: the figure `measure` at the end.
fn on_fresh_graph<R: Rule>(
    (n, k, seed): (usize, f64, u64),
    rule: R,
    seeding: Seeding,
    (r, ticks): (u32, u32),
    measure: Measure,
) -> f64 {
    let graph = generators::erdos_renyi(n, k, crate::network::seed_of_run(seed, r)).0;
    let dynamics = Classic::new(Population::whole(&graph, seed), rule, seeding);
    let options = Options {
        first: r,
        runs: 1,
        ..Options::new(1, ticks)
    };
    engine::run(&dynamics, &options)
        .unwrap_or_default()
        .first()
        .map_or(f64::NAN, |rec| last(rec, measure))
}

/// A measure of the whole population at the last tick of one replication.
fn last(r: &Recorder, measure: Measure) -> f64 {
    trace(r, measure).last().copied().unwrap_or(f64::NAN)
}

/// A measure of the whole population at every tick of one replication.
fn trace(r: &Recorder, metric: Measure) -> Vec<f64> {
    let Some(m) = r.position(metric) else {
        return Vec::new();
    };
    (0..r.frames.len()).map(|t| r.value(t, 0, m)).collect()
}

/// Mean and standard error of the mean.
fn mean_se(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, (var / n).sqrt())
}

/// The Bass model's cumulative adoption in continuous time.
pub fn bass_f(p: f64, q: f64, t: f64) -> f64 {
    let e = (-(p + q) * t).exp();
    (1.0 - e) / (1.0 + q / p * e)
}

/// The discrete-time mean field of the model as simulated:
/// F(t+1) = F(t) + (p + q F(t)) (1 - F(t)).
pub fn bass_discrete(p: f64, q: f64, ticks: usize) -> Vec<f64> {
    let mut f = vec![0.0; ticks + 1];
    for t in 1..=ticks {
        f[t] = f[t - 1] + (p + q * f[t - 1]) * (1.0 - f[t - 1]);
    }
    f
}

/// The mean field of the model in steps of `dt`, p and q rates:
/// F(k+1) = F(k) + (1 - F(k)) (1 - exp(-(p + q F(k)) dt)).
pub fn bass_stepped(p: f64, q: f64, dt: f64, ticks: usize) -> Vec<f64> {
    let mut f = vec![0.0; ticks + 1];
    for k in 1..=ticks {
        let chance = -(-(p + q * f[k - 1]) * dt).exp_m1();
        f[k] = f[k - 1] + chance * (1.0 - f[k - 1]);
    }
    f
}

/// The (interpolated) time a curve first reaches `level`.
fn crossing(curve: &[f64], level: f64) -> Option<f64> {
    (1..curve.len())
        .find(|&t| curve[t] >= level)
        .map(|t| t as f64 - 1.0 + (level - curve[t - 1]) / (curve[t] - curve[t - 1]))
}

fn bass(effort: Effort) -> Vec<Check> {
    let (p, q, n, ticks) = (0.003, 0.04, 2000, 150);
    let runs = effort.runs(60, 24);
    let graph = generators::complete(n).0;
    let recs = simulate(&graph, Bass::per_tick(p, q), 0.0, (ticks, runs, 1));
    let traces: Vec<Vec<f64>> = recs
        .iter()
        .map(|r| trace(r, Measure::ShareAdopted))
        .collect();
    let discrete = bass_discrete(p, q, ticks as usize);
    let checkpoints = [20usize, 40, 60, 80, 100];
    let at = |t: usize| mean_se(&traces.iter().map(|tr| tr[t]).collect::<Vec<_>>());
    let mut checks: Vec<Check> = checkpoints
        .iter()
        .map(|&t| {
            let (mean, se) = at(t);
            let theory = bass_f(p, q, t as f64);
            Check {
                case: "bass, complete graph",
                what: format!("F({t}) against the formula, p = {p}, q = {q}, n = {n}"),
                theory,
                mean,
                se,
                discretisation: (discrete[t] - theory).abs(),
                range: None,
                runs,
            }
        })
        .collect();
    // The same against the model's own discrete-time mean field, with no
    // allowance for the step.
    checks.extend(checkpoints.iter().map(|&t| {
        let (mean, se) = at(t);
        Check {
            case: "bass, complete graph",
            what: format!("F({t}) against F(t+1) = F + (p + qF)(1 - F)"),
            theory: discrete[t],
            mean,
            se,
            discretisation: 0.0,
            range: None,
            runs,
        }
    }));
    // The peak of adoption is where F reaches 1/2 - p/(2q).
    let level = 0.5 - p / (2.0 * q);
    let times: Vec<f64> = traces.iter().filter_map(|tr| crossing(tr, level)).collect();
    let (mean, se) = mean_se(&times);
    let peak = (q / p).ln() / (p + q);
    checks.push(Check {
        case: "bass, complete graph",
        what: "peak tick t* = ln(q/p)/(p+q)".into(),
        theory: peak,
        mean,
        se,
        discretisation: (crossing(&discrete, level).unwrap_or(peak) - peak).abs(),
        range: None,
        runs,
    });
    checks
}

/// Fibich and Gibori (2010), "Aggregate diffusion dynamics in agent-based
/// models with a spatial structure": Bass's textbook rates (p = 0.03,
/// q = 0.38 a year) in continuous time on a ring, where each person hears
/// only their two neighbours, against the paper's exact
/// F(t) = 1 - e^{-(p+q)t + (q/p)(1 - e^{-pt})}, and on a complete graph
/// against Bass's F(t): the ring is much slower. Each in ticks of `dt`,
/// allowing the computed gap of the step: the stepped mean field for the
/// complete graph, the stepped one-sided chain (whose continuous-time F is
/// the ring's) for the ring.
fn bass_ring_and_complete(effort: Effort) -> (Vec<Check>, Picture) {
    let (p, q) = (0.03, 0.38);
    let runs = effort.runs(40, 12);
    let years = [2usize, 4, 6, 8, 10];
    let mut checks = Vec::new();
    let mut lines = Vec::new();
    let cases = [
        ("complete graph", 2_000usize, 0.1, 2u64),
        ("ring", if effort.quick { 10_000 } else { 40_000 }, 0.05, 3),
    ];
    for (name, n, dt, seed) in cases {
        let ring = name == "ring";
        let graph = if ring {
            generators::watts_strogatz(n, 2, 0.0, seed).0
        } else {
            generators::complete(n).0
        };
        let per_year = (1.0f64 / dt).round() as usize;
        let ticks = (10 * per_year) as u32;
        let recs = simulate(
            &graph,
            Bass { p, q, dt: Some(dt) },
            0.0,
            (ticks, runs, seed),
        );
        let traces: Vec<Vec<f64>> = recs
            .iter()
            .map(|r| trace(r, Measure::ShareAdopted))
            .collect();
        let stepped = if ring {
            ring_stepped(p, q, dt, ticks as usize)
        } else {
            bass_stepped(p, q, dt, ticks as usize)
        };
        let exact = |t: f64| {
            if ring {
                ring_f(p, q, t)
            } else {
                bass_f(p, q, t)
            }
        };
        let at = |k: usize| mean_se(&traces.iter().map(|tr| tr[k]).collect::<Vec<_>>());
        for &year in &years {
            let k = year * per_year;
            let (mean, se) = at(k);
            let t = year as f64;
            checks.push(Check {
                case: "bass, continuous time",
                what: format!(
                    "F({t}) on a {name} against {}, p = {p}, q = {q} a year, dt = {dt}, n = {n}",
                    if ring {
                        "Fibich & Gibori's formula"
                    } else {
                        "Bass's formula"
                    }
                ),
                theory: exact(t),
                mean,
                se,
                discretisation: (stepped[k] - exact(t)).abs(),
                range: None,
                runs,
            });
        }
        lines.push(PictureLine::simulated(
            format!("{name}, simulated"),
            (0..=10 * per_year)
                .step_by(per_year / 2)
                .map(|k| {
                    let (mean, se) = at(k);
                    (k as f64 * dt, mean, se)
                })
                .collect(),
        ));
        lines.push(PictureLine::theory(
            if ring {
                "ring, Fibich & Gibori's F(t)"
            } else {
                "complete graph, Bass's F(t)"
            },
            (0..=100).map(|i| (f64::from(i) / 10.0, exact(f64::from(i) / 10.0))),
        ));
    }
    let picture = Picture {
        stem: "bass-ring-and-complete",
        title: "Bass on a ring and on a complete graph".into(),
        finding: format!(
            "Hearing only two neighbours, the ring adopts far more slowly: {:.0}% after 10 years against {:.0}%",
            100.0 * ring_f(p, q, 10.0),
            100.0 * bass_f(p, q, 10.0)
        ),
        x_desc: "years".into(),
        y_desc: "share adopted".into(),
        lines,
        window: None,
    };
    (checks, picture)
}

/// Fibich and Gibori's exact aggregate adoption of the Bass model on an
/// infinite ring (each person moved by q/2 per adopted neighbour, or by q
/// from one side only: the same F).
pub fn ring_f(p: f64, q: f64, t: f64) -> f64 {
    1.0 - (-(p + q) * t + q / p * (1.0 - (-p * t).exp())).exp()
}

/// The ring's F in ticks of `dt`, for the one-sided chain (each person
/// moved by the one neighbour on their left), exactly: a person is not yet
/// an adopter after k ticks with chance G_k = e^{-pk dt} (S_k + G_{k-1}),
/// where S_k sums, over the ticks s < k in which the neighbour adopted,
/// that chance times e^{-q dt (k - s)}.
pub fn ring_stepped(p: f64, q: f64, dt: f64, ticks: usize) -> Vec<f64> {
    let mut g = vec![1.0f64; ticks + 1];
    for k in 1..=ticks {
        let s: f64 = (1..k)
            .map(|s| (g[s - 1] - g[s]) * (-q * dt * (k - s) as f64).exp())
            .sum();
        g[k] = (-p * k as f64 * dt).exp() * (s + g[k - 1]);
    }
    g.iter().map(|x| 1.0 - x).collect()
}

/// The edges of Watts's (2002) cascade window for threshold `phi` on
/// Erdős–Rényi graphs: the mean degrees z where z P(K <= 1/phi - 2) = 1,
/// K Poisson(z) (his cascade condition: the vulnerable nodes, those moved
/// by one active neighbour, percolate).
pub fn watts_edges(phi: f64) -> (f64, f64) {
    let most = (1.0 / phi).floor() as u32;
    let condition = |z: f64| {
        let mut term = (-z).exp();
        let mut below = 0.0;
        for k in 0..=most.saturating_sub(2) {
            if k > 0 {
                term *= z / f64::from(k);
            }
            below += term;
        }
        z * below - 1.0
    };
    let root = |mut lo: f64, mut hi: f64| {
        for _ in 0..100 {
            let mid = (lo + hi) / 2.0;
            if (condition(mid) > 0.0) == (condition(lo) > 0.0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        (lo + hi) / 2.0
    };
    (root(0.5, 2.0), root(2.0, 30.0))
}

/// Watts (2002): with every threshold at phi = 0.18 and one random seed,
/// global cascades (over a tenth of the nodes) happen inside the window
/// of mean degree his cascade condition gives, and not outside it. A
/// qualitative check, stated as such: inside, at least 1 run in 20
/// cascades; outside, at most 1 in 100; a fresh graph each run. Near the
/// window's edges (z = 1 and 6) the chart shows the runs but nothing is
/// checked: there the paper's own cascades are rare, not absent.
fn watts_window(effort: Effort) -> (Vec<Check>, Picture) {
    use crate::model::classic::threshold::{Enough, LinearThreshold};
    let (phi, n) = (0.18, 10_000);
    let runs = effort.runs(400, 100);
    let (lo, hi) = watts_edges(phi);
    let mut checks = Vec::new();
    let mut points = Vec::new();
    for z in [0.5f64, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0] {
        let rule = LinearThreshold::of(Enough::Share(phi));
        let cascades: Vec<f64> = (0..runs)
            .map(|r| {
                let one_seed = Seeding::Random(1);
                let share =
                    on_fresh_graph((n, z, 2002), rule, one_seed, (r, 200), Measure::ShareActive);
                f64::from(u8::from(share > 0.1))
            })
            .collect();
        let (mean, se) = mean_se(&cascades);
        points.push((z, mean, se));
        if z == 1.0 || z == 6.0 {
            continue;
        }
        let inside = z > lo && z < hi;
        checks.push(Check {
            case: "watts 2002, qualitative",
            what: format!(
                "share of runs with a global cascade, z = {z}, {} the window {lo:.2} < z < {hi:.2}",
                if inside { "inside" } else { "outside" }
            ),
            theory: if inside { 0.05 } else { 0.005 },
            mean,
            se,
            discretisation: 0.0,
            range: Some(if inside {
                (0.05, f64::INFINITY)
            } else {
                (0.0, 0.01)
            }),
            runs,
        });
    }
    let picture = Picture {
        stem: "watts-2002",
        title: "Watts 2002: global cascades on random networks".into(),
        finding: format!(
            "{} ({lo:.2} < z < {hi:.2}); φ = {phi}, n = {}, {runs} runs a point",
            if checks.iter().all(Check::passed) {
                "Cascades happen only inside the window the paper's condition gives"
            } else {
                "Cascades do NOT keep to the window the paper's condition gives"
            },
            crate::scenario::params::plain(n as f64)
        ),
        x_desc: "mean degree z".into(),
        y_desc: "share of runs with a global cascade".into(),
        lines: vec![PictureLine::simulated("simulated", points)],
        window: Some((lo, hi, "the paper's cascade window".into())),
    };
    (checks, picture)
}

/// SIR's transmissibility: the chance an infected node passes the
/// infection to a given neighbour before it recovers. It tries once a tick
/// with probability beta and recovers after each try with probability
/// gamma, so it makes D tries, D geometric on 1, 2, ...
pub fn transmissibility(beta: f64, gamma: f64) -> f64 {
    beta / (beta + gamma - beta * gamma)
}

/// The expected final size (share ever infected) of SIR with
/// transmissibility `t` from a random share `rho` of seeds, on a large
/// random graph with degree distribution `degrees` (configuration model):
/// u = 1 - (1 - rho) G1(1 - t u), R = 1 - (1 - rho) G0(1 - t u).
pub fn sir_final_size(degrees: &[usize], t: f64, rho: f64) -> f64 {
    let n = degrees.len() as f64;
    let mean = degrees.iter().sum::<usize>() as f64 / n;
    let g0 = |x: f64| degrees.iter().map(|&k| x.powi(k as i32)).sum::<f64>() / n;
    let g1 = |x: f64| {
        degrees
            .iter()
            .filter(|&&k| k > 0)
            .map(|&k| k as f64 * x.powi(k as i32 - 1))
            .sum::<f64>()
            / (n * mean)
    };
    final_size(g0, g1, t, rho)
}

/// The final size from the degree distribution's generating functions
/// `g0` and its excess `g1`: u = 1 - (1 - rho) g1(1 - t u), then
/// R = 1 - (1 - rho) g0(1 - t u).
fn final_size(g0: impl Fn(f64) -> f64, g1: impl Fn(f64) -> f64, t: f64, rho: f64) -> f64 {
    let mut u = 1.0;
    for _ in 0..10_000 {
        let next = 1.0 - (1.0 - rho) * g1(1.0 - t * u);
        if (next - u).abs() < 1e-15 {
            break;
        }
        u = next;
    }
    1.0 - (1.0 - rho) * g0(1.0 - t * u)
}

fn sir(effort: Effort) -> Vec<Check> {
    let (beta, gamma, rho) = (0.1, 0.2, 0.005);
    let n = if effort.quick { 20_000 } else { 100_000 };
    let runs = effort.runs(40, 16);
    let graph = generators::erdos_renyi(n, 5.0, 3).0;
    let degrees: Vec<usize> = (0..graph.nodes()).map(|i| graph.degree(i)).collect();
    let ticks = 250;
    let recs = simulate(&graph, Sir { beta, gamma }, rho, (ticks, runs, 3));
    let finals: Vec<f64> = recs
        .iter()
        .map(|r| 1.0 - last(r, Measure::ShareSusceptible))
        .collect();
    let (mean, se) = mean_se(&finals);
    let t = transmissibility(beta, gamma);
    vec![Check {
        case: "sir, Erdős–Rényi graph",
        what: format!(
            "final size, beta = {beta}, gamma = {gamma}, T = {t:.4}, n = {n}, mean degree 5"
        ),
        theory: sir_final_size(&degrees, t, rho),
        mean,
        se,
        discretisation: 0.0,
        range: None,
        runs,
    }]
}

/// SIR with a fresh Erdős–Rényi graph for each run (as `fresh = true`
/// draws them), against the final size of the ensemble: the Poisson
/// degrees' generating functions, g0(x) = g1(x) = e^{k(x - 1)}, not one
/// graph's degrees. Three infection rates, one recovery rate.
fn sir_on_fresh_graphs(effort: Effort) -> (Vec<Check>, Picture) {
    let (gamma, rho, k) = (0.2, 0.005, 4.0);
    let n = if effort.quick { 20_000 } else { 100_000 };
    let runs = effort.runs(40, 16);
    // Poisson degrees: G0(x) = G1(x) = e^{k(x - 1)}.
    let g = |x: f64| (k * (x - 1.0)).exp();
    let mut checks = Vec::new();
    let mut points = Vec::new();
    for beta in [0.06, 0.1, 0.2] {
        let finals: Vec<f64> = (0..runs)
            .map(|r| {
                let sir = Sir { beta, gamma };
                let left = on_fresh_graph(
                    (n, k, 7),
                    sir,
                    Seeding::Share(rho),
                    (r, 250),
                    Measure::ShareSusceptible,
                );
                1.0 - left
            })
            .collect();
        let (mean, se) = mean_se(&finals);
        let t = transmissibility(beta, gamma);
        points.push((t, mean, se));
        checks.push(Check {
            case: "sir, fresh Erdős–Rényi graphs",
            what: format!(
                "final size, a new graph each run, beta = {beta}, T = {t:.4}, n = {n}, mean degree {k}"
            ),
            theory: final_size(g, g, t, rho),
            mean,
            se,
            discretisation: 0.0,
            range: None,
            runs,
        });
    }
    let picture = Picture {
        stem: "sir-final-size",
        title: "SIR's final size on random networks".into(),
        finding: format!(
            "The share ever infected {} R = 1 − exp(−k T R) (mean degree {k}, {}% seeded, a new graph each run)",
            if checks.iter().all(Check::passed) {
                "follows"
            } else {
                "does NOT follow"
            },
            rho * 100.0
        ),
        x_desc: "transmissibility T".into(),
        y_desc: "share ever infected".into(),
        lines: vec![
            PictureLine::theory(
                "final-size relation",
                (0..=60).map(|i| {
                    let t = f64::from(i) / 100.0;
                    (t, final_size(g, g, t, rho))
                }),
            ),
            PictureLine::simulated("simulated", points),
        ],
        window: None,
    };
    (checks, picture)
}

/// Small graphs whose live-edge graphs can all be enumerated.
pub fn small_graphs() -> Vec<(&'static str, Graph)> {
    let g = |n: usize, edges: &[(u32, u32)]| Graph::from_edges(n, edges.to_vec()).0;
    vec![
        ("path of 4", g(4, &[(0, 1), (1, 2), (2, 3)])),
        (
            "house (5 nodes, 6 edges)",
            g(5, &[(0, 1), (1, 2), (2, 3), (3, 0), (2, 4), (3, 4)]),
        ),
        (
            "star of 5 with a chord",
            g(6, &[(0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (1, 2)]),
        ),
        (
            "weighted house (ties 0.25 to 2)",
            Graph::from_weighted_edges(
                5,
                vec![(0, 1), (1, 2), (2, 3), (3, 0), (2, 4), (3, 4)],
                &[1.0, 0.25, 2.0, 0.5, 1.5, 0.75],
            )
            .0,
        ),
    ]
}

/// The nodes reachable from `seed` along live arcs (`live[u]` lists u's).
fn reached(live: &[Vec<u32>], seed: usize) -> usize {
    let mut seen = vec![false; live.len()];
    let mut stack = vec![seed];
    seen[seed] = true;
    let mut count = 1;
    while let Some(u) = stack.pop() {
        for &v in &live[u] {
            if !seen[v as usize] {
                seen[v as usize] = true;
                count += 1;
                stack.push(v as usize);
            }
        }
    }
    count
}

/// Exact expected spread of the independent cascade from one seed chosen
/// uniformly: every arc (each direction of each edge) is live with
/// probability min(1, p w) for its tie's strength w (1 unweighted),
/// independently; enumerate all 2^arcs live-arc sets.
pub fn ic_exact(graph: &Graph, p: f64) -> f64 {
    let n = graph.nodes();
    let arcs: Vec<(usize, u32, f64)> = (0..n)
        .flat_map(|u| {
            graph
                .neighbours(u)
                .iter()
                .enumerate()
                .map(move |(k, &v)| (u, v, (p * f64::from(graph.weight(u, k))).min(1.0)))
        })
        .collect();
    assert!(arcs.len() <= 24, "enumeration is for small graphs");
    let mut total = 0.0;
    for mask in 0u64..1 << arcs.len() {
        let mut prob = 1.0;
        let mut live = vec![Vec::new(); n];
        for (k, &(u, v, q)) in arcs.iter().enumerate() {
            if mask >> k & 1 == 1 {
                live[u].push(v);
                prob *= q;
            } else {
                prob *= 1.0 - q;
            }
        }
        if prob == 0.0 {
            continue;
        }
        let spread: usize = (0..n).map(|s| reached(&live, s)).sum();
        total += prob * spread as f64 / n as f64;
    }
    total
}

/// Exact expected spread of the linear threshold model (uniform
/// thresholds, in-weights w / Σw: 1/degree unweighted) from one seed chosen
/// uniformly: by Kempe, Kleinberg and Tardos (2003) it equals reachability
/// when each node keeps one incoming arc, from a neighbour chosen with its
/// in-weight (none when its ties are all of strength 0); enumerate every
/// choice.
pub fn lt_exact(graph: &Graph) -> f64 {
    let n = graph.nodes();
    let strength = |v: usize| -> f64 {
        (0..graph.degree(v))
            .map(|k| f64::from(graph.weight(v, k)))
            .sum()
    };
    let choices: Vec<usize> = (0..n)
        .map(|v| {
            if strength(v) > 0.0 {
                graph.degree(v)
            } else {
                1
            }
        })
        .collect();
    let combos: usize = choices.iter().product();
    assert!(combos <= 1 << 20, "enumeration is for small graphs");
    let mut total = 0.0;
    for mut code in 0..combos {
        let mut live = vec![Vec::new(); n];
        let mut prob = 1.0;
        for v in 0..n {
            let pick = code % choices[v];
            code /= choices[v];
            let all = strength(v);
            if all > 0.0 {
                live[graph.neighbours(v)[pick] as usize].push(v as u32);
                prob *= f64::from(graph.weight(v, pick)) / all;
            }
        }
        if prob == 0.0 {
            continue;
        }
        let spread: usize = (0..n).map(|s| reached(&live, s)).sum();
        total += prob * spread as f64 / n as f64;
    }
    total
}

/// Goldenberg, Libai and Muller (2001), "Talk of the network", qualitative
/// and stated as such: word of mouth (an SI spread: SIR with gamma = 0)
/// among 10,000 people in 500 workplaces of 20, each with 6 strong ties in
/// their workplace (beta_s = 0.05) and 6 weak ties outside it, each a fifth
/// as strong (beta_w = 0.01; both inside the paper's ranges), from 10
/// people. The periods to half the market, per run, on the same graph and
/// seeds for every variant (common random numbers):
///
/// - weak ties speed adoption: without their strength (0), half the market
///   is not reached in 100 periods (counted as 101), with it well before;
/// - their effect approximates the strong ties': 50% stronger weak ties
///   save at least half the periods that 50% stronger strong ties save
///   (the paper finds it about as large or larger).
fn weak_ties(effort: Effort) -> (Vec<Check>, Picture) {
    let (n, seed, ticks) = (10_000, 2001, 100);
    let runs = effort.runs(100, 20);
    let ((graph, _), organisation) = generators::organisations(n, 500, 6.0, 6.0, seed);
    // Each variant's mean curve, and the periods each run took to half.
    let to_half = |label: &str, beta: f64, weak: f64| -> (PictureLine, Vec<f64>) {
        let g = graph.clone().weighted_by(|u, v| {
            if organisation[u] == organisation[v] {
                1.0
            } else {
                weak as f32
            }
        });
        let sir = Sir { beta, gamma: 0.0 };
        let dynamics = Classic::new(Population::whole(&g, seed), sir, Seeding::Random(10));
        let traces: Vec<Vec<f64>> = engine::run(&dynamics, &Options::new(runs, ticks))
            .unwrap_or_default()
            .iter()
            .map(|r| trace(r, Measure::ShareInfected))
            .collect();
        let mean: Vec<(f64, f64, f64)> = (0..=ticks as usize)
            .map(|t| {
                let (m, se) = mean_se(&traces.iter().map(|tr| tr[t]).collect::<Vec<_>>());
                (t as f64, m, se)
            })
            .collect();
        let times = traces
            .iter()
            .map(|tr| crossing(tr, 0.5).unwrap_or(f64::from(ticks) + 1.0))
            .collect();
        (PictureLine::simulated(label, mean), times)
    };
    let (base_curve, base) = to_half("weak ties 1/5 as strong", 0.05, 0.2);
    let (without_curve, without) = to_half("no weak ties", 0.05, 0.0);
    let (weak_curve, weak_up) = to_half("weak ties 50% stronger", 0.05, 0.3);
    let (strong_curve, strong_up) = to_half("strong ties 50% stronger", 0.075, 0.2 / 1.5);
    let paired = |f: &dyn Fn(usize) -> f64| mean_se(&(0..base.len()).map(f).collect::<Vec<_>>());
    let (saved, saved_se) = paired(&|r| without[r] - base[r]);
    let (edge, edge_se) = paired(&|r| (base[r] - weak_up[r]) - 0.5 * (base[r] - strong_up[r]));
    let check = |what: String, (mean, se): (f64, f64), least: f64| Check {
        case: "goldenberg 2001, qualitative",
        what,
        theory: least,
        mean,
        se,
        discretisation: 0.0,
        range: Some((least, f64::INFINITY)),
        runs,
    };
    let mean_of = |v: &[f64]| mean_se(v).0;
    // Runs that never reached half count as one period past the end.
    let without_them = if without.iter().all(|&t| t > f64::from(ticks)) {
        format!("without them it is not reached in {ticks} periods")
    } else {
        format!("{:.0} without them", mean_of(&without))
    };
    let picture = Picture {
        stem: "goldenberg-2001",
        title: "Weak ties still speed word of mouth".into(),
        finding: format!(
            "Ties a fifth as strong take half the market in {:.0} periods; {without_them}",
            mean_of(&base)
        ),
        x_desc: "periods".into(),
        y_desc: "share who have heard".into(),
        lines: vec![base_curve, without_curve, weak_curve, strong_curve],
        window: None,
    };
    let checks = vec![
        check(
            format!(
                "periods to half the market saved by weak ties 1/5 as strong ({:.1}, against {:.1} without them)",
                mean_of(&base),
                mean_of(&without)
            ),
            (saved, saved_se),
            10.0,
        ),
        check(
            format!(
                "periods saved by 50% stronger weak ties ({:.1}) less half those saved by 50% stronger strong ties ({:.1})",
                mean_of(&base) - mean_of(&weak_up),
                mean_of(&base) - mean_of(&strong_up)
            ),
            (edge, edge_se),
            0.0,
        ),
    ];
    (checks, picture)
}

/// Zachary's karate club (1977), numbered as networkx's
/// `karate_club_graph` numbers it: 34 members, 78 ties.
const KARATE: &str = include_str!("../tests/data/networks/karate.txt");

/// The karate club's graph.
pub fn karate() -> Graph {
    crate::network::parse_edge_list(KARATE.as_bytes(), std::path::Path::new("karate.txt"), false)
        .map(|list| Graph::from_edges(list.ids.len(), list.edges).0)
        .unwrap_or_else(|_| Graph::from_edges(0, Vec::new()).0)
}

/// The expected number of nodes an independent cascade from `seed`
/// reaches, by the live-edge figure of Kempe et al. (2003): sample which
/// ties are kept (each with chance min(1, p w), independently) and count
/// `seed`'s component. Written apart from the engine, with its own
/// generator, each tie drawn when the search first meets it. The number
/// reached in each of `samples` samples.
pub fn live_edge_reach(graph: &Graph, p: f64, seed: usize, samples: u32) -> Vec<f64> {
    use rand::RngExt;
    let mut r = rand_pcg::Pcg32::new(0x5eed_0f4a_7e00, 0x0a02_bdbf_7bb3_c0a7);
    let n = graph.nodes();
    let mut reached = vec![u32::MAX; n];
    let mut stack = Vec::with_capacity(n);
    (0..samples)
        .map(|sample| {
            reached[seed] = sample;
            stack.push(seed);
            let mut size = 1.0;
            while let Some(u) = stack.pop() {
                for (k, &v) in graph.neighbours(u).iter().enumerate() {
                    let v = v as usize;
                    let kept = p * f64::from(graph.weight(u, k));
                    if reached[v] != sample && r.random::<f64>() < kept {
                        reached[v] = sample;
                        size += 1.0;
                        stack.push(v);
                    }
                }
            }
            size
        })
        .collect()
}

/// The share of `sizes` at each whole number from 1 to `n`, with its
/// binomial standard error.
fn distribution(sizes: &[f64], n: usize) -> Vec<(f64, f64, f64)> {
    let total = sizes.len().max(1) as f64;
    (1..=n)
        .map(|k| {
            let share = sizes.iter().filter(|&&s| s == k as f64).count() as f64 / total;
            (k as f64, share, (share * (1.0 - share) / total).sqrt())
        })
        .collect()
}

/// The independent cascade from member 0 of the karate club: the mean
/// number reached against the live-edge figure (10 times as many samples
/// as runs); the tolerance counts both estimates' errors.
fn karate_cascade(effort: Effort) -> (Vec<Check>, Picture) {
    let graph = karate();
    let p = 0.25;
    let runs = effort.runs(40_000, 4_000);
    let samples = live_edge_reach(&graph, p, 0, runs * 10);
    let (theory, theory_se) = mean_se(&samples);
    let dynamics = Classic::new(
        Population::whole(&graph, 13),
        IndependentCascade { probability: p },
        Seeding::Nodes(vec![0]),
    );
    let recs = engine::run(&dynamics, &Options::new(runs, 40)).unwrap_or_default();
    let reached: Vec<f64> = recs
        .iter()
        .map(|r| last(r, Measure::ShareActive) * graph.nodes() as f64)
        .collect();
    let (mean, se) = mean_se(&reached);
    let check = Check {
        case: "karate club cascade",
        what: format!(
            "members reached from member 0, p = {p}, against {}k live-edge samples",
            runs / 100
        ),
        theory,
        mean,
        se: se.hypot(theory_se),
        discretisation: 0.0,
        range: None,
        runs,
    };
    let n = graph.nodes();
    let picture = Picture {
        stem: "karate-cascade",
        title: "A cascade from member 0 of Zachary's karate club".into(),
        finding: format!(
            "grapevine's runs reach {} members as the live-edge figure: {mean:.2} against {theory:.2} (p = {p})",
            if check.passed() {
                "as many"
            } else {
                "NOT as many"
            }
        ),
        x_desc: "members reached".into(),
        y_desc: "share of runs".into(),
        lines: vec![
            PictureLine::theory(
                "live-edge figure (Kempe et al. 2003)",
                distribution(&samples, n)
                    .into_iter()
                    .map(|(x, y, _)| (x, y)),
            ),
            PictureLine::simulated("simulated", distribution(&reached, n)),
        ],
        window: None,
    };
    (vec![check], picture)
}

/// A cascade model from one seed chosen uniformly on a small graph: its
/// mean final number of active nodes against the exact expectation.
fn spread_check<R: Rule>(
    case: &'static str,
    what: String,
    graph: &Graph,
    rule: R,
    theory: f64,
    effort: Effort,
    seed: u64,
) -> Check {
    let n = graph.nodes();
    let runs = effort.runs(40_000, 8_000);
    let recs = simulate(graph, rule, 1.0 / n as f64, (n as u32 + 1, runs, seed));
    let finals: Vec<f64> = recs
        .iter()
        .map(|r| last(r, Measure::ShareActive) * n as f64)
        .collect();
    let (mean, se) = mean_se(&finals);
    Check {
        case,
        what,
        theory,
        mean,
        se,
        discretisation: 0.0,
        range: None,
        runs,
    }
}

fn independent_cascade(name: &'static str, graph: &Graph, effort: Effort) -> Check {
    let p = 0.4;
    spread_check(
        "independent cascade, exact",
        format!("expected spread from 1 seed, p = {p}, {name}"),
        graph,
        IndependentCascade { probability: p },
        ic_exact(graph, p),
        effort,
        5,
    )
}

fn linear_threshold(name: &'static str, graph: &Graph, effort: Effort) -> Check {
    spread_check(
        "linear threshold, exact",
        format!("expected spread from 1 seed, {name}"),
        graph,
        LinearThreshold::DRAWN,
        lt_exact(graph),
        effort,
        7,
    )
}

/// The networks the default town is checked on.
const TOWNS: [(&str, &str); 3] = [
    ("barabasi-albert", "kind = \"barabasi-albert\"\nm = 5"),
    (
        "watts-strogatz",
        "kind = \"watts-strogatz\"\nmean_degree = 10\nrewire = 0.1",
    ),
    ("erdos-renyi", "kind = \"erdos-renyi\"\nmean_degree = 10"),
];

/// The default town (a scenario that sets only its network) on three
/// kinds of network: after its warm-up, over a year, reputation moves less
/// than 0.05, customers' NPS less than 5 points and customers less than
/// 5%; and it is an ordinary company: reputation above 0, customers' NPS
/// between 0 and +50, good first-hand stories at least twice the bad.
fn steady_towns(effort: Effort) -> Vec<Check> {
    let n = if effort.quick { 5_000 } else { 20_000 };
    let runs = effort.runs(20, 8);
    let mut checks = Vec::new();
    for (name, network) in TOWNS {
        let text = format!("runs = {runs}\nseed = 9\n[network]\nn = {n}\n{network}\n");
        let Ok(s) = Scenario::parse(&text, std::path::Path::new("default-town.toml")) else {
            continue;
        };
        let Ok(report) = pipeline::simulate(&s, &RunOptions::silent()) else {
            continue;
        };
        let recs = &report.variants[0].runs;
        let end = s.ticks as usize;
        let at = |r: &Recorder, t: usize, m: Measure| r.value(t, 0, r.position(m).unwrap_or(0));
        let total = |r: &Recorder, m: Measure| r.final_value(0, r.position(m).unwrap_or(0));
        let check = |what: &str, range: (f64, f64), f: &dyn Fn(&Recorder) -> f64| {
            let (mean, se) = mean_se(&recs.iter().map(f).collect::<Vec<_>>());
            Check {
                case: "default town",
                what: format!("{what}, {name}, n = {n}"),
                theory: if range.1.is_finite() {
                    (range.0 + range.1) / 2.0
                } else {
                    range.0
                },
                mean,
                se,
                discretisation: 0.0,
                range: Some(range),
                runs,
            }
        };
        checks.push(check("reputation drift over a year", (-0.05, 0.05), &|r| {
            at(r, end, Measure::Reputation) - at(r, 0, Measure::Reputation)
        }));
        checks.push(check("NPS drift over a year", (-5.0, 5.0), &|r| {
            at(r, end, Measure::Nps) - at(r, 0, Measure::Nps)
        }));
        checks.push(check(
            "customers drift over a year, share",
            (-0.05, 0.05),
            &|r| at(r, end, Measure::Customers) / at(r, 0, Measure::Customers).max(1.0) - 1.0,
        ));
        checks.push(check("reputation above 0", (0.0, 1.0), &|r| {
            at(r, end, Measure::Reputation)
        }));
        checks.push(check("customers' NPS, 0 to +50", (0.0, 50.0), &|r| {
            at(r, end, Measure::Nps)
        }));
        checks.push(check(
            "good first-hand stories per bad",
            (2.0, f64::INFINITY),
            &|r| {
                let recovered = total(r, Measure::Recoveries);
                (total(r, Measure::Delights) + recovered)
                    / (total(r, Measure::Failures) - recovered).max(1.0)
            },
        ));
    }
    checks
}

/// The checks as a table for the terminal, each column as wide as its
/// widest entry.
pub fn table(checks: &[Check]) -> String {
    let rows: Vec<[String; 6]> = checks
        .iter()
        .map(|c| {
            [
                c.case.to_string(),
                c.what.clone(),
                c.expected(),
                format!("{:.4} ± {:.4}", c.mean, c.se),
                format!("{:.4}", c.tolerance()),
                if c.passed() { "pass" } else { "FAIL" }.to_string(),
            ]
        })
        .collect();
    let head = [
        "case",
        "check",
        "theory",
        "simulated (mean ± se)",
        "tolerance",
        "result",
    ];
    let mut width = head.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 6]| {
        let mut out = String::new();
        for (k, (cell, w)) in cells.iter().zip(width).enumerate() {
            let pad = w - cell.chars().count();
            // Text to the left, figures to the right.
            if k < 2 {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            }
            out.push_str(if k < 5 { "  " } else { "\n" });
        }
        out
    };
    let mut out = line(head);
    for row in &rows {
        out.push_str(&line(row.each_ref().map(String::as_str)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watts_window_is_the_papers() {
        // Watts (2002): for phi = 0.18, global cascades for 1 < z < 5.8.
        let (lo, hi) = watts_edges(0.18);
        assert!((lo - 1.0).abs() < 0.05, "{lo}");
        assert!((hi - 5.8).abs() < 0.1, "{hi}");
        // A lower threshold widens it: more nodes are vulnerable.
        assert!(watts_edges(0.1).1 > hi);
    }

    #[test]
    fn exact_spreads_of_tiny_graphs_by_hand() {
        // Two nodes: the seed, and the other with probability p.
        let two = Graph::from_edges(2, vec![(0, 1)]).0;
        assert!((ic_exact(&two, 0.3) - 1.3).abs() < 1e-12);
        // LT: each has one neighbour, whose in-weight is 1: always spreads.
        assert!((lt_exact(&two) - 2.0).abs() < 1e-12);
        // A path 0-1-2: from the middle 1 + 2p; from an end 1 + p + p^2.
        let path = Graph::from_edges(3, vec![(0, 1), (1, 2)]).0;
        let p: f64 = 0.5;
        let expected = ((1.0 + 2.0 * p) + 2.0 * (1.0 + p + p * p)) / 3.0;
        assert!((ic_exact(&path, p) - expected).abs() < 1e-12);
        // LT on the path: from the middle both ends follow (each has the
        // middle as its only neighbour): 3. From an end the middle follows
        // with probability 1/2 (weight 1/2), then the other end: 1 + 2/2 = 2.
        assert!((lt_exact(&path) - 7.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn bass_curve_and_its_peak_agree() {
        let (p, q): (f64, f64) = (0.003, 0.04);
        let peak = (q / p).ln() / (p + q);
        let f = |t| bass_f(p, q, t);
        // F at the peak is 1/2 - p/(2q), and the slope is largest there.
        assert!((f(peak) - (0.5 - p / (2.0 * q))).abs() < 1e-9);
        let slope = |t: f64| f(t + 1e-3) - f(t - 1e-3);
        assert!(slope(peak) > slope(peak - 5.0) && slope(peak) > slope(peak + 5.0));
    }

    #[test]
    fn final_size_solves_its_equation() {
        // Poisson-like degrees: R = 1 - (1 - rho) exp(-c T R) approximately.
        let degrees: Vec<usize> = (0..10_000).map(|i| 3 + i % 5).collect(); // mean 5
        let r = sir_final_size(&degrees, 0.5, 0.0);
        assert!(r > 0.5 && r < 1.0, "{r}");
        // Below the threshold (T x excess degree < 1) there is no outbreak.
        assert!(sir_final_size(&degrees, 0.1, 0.0) < 1e-6);
        assert!((transmissibility(0.1, 1.0) - 0.1).abs() < 1e-12);
    }
}
