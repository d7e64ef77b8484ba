//! The scenario: a TOML file turned into a validated, runnable [`Scenario`].
//!
//! Two stages, after ripgrep's "low" and "high" arguments: serde reads the
//! file into raw structs that mirror it (unknown keys refused), then
//! [`validate`] checks every value and every rule that spans several fields
//! and builds the [`Scenario`] the engine takes. A value of that type is
//! always runnable. Every problem found is reported at once, each at its line
//! and column.

pub mod edit;
pub mod error;
pub mod events;
pub mod groups;
pub mod headline;
mod messages;
pub mod model;
pub mod network;
pub mod overrides;
pub mod params;
pub mod seeds;
pub mod setting;
pub mod spans;
pub mod studio;
mod variants;
pub mod what_if;
pub mod workplaces;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use error::{FieldPath, InputError, Problem};
pub use events::{Action, Chosen, Event, Size};
pub use groups::{Group, Placement, RawGroup, Status};
pub(crate) use messages::problem_from_serde;
use messages::{serde_problem, syntax_problem};
pub use model::{ModelKind, ModelSpec};
pub use network::{NetworkKind, NetworkSpec, RawNetwork};
pub use overrides::Override;
pub use params::{FanOut, Hearing, Market, Overflow, Service, Telling};
use params::{RawHearing, RawMarket, RawService, RawTelling, checked, whole};
use spans::SpanIndex;
pub use workplaces::{MAX_COLLEAGUES, RawWorkplaces, Workplaces};

use crate::measures::Measure;

/// Defaults for the top level.
pub const DEFAULT_TICKS: u32 = 52;
pub const DEFAULT_RUNS: u32 = 20;
pub const DEFAULT_SEED: u64 = 1;
/// The most agents one scenario may have (agent ids are 32-bit).
pub const MAX_AGENTS: u64 = u32::MAX as u64 - 1;

/// The top level of a scenario file, as written.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub title: Option<String>,
    pub description: Option<String>,
    pub ticks: Option<i64>,
    pub warmup: Option<i64>,
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
    /// What `grapevine serve`'s page shows for this scenario.
    pub studio: Option<studio::RawStudio>,
    /// The lesson's point, for its headline slide.
    pub headline: Option<headline::RawHeadline>,
    /// A classic model's seeds, when not a share at random.
    pub seeds: Option<seeds::RawSeeds>,
}

/// One `[[variants]]` entry: a what-if beside the baseline.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    pub name: String,
    pub description: Option<String>,
    /// Values to change, by dotted path.
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub set: Option<toml::Table>,
    /// Events this variant has besides the scenario's own.
    pub events: Option<Vec<events::RawEvent>>,
    /// The variant its findings are measured against: the baseline
    /// unless named (another what-if, such as its own world: `lore +
    /// recovery` against `lore`).
    pub compare_to: Option<String>,
}

/// A validated scenario: every value in range, ready to run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub title: String,
    pub description: String,
    pub ticks: u32,
    /// Ticks the town lives before tick 0, not recorded: charts start from
    /// the town as it has lived with its service.
    pub warmup: u32,
    pub runs: u32,
    /// The first replication run (`--replication K` runs replication K
    /// alone); the others follow it.
    pub first_replication: u32,
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
    /// Where those values go, resolved: whose value wins is decided on
    /// these, not on how the paths were spelled.
    #[serde(skip)]
    pub settings: Vec<setting::Setting>,
    /// The file it was read from.
    pub source: PathBuf,
    /// What the studio's page shows for it (`[studio]`).
    #[serde(skip)]
    pub studio: studio::Studio,
    /// The lesson's point (`[headline]`).
    pub headline: headline::Headline,
    /// A classic model's seeds, when `[seeds]` chooses them (else its
    /// `initial_*_share`, at random).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seeds: Option<seeds::Seeds>,
    /// The file's text as it was read: kept beside the results, and for
    /// placing a problem found later (a run too large) at its line.
    #[serde(skip)]
    pub text: String,
}

