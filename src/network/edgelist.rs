//! Edge-list files: one `u v` pair a line, separated by white space or a
//! comma, `#` or `%` starting a comment; further columns are ignored, unless
//! the network is weighted, when the third is each tie's strength (`u v w`).
//! This is what networkx's `write_edgelist(data=False)` and
//! `write_weighted_edgelist`, igraph's `write_edgelist` and SNAP's text
//! files hold.
//!
//! Node ids are whatever non-negative integers the file uses (1-based, with
//! gaps, unsorted); they are mapped to dense indices in increasing id order,
//! so an id that appears in no edge never becomes an agent.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::scenario::{FieldPath, InputError, Problem};

/// The edges of a file, in dense indices, the file's id of each index, and
/// (weighted files) each edge's weight.
pub struct EdgeList {
    pub edges: Vec<(u32, u32)>,
    pub ids: Vec<u64>,
    /// Each edge's weight, in the order of `edges`; empty when unweighted.
    pub weights: Vec<f32>,
}

/// One line's edge: two ids and, in a weighted file, its weight.
type Line = (u64, u64, f32);

fn field() -> FieldPath {
    FieldPath::parse("network.path")
}

/// The longest line an edge list may have: two ids and a few columns of
/// weights fit many times over.
const MAX_LINE_BYTES: u64 = 64 << 10;

/// Reads an edge-list file; a bad line is reported with its line and column.
/// A path that is not a regular file, or a file larger than
/// [`MAX_EDGE_LIST_BYTES`](crate::input::MAX_EDGE_LIST_BYTES), is refused
/// before it is read.
pub fn read_edge_list(path: &Path, weighted: bool) -> Result<EdgeList, InputError> {
    let (file, _) =
        crate::input::open_bounded(path, crate::input::MAX_EDGE_LIST_BYTES).map_err(|e| {
            let mut problem = Problem::new(field(), e.describe("edge-list"));
            if matches!(e, crate::input::Refused::Io(_)) {
                problem = problem.help("`path` is relative to the scenario file's folder");
            }
            InputError::single(path, problem)
        })?;
    parse_edge_list(
        BufReader::with_capacity(BUFFER, file.take(crate::input::MAX_EDGE_LIST_BYTES)),
        path,
        weighted,
    )
}

/// Bytes read at a time: the lines in the buffer are read where they lie.
const BUFFER: usize = 256 << 10;

