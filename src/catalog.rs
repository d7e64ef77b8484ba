//! The catalogue of dynamics: each model a scenario can run, with the keys
//! its `[model]` table takes and the measures it records.
//!
//! It is a leaf that the scenario reader (to check `[model]`, `compare`
//! and `--metric`) and the model (to build each dynamics) both read, so
//! neither needs the other's internals. Adding a model means a row here,
//! its parameters in [`crate::scenario::ModelSpec`], and its dynamics in
//! one file under `model/`.

use serde::{Deserialize, Serialize};

use crate::measures::Measure::{self, *};

/// The name of a model, as written in `[model] kind`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    #[default]
    WordOfMouth,
    Sir,
    IndependentCascade,
    LinearThreshold,
    Bass,
}

/// What a model declares about itself.
#[derive(Debug)]
pub struct Declaration {
    /// Its name, as written in `kind`.
    pub name: &'static str,
    /// Its name in a chart's title.
    pub title: &'static str,
    /// The parameters its `[model]` table takes besides `kind`, all
    /// required: the scenario reader, `check`, the schema's and the docs'
    /// tests and the studio's sliders all read them from here.
    pub parameters: &'static [Parameter],
    /// The measures it records, in the order of its CSV.
    pub measures: &'static [Measure],
    /// The figures a run's summary and console lead with.
    pub headlines: &'static [Measure],
    /// The figures whose difference from the baseline a summary gives.
    pub differences: &'static [Measure],
    /// The comparison chart unless the scenario chooses.
    pub compare: &'static [Measure],
    /// The outcome a sweep charts unless told otherwise.
    pub sweep: Measure,
    /// Whether it tells stories whose reach is followed (`reach.csv`,
    /// the reach chart, story reach in the summary).
    pub stories: bool,
    /// The overview charts drawn of its baseline.
    pub overview: Overview,
    /// Ticks simulated before tick 0 unless the scenario says (`warmup`).
    pub warmup: u32,
    /// What a town of it left alone keeps within a tolerance over its run
    /// (so `check` runs a short pilot to see whether it drifts); empty for
    /// a model not meant to be steady.
    pub steady: &'static [Steady],
    /// The parameter that seeds it at random (a share), which `[seeds]`
    /// may stand instead of; none for a model that starts from no seeds.
    pub seed_share: Option<&'static str>,
}

/// A figure a steady town keeps, left alone, within a tolerance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Steady {
    pub measure: Measure,
    /// How far it may move between tick 0 and the end: in its own unit,
    /// or as a share of where it started when `relative`.
    pub within: f64,
    pub relative: bool,
}

impl Steady {
    /// Whether a move from `start` to `end` stays within the tolerance.
    pub fn holds(&self, start: f64, end: f64) -> bool {
        if self.relative {
            start <= 0.0 || (end / start - 1.0).abs() <= self.within
        } else {
            (end - start).abs() <= self.within
        }
    }
}

/// One parameter of a model, declared once (as NDlib's models declare
/// theirs): its key, what it means, its unit and range, a typical value
/// and the studio slider's step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parameter {
    pub key: &'static str,
    pub about: &'static str,
    pub unit: &'static str,
    /// The values allowed, both ends included.
    pub range: (f64, f64),
    /// A typical value, for examples in messages and docs.
    pub example: f64,
    /// The studio slider's step (1 for a whole number).
    pub step: f64,
    /// Whether a scenario may leave it out (its `about` says what the
    /// model does then).
    pub optional: bool,
    /// A parameter it stands instead of: the two are not given together.
    pub instead_of: Option<&'static str>,
    /// A parameter it qualifies: it is given only with that one.
    pub with: Option<&'static str>,
}

/// A probability or share, from 0 to 1.
const fn share(key: &'static str, about: &'static str, example: f64) -> Parameter {
    Parameter {
        key,
        about,
        unit: "probability or share, 0 to 1",
        range: (0.0, 1.0),
        example,
        step: 0.01,
        optional: false,
        instead_of: None,
        with: None,
    }
}

/// `p`, which a scenario may leave out.
const fn optional(p: Parameter) -> Parameter {
    Parameter {
        optional: true,
        ..p
    }
}

