//! Accounts: import, existence (with the known-accounts memory), deletion with memberships, kicks.

use super::SqlStore;
use crate::domain::profile::{IMAGE, NICK};
use crate::store::db::{Db, params};
use crate::store::model::*;
use crate::store::postgres::statements;
use crate::store::schema::to_json;
use crate::store::*;

impl SqlStore {
    /// Whether `user` is imported, read inside the caller's write; on PostgreSQL the row is
    /// then kept from deletion until that write commits (an account_delete running meanwhile
    /// waits, then removes what the write hung on the account), so nothing outlives it.
    pub(super) async fn account_kept(db: &mut Db<'_>, app: u64, user: &str) -> StoreResult<bool> {
        let lock = db.key_share_clause();
        let sql = format!("SELECT 1 FROM accounts WHERE sdkappid = $1 AND user_id = $2{lock}");
        Ok(db.opt(&sql, params![app as i64, user]).await?.is_some())
    }

    /// Of the accounts `members` need, those not imported. The rows found stay locked against
    /// deletion until the transaction ends, taken in one order (sorted) before any group row,
    /// as `account_delete` takes them, so the two cannot deadlock.
    pub(super) async fn missing_accounts(
        db: &mut Db<'_>,
        app: u64,
        members: &[NewMember],
    ) -> StoreResult<Vec<String>> {
        let mut ids: Vec<&str> = members
            .iter()
            .filter(|m| m.needs_account)
            .map(|m| m.user_id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let missing: Vec<&str> = if let Db::Pg(conn) = db {
            let found = statements::lock_existing_accounts(conn, app, &ids).await?;
            ids.into_iter()
                .filter(|id| !found.iter().any(|f| f == id))
                .collect()
        } else {
            let mut missing = Vec::new();
            for id in ids {
                if !Self::account_kept(db, app, id).await? {
                    missing.push(id);
                }
            }
            missing
        };
        // Named in the request's order, as the checks before the transaction named them.
        Ok(members
            .iter()
            .filter(|m| missing.contains(&m.user_id.as_str()))
            .map(|m| m.user_id.clone())
            .collect())
    }

    /// Deletes accounts, then their memberships, then their relations, in phases so that locks
    /// are always taken in one order: every account row (sorted, as membership writes lock
    /// them), every group row (sorted), then the app's wipe lock and owners' rows. Interleaving
    /// the first two per account deadlocked on PostgreSQL with a membership write that held an
    /// account's key share and waited for a group.
    pub(super) async fn delete_accounts_in_db(
        &self,
        app: u64,
        ids: &[String],
    ) -> StoreResult<Vec<bool>> {
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by(|a, b| ids[*a].cmp(&ids[*b]));
        let ids = ids.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let mut out = vec![false; ids.len()];
                for i in order {
                    out[i] = db
                        .exec(
                            "DELETE FROM accounts WHERE sdkappid = $1 AND user_id = $2",
                            params![app as i64, &ids[i]],
                        )
                        .await?
                        > 0;
                    // The profile, global mute and relations go with the account (an account
                    // imported again starts bare).
                    db.exec(
                        "DELETE FROM profiles WHERE sdkappid = $1 AND user_id = $2",
                        params![app as i64, &ids[i]],
                    )
                    .await?;
                    db.exec(
                        "DELETE FROM nospeaking WHERE sdkappid = $1 AND user_id = $2",
                        params![app as i64, &ids[i]],
                    )
                    .await?;
                }
                let deleted = ids.iter().zip(&out).filter(|(_, d)| **d).map(|(id, _)| id);
                let mut memberships = Vec::new();
                for id in deleted {
                    let groups = db
                        .all(
                            "SELECT group_id FROM members WHERE sdkappid = $1 AND user_id = $2",
                            params![app as i64, id],
                        )
                        .await?;
                    for g in groups {
                        memberships.push((g.text(0)?, id.clone()));
                    }
                }
                memberships.sort();
                memberships.dedup();
                for (group_id, id) in &memberships {
                    Self::leave_group(&mut db, app, group_id, id).await?;
                }
                Self::delete_relations(&mut db, app, &ids).await?;
                Ok(out)
            })
        })
        .await
    }

    /// Removes deleted accounts' friendships and blocklists, both ways. Last in account_delete:
    /// its wipes take the app's wipe lock, and friend writes take it before any owner's row,
    /// so account_delete takes no owner's row before it (both then lock in one order).
    ///
    /// Every UserID named is wiped, imported or not: a friendship stored at the moment its
    /// friend was deleted (compat.md) goes with the next account_delete of that UserID.
    async fn delete_relations(db: &mut Db<'_>, app: u64, ids: &[String]) -> StoreResult<()> {
        Self::lock_wipes(db, app).await?;
        let mut order: Vec<&String> = ids.iter().collect();
        order.sort();
        order.dedup();
        for id in order {
            Self::delete_friendships(db, app, id).await?;
            Self::delete_blocks(db, app, id).await?;
            db.exec(
                "DELETE FROM sns_owners WHERE sdkappid = $1 AND owner = $2",
                params![app as i64, id],
            )
            .await?;
        }
        Ok(())
    }

    /// Removes a deleted account's membership: the group row first, as every other write locks
    /// it before a member row (the other order could deadlock with a send).
    async fn leave_group(db: &mut Db<'_>, app: u64, group_id: &str, id: &str) -> StoreResult<()> {
        db.exec(
            "UPDATE chat_groups SET member_num = member_num - 1, \
             owner = CASE WHEN owner = $3 THEN '' ELSE owner END \
             WHERE sdkappid = $1 AND group_id = $2",
            params![app as i64, group_id, id],
        )
        .await?;
        db.exec(
            "DELETE FROM members WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
            params![app as i64, group_id, id],
        )
        .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl AccountStore for SqlStore {
    async fn import_accounts(
        &self,
        app: u64,
        accounts: &[AccountInput],
        now: i64,
    ) -> StoreResult<()> {
        let accounts = accounts.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                for a in &accounts {
                    let profile =
                        serde_json::json!({"Nick": a.nick, "FaceUrl": a.face_url}).to_string();
                    // Re-importing is idempotent; a given Nick/FaceUrl replaces the stored profile.
                    let sql = if a.nick.is_some() || a.face_url.is_some() {
                        "INSERT INTO accounts (sdkappid, user_id, profile, created_at) \
                         VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (sdkappid, user_id) DO UPDATE SET profile = excluded.profile"
                    } else {
                        "INSERT INTO accounts (sdkappid, user_id, profile, created_at) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (sdkappid, user_id) DO NOTHING"
                    };
                    db.exec(sql, params![app as i64, &a.user_id, profile.as_str(), now])
                        .await?;
                    // Nick and FaceUrl are profile tags: a given one replaces the stored one.
                    let tags = [(NICK, &a.nick), (IMAGE, &a.face_url)];
                    for (tag, value) in tags {
                        if let Some(v) = value {
                            Self::set_tag(&mut db, app, &a.user_id, tag, &to_json(v)).await?;
                        }
                    }
                }
                Ok(())
            })
        })
        .await
    }

    async fn accounts_exist(&self, app: u64, ids: &[String]) -> StoreResult<Vec<bool>> {
        // Only the accounts not known to exist are read: a batch naming one new account among a
        // hundred known ones reads one row.
        let known: Vec<bool> = ids
            .iter()
            .map(|id| self.known_accounts.is_known(app, id))
            .collect();
        if known.iter().all(|k| *k) {
            return Ok(known);
        }
        let generation = self.known_accounts.generation();
        let wanted: Vec<String> = ids
            .iter()
            .zip(&known)
            .filter(|(_, k)| !**k)
            .map(|(id, _)| id.clone())
            .collect();
        let read = wanted.clone();
        let exist = self
            .read(move |mut db: Db<'_>| {
                Box::pin(async move {
                    let mut out = Vec::with_capacity(read.len());
                    for id in &read {
                        let row = db
                            .opt(
                                "SELECT 1 FROM accounts WHERE sdkappid = $1 AND user_id = $2",
                                params![app as i64, id],
                            )
                            .await?;
                        out.push(row.is_some());
                    }
                    Ok(out)
                })
            })
            .await?;
        let found = wanted
            .iter()
            .zip(&exist)
            .filter(|(_, e)| **e)
            .map(|(id, _)| id);
        self.known_accounts.remember(generation, app, found);
        let mut read_back = exist.into_iter();
        Ok(known
            .into_iter()
            .map(|k| k || read_back.next().unwrap_or(false))
            .collect())
    }

    async fn delete_accounts(&self, app: u64, ids: &[String]) -> StoreResult<Vec<bool>> {
        // Forgotten after the deletion too: a read that raced it may have remembered them.
        self.known_accounts.begin_delete();
        let deleted = self.delete_accounts_in_db(app, ids).await;
        self.known_accounts.forget(app, ids);
        deleted
    }

    async fn kick(
        &self,
        app: u64,
        id: &str,
        at: i64,
        admin_created_at: Option<i64>,
    ) -> StoreResult<bool> {
        let id = id.to_string();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                if let Some(created_at) = admin_created_at {
                    // The profile an import without Nick or FaceUrl stores.
                    let profile = serde_json::json!({"Nick": null, "FaceUrl": null}).to_string();
                    db.exec(
                        "INSERT INTO accounts (sdkappid, user_id, profile, created_at) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (sdkappid, user_id) DO NOTHING",
                        params![app as i64, &id, profile.as_str(), created_at],
                    )
                    .await?;
                }
                let n = db
                    .exec(
                        "UPDATE accounts SET kicked_at = $3 WHERE sdkappid = $1 AND user_id = $2",
                        params![app as i64, &id, at],
                    )
                    .await?;
                Ok(n > 0)
            })
        })
        .await
    }

    async fn kicked_accounts(&self) -> StoreResult<Vec<(u64, String, i64)>> {
        self.read(|mut db: Db<'_>| {
            Box::pin(async move {
                let rows = db
                    .all(
                        "SELECT sdkappid, user_id, kicked_at FROM accounts WHERE kicked_at > 0",
                        &[],
                    )
                    .await?;
                rows.iter()
                    .map(|r| Ok((r.int(0)? as u64, r.text(1)?, r.int(2)?)))
                    .collect()
            })
        })
        .await
    }
}
