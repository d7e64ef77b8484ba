//! The scenario: a TOML file turned into a validated, runnable [`Scenario`].
//!
//! Two stages, after ripgrep's "low" and "high" arguments: serde reads the
//! file into raw structs that mirror it (unknown keys refused), then
//! [`validate`] checks every value and every rule that spans several fields
//! and builds the [`Scenario`] the engine takes. A value of that type is
//! always runnable. Every problem found is reported at once, each at its line
//! and column.

pub mod error;
pub mod events;
pub mod model;
pub mod overrides;
pub mod params;
pub mod spans;
mod variants;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use error::{FieldPath, InputError, Problem};
pub use events::{Action, Chosen, Event, Size};
pub use model::{ModelKind, ModelSpec};
pub use overrides::Override;
pub use params::{FanOut, Hearing, Market, Overflow, Service, Telling};
use params::{RawHearing, RawMarket, RawService, RawTelling, whole, within};
use spans::SpanIndex;

use crate::measures::Measure;

/// Defaults for the top level.
pub const DEFAULT_TICKS: u32 = 52;
pub const DEFAULT_RUNS: u32 = 20;
pub const DEFAULT_SEED: u64 = 1;
/// The most agents one scenario may have (agent ids are 32-bit).
pub const MAX_AGENTS: u64 = u32::MAX as u64 - 1;

/// The top level of a scenario file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub title: Option<String>,
    pub description: Option<String>,
    pub ticks: Option<i64>,
    pub runs: Option<i64>,
    pub seed: Option<i64>,
    pub tick_unit: Option<String>,
    pub compare: Option<Vec<String>>,
    pub network: RawNetwork,
    pub groups: Option<Vec<RawGroup>>,
    #[serde(default)]
    pub service: RawService,
    #[serde(default)]
    pub telling: RawTelling,
    #[serde(default)]
    pub hearing: RawHearing,
    #[serde(default)]
    pub market: RawMarket,
    pub workplaces: Option<RawWorkplaces>,
    pub model: Option<model::RawModel>,
    /// The name of the scenario as written, among its variants.
    pub baseline: Option<String>,
    pub variants: Option<Vec<RawVariant>>,
    pub events: Option<Vec<events::RawEvent>>,
}

/// One `[[variants]]` entry: a what-if beside the baseline.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    pub name: String,
    pub description: Option<String>,
    /// Values to change, by dotted path.
    pub set: Option<toml::Table>,
    /// Events this variant has besides the scenario's own.
    pub events: Option<Vec<events::RawEvent>>,
}

/// `[workplaces]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkplaces {
    pub organisations: Option<i64>,
    pub colleagues: Option<i64>,
    pub mobility: Option<f64>,
}

/// Workplace ties and job mobility (phase 5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workplaces {
    /// How many organisations; `None` when the network's own are used.
    pub organisations: Option<u32>,
    /// Workplace ties per agent: colleagues it talks to.
    pub colleagues: u32,
    /// Probability per tick that an agent changes organisation.
    pub mobility: f64,
}

/// The most workplace ties an agent keeps.
pub const MAX_COLLEAGUES: i64 = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkKind {
    ErdosRenyi,
    WattsStrogatz,
    BarabasiAlbert,
    Organisations,
    Complete,
    EdgeList,
}

/// `[network]` as written: which fields apply depends on `kind`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNetwork {
    pub kind: NetworkKind,
    pub n: Option<i64>,
    pub mean_degree: Option<f64>,
    pub rewire: Option<f64>,
    pub m: Option<i64>,
    pub organisations: Option<i64>,
    pub within_degree: Option<f64>,
    pub between_degree: Option<f64>,
    pub path: Option<String>,
}

/// Market status of a group's members at the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Not in the market (staff, stakeholders, competitors' staff): hears
    /// and tells, never buys.
    None,
    Prospect,
    Customer,
    Lapsed,
}

/// One `[[groups]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    pub name: String,
    pub share: f64,
    pub status: Option<Status>,
    pub attitude: Option<f64>,
    pub attitude_spread: Option<f64>,
    pub aware_share: Option<f64>,
    pub staff: Option<bool>,
    pub placement: Option<Placement>,
    #[serde(default)]
    pub service: RawService,
    #[serde(default)]
    pub telling: RawTelling,
    #[serde(default)]
    pub hearing: RawHearing,
    #[serde(default)]
    pub market: RawMarket,
}

/// The network to build, with its parameters checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum NetworkSpec {
    /// G(n, p) with p = mean_degree / (n - 1).
    ErdosRenyi { n: u64, mean_degree: f64 },
    /// A ring where each node links to its `mean_degree` nearest, each link
    /// rewired with probability `rewire`.
    WattsStrogatz {
        n: u64,
        mean_degree: u32,
        rewire: f64,
    },
    /// Preferential attachment: each new node links to `m` existing ones.
    BarabasiAlbert { n: u64, m: u32 },
    /// Agents in `organisations` workplaces of equal size: random ties inside
    /// a workplace (mean `within_degree`) and between (mean `between_degree`).
    Organisations {
        n: u64,
        organisations: u32,
        within_degree: f64,
        between_degree: f64,
    },
    /// Everyone knows everyone.
    Complete { n: u64 },
    /// A file of `u v` lines, as networkx, igraph and SNAP write them.
    EdgeList { path: PathBuf },
}

