//! `[seeds]`: the nodes a classic model starts from when they are not a
//! share drawn at random: named nodes (an influence study's), the
//! best-connected, a number at random, or a group (all of it, or its
//! best-connected or a number of it at random). Instead of the model's
//! `initial_*_share`.

use serde::{Deserialize, Serialize};

use super::error::{FieldPath, Problem};

/// `[seeds]` as written.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSeeds {
    /// These nodes, by their ids in the network file (a generated network's
    /// are its indices, 0 to n - 1), for example `nodes = [0]`.
    pub nodes: Option<Vec<NodeId>>,
    /// The N best-connected nodes (of equal degree, the lower index first).
    pub top_degree: Option<i64>,
    /// N nodes at random, drawn anew in each run.
    pub random: Option<i64>,
    /// A group's members: all of them, or with `top_degree` or `random`
    /// that many of them.
    pub group: Option<String>,
}

/// A node's id as a file writes it: a number, or a string (GraphML, GEXF).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum NodeId {
    Number(u64),
    Text(String),
}

/// The seeds, checked: which, and from which group's members (everyone's
/// when `group` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Seeds {
    pub pick: Pick,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// Which nodes seed a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pick {
    /// Nodes by their ids in the network file.
    Nodes(Vec<String>),
    TopDegree(u32),
    Random(u32),
    /// Every one (of a group).
    All,
}

/// The most nodes `nodes` may name.
pub const MAX_NAMED: usize = 100_000;

/// Checks `[seeds]`: exactly one of its keys, a count of 1 or more, a list
/// of at most [`MAX_NAMED`] ids. Whether the ids are the network's, and
/// the counts within it, is checked once the network is read.
pub fn validate(raw: &RawSeeds, p: &mut Vec<Problem>) -> Option<Seeds> {
    let at = FieldPath::root().key("seeds");
    let allowed = "one of: nodes = [0, 5] (ids in the network file), top_degree = 5 (the best-connected), random = 5 (anew in each run), group = \"name\" (its members; with top_degree or random, that many of them)";
    let given = [
        raw.nodes.is_some(),
        raw.top_degree.is_some(),
        raw.random.is_some(),
    ]
    .iter()
    .filter(|&&g| g)
    .count();
    let group = raw.group.clone();
    if let Some(name) = &group {
        if name.trim().is_empty() {
            p.push(
                Problem::new(at.key("group"), "`group` is empty")
                    .allowed("the name of one of the [[groups]]"),
            );
            return None;
        }
        if raw.nodes.is_some() {
            p.push(
                Problem::new(
                    at.key("nodes"),
                    "named nodes and a group both choose the seeds",
                )
                .allowed("nodes = [...] alone, or group = \"name\" with top_degree or random"),
            );
            return None;
        }
        if given == 0 {
            return Some(Seeds {
                pick: Pick::All,
                group,
            });
        }
    }
    if given != 1 {
        p.push(
            Problem::new(
                at.clone(),
                if given == 0 {
                    "`[seeds]` says nothing: give one key".to_string()
                } else {
                    "`[seeds]` takes one of its keys, not several".to_string()
                },
            )
            .allowed(allowed),
        );
        return None;
    }
    let count = |key: &str, n: i64, p: &mut Vec<Problem>| {
        if (1..=i64::from(u32::MAX)).contains(&n) {
            Some(n as u32)
        } else {
            p.push(
                Problem::new(at.key(key), format!("{n} seeds cannot start a run"))
                    .allowed("a whole number of nodes, 1 or more"),
            );
            None
        }
    };
    let pick = |pick: Pick| Seeds {
        pick,
        group: group.clone(),
    };
    if let Some(n) = raw.top_degree {
        return count("top_degree", n, p).map(|k| pick(Pick::TopDegree(k)));
    }
    if let Some(n) = raw.random {
        return count("random", n, p).map(|k| pick(Pick::Random(k)));
    }
    let nodes = raw.nodes.as_deref().unwrap_or_default();
    if nodes.is_empty() || nodes.len() > MAX_NAMED {
        p.push(
            Problem::new(
                at.key("nodes"),
                format!("{} nodes cannot be the seeds", nodes.len()),
            )
            .allowed(format!("from 1 to {MAX_NAMED} node ids")),
        );
        return None;
    }
    Some(pick(Pick::Nodes(
        nodes
            .iter()
            .map(|id| match id {
                NodeId::Number(n) => n.to_string(),
                NodeId::Text(t) => t.clone(),
            })
            .collect(),
    )))
}

impl Seeds {
    /// Seed indices on a network of `agents` nodes whose file ids are
    /// `ids` (empty: a generated network, ids are indices), or the first
    /// id it does not have.
    pub fn named(ids: &[String], agents: usize, wanted: &[String]) -> Result<Vec<u32>, String> {
        let index: std::collections::HashMap<&str, u32> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i as u32))
            .collect();
        wanted
            .iter()
            .map(|id| {
                if ids.is_empty() {
                    id.parse::<u32>().ok().filter(|&i| (i as usize) < agents)
                } else {
                    index.get(id.as_str()).copied()
                }
                .ok_or_else(|| id.clone())
            })
            .collect()
    }
}
