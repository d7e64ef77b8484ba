//! Overrides: a value set at a dotted path of the scenario document.
//!
//! Variants (`[[variants]]`'s `set`), timeline events (`[[events]]`'s `set`)
//! and the command line (`--set PATH=VALUE`) all change a scenario the same
//! way: on the TOML document, before it is read into structs, so that an
//! override goes through exactly the checks the file itself does. A path
//! steps through tables by key and through `groups` by a group's name (or
//! its index). A table with a `kind` key (a fan-out, a network) replaces
//! the value at its path whole; any other table merges key by key.

use toml::{Table, Value};

use super::error::FieldPath;

/// One value to set, and where. Its path is never empty: it is built only
/// by [`Override::parse_arg`] and [`flatten`].
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The path as written: `["groups", "customers", "service", "expectation"]`.
    path: Vec<String>,
    value: Value,
    /// The command-line flag that gave it (`--set`, or `--param` or
    /// `--design` for a sweep's point), for messages.
    flag: &'static str,
}

impl Override {
    /// The same override, as a sweep's `--param` gives it.
    pub fn swept(mut self) -> Override {
        self.flag = "--param";
        self
    }

    /// The same override, as a row of a sweep's `--design` file gives it.
    pub fn designed(mut self) -> Override {
        self.flag = "--design";
        self
    }

    /// The command-line flag that gave it: `--set`, `--param` or `--design`.
    pub fn flag(&self) -> &'static str {
        self.flag
    }

    /// The path as written, key by key (never empty).
    pub fn path(&self) -> &[String] {
        &self.path
    }

    /// The top-level key it sets (`service`, `groups`, `ticks`).
    pub fn top(&self) -> &str {
        self.path.first().map_or("", String::as_str)
    }

    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Reads `PATH=VALUE` as given on the command line. The value is read
    /// as TOML (`0.6`, `true`, `{ kind = "fixed", k = 3 }`), and as text
    /// when it is not valid TOML, so `network.kind=erdos-renyi` needs no quotes.
    pub fn parse_arg(arg: &str) -> Result<Override, String> {
        let (path, value) = arg.split_once('=').ok_or_else(|| {
            format!("`{arg}` is not PATH=VALUE (for example service.recovery_rate=0.6)")
        })?;
        let path = split_path(path.trim())?;
        Ok(Override {
            path,
            value: parse_value(value.trim()),
            flag: "--set",
        })
    }

    /// The path as one dotted string.
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }

    /// `path = value`, as a scenario file would say it.
    pub fn describe(&self) -> String {
        format!("{} = {}", self.dotted(), inline(&self.value))
    }
}

/// A value written the way TOML writes it inline.
pub fn inline(value: &Value) -> String {
    match value {
        Value::Table(t) => {
            let parts: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{k} = {}", inline(v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        v => v.to_string(),
    }
}

/// A TOML value, or the text itself when it is not one.
pub fn parse_value(text: &str) -> Value {
    format!("v = {text}")
        .parse::<Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(text.to_string()))
}

/// Splits `a.b.c` into its keys; `groups[1]` is read as `groups.1`.
pub fn split_path(path: &str) -> Result<Vec<String>, String> {
    let keys: Vec<String> = path
        .replace('[', ".")
        .replace(']', "")
        .split('.')
        .map(|s| s.trim().to_string())
        .collect();
    if keys.iter().any(String::is_empty) {
        return Err(format!(
            "`{path}` is not a dotted path (for example service.recovery_rate)"
        ));
    }
    Ok(keys)
}

/// The overrides a `set` table holds, one per value it sets: nested tables
/// are stepped into, except a table with a `kind` key, which is one value.
pub fn flatten(set: &Table) -> Vec<Override> {
    let mut out = Vec::new();
    flatten_into(set, &mut Vec::new(), &mut out);
    out
}

