//! friend_import's rows written a few statements a call: new friends go in multi-row
//! `INSERT`s, so a call of 100 costs a handful of statements instead of a hundred (each
//! statement costs a lookup in the statement cache, its parameters' binding and SQLite's own
//! set-up; on PostgreSQL a round trip).

use std::collections::HashSet;
use std::sync::LazyLock;

use super::SqlStore;
use crate::store::db::{Db, Param, params};
use crate::store::schema::to_json;
use crate::store::*;

/// Rows per statement, largest first: a call's rows go in as few statements of these sizes as
/// add up to its count (each size is one cached statement; a call of 100 takes one, of 1,000
/// ten, of 37 three of 10 and seven of 1).
const CHUNK_ROWS: [usize; 3] = [100, 10, 1];

/// Parameters of each row after `$1` (the app) and `$2` (the owner).
const ROW_PARAMS: usize = 9;

/// The insert of `rows` friends skipping those already in the list, one per size of
/// [`CHUNK_ROWS`], for SQLite and for PostgreSQL. SQLite's is `INSERT OR IGNORE`: with `ON
/// CONFLICT DO NOTHING` a NOT NULL column could still abort the statement halfway, so SQLite
/// kept a statement journal for every statement of several rows (a temporary file: a call
/// cost more than with a statement a row); `OR IGNORE` cannot abort, and needs none.
static INSERT_SQL: LazyLock<[(usize, String, String); 3]> = LazyLock::new(|| {
    CHUNK_ROWS.map(|rows| {
        let placeholders = placeholders(rows);
        (
            rows,
            format!("INSERT OR IGNORE INTO {FRIENDS_INSERTED} VALUES {placeholders}"),
            format!("INSERT INTO {FRIENDS_INSERTED} VALUES {placeholders} ON CONFLICT DO NOTHING"),
        )
    })
});

/// The table and the columns each row of the insert gives, in [`placeholders`]' order.
const FRIENDS_INSERTED: &str = "friends (sdkappid, owner, friend, serial, add_time, \
    add_source, add_wording, remark, remark_time, groups, custom)";

/// `($1, $2, $3, …, $11), ($1, $2, $12, …)`: `rows` rows of the app, the owner and nine
/// parameters of their own.
fn placeholders(rows: usize) -> String {
    let rows: Vec<String> = (0..rows)
        .map(|r| {
            let first = 3 + r * ROW_PARAMS;
            let row: Vec<String> = (first..first + ROW_PARAMS)
                .map(|p| format!("${p}"))
                .collect();
            format!("($1, $2, {})", row.join(", "))
        })
        .collect();
    rows.join(", ")
}

impl SqlStore {
    /// Imports `friends` into `owner`'s list when it has room for all of them: each item's
    /// row is offered at serial `next + i`; an item that is a friend already (or repeats an
    /// earlier item of the call) is not stored there but has its data replaced, as one at a
    /// time would, and its serial stays unused (pages read serials as a cursor: a gap is
    /// skipped). The caller moves the owner's next serial past all of them.
    pub(super) async fn import_with_room(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        friends: &[FriendData],
        next: i64,
    ) -> StoreResult<Vec<FriendImport>> {
        let stored = Self::insert_friend_rows(db, app, owner, friends, next).await?;
        let mut out = vec![FriendImport::Added; friends.len()];
        if stored < friends.len() as u64 {
            // Only this call's rows have serials from `next` on.
            let sql = "SELECT serial FROM friends WHERE sdkappid = $1 AND owner = $2 \
                       AND serial >= $3";
            let added: HashSet<i64> = db
                .map_all(sql, params![app as i64, owner, next], |r| r.int(0))
                .await?
                .into_iter()
                .collect();
            for (serial, (f, result)) in (next..).zip(friends.iter().zip(out.iter_mut())) {
                if !added.contains(&serial) {
                    Self::replace_friend_data(db, app, owner, f).await?;
                    *result = FriendImport::Replaced;
                }
            }
        }
        for f in friends {
            for name in &f.groups {
                Self::ensure_list(db, app, owner, name).await?;
            }
        }
        Ok(out)
    }

    /// Replaces the data of `owner`'s friend `f.friend` (it keeps its place in the list).
    pub(super) async fn replace_friend_data(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        f: &FriendData,
    ) -> StoreResult<()> {
        let (groups, custom) = (to_json(&f.groups), to_json(&f.custom));
        db.exec(
            "UPDATE friends SET add_time = $4, add_source = $5, add_wording = $6, \
             remark = $7, remark_time = $8, groups = $9, custom = $10 \
             WHERE sdkappid = $1 AND owner = $2 AND friend = $3",
            params![
                app as i64,
                owner,
                &f.friend,
                f.add_time,
                &f.add_source,
                &f.add_wording,
                &f.remark,
                f.remark_time,
                groups.as_str(),
                custom.as_str()
            ],
        )
        .await?;
        Ok(())
    }

    /// Offers every friend's row at serials `next`, `next + 1`, …; returns how many were new.
    pub(super) async fn insert_friend_rows(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        friends: &[FriendData],
        next: i64,
    ) -> StoreResult<u64> {
        let json: Vec<(String, String)> = friends
            .iter()
            .map(|f| (to_json(&f.groups), to_json(&f.custom)))
            .collect();
        let mut stored = 0;
        let mut at = 0;
        while at < friends.len() {
            let left = friends.len() - at;
            let Some((rows, lite, pg)) = INSERT_SQL.iter().find(|(rows, ..)| *rows <= left) else {
                break;
            };
            let sql = if matches!(db, Db::Lite(_)) { lite } else { pg };
            let mut bound: Vec<Param<'_>> = Vec::with_capacity(2 + rows * ROW_PARAMS);
            bound.extend([Param::Int(app as i64), Param::Text(owner)]);
            for i in at..at + rows {
                let (f, (groups, custom)) = (&friends[i], &json[i]);
                bound.extend([
                    Param::Text(&f.friend),
                    Param::Int(next + i as i64),
                    Param::Int(f.add_time),
                    Param::Text(&f.add_source),
                    Param::Text(&f.add_wording),
                    Param::Text(&f.remark),
                    Param::Int(f.remark_time),
                    Param::Text(groups),
                    Param::Text(custom),
                ]);
            }
            stored += db.exec(sql, &bound).await?;
            at += rows;
        }
        Ok(stored)
    }
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn each_row_has_its_own_nine_parameters_after_app_and_owner() {
        assert_eq!(
            placeholders(2),
            "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11), \
             ($1, $2, $12, $13, $14, $15, $16, $17, $18, $19, $20)"
        );
    }
}
