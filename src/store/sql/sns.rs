//! The relationship chain: friends, one row per direction, ordered per owner by a serial so
//! pages are key ranges; each owner's counters (next serial, friend count, sequences).

use std::sync::LazyLock;

use super::SqlStore;
use super::friend_wipes::{NOT_WIPED, OwnerCounters};
use crate::store::db::{Columns, Db, params};
use crate::store::schema::corrupt;
use crate::store::*;

/// Friend columns, in the order [`friend_from_row`] reads them.
const FRIEND_COLS: &str =
    "friend, add_time, add_source, add_wording, remark, remark_time, groups, custom, serial";

fn friend_from_row(r: &dyn Columns) -> StoreResult<(FriendData, i64)> {
    let friend = FriendData {
        friend: r.text(0)?,
        add_time: r.int(1)?,
        add_source: r.text(2)?,
        add_wording: r.text(3)?,
        remark: r.text(4)?,
        remark_time: r.int(5)?,
        groups: serde_json::from_str(r.str(6)?).map_err(|_| corrupt("friend lists"))?,
        custom: serde_json::from_str(r.str(7)?).map_err(|_| corrupt("custom friend data"))?,
    };
    Ok((friend, r.int(8)?))
}

/// Whether `$3` is a friend of `$2`, in a write that opened `$2`'s list.
const IS_FRIEND: &str = "SELECT 1 FROM friends WHERE sdkappid = $1 AND owner = $2 AND friend = $3";

/// Whether `$3` is a friend of `$2`, in a read: not wiped since `$2`'s list was opened.
static IS_LIVE_FRIEND: LazyLock<String> = LazyLock::new(|| format!("{IS_FRIEND} AND {NOT_WIPED}"));

impl SqlStore {
    /// The owner's counters as a read sees them, zeros for an owner with no row yet (writes
    /// open the owner instead: [`SqlStore::open_owner`]).
    async fn owner_counters(db: &mut Db<'_>, app: u64, owner: &str) -> StoreResult<OwnerCounters> {
        let sql = "SELECT next_serial, friend_num, standard_seq, custom_seq FROM sns_owners \
                   WHERE sdkappid = $1 AND owner = $2";
        Ok(match db.opt(sql, params![app as i64, owner]).await? {
            Some(r) => (r.int(0)?, r.int(1)?, r.int(2)?, r.int(3)?),
            None => (1, 0, 0, 0),
        })
    }

    async fn save_owner_counters(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        (next, num, standard, custom): OwnerCounters,
    ) -> StoreResult<()> {
        db.exec(
            "INSERT INTO sns_owners (sdkappid, owner, next_serial, friend_num, standard_seq, \
             custom_seq) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sdkappid, owner) DO UPDATE \
             SET next_serial = excluded.next_serial, friend_num = excluded.friend_num, \
             standard_seq = excluded.standard_seq, custom_seq = excluded.custom_seq",
            params![app as i64, owner, next, num, standard, custom],
        )
        .await?;
        Ok(())
    }

    /// Removes every friendship of a deleted account, in both directions (account_delete):
    /// its own list now, its place in others' lists by a wipe.
    pub(super) async fn delete_friendships(db: &mut Db<'_>, app: u64, id: &str) -> StoreResult<()> {
        Self::wipe_friendships(db, app, id).await?;
        for sql in [
            "DELETE FROM friends WHERE sdkappid = $1 AND owner = $2",
            "DELETE FROM friend_lists WHERE sdkappid = $1 AND owner = $2",
        ] {
            db.exec(sql, params![app as i64, id]).await?;
        }
        Ok(())
    }

    /// Stores one friend: a new row at `serial` (true), or, when it is a friend already, its
    /// data replaced (false). New friends, the common case, take one statement.
    async fn write_friend(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        f: &FriendData,
        serial: i64,
    ) -> StoreResult<bool> {
        let added =
            Self::insert_friend_rows(db, app, owner, std::slice::from_ref(f), serial).await?;
        // A list name a friend is put in is a list of the owner's.
        for name in &f.groups {
            Self::ensure_list(db, app, owner, name).await?;
        }
        if added == 0 {
            Self::replace_friend_data(db, app, owner, f).await?;
        }
        Ok(added > 0)
    }