impl NetworkSpec {
    /// The number of agents, when it is known before the network is built.
    pub fn agents(&self) -> Option<u64> {
        match *self {
            NetworkSpec::ErdosRenyi { n, .. }
            | NetworkSpec::WattsStrogatz { n, .. }
            | NetworkSpec::BarabasiAlbert { n, .. }
            | NetworkSpec::Organisations { n, .. }
            | NetworkSpec::Complete { n } => Some(n),
            NetworkSpec::EdgeList { .. } => None,
        }
    }
}

/// Which agents a group's members are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// Anywhere, at random.
    #[default]
    Random,
    /// The best-connected agents (influencers, connectors).
    TopDegree,
    /// Whole organisations, from the first: a group concentrated in a few
    /// workplaces.
    FirstOrganisations,
}

/// A group of agents with its own parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub name: String,
    /// Share of the population in this group.
    pub share: f64,
    pub status: Status,
    /// Mean initial attitude, in [-1, 1].
    pub attitude: f64,
    /// Initial attitudes are uniform within `attitude ± attitude_spread`.
    pub attitude_spread: f64,
    /// Share of the group aware of the brand at the start.
    pub aware_share: f64,
    /// The company's own staff: their experiences are of how they are
    /// treated (this group's `service`), and their mean attitude is morale.
    pub staff: bool,
    pub placement: Placement,
    pub service: Service,
    pub telling: Telling,
    pub hearing: Hearing,
    pub market: Market,
}

/// A validated scenario: every value in range, ready to run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub title: String,
    pub description: String,
    pub ticks: u32,
    pub runs: u32,
    pub seed: u64,
    /// What one tick stands for, for chart labels ("week").
    pub tick_unit: String,
    /// The measures on the comparison chart, in its order.
    #[serde(serialize_with = "crate::measures::names")]
    pub compare: Vec<Measure>,
    /// The baseline first, then the what-ifs, in the file's order.
    pub variants: Vec<Variant>,
    /// Values set from the command line, for the record.
    pub overrides: Vec<String>,
    /// The file it was read from.
    pub source: PathBuf,
}

/// One version of the world: the baseline, or a what-if.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    pub name: String,
    pub description: String,
    /// What differs from the baseline, as `path = value`.
    pub changes: Vec<String>,
    pub network: NetworkSpec,
    pub groups: Vec<Group>,
    pub workplaces: Option<Workplaces>,
    /// The dynamics: word of mouth, or a classic model.
    pub model: ModelSpec,
    pub events: Vec<Event>,
    /// The groups' parameters tick by tick, with the events' overrides.
    #[serde(skip)]
    pub timeline: Timeline,
}

/// Group parameters over time: at tick `t` they are `params[at[t]]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    pub params: Vec<Vec<Group>>,
    pub at: Vec<u16>,
}

impl Timeline {
    /// Parameters that do not change.
    pub fn constant(groups: &[Group], ticks: u32) -> Self {
        Self {
            params: vec![groups.to_vec()],
            at: vec![0; ticks as usize + 1],
        }
    }
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, InputError> {
        Self::read(path, &[]).map(|(scenario, _)| scenario)
    }

    /// The scenario as written, before any what-if.
    pub fn baseline(&self) -> &Variant {
        &self.variants[0]
    }

    /// Reads and validates a scenario file with `overrides` applied (from
    /// the command line), returning its text too (kept beside the results,
    /// and for locating later problems in it).
    pub fn read(path: &Path, overrides: &[Override]) -> Result<(Scenario, String), InputError> {
        let text =
            crate::input::read_text(path, crate::input::MAX_SCENARIO_BYTES).map_err(|e| {
                InputError::single(
                    path,
                    Problem::new(FieldPath::root(), e.describe("scenario")),
                )
            })?;
        Self::parse_with(&text, path, overrides).map(|scenario| (scenario, text))
    }

    /// Validates scenario text; `path` names it in errors and anchors
    /// relative paths (an edge list) to its folder.
    pub fn parse(text: &str, path: &Path) -> Result<Scenario, InputError> {
        Self::parse_with(text, path, &[])
    }

    /// Validates scenario text as written, then applies `overrides` and
    /// builds each variant and its timeline.
    pub fn parse_with(
        text: &str,
        path: &Path,
        overrides: &[Override],
    ) -> Result<Scenario, InputError> {
        let fail = |problems| InputError::new(path, Some(text.to_string()), problems);
        let index = SpanIndex::parse(text).map_err(|e| fail(vec![syntax_problem(&e)]))?;
        let raw: RawScenario =
            toml::from_str(text).map_err(|e| fail(vec![serde_problem(&e, &index)]))?;
        let checked = validate(raw, path).map_err(|mut problems| {
            for p in &mut problems {
                p.span = index.span_of(&p.path);
            }
            fail(problems)
        })?;
        let doc: toml::Table = text.parse().map_err(|e| fail(vec![syntax_problem(&e)]))?;
        variants::build(checked, doc, overrides, path, &index).map_err(fail)
    }
}

