//! The model's parameters, section by section, each defined once.
//!
//! A section (`[service]`, `[telling]`, `[hearing]`, `[market]`) may stand at
//! the top of a scenario, where it sets every group's values, and inside a
//! group, where it overrides them for that group alone. The `section!` macro
//! writes, from one list of fields with their defaults, checks and docs: the
//! raw form serde reads (every field optional, unknown keys refused), the
//! resolved form the model takes, and the merge of the two.

use rand_distr::{Gamma, Poisson};
use serde::{Deserialize, Serialize};

use super::error::{FieldPath, Problem};

/// Why a value was refused: what was found and what is allowed.
pub struct Bad {
    pub found: String,
    pub allowed: String,
    /// The key at fault inside the value, when the value is a table (a
    /// fan-out's `mean`), so the error names it rather than the table.
    pub key: Option<&'static str>,
}

impl Bad {
    pub fn new(found: impl Into<String>, allowed: impl Into<String>) -> Self {
        Bad {
            found: found.into(),
            allowed: allowed.into(),
            key: None,
        }
    }

    /// The same problem, blamed on `key` inside the value.
    pub fn at(mut self, key: &'static str) -> Self {
        self.key = Some(key);
        self
    }

    /// Says where a limit comes from when it is derived from other values.
    pub fn because(mut self, why: impl std::fmt::Display) -> Self {
        self.allowed = format!("{} ({why})", self.allowed);
        self
    }
}

type Check<R, T> = fn(&R) -> Result<T, Bad>;

macro_rules! section {
    (
        $(#[doc = $sdoc:literal])*
        $name:ident / $raw:ident {
            $( $(#[doc = $doc:literal])* $field:ident : $rty:ty => $ty:ty = $default:expr, $check:expr ; )*
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, PartialEq, Serialize)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        #[doc = concat!("The raw form of [`", stringify!($name), "`]: as written, every field optional.")]
        #[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $raw {
            $( $(#[doc = $doc])* #[serde(default)] pub $field: Option<$rty>, )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $( $field: $default, )* }
            }
        }

        impl $name {
            /// Each field's name and its documentation, for docs and checks.
            pub const FIELDS: &'static [(&'static str, &'static str)] = &[
                $( (stringify!($field), concat!($($doc),*)), )*
            ];
        }

        impl $raw {
            /// The values written here, falling back to `base` for the rest;
            /// a value that fails its check is reported and `base`'s is kept.
            pub fn resolve(&self, path: &FieldPath, base: &$name, problems: &mut Vec<Problem>) -> $name {
                $name {
                    $( $field: match &self.$field {
                        Some(v) => {
                            let check: Check<$rty, $ty> = $check;
                            match check(v) {
                                Ok(t) => t,
                                Err(bad) => {
                                    problems.push(out_of_range(path.key(stringify!($field)), bad));
                                    base.$field.clone()
                                }
                            }
                        }
                        None => base.$field.clone(),
                    }, )*
                }
            }
        }
    };
}

/// The keys a table of some `kind` takes (`[network]`, `[model]`): each key
/// `given` must be one of `needs` (else it "does not apply"), and each of
/// `needs` but the `optional` ones must be given. Returns whether all is
/// well; every problem says what the kind takes, with an example.
pub(crate) fn keys_of_kind(
    at: &FieldPath,
    kind: &str,
    (needs, optional): (&[&str], &[&str]),
    example: &str,
    given: &[&str],
    p: &mut Vec<Problem>,
) -> bool {
    let before = p.len();
    let takes = if needs.is_empty() {
        "no other keys".to_string()
    } else {
        needs.join(", ")
    };
    let problem = |path: FieldPath, message: String| {
        Problem::new(path, message)
            .allowed(format!("for kind = \"{kind}\": {takes}"))
            .help(format!("for example: {example}"))
    };
    for &name in given.iter().filter(|k| !needs.contains(k)) {
        p.push(problem(
            at.key(name),
            format!("`{name}` does not apply to kind = \"{kind}\""),
        ));
    }
    for &name in needs.iter().filter(|k| !optional.contains(k)) {
        if !given.contains(&name) {
            p.push(problem(
                at.clone(),
                format!("kind = \"{kind}\" needs `{name}`"),
            ));
        }
    }
    p.len() == before
}

pub(crate) fn out_of_range(path: FieldPath, bad: Bad) -> Problem {
    let path = match bad.key {
        Some(key) => path.key(key),
        None => path,
    };
    let name = match path.0.last() {
        Some(super::error::Segment::Key(k)) => k.clone(),
        _ => path.to_string(),
    };
    Problem::new(
        path,
        format!("`{name}` is out of range: found {}", bad.found),
    )
    .allowed(bad.allowed)
}

/// A checked whole number, or the default with a problem recorded.
pub(crate) fn checked(
    problems: &mut Vec<Problem>,
    path: FieldPath,
    value: Option<i64>,
    default: i64,
    check: impl Fn(i64) -> Result<i64, Bad>,
) -> i64 {
    match value.map(check) {
        None => default,
        Some(Ok(v)) => v,
        Some(Err(bad)) => {
            problems.push(out_of_range(path, bad));
            default
        }
    }
}

/// A number as a person would write it: at most ten significant digits,
/// so that sums read 0.9 rather than 0.8999999999999999.
pub fn plain(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let rounded: f64 = format!("{x:.10e}").parse().unwrap_or(x);
    rounded.to_string()
}

/// A real number within `[lo, hi]`.
pub fn within(v: f64, lo: f64, hi: f64) -> Result<f64, Bad> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(v)
    } else {
        Err(Bad::new(
            plain(v),
            format!("a number from {} to {}", plain(lo), plain(hi)),
        ))
    }
}