impl Declaration {
    /// Its parameters' keys, in order.
    pub fn keys(&self) -> Vec<&'static str> {
        self.parameters.iter().map(|p| p.key).collect()
    }

    /// Its `[model]` table as an example, for error messages.
    pub fn example(&self) -> String {
        if self.parameters.is_empty() {
            return format!("kind = \"{}\"", self.name);
        }
        self.parameters
            .iter()
            // The keys a scenario needs, and the share that seeds it.
            .filter(|p| !p.optional || Some(p.key) == self.seed_share)
            .map(|p| format!("{} = {}", p.key, p.example))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The parameter called `key`, if it has one.
    pub fn parameter(&self, key: &str) -> Option<&'static Parameter> {
        self.parameters.iter().find(|p| p.key == key)
    }
}

/// The overview charts of a model's baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overview {
    /// Reputation and NPS; customers and new customers by cause; good
    /// against bad stories.
    WordOfMouth,
    /// The share of agents in each state, and the changes per tick.
    States,
}

pub const WORD_OF_MOUTH: Declaration = Declaration {
    name: "word-of-mouth",
    title: "Word of mouth",
    parameters: &[],
    measures: &[
        Reputation,
        Nps,
        Awareness,
        Prospects,
        Customers,
        Lapsed,
        NewCustomersOutside,
        NewCustomersReferral,
        WonBack,
        Lapses,
        Experiences,
        Delights,
        Failures,
        Recoveries,
        GoodToldFirstHand,
        GoodToldRetold,
        BadToldFirstHand,
        BadToldRetold,
        GoodHearers,
        BadHearers,
        GoodReached,
        BadReached,
        Referrals,
        Invited,
        Moved,
        Morale,
        Value,
        OrganisationsWithCustomers,
    ],
    headlines: &[
        Reputation,
        Nps,
        Customers,
        Referrals,
        GoodReached,
        BadReached,
    ],
    differences: &[
        Reputation,
        Nps,
        Customers,
        Referrals,
        GoodReached,
        BadReached,
        Value,
    ],
    compare: &[Reputation, Nps, Customers, Referrals],
    sweep: Nps,
    stories: true,
    overview: Overview::WordOfMouth,
    warmup: 52,
    // A steady town over a year: reputation within 0.05, customers' NPS
    // within 5 points, customers within 5%.
    steady: &[
        Steady {
            measure: Reputation,
            within: 0.05,
            relative: false,
        },
        Steady {
            measure: Nps,
            within: 5.0,
            relative: false,
        },
        Steady {
            measure: Customers,
            within: 0.05,
            relative: true,
        },
    ],
    seed_share: None,
};

pub const SIR: Declaration = Declaration {
    name: "sir",
    title: "SIR",
    parameters: &[
        share(
            "beta",
            "each tick, the chance an infected node infects each susceptible neighbour",
            0.1,
        ),
        share(
            "gamma",
            "each tick, the chance an infected node recovers",
            0.2,
        ),
        optional(share(
            "initial_infected_share",
            "the share of nodes infected at tick 0, chosen at random in each run (or [seeds])",
            0.01,
        )),
    ],
    measures: &[
        ShareSusceptible,
        ShareInfected,
        ShareRecovered,
        NewInfected,
        NewRecovered,
    ],
    headlines: &[ShareRecovered, ShareInfected, ShareSusceptible],
    differences: &[ShareRecovered, ShareInfected, ShareSusceptible],
    compare: &[ShareSusceptible, ShareInfected, ShareRecovered, NewInfected],
    sweep: ShareRecovered,
    stories: false,
    overview: Overview::States,
    warmup: 0,
    steady: &[],
    seed_share: Some("initial_infected_share"),
};

pub const INDEPENDENT_CASCADE: Declaration = Declaration {
    name: "independent-cascade",
    title: "Independent cascade",
    parameters: &[
        share(
            "probability",
            "the one chance a newly active node has to activate each inactive neighbour",
            0.1,
        ),
        optional(share(
            "initial_active_share",
            "the share of nodes active at tick 0, chosen at random in each run (or [seeds])",
            0.01,
        )),
    ],
    measures: &[ShareActive, NewActive],
    headlines: &[ShareActive],
    differences: &[ShareActive],
    compare: &[ShareActive, NewActive],
    sweep: ShareActive,
    stories: false,
    overview: Overview::States,
    warmup: 0,
    steady: &[],
    seed_share: Some("initial_active_share"),
};

