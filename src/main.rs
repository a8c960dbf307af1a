//! The `relance` binary: parse the command line, run it, print the error once.

fn main() {}