fn flatten_into(table: &Table, prefix: &mut Vec<String>, out: &mut Vec<Override>) {
    for (key, value) in table {
        prefix.push(key.clone());
        match value {
            Value::Table(t) if !t.contains_key("kind") => flatten_into(t, prefix, out),
            v => out.push(Override {
                path: prefix.clone(),
                value: v.clone(),
                flag: "--set",
            }),
        }
        prefix.pop();
    }
}

/// Why an override could not be applied.
#[derive(Debug, Clone, PartialEq)]
pub struct NotApplied {
    pub message: String,
    pub allowed: String,
}

/// Sets `o.value` at `o.path` in `doc`, creating tables on the way, and
/// returns the path it set in the form validation reports (groups by index).
pub fn apply(doc: &mut Table, o: &Override) -> Result<FieldPath, NotApplied> {
    let seed = inherited(doc, o);
    let mut resolved = FieldPath::root();
    let mut table = doc;
    let Some((last, steps)) = o.path.split_last() else {
        return Ok(FieldPath::root());
    };
    let mut steps = steps.iter().peekable();
    while let Some(key) = steps.next() {
        resolved = resolved.key(key);
        if key == "groups" {
            let Some(name) = steps.next() else {
                return Err(NotApplied {
                    message: "`groups` is a list; say which group".into(),
                    allowed: "groups.<group name>.<field>, for example groups.customers.service.expectation".into(),
                });
            };
            let (index, group) = find_group(table, name)?;
            resolved = resolved.index(index);
            table = group;
            continue;
        }
        // A table the file leaves out starts as what it stands for: a
        // group's as the scenario's, the scenario's as the default.
        let entry = table.entry(key.clone()).or_insert_with(|| {
            let here = resolved.0.len();
            match &seed {
                Some((depth, value)) if *depth == here => value.clone(),
                _ => Value::Table(Table::new()),
            }
        });
        table = match entry {
            Value::Table(t) => t,
            other => {
                return Err(NotApplied {
                    message: format!(
                        "`{}` is a value ({}), not a table with fields",
                        resolved,
                        other.type_str()
                    ),
                    allowed: format!("`{resolved}` itself, without the rest of the path"),
                });
            }
        };
    }
    resolved = resolved.key(last);
    match (table.get_mut(last), &o.value) {
        (Some(Value::Table(old)), Value::Table(new)) if !new.contains_key("kind") => {
            for sub in flatten(new) {
                apply(old, &sub)?;
            }
        }
        _ => {
            table.insert(last.clone(), o.value.clone());
        }
    }
    Ok(resolved)
}

/// For an override of one field of a table-valued setting (a fan-out's
/// `mean`), the table it starts from where the file leaves that setting
/// out, and the depth of the setting in the resolved path: a group's own
/// starts from the scenario's (as written, or its default), the scenario's
/// from the default.
fn inherited(doc: &Table, o: &Override) -> Option<(usize, Value)> {
    let setting = super::setting::Setting::of(&o.path);
    let keys = &setting.keys;
    // The setting is the path less its last key (the field set).
    let (_, table_keys) = keys.split_last()?;
    let default = super::params::default_table(table_keys)?;
    let at_top = table_keys
        .iter()
        .try_fold(doc, |t, k| t.get(k.as_str()).and_then(Value::as_table));
    let start = match (&setting.scope, at_top) {
        (super::setting::Scope::Group(_), Some(top)) => top.clone(),
        _ => default,
    };
    // In the resolved path a group adds two steps (`groups`, its index).
    let depth = match setting.scope {
        super::setting::Scope::Group(_) => 2 + table_keys.len(),
        super::setting::Scope::All => table_keys.len(),
    };
    Some((depth, Value::Table(start)))
}