/// A probability.
pub fn probability(v: &f64) -> Result<f64, Bad> {
    within(*v, 0.0, 1.0)
}

/// A whole number within `[lo, hi]`.
pub fn whole(v: i64, lo: i64, hi: i64) -> Result<i64, Bad> {
    if v >= lo && v <= hi {
        Ok(v)
    } else {
        Err(Bad::new(
            v.to_string(),
            format!("a whole number from {lo} to {hi}"),
        ))
    }
}

/// How many people one teller tells: a distribution over whole numbers.
/// The Poisson and negative binomial forms carry their distribution, made
/// ready (and so known to be valid) when the scenario is checked; they are
/// built with [`FanOut::poisson`] and [`FanOut::negative_binomial`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FanOut {
    /// Always `k`.
    Fixed { k: u32 },
    /// Equally likely any of `min..=max`.
    Uniform { min: u32, max: u32 },
    /// Poisson with the given mean (none for a mean of 0: always 0).
    Poisson {
        mean: f64,
        #[serde(skip)]
        draw: Option<Poisson<f64>>,
    },
    /// Negative binomial with the given mean and dispersion `r`
    /// (variance = mean + mean²/r): a few tell very many. Drawn as a
    /// Poisson whose mean is Gamma-distributed (none for a mean of 0).
    NegativeBinomial {
        mean: f64,
        dispersion: f64,
        #[serde(skip)]
        draw: Option<Gamma<f64>>,
    },
}

impl FanOut {
    pub fn mean(&self) -> f64 {
        match *self {
            FanOut::Fixed { k } => f64::from(k),
            FanOut::Uniform { min, max } => (f64::from(min) + f64::from(max)) / 2.0,
            FanOut::Poisson { mean, .. } | FanOut::NegativeBinomial { mean, .. } => mean,
        }
    }

    /// Poisson with mean `mean`, from 0 to a tenth of [`MAX_FAN_OUT`].
    pub fn poisson(mean: f64) -> Result<FanOut, Bad> {
        let mean = within(mean, 0.0, MAX_FAN_OUT as f64 / 10.0).map_err(|b| b.at("mean"))?;
        let draw = if mean > 0.0 {
            Some(Poisson::new(mean).map_err(|e| Bad::new(plain(mean), e.to_string()).at("mean"))?)
        } else {
            None
        };
        Ok(FanOut::Poisson { mean, draw })
    }

