//! The SQL implementation of [`Store`], shared by SQLite and PostgreSQL through sqlx's `Any` driver.
//!
//! Every mutating operation is one transaction that first locks the group row (PostgreSQL:
//! `FOR UPDATE`; SQLite: a single writer connection serializes writes), so seqs are
//! allocated without holes or duplicates and import time rules see a stable newest message.

use futures_util::future::BoxFuture;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, AssertSqlSafe, Row};

use super::group_commit::WriteQueue;

use super::*;
use crate::domain::message::{DEDUP_WINDOW_SECS, check_import_times};

/// An upper bound used where a query has no LIMIT: portable to both engines.
const NO_LIMIT: i64 = 1 << 53;

const GROUP_COLS: &str = "group_id, group_type, owner, created_at, last_info_time, last_msg_time, \
     next_msg_seq, counted, reset_rank, member_num, max_member_num, destroyed, profile, member_serial";
const MEMBER_COLS: &str = "user_id, role, join_time, unread_base, rank_base, msg_flag, \
     last_send_time, shut_up_until, profile";

/// How writes reach the database.
pub enum Writes {
    /// Through one writer connection that commits concurrent operations together (SQLite).
    Batched(WriteQueue),
    /// Each operation in its own transaction on a pooled connection (PostgreSQL).
    Direct(AnyPool),
}

pub struct SqlStore {
    writes: Writes,
    /// The pool the writer's connections come from (closed on shutdown).
    writer: AnyPool,
    /// Connections that only read.
    reader: AnyPool,
    /// Appended to the group-row read that starts each write transaction.
    lock_clause: &'static str,
}

fn corrupt(what: &str) -> ApiError {
    ApiError::Internal(format!("stored {what} cannot be decoded"))
}

fn group_from_row(r: &AnyRow) -> StoreResult<(GroupRow, i64)> {
    let group_type: String = r.try_get(1)?;
    let profile: String = r.try_get(12)?;
    let row = GroupRow {
        group_id: r.try_get(0)?,
        group_type: GroupType::parse(&group_type).ok_or_else(|| corrupt("group type"))?,
        owner: r.try_get(2)?,
        created_at: r.try_get(3)?,
        last_info_time: r.try_get(4)?,
        last_msg_time: r.try_get(5)?,
        counters: GroupCounters {
            next_msg_seq: r.try_get(6)?,
            counted: r.try_get(7)?,
            reset_rank: r.try_get(8)?,
        },
        member_num: r.try_get(9)?,
        max_member_num: r.try_get(10)?,
        destroyed: r.try_get::<i64, _>(11)? != 0,
        profile: serde_json::from_str(&profile).map_err(|_| corrupt("group profile"))?,
    };
    Ok((row, r.try_get(13)?))
}

fn member_from_row(r: &AnyRow, at: usize) -> StoreResult<MemberRow> {
    let role: String = r.try_get(at + 1)?;
    let profile: String = r.try_get(at + 8)?;
    Ok(MemberRow {
        user_id: r.try_get(at)?,
        role: Role::parse(&role).ok_or_else(|| corrupt("member role"))?,
        join_time: r.try_get(at + 2)?,
        mark: ReadMark {
            unread_base: r.try_get(at + 3)?,
            rank_base: r.try_get(at + 4)?,
        },
        msg_flag: r.try_get(at + 5)?,
        last_send_time: r.try_get(at + 6)?,
        shut_up_until: r.try_get(at + 7)?,
        profile: serde_json::from_str(&profile).map_err(|_| corrupt("member profile"))?,
    })
}

fn message_from_row(r: &AnyRow) -> StoreResult<MessageRow> {
    Ok(MessageRow {
        seq: r.try_get(0)?,
        from_account: r.try_get(1)?,
        random: r.try_get(2)?,
        time: r.try_get(3)?,
        priority: r.try_get(4)?,
        place: r.try_get(5)?,
        payload: r.try_get(6)?,
    })
}

