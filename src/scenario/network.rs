//! `[network]`: which social network to build, checked: the fields its
//! `kind` needs and no others, each in range, with limits that follow from
//! other fields explained.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::MAX_AGENTS;
use super::error::{FieldPath, Problem};
use super::params::{self, whole, within};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkKind {
    ErdosRenyi,
    WattsStrogatz,
    BarabasiAlbert,
    Organisations,
    Complete,
    EdgeList,
    Graphml,
    Gexf,
}

/// `[network]` as written: which fields apply depends on `kind`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
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
    pub group_attribute: Option<String>,
    /// A generated network drawn anew for each run (keyed by the seed and
    /// the run), so the bands hold the graph-to-graph variation too.
    pub fresh: Option<bool>,
    /// Organisations: the strength of a tie between organisations (a weak
    /// tie), against 1 for a tie within one.
    pub weak_tie_strength: Option<f64>,
    /// A file's ties have strengths: an edge list's third column, GraphML's
    /// edge attribute `weight`, GEXF's edge `weight`.
    pub weighted: Option<bool>,
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
        /// The strength of a tie between organisations (within: 1); every
        /// tie the same when not given.
        #[serde(skip_serializing_if = "Option::is_none")]
        weak_tie_strength: Option<f64>,
    },
    /// Everyone knows everyone.
    Complete { n: u64 },
    /// A file of `u v` lines, as networkx, igraph and SNAP write them;
    /// `u v w` when weighted.
    EdgeList {
        path: PathBuf,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        weighted: bool,
    },
    /// A GraphML file, as networkx, igraph, Gephi and yEd write them.
    Graphml {
        path: PathBuf,
        /// The node attribute naming each agent's group.
        #[serde(skip_serializing_if = "Option::is_none")]
        group_attribute: Option<String>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        weighted: bool,
    },
    /// A GEXF file, as Gephi and networkx write them.
    Gexf {
        path: PathBuf,
        #[serde(skip_serializing_if = "Option::is_none")]
        group_attribute: Option<String>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        weighted: bool,
    },
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
            NetworkSpec::EdgeList { .. }
            | NetworkSpec::Graphml { .. }
            | NetworkSpec::Gexf { .. } => None,
        }
    }

    /// The file the network is read from, if it is read from one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            NetworkSpec::EdgeList { path, .. }
            | NetworkSpec::Graphml { path, .. }
            | NetworkSpec::Gexf { path, .. } => Some(path),
            _ => None,
        }
    }

    /// Whether its ties have strengths of their own.
    pub fn weighted(&self) -> bool {
        match *self {
            NetworkSpec::Organisations {
                weak_tie_strength, ..
            } => weak_tie_strength.is_some(),
            NetworkSpec::EdgeList { weighted, .. }
            | NetworkSpec::Graphml { weighted, .. }
            | NetworkSpec::Gexf { weighted, .. } => weighted,
            _ => false,
        }
    }

    /// The node attribute that assigns agents to groups, if any.
    pub fn group_attribute(&self) -> Option<&str> {
        match self {
            NetworkSpec::Graphml {
                group_attribute, ..
            }
            | NetworkSpec::Gexf {
                group_attribute, ..
            } => group_attribute.as_deref(),
            _ => None,
        }
    }
}

/// Checks `[network]`: the fields its `kind` needs, no others, each in range.
pub(super) fn network(raw: RawNetwork, source: &Path, p: &mut Vec<Problem>) -> Option<NetworkSpec> {
    use NetworkKind as K;
    let at = FieldPath::root().key("network");
    if !keys_fit(&raw, &at, p) {
        return None;
    }
    let n = match raw.n {
        Some(n) => {
            let most = if raw.kind == K::Complete {
                200_000
            } else {
                MAX_AGENTS as i64
            };
            match whole(n, 2, most) {
                Ok(n) => Some(n as u64),
                Err(b) => {
                    p.push(params::out_of_range(at.key("n"), b));
                    return None;
                }
            }
        }
        None => None,
    };
    let mut check = Check { at: &at, p };
    let spec = match raw.kind {
        K::ErdosRenyi => erdos_renyi(&raw, n?, &mut check)?,
        K::WattsStrogatz => watts_strogatz(&raw, n?, &mut check)?,
        K::BarabasiAlbert => barabasi_albert(&raw, n?, &mut check)?,
        K::Organisations => organisations(&raw, n?, &mut check)?,
        K::Complete => NetworkSpec::Complete { n: n? },
        K::EdgeList => NetworkSpec::EdgeList {
            path: file_path(raw.path?, "edge-list", source, &at, check.p)?,
            weighted: raw.weighted.unwrap_or(false),
        },
        K::Graphml => NetworkSpec::Graphml {
            path: file_path(raw.path?, "GraphML", source, &at, check.p)?,
            group_attribute: attribute(raw.group_attribute, &at, check.p)?,
            weighted: raw.weighted.unwrap_or(false),
        },
        K::Gexf => NetworkSpec::Gexf {
            path: file_path(raw.path?, "GEXF", source, &at, check.p)?,
            group_attribute: attribute(raw.group_attribute, &at, check.p)?,
            weighted: raw.weighted.unwrap_or(false),
        },
    };
    Some(spec)
}

