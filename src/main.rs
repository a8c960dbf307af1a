//! The `relance` binary: parse the command line, run it, print the error once.

use std::process::ExitCode;

fn main() -> ExitCode {
    relance::cli::main()
}