fn to_json<T: Serialize>(v: &T) -> String {
    // Serializing plain data structs into a String cannot fail.
    serde_json::to_string(v).unwrap_or_default()
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

impl SqlStore {
    /// `batched`: commit concurrent writes together through one writer connection.
    pub fn new(
        writer: AnyPool,
        reader: AnyPool,
        lock_clause: &'static str,
        batched: bool,
    ) -> SqlStore {
        let writes = if batched {
            Writes::Batched(WriteQueue::start(writer.clone()))
        } else {
            Writes::Direct(writer.clone())
        };
        SqlStore {
            writes,
            writer,
            reader,
            lock_clause,
        }
    }

    /// Runs a write operation: through the group-commit writer (SQLite) or in its own
    /// transaction (PostgreSQL, whose concurrent commits share WAL flushes by themselves).
    async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, StoreResult<T>> + Send + 'static,
    {
        match &self.writes {
            Writes::Batched(queue) => queue.submit(f).await,
            Writes::Direct(pool) => {
                let mut tx = pool.begin().await?;
                match f(&mut tx).await {
                    Ok(v) => {
                        tx.commit().await?;
                        Ok(v)
                    }
                    Err(e) => {
                        let _ = tx.rollback().await;
                        Err(e)
                    }
                }
            }
        }
    }

    /// Reads and locks a live group inside a write transaction.
    async fn lock_group(
        c: &mut AnyConnection,
        lock_clause: &str,
        app: u64,
        group_id: &str,
    ) -> StoreResult<(GroupRow, i64)> {
        let sql = format!(
            "SELECT {GROUP_COLS} FROM chat_groups WHERE sdkappid = $1 AND group_id = $2{lock_clause}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(app as i64)
            .bind(group_id)
            .fetch_optional(&mut *c)
            .await?;
        match row {
            Some(r) => {
                let (g, serial) = group_from_row(&r)?;
                if g.destroyed {
                    Err(ApiError::GroupNotFound(group_id.to_string()))
                } else {
                    Ok((g, serial))
                }
            }
            None => Err(ApiError::GroupNotFound(group_id.to_string())),
        }
    }

    async fn member_in(
        c: &mut AnyConnection,
        app: u64,
        group_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<MemberRow>> {
        let sql = format!(
            "SELECT {MEMBER_COLS} FROM members WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(app as i64)
            .bind(group_id)
            .bind(user_id)
            .fetch_optional(&mut *c)
            .await?;
        row.map(|r| member_from_row(&r, 0)).transpose()
    }

    async fn insert_member(
        c: &mut AnyConnection,
        app: u64,
        group_id: &str,
        serial: i64,
        m: &NewMember,
        mark: ReadMark,
    ) -> StoreResult<()> {
        // A mute outlives membership: a returning member is still muted.
        let muted_until: i64 = sqlx::query(
            "SELECT until FROM mutes WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
        )
        .bind(app as i64)
        .bind(group_id)
        .bind(&m.user_id)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?
        .unwrap_or(0);
        sqlx::query(
            "INSERT INTO members (sdkappid, group_id, user_id, join_serial, role, join_time, \
             unread_base, rank_base, msg_flag, last_send_time, shut_up_until, profile) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'AcceptAndNotify', 0, $10, $9)",
        )
        .bind(app as i64)
        .bind(group_id)
        .bind(&m.user_id)
        .bind(serial)
        .bind(m.role.as_str())
        .bind(m.join_time)
        .bind(mark.unread_base)
        .bind(mark.rank_base)
        .bind(to_json(&m.profile))
        .bind(muted_until)
        .execute(&mut *c)
        .await?;
        Ok(())
    }

    async fn save_member(
        c: &mut AnyConnection,
        app: u64,
        group_id: &str,
        m: &MemberRow,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE members SET role = $4, msg_flag = $5, shut_up_until = $6, profile = $7, \
             unread_base = $8, rank_base = $9 WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
        )
        .bind(app as i64)
        .bind(group_id)
        .bind(&m.user_id)
        .bind(m.role.as_str())
        .bind(&m.msg_flag)
        .bind(m.shut_up_until)
        .bind(to_json(&m.profile))
        .bind(m.mark.unread_base)
        .bind(m.mark.rank_base)
        .execute(&mut *c)
        .await?;
        Ok(())
    }

    /// Remembers a mute apart from the membership, so it survives leaving and rejoining.
    async fn save_mute(
        c: &mut AnyConnection,
        app: u64,
        group_id: &str,
        user_id: &str,
        until: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO mutes (sdkappid, group_id, user_id, until) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sdkappid, group_id, user_id) DO UPDATE SET until = excluded.until",
        )
        .bind(app as i64)
        .bind(group_id)
        .bind(user_id)
        .bind(until)
        .execute(&mut *c)
        .await?;
        Ok(())
    }

    /// The earlier message with the same sender and Random within the dedup window, if any.
    async fn find_duplicate(
        c: &mut AnyConnection,
        app: u64,
        group_id: &str,
        msg: &NewMessage,
    ) -> StoreResult<Option<Stored>> {
        let row = sqlx::query(
            "SELECT seq, msg_time FROM message_randoms WHERE sdkappid = $1 AND group_id = $2 \
             AND from_account = $4 AND random = $3 AND msg_time >= $5 AND msg_time <= $6 LIMIT 1",
        )
        .bind(app as i64)
        .bind(group_id)
        .bind(msg.random)
        .bind(&msg.from_account)
        .bind(msg.time - DEDUP_WINDOW_SECS)
        .bind(msg.time + DEDUP_WINDOW_SECS)
        .fetch_optional(&mut *c)
        .await?;
        Ok(match row {
            Some(r) => Some(Stored {
                seq: r.try_get(0)?,
                time: r.try_get(1)?,
                duplicate: true,
            }),
            None => None,
        })
    }

    async fn insert_message(
        c: &mut AnyConnection,
        app: u64,
        group_id: &str,
        seq: i64,
        msg: &NewMessage,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO messages (sdkappid, group_id, seq, from_account, random, msg_time, \
             priority, counts, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(app as i64)
        .bind(group_id)
        .bind(seq)
        .bind(&msg.from_account)
        .bind(msg.random)
        .bind(msg.time)
        .bind(msg.priority)
        .bind(i64::from(msg.counts))
        .bind(msg.payload.as_slice())
        .execute(&mut *c)
        .await?;
        sqlx::query(
            "INSERT INTO message_randoms (sdkappid, group_id, from_account, random, msg_time, seq) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(app as i64)
        .bind(group_id)
        .bind(&msg.from_account)
        .bind(msg.random)
        .bind(msg.time)
        .bind(seq)
        .execute(&mut *c)
        .await?;
        Ok(())
    }

    async fn save_counters(
        c: &mut AnyConnection,
        app: u64,
        group_id: &str,
        counters: GroupCounters,
        last_msg_time: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE chat_groups SET next_msg_seq = $3, counted = $4, reset_rank = $5, \
             last_msg_time = $6 WHERE sdkappid = $1 AND group_id = $2",
        )
        .bind(app as i64)
        .bind(group_id)
        .bind(counters.next_msg_seq)
        .bind(counters.counted)
        .bind(counters.reset_rank)
        .bind(last_msg_time)
        .execute(&mut *c)
        .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl Store for SqlStore {
    async fn load_apps(&self) -> StoreResult<Vec<AppConfig>> {
        let rows = sqlx::query("SELECT sdkappid, secret_key, admins FROM apps ORDER BY sdkappid")
            .fetch_all(&self.reader)
            .await?;
        rows.iter()
            .map(|r| {
                let admins: String = r.try_get(2)?;
                Ok(AppConfig {
                    sdkappid: r.try_get::<i64, _>(0)? as u64,
                    secret_key: r.try_get(1)?,
                    admins: serde_json::from_str(&admins).map_err(|_| corrupt("app admins"))?,
                })
            })
            .collect()
    }

    async fn save_app(&self, app: &AppConfig, now: i64) -> StoreResult<()> {
        let app_owned = app.clone();
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let app = &app_owned;
            sqlx::query(
                "INSERT INTO apps (sdkappid, secret_key, admins, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(app.sdkappid as i64)
            .bind(&app.secret_key)
            .bind(to_json(&app.admins))
            .bind(now)
            .execute(&mut *c)
            .await?;
            Ok(())
            })
        })
        .await
    }

    async fn import_accounts(
        &self,
        app: u64,
        accounts: &[AccountInput],
        now: i64,
    ) -> StoreResult<()> {
        let accounts_owned = accounts.to_vec();
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let accounts = accounts_owned.as_slice();
            for a in accounts {
                let profile = serde_json::json!({"Nick": a.nick, "FaceUrl": a.face_url}).to_string();
                // Re-importing is idempotent; a given Nick/FaceUrl replaces the stored profile.
                let update = if a.nick.is_some() || a.face_url.is_some() {
                    "DO UPDATE SET profile = excluded.profile"
                } else {
                    "DO NOTHING"
                };
                sqlx::query(AssertSqlSafe(format!(
                    "INSERT INTO accounts (sdkappid, user_id, profile, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (sdkappid, user_id) {update}"
                )))
                .bind(app as i64)
                .bind(&a.user_id)
                .bind(profile)
                .bind(now)
                .execute(&mut *c)
                .await?;
            }
            Ok(())
            })
        })
        .await
    }

    async fn accounts_exist(&self, app: u64, ids: &[String]) -> StoreResult<Vec<bool>> {
        let mut out = Vec::with_capacity(ids.len());
        let mut conn = self.reader.acquire().await?;
        for id in ids {
            let row = sqlx::query("SELECT 1 FROM accounts WHERE sdkappid = $1 AND user_id = $2")
                .bind(app as i64)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            out.push(row.is_some());
        }
        Ok(out)
    }

    async fn delete_accounts(&self, app: u64, ids: &[String]) -> StoreResult<Vec<bool>> {
        let ids_owned = ids.to_vec();
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let ids = ids_owned.as_slice();
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let deleted = sqlx::query("DELETE FROM accounts WHERE sdkappid = $1 AND user_id = $2")
                    .bind(app as i64)
                    .bind(id)
                    .execute(&mut *c)
                    .await?
                    .rows_affected()
                    > 0;
                if deleted {
                    let groups = sqlx::query(
                        "SELECT group_id FROM members WHERE sdkappid = $1 AND user_id = $2",
                    )
                    .bind(app as i64)
                    .bind(id)
                    .fetch_all(&mut *c)
                    .await?;
                    for g in groups {
                        let group_id: String = g.try_get(0)?;
                        sqlx::query(
                            "DELETE FROM members WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
                        )
                        .bind(app as i64)
                        .bind(&group_id)
                        .bind(id)
                        .execute(&mut *c)
                        .await?;
                        sqlx::query(
                            "UPDATE chat_groups SET member_num = member_num - 1, \
                             owner = CASE WHEN owner = $3 THEN '' ELSE owner END \
                             WHERE sdkappid = $1 AND group_id = $2",
                        )
                        .bind(app as i64)
                        .bind(&group_id)
                        .bind(id)
                        .execute(&mut *c)
                        .await?;
                    }
                }
                out.push(deleted);
            }
            Ok(out)
            })
        })
        .await
    }

    async fn kick(&self, app: u64, id: &str, at: i64) -> StoreResult<bool> {
        let id_owned = id.to_string();
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let id: &str = &id_owned;
                let n = sqlx::query(
                    "UPDATE accounts SET kicked_at = $3 WHERE sdkappid = $1 AND user_id = $2",
                )
                .bind(app as i64)
                .bind(id)
                .bind(at)
                .execute(&mut *c)
                .await?
                .rows_affected();
                Ok(n > 0)
            })
        })
        .await
    }

    async fn kicked_accounts(&self) -> StoreResult<Vec<(u64, String, i64)>> {
        let rows =
            sqlx::query("SELECT sdkappid, user_id, kicked_at FROM accounts WHERE kicked_at > 0")
                .fetch_all(&self.reader)
                .await?;
        rows.iter()
            .map(|r| Ok((r.try_get::<i64, _>(0)? as u64, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    async fn create_group(&self, app: u64, group: &NewGroup) -> StoreResult<()> {
        let group_owned = group.clone();
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let group = &group_owned;
                let existing = sqlx::query(
                    "SELECT destroyed FROM chat_groups WHERE sdkappid = $1 AND group_id = $2",
                )
                .bind(app as i64)
                .bind(&group.group_id)
                .fetch_optional(&mut *c)
                .await?;
                if let Some(r) = existing {
                    let destroyed = r.try_get::<i64, _>(0)? != 0;
                    return Err(if destroyed {
                        ApiError::GroupIdTakenByYou(group.group_id.clone())
                    } else {
                        ApiError::GroupIdTaken(group.group_id.clone())
                    });
                }
                let counters = GroupCounters::new();
                let n = group.members.len() as i64;
                let inserted = sqlx::query(
                    "INSERT INTO chat_groups (sdkappid, group_id, group_type, owner, created_at, \
                 last_info_time, last_msg_time, next_msg_seq, counted, reset_rank, member_num, \
                 member_serial, max_member_num, destroyed, profile) \
                 VALUES ($1, $2, $3, $4, $5, $5, 0, $6, $7, $8, $9, $9, $10, 0, $11)",
                )
                .bind(app as i64)
                .bind(&group.group_id)
                .bind(group.group_type.as_str())
                .bind(&group.owner)
                .bind(group.created_at)
                .bind(counters.next_msg_seq)
                .bind(counters.counted)
                .bind(counters.reset_rank)
                .bind(n)
                .bind(group.max_member_num)
                .bind(to_json(&group.profile))
                .execute(&mut *c)
                .await;
                match inserted {
                    Err(e) if is_unique_violation(&e) => {
                        return Err(ApiError::GroupIdTaken(group.group_id.clone()));
                    }
                    other => other?,
                };
                for (i, m) in group.members.iter().enumerate() {
                    Self::insert_member(
                        c,
                        app,
                        &group.group_id,
                        i as i64,
                        m,
                        counters.mark_with_unread(0),
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn group(&self, app: u64, group_id: &str) -> StoreResult<Option<GroupRow>> {
        let sql =
            format!("SELECT {GROUP_COLS} FROM chat_groups WHERE sdkappid = $1 AND group_id = $2");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(app as i64)
            .bind(group_id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| group_from_row(&r).map(|(g, _)| g)).transpose()
    }

    async fn member(
        &self,
        app: u64,
        group_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<MemberRow>> {
        let sql = format!(
            "SELECT {MEMBER_COLS} FROM members WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(app as i64)
            .bind(group_id)
            .bind(user_id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| member_from_row(&r, 0)).transpose()
    }

    async fn members(
        &self,
        app: u64,
        group_id: &str,
        roles: Option<&[Role]>,
        limit: Option<i64>,
        offset: i64,
    ) -> StoreResult<MemberPage> {
        let wants = |role: Role| i64::from(roles.is_none_or(|r| r.contains(&role)));
        let filter = "sdkappid = $1 AND group_id = $2 AND ((role = 'Owner' AND $3 = 1) \
                      OR (role = 'Admin' AND $4 = 1) OR (role = 'Member' AND $5 = 1))";
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {MEMBER_COLS} FROM members WHERE {filter} ORDER BY join_serial LIMIT $6 OFFSET $7"
        )))
        .bind(app as i64)
        .bind(group_id)
        .bind(wants(Role::Owner))
        .bind(wants(Role::Admin))
        .bind(wants(Role::Member))
        // One row past the page tells whether more follow, without counting the group.
        .bind(limit.map_or(NO_LIMIT, |l| l + 1))
        .bind(offset)
        .fetch_all(&self.reader)
        .await?;
        let mut members = rows
            .iter()
            .map(|r| member_from_row(r, 0))
            .collect::<StoreResult<Vec<_>>>()?;
        let has_more = limit.is_some_and(|l| members.len() as i64 > l);
        members.truncate(limit.map_or(usize::MAX, |l| l as usize));
        Ok(MemberPage { members, has_more })
    }

    async fn add_members(
        &self,
        app: u64,
        group_id: &str,
        members: &[NewMember],
    ) -> StoreResult<Vec<MemberResult>> {
        let group_id_owned = group_id.to_string();
        let members_owned = members.to_vec();
        let lock = self.lock_clause;
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let group_id: &str = &group_id_owned;
                let members = members_owned.as_slice();
                let (group, mut serial) = Self::lock_group(c, lock, app, group_id).await?;
                let mut results = Vec::with_capacity(members.len());
                let mut added: Vec<&NewMember> = Vec::new();
                for m in members {
                    let present = added.iter().any(|a| a.user_id == m.user_id)
                        || Self::member_in(c, app, group_id, &m.user_id)
                            .await?
                            .is_some();
                    if present {
                        results.push(MemberResult::AlreadyMember);
                    } else {
                        results.push(MemberResult::Added);
                        added.push(m);
                    }
                }
                if group.member_num + added.len() as i64 > group.max_member_num {
                    return Err(ApiError::GroupFull(group_id.to_string()));
                }
                for m in &added {
                    let mark = group.counters.mark_with_unread(m.unread);
                    Self::insert_member(c, app, group_id, serial, m, mark).await?;
                    serial += 1;
                }
                if !added.is_empty() {
                    sqlx::query(
                        "UPDATE chat_groups SET member_num = member_num + $3, member_serial = $4 \
                     WHERE sdkappid = $1 AND group_id = $2",
                    )
                    .bind(app as i64)
                    .bind(group_id)
                    .bind(added.len() as i64)
                    .bind(serial)
                    .execute(&mut *c)
                    .await?;
                }
                Ok(results)
            })
        })
        .await
    }

    async fn send_message(
        &self,
        app: u64,
        group_id: &str,
        msg: &NewMessage,
        sender_is_app_admin: bool,
    ) -> StoreResult<Stored> {
        let group_id_owned = group_id.to_string();
        let msg_owned = msg.clone();
        let lock = self.lock_clause;
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let group_id: &str = &group_id_owned;
                let msg = &msg_owned;
                let (group, _) = Self::lock_group(c, lock, app, group_id).await?;
                let sender = Self::member_in(c, app, group_id, &msg.from_account).await?;
                check_may_send(&group, sender.as_ref(), sender_is_app_admin, msg.time)?;
                if let Some(original) = Self::find_duplicate(c, app, group_id, msg).await? {
                    return Ok(original);
                }
                let seq = group.counters.next_msg_seq;
                let counters = group.counters.after_message(msg.counts);
                Self::insert_message(c, app, group_id, seq, msg).await?;
                Self::save_counters(
                    c,
                    app,
                    group_id,
                    counters,
                    group.last_msg_time.max(msg.time),
                )
                .await?;
                // The sender's own message does not count for the sender: keep its unread as it was.
                if let Some(sender) = sender {
                    let unread = group
                        .counters
                        .unread(sender.mark, group.group_type.supports_unread());
                    let mark = counters.mark_with_unread(unread);
                    sqlx::query(
                        "UPDATE members SET unread_base = $4, rank_base = $5, last_send_time = $6 \
                     WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
                    )
                    .bind(app as i64)
                    .bind(group_id)
                    .bind(&msg.from_account)
                    .bind(mark.unread_base)
                    .bind(mark.rank_base)
                    .bind(msg.time)
                    .execute(&mut *c)
                    .await?;
                }
                Ok(Stored {
                    seq,
                    time: msg.time,
                    duplicate: false,
                })
            })
        })
        .await
    }

    async fn import_messages(
        &self,
        app: u64,
        group_id: &str,
        msgs: &[NewMessage],
        now: i64,
    ) -> StoreResult<Vec<ImportedMsg>> {
        let group_id_owned = group_id.to_string();
        let msgs_owned = msgs.to_vec();
        let lock = self.lock_clause;
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let group_id: &str = &group_id_owned;
                let msgs = msgs_owned.as_slice();
                let (group, _) = Self::lock_group(c, lock, app, group_id).await?;
                let times: Vec<i64> = msgs.iter().map(|m| m.time).collect();
                let time_ok =
                    check_import_times(group.created_at, group.last_msg_time, &times, now);
                let mut counters = group.counters;
                let mut last_time = group.last_msg_time;
                let mut results = Vec::with_capacity(msgs.len());
                for (msg, ok) in msgs.iter().zip(time_ok) {
                    if !ok {
                        results.push(ImportedMsg::BadTime);
                        continue;
                    }
                    if let Some(original) = Self::find_duplicate(c, app, group_id, msg).await? {
                        results.push(ImportedMsg::Stored(original));
                        continue;
                    }
                    let seq = counters.next_msg_seq;
                    Self::insert_message(c, app, group_id, seq, msg).await?;
                    counters = counters.after_message(true);
                    last_time = last_time.max(msg.time);
                    results.push(ImportedMsg::Stored(Stored {
                        seq,
                        time: msg.time,
                        duplicate: false,
                    }));
                }
                if counters != group.counters {
                    // Documented: importing messages sets every member's unread count to 0.
                    let counters = counters.after_unread_reset();
                    Self::save_counters(c, app, group_id, counters, last_time).await?;
                }
                Ok(results)
            })
        })
        .await
    }

    async fn set_unread(
        &self,
        app: u64,
        group_id: &str,
        user_id: &str,
        unread: i64,
    ) -> StoreResult<SetUnread> {
        let group_id_owned = group_id.to_string();
        let user_id_owned = user_id.to_string();
        let lock = self.lock_clause;
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let group_id: &str = &group_id_owned;
                let user_id: &str = &user_id_owned;
                let (group, _) = Self::lock_group(c, lock, app, group_id).await?;
                if !group.group_type.supports_unread() {
                    return Ok(SetUnread::IgnoredForType);
                }
                // One statement moves the read mark; no row means no such member (and, the
                // update having matched nothing, nothing was written).
                let mark = group.counters.mark_with_unread(unread);
                let updated = sqlx::query(
                    "UPDATE members SET unread_base = $4, rank_base = $5 \
                     WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
                )
                .bind(app as i64)
                .bind(group_id)
                .bind(user_id)
                .bind(mark.unread_base)
                .bind(mark.rank_base)
                .execute(&mut *c)
                .await?
                .rows_affected();
                if updated == 0 {
                    return Err(ApiError::NotMember(format!(
                        "Member_Account {user_id} is not a member of group {group_id}"
                    )));
                }
                Ok(SetUnread::Set(mark.unread_base))
            })
        })
        .await
    }

    async fn history(
        &self,
        app: u64,
        group_id: &str,
        upto: i64,
        count: i64,
    ) -> StoreResult<Vec<MessageRow>> {
        let rows = sqlx::query(
            "SELECT seq, from_account, random, msg_time, priority, place, payload FROM messages \
             WHERE sdkappid = $1 AND group_id = $2 AND seq <= $3 ORDER BY seq DESC LIMIT $4",
        )
        .bind(app as i64)
        .bind(group_id)
        .bind(upto)
        .bind(count)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(message_from_row).collect()
    }

    async fn joined_groups(
        &self,
        app: u64,
        user_id: &str,
        filter: JoinedFilter,
        limit: Option<i64>,
        offset: i64,
    ) -> StoreResult<(i64, Vec<(GroupRow, MemberRow)>)> {
        let type_filter = filter.group_type.map(GroupType::as_str).unwrap_or("");
        let from = "FROM members m JOIN chat_groups g ON g.sdkappid = m.sdkappid AND g.group_id = m.group_id \
                    WHERE m.sdkappid = $1 AND m.user_id = $2 AND g.destroyed = 0 \
                    AND ($3 = '' OR g.group_type = $3) \
                    AND ($4 = 1 OR g.group_type <> 'AVChatRoom') \
                    AND ($5 = 1 OR g.group_type <> 'Private' OR g.next_msg_seq > 1)";
        let mut conn = self.reader.acquire().await?;
        let total: i64 = sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) {from}")))
            .bind(app as i64)
            .bind(user_id)
            .bind(type_filter)
            .bind(i64::from(filter.include_av))
            .bind(i64::from(filter.include_inactive))
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        let group_cols: Vec<String> = GROUP_COLS
            .split(", ")
            .map(|c| format!("g.{}", c.trim()))
            .collect();
        let member_cols: Vec<String> = MEMBER_COLS
            .split(", ")
            .map(|c| format!("m.{}", c.trim()))
            .collect();
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {}, {} {from} ORDER BY m.join_time, m.group_id LIMIT $6 OFFSET $7",
            group_cols.join(", "),
            member_cols.join(", ")
        )))
        .bind(app as i64)
        .bind(user_id)
        .bind(type_filter)
        .bind(i64::from(filter.include_av))
        .bind(i64::from(filter.include_inactive))
        .bind(limit.unwrap_or(NO_LIMIT))
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
        let n = group_cols.len();
        let items = rows
            .iter()
            .map(|r| Ok((group_from_row(r)?.0, member_from_row(r, n)?)))
            .collect::<StoreResult<_>>()?;
        Ok((total, items))
    }

    async fn update_group(
        &self,
        app: u64,
        group_id: &str,
        edit: GroupEdit,
    ) -> StoreResult<GroupRow> {
        let group_id_owned = group_id.to_string();
        let lock = self.lock_clause;
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let group_id: &str = &group_id_owned;
            let (mut group, _) = Self::lock_group(c, lock, app, group_id).await?;
            edit(&mut group)?;
            sqlx::query(
                "UPDATE chat_groups SET owner = $3, max_member_num = $4, profile = $5, last_info_time = $6 \
                 WHERE sdkappid = $1 AND group_id = $2",
            )
            .bind(app as i64)
            .bind(group_id)
            .bind(&group.owner)
            .bind(group.max_member_num)
            .bind(to_json(&group.profile))
            .bind(group.last_info_time)
            .execute(&mut *c)
            .await?;
            Ok(group)
            })
        })
        .await
    }

    async fn update_member(
        &self,
        app: u64,
        group_id: &str,
        user_id: &str,
        edit: MemberEdit,
    ) -> StoreResult<MemberRow> {
        let group_id_owned = group_id.to_string();
        let user_id_owned = user_id.to_string();
        let lock = self.lock_clause;
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let group_id: &str = &group_id_owned;
                let user_id: &str = &user_id_owned;
                let (group, _) = Self::lock_group(c, lock, app, group_id).await?;
                let mut member = Self::member_in(c, app, group_id, user_id)
                    .await?
                    .ok_or_else(|| {
                        ApiError::NotMember(format!(
                            "{user_id} is not a member of group {group_id}"
                        ))
                    })?;
                let muted_before = member.shut_up_until;
                edit(&group, &mut member)?;
                Self::save_member(c, app, group_id, &member).await?;
                if member.shut_up_until != muted_before {
                    Self::save_mute(c, app, group_id, user_id, member.shut_up_until).await?;
                }
                Ok(member)
            })
        })
        .await
    }

    async fn remove_members(&self, app: u64, group_id: &str, ids: &[String]) -> StoreResult<usize> {
        let group_id_owned = group_id.to_string();
        let ids_owned = ids.to_vec();
        let lock = self.lock_clause;
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let group_id: &str = &group_id_owned;
                let ids = ids_owned.as_slice();
            let (group, _) = Self::lock_group(c, lock, app, group_id).await?;
            let mut removed = 0usize;
            for id in ids {
                removed += sqlx::query(
                    "DELETE FROM members WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
                )
                .bind(app as i64)
                .bind(group_id)
                .bind(id)
                .execute(&mut *c)
                .await?
                .rows_affected() as usize;
            }
            let owner_left = !group.owner.is_empty() && ids.contains(&group.owner);
            sqlx::query(
                "UPDATE chat_groups SET member_num = member_num - $3, \
                 owner = CASE WHEN $4 = 1 THEN '' ELSE owner END WHERE sdkappid = $1 AND group_id = $2",
            )
            .bind(app as i64)
            .bind(group_id)
            .bind(removed as i64)
            .bind(i64::from(owner_left))
            .execute(&mut *c)
            .await?;
            Ok(removed)
            })
        })
        .await
    }

    async fn destroy_group(&self, app: u64, group_id: &str) -> StoreResult<()> {
        let group_id_owned = group_id.to_string();
        let lock = self.lock_clause;
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let group_id: &str = &group_id_owned;
                Self::lock_group(c, lock, app, group_id).await?;
                // One row changes: members and messages of a destroyed group are never read again,
                // and its id can never be reused, so destroying costs the same for any group size.
                sqlx::query(
                    "UPDATE chat_groups SET destroyed = 1 WHERE sdkappid = $1 AND group_id = $2",
                )
                .bind(app as i64)
                .bind(group_id)
                .execute(&mut *c)
                .await?;
                Ok(())
            })
        })
        .await
    }

    async fn change_owner(&self, app: u64, group_id: &str, new_owner: &str) -> StoreResult<()> {
        let group_id_owned = group_id.to_string();
        let new_owner_owned = new_owner.to_string();
        let lock = self.lock_clause;
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let group_id: &str = &group_id_owned;
                let new_owner: &str = &new_owner_owned;
            let (group, _) = Self::lock_group(c, lock, app, group_id).await?;
            if Self::member_in(c, app, group_id, new_owner)
                .await?
                .is_none()
            {
                return Err(ApiError::NotMember(format!(
                    "NewOwner_Account {new_owner} is not a member of group {group_id}"
                )));
            }
            let set_role =
                "UPDATE members SET role = $4 WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3";
            if !group.owner.is_empty() {
                sqlx::query(set_role)
                    .bind(app as i64)
                    .bind(group_id)
                    .bind(&group.owner)
                    .bind(Role::Member.as_str())
                    .execute(&mut *c)
                    .await?;
            }
            sqlx::query(set_role)
                .bind(app as i64)
                .bind(group_id)
                .bind(new_owner)
                .bind(Role::Owner.as_str())
                .execute(&mut *c)
                .await?;
            sqlx::query("UPDATE chat_groups SET owner = $3 WHERE sdkappid = $1 AND group_id = $2")
                .bind(app as i64)
                .bind(group_id)
                .bind(new_owner)
                .execute(&mut *c)
                .await?;
            Ok(())
            })
        })
        .await
    }

    async fn mute(&self, app: u64, group_id: &str, ids: &[String], until: i64) -> StoreResult<()> {
        let group_id_owned = group_id.to_string();
        let ids_owned = ids.to_vec();
        let lock = self.lock_clause;
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let group_id: &str = &group_id_owned;
                let ids = ids_owned.as_slice();
            Self::lock_group(c, lock, app, group_id).await?;
            for id in ids {
                sqlx::query("UPDATE members SET shut_up_until = $4 WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3")
                    .bind(app as i64)
                    .bind(group_id)
                    .bind(id)
                    .bind(until)
                    .execute(&mut *c)
                    .await?;
                Self::save_mute(c, app, group_id, id, until).await?;
            }
            Ok(())
            })
        })
        .await
    }

    async fn muted(&self, app: u64, group_id: &str, now: i64) -> StoreResult<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT user_id, shut_up_until FROM members WHERE sdkappid = $1 AND group_id = $2 \
             AND shut_up_until > $3 ORDER BY join_serial",
        )
        .bind(app as i64)
        .bind(group_id)
        .bind(now)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    async fn recall(&self, app: u64, group_id: &str, seqs: &[i64]) -> StoreResult<Vec<bool>> {
        let group_id_owned = group_id.to_string();
        let seqs_owned = seqs.to_vec();
        let lock = self.lock_clause;
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let group_id: &str = &group_id_owned;
                let seqs = seqs_owned.as_slice();
            Self::lock_group(c, lock, app, group_id).await?;
            let mut out = Vec::with_capacity(seqs.len());
            for seq in seqs {
                let n = sqlx::query(
                    "UPDATE messages SET place = $4 WHERE sdkappid = $1 AND group_id = $2 AND seq = $3",
                )
                .bind(app as i64)
                .bind(group_id)
                .bind(seq)
                .bind(PLACE_RECALLED)
                .execute(&mut *c)
                .await?
                .rows_affected();
                out.push(n > 0);
            }
            Ok(out)
            })
        })
        .await
    }

    async fn delete_messages_by_sender(
        &self,
        app: u64,
        group_id: &str,
        sender: &str,
    ) -> StoreResult<u64> {
        let group_id_owned = group_id.to_string();
        let sender_owned = sender.to_string();
        let lock = self.lock_clause;
        self.write(move |c: &mut AnyConnection| {
            Box::pin(async move {
                let group_id: &str = &group_id_owned;
                let sender: &str = &sender_owned;
            Self::lock_group(c, lock, app, group_id).await?;
            let n = sqlx::query(
                "UPDATE messages SET place = $4 WHERE sdkappid = $1 AND group_id = $2 AND from_account = $3 AND place = 0",
            )
            .bind(app as i64)
            .bind(group_id)
            .bind(sender)
            .bind(PLACE_DELETED)
            .execute(&mut *c)
            .await?
            .rows_affected();
            Ok(n)
            })
        })
        .await
    }

    async fn group_ids(
        &self,
        app: u64,
        group_type: Option<GroupType>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(i64, Vec<String>)> {
        let type_filter = group_type.map(GroupType::as_str).unwrap_or("");
        let filter = "sdkappid = $1 AND destroyed = 0 AND ($2 = '' OR group_type = $2)";
        let mut conn = self.reader.acquire().await?;
        let total: i64 = sqlx::query(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM chat_groups WHERE {filter}"
        )))
        .bind(app as i64)
        .bind(type_filter)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT group_id FROM chat_groups WHERE {filter} ORDER BY created_at, group_id LIMIT $3 OFFSET $4"
        )))
        .bind(app as i64)
        .bind(type_filter)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
        let ids = rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        Ok((total, ids))
    }

    async fn close(&self) {
        if let Writes::Batched(queue) = &self.writes {
            queue.close().await;
        }
        self.writer.close().await;
        self.reader.close().await;
    }
}
