//! Golden statements through the library: the JSON of every dossier under `tests/dossiers/`
//! equals the one pinned by the CLI cases, and every statement adds up.
