//! Timeline events: a parameter override over a window of ticks (an outage,
//! a recovery programme), or a one-off experience for chosen agents (a
//! party for the influencers).

use serde::{Deserialize, Serialize, Serializer};

use super::Group;
use super::error::{FieldPath, Problem};
use super::overrides::{self, Override};
use super::params::{self, whole, within};

/// One `[[events]]` entry as written.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub name: String,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub at: Option<i64>,
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub set: Option<toml::Table>,
    pub experience: Option<RawExperience>,
}

/// Who is chosen for a one-off experience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Who {
    /// The best-connected agents (hubs, connectors).
    TopDegree,
    /// Every member of one group.
    Group,
    /// Agents drawn at random.
    Random,
}

/// `experience = { who = "top-degree", count = 100, quality = 3 }` as written.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExperience {
    pub who: Who,
    pub count: Option<i64>,
    pub share: Option<f64>,
    pub group: Option<String>,
    pub quality: Option<f64>,
}

/// How many agents an event chooses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Size {
    Count(u64),
    Share(f64),
}

impl Size {
    /// The number of agents out of `n`.
    pub fn of(self, n: usize) -> usize {
        match self {
            Size::Count(c) => (c as usize).min(n),
            Size::Share(s) => (s * n as f64).round() as usize,
        }
    }
}

/// The agents an experience event is for.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "who", rename_all = "kebab-case")]
pub enum Chosen {
    TopDegree { size: Size },
    Group { group: usize, name: String },
    Random { share: f64 },
}

/// What an event does.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Overrides group parameters while the event lasts.
    Set {
        #[serde(serialize_with = "described")]
        overrides: Vec<Override>,
    },
    /// Gives the chosen agents an experience `quality` above their
    /// expectation (on the service's scale), once.
    Experience { chosen: Chosen, quality: f64 },
}

fn described<S: Serializer>(o: &[Override], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(o.iter().map(Override::describe))
}

/// A validated event: active on ticks `from..=to`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub name: String,
    pub from: u32,
    pub to: u32,
    pub action: Action,
}

impl Event {
    pub fn active(&self, tick: u32) -> bool {
        (self.from..=self.to).contains(&tick)
    }
}

/// The sections an event may set: group parameters, not the population or
/// the network, which are fixed for a run.
pub const SETTABLE: &[&str] = &["service", "telling", "hearing", "market"];

/// Checks events as written; `at` is where the list stands in the file.
pub fn validate(
    raw: &[RawEvent],
    at: &FieldPath,
    ticks: u32,
    groups: &[Group],
    p: &mut Vec<Problem>,
) -> Vec<Event> {
    raw.iter()
        .enumerate()
        .filter_map(|(i, e)| event(e, &at.index(i), ticks, groups, p))
        .collect()
}

fn event(
    e: &RawEvent,
    at: &FieldPath,
    ticks: u32,
    groups: &[Group],
    p: &mut Vec<Problem>,
) -> Option<Event> {
    let before = p.len();
    let tick = |p: &mut Vec<Problem>, key: &str, v: i64| match whole(v, 1, i64::from(ticks)) {
        Ok(v) => Some(v as u32),
        Err(bad) => {
            p.push(params::out_of_range(at.key(key), bad));
            None
        }
    };
    let action = match (&e.set, &e.experience) {
        (Some(set), None) => {
            if e.at.is_some() || e.from.is_none() {
                p.push(
                    Problem::new(at.clone(), format!("event `{}` sets values over a window, which needs `from` (and `to`, or it lasts to the end)", e.name))
                        .allowed("from = 20, to = 24 (ticks, inclusive) with `set`")
                );
            }
            Action::Set {
                overrides: settable(set, &at.key("set"), p),
            }
        }
        (None, Some(x)) => {
            if e.at.is_none() || e.from.is_some() || e.to.is_some() {
                p.push(
                    Problem::new(
                        at.clone(),
                        format!(
                            "event `{}` is a one-off experience, which happens `at` one tick",
                            e.name
                        ),
                    )
                    .allowed("at = 10 with `experience`"),
                );
            }
            Action::Experience {
                chosen: chosen(x, &at.key("experience"), groups, p)?,
                quality: match x.quality.map(|q| within(q, -20.0, 20.0)) {
                    None => 3.0,
                    Some(Ok(q)) => q,
                    Some(Err(bad)) => {
                        p.push(params::out_of_range(
                            at.key("experience").key("quality"),
                            bad,
                        ));
                        3.0
                    }
                },
            }
        }
        _ => {
            p.push(
                Problem::new(at.clone(), format!("event `{}` needs one of `set` or `experience`", e.name))
                    .allowed("set = { service.quality_mean = -2 } with from/to, or experience = { who = \"top-degree\", count = 100 } with at"),
            );
            return None;
        }
    };
    let (from, to) = match e.at {
        Some(t) => {
            let t = tick(p, "at", t).unwrap_or(1);
            (t, t)
        }
        None => {
            let from = e.from.map_or(Some(1), |v| tick(p, "from", v));
            let to = e.to.map_or(Some(ticks), |v| tick(p, "to", v));
            let (Some(from), Some(to)) = (from, to) else {
                return None;
            };
            if to < from {
                p.push(
                    Problem::new(
                        at.key("to"),
                        format!("`to` ({to}) is before `from` ({from})"),
                    )
                    .allowed(format!("a tick from {from} to {ticks}")),
                );
            }
            (from, to)
        }
    };
    (p.len() == before).then(|| Event {
        name: e.name.clone(),
        from,
        to,
        action,
    })
}