/// Reads an edge list from `reader`, with a weight on each line when
/// `weighted`; `path` names it in errors.
pub fn parse_edge_list(
    mut reader: impl BufRead,
    path: &Path,
    weighted: bool,
) -> Result<EdgeList, InputError> {
    let fail = |message: String| InputError::single(path, Problem::new(field(), message));
    let mut raw: Vec<(u64, u64)> = Vec::new();
    let mut weights: Vec<f32> = Vec::new();
    let form = if weighted {
        "`u v w` per line: two non-negative whole-number node ids and the tie's weight (a number at least 0), separated by spaces, tabs or a comma; `#` or `%` starts a comment"
    } else {
        "`u v` per line: two non-negative whole-number node ids, separated by spaces, tabs or a comma; `#` or `%` starts a comment"
    };
    let mut number = 0usize;
    let located = |number: usize, col: usize, msg: String| {
        InputError::single(
            path,
            Problem::new(field(), msg)
                .allowed(form)
                .at_line(number, col),
        )
    };
    let mut one = |bytes: &[u8]| -> Result<(), InputError> {
        number += 1;
        if bytes.len() as u64 > MAX_LINE_BYTES {
            return Err(located(
                number,
                1,
                format!("line {number} is longer than {MAX_LINE_BYTES} bytes"),
            ));
        }
        let mut bytes = bytes;
        if number == 1 {
            // A byte-order mark, as some Windows tools write.
            bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        }
        let plain = if weighted { None } else { plain_pair(bytes) };
        let edge = match plain {
            Some((u, v)) => Some((u, v, 1.0)),
            None => {
                let text = std::str::from_utf8(bytes).map_err(|e| {
                    let col = e.valid_up_to() + 1;
                    located(
                        number,
                        col,
                        format!("byte {col} of line {number} is not UTF-8 text"),
                    )
                })?;
                parse_general(text, weighted).map_err(|(col, msg)| located(number, col, msg))?
            }
        };
        if let Some((u, v, w)) = edge {
            raw.push((u, v));
            if weighted {
                weights.push(w);
            }
        }
        Ok(())
    };
    let failed = |e: std::io::Error| fail(format!("cannot read the edge-list file: {e}"));
    let mut line = Vec::new();
    loop {
        // The whole lines buffered are read in place; a line the buffer
        // ends inside (or one longer than it) is read on its own.
        let buffered = reader.fill_buf().map_err(failed)?;
        if buffered.is_empty() {
            break;
        }
        let whole = buffered
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |at| at + 1);
        if whole > 0 {
            for bytes in buffered[..whole].split_inclusive(|&b| b == b'\n') {
                one(bytes)?;
            }
            reader.consume(whole);
            continue;
        }
        line.clear();
        (&mut reader)
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut line)
            .map_err(failed)?;
        one(&line)?;
    }
    if raw.is_empty() {
        return Err(InputError::single(
            path,
            Problem::new(field(), "the edge-list file has no edges")
                .allowed("at least one `u v` line"),
        ));
    }
    let ids = distinct_ids(&raw);
    if ids.len() as u64 > crate::scenario::MAX_AGENTS {
        return Err(InputError::single(
            path,
            Problem::new(
                field(),
                format!("{} nodes are more than grapevine can hold", ids.len()),
            )
            .allowed(format!("at most {} nodes", crate::scenario::MAX_AGENTS)),
        ));
    }
    // Ids 0..n-1 with none missing (what networkx writes) map to themselves.
    let dense = ids
        .last()
        .is_some_and(|&last| last.checked_add(1) == Some(ids.len() as u64));
    let index = |id: u64| {
        if dense {
            id as u32
        } else {
            ids.binary_search(&id).unwrap_or_else(|at| at) as u32
        }
    };
    let edges = raw.iter().map(|&(u, v)| (index(u), index(v))).collect();
    Ok(EdgeList {
        edges,
        ids,
        weights,
    })
}

/// The node ids the edges name, in increasing order, each once. Ids no
/// larger than a few times the number of edges (what networkx and most
/// tools write) are marked in a table of bits, in time in proportion to
/// the file; others are sorted.
fn distinct_ids(raw: &[(u64, u64)]) -> Vec<u64> {
    let most = raw.iter().map(|&(u, v)| u.max(v)).max().unwrap_or(0);
    if most / 4 > raw.len() as u64 {
        let mut ids: Vec<u64> = raw.iter().flat_map(|&(u, v)| [u, v]).collect();
        ids.sort_unstable();
        ids.dedup();
        return ids;
    }
    let mut seen = vec![0u64; (most / 64 + 1) as usize];
    for &(u, v) in raw {
        seen[(u / 64) as usize] |= 1 << (u % 64);
        seen[(v / 64) as usize] |= 1 << (v % 64);
    }
    let mut ids = Vec::with_capacity(seen.iter().map(|w| w.count_ones() as usize).sum());
    for (k, &word) in seen.iter().enumerate() {
        let mut bits = word;
        while bits != 0 {
            ids.push(k as u64 * 64 + u64::from(bits.trailing_zeros()));
            bits &= bits - 1;
        }
    }
    ids
}

/// One line: `Ok(None)` for a blank or comment line, or the column (1-based)
/// and message of what is wrong. The common line, two ids and a space, is
/// read byte by byte; anything else takes the general path.
#[cfg(test)]
fn parse_line(line: &str) -> Result<Option<(u64, u64)>, (usize, String)> {
    if let Some(pair) = plain_pair(line.as_bytes()) {
        return Ok(Some(pair));
    }
    parse_general(line, false).map(|e| e.map(|(u, v, _)| (u, v)))
}

