//! The `grapevine` command: all the work is in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
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