/// The group named `name` (or at index `name`) in `table`'s `groups`.
fn find_group<'t>(table: &'t mut Table, name: &str) -> Result<(usize, &'t mut Table), NotApplied> {
    let Some(Value::Array(groups)) = table.get_mut("groups") else {
        return Err(NotApplied {
            message: "this scenario has no [[groups]] (it uses the default customers and prospects)".into(),
            allowed: "top-level sections ([service], [telling], ...), or add [[groups]] tables to set one group's values".into(),
        });
    };
    let names: Vec<String> = groups
        .iter()
        .map(|g| {
            g.get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let index = names
        .iter()
        .position(|n| n == name)
        .or_else(|| name.parse::<usize>().ok().filter(|&i| i < groups.len()));
    match index.map(|i| (i, &mut groups[i])) {
        Some((i, Value::Table(t))) => Ok((i, t)),
        _ => Err(NotApplied {
            message: format!("there is no group named `{name}`"),
            allowed: format!("one of the groups: {}", names.join(", ")),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Table {
        text.parse().unwrap()
    }

    #[test]
    fn command_line_values_are_toml_or_text() {
        let o = Override::parse_arg("service.recovery_rate=0.6").unwrap();
        assert_eq!(o.path(), ["service", "recovery_rate"]);
        assert_eq!(o.value(), &Value::Float(0.6));
        let o = Override::parse_arg("network.kind=erdos-renyi").unwrap();
        assert_eq!(o.value(), &Value::String("erdos-renyi".into()));
        let o = Override::parse_arg("telling.bad={ kind = \"fixed\", k = 3 }").unwrap();
        assert!(o.value().is_table());
        assert!(Override::parse_arg("service.recovery_rate").is_err());
        assert!(Override::parse_arg("service..x=1").is_err());
    }

    #[test]
    fn set_tables_flatten_but_kinds_stay_whole() {
        let set = doc("service.recovery_rate = 0.6\ntelling.bad = { kind = \"fixed\", k = 3 }\n");
        let flat: Vec<String> = flatten(&set).iter().map(Override::describe).collect();
        assert_eq!(
            flat,
            [
                "service.recovery_rate = 0.6",
                "telling.bad = { k = 3, kind = \"fixed\" }"
            ]
        );
    }

    #[test]
    fn values_are_set_created_and_replaced_whole() {
        let mut d = doc(
            "[service]\nquality_mean = 0.0\n[telling]\nbad = { kind = \"uniform\", min = 20, max = 30 }\n",
        );
        for arg in [
            "service.recovery_rate=0.6",
            "hearing.trust=0.5",
            "telling.bad={ kind = \"fixed\", k = 3 }",
        ] {
            apply(&mut d, &Override::parse_arg(arg).unwrap()).unwrap();
        }
        assert_eq!(d["service"]["recovery_rate"].as_float(), Some(0.6));
        assert_eq!(d["service"]["quality_mean"].as_float(), Some(0.0));
        assert_eq!(d["hearing"]["trust"].as_float(), Some(0.5));
        let bad = d["telling"]["bad"].as_table().unwrap();
        assert_eq!(bad.len(), 2, "the uniform's min and max are gone");
    }

    #[test]
    fn groups_are_found_by_name_or_index() {
        let mut d =
            doc("[[groups]]\nname = \"a\"\nshare = 0.5\n[[groups]]\nname = \"b\"\nshare = 0.5\n");
        let at = apply(
            &mut d,
            &Override::parse_arg("groups.b.service.expectation=1").unwrap(),
        )
        .unwrap();
        assert_eq!(at.to_string(), "groups[1].service.expectation");
        assert_eq!(
            d["groups"][1]["service"]["expectation"].as_integer(),
            Some(1)
        );
        apply(&mut d, &Override::parse_arg("groups[0].share=0.4").unwrap()).unwrap();
        assert_eq!(d["groups"][0]["share"].as_float(), Some(0.4));
        let e = apply(&mut d, &Override::parse_arg("groups.c.share=1").unwrap()).unwrap_err();
        assert!(e.allowed.contains("a, b"));
    }

    #[test]
    fn a_value_cannot_be_stepped_into() {
        let mut d = doc("ticks = 10\n");
        let e = apply(&mut d, &Override::parse_arg("ticks.x=1").unwrap()).unwrap_err();
        assert!(e.message.contains("not a table"), "{}", e.message);
    }
}