    /// Negative binomial with mean `mean` and dispersion `r`.
    pub fn negative_binomial(mean: f64, dispersion: f64) -> Result<FanOut, Bad> {
        let mean = within(mean, 0.0, MAX_FAN_OUT as f64 / 10.0).map_err(|b| b.at("mean"))?;
        let dispersion = within(dispersion, 1e-3, 1e6).map_err(|b| b.at("dispersion"))?;
        let draw = if mean > 0.0 {
            Some(
                Gamma::new(dispersion, mean / dispersion)
                    .map_err(|e| Bad::new(plain(dispersion), e.to_string()).at("dispersion"))?,
            )
        } else {
            None
        };
        Ok(FanOut::NegativeBinomial {
            mean,
            dispersion,
            draw,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FanOutKind {
    Fixed,
    Uniform,
    Poisson,
    NegativeBinomial,
}

/// A fan-out distribution as written: `{ kind = "uniform", min = 2, max = 3 }`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFanOut {
    pub kind: FanOutKind,
    pub k: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub mean: Option<f64>,
    pub dispersion: Option<f64>,
}

/// The most people one story can be told to in a tick (it fits the 16-bit
/// count of people told each tick).
pub const MAX_FAN_OUT: i64 = 65_535;

impl FanOutKind {
    /// The name as written in a scenario.
    fn name(self) -> &'static str {
        match self {
            FanOutKind::Fixed => "fixed",
            FanOutKind::Uniform => "uniform",
            FanOutKind::Poisson => "poisson",
            FanOutKind::NegativeBinomial => "negative-binomial",
        }
    }
}

fn fan_out(raw: &RawFanOut) -> Result<FanOut, Bad> {
    let kind = raw.kind.name();
    let need = |what: &'static str, allowed: &str| {
        Bad::new(format!("kind = \"{kind}\" without `{what}`"), allowed)
    };
    let count = |key: &'static str, v: i64| {
        whole(v, 0, MAX_FAN_OUT)
            .map(|v| v as u32)
            .map_err(|b| b.at(key))
    };
    let (used, fo): (&[&str], FanOut) = match raw.kind {
        FanOutKind::Fixed => {
            let k = raw
                .k
                .ok_or_else(|| need("k", "{ kind = \"fixed\", k = 3 }"))?;
            (&["k"], FanOut::Fixed { k: count("k", k)? })
        }
        FanOutKind::Uniform => {
            let allowed = "{ kind = \"uniform\", min = 2, max = 3 } with min <= max";
            let min = count("min", raw.min.ok_or_else(|| need("min", allowed))?)?;
            let max = count("max", raw.max.ok_or_else(|| need("max", allowed))?)?;
            if min > max {
                return Err(Bad::new(format!("min = {min} > max = {max}"), allowed).at("min"));
            }
            (&["min", "max"], FanOut::Uniform { min, max })
        }
        FanOutKind::Poisson => {
            let mean = raw
                .mean
                .ok_or_else(|| need("mean", "{ kind = \"poisson\", mean = 2.5 }"))?;
            (&["mean"], FanOut::poisson(mean)?)
        }
        FanOutKind::NegativeBinomial => {
            let allowed = "{ kind = \"negative-binomial\", mean = 25, dispersion = 2 }";
            let mean = raw.mean.ok_or_else(|| need("mean", allowed))?;
            let r = raw.dispersion.ok_or_else(|| need("dispersion", allowed))?;
            (&["mean", "dispersion"], FanOut::negative_binomial(mean, r)?)
        }
    };
    let given: [(&'static str, bool); 5] = [
        ("k", raw.k.is_some()),
        ("min", raw.min.is_some()),
        ("max", raw.max.is_some()),
        ("mean", raw.mean.is_some()),
        ("dispersion", raw.dispersion.is_some()),
    ];
    if let Some((extra, _)) = given
        .iter()
        .find(|(name, set)| *set && !used.contains(name))
    {
        return Err(Bad::new(
            format!("`{extra}`, which kind = \"{kind}\" does not take"),
            format!("for kind = \"{kind}\": {}", used.join(", ")),
        )
        .at(extra));
    }
    Ok(fo)
}

/// The default fan-out of a good story: negative binomial, mean 5 (TARP:
/// a customer whose complaint was resolved tells about five people).
fn default_good() -> FanOut {
    FanOut::negative_binomial(5.0, 5.0).unwrap_or(FanOut::Fixed { k: 5 })
}

/// The default fan-out of a bad story: negative binomial, mean 12 and
/// dispersion 3 (TARP: a dissatisfied customer tells 9 to 15 people, and
/// about 13% tell more than 20; here 13.3% do).
fn default_bad() -> FanOut {
    FanOut::negative_binomial(12.0, 3.0).unwrap_or(FanOut::Fixed { k: 12 })
}

/// The default of a value that is a table in the file (a fan-out), as
/// written: `keys` below a group or at the top (`["telling", "bad"]`).
/// Setting one of its fields (`telling.bad.mean`) where the file keeps the
/// default starts from it, so it changes that field of the default.
pub fn default_table(keys: &[String]) -> Option<toml::Table> {
    let fan_out = match keys {
        [section, which] if section == "telling" && which == "good" => default_good(),
        [section, which] if section == "telling" && which == "bad" => default_bad(),
        _ => return None,
    };
    match toml::Value::try_from(fan_out) {
        Ok(toml::Value::Table(t)) => Some(t),
        _ => None,
    }
}

/// What happens to the part of a fan-out larger than the teller's contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Overflow {
    /// The rest reach strangers, drawn at random from the whole population
    /// (reviews, social media, a broadcast complaint).
    Strangers,
    /// The rest are lost: a teller can tell only its contacts.
    Lost,
}