/// One version of the world: the baseline, or a what-if.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    pub name: String,
    pub description: String,
    /// What differs from the baseline, as `path = value`.
    pub changes: Vec<String>,
    /// The index of the variant its findings are measured against (0,
    /// the baseline, unless its `compare_to` names another).
    pub reference: usize,
    /// The variant's own `set`, as written (empty for the baseline).
    #[serde(skip)]
    pub set: Vec<Override>,
    pub network: NetworkSpec,
    /// Whether the network is drawn anew for each run (`fresh = true`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub fresh_network: bool,
    pub groups: Vec<Group>,
    pub workplaces: Option<Workplaces>,
    /// The dynamics: word of mouth, or a classic model.
    pub model: ModelSpec,
    pub events: Vec<Event>,
    /// The groups' parameters tick by tick, with the events' overrides.
    #[serde(skip)]
    pub timeline: Timeline,
}

impl Variant {
    /// Whether this variant can produce measure `m`: morale needs staff,
    /// moves need job mobility, and so on (the measure's [`Feature`]). A
    /// measure it cannot produce is written empty, not as 0.
    ///
    /// [`Feature`]: crate::measures::Feature
    pub fn produces(&self, m: crate::measures::Measure) -> bool {
        use crate::measures::Feature;
        match m.info().needs {
            Feature::Always => true,
            Feature::Staff => self.groups.iter().any(|g| g.staff),
            Feature::Workplaces => {
                self.workplaces.is_some()
                    || matches!(self.network, NetworkSpec::Organisations { .. })
            }
            Feature::Mobility => self.workplaces.as_ref().is_some_and(|w| w.mobility > 0.0),
            Feature::Events => self
                .events
                .iter()
                .any(|e| matches!(e.action, Action::Experience { .. })),
            Feature::Value => self
                .timeline
                .params
                .iter()
                .flatten()
                .any(|g| g.market.value_per_tick > 0.0 || g.market.value_per_referral > 0.0),
        }
    }