/// Whether `[network]` has the keys its kind takes, and no others.
fn keys_fit(raw: &RawNetwork, at: &FieldPath, p: &mut Vec<Problem>) -> bool {
    use NetworkKind as K;
    let (needs, example): (&[&str], &str) = match raw.kind {
        K::ErdosRenyi => (&["n", "mean_degree"], "n = 10000, mean_degree = 10"),
        K::WattsStrogatz => (
            &["n", "mean_degree", "rewire"],
            "n = 10000, mean_degree = 10, rewire = 0.1",
        ),
        K::BarabasiAlbert => (&["n", "m"], "n = 10000, m = 5"),
        K::Organisations => (
            &[
                "n",
                "organisations",
                "within_degree",
                "between_degree",
                "weak_tie_strength",
            ],
            "n = 10000, organisations = 100, within_degree = 6, between_degree = 4",
        ),
        K::Complete => (&["n"], "n = 1000"),
        K::EdgeList => (&["path", "weighted"], "path = \"network.txt\""),
        K::Graphml => (
            &["path", "group_attribute", "weighted"],
            "path = \"network.graphml\", group_attribute = \"department\"",
        ),
        K::Gexf => (
            &["path", "group_attribute", "weighted"],
            "path = \"network.gexf\", group_attribute = \"department\"",
        ),
    };
    let given: Vec<&str> = [
        ("n", raw.n.is_some()),
        ("mean_degree", raw.mean_degree.is_some()),
        ("rewire", raw.rewire.is_some()),
        ("m", raw.m.is_some()),
        ("organisations", raw.organisations.is_some()),
        ("within_degree", raw.within_degree.is_some()),
        ("between_degree", raw.between_degree.is_some()),
        ("path", raw.path.is_some()),
        ("group_attribute", raw.group_attribute.is_some()),
        ("weak_tie_strength", raw.weak_tie_strength.is_some()),
        ("weighted", raw.weighted.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, set)| set.then_some(name))
    .collect();
    // A group attribute and weights are keys a file's kind may take but
    // need not; a generated kind may be drawn anew for each run, and
    // organisations may have weak ties.
    let optional = ["group_attribute", "fresh", "weighted", "weak_tie_strength"];
    let generated = !matches!(raw.kind, K::EdgeList | K::Graphml | K::Gexf);
    let mut needs = needs.to_vec();
    if generated {
        needs.push("fresh");
    }
    let mut given = given;
    if raw.fresh.is_some() {
        given.push("fresh");
    }
    let kind = serde_name(&raw.kind);
    params::keys_of_kind(at, &kind, (&needs, &optional), example, &given, p)
}

/// Where a network's values are checked, and where their problems go.
struct Check<'a> {
    at: &'a FieldPath,
    p: &'a mut Vec<Problem>,
}

impl Check<'_> {
    /// The value, or its problem noted and `None`.
    fn value(&mut self, key: &str, r: Result<f64, params::Bad>) -> Option<f64> {
        r.map_err(|b| self.p.push(params::out_of_range(self.at.key(key), b)))
            .ok()
    }
}

/// Why a mean degree is at most n - 1.
fn others(n: u64) -> String {
    format!(
        "no one can know more than the other n - 1 = {} agents",
        n as f64 - 1.0
    )
}