section! {
    /// How a group's customers are served (phase 1). Quality and expectation
    /// are on one scale: a unit is one standard deviation of quality at the defaults.
    Service / RawService {
        /// Probability that a customer buys (and so has an experience) in a tick.
        purchase_rate: f64 => f64 = 0.1, probability;
        /// Mean quality of an experience.
        quality_mean: f64 => f64 = 0.5, |v| within(*v, -10.0, 10.0);
        /// Standard deviation of quality between experiences.
        quality_sd: f64 => f64 = 1.0, |v| within(*v, 0.0, 10.0);
        /// The quality the customer expects.
        expectation: f64 => f64 = 0.0, |v| within(*v, -10.0, 10.0);
        /// How far above expectation an experience must be to delight (a good story).
        delight_margin: f64 => f64 = 1.5, |v| within(*v, 0.0, 20.0);
        /// How far below expectation an experience must be to disappoint (a bad story).
        disappoint_margin: f64 => f64 = 1.5, |v| within(*v, 0.0, 20.0);
        /// Probability that a disappointment is recovered: the customer is made whole and tells a good story instead.
        recovery_rate: f64 => f64 = 0.1, probability;
        /// Intensity of the good story a recovered failure becomes (a first-hand story has intensity 1).
        recovery_intensity: f64 => f64 = 1.0, |v| within(*v, 0.0, 2.0);
        /// How far a delight or a disappointment moves the customer's own attitude toward +1 or -1.
        experience_weight: f64 => f64 = 0.3, probability;
        /// Attitude change per unit of (quality - expectation) for an unremarkable experience.
        drift: f64 => f64 = 0.02, |v| within(*v, 0.0, 1.0);
        /// Shift of quality per unit of staff morale (the mean attitude of the staff groups, -1 to 1): how much morale reaches customers.
        morale_effect: f64 => f64 = 0.0, |v| within(*v, 0.0, 10.0);
    }
}

section! {
    /// How a group's members tell stories (phase 2).
    Telling / RawTelling {
        /// How many people a good story is told to: a fan-out distribution.
        good: RawFanOut => FanOut = default_good(), fan_out;
        /// How many people a bad story is told to: a fan-out distribution.
        bad: RawFanOut => FanOut = default_bad(), fan_out;
        /// What happens when the fan-out exceeds the teller's contacts: "strangers" or "lost".
        overflow: Overflow => Overflow = Overflow::Strangers, |v| Ok(*v);
        /// Probability that someone who heard a story from its first-hand teller retells it (hop 1).
        retell_probability: f64 => f64 = 0.1, probability;
        /// Factor applied to the retelling probability at each further hop.
        retell_decay: f64 => f64 = 0.5, probability;
        /// Factor applied to a story's intensity at each hop.
        intensity_decay: f64 => f64 = 0.5, probability;
        /// The most hops a story travels from its first-hand teller.
        max_hops: i64 => u32 = 3, |v| whole(*v, 1, 100).map(|v| v as u32);
    }
}

