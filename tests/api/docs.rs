//! `docs/compat.md` lists exactly the commands the server serves.

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