pub const LINEAR_THRESHOLD: Declaration = Declaration {
    name: "linear-threshold",
    title: "Linear threshold",
    parameters: &[
        optional(share(
            "initial_active_share",
            "the share of nodes active at tick 0, chosen at random in each run (or [seeds])",
            0.01,
        )),
        optional(share(
            "threshold",
            "every node's threshold, the share of its neighbours that must be active (Watts 2002's phi); left out, each node draws its own, uniform on (0, 1], in each run",
            0.18,
        )),
        Parameter {
            key: "threshold_count",
            about: "every node's threshold as a number of active neighbours (the absolute rule of Granovetter and Centola), instead of `threshold`",
            unit: "neighbours, a whole number",
            range: (1.0, 1_000_000.0),
            example: 2.0,
            step: 1.0,
            optional: true,
            instead_of: Some("threshold"),
            with: None,
        },
        optional(Parameter {
            with: Some("threshold"),
            ..share(
                "threshold_sd",
                "with `threshold`, each node draws its own threshold in each run from a normal distribution of mean `threshold` and this standard deviation, clipped to [0, 1] (Watts 2002's heterogeneous thresholds)",
                0.05,
            )
        }),
    ],
    ..INDEPENDENT_CASCADE
};

pub const BASS: Declaration = Declaration {
    name: "bass",
    title: "Bass diffusion",
    parameters: &[
        share(
            "p",
            "each tick, a non-adopter's chance to adopt on its own (innovation)",
            0.003,
        ),
        share(
            "q",
            "how much more likely a non-adopter adopts per share of its neighbours who have (imitation)",
            0.05,
        ),
        Parameter {
            key: "dt",
            about: "a tick's length in the time unit p and q are rates per (as papers give them): a non-adopter then adopts in a tick with probability 1 - exp(-(p + q x share) dt); left out, p and q are chances per tick",
            unit: "time units per tick, 0 to 1",
            range: (0.0, 1.0),
            example: 0.1,
            step: 0.01,
            optional: true,
            instead_of: None,
            with: None,
        },
    ],
    measures: &[ShareAdopted, NewAdopters],
    headlines: &[ShareAdopted],
    differences: &[ShareAdopted],
    compare: &[ShareAdopted, NewAdopters],
    sweep: ShareAdopted,
    stories: false,
    overview: Overview::States,
    warmup: 0,
    steady: &[],
    seed_share: None,
};

/// Every model's declaration, in the order of [`ModelKind`].
pub const ALL: &[&Declaration] = &[
    &WORD_OF_MOUTH,
    &SIR,
    &INDEPENDENT_CASCADE,
    &LINEAR_THRESHOLD,
    &BASS,
];

impl ModelKind {
    /// What this model declares.
    pub fn declaration(self) -> &'static Declaration {
        match self {
            ModelKind::WordOfMouth => &WORD_OF_MOUTH,
            ModelKind::Sir => &SIR,
            ModelKind::IndependentCascade => &INDEPENDENT_CASCADE,
            ModelKind::LinearThreshold => &LINEAR_THRESHOLD,
            ModelKind::Bass => &BASS,
        }
    }

    /// The measures it records, in the order of its CSV.
    pub fn measures(self) -> &'static [Measure] {
        self.declaration().measures
    }

    /// Whether it records `m`.
    pub fn records(self, m: Measure) -> bool {
        self.measures().contains(&m)
    }

    /// Its name, as written in `kind`.
    pub fn name(self) -> &'static str {
        self.declaration().name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_figure_is_one_the_model_records() {
        for kind in [
            ModelKind::WordOfMouth,
            ModelKind::Sir,
            ModelKind::IndependentCascade,
            ModelKind::LinearThreshold,
            ModelKind::Bass,
        ] {
            let d = kind.declaration();
            let listed = d
                .headlines
                .iter()
                .chain(d.differences)
                .chain(d.compare)
                .chain([&d.sweep]);
            for m in listed {
                assert!(kind.records(*m), "{} does not record {m:?}", d.name);
            }
            let name = serde_json::to_value(kind).unwrap();
            assert_eq!(name, d.name);
        }
    }
}
