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
}