    /// Whether this variant starts from the baseline's warmed-up town: it
    /// differs from the baseline only in policy (service, telling, hearing,
    /// market, job mobility, events), not in who lives in the town, where,
    /// or how they are connected. A variant that changes those warms up on
    /// its own.
    pub fn shares_warmup(&self, baseline: &Variant) -> bool {
        let people = |g: &Group| {
            (
                g.name.clone(),
                g.share.to_bits(),
                g.status,
                g.attitude.to_bits(),
                g.attitude_spread.to_bits(),
                g.aware_share.to_bits(),
                g.staff,
                g.placement,
            )
        };
        let places = |w: &Option<Workplaces>| w.as_ref().map(|w| (w.organisations, w.colleagues));
        self.network == baseline.network
            && self.model == baseline.model
            && places(&self.workplaces) == places(&baseline.workplaces)
            && self
                .groups
                .iter()
                .map(people)
                .eq(baseline.groups.iter().map(people))
    }
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
        Self::read(path, &[])
    }

    /// The JSON Schema (draft 7) of the scenario format, generated from the
    /// types the reader uses, so it cannot drift from what is read: every
    /// key, its type and its documentation; unknown keys refused.
    pub fn schema() -> String {
        let generator = schemars::generate::SchemaSettings::draft07().into_generator();
        let mut schema = generator.into_root_schema_for::<RawScenario>();
        schema.insert("title".into(), "grapevine scenario".into());
        schema.insert(
        "description".into(),
        "A grapevine scenario file (TOML). docs/scenario.md lists every key with its unit, range and default.".into(),
    );
        let mut value = schema.to_value();
        no_nulls(&mut value);
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Places a problem found after validation (a size that will not fit
    /// in memory, say) at its field in the scenario's text.
    pub fn locate(&self, problem: Problem) -> InputError {
        locate(&self.text, &self.source, problem)
    }

    /// The scenario as written, before any what-if.
    pub fn baseline(&self) -> &Variant {
        &self.variants[0]
    }

    /// Reads and validates a scenario file with `overrides` applied (from
    /// the command line).
    pub fn read(path: &Path, overrides: &[Override]) -> Result<Scenario, InputError> {
        let text =
            crate::input::read_text(path, crate::input::MAX_SCENARIO_BYTES).map_err(|e| {
                let mut problem = Problem::new(FieldPath::root(), e.describe("scenario"));
                if let crate::input::Refused::NotText { line, column, .. } = e {
                    problem = problem.at_line(line, column);
                }
                InputError::single(path, problem)
            })?;
        Self::parse_with(&text, path, overrides)
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
        let s = Self::parse_only(text, path, overrides)?;
        let problems = s.check_controls(overrides);
        if problems.is_empty() {
            Ok(s)
        } else {
            let index = SpanIndex::parse(text).ok();
            let problems = problems
                .into_iter()
                .map(|mut p| {
                    p.span = index.as_ref().and_then(|i| i.span_of(&p.path));
                    p
                })
                .collect();
            Err(InputError::new(path, Some(text.to_string()), problems))
        }
    }

    /// Each `[[studio.controls]]` slider checked at both ends of its
    /// range: the scenario must take the value it sets there.
    fn check_controls(&self, overrides: &[Override]) -> Vec<Problem> {
        let Some(specs) = &self.studio.controls else {
            return Vec::new();
        };
        let mut problems = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            let at = FieldPath::root().key("studio").key("controls").index(i);
            let Some(now) = studio::moves(self, &spec.path) else {
                problems.push(
                    Problem::new(
                        at.key("path"),
                        format!("`{}` is not a number or a fan-out of this scenario's (one its groups share)", spec.path),
                    )
                    .allowed("a dotted path to a number (service.recovery_rate) or a fan-out (telling.bad), as --set takes it"),
                );
                continue;
            };
            for (end, x) in [("min", spec.min), ("max", spec.max)] {
                let value = studio::value_at(&now, x);
                let set = format!("{}={}", spec.path, overrides::inline(&value));
                let Ok(o) = Override::parse_arg(&set) else {
                    continue;
                };
                let mut all = overrides.to_vec();
                all.push(o.clone());
                if let Err(e) = Self::parse_only(&self.text, &self.source, &all) {
                    let first = e.problems.first();
                    let mut problem = Problem::new(
                        at.key(end),
                        format!(
                            "at its `{end}` the slider sets `{}`, which the scenario refuses: {}",
                            o.describe(),
                            first.map_or("", |p| p.message.as_str())
                        ),
                    );
                    if let Some(allowed) = first.and_then(|p| p.allowed.clone()) {
                        problem = problem.allowed(allowed);
                    }
                    problems.push(problem);
                }
            }
        }
        problems
    }

    /// [`Scenario::parse_with`] without checking the studio's sliders.
    fn parse_only(text: &str, path: &Path, overrides: &[Override]) -> Result<Scenario, InputError> {
        let fail = |problems| InputError::new(path, Some(text.to_string()), problems);
        let index = SpanIndex::parse(text).map_err(|e| fail(vec![syntax_problem(&e, text)]))?;
        let raw: RawScenario =
            toml::from_str(text).map_err(|e| fail(vec![serde_problem(&e, &index)]))?;
        let checked = validate(raw, path).map_err(|mut problems| {
            for p in &mut problems {
                p.span = index.span_of(&p.path);
            }
            fail(problems)
        })?;
        let doc: toml::Table = text
            .parse()
            .map_err(|e| fail(vec![syntax_problem(&e, text)]))?;
        let mut scenario = variants::build(checked, doc, overrides, path, &index).map_err(fail)?;
        scenario.text = text.to_string();
        Ok(scenario)
    }
}

/// TOML has no null, and an optional key is one left out: drops `null`
/// from every `type` list and `anyOf`.
fn no_nulls(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types[0].clone();
                    map.insert("type".into(), only);
                }
            }
            if map.get("default") == Some(&Value::Null) {
                map.remove("default");
            }
            if let Some(Value::Array(any)) = map.get_mut("anyOf") {
                any.retain(|s| s.get("type").and_then(Value::as_str) != Some("null"));
            }
            map.values_mut().for_each(no_nulls);
        }
        Value::Array(list) => list.iter_mut().for_each(no_nulls),
        _ => {}
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

/// The longest name of a variant (or of the baseline), in characters: it
/// labels a line on a chart and a column on a slide.
pub const MAX_NAME: usize = 60;
/// The longest title, in characters: it heads every chart and slide.
pub const MAX_TITLE: usize = 120;