    pub(super) async fn ensure_list(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        name: &str,
    ) -> StoreResult<()> {
        db.exec(
            "INSERT INTO friend_lists (sdkappid, owner, name) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
            params![app as i64, owner, name],
        )
        .await?;
        Ok(())
    }

    /// Moves the owner's list sequence on; returns it.
    async fn next_list_seq(db: &mut Db<'_>, app: u64, owner: &str) -> StoreResult<i64> {
        db.exec(
            "INSERT INTO sns_owners (sdkappid, owner, next_serial, friend_num, standard_seq, \
             custom_seq, list_seq) VALUES ($1, $2, 1, 0, 0, 0, 1) \
             ON CONFLICT (sdkappid, owner) DO UPDATE SET list_seq = sns_owners.list_seq + 1",
            params![app as i64, owner],
        )
        .await?;
        db.int(
            "SELECT list_seq FROM sns_owners WHERE sdkappid = $1 AND owner = $2",
            params![app as i64, owner],
        )
        .await
    }

    /// Every friend of `owner` with its serial (friend-list changes rewrite them).
    async fn all_friends(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
    ) -> StoreResult<Vec<(FriendData, i64)>> {
        let sql = format!(
            "SELECT {FRIEND_COLS} FROM friends WHERE sdkappid = $1 AND owner = $2 ORDER BY serial"
        );
        db.map_all(&sql, params![app as i64, owner], friend_from_row)
            .await
    }

    /// Removes `friend` from `owner`'s list (opened: [`SqlStore::open_owner`]); whether it
    /// was there.
    pub(super) async fn remove_friend(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        friend: &str,
    ) -> StoreResult<bool> {
        let removed = db
            .exec(
                "DELETE FROM friends WHERE sdkappid = $1 AND owner = $2 AND friend = $3",
                params![app as i64, owner, friend],
            )
            .await?;
        if removed > 0 {
            db.exec(
                "UPDATE sns_owners SET friend_num = friend_num - 1, \
                 standard_seq = standard_seq + 1, custom_seq = custom_seq + 1 \
                 WHERE sdkappid = $1 AND owner = $2",
                params![app as i64, owner],
            )
            .await?;
        }
        Ok(removed > 0)
    }

    async fn is_friend(db: &mut Db<'_>, app: u64, owner: &str, friend: &str) -> StoreResult<bool> {
        Ok(db
            .opt(IS_FRIEND, params![app as i64, owner, friend])
            .await?
            .is_some())
    }
}

