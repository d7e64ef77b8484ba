//! `[workplaces]`: organisations, workplace ties and job mobility.

use serde::{Deserialize, Serialize};

use super::error::{FieldPath, Problem};
use super::params::{self, checked, whole, within};

/// `[workplaces]` as written.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWorkplaces {
    pub organisations: Option<i64>,
    pub colleagues: Option<i64>,
    pub mobility: Option<f64>,
}

/// Workplace ties and job mobility (phase 5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workplaces {
    /// How many organisations; `None` when the network's own are used.
    pub organisations: Option<u32>,
    /// Workplace ties per agent: colleagues it talks to.
    pub colleagues: u32,
    /// Probability per tick that an agent changes organisation.
    pub mobility: f64,
}

/// The most workplace ties an agent keeps.
pub const MAX_COLLEAGUES: i64 = 32;

/// Checks `[workplaces]`; `has_organisations` when the network has its own.
pub(super) fn workplaces(
    raw: &RawWorkplaces,
    has_organisations: bool,
    p: &mut Vec<Problem>,
) -> Option<Workplaces> {
    let at = FieldPath::root().key("workplaces");
    let before = p.len();
    let organisations = match (raw.organisations, has_organisations) {
        (Some(_), true) => {
            p.push(
                Problem::new(
                    at.key("organisations"),
                    "the network's own organisations are used",
                )
                .allowed("no `organisations` here when network kind = \"organisations\""),
            );
            None
        }
        (None, false) => {
            p.push(
                Problem::new(at.clone(), "[workplaces] needs `organisations` (how many)")
                    .allowed("organisations = 100 (1 to 10,000,000)"),
            );
            None
        }
        (Some(o), false) => whole(o, 1, 10_000_000)
            .map_err(|bad| p.push(params::out_of_range(at.key("organisations"), bad)))
            .ok()
            .map(|o| o as u32),
        (None, true) => None,
    };
    let colleagues = checked(p, at.key("colleagues"), raw.colleagues, 5, |v| {
        whole(v, 0, MAX_COLLEAGUES)
    }) as u32;
    let mobility = match raw.mobility.map(|m| within(m, 0.0, 1.0)) {
        None => 0.0,
        Some(Ok(m)) => m,
        Some(Err(bad)) => {
            p.push(params::out_of_range(at.key("mobility"), bad));
            0.0
        }
    };
    (p.len() == before).then_some(Workplaces {
        organisations,
        colleagues,
        mobility,
    })
}