/// `u v` (one space or tab between, optional line end, digits only), or
/// `None` for anything else.
#[inline]
fn plain_pair(line: &[u8]) -> Option<(u64, u64)> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let gap = line.iter().position(|&b| b == b' ' || b == b'\t')?;
    let number = |digits: &[u8]| -> Option<u64> {
        if digits.is_empty() || digits.len() > 19 {
            return None;
        }
        digits.iter().try_fold(0u64, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u64::from(d - b'0'))
        })
    };
    Some((number(&line[..gap])?, number(&line[gap + 1..])?))
}

fn parse_general(line: &str, weighted: bool) -> Result<Option<Line>, (usize, String)> {
    let content = line.split(['#', '%']).next().unwrap_or_default();
    let mut tokens = content
        .char_indices()
        .filter(|&(i, c)| {
            !is_sep(c) && (i == 0 || content[..i].chars().next_back().is_some_and(is_sep))
        })
        .map(|(i, _)| {
            let end = content[i..].find(is_sep).map_or(content.len(), |e| i + e);
            (i, &content[i..end])
        });
    let Some(first) = tokens.next() else {
        return Ok(None);
    };
    let Some(second) = tokens.next() else {
        return Err((
            first.0 + 1,
            format!(
                "`{}` is a node with no partner: an edge needs two ids",
                clip(first.1.trim())
            ),
        ));
    };
    let id = |(col, text): (usize, &str)| {
        text.parse::<u64>()
            .map_err(|_| (col + 1, format!("`{}` is not a node id", clip(text))))
    };
    let (u, v) = (id(first)?, id(second)?);
    if !weighted {
        return Ok(Some((u, v, 1.0)));
    }
    let Some((col, text)) = tokens.next() else {
        return Err((
            second.0 + second.1.len() + 1,
            "the edge has no weight: a weighted edge list has `u v w` on each line".to_string(),
        ));
    };
    match text.parse::<f32>() {
        Ok(w) if w.is_finite() && w >= 0.0 => Ok(Some((u, v, w))),
        _ => Err((
            col + 1,
            format!(
                "`{}` is not a weight: a tie's weight is a number at least 0 (networkx: write_weighted_edgelist)",
                clip(text)
            ),
        )),
    }
}

/// A piece of a line as a message quotes it: its first 40 characters,
/// so that a long line gives a short message.
fn clip(text: &str) -> String {
    const MOST: usize = 40;
    let shown: String = text.chars().take(MOST).collect::<String>();
    let more = if text.chars().nth(MOST).is_some() {
        "…"
    } else {
        ""
    };
    format!("{}{more}", shown.escape_debug())
}

