//! Opening input files safely: regular files only, and no larger than a
//! limit, checked before a byte is read.
//!
//! A scenario path that names a device (`/dev/zero`, an endless stream), a
//! FIFO (which blocks until someone writes to it) or a folder is refused at
//! once from its metadata, without opening it. A file larger than the limit
//! is refused from its size, and reading stops at the limit in any case, so
//! a file that grows while it is read cannot take unbounded memory.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The largest scenario file grapevine reads. Scenarios are a few
/// kilobytes; generated ones with many variants stay far below this.
pub const MAX_SCENARIO_BYTES: u64 = 4 << 20;

/// The largest edge-list file grapevine reads: at about 16 bytes a line,
/// a billion edges, beyond what fits in memory on a laptop.
pub const MAX_EDGE_LIST_BYTES: u64 = 16 << 30;

/// Why an input file was not read.
#[derive(Debug)]
pub enum Refused {
    /// It does not exist or cannot be opened.
    Io(io::Error),
    /// It is a folder, a device, a FIFO or a socket.
    NotAFile(&'static str),
    /// It is larger than the limit.
    TooLarge { size: u64, limit: u64 },
    /// Its bytes are not UTF-8 text: the first bad byte, and its line and
    /// column (1-based; the column counts characters before it).
    NotText {
        offset: usize,
        line: usize,
        column: usize,
    },
}

impl Refused {
    /// What went wrong, in a sentence about "the {what} file".
    pub fn describe(&self, what: &str) -> String {
        match self {
            Refused::Io(e) => format!("cannot read the {what} file: {e}"),
            Refused::NotAFile(kind) => {
                format!("the {what} path names {kind}, not a regular file")
            }
            Refused::TooLarge { size, limit } => format!(
                "the {what} file is {} bytes, more than grapevine reads ({} at most)",
                size, limit
            ),
            Refused::NotText {
                offset,
                line,
                column,
            } => format!(
                "the {what} file is not UTF-8 text (line {line}, column {column}: byte {offset} is not valid); save it as UTF-8"
            ),
        }
    }
}

/// What kind of thing a path is, when it is not a regular file.
fn kind_of(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("something other than a file")
}

/// Opens `path` for reading if it is a regular file (after following
/// symbolic links) of at most `limit` bytes; returns the file and its size.
pub fn open_bounded(path: &Path, limit: u64) -> Result<(File, u64), Refused> {
    let meta = std::fs::metadata(path).map_err(Refused::Io)?;
    if let Some(kind) = kind_of(&meta) {
        return Err(Refused::NotAFile(kind));
    }
    if meta.len() > limit {
        return Err(Refused::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let file = File::open(path).map_err(Refused::Io)?;
    Ok((file, meta.len()))
}

/// Reads a whole text file of at most `limit` bytes.
pub fn read_text(path: &Path, limit: u64) -> Result<String, Refused> {
    let (file, size) = open_bounded(path, limit)?;
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(Refused::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Refused::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..offset];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = std::str::from_utf8(&before[line_start..]).map_or(0, |t| t.chars().count());
        Refused::NotText {
            offset,
            line: before.iter().filter(|&&b| b == b'\n').count() + 1,
            column: column + 1,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn folders_and_devices_are_refused_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_text(dir.path(), 100),
            Err(Refused::NotAFile("a folder"))
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_text(Path::new("/dev/zero"), 100),
            Err(Refused::NotAFile("a device"))
        ));
    }

    #[test]
    fn files_over_the_limit_are_refused() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&[b'a'; 200]).unwrap();
        assert!(matches!(
            read_text(f.path(), 100),
            Err(Refused::TooLarge { size: 200, .. })
        ));
        assert_eq!(read_text(f.path(), 200).unwrap().len(), 200);
    }

    #[test]
    fn bytes_that_are_not_text_are_located() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"ab\xffcd").unwrap();
        assert!(matches!(
            read_text(f.path(), 100),
            Err(Refused::NotText {
                offset: 2,
                line: 1,
                column: 3
            })
        ));
    }
}