#[async_trait::async_trait]
impl SnsStore for SqlStore {
    async fn import_friends(
        &self,
        app: u64,
        owner: &str,
        friends: &[FriendData],
        max: i64,
    ) -> StoreResult<Vec<FriendImport>> {
        let (owner, friends) = (owner.to_string(), friends.to_vec());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::share_wipe_lock(&mut db, app).await?;
                let (mut next, mut num, standard, custom) =
                    Self::open_owner(&mut db, app, &owner).await?;
                let mut out = Vec::with_capacity(friends.len());
                // The common case, room for every item: a few statements for the whole call.
                if num + friends.len() as i64 <= max {
                    out = Self::import_with_room(&mut db, app, &owner, &friends, next).await?;
                    let added = out.iter().filter(|o| **o == FriendImport::Added).count();
                    (next, num) = (next + friends.len() as i64, num + added as i64);
                }
                for f in friends.iter().skip(out.len()) {
                    if num >= max && !Self::is_friend(&mut db, app, &owner, &f.friend).await? {
                        out.push(FriendImport::Full);
                        continue;
                    }
                    if Self::write_friend(&mut db, app, &owner, f, next).await? {
                        (next, num) = (next + 1, num + 1);
                        out.push(FriendImport::Added);
                    } else {
                        out.push(FriendImport::Replaced);
                    }
                }
                let changed = out.iter().any(|o| *o != FriendImport::Full);
                let seq = i64::from(changed);
                let counters = (next, num, standard + seq, custom + seq);
                Self::save_owner_counters(&mut db, app, &owner, counters).await?;
                Ok(out)
            })
        })
        .await
    }

    async fn friendships(
        &self,
        app: u64,
        owner: &str,
        others: &[String],
    ) -> StoreResult<Vec<(bool, bool)>> {
        // A friendship with an account wiped since its owner's list was last opened is none.
        self.both_ways(app, owner, others, IS_LIVE_FRIEND.as_str())
            .await
    }

    async fn add_friends(
        &self,
        app: u64,
        owner: &str,
        friends: &[FriendData],
        both: bool,
        max: i64,
    ) -> StoreResult<Vec<FriendAdd>> {
        let (owner, friends) = (owner.to_string(), friends.to_vec());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::share_wipe_lock(&mut db, app).await?;
                // Every list this call adds to made and locked in one pass.
                let mut lists: Vec<(&str, bool)> = vec![(&owner, true)];
                if both {
                    lists.extend(friends.iter().map(|f| (f.friend.as_str(), true)));
                }
                Self::open_lists(&mut db, app, &lists).await?;
                let mut mine = Self::open_owner(&mut db, app, &owner).await?;
                let mut out = Vec::with_capacity(friends.len());
                for f in &friends {
                    let has = Self::is_friend(&mut db, app, &owner, &f.friend).await?;
                    let theirs = if both {
                        Some(Self::open_owner(&mut db, app, &f.friend).await?)
                    } else {
                        None
                    };
                    let had_by = both && Self::is_friend(&mut db, app, &f.friend, &owner).await?;
                    if has && (!both || had_by) {
                        out.push(FriendAdd::AlreadyFriends);
                        continue;
                    }
                    if !has && mine.1 >= max {
                        out.push(FriendAdd::OwnerFull);
                        continue;
                    }
                    if let (false, Some(mut theirs)) = (had_by, theirs) {
                        if theirs.1 >= max {
                            out.push(FriendAdd::PeerFull);
                            continue;
                        }
                        // The other side gets the owner with the same source and time.
                        let back = FriendData {
                            friend: owner.clone(),
                            add_time: f.add_time,
                            add_source: f.add_source.clone(),
                            add_wording: String::new(),
                            remark: String::new(),
                            remark_time: 0,
                            groups: Vec::new(),
                            custom: serde_json::Map::new(),
                        };
                        Self::write_friend(&mut db, app, &f.friend, &back, theirs.0).await?;
                        theirs = (theirs.0 + 1, theirs.1 + 1, theirs.2 + 1, theirs.3 + 1);
                        Self::save_owner_counters(&mut db, app, &f.friend, theirs).await?;
                    }
                    if !has {
                        Self::write_friend(&mut db, app, &owner, f, mine.0).await?;
                        mine = (mine.0 + 1, mine.1 + 1, mine.2 + 1, mine.3 + 1);
                    }
                    out.push(FriendAdd::Added);
                }
                Self::save_owner_counters(&mut db, app, &owner, mine).await?;
                Ok(out)
            })
        })
        .await
    }

    async fn update_friend(
        &self,
        app: u64,
        owner: &str,
        friend: &str,
        edit: &FriendEdit,
    ) -> StoreResult<bool> {
        let (owner, friend, edit) = (owner.to_string(), friend.to_string(), edit.clone());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::share_wipe_lock(&mut db, app).await?;
                Self::open_owner(&mut db, app, &owner).await?;
                let lock = db.lock_clause(false);
                let sql = format!(
                    "SELECT {FRIEND_COLS} FROM friends WHERE sdkappid = $1 AND owner = $2 \
                     AND friend = $3{lock}"
                );
                let rows = db
                    .map_all(&sql, params![app as i64, &owner, &friend], friend_from_row)
                    .await?;
                let Some((mut f, serial)) = rows.into_iter().next() else {
                    return Ok(false);
                };
                if let Some(remark) = edit.remark {
                    f.remark = remark;
                }
                if let Some(groups) = edit.groups {
                    f.groups = groups;
                }
                f.custom.extend(edit.custom);
                Self::write_friend(&mut db, app, &owner, &f, serial).await?;
                db.exec(
                    "UPDATE sns_owners SET standard_seq = standard_seq + 1, \
                     custom_seq = custom_seq + 1 WHERE sdkappid = $1 AND owner = $2",
                    params![app as i64, &owner],
                )
                .await?;
                Ok(true)
            })
        })
        .await
    }

    async fn add_lists(
        &self,
        app: u64,
        owner: &str,
        names: &[String],
        friends: &[String],
    ) -> StoreResult<(i64, Vec<bool>)> {
        let (owner, names, friends) = (owner.to_string(), names.to_vec(), friends.to_vec());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::share_wipe_lock(&mut db, app).await?;
                Self::open_owner(&mut db, app, &owner).await?;
                for name in &names {
                    Self::ensure_list(&mut db, app, &owner, name).await?;
                }
                let lock = db.lock_clause(false);
                let sql = format!(
                    "SELECT {FRIEND_COLS} FROM friends WHERE sdkappid = $1 AND owner = $2 \
                     AND friend = $3{lock}"
                );
                let mut found = Vec::with_capacity(friends.len());
                for friend in &friends {
                    let rows = db
                        .map_all(&sql, params![app as i64, &owner, friend], friend_from_row)
                        .await?;
                    let Some((mut f, serial)) = rows.into_iter().next() else {
                        found.push(false);
                        continue;
                    };
                    for name in &names {
                        if !f.groups.contains(name) {
                            f.groups.push(name.clone());
                        }
                    }
                    Self::write_friend(&mut db, app, &owner, &f, serial).await?;
                    found.push(true);
                }
                Ok((Self::next_list_seq(&mut db, app, &owner).await?, found))
            })
        })
        .await
    }

    async fn delete_lists(&self, app: u64, owner: &str, names: &[String]) -> StoreResult<i64> {
        let (owner, names) = (owner.to_string(), names.to_vec());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::share_wipe_lock(&mut db, app).await?;
                // Every name a list, or nothing is deleted: checked before the first write.
                Self::lock_lists(&mut db, app, &owner, &names).await?;
                Self::open_owner(&mut db, app, &owner).await?;
                for name in &names {
                    db.exec(
                        "DELETE FROM friend_lists WHERE sdkappid = $1 AND owner = $2 AND name = $3",
                        params![app as i64, &owner, name],
                    )
                    .await?;
                }
                // Friends leave the deleted lists (at most 3,000 friends to look at).
                for (mut f, serial) in Self::all_friends(&mut db, app, &owner).await? {
                    let before = f.groups.len();
                    f.groups.retain(|g| !names.contains(g));
                    if f.groups.len() != before {
                        Self::write_friend(&mut db, app, &owner, &f, serial).await?;
                    }
                }
                Self::next_list_seq(&mut db, app, &owner).await
            })
        })
        .await
    }

    async fn lists(&self, app: u64, owner: &str) -> StoreResult<(i64, Vec<(String, Vec<String>)>)> {
        let owner = owner.to_string();
        self.read_fresh(app, owner.clone(), move || {
            let owner = owner.clone();
            move |mut db: Db<'_>| {
                Box::pin(async move {
                    let seq = db
                        .opt(
                            "SELECT list_seq FROM sns_owners WHERE sdkappid = $1 AND owner = $2",
                            params![app as i64, &owner],
                        )
                        .await?
                        .map(|r| r.int(0))
                        .transpose()?
                        .unwrap_or(0);
                    let names = db
                        .map_all(
                            "SELECT name FROM friend_lists WHERE sdkappid = $1 AND owner = $2 \
                             ORDER BY name",
                            params![app as i64, &owner],
                            |r| r.text(0),
                        )
                        .await?;
                    let friends = Self::all_friends(&mut db, app, &owner).await?;
                    let lists = names
                        .into_iter()
                        .map(|name| {
                            let members = friends
                                .iter()
                                .filter(|(f, _)| f.groups.contains(&name))
                                .map(|(f, _)| f.friend.clone())
                                .collect();
                            (name, members)
                        })
                        .collect();
                    Ok((seq, lists))
                })
            }
        })
        .await
    }

    async fn friends_of(
        &self,
        app: u64,
        owner: &str,
        others: &[String],
    ) -> StoreResult<Vec<Option<FriendData>>> {
        let (owner, others) = (owner.to_string(), others.to_vec());
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                // A friendship with an account wiped since the list was last opened is none.
                let sql = format!(
                    "SELECT {FRIEND_COLS} FROM friends WHERE sdkappid = $1 AND owner = $2 \
                     AND friend = $3 AND {NOT_WIPED}"
                );
                let mut out = Vec::with_capacity(others.len());
                for other in &others {
                    let rows = db
                        .map_all(&sql, params![app as i64, &owner, other], friend_from_row)
                        .await?;
                    out.push(rows.into_iter().next().map(|(f, _)| f));
                }
                Ok(out)
            })
        })
        .await
    }

    async fn delete_friends(
        &self,
        app: u64,
        owner: &str,
        others: &[String],
        both: bool,
    ) -> StoreResult<Vec<bool>> {
        let (owner, others) = (owner.to_string(), others.to_vec());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::share_wipe_lock(&mut db, app).await?;
                let mut lists: Vec<(&str, bool)> = vec![(&owner, false)];
                if both {
                    lists.extend(others.iter().map(|o| (o.as_str(), false)));
                }
                Self::open_lists(&mut db, app, &lists).await?;
                let mut out = Vec::with_capacity(others.len());
                for other in &others {
                    let mut removed = Self::remove_friend(&mut db, app, &owner, other).await?;
                    if both {
                        removed |= Self::remove_friend(&mut db, app, other, &owner).await?;
                    }
                    out.push(removed);
                }
                Ok(out)
            })
        })
        .await
    }

    async fn delete_all_friends(&self, app: u64, owner: &str, both: bool) -> StoreResult<()> {
        let owner = owner.to_string();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                // Both sides: everyone who has the owner loses it (a wipe: their counts and
                // sequences move when their lists next do).
                if both {
                    Self::wipe_friendships(&mut db, app, &owner).await?;
                } else {
                    Self::share_wipe_lock(&mut db, app).await?;
                }
                Self::open_owner(&mut db, app, &owner).await?;
                let removed = db
                    .exec(
                        "DELETE FROM friends WHERE sdkappid = $1 AND owner = $2",
                        params![app as i64, &owner],
                    )
                    .await?;
                if removed > 0 {
                    db.exec(
                        "UPDATE sns_owners SET friend_num = 0, standard_seq = standard_seq + 1, \
                         custom_seq = custom_seq + 1 WHERE sdkappid = $1 AND owner = $2",
                        params![app as i64, &owner],
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn friend_page(
        &self,
        app: u64,
        owner: &str,
        start: i64,
        limit: i64,
    ) -> StoreResult<FriendPage> {
        let owner = owner.to_string();
        self.read_fresh(app, owner.clone(), move || {
            let owner = owner.clone();
            move |mut db: Db<'_>| {
                Box::pin(async move {
                    let (_, friend_num, standard_seq, custom_seq) =
                        Self::owner_counters(&mut db, app, &owner).await?;
                    let sql = format!(
                        "SELECT {FRIEND_COLS} FROM friends WHERE sdkappid = $1 AND owner = $2 \
                         AND serial >= $3 ORDER BY serial LIMIT $4"
                    );
                    let mut rows = db
                        .map_all(&sql, params![app as i64, &owner, start, limit + 1], |r| {
                            friend_from_row(r)
                        })
                        .await?;
                    let next = if rows.len() as i64 > limit {
                        rows.pop().map(|(_, serial)| serial)
                    } else {
                        None
                    };
                    Ok(FriendPage {
                        friends: rows.into_iter().map(|(f, _)| f).collect(),
                        next,
                        friend_num,
                        standard_seq,
                        custom_seq,
                    })
                })
            }
        })
        .await
    }
}
