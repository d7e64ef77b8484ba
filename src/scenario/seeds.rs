//! `[seeds]`: the nodes a classic model starts from when they are not a
//! share drawn at random: named nodes (an influence study's), the
//! best-connected, or a number at random. One of its keys, instead of the
//! model's `initial_*_share`.

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
}

/// A node's id as a file writes it: a number, or a string (GraphML, GEXF).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum NodeId {
    Number(u64),
    Text(String),
}

/// The seeds, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Seeds {
    /// Nodes by their ids in the network file.
    Nodes(Vec<String>),
    TopDegree(u32),
    Random(u32),
}

/// The most nodes `nodes` may name.
pub const MAX_NAMED: usize = 100_000;

/// Checks `[seeds]`: exactly one of its keys, a count of 1 or more, a list
/// of at most [`MAX_NAMED`] ids. Whether the ids are the network's, and
/// the counts within it, is checked once the network is read.
pub fn validate(raw: &RawSeeds, p: &mut Vec<Problem>) -> Option<Seeds> {
    let at = FieldPath::root().key("seeds");
    let allowed = "one of: nodes = [0, 5] (ids in the network file), top_degree = 5 (the best-connected), random = 5 (anew in each run)";
    let given = [
        raw.nodes.is_some(),
        raw.top_degree.is_some(),
        raw.random.is_some(),
    ]
    .iter()
    .filter(|&&g| g)
    .count();
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
    if let Some(n) = raw.top_degree {
        return count("top_degree", n, p).map(Seeds::TopDegree);
    }
    if let Some(n) = raw.random {
        return count("random", n, p).map(Seeds::Random);
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
    Some(Seeds::Nodes(
        nodes
            .iter()
            .map(|id| match id {
                NodeId::Number(n) => n.to_string(),
                NodeId::Text(t) => t.clone(),
            })
            .collect(),
    ))
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
