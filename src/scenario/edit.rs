//! A scenario file with values written into it: the studio's "download the
//! scenario", so that a session's settings rerun from the command line and
//! give the same numbers.
//!
//! The file is edited, not rewritten: comments, order and layout stay as
//! the author wrote them (`toml_edit`), each value set lands where the
//! file has it (or in a new line of its table), events switched off are
//! taken out, and a comment at the top says what was changed.

use toml_edit::{DocumentMut, Item, TableLike};

use super::overrides::{Override, inline};

/// `text` with `overrides` set (as `--set` sets them: a table with a `kind`
/// key replaces the value, another table merges key by key; `groups.NAME`
/// is the group of that name), the events named in `off` removed from the
/// scenario and its variants, and `runs` set when given.
pub fn with_values(
    text: &str,
    overrides: &[Override],
    off: &[String],
    runs: Option<u32>,
) -> Result<String, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("the scenario is not TOML: {e}"))?;
    let mut changes: Vec<String> = Vec::new();
    for o in overrides {
        set(doc.as_table_mut(), o.path(), o.value())?;
        changes.push(o.describe());
    }
    if !off.is_empty() {
        remove_events(doc.as_table_mut(), off);
        for name in off {
            changes.push(format!("event `{name}` switched off"));
        }
    }
    if let Some(runs) = runs {
        put(
            doc.as_table_mut(),
            "runs",
            &toml::Value::Integer(i64::from(runs)),
        )?;
        changes.push(format!("runs = {runs}"));
    }
    let mut out = String::new();
    if !changes.is_empty() {
        out.push_str("# Saved from grapevine studio with these changes to the file:\n");
        for c in &changes {
            out.push_str(&format!("#   {c}\n"));
        }
        out.push_str("#\n");
    }
    out.push_str(&doc.to_string());
    Ok(out)
}

/// The name of the event that carries the studio's values from week 1.
pub const FROM_WEEK_ONE: &str = "studio values from week 1";
/// The name of a what-if's event that keeps its own values over them.
pub const OWN_VALUES: &str = "its own values";

/// A value set from week 1 on, and the weeks it holds: every week from 1
/// but those in which an event of the file sets the same value (there the
/// file's event wins, as it does over any value).
#[derive(Debug, Clone, PartialEq)]
pub struct Timed {
    pub value: Override,
    pub weeks: Vec<(u32, u32)>,
}

/// A what-if's own values, kept over the studio's from week 1: the
/// what-if (its index among the file's `[[variants]]`) and those values
/// of its own `set` that the studio's overlap.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    pub variant: usize,
    pub values: Vec<Timed>,
}

/// A studio request's values split by when they act: `future` from week
/// 1 on (the town's past as in the file), `always` for the whole run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FromWeekOne {
    pub future: Vec<Timed>,
    pub always: Vec<Override>,
    pub kept: Vec<Kept>,
}

impl FromWeekOne {
    /// Splits `overrides` for scenario `s`: on a town warmed up to a
    /// steady state, every value an event can set acts from week 1,
    /// unless `before` asks for the town's past too; a what-if whose own
    /// `set` overlaps them keeps its own values.
    pub fn split(s: &super::Scenario, overrides: Vec<Override>, before: bool) -> FromWeekOne {
        use super::events::{Action, Event, can_set};
        use super::setting::Setting;
        let warmed = s.warmup > 0 && !s.baseline().model.kind().declaration().steady.is_empty();
        if before || !warmed {
            return FromWeekOne {
                always: overrides,
                ..FromWeekOne::default()
            };
        }
        let overlaps =
            |a: &Override, b: &Override| Setting::of(a.path()).overlaps(&Setting::of(b.path()));
        // The weeks from 1 in which none of `events` sets `value`.
        let timed = |value: &Override, events: &[&Event]| {
            let busy: Vec<(u32, u32)> = events
                .iter()
                .filter(|e| match &e.action {
                    Action::Set { overrides } => overrides.iter().any(|o| overlaps(o, value)),
                    Action::Experience { .. } => false,
                })
                .map(|e| (e.from, e.to))
                .collect();
            Timed {
                value: value.clone(),
                weeks: free_weeks(s.ticks, &busy),
            }
        };
        let (future, always): (Vec<Override>, Vec<Override>) =
            overrides.into_iter().partition(can_set);
        let shared: Vec<&Event> = s.baseline().events.iter().collect();
        let mut kept = Vec::new();
        for (i, v) in s.variants.iter().enumerate().skip(1) {
            // Its events: the scenario's, then its own.
            let events: Vec<&Event> = v.events.iter().collect();
            let values: Vec<Timed> = v
                .set
                .iter()
                .filter(|o| can_set(o) && future.iter().any(|f| overlaps(f, o)))
                .map(|o| timed(o, &events))
                .collect();
            if !values.is_empty() {
                kept.push(Kept {
                    variant: i - 1,
                    values,
                });
            }
        }
        FromWeekOne {
            future: future.iter().map(|f| timed(f, &shared)).collect(),
            always,
            kept,
        }
    }
}

