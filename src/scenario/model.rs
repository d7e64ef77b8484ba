//! `[model]`: which dynamics run on the network. The word-of-mouth model
//! of the rest of the scenario is the default; the field's classic models
//! (SIR, independent cascade, linear threshold, Bass) run in the same
//! engine for validation and comparison.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::{FieldPath, Problem};
use super::params::{self, within};

pub use crate::catalog::ModelKind;

/// `[model]` as written: `kind`, and the values of its parameters, which
/// depend on the kind and are checked against its declaration.
#[derive(Debug, Clone, Deserialize)]
pub struct RawModel {
    pub kind: ModelKind,
    #[serde(flatten)]
    pub values: BTreeMap<String, toml::Value>,
}

/// The schema of `[model]`: `kind`, and every parameter a model declares,
/// with its meaning and range (generated from the declarations).
impl schemars::JsonSchema for RawModel {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RawModel".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut properties = serde_json::Map::new();
        properties.insert(
            "kind".into(),
            generator.subschema_for::<ModelKind>().to_value(),
        );
        for d in crate::catalog::ALL {
            for p in d.parameters {
                let users: Vec<&str> = crate::catalog::ALL
                    .iter()
                    .filter(|e| e.parameter(p.key).is_some())
                    .map(|e| e.name)
                    .collect();
                properties.entry(p.key).or_insert(serde_json::json!({
                    "type": "number",
                    "minimum": p.range.0,
                    "maximum": p.range.1,
                    "description": format!("{} ({}; for kind {})", p.about, p.unit, users.join(", ")),
                }));
            }
        }
        schemars::json_schema!({
            "description": "`[model]`: which dynamics run; the keys besides `kind` are the parameters its kind declares.",
            "type": "object",
            "properties": properties,
            "required": ["kind"],
            "additionalProperties": false,
        })
    }
}

/// The most parameters a model declares.
pub const MAX_PARAMETERS: usize = 4;

/// A model with its parameters checked: its kind, and the values of the
/// parameters it declares, in the declaration's order (NaN for an
/// optional one left out).
#[derive(Debug, Clone, Copy, Default)]
pub struct ModelSpec {
    kind: ModelKind,
    values: [f64; MAX_PARAMETERS],
}

/// Equal when the kind and every value are, bit for bit (a parameter left
/// out, NaN, equals itself).
impl PartialEq for ModelSpec {
    fn eq(&self, o: &ModelSpec) -> bool {
        self.kind == o.kind
            && self
                .values
                .iter()
                .zip(&o.values)
                .all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

impl ModelSpec {
    /// A model of `kind` with its declared parameters' `values`, in order.
    pub fn new(kind: ModelKind, values: &[f64]) -> ModelSpec {
        let mut all = [0.0; MAX_PARAMETERS];
        for (slot, v) in all.iter_mut().zip(values) {
            *slot = *v;
        }
        ModelSpec { kind, values: all }
    }

    pub fn kind(&self) -> ModelKind {
        self.kind
    }

    /// The value of its optional parameter `key`, if the scenario gave it.
    pub fn given(&self, key: &str) -> Option<f64> {
        Some(self.get(key)).filter(|v| !v.is_nan())
    }

    /// The value of its parameter `key` (a key its model declares; NaN
    /// for an optional one left out).
    pub fn get(&self, key: &str) -> f64 {
        let declared = self.kind.declaration();
        let at = declared.parameters.iter().position(|p| p.key == key);
        debug_assert!(at.is_some(), "{} declares no `{key}`", declared.name);
        at.map_or(0.0, |i| self.values[i])
    }
}

/// As `[model]` is written: `kind`, then each parameter.
impl Serialize for ModelSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let declared = self.kind.declaration();
        let mut map = s.serialize_map(Some(1 + declared.parameters.len()))?;
        map.serialize_entry("kind", &self.kind)?;
        for (p, v) in declared.parameters.iter().zip(self.values) {
            if !v.is_nan() {
                map.serialize_entry(p.key, &v)?;
            }
        }
        map.end()
    }
}

