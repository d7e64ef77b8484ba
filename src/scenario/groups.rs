//! `[[groups]]`: the population's groups, each with its share, starting
//! status and attitudes, placement, and its own service, telling, hearing
//! and market values over the scenario's.

use serde::{Deserialize, Serialize};

use super::error::{FieldPath, Problem};
use super::params::{
    self, Hearing, Market, RawHearing, RawMarket, RawService, RawTelling, Service, Telling, within,
};

/// Market status of a group's members at the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    pub name: String,
    pub share: Option<RawShare>,
    pub status: Option<Status>,
    pub attitude: Option<f64>,
    pub attitude_spread: Option<f64>,
    pub aware_share: Option<f64>,
    pub staff: Option<bool>,
    pub placement: Option<Placement>,
    /// Linear threshold: this group's members' threshold, a share of their
    /// neighbours (instead of the model's).
    pub threshold: Option<f64>,
    /// Linear threshold, with `threshold`: each member draws its own from
    /// a normal distribution of that mean and this standard deviation,
    /// clipped to [0, 1].
    pub threshold_sd: Option<f64>,
    #[serde(default)]
    pub service: RawService,
    #[serde(default)]
    pub telling: RawTelling,
    #[serde(default)]
    pub hearing: RawHearing,
    #[serde(default)]
    pub market: RawMarket,
}

/// A group's `share` as written: a number, or `"rest"` (what the other
/// groups leave), so that one group's share can be swept or set alone.
#[derive(Debug, Clone, PartialEq)]
pub enum RawShare {
    Number(f64),
    Word(String),
}

