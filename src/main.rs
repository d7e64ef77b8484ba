//! The `grapevine` command: all the work is in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    match grapevine::cli::run(std::env::args_os()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprint!("{e}");
            if !e.to_string().ends_with('\n') {
                eprintln!();
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// `grapevine check X | head -1` ends quietly when `head` stops reading, as
/// command-line tools do: a closed pipe ends the process (SIGPIPE's
/// default), rather than a failed print panicking. Rust ignores SIGPIPE so
/// that a socket's closed peer is an error to handle; the studio's server
/// handles those, so it keeps that.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    if std::env::args_os().nth(1).is_none_or(|c| c != "serve") {
        // SAFETY: called first thing in `main`, before any other thread
        // exists; it only restores the signal's default action.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
}
