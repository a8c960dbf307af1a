//! The `relance` binary: parse the command line, run it, print the error once.

use std::process::ExitCode;

/// mimalloc instead of the system allocator: a batch spends a tenth of its time in
/// malloc and free (Typst allocates per paragraph and per glyph run); measured on 20
/// varied dossiers, 4.4 % fewer instructions for the whole batch (README, Batch).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    no_transparent_huge_pages();
    relance::cli::main()
}

/// Where the kernel backs every large mapping with 2 MB pages (`transparent_hugepage` set
/// to `always`), mimalloc's arenas would hold twice the memory a batch worker needs
/// (measured: 119 MB peak against 65 MB for 200 varied dossiers). Turned off for this
/// process only; nothing else changes.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and touches no memory of
    // this process; its failure (an old kernel) leaves the default, which is harmless.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