impl<'de> Deserialize<'de> for RawShare {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = RawShare;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a share of the population in [0, 1], or \"rest\"")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<RawShare, E> {
                Ok(RawShare::Number(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawShare, E> {
                Ok(RawShare::Number(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawShare, E> {
                Ok(RawShare::Number(v as f64))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawShare, E> {
                Ok(RawShare::Word(v.to_string()))
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl schemars::JsonSchema for RawShare {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Share".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A share of the population in [0, 1], or \"rest\": what the other groups leave (in one group at most).",
            "anyOf": [
                { "type": "number", "minimum": 0, "maximum": 1 },
                { "const": "rest" }
            ]
        })
    }
}

/// Which agents a group's members are.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
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
    /// Linear threshold: the members' own threshold (mean, standard
    /// deviation; 0 for one value), instead of the model's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<(f64, f64)>,
    pub service: Service,
    pub telling: Telling,
    pub hearing: Hearing,
    pub market: Market,
}

impl Group {
    /// One group of everyone, with the default parameters: the population
    /// of a model run on a bare graph.
    pub fn everyone() -> Group {
        Group {
            name: "everyone".into(),
            share: 1.0,
            status: Status::Prospect,
            attitude: 0.0,
            attitude_spread: 0.0,
            aware_share: 0.0,
            staff: false,
            placement: Placement::Random,
            threshold: None,
            service: Service::default(),
            telling: Telling::default(),
            hearing: Hearing::default(),
            market: Market::default(),
        }
    }
}

/// A group's starting attitude (mean, spread) unless it says: about where
/// people of its status settle in the default town, so that a scenario
/// that does not care starts near steady. Customers think well of the
/// brand; everyone else is near neutral, a little above.
pub fn settled_attitude(status: Status) -> (f64, f64) {
    match status {
        Status::Customer => (0.65, 0.35),
        Status::Prospect | Status::Lapsed | Status::None => (0.1, 0.3),
    }
}

/// The groups used when a scenario names none: 20% customers, 80%
/// prospects who do not know the brand yet. Their attitudes start near
/// where the default town settles (customers about 0.65, prospects about
/// 0.1), so that the warm-up has little to do and the town stays as it is.
pub(super) fn default_groups(base: &Group) -> Vec<Group> {
    vec![
        Group {
            name: "customers".into(),
            share: 0.2,
            status: Status::Customer,
            attitude: settled_attitude(Status::Customer).0,
            attitude_spread: settled_attitude(Status::Customer).1,
            aware_share: 1.0,
            ..base.clone()
        },
        Group {
            name: "prospects".into(),
            share: 0.8,
            status: Status::Prospect,
            attitude: settled_attitude(Status::Prospect).0,
            attitude_spread: settled_attitude(Status::Prospect).1,
            ..base.clone()
        },
    ]
}

/// The most groups a scenario may have (a group id is one byte).
pub const MAX_GROUPS: usize = 250;

/// Checks `[[groups]]`. When `by_attribute` names a node attribute of the
/// network file, the file says who is in which group: a group then has no
/// `share` or `placement` of its own, and its share stands at an even split
/// until the network is read.
pub(super) fn groups(
    raw: Vec<RawGroup>,
    base: &Group,
    by_attribute: Option<&str>,
    p: &mut Vec<Problem>,
) -> Vec<Group> {
    let root = FieldPath::root().key("groups");
    let even = 1.0 / raw.len().max(1) as f64;
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
    // reported on its own and counts as written); "rest" takes what the
    // others leave.
    let rest: Vec<usize> = raw
        .iter()
        .enumerate()
        .filter(|(_, g)| matches!(&g.share, Some(RawShare::Word(w)) if w == "rest"))
        .map(|(i, _)| i)
        .collect();
    let written = |g: &RawGroup| match g.share {
        Some(RawShare::Number(x)) => x,
        _ => 0.0,
    };
    let others: f64 = raw.iter().map(written).sum();
    let shares: Vec<f64> = raw
        .iter()
        .map(|g| match (&g.share, by_attribute) {
            (_, Some(_)) | (None, _) => even,
            (Some(RawShare::Number(x)), None) => *x,
            (Some(RawShare::Word(_)), None) => 1.0 - others,
        })
        .collect();
    for (i, g) in raw.into_iter().enumerate() {
        let at = root.index(i);
        let name = g.name.trim().to_string();
        if name.is_empty()
            || name == "all"
            || name.contains([',', '.'])
            || name.contains(char::is_control)
        {
            p.push(
                Problem::new(at.key("name"), format!("`{}` cannot name a group", name.escape_debug())).allowed(
                    "a non-empty name on one line, without commas or dots, other than `all` (which stands for everyone)",
                ),
            );
        } else if out.iter().any(|o| o.name == name) {
            p.push(
                Problem::new(at.key("name"), format!("two groups are named `{name}`"))
                    .allowed("a name used once"),
            );
        }
        let share = match (g.share.clone(), by_attribute) {
            (Some(_), Some(name)) => {
                p.push(
                    Problem::new(
                        at.key("share"),
                        format!("`share` does not apply when the network's `{name}` attribute says who is in each group"),
                    )
                    .allowed("no `share` with [network] group_attribute")
                    .help("remove `share`, or remove `group_attribute` to draw the groups at random"),
                );
                even
            }
            (None, Some(_)) => even,
            (None, None) => {
                p.push(
                    Problem::new(at.clone(), "a group needs `share`")
                        .allowed(
                            "a share of the population in [0, 1]; the groups' shares add up to 1",
                        )
                        .help("for example: share = 0.2"),
                );
                even
            }
            (Some(RawShare::Number(x)), None) => within(x, 0.0, 1.0).unwrap_or_else(|bad| {
                p.push(params::out_of_range(at.key("share"), bad));
                0.0
            }),
            (Some(RawShare::Word(w)), None) => {
                if w != "rest" {
                    let mut problem =
                        Problem::new(at.key("share"), format!("`share = \"{w}\"` is not a share"))
                            .allowed("a share of the population in [0, 1], or \"rest\" for what the other groups leave");
                    if let Some(percent) = w
                        .trim()
                        .strip_suffix('%')
                        .and_then(|n| n.trim().parse::<f64>().ok())
                    {
                        problem = problem.help(format!(
                            "a share is a number, not text: share = {}",
                            params::plain(percent / 100.0)
                        ));
                    }
                    p.push(problem);
                } else if rest.len() > 1 {
                    p.push(
                        Problem::new(
                            at.key("share"),
                            format!("{} groups take the rest", rest.len()),
                        )
                        .allowed("share = \"rest\" in at most one group"),
                    );
                } else if others > 1.0 + 1e-9 {
                    p.push(
                        Problem::new(
                            at.key("share"),
                            format!(
                                "the other groups' shares add up to {}, so no rest is left",
                                params::plain(others)
                            ),
                        )
                        .allowed("the other groups' shares add up to at most 1"),
                    );
                }
                (1.0 - others).max(0.0)
            }
        };
        if let (Some(_), Some(name)) = (g.placement, by_attribute) {
            p.push(
                Problem::new(
                    at.key("placement"),
                    format!("`placement` does not apply when the network's `{name}` attribute says who is in each group"),
                )
                .allowed("no `placement` with [network] group_attribute"),
            );
        }
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
        let (attitude, spread) = settled_attitude(status);
        out.push(Group {
            name,
            share,
            status,
            attitude: real(p, "attitude", g.attitude, -1.0, 1.0, attitude),
            attitude_spread: real(p, "attitude_spread", g.attitude_spread, 0.0, 2.0, spread),
            aware_share: real(p, "aware_share", g.aware_share, 0.0, 1.0, aware_default),
            staff: g.staff.unwrap_or(false),
            placement: g.placement.unwrap_or_default(),
            threshold: match (g.threshold, g.threshold_sd) {
                (Some(phi), sd) => Some((
                    real(p, "threshold", Some(phi), 0.0, 1.0, 0.0),
                    real(p, "threshold_sd", sd, 0.0, 1.0, 0.0),
                )),
                (None, Some(_)) => {
                    p.push(
                        Problem::new(
                            at.key("threshold_sd"),
                            "`threshold_sd` is given only with `threshold`",
                        )
                        .allowed("`threshold` too: the group's mean threshold"),
                    );
                    None
                }
                (None, None) => None,
            },
            service: g.service.resolve(&at.key("service"), &base.service, p),
            telling: g.telling.resolve(&at.key("telling"), &base.telling, p),
            hearing: g.hearing.resolve(&at.key("hearing"), &base.hearing, p),
            market: g.market.resolve(&at.key("market"), &base.market, p),
        });
    }
    let total: f64 = shares.iter().sum();
    if !out.is_empty() && rest.is_empty() && by_attribute.is_none() && (total - 1.0).abs() > 1e-6 {
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