fn erdos_renyi(raw: &RawNetwork, n: u64, c: &mut Check<'_>) -> Option<NetworkSpec> {
    let nf = n as f64;
    let mean_degree = c.value(
        "mean_degree",
        within(raw.mean_degree?, 0.0, nf - 1.0).map_err(|b| b.because(others(n))),
    )?;
    Some(NetworkSpec::ErdosRenyi { n, mean_degree })
}

fn watts_strogatz(raw: &RawNetwork, n: u64, c: &mut Check<'_>) -> Option<NetworkSpec> {
    let nf = n as f64;
    let k = c.value(
        "mean_degree",
        within(raw.mean_degree?, 2.0, (nf - 1.0).min(10_000.0)).map_err(|b| {
            if nf - 1.0 < 10_000.0 {
                b.because(others(n))
            } else {
                b
            }
        }),
    )?;
    if k.fract() != 0.0 || !(k as u64).is_multiple_of(2) {
        c.value(
            "mean_degree",
            Err(params::Bad::new(
                k.to_string(),
                "an even whole number (each node links to k/2 neighbours on each side)",
            )),
        );
        return None;
    }
    Some(NetworkSpec::WattsStrogatz {
        n,
        mean_degree: k as u32,
        rewire: c.value("rewire", within(raw.rewire?, 0.0, 1.0))?,
    })
}

fn barabasi_albert(raw: &RawNetwork, n: u64, c: &mut Check<'_>) -> Option<NetworkSpec> {
    let m = c.value(
        "m",
        whole(raw.m?, 1, (n as i64 - 1).min(10_000))
            .map(|v| v as f64)
            .map_err(|b| {
                if (n as f64) - 1.0 < 10_000.0 {
                    b.because("each new agent links to m of those before it, so m is at most n - 1")
                } else {
                    b
                }
            }),
    )?;
    Some(NetworkSpec::BarabasiAlbert { n, m: m as u32 })
}

fn organisations(raw: &RawNetwork, n: u64, c: &mut Check<'_>) -> Option<NetworkSpec> {
    let orgs = c.value(
        "organisations",
        whole(raw.organisations?, 1, n as i64)
            .map(|v| v as f64)
            .map_err(|b| b.because("at most one organisation per agent")),
    )? as u32;
    let size = n as f64 / f64::from(orgs);
    let outside = n as f64 - size;
    let within_degree = c.value(
        "within_degree",
        within(raw.within_degree?, 0.0, (size - 1.0).max(0.0)).map_err(|b| {
            b.because(format!(
                "an organisation has n / organisations = {} agents, so an agent has at most {} colleagues in it",
                params::plain(size),
                params::plain((size - 1.0).max(0.0))
            ))
        }),
    )?;
    let between_degree = c.value(
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
    )?;
    let weak_tie_strength = match raw.weak_tie_strength {
        Some(s) => Some(c.value(
            "weak_tie_strength",
            within(s, 0.0, 1.0).map_err(|b| {
                b.because("a tie within an organisation has strength 1, and a weak tie is at most as strong")
            }),
        )?),
        None => None,
    };
    Some(NetworkSpec::Organisations {
        n,
        organisations: orgs,
        within_degree,
        between_degree,
        weak_tie_strength,
    })
}

/// A network file's path as written, relative to the scenario's folder.
fn file_path(
    rel: String,
    what: &str,
    source: &Path,
    at: &FieldPath,
    p: &mut Vec<Problem>,
) -> Option<PathBuf> {
    if rel.trim().is_empty() {
        p.push(
            Problem::new(at.key("path"), "`path` is empty").allowed(format!(
                "the {what} file's path, relative to the scenario's folder"
            )),
        );
        return None;
    }
    let dir = source.parent().unwrap_or_else(|| Path::new("."));
    Some(dir.join(rel))
}

/// `group_attribute` as written: a non-empty name, when given.
fn attribute(name: Option<String>, at: &FieldPath, p: &mut Vec<Problem>) -> Option<Option<String>> {
    match name {
        Some(n) if n.trim().is_empty() => {
            p.push(
                Problem::new(at.key("group_attribute"), "`group_attribute` is empty")
                    .allowed("the name of a node attribute in the file, such as \"department\""),
            );
            None
        }
        other => Some(other),
    }
}

fn serde_name(kind: &NetworkKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
