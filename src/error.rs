//! The errors a command can end with, and the exit code of each.

use crate::scenario::InputError;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scenario or edge-list file is wrong (or asks for more than fits).
    #[error("{0}")]
    Input(InputError),
    /// Several input files are wrong.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Inputs(Vec<InputError>),
    /// The command line asks for something impossible.
    #[error("error: {0}")]
    Usage(String),
    /// An output folder grapevine will not write to (a folder it did not
    /// write, a file, a link, the root): nothing was run or touched.
    #[error("error: will not write to `{}`: {reason}\n  = help: {help}", path.display())]
    Refused {
        path: std::path::PathBuf,
        reason: String,
        help: String,
    },
    #[error("interrupted: no results were written, and earlier results are as they were")]
    Cancelled,
    #[error("error: {context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("error: {0}")]
    Other(String),
}

impl Error {
    /// 2 for bad input (scenario, arguments), 1 for anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Inputs(_) | Error::Usage(_) | Error::Refused { .. } => 2,
            Error::Cancelled | Error::Io { .. } | Error::Other(_) => 1,
        }
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(e)
    }
}

/// I/O outside the input files happens while writing results.
impl From<std::io::Error> for Error {
    fn from(source: std::io::Error) -> Self {
        Error::Io {
            context: "writing the output folder".into(),
            source,
        }
    }
}