/// A scenario file checked as written, before its variants are built.
#[derive(Debug, Clone)]
pub struct Checked {
    pub title: String,
    pub description: String,
    pub ticks: u32,
    pub warmup: u32,
    pub runs: u32,
    pub seed: u64,
    pub tick_unit: String,
    pub compare: Vec<Measure>,
    /// The baseline's name among the variants.
    pub baseline: String,
    pub network: NetworkSpec,
    pub fresh_network: bool,
    pub groups: Vec<Group>,
    pub workplaces: Option<Workplaces>,
    pub model: ModelSpec,
    pub events: Vec<Event>,
    pub variants: Vec<RawVariant>,
    pub studio: studio::Studio,
    pub headline: headline::Headline,
    pub seeds: Option<seeds::Seeds>,
}

/// A classic model that starts from seeds takes them from its
/// `initial_*_share` or from `[seeds]`: one, not both, not neither.
/// A group's own threshold is the linear threshold model's, a share of
/// neighbours (not with the absolute `threshold_count`).
fn check_group_thresholds(model: ModelSpec, groups: &[Group], p: &mut Vec<Problem>) {
    let threshold = model.kind() == ModelKind::LinearThreshold;
    let counted = threshold && model.given("threshold_count").is_some();
    for (i, g) in groups.iter().enumerate() {
        if g.threshold.is_none() || (threshold && !counted) {
            continue;
        }
        let at = FieldPath::root().key("groups").index(i).key("threshold");
        p.push(if counted {
            Problem::new(at, "a group's `threshold` is a share of neighbours; [model] counts them (`threshold_count`)")
                .allowed("[model] threshold (a share) or none, with a group's own threshold")
        } else {
            Problem::new(at, format!("a group's `threshold` is the linear threshold model's, not kind = \"{}\"'s", model.kind().declaration().name))
                .allowed("[model] kind = \"linear-threshold\"")
        });
    }
}

