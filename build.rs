//! Rebuilds when a migration is added: `sqlx::migrate!` embeds PostgreSQL's migration files,
//! and cargo does not otherwise notice a new file in that directory. (SQLite's are listed one
//! by one with `include_str!`, which cargo tracks.)
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
