//! A setting's place in a scenario, typed: which groups it reaches and
//! which value of theirs it sets. `service.recovery_rate` is every group's
//! recovery rate; `groups.customers.service.recovery_rate` the customers'
//! alone, and it wins over the first for them (a group's own value beats
//! the scenario's). Two settings *overlap* when one can hide the other:
//! their values are the same or one inside the other (`telling.bad` and
//! `telling.bad.mean`), for groups in common.
//!
//! `--set`, a sweep's `--param`, a variant's `set` and an event's `set` are
//! all compared through this, so "whose value wins" is decided on what a
//! path means, not on how it is spelled.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Scenario;
use super::events::Action;

/// Which groups a setting reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The scenario's value, which every group takes unless it has its own.
    All,
    /// One group's own value.
    Group(String),
}

/// A setting's place: its scope and the keys of the value it sets, below
/// the group for a group's own (`["service", "recovery_rate"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub scope: Scope,
    pub keys: Vec<String>,
}

impl Setting {
    /// The place of a path as written, key by key.
    pub fn of(path: &[String]) -> Setting {
        match path {
            [first, group, rest @ ..] if first == "groups" && !rest.is_empty() => Setting {
                scope: Scope::Group(group.clone()),
                keys: rest.to_vec(),
            },
            _ => Setting {
                scope: Scope::All,
                keys: path.to_vec(),
            },
        }
    }

    /// The place of a dotted path (`groups.customers.service.expectation`).
    pub fn parse(dotted: &str) -> Setting {
        let keys: Vec<String> = dotted.split('.').map(str::to_string).collect();
        Setting::of(&keys)
    }

    /// Whether one of the two can hide the other's value for some group.
    pub fn overlaps(&self, other: &Setting) -> bool {
        let groups_meet = match (&self.scope, &other.scope) {
            (Scope::Group(a), Scope::Group(b)) => a == b,
            _ => true,
        };
        let (short, long) = if self.keys.len() <= other.keys.len() {
            (&self.keys, &other.keys)
        } else {
            (&other.keys, &self.keys)
        };
        groups_meet && long.starts_with(short)
    }
}

/// Written as its dotted path, as a scenario writes it.
impl Serialize for Setting {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Scope::Group(g) = &self.scope {
            write!(f, "groups.{g}.")?;
        }
        write!(f, "{}", self.keys.join("."))
    }
}

/// A variant that sets a path the sweep or `--set` sets, itself (its own
/// `set`, or one of its events while the event lasts): the variant's value
/// wins there, so that variant does not follow the sweep or `--set`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub variant: String,
    pub path: String,
    /// `sweep` or `set`.
    pub from: String,
    /// What in the variant sets it: `its own set` (the whole run), or its
    /// event, with the weeks it lasts.
    pub by: String,
}

impl Conflict {
    /// The note that qualifies the variant's results, in a sentence.
    pub fn explain(&self) -> String {
        let other = if self.from == "sweep" {
            "the sweep's value"
        } else {
            "the --set value"
        };
        if self.by == "its own set" {
            format!(
                "variant `{}` sets {} itself, and its own value wins over {other}; only its warm-up, shared with the baseline, follows {other}",
                self.variant, self.path
            )
        } else {
            format!(
                "variant `{}` sets {} itself by {}: its own value wins over {other} while the event lasts",
                self.variant,
                self.path,
                self.by.trim_start_matches("its ")
            )
        }
    }
}

/// The variants that set, themselves, a path that `paths` (the sweep's, or
/// `--set`'s) also set: by their own `set` or an event's, for groups in
/// common, the same value or one inside the other ([`Setting::overlaps`]).
pub fn conflicts(s: &Scenario, variants: &[usize], paths: &[(Setting, &str)]) -> Vec<Conflict> {
    let mut out = Vec::new();
    for &v in variants {
        let spec = &s.variants[v];
        let own = spec.set.iter().map(|o| (o, "its own set".to_string()));
        let events = spec.events.iter().flat_map(|e| {
            let by = format!(
                "its event `{}`, {}s {}-{}",
                e.name, s.tick_unit, e.from, e.to
            );
            let overrides = match &e.action {
                Action::Set { overrides } => overrides.as_slice(),
                Action::Experience { .. } => &[],
            };
            overrides.iter().map(move |o| (o, by.clone()))
        });
        for (o, by) in own.chain(events) {
            let mine = Setting::of(o.path());
            for (path, from) in paths {
                let conflict = Conflict {
                    variant: spec.name.clone(),
                    path: path.to_string(),
                    from: (*from).to_string(),
                    by: by.clone(),
                };
                if mine.overlaps(path) && !out.contains(&conflict) {
                    out.push(conflict);
                }
            }
        }
    }
    out
}

/// The variants whose own `set` names a path `--set` also sets: their own
/// value wins there.
pub fn set_conflicts(s: &Scenario) -> Vec<Conflict> {
    let paths: Vec<(Setting, &str)> = s.settings.iter().map(|p| (p.clone(), "set")).collect();
    let all: Vec<usize> = (0..s.variants.len()).collect();
    // The events that carry the studio's values from week 1 are how the
    // values are set, not a variant setting them itself.
    let studio = |by: &str| {
        [super::edit::FROM_WEEK_ONE, super::edit::OWN_VALUES]
            .iter()
            .any(|name| by.contains(&format!("`{name}`")))
    };
    conflicts(s, &all, &paths)
        .into_iter()
        .filter(|c| !studio(&c.by))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlap(a: &str, b: &str) -> bool {
        let (a, b) = (Setting::parse(a), Setting::parse(b));
        assert_eq!(a.overlaps(&b), b.overlaps(&a), "symmetric");
        a.overlaps(&b)
    }

    #[test]
    fn a_groups_own_value_meets_the_scenarios() {
        assert!(overlap(
            "service.recovery_rate",
            "groups.customers.service.recovery_rate"
        ));
        assert!(overlap("service", "groups.customers.service.recovery_rate"));
        assert!(!overlap(
            "groups.staff.service.recovery_rate",
            "groups.customers.service.recovery_rate"
        ));
        assert!(!overlap("service.recovery_rate", "service.expectation"));
        assert!(!overlap("service.recovery", "service.recovery_rate"));
    }

    #[test]
    fn a_value_meets_its_parts() {
        assert!(overlap("telling.bad", "telling.bad.mean"));
        assert!(overlap("ticks", "ticks"));
        assert!(!overlap("ticks", "runs"));
    }

    #[test]
    fn a_setting_prints_as_written() {
        for p in [
            "groups.customers.service.expectation",
            "telling.bad.mean",
            "seed",
        ] {
            assert_eq!(Setting::parse(p).to_string(), p);
        }
    }
}