fn is_sep(c: char) -> bool {
    c.is_whitespace() || c == ','
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_ids_are_sorted_and_each_once_dense_or_sparse() {
        let sorted = |raw: &[(u64, u64)]| {
            let mut ids: Vec<u64> = raw.iter().flat_map(|&(u, v)| [u, v]).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let cases: [&[(u64, u64)]; 4] = [
            &[(3, 1), (1, 0), (2, 3), (3, 1)],
            &[(64, 63), (0, 127), (128, 5)],
            &[(u64::MAX, 7), (7, 1 << 40)],
            &[(9, 9)],
        ];
        for raw in cases {
            assert_eq!(distinct_ids(raw), sorted(raw), "{raw:?}");
        }
    }
    use std::io::Write;

    #[test]
    fn lines_parse_in_every_common_form() {
        assert_eq!(parse_line("1 2\n"), Ok(Some((1, 2))));
        assert_eq!(parse_line("1,2"), Ok(Some((1, 2))));
        assert_eq!(parse_line("  7\t9  0.5 {}"), Ok(Some((7, 9))));
        assert_eq!(parse_line("# a comment"), Ok(None));
        assert_eq!(parse_line("% matrix market"), Ok(None));
        assert_eq!(parse_line("   \n"), Ok(None));
        assert_eq!(parse_line("3 4 # trailing"), Ok(Some((3, 4))));
    }

    #[test]
    fn the_fast_path_reads_only_plain_pairs() {
        assert_eq!(plain_pair(b"12 345\n"), Some((12, 345)));
        assert_eq!(plain_pair(b"12\t345\r\n"), Some((12, 345)));
        assert_eq!(plain_pair(b"12 345 1.0\n"), None);
        assert_eq!(plain_pair(b"12,345"), None);
        assert_eq!(plain_pair(b" 12 345"), None);
        assert_eq!(plain_pair(b"12 x"), None);
        assert_eq!(parse_line("12 345 1.0\n"), Ok(Some((12, 345))));
    }

    #[test]
    fn bad_tokens_are_located() {
        assert_eq!(parse_line("1 x\n").unwrap_err().0, 3);
        assert_eq!(parse_line("  5\n").unwrap_err().0, 3);
        assert!(parse_line("source,target").is_err());
        // A long line gives a short message.
        let long = format!("1 {}", "x".repeat(60_000));
        let (_, message) = parse_line(&long).unwrap_err();
        assert!(message.len() < 100, "{}", message.len());
    }

    #[test]
    fn ids_map_to_dense_indices_without_phantoms() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "# SNAP-style header\n10 30\n30 1000\n10 10\n30 10").unwrap();
        let list = read_edge_list(f.path(), false).unwrap();
        assert_eq!(list.ids, vec![10, 30, 1000]);
        assert_eq!(list.edges, vec![(0, 1), (1, 2), (0, 0), (1, 0)]);
    }

    /// Lines that a small buffer cuts in two, or that are longer than it,
    /// read as when the whole file is buffered: the same edges, and an
    /// error at the same line and column.
    #[test]
    fn lines_read_alike_whatever_the_buffer_holds() {
        let text = "\u{feff}# header\n10 30\n30 1000\r\n\n7,10 # note\n123456789 30\n30 7";
        let read = |capacity: usize, text: &str| {
            let reader = std::io::BufReader::with_capacity(capacity, text.as_bytes());
            parse_edge_list(reader, Path::new("b.txt"), false)
        };
        let whole = read(1 << 16, text).unwrap();
        assert_eq!(whole.edges.len(), 5);
        for capacity in [1, 2, 3, 5, 8, 13] {
            let small = read(capacity, text).unwrap();
            assert_eq!(
                (&small.edges, &small.ids),
                (&whole.edges, &whole.ids),
                "{capacity}"
            );
            let bad = read(capacity, "1 2\n2 3\n2 three\n").err().unwrap();
            assert_eq!(bad.problems[0].line_col, Some((3, 3)), "{capacity}");
        }
    }

    #[test]
    fn a_bad_line_names_the_file_line_and_column() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "1 2\n2 three\n").unwrap();
        let e = read_edge_list(f.path(), false).err().unwrap();
        assert_eq!(e.problems[0].line_col, Some((2, 3)));
        assert!(e.to_string().contains(":2:3"), "{e}");
    }

    #[test]
    fn a_weighted_list_reads_the_third_column_and_locates_a_bad_weight() {
        let read = |text: &str| parse_edge_list(text.as_bytes(), Path::new("w.txt"), true);
        let list = read("0 1 0.5\n1,2,2\n# note\n2 0 0 {}\n").unwrap();
        assert_eq!(list.weights, vec![0.5, 2.0, 0.0]);
        assert_eq!(list.edges.len(), 3);
        let at = |text: &str| read(text).err().unwrap().problems[0].line_col;
        assert_eq!(at("0 1 0.5\n1 2\n"), Some((2, 4)));
        assert_eq!(at("0 1 -1\n"), Some((1, 5)));
        assert_eq!(at("0 1 nan\n"), Some((1, 5)));
        assert_eq!(at("0 1 {'weight':\n"), Some((1, 5)));
        // Unweighted, the same third column is ignored.
        let plain = parse_edge_list("0 1 -1\n".as_bytes(), Path::new("w.txt"), false).unwrap();
        assert!(plain.weights.is_empty());
    }
}
