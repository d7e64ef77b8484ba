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

impl RawModel {
    /// The value written for a parameter key, if any.
    fn given(&self, key: &str) -> Option<f64> {
        match key {
            "beta" => self.beta,
            "gamma" => self.gamma,
            "initial_infected_share" => self.initial_infected_share,
            "probability" => self.probability,
            "initial_active_share" => self.initial_active_share,
            "p" => self.p,
            "q" => self.q,
            _ => None,
        }
    }

    /// Every parameter key this table can hold (its fields but `kind`).
    pub const KEYS: [&str; 7] = [
        "beta",
        "gamma",
        "initial_infected_share",
        "probability",
        "initial_active_share",
        "p",
        "q",
    ];
}

impl ModelSpec {
    /// A model of `kind` with its declared parameters' values, in order.
    fn with_values(kind: ModelKind, v: &[f64]) -> ModelSpec {
        use ModelKind as K;
        let at = |i: usize| v.get(i).copied().unwrap_or(0.0);
        match kind {
            K::WordOfMouth => ModelSpec::WordOfMouth,
            K::Sir => ModelSpec::Sir {
                beta: at(0),
                gamma: at(1),
                initial_infected_share: at(2),
            },
            K::IndependentCascade => ModelSpec::IndependentCascade {
                probability: at(0),
                initial_active_share: at(1),
            },
            K::LinearThreshold => ModelSpec::LinearThreshold {
                initial_active_share: at(0),
            },
            K::Bass => ModelSpec::Bass { p: at(0), q: at(1) },
        }
    }
}

/// Checks `[model]`: the parameters its `kind` declares, no others, each
/// within its declared range.
pub fn validate(raw: &RawModel, p: &mut Vec<Problem>) -> ModelSpec {
    let at = FieldPath::root().key("model");
    let declared = raw.kind.declaration();
    let (kind, example, needs) = (declared.name, declared.example(), declared.keys());
    let values: Vec<f64> = declared
        .parameters
        .iter()
        .map(|param| {
            let (lo, hi) = param.range;
            match raw.given(param.key).map(|v| within(v, lo, hi)) {
                Some(Ok(v)) => v,
                Some(Err(bad)) => {
                    p.push(params::out_of_range(at.key(param.key), bad));
                    0.0
                }
                None => {
                    p.push(
                        Problem::new(
                            at.clone(),
                            format!("kind = \"{kind}\" needs `{}`", param.key),
                        )
                        .allowed(format!("for kind = \"{kind}\": {}", needs.join(", ")))
                        .help(format!("for example: {example}")),
                    );
                    0.0
                }
            }
        })
        .collect();
    for key in RawModel::KEYS {
        if raw.given(key).is_some() && declared.parameter(key).is_none() {
            p.push(
                Problem::new(
                    at.key(key),
                    format!("`{key}` does not apply to kind = \"{kind}\""),
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
        }
    }
    ModelSpec::with_values(raw.kind, &values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{ALL, Declaration};

    #[test]
    fn the_raw_table_holds_exactly_the_declared_parameters() {
        let declared: std::collections::BTreeSet<&str> =
            ALL.iter().flat_map(|d: &&Declaration| d.keys()).collect();
        let fields: std::collections::BTreeSet<&str> = RawModel::KEYS.into_iter().collect();
        assert_eq!(declared, fields);
        // And the schema lists them all, besides `kind`.
        let schema = serde_json::to_value(schemars::schema_for!(RawModel)).unwrap();
        let mut listed: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "kind")
            .collect();
        listed.sort();
        assert_eq!(listed, fields.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn each_value_lands_in_its_declared_place() {
        for d in ALL {
            let kind: ModelKind = serde_json::from_value(serde_json::json!(d.name)).unwrap();
            let values: Vec<f64> = (1..=d.parameters.len()).map(|i| i as f64 / 10.0).collect();
            let spec = serde_json::to_value(ModelSpec::with_values(kind, &values)).unwrap();
            for (param, v) in d.parameters.iter().zip(&values) {
                assert_eq!(spec[param.key], *v, "{}: {}", d.name, param.key);
            }
        }
    }
}
