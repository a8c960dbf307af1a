//! The `relance` binary: parse the command line, run it, print the error once.

use std::process::ExitCode;

/// Typst's layout allocates and frees many small objects per letter; mimalloc serves them
/// faster than the system allocator (see the README's batch figures).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    relance::cli::main()
}
