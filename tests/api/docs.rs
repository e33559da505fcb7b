//! `docs/compat.md` lists exactly the commands the server serves, and SQL is never built from
//! anything but constant fragments (reliability.md S27's lint).

use std::collections::BTreeSet;

#[test]
fn compat_table_matches_the_command_table() {
    let doc = include_str!("../../docs/compat.md");
    let begin = doc.find("<!-- commands:begin -->").expect("begin marker");
    let end = doc.find("<!-- commands:end -->").expect("end marker");
    let documented: BTreeSet<String> = doc[begin..end]
        .lines()
        .filter_map(|l| l.strip_prefix("| `v4/"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    let served: BTreeSet<String> = opentim::api::COMMANDS
        .iter()
        .map(|c| format!("{}/{}", c.service, c.name))
        .collect();
    assert_eq!(documented, served);
}

/// Every `format!` that builds SQL in the store may interpolate only these names, each bound to
/// a constant fragment (column lists, a WHERE shared by two queries, the lock clause, pragma
/// values, the SQL forms of domain rules from `domain::unread`). Values from requests always travel as bound `$N` parameters.
const SQL_FRAGMENTS: &[&str] = &[
    // friend_import's multi-row insert: its column list, and `($1, $2, $3, …)` built from numbers.
    "FRIENDS_INSERTED",
    "placeholders",
    // Friendships with wiped accounts (friend_wipes.rs): the app's last wipe, and the
    // condition that a friendship's friend was not wiped since its list was opened.
    "EPOCH",
    "NOT_WIPED",
    "IS_FRIEND",
    "GROUP_COLS",
    "MEMBER_COLS",
    "C2C_COLS",
    "COUNTER_COLS",
    "UPSERT_SET",
    "CONVERSATION_SET",
    "FRIEND_COLS",
    "TOPIC_COLS",
    "topic_cols",
    "group_cols",
    "member_cols",
    "lock",
    "from",
    "filter",
    "role_filter",
    "mode",
    "WRITER_CACHE_KIB",
    "WAL_SIZE_LIMIT",
    "READER_MMAP_BYTES",
    "unread_types",
    "clamp",
];

#[test]
fn sql_is_built_from_constant_fragments_only() {
    // Every file of the store, whatever its folder.
    let mut files = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store")];
    let mut sources = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("store folder") {
                files.push(entry.expect("store entry").path());
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            sources.push(std::fs::read_to_string(&path).expect("store source"));
        }
    }
    let mut checked = 0;
    for source in &sources {
        for (at, _) in source.match_indices("format!(") {
            let rest = &source[at..];
            let Some(open) = rest.find('"') else { continue };
            let literal: String = rest[open + 1..]
                .split('"')
                .next()
                .unwrap_or_default()
                .to_string();
            let is_sql = ["SELECT", "INSERT", "UPDATE", "DELETE", "PRAGMA"]
                .iter()
                .any(|k| literal.contains(k));
            if !is_sql {
                continue;
            }
            checked += 1;
            for piece in literal.split('{').skip(1) {
                let name = piece.split('}').next().unwrap_or_default();
                assert!(
                    SQL_FRAGMENTS.contains(&name),
                    "SQL built with {{{name}}} in: {literal}"
                );
            }
        }
    }
    assert!(checked >= 8, "only {checked} SQL format! calls found");
}
