//! `[headline]`: a lesson's point, for the slide that states it
//! (`headline.png`): the sentence a room should read, the measure whose
//! difference proves it, and the what-if that makes it (compared with its
//! reference, the baseline unless its `compare_to` names another). Each is
//! optional; the slide says what the run found where the file is silent.

use serde::{Deserialize, Serialize};

use super::error::{FieldPath, Problem};
use crate::catalog::ModelKind;
use crate::measures::Measure;

/// The longest sentence a headline may say: two lines at slide size.
pub const MAX_SAY: usize = 140;

/// `[headline]`, as written.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHeadline {
    /// The lesson's point in one sentence, as the slide says it
    /// (default: the run's finding, "angry tell 20-30: 491 fewer
    /// customers than angry tell 2-3 after 52 weeks").
    pub say: Option<String>,
    /// The measure of the slide's big number and chart (default: the one
    /// the compare chart's finding uses, customers where compared).
    pub measure: Option<String>,
    /// The what-if that makes the point (default: the first).
    pub variant: Option<String>,
}

/// `[headline]`, checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Headline {
    pub say: Option<String>,
    #[serde(serialize_with = "crate::measures::name_or_none")]
    pub measure: Option<Measure>,
    /// The what-if's name (checked to be one).
    pub variant: Option<String>,
}

/// Checks `[headline]` against the model's measures and the variants'
/// names (the baseline's first).
pub fn validate(
    raw: Option<RawHeadline>,
    kind: ModelKind,
    names: &[String],
    p: &mut Vec<Problem>,
) -> Headline {
    let Some(raw) = raw else {
        return Headline::default();
    };
    let at = FieldPath::root().key("headline");
    let say = raw.say.map(|s| s.trim().to_string());
    if let Some(s) = &say
        && (s.is_empty() || s.chars().count() > MAX_SAY || s.contains(char::is_control))
    {
        p.push(
            Problem::new(at.key("say"), "the headline cannot be said on a slide").allowed(format!(
                "one sentence of 1 to {MAX_SAY} characters on one line"
            )),
        );
    }
    let measure = raw.measure.and_then(|n| {
        let m = Measure::parse(&n).filter(|&m| kind.records(m));
        if m.is_none() {
            let known: Vec<&str> = kind.measures().iter().map(|m| m.name()).collect();
            p.push(
                Problem::new(at.key("measure"), format!("`{n}` is not a measure"))
                    .allowed(format!("one of: {}", known.join(", "))),
            );
        }
        m
    });
    let variant = raw.variant.map(|v| v.trim().to_string());
    if let Some(v) = &variant
        && !names[1..].contains(v)
    {
        p.push(
            Problem::new(
                at.key("variant"),
                format!("`{v}` is not a what-if of this scenario"),
            )
            .allowed(format!("one of: {}", names[1..].join(", "))),
        );
    }
    Headline {
        say,
        measure,
        variant,
    }
}
