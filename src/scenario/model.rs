//! `[model]`: which dynamics run on the network. The word-of-mouth model
//! of the rest of the scenario is the default; the field's classic models
//! (SIR, independent cascade, linear threshold, Bass) run in the same
//! engine for validation and comparison.

use serde::{Deserialize, Serialize};

use super::error::{FieldPath, Problem};
use super::params::{self, within};

pub use crate::catalog::ModelKind;

/// `[model]` as written: which keys apply depends on `kind`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawModel {
    pub kind: ModelKind,
    pub beta: Option<f64>,
    pub gamma: Option<f64>,
    pub initial_infected_share: Option<f64>,
    pub probability: Option<f64>,
    pub initial_active_share: Option<f64>,
    pub p: Option<f64>,
    pub q: Option<f64>,
}

/// A model with its parameters checked.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ModelSpec {
    /// The word-of-mouth model: groups, service, telling, hearing, market.
    #[default]
    WordOfMouth,
    /// Discrete-time SIR: each tick every infected node tries once to infect
    /// each susceptible neighbour with probability `beta`, then recovers
    /// with probability `gamma`.
    Sir {
        beta: f64,
        gamma: f64,
        initial_infected_share: f64,
    },
    /// Each newly active node has one chance to activate each inactive
    /// neighbour, with probability `probability`.
    IndependentCascade {
        probability: f64,
        initial_active_share: f64,
    },
    /// A node activates once the share of its neighbours who are active
    /// reaches its threshold, drawn uniformly from (0, 1].
    LinearThreshold { initial_active_share: f64 },
    /// A non-adopter adopts with probability p + q x (share of its
    /// neighbours who have adopted).
    Bass { p: f64, q: f64 },
}

impl ModelSpec {
    pub fn kind(&self) -> ModelKind {
        match self {
            ModelSpec::WordOfMouth => ModelKind::WordOfMouth,
            ModelSpec::Sir { .. } => ModelKind::Sir,
            ModelSpec::IndependentCascade { .. } => ModelKind::IndependentCascade,
            ModelSpec::LinearThreshold { .. } => ModelKind::LinearThreshold,
            ModelSpec::Bass { .. } => ModelKind::Bass,
        }
    }
}

/// Checks `[model]`: the keys its `kind` takes, no others, each in range.
pub fn validate(raw: &RawModel, p: &mut Vec<Problem>) -> ModelSpec {
    use ModelKind as K;
    let at = FieldPath::root().key("model");
    let declared = raw.kind.declaration();
    let (needs, example) = (declared.keys, declared.example);
    let given = [
        ("beta", raw.beta),
        ("gamma", raw.gamma),
        ("initial_infected_share", raw.initial_infected_share),
        ("probability", raw.probability),
        ("initial_active_share", raw.initial_active_share),
        ("p", raw.p),
        ("q", raw.q),
    ];
    let kind = declared.name;
    let mut value = |name: &str| -> f64 {
        let v = given.iter().find(|(n, _)| *n == name).and_then(|(_, v)| *v);
        match v.map(|v| within(v, 0.0, 1.0)) {
            Some(Ok(v)) => v,
            Some(Err(bad)) => {
                p.push(params::out_of_range(at.key(name), bad));
                0.0
            }
            None => 0.0,
        }
    };
    let spec = match raw.kind {
        K::WordOfMouth => ModelSpec::WordOfMouth,
        K::Sir => ModelSpec::Sir {
            beta: value("beta"),
            gamma: value("gamma"),
            initial_infected_share: value("initial_infected_share"),
        },
        K::IndependentCascade => ModelSpec::IndependentCascade {
            probability: value("probability"),
            initial_active_share: value("initial_active_share"),
        },
        K::LinearThreshold => ModelSpec::LinearThreshold {
            initial_active_share: value("initial_active_share"),
        },
        K::Bass => ModelSpec::Bass {
            p: value("p"),
            q: value("q"),
        },
    };
    for (name, v) in given {
        let wanted = needs.contains(&name);
        if v.is_some() && !wanted {
            p.push(
                Problem::new(
                    at.key(name),
                    format!("`{name}` does not apply to kind = \"{kind}\""),
                )
                .allowed(format!(
                    "for kind = \"{kind}\": {}",
                    if needs.is_empty() {
                        "no other keys".to_string()
                    } else {
                        needs.join(", ")
                    }
                ))
                .help(format!("for example: {example}")),
            );
        } else if v.is_none() && wanted {
            p.push(
                Problem::new(at.clone(), format!("kind = \"{kind}\" needs `{name}`"))
                    .allowed(format!("for kind = \"{kind}\": {}", needs.join(", ")))
                    .help(format!("for example: {example}")),
            );
        }
    }
    spec
}