fn check_seed_choice(model: ModelSpec, seeds: bool, p: &mut Vec<Problem>) {
    let declared = model.kind().declaration();
    let at = FieldPath::root();
    match declared.seed_share {
        None if seeds => p.push(
            Problem::new(
                at.key("seeds"),
                format!("kind = \"{}\" starts from no seeds", declared.name),
            )
            .allowed("[seeds] with [model] kind = \"sir\", \"independent-cascade\" or \"linear-threshold\""),
        ),
        Some(key) if seeds && model.given(key).is_some() => p.push(
            Problem::new(
                at.key("model").key(key),
                format!("`{key}` and [seeds] both choose the seeds"),
            )
            .allowed("one of them: a share at random, or [seeds]"),
        ),
        Some(key) if !seeds && model.given(key).is_none() => p.push(
            Problem::new(
                at.key("model"),
                format!("kind = \"{}\" needs `{key}` or a [seeds] table", declared.name),
            )
            .allowed(format!(
                "{key} = 0.01 (a share at random), or [seeds] with nodes, top_degree or random"
            )),
        ),
        _ => {}
    }
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
    let fresh_network = raw.network.fresh.unwrap_or(false);
    let network = network::network(raw.network, source, p);
    let by_attribute = network
        .as_ref()
        .and_then(|n| n.group_attribute())
        .map(str::to_string);
    let workplaces = raw
        .workplaces
        .as_ref()
        .and_then(|w| workplaces::workplaces(w, has_organisations, p));

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
        threshold: None,
        service,
        telling,
        hearing,
        market,
    };
    let classic = raw
        .model
        .as_ref()
        .is_some_and(|m| m.kind != ModelKind::WordOfMouth);
    let groups = match raw.groups {
        Some(gs) => groups::groups(gs, &base, by_attribute.as_deref(), p),
        // A classic model has no customers or prospects: one group of
        // everyone, unless the scenario names its groups (a file's
        // factions, say).
        None if classic => vec![Group::everyone()],
        None => groups::default_groups(&base),
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
    let model_at = raw.model.as_ref().map(|m| m.kind);
    let model = raw
        .model
        .as_ref()
        .map_or(ModelSpec::default(), |m| model::validate(m, p));
    // The word-of-mouth model's rates, and the research its defaults rest
    // on, are per week: another unit would keep weekly rates under a new
    // name. A classic model's rates are per tick, whatever a tick is.
    if let (ModelKind::WordOfMouth, Some(unit)) = (model.kind(), raw.tick_unit.as_deref())
        && unit != "week"
    {
        p.push(
            Problem::new(
                root.key("tick_unit"),
                format!("the word-of-mouth model steps a week at a time, so a tick cannot be a {unit}"),
            )
            .allowed("\"week\" (the default), or any unit for a classic model ([model] kind = \"sir\", ...)")
            .help("its rates (purchase_rate, lapse_rate, p, q, ...) and their research-based defaults are per week; a run of 26 weeks is ticks = 26"),
        );
    }
    let warmup = checked(
        p,
        root.key("warmup"),
        raw.warmup,
        i64::from(model_at.unwrap_or_default().declaration().warmup),
        |v| whole(v, 0, 100_000),
    ) as u32;
    let compare = compare_measures(raw.compare, model.kind(), p);
    let baseline = raw.baseline.unwrap_or_else(|| "baseline".to_string());
    let variants = raw.variants.unwrap_or_default();
    let long = |at: FieldPath, what: &str, text: &str, most: usize| {
        let n = text.chars().count();
        (n > most).then(|| {
            Problem::new(at, format!("the {what} is {n} characters long")).allowed(format!(
                "at most {most} characters: it is printed on charts and slides"
            ))
        })
    };
    if let Some(problem) = raw
        .title
        .as_deref()
        .and_then(|t| long(root.key("title"), "title", t, MAX_TITLE))
    {
        p.push(problem);
    }
    if let Some(problem) = long(root.key("baseline"), "baseline's name", &baseline, MAX_NAME) {
        p.push(problem);
    } else if baseline.trim().is_empty()
        || baseline.contains(',')
        || baseline.contains(char::is_control)
    {
        p.push(
            Problem::new(root.key("baseline"), format!("`{}` cannot name the baseline", baseline.escape_debug()))
                .allowed("a non-empty name on one line, without commas (it heads a column of the tables and labels a line on the charts)"),
        );
    }
    let mut names = vec![baseline.clone()];
    for (i, v) in variants.iter().enumerate() {
        let name = v.name.trim();
        if let Some(problem) = long(
            root.key("variants").index(i).key("name"),
            "variant's name",
            name,
            MAX_NAME,
        ) {
            p.push(problem);
        } else if name.is_empty() || name.contains(',') || name.contains(char::is_control) {
            p.push(
                Problem::new(
                    root.key("variants").index(i).key("name"),
                    format!("`{}` cannot name a variant", name.escape_debug()),
                )
                .allowed("a non-empty name on one line, without commas (it heads a column of the tables and labels a line on the charts)"),
            );
        } else if names.iter().any(|n| n == name) {
            p.push(
                Problem::new(root.key("variants").index(i).key("name"), format!("two variants are named `{name}`"))
                    .allowed("a name used once (the scenario itself is `baseline`, or the name given by `baseline = ...`)"),
            );
        }
        names.push(name.to_string());
    }
    let headline = headline::validate(raw.headline, model.kind(), &names, p);
    let seeds = raw.seeds.as_ref().and_then(|r| seeds::validate(r, p));
    check_seed_choice(model, raw.seeds.is_some(), p);
    check_group_thresholds(model, &groups, p);
    if let Some(name) = seeds.as_ref().and_then(|s| s.group.as_ref())
        && !groups.iter().any(|g| &g.name == name)
    {
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        p.push(
            Problem::new(
                FieldPath::root().key("seeds").key("group"),
                format!("no group is named `{name}`"),
            )
            .allowed(format!(
                "the name of one of the groups: {}",
                names.join(", ")
            )),
        );
    }
    for (i, v) in variants.iter().enumerate() {
        let Some(other) = &v.compare_to else { continue };
        let other = other.trim();
        if other == v.name.trim() || !names.iter().any(|n| n == other) {
            let others: Vec<&str> = names
                .iter()
                .map(String::as_str)
                .filter(|n| *n != v.name.trim())
                .collect();
            p.push(
                Problem::new(
                    root.key("variants").index(i).key("compare_to"),
                    format!("`{other}` is not another variant of this scenario"),
                )
                .allowed(format!(
                    "the name of the baseline or of another what-if: {}",
                    others.join(", ")
                )),
            );
        }
    }

    let mut event_names: Vec<String> = Vec::new();
    let raw_names = raw
        .events
        .iter()
        .flatten()
        .chain(variants.iter().flat_map(|v| v.events.iter().flatten()))
        .map(|e| e.name.clone());
    for name in raw_names {
        if !event_names.contains(&name) {
            event_names.push(name);
        }
    }
    let studio = raw
        .studio
        .as_ref()
        .map(|st| studio::validate(st, &event_names, p))
        .unwrap_or_default();
    let title = raw.title.unwrap_or_else(|| {
        source.file_stem().map_or_else(
            || "grapevine".to_string(),
            |s| s.to_string_lossy().into_owned(),
        )
    });
    let network = match network {
        Some(network) if problems.is_empty() => network,
        Some(_) => return Err(problems),
        None => {
            if problems.is_empty() {
                problems.push(
                    Problem::new(root.key("network"), "the network could not be checked")
                        .allowed("a [network] table with a kind and its fields"),
                );
            }
            return Err(problems);
        }
    };
    Ok(Checked {
        studio,
        headline,
        seeds,
        title,
        description: raw.description.unwrap_or_default(),
        ticks,
        warmup,
        runs: runs as u32,
        seed: seed as u64,
        tick_unit: raw.tick_unit.unwrap_or_else(|| "week".to_string()),
        compare,
        baseline,
        network,
        fresh_network,
        groups,
        workplaces,
        model,
        events,
        variants,
    })
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
                let meant = Measure::meant(n)
                    .filter(|&m| kind.records(m))
                    .map(|m| m.name());
                if let Some(near) = meant.or_else(|| error::did_you_mean(n, known.iter().copied()))
                {
                    problem = problem.help(format!("did you mean `{near}`?"));
                }
                p.push(problem);
            }
        }
    }
    out
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
            s.baseline().groups[0].telling.bad.mean(),
            12.0,
            "TARP: 9 to 15"
        );
        assert_eq!(s.warmup, 52);
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
            "ticks = 10\n{MINIMAL}[service]\nquality_mean = 0.0\nrecovery_rate = 0.0\n[[groups]]\nname = \"a\"\nshare = 1.0\n\
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
            ModelSpec::new(ModelKind::Sir, &[0.1, 0.2, 0.01])
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
                path: PathBuf::from("dir/net.txt"),
                weighted: false
            }
        );
    }
}