/// The runs of weeks 1..=ticks outside every window of `busy`.
fn free_weeks(ticks: u32, busy: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut start = None;
    for t in 1..=ticks {
        let free = !busy.iter().any(|&(a, b)| (a..=b).contains(&t));
        match (free, start) {
            (true, None) => start = Some(t),
            (false, Some(a)) => {
                out.push((a, t - 1));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(a) = start {
        out.push((a, ticks));
    }
    out
}

/// `text` with `plan.future` set from week 1 on, not before: events of
/// the whole scenario set them over the weeks they hold (the warm-up and
/// week 0 stay the file's, and the file's own events keep their weeks);
/// each what-if that keeps its own values gets events of its own, which
/// come after the scenario's and so win over the studio's. A comment at
/// the top says so.
pub fn from_tick_one(text: &str, plan: &FromWeekOne) -> Result<String, String> {
    if plan.future.is_empty() {
        return Ok(text.to_string());
    }
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("the scenario is not TOML: {e}"))?;
    let events = |name: &str, timed: &[Timed]| -> Result<Vec<toml_edit::Table>, String> {
        let mut out = Vec::new();
        for t in timed {
            for &(from, to) in &t.weeks {
                let text = format!(
                    "name = {}\nfrom = {from}\nto = {to}\nset = {{ {} = {} }}\n",
                    toml::Value::String(name.to_string()),
                    dotted_key(t.value.path()),
                    inline(t.value.value())
                );
                let parsed: DocumentMut = text
                    .parse()
                    .map_err(|e| format!("an event of the studio's values: {e}"))?;
                out.push(parsed.as_table().clone());
            }
        }
        Ok(out)
    };
    append(doc.as_table_mut(), events(FROM_WEEK_ONE, &plan.future)?)?;
    for k in &plan.kept {
        let mine = events(OWN_VALUES, &k.values)?;
        let variant = doc
            .get_mut("variants")
            .and_then(Item::as_array_of_tables_mut)
            .and_then(|a| a.get_mut(k.variant))
            .ok_or_else(|| format!("the scenario has no variant {}", k.variant))?;
        append(variant, mine)?;
    }
    let mut out = String::from("# From week 1 on (the town's past as in the file):\n");
    for t in &plan.future {
        out.push_str(&format!("#   {}\n", t.value.describe()));
    }
    out.push_str("#\n");
    out.push_str(&doc.to_string());
    Ok(out)
}

/// A path as a TOML dotted key: each part bare where it can be, quoted
/// where it holds a space or another character a bare key cannot.
fn dotted_key(path: &[String]) -> String {
    path.iter()
        .map(|k| {
            if !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                k.clone()
            } else {
                toml::Value::String(k.clone()).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Appends `events` to the `events` array of tables under `table`.
fn append(table: &mut dyn TableLike, events: Vec<toml_edit::Table>) -> Result<(), String> {
    if table.get("events").is_none() {
        table.insert(
            "events",
            Item::ArrayOfTables(toml_edit::ArrayOfTables::new()),
        );
    }
    let list = table
        .get_mut("events")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or("`events` is not a list of [[events]] tables")?;
    for e in events {
        list.push(e);
    }
    Ok(())
}

/// `text` without the events named in `off`, and nothing else changed (no
/// comment added, so a problem found in it is at the file's own line).
pub fn without_events(text: &str, off: &[String]) -> Result<String, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("the scenario is not TOML: {e}"))?;
    remove_events(doc.as_table_mut(), off);
    Ok(doc.to_string())
}

/// Sets `value` at `path` under `table`.
fn set(table: &mut dyn TableLike, path: &[String], value: &toml::Value) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(());
    };
    if rest.is_empty() {
        return put(table, first, value);
    }
    if first == "groups" {
        let (name, rest) = rest
            .split_first()
            .ok_or("`groups` is a list; say which group")?;
        let group = group_mut(table, name)?;
        return set(group, rest, value);
    }
    if table.get(first).is_none() {
        table.insert(first, Item::Table(toml_edit::Table::new()));
    }
    let inner = table
        .get_mut(first)
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| format!("`{first}` is a value, not a table with fields"))?;
    set(inner, rest, value)
}