/// The overrides in an event's `set`, refusing anything but group parameters.
/// Whether an event may set `o`: a [`SETTABLE`] section's value, at the
/// top or of one group.
pub fn can_set(o: &Override) -> bool {
    let section = match o.top() {
        "groups" => o.path().get(2),
        _ => o.path().first(),
    };
    section.is_some_and(|s| SETTABLE.contains(&s.as_str()))
}

fn settable(set: &toml::Table, at: &FieldPath, p: &mut Vec<Problem>) -> Vec<Override> {
    let all = overrides::flatten(set);
    for o in &all {
        if !can_set(o) {
            p.push(
                Problem::new(at.clone(), format!("an event cannot set `{}`", o.dotted()))
                    .allowed("[service], [telling], [hearing] and [market] values, at the top or of one group (groups.NAME.service...)")
                    .help("the network, the groups' shares and the run's length are fixed for a run; use a variant to change them"),
            );
        }
    }
    all
}

fn chosen(
    x: &RawExperience,
    at: &FieldPath,
    groups: &[Group],
    p: &mut Vec<Problem>,
) -> Option<Chosen> {
    let size = match (x.count, x.share) {
        (Some(c), None) => match whole(c, 1, super::MAX_AGENTS as i64) {
            Ok(c) => Some(Size::Count(c as u64)),
            Err(bad) => {
                p.push(params::out_of_range(at.key("count"), bad));
                None
            }
        },
        (None, Some(s)) => match within(s, 0.0, 1.0) {
            Ok(s) => Some(Size::Share(s)),
            Err(bad) => {
                p.push(params::out_of_range(at.key("share"), bad));
                None
            }
        },
        _ => None,
    };
    let given = (x.count.is_some(), x.share.is_some(), x.group.is_some());
    let ok = match x.who {
        Who::TopDegree => !given.2 && size.is_some(),
        Who::Random => given == (false, true, false),
        Who::Group => given == (false, false, true),
    };
    if !ok {
        let allowed = match x.who {
            Who::TopDegree => "who = \"top-degree\" with `count` or `share`",
            Who::Random => "who = \"random\" with `share`",
            Who::Group => "who = \"group\" with `group` (a group's name)",
        };
        if p.iter()
            .all(|q| !q.path.to_string().starts_with(&at.to_string()))
        {
            p.push(
                Problem::new(at.clone(), "the experience does not say whom it is for")
                    .allowed(allowed),
            );
        }
        return None;
    }
    Some(match x.who {
        Who::TopDegree => Chosen::TopDegree { size: size? },
        Who::Random => Chosen::Random {
            share: x.share.unwrap_or(0.0),
        },
        Who::Group => {
            let name = x.group.clone().unwrap_or_default();
            match groups.iter().position(|g| g.name == name) {
                Some(group) => Chosen::Group { group, name },
                None => {
                    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
                    p.push(
                        Problem::new(at.key("group"), format!("there is no group named `{name}`"))
                            .allowed(format!("one of: {}", names.join(", "))),
                    );
                    return None;
                }
            }
        }
    })
}