#[cfg(test)]
mod docs_tests {
    use super::*;

    /// docs/scenario.md's `[model]` table lists each model's declared
    /// parameters, in order, within the range its header states.
    #[test]
    fn the_model_table_is_the_declaration() {
        let doc = std::fs::read_to_string(crate::project_file("docs/scenario.md")).unwrap();
        assert!(doc.contains("| `kind` | keys (each 0 to 1 but `threshold_count`;"));
        for d in crate::catalog::ALL
            .iter()
            .filter(|d| !d.parameters.is_empty())
        {
            let keys: Vec<String> = d.keys().iter().map(|k| format!("`{k}`")).collect();
            let row = format!("| `\"{}\"` | {} |", d.name, keys.join(", "));
            assert!(doc.contains(&row), "docs/scenario.md lacks the row {row}");
            for p in d.parameters.iter().filter(|p| p.step != 1.0) {
                assert_eq!(p.range, (0.0, 1.0), "{}: the header says 0 to 1", p.key);
            }
            for p in d.parameters.iter().filter(|p| p.optional || p.step == 1.0) {
                assert!(
                    doc.lines()
                        .any(|l| l.starts_with("| `kind` |") && l.contains(&format!("`{}`", p.key))),
                    "the header names {} as optional or whole",
                    p.key
                );
            }
        }
    }

    /// Every key a scenario takes is documented in docs/scenario.md.
    #[test]
    fn every_field_is_documented() {
        let doc = std::fs::read_to_string(crate::project_file("docs/scenario.md")).unwrap();
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
            "warmup",
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