/// Puts `value` at `key` in `table`: merged into a table already there
/// unless it is a table with a `kind` (a fan-out, a network).
fn put(table: &mut dyn TableLike, key: &str, value: &toml::Value) -> Result<(), String> {
    if let toml::Value::Table(new) = value
        && !new.contains_key("kind")
        && let Some(old) = table.get_mut(key).and_then(Item::as_table_like_mut)
    {
        for (k, v) in new {
            put(old, k, v)?;
        }
        return Ok(());
    }
    let edited: toml_edit::Value = inline(value).parse().map_err(|e| format!("`{key}`: {e}"))?;
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            // Keep the comment written after the old value.
            let decor = old.decor().clone();
            *old = edited;
            *old.decor_mut() = decor;
        }
        _ => {
            table.insert(key, Item::Value(edited));
        }
    }
    Ok(())
}

/// The group named `name` (or at index `name`) among `[[groups]]`.
fn group_mut<'t>(
    table: &'t mut dyn TableLike,
    name: &str,
) -> Result<&'t mut dyn TableLike, String> {
    let groups = table
        .get_mut("groups")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or("this scenario has no [[groups]]")?;
    let index = groups
        .iter()
        .position(|g| g.get("name").and_then(Item::as_str) == Some(name))
        .or_else(|| name.parse::<usize>().ok().filter(|&i| i < groups.len()))
        .ok_or_else(|| format!("there is no group named `{name}`"))?;
    groups
        .get_mut(index)
        .map(|t| t as &mut dyn TableLike)
        .ok_or_else(|| format!("there is no group named `{name}`"))
}

