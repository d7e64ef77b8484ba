//! Where a field stands in the scenario file.
//!
//! serde reports type errors with a byte span; validation happens after
//! serde and knows only the field's path. This module maps between the two
//! over the spanned document `toml` parses, so that every problem can be
//! shown at its line and column.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::{FieldPath, Segment};

/// A parsed scenario file that remembers where every key and value is.
pub struct SpanIndex<'i> {
    root: Spanned<DeTable<'i>>,
}

impl<'i> SpanIndex<'i> {
    pub fn parse(text: &'i str) -> Result<Self, toml::de::Error> {
        Ok(Self {
            root: DeTable::parse(text)?,
        })
    }

    /// The span of the value at `path`; if it is absent, the span of its
    /// nearest ancestor that is present (where the missing key belongs).
    pub fn span_of(&self, path: &FieldPath) -> Option<Range<usize>> {
        let mut span = None;
        let mut table: Option<&DeTable<'_>> = Some(self.root.get_ref());
        let mut value: Option<&Spanned<DeValue<'_>>> = None;
        for segment in &path.0 {
            let next = match (segment, table, value) {
                (Segment::Key(k), Some(t), _) => t.get(k.as_str()),
                (Segment::Index(i), _, Some(v)) => match v.get_ref() {
                    DeValue::Array(a) => a.get(*i),
                    _ => None,
                },
                _ => None,
            };
            let Some(next) = next else { break };
            span = Some(next.span());
            value = Some(next);
            table = match next.get_ref() {
                DeValue::Table(t) => Some(t),
                _ => None,
            };
        }
        span
    }

    /// The path of the innermost key whose key or value contains `offset`.
    pub fn path_at(&self, offset: usize) -> FieldPath {
        find_in_table(self.root.get_ref(), offset).unwrap_or_default()
    }
}

/// Tables' spans cover only their headers, so a search must look inside
/// every table rather than prune by span.
fn find_in_table(table: &DeTable<'_>, offset: usize) -> Option<FieldPath> {
    for (key, value) in table.iter() {
        let here = FieldPath::root().key(key.get_ref());
        if let Some(mut inner) = find_in_value(value, offset) {
            inner.0.insert(0, here.0[0].clone());
            return Some(inner);
        }
        if key.span().contains(&offset) || value.span().contains(&offset) {
            return Some(here);
        }
    }
    None
}

fn find_in_value(value: &Spanned<DeValue<'_>>, offset: usize) -> Option<FieldPath> {
    match value.get_ref() {
        DeValue::Table(t) => find_in_table(t, offset),
        DeValue::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let inner = find_in_value(item, offset)
                .or_else(|| item.span().contains(&offset).then(FieldPath::root))?;
            let mut path = FieldPath::root().index(i);
            path.0.extend(inner.0);
            Some(path)
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "ticks = 5\n[network]\nkind = \"complete\"\nn = 10\n\n[[groups]]\nname = \"a\"\n[[groups]]\nname = \"b\"\nshare = 2.0\n";

    #[test]
    fn finds_values_by_path() {
        let idx = SpanIndex::parse(DOC).unwrap();
        let span = idx.span_of(&FieldPath::parse("network.n")).unwrap();
        assert_eq!(&DOC[span], "10");
        let span = idx.span_of(&FieldPath::parse("groups[1].share")).unwrap();
        assert_eq!(&DOC[span], "2.0");
    }

    #[test]
    fn a_missing_key_points_at_its_table() {
        let idx = SpanIndex::parse(DOC).unwrap();
        let missing = idx.span_of(&FieldPath::parse("network.rewire")).unwrap();
        let table = idx.span_of(&FieldPath::parse("network")).unwrap();
        assert_eq!(missing, table);
    }

    #[test]
    fn finds_the_path_at_an_offset() {
        let idx = SpanIndex::parse(DOC).unwrap();
        let offset = DOC.find("2.0").unwrap();
        assert_eq!(idx.path_at(offset).to_string(), "groups[1].share");
    }
}
