//! Design points from a file (`grapevine sweep S --design points.csv`): a
//! column per dotted path, a row per point, as SALib, the EMA Workbench or
//! pandas write a Latin hypercube, a Sobol or a Morris design. The sweep
//! runs each row as it runs a grid's point, so shards split design points
//! as they split grids.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Param, check_params};

/// The most bytes a design file may have: far more than any design that
/// could run (see [`MAX_POINTS`]), small enough to refuse at once.
pub const MAX_DESIGN_BYTES: u64 = 16 << 20;

/// The most points a design may list. Each point runs every variant's
/// replications, so a design this long is already days of work.
pub const MAX_POINTS: usize = 100_000;

/// The points of a design file, each value as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Design {
    /// The file, as given on the command line (for the record).
    pub file: String,
    /// The columns' dotted paths.
    pub paths: Vec<String>,
    /// A row per point, a value per path.
    pub rows: Vec<Vec<String>>,
    /// Each row's line in the file, for messages.
    pub lines: Vec<u64>,
}

impl Design {
    /// Reads a design file.
    pub fn read(path: &Path) -> Result<Design, String> {
        let text = crate::input::read_text(path, MAX_DESIGN_BYTES)
            .map_err(|e| format!("{}: {}", path.display(), e.describe("design")))?;
        Design::parse(&text, &path.display().to_string())
    }

    /// Reads a design from CSV text: a header of dotted paths (a leading
    /// `#`, as numpy's `savetxt` writes it, is allowed), then a row of
    /// values per point, none empty; blank lines are skipped. `file` names
    /// it in messages.
    pub fn parse(text: &str, file: &str) -> Result<Design, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let text = text.trim_start_matches([' ', '#']);
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let at = |line: u64, what: String| format!("{file}:{line}: {what}");
        // The csv crate's line numbers and offsets do not count the blank
        // lines before a record; count them here.
        let line_of = |p: Option<&csv::Position>| {
            p.map_or(0, |p| {
                let bytes = text.as_bytes();
                let mut at = (p.byte() as usize).min(bytes.len());
                while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                    at += 1;
                }
                let before = &bytes[..at];
                before.iter().filter(|&&b| b == b'\n').count() as u64 + 1
            })
        };
        let header = reader
            .headers()
            .map_err(|e| at(1, format!("cannot read the header: {e}")))?
            .clone();
        let paths: Vec<String> = header.iter().map(str::to_string).collect();
        if paths.iter().all(String::is_empty) {
            return Err(at(
                1,
                "the first line must name a dotted path per column (for example service.recovery_rate,telling.bad.mean)".into(),
            ));
        }
        if let Some(k) = paths.iter().position(String::is_empty) {
            return Err(at(1, format!("column {} has no path", k + 1)));
        }
        for p in &paths {
            Param::parse(&format!("{p}=0")).map_err(|e| at(1, e.replace("--param", "column")))?;
        }
        let (mut rows, mut lines) = (Vec::new(), Vec::new());
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = line_of(e.position());
                at(line, csv_problem(&e, paths.len()))
            })?;
            let line = line_of(record.position());
            if let Some(k) = record.iter().position(str::is_empty) {
                return Err(at(line, format!("no value for {}", paths[k])));
            }
            if rows.len() == MAX_POINTS {
                return Err(at(
                    line,
                    format!("a design may list at most {MAX_POINTS} points"),
                ));
            }
            rows.push(record.iter().map(str::to_string).collect());
            lines.push(line);
        }
        if rows.is_empty() {
            return Err(format!("{file}: the design lists no points"));
        }
        let design = Design {
            file: file.to_string(),
            paths,
            rows,
            lines,
        };
        check_params(&design.params(), &[]).map_err(|e| {
            format!(
                "{file}:1: {}",
                e.replace("--param", "column")
                    .replace("list all its values in one --param", "give it one column")
                    .replace("sweep one of them", "keep one of them")
            )
        })?;
        Ok(design)
    }

    /// Each column as a parameter, with its distinct values in the order
    /// they first appear.
    pub fn params(&self) -> Vec<Param> {
        self.paths
            .iter()
            .enumerate()
            .map(|(k, path)| {
                let mut values: Vec<String> = Vec::new();
                for row in &self.rows {
                    if !values.contains(&row[k]) {
                        values.push(row[k].clone());
                    }
                }
                Param {
                    path: path.clone(),
                    values,
                }
            })
            .collect()
    }
}

/// A value as a setting takes it: a whole number written as a float
/// (`17.0`, as a design tool writes every column) becomes `17`, which a
/// whole-number key takes and a number key reads as 17.0; anything else
/// is as written.
pub fn as_setting(value: &str) -> String {
    let whole = value
        .parse::<f64>()
        .ok()
        .filter(|x| x.fract() == 0.0 && x.abs() < 9.0e15 && value.contains(['.', 'e', 'E']));
    match whole {
        Some(x) => format!("{}", x as i64),
        None => value.to_string(),
    }
}

fn csv_problem(e: &csv::Error, columns: usize) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { len, .. } => {
            format!("{len} values where the header names {columns} columns")
        }
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_design_is_a_column_per_path_and_a_row_per_point() {
        let d = Design::parse(
            "# service.recovery_rate,telling.bad.mean\n0.1,20.0\n\n0.5, 7.25\n0.1,3\n",
            "d.csv",
        )
        .unwrap();
        assert_eq!(d.paths, ["service.recovery_rate", "telling.bad.mean"]);
        assert_eq!(d.rows.len(), 3);
        assert_eq!(d.rows[1], ["0.5", "7.25"]);
        assert_eq!(d.lines, [2, 4, 5]);
        assert_eq!(d.params()[0].values, ["0.1", "0.5"]);
    }

    #[test]
    fn a_bad_design_is_refused_at_its_line() {
        let cases = [
            (
                "a,b\n1,2\n3\n",
                "d.csv:3: 1 values where the header names 2",
            ),
            ("a,b\n1,\n", "d.csv:2: no value for b"),
            ("a,\n1,2\n", "d.csv:1: column 2 has no path"),
            ("runs\n3\n", "d.csv:1: column `runs` cannot be swept"),
            ("a,a\n1,2\n", "d.csv:1: column `a` is given twice"),
            ("a\n", "the design lists no points"),
            ("", "the first line must name"),
        ];
        for (text, said) in cases {
            let e = Design::parse(text, "d.csv").unwrap_err();
            assert!(e.contains(said), "{text:?}: {e}");
        }
    }

    #[test]
    fn whole_floats_become_whole_numbers_and_nothing_else_changes() {
        assert_eq!(as_setting("17.0"), "17");
        assert_eq!(as_setting("1.7e1"), "17");
        assert_eq!(as_setting("17.3"), "17.3");
        assert_eq!(as_setting("17"), "17");
        assert_eq!(as_setting("erdos-renyi"), "erdos-renyi");
        assert_eq!(as_setting("inf"), "inf");
    }
}