/// Takes the events named in `off` out of `[[events]]` and out of every
/// variant's `[[variants.events]]`.
fn remove_events(root: &mut dyn TableLike, off: &[String]) {
    let named = |t: &dyn TableLike| {
        t.get("name")
            .and_then(Item::as_str)
            .is_some_and(|n| off.iter().any(|o| o == n))
    };
    let prune = |item: &mut Item| match item {
        Item::ArrayOfTables(list) => list.retain(|t| !named(t)),
        Item::Value(toml_edit::Value::Array(list)) => list.retain(|v| {
            !v.as_inline_table()
                .is_some_and(|t| named(t as &dyn TableLike))
        }),
        _ => {}
    };
    if let Some(events) = root.get_mut("events") {
        prune(events);
    }
    if let Some(Item::ArrayOfTables(variants)) = root.get_mut("variants") {
        for v in variants.iter_mut() {
            if let Some(events) = v.get_mut("events") {
                prune(events);
            }
        }
    }
    // The studio's switches for them go too.
    if let Some(Item::Value(toml_edit::Value::Array(switches))) = root
        .get_mut("studio")
        .and_then(Item::as_table_like_mut)
        .and_then(|t| t.get_mut("events"))
    {
        switches.retain(|v| !v.as_str().is_some_and(|n| off.iter().any(|o| o == n)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(arg: &str) -> Override {
        Override::parse_arg(arg).unwrap()
    }

    const TEXT: &str = "# A town\nruns = 20  # replications\n\n[service]\nrecovery_rate = 0.1  # a tenth\n\n\
        [telling]\nbad = { kind = \"uniform\", min = 2, max = 3 }\n\n\
        [[groups]]\nname = \"customers\"\nshare = 0.2\n\n\
        [[events]]\nname = \"outage\"\nfrom = 2\nto = 3\nset = { service.quality_mean = -1 }\n\n\
        [[variants]]\nname = \"fix\"\n\n[[variants.events]]\nname = \"programme\"\nfrom = 2\nset = { service.recovery_rate = 0.6 }\n\n\
        [studio]\nevents = [\"outage\", \"programme\"]\n";

    #[test]
    fn values_land_where_the_file_has_them_and_comments_stay() {
        let out = with_values(
            TEXT,
            &[
                o("service.recovery_rate=0.5"),
                o("telling.bad={ kind = \"fixed\", k = 25 }"),
                o("groups.customers.service.expectation=0.2"),
                o("market.p=0.001"),
            ],
            &[],
            Some(5),
        )
        .unwrap();
        assert!(out.contains("recovery_rate = 0.5  # a tenth"), "{out}");
        assert!(out.contains("bad = { k = 25, kind = \"fixed\" }"), "{out}");
        assert!(out.contains("runs = 5  # replications"), "{out}");
        assert!(out.contains("# A town"), "{out}");
        assert!(out.starts_with("# Saved from grapevine studio"), "{out}");
        let t: toml::Table = out.parse().unwrap();
        assert_eq!(
            t["groups"][0]["service"]["expectation"].as_float(),
            Some(0.2)
        );
        assert_eq!(t["market"]["p"].as_float(), Some(0.001));
        assert_eq!(t["variants"][0]["name"].as_str(), Some("fix"));
    }

    #[test]
    fn events_switched_off_are_taken_out_everywhere() {
        let out = with_values(
            TEXT,
            &[],
            &["outage".to_string(), "programme".to_string()],
            None,
        )
        .unwrap();
        let t: toml::Table = out.parse().unwrap();
        assert!(
            t.get("events")
                .is_none_or(|e| e.as_array().unwrap().is_empty())
        );
        assert!(
            t["variants"][0]
                .get("events")
                .is_none_or(|e| e.as_array().unwrap().is_empty()),
            "{out}"
        );
        assert!(out.contains("event `outage` switched off"));
        assert_eq!(
            t["studio"]["events"].as_array().map(Vec::len),
            Some(0),
            "their switches go with them: {out}"
        );
    }

    #[test]
    fn nothing_changed_is_the_file_itself() {
        assert_eq!(with_values(TEXT, &[], &[], None).unwrap(), TEXT);
    }

    #[test]
    fn free_weeks_are_the_runs_outside_every_busy_window() {
        assert_eq!(free_weeks(10, &[]), [(1, 10)]);
        assert_eq!(free_weeks(10, &[(3, 4), (8, 10)]), [(1, 2), (5, 7)]);
        assert_eq!(free_weeks(5, &[(1, 5)]), []);
    }

    #[test]
    fn values_from_week_one_go_first_among_the_events() {
        let text = "ticks = 10\nwarmup = 4\n[network]\nkind = \"erdos-renyi\"\nn = 100\nmean_degree = 4\n\n[[events]]\nname = \"outage\"\nfrom = 3\nto = 4\nset = { service.quality_mean = -2 }\n\n[[variants]]\nname = \"mine\"\nset = { service.quality_mean = 1 }\n";
        let s = crate::scenario::Scenario::parse(text, std::path::Path::new("t.toml")).unwrap();
        let plan = FromWeekOne::split(&s, vec![o("service.quality_mean=0.5")], false);
        assert_eq!(plan.future.len(), 1);
        assert_eq!(plan.kept.len(), 1);
        // The what-if keeps its own value but for the outage's weeks.
        assert_eq!(plan.future[0].weeks, [(1, 2), (5, 10)]);
        assert_eq!(plan.kept[0].values[0].weeks, [(1, 2), (5, 10)]);
        let out = from_tick_one(text, &plan).unwrap();
        let s = crate::scenario::Scenario::parse(&out, std::path::Path::new("t.toml")).unwrap();
        // Week 0 and the warm-up are the file's; week 1 on has the value.
        let q = |v: usize, t: usize| {
            s.variants[v].timeline.params[s.variants[v].timeline.at[t] as usize][0]
                .service
                .quality_mean
        };
        let file = crate::scenario::Scenario::parse(text, std::path::Path::new("t.toml")).unwrap();
        let q0 = file.variants[0].timeline.params[file.variants[0].timeline.at[0] as usize][0]
            .service
            .quality_mean;
        assert_eq!(q(0, 0), q0, "week 0 is the file's");
        assert_eq!(q(0, 1), 0.5);
        assert_eq!(q(0, 3), -2.0, "the file's event still wins in its weeks");
        assert_eq!(q(1, 1), 1.0, "the what-if keeps its own value");
        assert_eq!(q(1, 3), -2.0);
        // Asked for the past too, nothing is an event.
        assert!(
            FromWeekOne::split(&s, vec![o("service.quality_mean=0.5")], true)
                .future
                .is_empty()
        );
    }
}
