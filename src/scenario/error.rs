//! Errors in input files (scenarios and edge lists) that teach.
//!
//! A problem names the file, the line and column where there is one, the
//! field's dotted path, what was found and what is allowed, and where it helps,
//! the likely fix. The source snippet is drawn by `annotate-snippets`, the
//! renderer rustc and cargo use.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

/// One step of a field path: a table key or an index into an array of tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A field's place in the scenario, shown as `groups[1].service.quality_sd`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// Parses `a.b[2].c` (the form the paths are shown in).
    pub fn parse(text: &str) -> Self {
        let mut segments = Vec::new();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let mut rest = part;
            if let Some(open) = rest.find('[') {
                segments.push(Segment::Key(rest[..open].to_string()));
                rest = &rest[open..];
                while let Some(close) = rest.find(']') {
                    if let Ok(i) = rest[1..close].parse() {
                        segments.push(Segment::Index(i));
                    }
                    rest = &rest[close + 1..];
                }
            } else {
                segments.push(Segment::Key(rest.to_string()));
            }
        }
        Self(segments)
    }

    pub fn key(&self, key: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Segment::Key(key.to_string()));
        p
    }

    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Segment::Index(i));
        p
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// One thing wrong with an input file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The field it concerns (empty for the file as a whole).
    pub path: FieldPath,
    /// What is wrong, in a sentence.
    pub message: String,
    /// What would be accepted there.
    pub allowed: Option<String>,
    /// The likely fix, when one can be guessed.
    pub help: Option<String>,
    /// Byte range in the file, when known.
    pub span: Option<Range<usize>>,
    /// Line and column (1-based) for inputs that are not kept in memory
    /// (edge lists can be large).
    pub line_col: Option<(usize, usize)>,
}

impl Problem {
    pub fn new(path: FieldPath, message: impl Into<String>) -> Self {
        Self {
            path,
            message: message.into(),
            allowed: None,
            help: None,
            span: None,
            line_col: None,
        }
    }

    pub fn allowed(mut self, allowed: impl Into<String>) -> Self {
        self.allowed = Some(allowed.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn at(mut self, span: Option<Range<usize>>) -> Self {
        self.span = span;
        self
    }

    pub fn at_line(mut self, line: usize, column: usize) -> Self {
        self.line_col = Some((line, column));
        self
    }
}

/// Everything wrong with one input file. All problems found are reported at
/// once, so a user fixes a file in one round rather than one error a run.
#[derive(Debug, Clone)]
pub struct InputError {
    pub file: PathBuf,
    /// The file's text, for drawing snippets (absent for unread files and
    /// for large data files).
    pub source: Option<String>,
    pub problems: Vec<Problem>,
}

impl InputError {
    pub fn new(file: &Path, source: Option<String>, problems: Vec<Problem>) -> Self {
        Self {
            file: file.to_path_buf(),
            source,
            problems,
        }
    }

    /// An error with one problem and no snippet (an unreadable file, say).
    pub fn single(file: &Path, problem: Problem) -> Self {
        Self::new(file, None, vec![problem])
    }

    /// The 1-based line and column of a problem, when known.
    pub fn line_col(&self, problem: &Problem) -> Option<(usize, usize)> {
        if let Some(lc) = problem.line_col {
            return Some(lc);
        }
        let (source, span) = (self.source.as_ref()?, problem.span.as_ref()?);
        Some(line_col(source, span.start))
    }

    fn render_problem(&self, p: &Problem, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display().to_string();
        let mut notes = Vec::new();
        if !p.path.is_root() {
            notes.push(format!("field: {}", p.path));
        }
        if let Some(a) = &p.allowed {
            notes.push(format!("allowed: {a}"));
        }
        match (&self.source, &p.span) {
            (Some(source), Some(span)) => {
                let span = clamp_span(source, span);
                let mut group = Level::ERROR.primary_title(p.message.as_str()).element(
                    Snippet::source(source.as_str())
                        .path(file.as_str())
                        .fold(true)
                        .annotation(AnnotationKind::Primary.span(span)),
                );
                for n in &notes {
                    group = group.element(Level::NOTE.message(n.as_str()));
                }
                if let Some(h) = &p.help {
                    group = group.element(Level::HELP.message(h.as_str()));
                }
                writeln!(f, "{}", Renderer::plain().render(&[group]))
            }
            _ => {
                writeln!(f, "error: {}", p.message)?;
                match p.line_col {
                    Some((l, c)) => writeln!(f, "  --> {file}:{l}:{c}")?,
                    None => writeln!(f, "  --> {file}")?,
                }
                for n in &notes {
                    writeln!(f, "   = {n}")?;
                }
                if let Some(h) = &p.help {
                    writeln!(f, "   = help: {h}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            self.render_problem(p, f)?;
        }
        if self.problems.len() > 1 {
            writeln!(
                f,
                "\n{} problems in {}",
                self.problems.len(),
                self.file.display()
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..floor_char_boundary(source, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Keeps a span inside the text and non-empty so it can always be drawn.
fn clamp_span(source: &str, span: &Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(source, span.start.min(source.len()));
    let end = floor_char_boundary(source, span.end.min(source.len())).max(start);
    start..end
}

/// The known name closest to a misspelt one, if any is close.
pub fn did_you_mean<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(typed, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        let p = FieldPath::parse("groups[1].service.quality_sd");
        assert_eq!(p.to_string(), "groups[1].service.quality_sd");
        assert_eq!(p.0.len(), 4);
        assert_eq!(p.0[1], Segment::Index(1));
    }

    #[test]
    fn line_and_column_count_from_one() {
        let s = "a = 1\nbb = 2\n";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 6), (2, 1));
        assert_eq!(line_col(s, 11), (2, 6));
    }

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(
            did_you_mean("fan_ot", ["fan_out", "trust"]),
            Some("fan_out")
        );
        assert_eq!(did_you_mean("zzz", ["fan_out", "trust"]), None);
    }

    #[test]
    fn rendering_names_file_line_field_and_allowed() {
        let src = "ticks = 10\nruns = -3\n".to_string();
        let p = Problem::new(FieldPath::parse("runs"), "`runs` must be at least 1")
            .allowed("a whole number from 1 to 100000")
            .at(Some(18..20));
        let e = InputError::new(Path::new("s.toml"), Some(src), vec![p]);
        let text = e.to_string();
        assert!(text.contains("s.toml:2:8"), "{text}");
        assert!(text.contains("field: runs"), "{text}");
        assert!(text.contains("allowed: a whole number"), "{text}");
    }
}