section! {
    /// How a group's members take what they hear (phase 3).
    Hearing / RawHearing {
        /// How far one first-hand story from a fully trusted teller moves attitude toward its valence.
        influence: f64 => f64 = 0.1, probability;
        /// Trust in a story from a personal contact.
        trust: f64 => f64 = 0.8, probability;
        /// Trust in a story from a stranger (a review, a post).
        stranger_trust: f64 => f64 = 0.3, probability;
        /// How much more a bad story weighs than a good one.
        negativity_bias: f64 => f64 = 2.0, |v| within(*v, 0.0, 10.0);
    }
}

section! {
    /// How a group's members buy, lapse and come back (phase 4), after the
    /// Bass model: outside influence p, inside influence q.
    Market / RawMarket {
        /// Probability per tick that a prospect buys for outside reasons (advertising): Bass p.
        p: f64 => f64 = 0.0005, probability;
        /// Added probability of buying per good story heard this tick: Bass q.
        q: f64 => f64 = 0.02, probability;
        /// The least attitude at which a prospect or lapsed customer will buy.
        min_attitude: f64 => f64 = 0.0, |v| within(*v, -1.0, 1.0);
        /// Probability per tick that a customer with attitude 0 lapses.
        lapse_rate: f64 => f64 = 0.02, probability;
        /// How steeply lapsing rises as attitude falls: rate x exp(-sensitivity x attitude).
        lapse_sensitivity: f64 => f64 = 4.0, |v| within(*v, 0.0, 20.0);
        /// Probability per tick that a lapsed customer comes back for outside reasons.
        win_back: f64 => f64 = 0.0005, probability;
        /// Value of a customer per tick (margin, in any currency), for the value measure.
        value_per_tick: f64 => f64 = 0.0, |v| within(*v, 0.0, 1e9);
        /// Value of each referral conversion on top (a referral fee saved, say).
        value_per_referral: f64 => f64 = 0.0, |v| within(*v, 0.0, 1e9);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_values_override_and_fall_back() {
        let base = Service::default();
        let raw = RawService {
            quality_mean: Some(0.5),
            ..Default::default()
        };
        let mut problems = Vec::new();
        let s = raw.resolve(&FieldPath::parse("groups[0].service"), &base, &mut problems);
        assert!(problems.is_empty());
        assert_eq!(s.quality_mean, 0.5);
        assert_eq!(s.quality_sd, base.quality_sd);
    }

    #[test]
    fn out_of_range_values_are_reported_with_their_path() {
        let raw = RawService {
            recovery_rate: Some(1.5),
            ..Default::default()
        };
        let mut problems = Vec::new();
        raw.resolve(
            &FieldPath::parse("service"),
            &Service::default(),
            &mut problems,
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path.to_string(), "service.recovery_rate");
        assert!(problems[0].allowed.as_deref().unwrap().contains("0 to 1"));
    }

    #[test]
    fn fan_out_checks_its_own_fields() {
        let raw = |kind, k, min, max| RawFanOut {
            kind,
            k,
            min,
            max,
            mean: None,
            dispersion: None,
        };
        assert_eq!(
            fan_out(&raw(FanOutKind::Uniform, None, Some(2), Some(3))).ok(),
            Some(FanOut::Uniform { min: 2, max: 3 })
        );
        assert!(fan_out(&raw(FanOutKind::Uniform, None, Some(3), Some(2))).is_err());
        assert!(fan_out(&raw(FanOutKind::Fixed, None, None, None)).is_err());
        assert!(fan_out(&raw(FanOutKind::Fixed, Some(3), Some(1), None)).is_err());
    }
}
