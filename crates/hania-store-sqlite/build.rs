//! Rebuilds the crate when a migration is added: `embed_migrations!` reads
//! the folder at compile time, and cargo tracks only the files it already
//! embedded, not a new one.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations/sqlite");
}