/// Checks `[model]`: the parameters its `kind` declares, each a number
/// within its declared range, and no others.
pub fn validate(raw: &RawModel, p: &mut Vec<Problem>) -> ModelSpec {
    let at = FieldPath::root().key("model");
    let declared = raw.kind.declaration();
    let example = declared.example();
    let needs = declared.keys();
    // A key no model declares is a typo, not a key of another kind.
    let (known, unknown): (Vec<&str>, Vec<&str>) = raw
        .values
        .keys()
        .map(String::as_str)
        .partition(|k| crate::catalog::ALL.iter().any(|d| d.parameter(k).is_some()));
    let takes = if needs.is_empty() {
        "no other keys".to_string()
    } else {
        needs.join(", ")
    };
    for key in unknown {
        p.push(
            Problem::new(at.key(key), format!("unknown key `{key}`"))
                .allowed(format!("for kind = \"{}\": {takes}", declared.name))
                .help(format!("for example: {example}")),
        );
    }
    let optional: Vec<&str> = declared
        .parameters
        .iter()
        .filter(|q| q.optional)
        .map(|q| q.key)
        .collect();
    if !params::keys_of_kind(&at, declared.name, (&needs, &optional), &example, &known, p) {
        return ModelSpec::new(raw.kind, &[]);
    }
    for param in declared.parameters {
        if let Some(other) = param.with.filter(|o| !raw.values.contains_key(*o))
            && raw.values.contains_key(param.key)
        {
            p.push(
                Problem::new(
                    at.key(param.key),
                    format!("`{}` is given only with `{other}`", param.key),
                )
                .allowed(format!("`{other}` too: {}", param.about)),
            );
        }
        if let Some(other) = param.instead_of.filter(|o| raw.values.contains_key(*o))
            && raw.values.contains_key(param.key)
        {
            p.push(
                Problem::new(
                    at.key(param.key),
                    format!("`{}` and `{other}` cannot both be given", param.key),
                )
                .allowed(format!("one of them: {}", param.about)),
            );
        }
    }
    let values: Vec<f64> = declared
        .parameters
        .iter()
        .map(|param| {
            let (lo, hi) = param.range;
            let Some(v) = raw.values.get(param.key) else {
                // Only an optional parameter can be missing here.
                return f64::NAN;
            };
            let whole = param.step == 1.0;
            match v.as_float().or(v.as_integer().map(|i| i as f64)) {
                Some(v) if whole && v.fract() != 0.0 => {
                    p.push(
                        Problem::new(
                            at.key(param.key),
                            format!("`{}` must be a whole number, not {v}", param.key),
                        )
                        .allowed(format!("a whole number from {lo} to {hi}: {}", param.about)),
                    );
                    0.0
                }
                Some(v) => within(v, lo, hi).unwrap_or_else(|bad| {
                    p.push(params::out_of_range(at.key(param.key), bad));
                    0.0
                }),
                None => {
                    p.push(
                        Problem::new(
                            at.key(param.key),
                            format!("`{}` must be a number", param.key),
                        )
                        .allowed(format!("a number from {lo} to {hi}: {}", param.about)),
                    );
                    0.0
                }
            }
        })
        .collect();
    ModelSpec::new(raw.kind, &values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{ALL, Declaration};

    #[test]
    fn the_schema_holds_exactly_the_declared_parameters() {
        let declared: std::collections::BTreeSet<&str> = ALL
            .iter()
            .flat_map(|d: &&Declaration| d.keys())
            .chain(["kind"])
            .collect();
        let schema = serde_json::to_value(schemars::schema_for!(RawModel)).unwrap();
        let listed: std::collections::BTreeSet<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(listed, declared);
        assert!(ALL.iter().all(|d| d.parameters.len() <= MAX_PARAMETERS));
    }

    #[test]
    fn a_spec_reads_and_writes_as_its_declaration_says() {
        for d in ALL {
            let kind: ModelKind = serde_json::from_value(serde_json::json!(d.name)).unwrap();
            let values: Vec<f64> = (1..=d.parameters.len()).map(|i| i as f64 / 10.0).collect();
            let spec = ModelSpec::new(kind, &values);
            let written = serde_json::to_value(spec).unwrap();
            assert_eq!(written["kind"], d.name);
            for (param, v) in d.parameters.iter().zip(&values) {
                assert_eq!(written[param.key], *v, "{}: {}", d.name, param.key);
                assert_eq!(spec.get(param.key), *v);
            }
            assert_eq!(written.as_object().unwrap().len(), 1 + values.len());
        }
    }
}