/// Places a problem found after validation (a size that will not fit in
/// memory, say) at its field in the scenario's text.
pub fn locate(text: &str, path: &Path, mut problem: Problem) -> InputError {
    if let Ok(index) = SpanIndex::parse(text) {
        problem.span = index.span_of(&problem.path);
    }
    InputError::new(path, Some(text.to_string()), vec![problem])
}

fn syntax_problem(e: &toml::de::Error) -> Problem {
    Problem::new(
        FieldPath::root(),
        format!("TOML syntax: {}", e.message().trim()),
    )
    .allowed("TOML: `key = value` lines under `[table]` headers")
    .at(e.span())
}

/// Turns serde's message into a problem with the field's path, the allowed
/// names and a near-miss suggestion.
fn serde_problem(e: &toml::de::Error, index: &SpanIndex<'_>) -> Problem {
    let path = e.span().map(|s| index.path_at(s.start)).unwrap_or_default();
    problem_from_serde(e.message(), path).at(e.span())
}

/// serde's message in a scenario writer's words: no Rust type names
/// (`struct RawNetwork`, `i128`), TOML's names for values instead.
fn plain_serde_message(message: &str) -> String {
    let mut m = message
        .trim()
        .replace("expected i64", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a string", "expected text in quotes")
        .replace("expected a sequence", "expected a list `[...]`")
        .replace("expected a boolean", "expected true or false")
        .replace("expected a map", "expected a table")
        .replace("invalid type: map,", "invalid type: a table,")
        .replace("invalid type: sequence,", "invalid type: a list,");
    // `expected struct RawNetwork` and the like.
    while let Some(at) = m.find("struct Raw") {
        let end = m[at..]
            .find(|c: char| !c.is_alphanumeric() && c != ' ')
            .map_or(m.len(), |e| at + e);
        let end = m[at + 7..end].find(' ').map_or(end, |e| at + 7 + e);
        m.replace_range(at..end, "a table");
    }
    while let Some(at) = m.find("enum ") {
        let end = m[at + 5..]
            .find(|c: char| !c.is_alphanumeric())
            .map_or(m.len(), |e| at + 5 + e);
        m.replace_range(at..end, "one of the names allowed");
    }
    // A whole number beyond 64 bits: `integer `99999999999999999999` as i128`.
    if m.contains(" as i128") {
        let number = m.split('`').nth(1).unwrap_or("the number");
        m = format!(
            "`{number}` is too large for a whole number here (at most {})",
            i64::MAX
        );
    }
    m.replace("u64 value was too large", "the whole number is too large")
        .replace(
            "wanted string or table",
            "expected one of the allowed names, in quotes",
        )
}

/// A problem from serde's message about the field at `path`.
pub(crate) fn problem_from_serde(message: &str, path: FieldPath) -> Problem {
    let message = plain_serde_message(message);
    let mut problem = Problem::new(path, message.clone());
    for (what, prefix) in [("field", "unknown field `"), ("value", "unknown variant `")] {
        let Some(rest) = message.strip_prefix(prefix) else {
            continue;
        };
        let typed = rest.split('`').next().unwrap_or_default();
        let known: Vec<&str> = message
            .split(", expected ")
            .nth(1)
            .unwrap_or_default()
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        problem = problem.allowed(format!(
            "{}: {}",
            if what == "field" {
                "the keys"
            } else {
                "one of"
            },
            known.join(", ")
        ));
        if let Some(near) = error::did_you_mean(typed, known.iter().copied()) {
            problem = problem.help(format!("did you mean `{near}`?"));
        } else if what == "field" {
            problem = problem
                .help("remove the key, or see docs/scenario.md for the keys this table takes");
        }
    }
    if message.starts_with("missing field") {
        problem = problem.help("add the field; docs/scenario.md lists what each table needs");
    }
    problem
}

/// A scenario file checked as written, before its variants are built.
#[derive(Debug, Clone)]
pub struct Checked {
    pub title: String,
    pub description: String,
    pub ticks: u32,
    pub runs: u32,
    pub seed: u64,
    pub tick_unit: String,
    pub compare: Vec<Measure>,
    /// The baseline's name among the variants.
    pub baseline: String,
    pub network: NetworkSpec,
    pub groups: Vec<Group>,
    pub workplaces: Option<Workplaces>,
    pub model: ModelSpec,
    pub events: Vec<Event>,
    pub variants: Vec<RawVariant>,
}

/// Checks every value and cross-field rule; returns all problems found.
pub fn validate(raw: RawScenario, source: &Path) -> Result<Checked, Vec<Problem>> {
    let mut problems = Vec::new();
    let p = &mut problems;
    let root = FieldPath::root();

    let ticks = checked(p, root.key("ticks"), raw.ticks, DEFAULT_TICKS as i64, |v| {
        whole(v, 1, 100_000)
    }) as u32;
    let runs = checked(p, root.key("runs"), raw.runs, DEFAULT_RUNS as i64, |v| {
        whole(v, 1, 100_000)
    });
    let seed = checked(p, root.key("seed"), raw.seed, DEFAULT_SEED as i64, |v| {
        whole(v, 0, i64::MAX)
    });
    let has_organisations = raw.network.kind == NetworkKind::Organisations;
    let network = network(raw.network, source, p);
    let workplaces = raw
        .workplaces
        .as_ref()
        .and_then(|w| workplaces(w, has_organisations, p));

    let service = raw
        .service
        .resolve(&root.key("service"), &Service::default(), p);
    let telling = raw
        .telling
        .resolve(&root.key("telling"), &Telling::default(), p);
    let hearing = raw
        .hearing
        .resolve(&root.key("hearing"), &Hearing::default(), p);
    let market = raw
        .market
        .resolve(&root.key("market"), &Market::default(), p);
    let base = Group {
        name: String::new(),
        share: 0.0,
        status: Status::Prospect,
        attitude: 0.0,
        attitude_spread: 0.0,
        aware_share: 0.0,
        staff: false,
        placement: Placement::Random,
        service,
        telling,
        hearing,
        market,
    };
    let groups = match raw.groups {
        Some(gs) => groups(gs, &base, p),
        None => default_groups(&base),
    };
    if groups
        .iter()
        .any(|g| g.placement == Placement::FirstOrganisations)
        && workplaces.is_none()
        && !has_organisations
    {
        p.push(
            Problem::new(
                root.key("groups"),
                "placement = \"first-organisations\" needs organisations",
            )
            .allowed("a [workplaces] table, or network kind = \"organisations\""),
        );
    }
    let events = events::validate(
        raw.events.as_deref().unwrap_or_default(),
        &root.key("events"),
        ticks,
        &groups,
        p,
    );
    let model = raw
        .model
        .as_ref()
        .map_or(ModelSpec::WordOfMouth, |m| model::validate(m, p));
    let compare = compare_measures(raw.compare, model.kind(), p);
    let baseline = raw.baseline.unwrap_or_else(|| "baseline".to_string());
    let variants = raw.variants.unwrap_or_default();
    let mut names = vec![baseline.clone()];
    for (i, v) in variants.iter().enumerate() {
        let name = v.name.trim();
        if name.is_empty() || name.contains(',') {
            p.push(
                Problem::new(
                    root.key("variants").index(i).key("name"),
                    format!("`{name}` cannot name a variant"),
                )
                .allowed("a non-empty name without commas"),
            );
        } else if names.iter().any(|n| n == name) {
            p.push(
                Problem::new(root.key("variants").index(i).key("name"), format!("two variants are named `{name}`"))
                    .allowed("a name used once (the scenario itself is `baseline`, or the name given by `baseline = ...`)"),
            );
        }
        names.push(name.to_string());
    }

    let title = raw.title.unwrap_or_else(|| {
        source.file_stem().map_or_else(
            || "grapevine".to_string(),
            |s| s.to_string_lossy().into_owned(),
        )
    });
    if problems.is_empty() {
        Ok(Checked {
            title,
            description: raw.description.unwrap_or_default(),
            ticks,
            runs: runs as u32,
            seed: seed as u64,
            tick_unit: raw.tick_unit.unwrap_or_else(|| "week".to_string()),
            compare,
            baseline,
            network: network.expect("no problems means the network was valid"),
            groups,
            workplaces,
            model,
            events,
            variants,
        })
    } else {
        Err(problems)
    }
}

/// Checks `compare`: one to four names of the model's measures.
fn compare_measures(
    raw: Option<Vec<String>>,
    kind: ModelKind,
    p: &mut Vec<Problem>,
) -> Vec<Measure> {
    let Some(names) = raw else {
        return kind.declaration().compare.to_vec();
    };
    let at = FieldPath::root().key("compare");
    let known: Vec<&str> = kind.measures().iter().map(|m| m.name()).collect();
    if names.is_empty() || names.len() > 4 {
        p.push(
            Problem::new(
                at.clone(),
                format!("{} measures cannot share one chart", names.len()),
            )
            .allowed("one to four names of measures"),
        );
    }
    let mut out = Vec::new();
    for (i, n) in names.iter().enumerate() {
        match Measure::parse(n).filter(|&m| kind.records(m)) {
            Some(m) => out.push(m),
            None => {
                let mut problem = Problem::new(at.index(i), format!("`{n}` is not a measure"))
                    .allowed(format!("one of: {}", known.join(", ")));
                if let Some(near) = error::did_you_mean(n, known.iter().copied()) {
                    problem = problem.help(format!("did you mean `{near}`?"));
                }
                p.push(problem);
            }
        }
    }
    out
}

fn workplaces(
    raw: &RawWorkplaces,
    has_organisations: bool,
    p: &mut Vec<Problem>,
) -> Option<Workplaces> {
    let at = FieldPath::root().key("workplaces");
    let before = p.len();
    let organisations = match (raw.organisations, has_organisations) {
        (Some(_), true) => {
            p.push(
                Problem::new(
                    at.key("organisations"),
                    "the network's own organisations are used",
                )
                .allowed("no `organisations` here when network kind = \"organisations\""),
            );
            None
        }
        (None, false) => {
            p.push(
                Problem::new(at.clone(), "[workplaces] needs `organisations` (how many)")
                    .allowed("organisations = 100 (1 to 10,000,000)"),
            );
            None
        }
        (Some(o), false) => whole(o, 1, 10_000_000)
            .map_err(|bad| p.push(params::out_of_range(at.key("organisations"), bad)))
            .ok()
            .map(|o| o as u32),
        (None, true) => None,
    };
    let colleagues = checked(p, at.key("colleagues"), raw.colleagues, 5, |v| {
        whole(v, 0, MAX_COLLEAGUES)
    }) as u32;
    let mobility = match raw.mobility.map(|m| within(m, 0.0, 1.0)) {
        None => 0.0,
        Some(Ok(m)) => m,
        Some(Err(bad)) => {
            p.push(params::out_of_range(at.key("mobility"), bad));
            0.0
        }
    };
    (p.len() == before).then_some(Workplaces {
        organisations,
        colleagues,
        mobility,
    })
}

/// A checked whole number, or the default with a problem recorded.
fn checked(
    problems: &mut Vec<Problem>,
    path: FieldPath,
    value: Option<i64>,
    default: i64,
    check: impl Fn(i64) -> Result<i64, params::Bad>,
) -> i64 {
    match value.map(check) {
        None => default,
        Some(Ok(v)) => v,
        Some(Err(bad)) => {
            problems.push(params::out_of_range(path, bad));
            default
        }
    }
}

/// The groups used when a scenario names none: 20% customers who think well
/// of the brand (attitude 0.5 ± 0.4), 80% prospects who do not know it yet.
fn default_groups(base: &Group) -> Vec<Group> {
    vec![
        Group {
            name: "customers".into(),
            share: 0.2,
            status: Status::Customer,
            attitude: 0.5,
            attitude_spread: 0.4,
            aware_share: 1.0,
            ..base.clone()
        },
        Group {
            name: "prospects".into(),
            share: 0.8,
            status: Status::Prospect,
            attitude_spread: 0.2,
            ..base.clone()
        },
    ]
}

/// The most groups a scenario may have (a group id is one byte).
pub const MAX_GROUPS: usize = 250;

fn groups(raw: Vec<RawGroup>, base: &Group, p: &mut Vec<Problem>) -> Vec<Group> {
    let root = FieldPath::root().key("groups");
    if raw.is_empty() {
        p.push(
            Problem::new(root.clone(), "`groups` is empty")
                .allowed(format!("1 to {MAX_GROUPS} [[groups]] tables"))
                .help("remove `groups` to use the default customers and prospects, or add a [[groups]] table"),
        );
    }
    if raw.len() > MAX_GROUPS {
        p.push(
            Problem::new(root.clone(), format!("{} groups are too many", raw.len()))
                .allowed(format!("1 to {MAX_GROUPS} groups")),
        );
    }
    let mut out: Vec<Group> = Vec::with_capacity(raw.len());
    // The shares as written, for the sum (a share out of range is
    // reported on its own and counts as written).
    let shares: Vec<f64> = raw.iter().map(|g| g.share).collect();
    for (i, g) in raw.into_iter().enumerate() {
        let at = root.index(i);
        let name = g.name.trim().to_string();
        if name.is_empty() || name == "all" || name.contains([',', '.']) {
            p.push(
                Problem::new(at.key("name"), format!("`{name}` cannot name a group")).allowed(
                    "a non-empty name without commas or dots, other than `all` (which stands for everyone)",
                ),
            );
        } else if out.iter().any(|o| o.name == name) {
            p.push(
                Problem::new(at.key("name"), format!("two groups are named `{name}`"))
                    .allowed("a name used once"),
            );
        }
        let share = within(g.share, 0.0, 1.0).unwrap_or_else(|bad| {
            p.push(params::out_of_range(at.key("share"), bad));
            0.0
        });
        let real = |p: &mut Vec<Problem>, key: &str, v: Option<f64>, lo, hi, default| match v
            .map(|v| within(v, lo, hi))
        {
            None => default,
            Some(Ok(v)) => v,
            Some(Err(bad)) => {
                p.push(params::out_of_range(at.key(key), bad));
                default
            }
        };
        let status = g.status.unwrap_or(Status::Prospect);
        let aware_default = if status == Status::Prospect { 0.0 } else { 1.0 };
        out.push(Group {
            name,
            share,
            status,
            attitude: real(p, "attitude", g.attitude, -1.0, 1.0, 0.0),
            attitude_spread: real(p, "attitude_spread", g.attitude_spread, 0.0, 2.0, 0.0),
            aware_share: real(p, "aware_share", g.aware_share, 0.0, 1.0, aware_default),
            staff: g.staff.unwrap_or(false),
            placement: g.placement.unwrap_or_default(),
            service: g.service.resolve(&at.key("service"), &base.service, p),
            telling: g.telling.resolve(&at.key("telling"), &base.telling, p),
            hearing: g.hearing.resolve(&at.key("hearing"), &base.hearing, p),
            market: g.market.resolve(&at.key("market"), &base.market, p),
        });
    }
    let total: f64 = shares.iter().sum();
    if !out.is_empty() && (total - 1.0).abs() > 1e-6 {
        let terms: Vec<String> = shares.iter().map(|&s| params::plain(s)).collect();
        let sum = if terms.len() <= 8 {
            format!(" ({})", terms.join(" + "))
        } else {
            String::new()
        };
        p.push(
            Problem::new(
                root,
                format!(
                    "the groups' shares add up to {}{sum}, not 1",
                    params::plain(total)
                ),
            )
            .allowed("shares in [0, 1] that add up to 1")
            .help("adjust the `share` of each [[groups]] table"),
        );
    }
    out
}

/// Checks `[network]`: the fields its `kind` needs, no others, each in range.
fn network(raw: RawNetwork, source: &Path, p: &mut Vec<Problem>) -> Option<NetworkSpec> {
    use NetworkKind as K;
    let at = FieldPath::root().key("network");
    let (needs, example): (&[&str], &str) = match raw.kind {
        K::ErdosRenyi => (&["n", "mean_degree"], "n = 10000, mean_degree = 10"),
        K::WattsStrogatz => (
            &["n", "mean_degree", "rewire"],
            "n = 10000, mean_degree = 10, rewire = 0.1",
        ),
        K::BarabasiAlbert => (&["n", "m"], "n = 10000, m = 5"),
        K::Organisations => (
            &["n", "organisations", "within_degree", "between_degree"],
            "n = 10000, organisations = 100, within_degree = 6, between_degree = 4",
        ),
        K::Complete => (&["n"], "n = 1000"),
        K::EdgeList => (&["path"], "path = \"network.txt\""),
    };
    let kind = serde_name(&raw.kind);
    let given = [
        ("n", raw.n.is_some()),
        ("mean_degree", raw.mean_degree.is_some()),
        ("rewire", raw.rewire.is_some()),
        ("m", raw.m.is_some()),
        ("organisations", raw.organisations.is_some()),
        ("within_degree", raw.within_degree.is_some()),
        ("between_degree", raw.between_degree.is_some()),
        ("path", raw.path.is_some()),
    ];
    let before = p.len();
    for (name, set) in given {
        if set && !needs.contains(&name) {
            p.push(
                Problem::new(
                    at.key(name),
                    format!("`{name}` does not apply to kind = \"{kind}\""),
                )
                .allowed(format!("for kind = \"{kind}\": {}", needs.join(", ")))
                .help(format!("for example: {example}")),
            );
        }
        if !set && needs.contains(&name) {
            p.push(
                Problem::new(at.clone(), format!("kind = \"{kind}\" needs `{name}`"))
                    .allowed(format!("for kind = \"{kind}\": {}", needs.join(", ")))
                    .help(format!("for example: {example}")),
            );
        }
    }
    if p.len() > before {
        return None;
    }
    let max_n = if raw.kind == K::Complete {
        200_000
    } else {
        MAX_AGENTS as i64
    };
    let n = raw.n.map(|n| whole(n, 2, max_n).map(|v| v as u64));
    let mut bad = |key: &str, r: Result<f64, params::Bad>| match r {
        Ok(v) => Some(v),
        Err(b) => {
            p.push(params::out_of_range(at.key(key), b));
            None
        }
    };
    let n = match n {
        Some(Ok(n)) => Some(n),
        Some(Err(b)) => {
            bad("n", Err(b));
            return None;
        }
        None => None,
    };
    let nf = n.unwrap_or(0) as f64;
    let others = format!(
        "no one can know more than the other n - 1 = {} agents",
        nf - 1.0
    );
    let spec = match raw.kind {
        K::ErdosRenyi => NetworkSpec::ErdosRenyi {
            n: n?,
            mean_degree: bad(
                "mean_degree",
                within(raw.mean_degree?, 0.0, nf - 1.0).map_err(|b| b.because(&others)),
            )?,
        },
        K::WattsStrogatz => {
            let k = bad(
                "mean_degree",
                within(raw.mean_degree?, 2.0, (nf - 1.0).min(10_000.0)).map_err(|b| {
                    if nf - 1.0 < 10_000.0 {
                        b.because(&others)
                    } else {
                        b
                    }
                }),
            )?;
            if k.fract() != 0.0 || k as u64 % 2 != 0 {
                bad(
                    "mean_degree",
                    Err(params::Bad::new(
                        k.to_string(),
                        "an even whole number (each node links to k/2 neighbours on each side)",
                    )),
                );
                return None;
            }
            NetworkSpec::WattsStrogatz {
                n: n?,
                mean_degree: k as u32,
                rewire: bad("rewire", within(raw.rewire?, 0.0, 1.0))?,
            }
        }
        K::BarabasiAlbert => {
            let m = raw.m?;
            let m = bad(
                "m",
                whole(m, 1, (n? as i64 - 1).min(10_000))
                    .map(|v| v as f64)
                    .map_err(|b| {
                        if nf - 1.0 < 10_000.0 {
                            b.because("each new agent links to m of those before it, so m is at most n - 1")
                        } else {
                            b
                        }
                    }),
            )?;
            NetworkSpec::BarabasiAlbert { n: n?, m: m as u32 }
        }
        K::Organisations => {
            let orgs = raw.organisations?;
            let orgs = bad(
                "organisations",
                whole(orgs, 1, n? as i64)
                    .map(|v| v as f64)
                    .map_err(|b| b.because("at most one organisation per agent")),
            )? as u32;
            let size = nf / f64::from(orgs);
            let outside = nf - size;
            NetworkSpec::Organisations {
                n: n?,
                organisations: orgs,
                within_degree: bad(
                    "within_degree",
                    within(raw.within_degree?, 0.0, (size - 1.0).max(0.0)).map_err(|b| {
                        b.because(format!(
                            "an organisation has n / organisations = {} agents, so an agent has at most {} colleagues in it",
                            params::plain(size),
                            params::plain((size - 1.0).max(0.0))
                        ))
                    }),
                )?,
                between_degree: bad(
                    "between_degree",
                    within(raw.between_degree?, 0.0, outside.min(10_000.0)).map_err(|b| {
                        if orgs == 1 {
                            b.because("with a single organisation there is no one outside it, so between_degree can only be 0")
                        } else if outside < 10_000.0 {
                            b.because(format!(
                                "{} agents are outside an organisation of {}",
                                params::plain(outside),
                                params::plain(size)
                            ))
                        } else {
                            b
                        }
                    }),
                )?,
            }
        }
        K::Complete => NetworkSpec::Complete { n: n? },
        K::EdgeList => {
            let rel = raw.path?;
            let dir = source.parent().unwrap_or_else(|| Path::new("."));
            NetworkSpec::EdgeList {
                path: dir.join(rel),
            }
        }
    };
    Some(spec)
}

fn serde_name(kind: &NetworkKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Scenario, InputError> {
        Scenario::parse(text, Path::new("test.toml"))
    }

    const MINIMAL: &str = "[network]\nkind = \"erdos-renyi\"\nn = 100\nmean_degree = 4\n";

    #[test]
    fn a_minimal_scenario_gets_the_documented_defaults() {
        let s = parse(MINIMAL).unwrap();
        assert_eq!(
            (s.ticks, s.runs, s.seed),
            (DEFAULT_TICKS, DEFAULT_RUNS, DEFAULT_SEED)
        );
        assert_eq!(s.baseline().groups.len(), 2);
        assert_eq!(
            s.baseline().groups[0].telling.bad,
            FanOut::Uniform { min: 20, max: 30 }
        );
        assert_eq!(s.title, "test");
    }

    #[test]
    fn unknown_keys_are_errors_with_a_suggestion() {
        let e = parse(&format!("{MINIMAL}[telling]\nretel_probability = 0.2\n")).unwrap_err();
        let p = &e.problems[0];
        assert!(p.message.contains("unknown field"), "{}", p.message);
        assert_eq!(
            p.help.as_deref(),
            Some("did you mean `retell_probability`?")
        );
        assert_eq!(e.line_col(p), Some((6, 1)));
        assert_eq!(p.path.to_string(), "telling.retel_probability");
    }

    #[test]
    fn out_of_range_values_point_at_the_value() {
        let text = format!(
            "{MINIMAL}[[groups]]\nname = \"a\"\nshare = 1.0\n[groups.service]\nrecovery_rate = 2\n"
        );
        let e = parse(&text).unwrap_err();
        assert_eq!(e.problems.len(), 1, "{e}");
        let p = &e.problems[0];
        assert_eq!(p.path.to_string(), "groups[0].service.recovery_rate");
        assert_eq!(e.line_col(p), Some((9, 17)));
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let text = "ticks = 0\nruns = -1\n[network]\nkind = \"complete\"\nn = 1\n";
        let e = parse(text).unwrap_err();
        assert_eq!(e.problems.len(), 3, "{e}");
    }

    #[test]
    fn network_fields_must_fit_the_kind() {
        let e = parse("[network]\nkind = \"complete\"\nn = 10\nm = 3\n").unwrap_err();
        assert!(e.problems[0].message.contains("does not apply"), "{e}");
        let e = parse("[network]\nkind = \"barabasi-albert\"\nn = 10\n").unwrap_err();
        assert!(e.problems[0].message.contains("needs `m`"), "{e}");
        let e =
            parse("[network]\nkind = \"watts-strogatz\"\nn = 100\nmean_degree = 5\nrewire = 0.1\n")
                .unwrap_err();
        assert!(
            e.problems[0].allowed.as_deref().unwrap().contains("even"),
            "{e}"
        );
    }

    #[test]
    fn shares_must_add_up_to_one() {
        let text = format!("{MINIMAL}[[groups]]\nname = \"a\"\nshare = 0.5\n");
        let e = parse(&text).unwrap_err();
        assert!(e.problems[0].message.contains("add up to"), "{e}");
    }

    #[test]
    fn the_comparison_names_known_measures() {
        let e = parse(&format!("compare = [\"nps\", \"reputaton\"]\n{MINIMAL}")).unwrap_err();
        assert_eq!(e.problems[0].path.to_string(), "compare[1]");
        assert_eq!(
            e.problems[0].help.as_deref(),
            Some("did you mean `reputation`?")
        );
        let s = parse(MINIMAL).unwrap();
        assert_eq!(
            s.compare,
            [
                Measure::Reputation,
                Measure::Nps,
                Measure::Customers,
                Measure::Referrals
            ]
        );
    }

    #[test]
    fn variants_set_values_by_path_and_events_make_a_timeline() {
        let text = format!(
            "ticks = 10\n{MINIMAL}[[groups]]\nname = \"a\"\nshare = 1.0\n\
             [[events]]\nname = \"outage\"\nfrom = 3\nto = 4\nset = {{ service.quality_mean = -2 }}\n\
             [[events]]\nname = \"programme\"\nfrom = 4\nset = {{ groups.a.service.recovery_rate = 0.5 }}\n\
             [[variants]]\nname = \"picky\"\nset = {{ groups.a.service.expectation = 1 }}\n"
        );
        let s = parse(&text).unwrap();
        assert_eq!(s.variants.len(), 2);
        assert_eq!(s.variants[1].groups[0].service.expectation, 1.0);
        assert_eq!(s.variants[1].changes, ["groups.a.service.expectation = 1"]);
        let t = &s.variants[0].timeline;
        let at = |tick: usize| &t.params[t.at[tick] as usize][0].service;
        assert_eq!((at(2).quality_mean, at(2).recovery_rate), (0.0, 0.0));
        assert_eq!((at(3).quality_mean, at(3).recovery_rate), (-2.0, 0.0));
        assert_eq!((at(4).quality_mean, at(4).recovery_rate), (-2.0, 0.5));
        assert_eq!((at(5).quality_mean, at(5).recovery_rate), (0.0, 0.5));
        assert_eq!((at(10).quality_mean, at(10).recovery_rate), (0.0, 0.5));
        // The what-if keeps the scenario's events.
        let v = &s.variants[1].timeline;
        assert_eq!(v.params[v.at[3] as usize][0].service.expectation, 1.0);
        assert_eq!(v.params[v.at[3] as usize][0].service.quality_mean, -2.0);
    }

    #[test]
    fn classic_models_take_exactly_their_keys() {
        let model = |body: &str| parse(&format!("{MINIMAL}[model]\n{body}\n"));
        let s = model("kind = \"sir\"\nbeta = 0.1\ngamma = 0.2\ninitial_infected_share = 0.01")
            .unwrap();
        assert_eq!(
            s.baseline().model,
            ModelSpec::Sir {
                beta: 0.1,
                gamma: 0.2,
                initial_infected_share: 0.01
            }
        );
        assert_eq!(s.compare[0], Measure::ShareSusceptible);
        let e = model("kind = \"sir\"\nbeta = 0.1\ngamma = 0.2").unwrap_err();
        assert!(
            e.problems[0]
                .message
                .contains("needs `initial_infected_share`"),
            "{e}"
        );
        let e = model("kind = \"bass\"\np = 0.1\nq = 0.2\nbeta = 1").unwrap_err();
        assert!(e.problems[0].message.contains("does not apply"), "{e}");
        assert_eq!(e.problems[0].path.to_string(), "model.beta");
        let e = model("kind = \"bass\"\np = 1.5\nq = 0.2").unwrap_err();
        assert!(
            e.problems[0].allowed.as_deref().unwrap().contains("0 to 1"),
            "{e}"
        );
        let e = model("kind = \"sri\"").unwrap_err();
        assert!(
            e.problems[0]
                .allowed
                .as_deref()
                .unwrap_or("")
                .contains("sir"),
            "{e}"
        );
    }

    #[test]
    fn syntax_errors_have_a_place() {
        let e = parse("ticks = \n").unwrap_err();
        assert_eq!(e.line_col(&e.problems[0]).map(|l| l.0), Some(1));
    }

    #[test]
    fn edge_list_paths_are_relative_to_the_scenario() {
        let s = Scenario::parse(
            "[network]\nkind = \"edge-list\"\npath = \"net.txt\"\n",
            Path::new("dir/s.toml"),
        )
        .unwrap();
        assert_eq!(
            s.baseline().network,
            NetworkSpec::EdgeList {
                path: PathBuf::from("dir/net.txt")
            }
        );
    }
}

#[cfg(test)]
mod docs_tests {
    use super::*;

    /// Every key a scenario takes is documented in docs/scenario.md.
    #[test]
    fn every_field_is_documented() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario.md"))
            .unwrap();
        let sections = [
            Service::FIELDS,
            Telling::FIELDS,
            Hearing::FIELDS,
            Market::FIELDS,
        ];
        let tables = sections
            .iter()
            .flat_map(|s| s.iter().map(|(name, _)| *name));
        let others = [
            "title",
            "description",
            "ticks",
            "runs",
            "seed",
            "tick_unit",
            "compare",
            "n",
            "mean_degree",
            "rewire",
            "m",
            "organisations",
            "within_degree",
            "between_degree",
            "path",
            "name",
            "share",
            "status",
            "attitude",
            "attitude_spread",
            "aware_share",
            "staff",
            "placement",
            "baseline",
            "set",
            "from",
            "to",
            "at",
            "experience",
            "who",
            "count",
            "group",
            "quality",
            "organisations",
            "colleagues",
            "mobility",
            "kind",
            "beta",
            "gamma",
            "initial_infected_share",
            "probability",
            "initial_active_share",
            "p",
            "q",
        ];
        for field in tables.chain(others) {
            assert!(
                doc.contains(&format!("`{field}`")),
                "docs/scenario.md does not mention `{field}`"
            );
        }
    }
}
