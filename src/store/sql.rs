//! The SQL implementation of [`Store`], shared by SQLite and PostgreSQL through [`Db`].
//!
//! Every mutating operation is one transaction that first locks the group row (PostgreSQL:
//! `FOR UPDATE`; SQLite: a single writer serializes writes), so seqs are allocated without
//! holes or duplicates and import time rules see a stable newest message.

use std::sync::{Arc, LazyLock};

use sqlx::PgPool;

use super::db::{Columns, Db, DbOp, Row, params};
use super::group_commit::WriteQueue;
use super::known_accounts::KnownAccounts;
use super::sqlite::Readers;
use super::unread_batch::UnreadBatcher;

use super::*;
use crate::domain::message::{DEDUP_WINDOW_SECS, check_import_times};

/// An upper bound used where a query has no LIMIT: portable to both engines.
const NO_LIMIT: i64 = 1 << 53;
/// The stored group types that keep unread counts ([`GroupType::supports_unread`]).
pub(super) const UNREAD_TYPES: &str = "'Private', 'Public', 'Community'";

const GROUP_COLS: &str = "group_id, group_type, owner, created_at, last_info_time, last_msg_time, \
     next_msg_seq, counted, reset_rank, member_num, max_member_num, destroyed, profile, member_serial";
const MEMBER_COLS: &str = "user_id, role, join_time, unread_base, rank_base, msg_flag, \
     last_send_time, shut_up_until, profile";

/// Where statements run.
enum Backend {
    /// One writer thread that commits concurrent operations together, and reader
    /// connections on blocking threads.
    Sqlite {
        writes: WriteQueue,
        readers: Arc<Readers>,
    },
    /// Each operation in its own transaction on a pooled connection; PostgreSQL's concurrent
    /// commits share WAL flushes by themselves.
    Postgres(PgPool),
}

pub struct SqlStore {
    backend: Backend,
    known_accounts: KnownAccounts,
    /// PostgreSQL: set_unread_msg_num calls batched into shared statements.
    unread_batch: Option<UnreadBatcher>,
}

fn corrupt(what: &str) -> ApiError {
    ApiError::Internal(format!("stored {what} cannot be decoded"))
}

fn group_from_row(r: &dyn Columns, at: usize) -> StoreResult<(GroupRow, i64)> {
    let group_type = r.str(at + 1)?;
    let profile = r.str(at + 12)?;
    let row = GroupRow {
        group_id: r.text(at)?,
        group_type: GroupType::parse(group_type).ok_or_else(|| corrupt("group type"))?,
        owner: r.text(at + 2)?,
        created_at: r.int(at + 3)?,
        last_info_time: r.int(at + 4)?,
        last_msg_time: r.int(at + 5)?,
        counters: GroupCounters {
            next_msg_seq: r.int(at + 6)?,
            counted: r.int(at + 7)?,
            reset_rank: r.int(at + 8)?,
        },
        member_num: r.int(at + 9)?,
        max_member_num: r.int(at + 10)?,
        destroyed: r.int(at + 11)? != 0,
        profile: serde_json::from_str(profile).map_err(|_| corrupt("group profile"))?,
    };
    Ok((row, r.int(at + 13)?))
}

fn member_from_row(r: &dyn Columns, at: usize) -> StoreResult<MemberRow> {
    let role = r.str(at + 1)?;
    let profile = r.str(at + 8)?;
    Ok(MemberRow {
        user_id: r.text(at)?,
        role: Role::parse(role).ok_or_else(|| corrupt("member role"))?,
        join_time: r.int(at + 2)?,
        mark: ReadMark {
            unread_base: r.int(at + 3)?,
            rank_base: r.int(at + 4)?,
        },
        msg_flag: MsgFlag::parse(r.str(at + 5)?).ok_or_else(|| corrupt("member msg_flag"))?,
        last_send_time: r.int(at + 6)?,
        shut_up_until: r.int(at + 7)?,
        profile: member_profile(profile)?,
    })
}

/// The stored form of a membership without name card or custom data: most of them.
static EMPTY_MEMBER_PROFILE: LazyLock<String> =
    LazyLock::new(|| to_json(&MemberProfile::default()));

/// Decodes a stored member profile; the common empty one without parsing (a member page
/// decodes a hundred of them).
fn member_profile(stored: &str) -> StoreResult<MemberProfile> {
    if stored == EMPTY_MEMBER_PROFILE.as_str() {
        return Ok(MemberProfile::default());
    }
    serde_json::from_str(stored).map_err(|_| corrupt("member profile"))
}

fn message_from_row(r: &Row) -> StoreResult<MessageRow> {
    Ok(MessageRow {
        seq: r.int(0)?,
        from_account: r.text(1)?,
        random: r.int(2)?,
        time: r.int(3)?,
        priority: r.int(4)?,
        place: r.int(5)?,
        payload: r.blob(6)?,
    })
}

/// Which roles a member listing includes.
#[derive(Debug, Clone, Copy)]
struct RoleFilter {
    owners: bool,
    admins: bool,
    plain: bool,
}

impl RoleFilter {
    fn new(roles: Option<&[Role]>) -> RoleFilter {
        let wants = |role: Role| roles.is_none_or(|r| r.contains(&role));
        RoleFilter {
            owners: wants(Role::Owner),
            admins: wants(Role::Admin),
            plain: wants(Role::Member),
        }
    }

    fn all(self) -> bool {
        self.owners && self.admins && self.plain
    }
}

/// A column list with every column prefixed by a table alias: `g.group_id, g.group_type, …`.
fn qualified(cols: &str, table: &str) -> String {
    cols.split(", ")
        .map(|c| format!("{table}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// [`GROUP_COLS`] of the table aliased `g`, and [`MEMBER_COLS`] of `m`, built once.
static G_GROUP_COLS: LazyLock<String> = LazyLock::new(|| qualified(GROUP_COLS, "g"));
static M_MEMBER_COLS: LazyLock<String> = LazyLock::new(|| qualified(MEMBER_COLS, "m"));
/// How many columns [`GROUP_COLS`] lists: where the columns after them start in a row.
static GROUP_COL_COUNT: LazyLock<usize> = LazyLock::new(|| GROUP_COLS.split(", ").count());
/// How many columns [`MEMBER_COLS`] lists.
static MEMBER_COL_COUNT: LazyLock<usize> = LazyLock::new(|| MEMBER_COLS.split(", ").count());

/// set_unread_msg_num's common case as one statement: the read mark clamped to the group's
/// counters (`lock` keeps them from moving meanwhile); no row when there is no such live group
/// of a type with unread counts, or no such member. Parameters: app, group, member, count.
pub(super) fn set_unread_sql(lock: &str) -> String {
    format!(
        "WITH g AS (SELECT next_msg_seq, counted FROM chat_groups \
         WHERE sdkappid = $1 AND group_id = $2 AND destroyed = 0 \
         AND group_type IN ({UNREAD_TYPES}){lock}) \
         UPDATE members SET rank_base = g.counted, unread_base = CASE \
         WHEN $4 < 0 THEN 0 WHEN $4 > g.next_msg_seq - 1 THEN g.next_msg_seq - 1 \
         ELSE $4 END FROM g WHERE members.sdkappid = $1 \
         AND members.group_id = $2 AND members.user_id = $3 \
         RETURNING members.unread_base"
    )
}

/// Whether `later` repeats `earlier`: the same sender and Random within the de-duplication
/// window.
fn is_duplicate(earlier: &NewMessage, later: &NewMessage) -> bool {
    earlier.from_account == later.from_account
        && earlier.random == later.random
        && (earlier.time - later.time).abs() <= DEDUP_WINDOW_SECS
}

/// What a send writes besides the message itself.
struct SentMessage {
    seq: i64,
    counters: GroupCounters,
    last_msg_time: i64,
    /// The sender's new read mark, when the sender is a member.
    sender_mark: Option<ReadMark>,
}

fn to_json<T: Serialize>(v: &T) -> String {
    // Serializing plain data structs into a String cannot fail.
    serde_json::to_string(v).unwrap_or_default()
}

impl SqlStore {
    pub fn sqlite(writes: WriteQueue, readers: Arc<Readers>) -> SqlStore {
        SqlStore {
            backend: Backend::Sqlite { writes, readers },
            known_accounts: KnownAccounts::default(),
            unread_batch: None,
        }
    }

    /// Needs a tokio runtime: the set_unread_msg_num batchers start on it.
    pub fn postgres(pool: PgPool) -> SqlStore {
        SqlStore {
            unread_batch: Some(UnreadBatcher::start(pool.clone())),
            backend: Backend::Postgres(pool),
            known_accounts: KnownAccounts::default(),
        }
    }

    /// Runs a write operation in a transaction: SQLite's group-commit writer, or a pooled
    /// PostgreSQL connection. The answer comes after the commit.
    async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: DbOp<T>,
    {
        match &self.backend {
            Backend::Sqlite { writes, .. } => writes.submit(f).await,
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                match f(Db::Pg(&mut tx)).await {
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

    /// Runs a write operation that is one statement: on PostgreSQL without a transaction
    /// around it (the statement is atomic by itself), saving two round trips.
    async fn write_statement<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: DbOp<T>,
    {
        match &self.backend {
            Backend::Sqlite { writes, .. } => writes.submit(f).await,
            Backend::Postgres(pool) => Self::on_pooled_connection(pool, f).await,
        }
    }

    /// Runs an operation on a pooled PostgreSQL connection, outside any transaction.
    async fn on_pooled_connection<T, F>(pool: &PgPool, f: F) -> StoreResult<T>
    where
        F: DbOp<T>,
    {
        let mut conn = pool.acquire().await?;
        f(Db::Pg(&mut conn)).await
    }

    /// Runs a read operation on a read connection.
    async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: DbOp<T>,
    {
        match &self.backend {
            Backend::Sqlite { readers, .. } => readers.run(f).await,
            Backend::Postgres(pool) => Self::on_pooled_connection(pool, f).await,
        }
    }

    /// Reads and locks a live group inside a write transaction.
    async fn lock_group(db: &mut Db<'_>, app: u64, group_id: &str) -> StoreResult<(GroupRow, i64)> {
        let lock = db.lock_clause(false);
        Self::live_group_in(db, app, group_id, lock).await
    }

    /// Reads a live group and keeps it from changing until the transaction ends, without
    /// excluding other operations that only need the same (set_unread_msg_num on one group
    /// from many clients at once).
    async fn share_group(db: &mut Db<'_>, app: u64, group_id: &str) -> StoreResult<GroupRow> {
        let lock = db.lock_clause(true);
        Ok(Self::live_group_in(db, app, group_id, lock).await?.0)
    }

    /// A live group (GroupNotFound otherwise), with `lock` appended to its SELECT (empty
    /// outside a write transaction).
    async fn live_group_in(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        lock: &'static str,
    ) -> StoreResult<(GroupRow, i64)> {
        let sql = format!(
            "SELECT {GROUP_COLS} FROM chat_groups WHERE sdkappid = $1 AND group_id = $2{lock}"
        );
        match db.opt(&sql, params![app as i64, group_id]).await? {
            Some(r) => {
                let (g, serial) = group_from_row(&r, 0)?;
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
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<MemberRow>> {
        let sql = format!(
            "SELECT {MEMBER_COLS} FROM members WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3"
        );
        db.opt(&sql, params![app as i64, group_id, user_id])
            .await?
            .map(|r| member_from_row(&r, 0))
            .transpose()
    }

    /// What a send checks, in one statement (one round trip on PostgreSQL): the live group,
    /// locked; the sender's membership, as far as sending needs it; and the earlier message
    /// with the same sender and Random within the dedup window, if any.
    async fn send_context(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        msg: &NewMessage,
    ) -> StoreResult<(GroupRow, Option<Sender>, Option<Stored>)> {
        let group_cols = G_GROUP_COLS.as_str();
        let lock = db.lock_clause_of_g();
        let sql = format!(
            "SELECT {group_cols}, m.role, m.shut_up_until, m.unread_base, m.rank_base, \
             (SELECT r.seq FROM message_randoms r WHERE r.sdkappid = $1 AND r.group_id = $2 \
              AND r.from_account = $3 AND r.random = $4 AND r.msg_time >= $5 \
              AND r.msg_time <= $6 LIMIT 1) \
             FROM chat_groups g LEFT JOIN members m ON m.sdkappid = g.sdkappid \
             AND m.group_id = g.group_id AND m.user_id = $3 \
             WHERE g.sdkappid = $1 AND g.group_id = $2{lock}"
        );
        let params = params![
            app as i64,
            group_id,
            &msg.from_account,
            msg.random,
            msg.time - DEDUP_WINDOW_SECS,
            msg.time + DEDUP_WINDOW_SECS,
        ];
        let at = *GROUP_COL_COUNT;
        let rows = db
            .map_all(&sql, params, |r| {
                let group = group_from_row(r, 0)?.0;
                let sender = match r.opt_int(at + 1)? {
                    None => None,
                    Some(shut_up_until) => Some(Sender {
                        role: Role::parse(r.str(at)?).ok_or_else(|| corrupt("member role"))?,
                        shut_up_until,
                        mark: ReadMark {
                            unread_base: r.int(at + 2)?,
                            rank_base: r.int(at + 3)?,
                        },
                    }),
                };
                Ok((group, sender, r.opt_int(at + 4)?))
            })
            .await?;
        let Some((group, sender, duplicate_seq)) = rows.into_iter().next() else {
            return Err(ApiError::GroupNotFound(group_id.to_string()));
        };
        if group.destroyed {
            return Err(ApiError::GroupNotFound(group_id.to_string()));
        }
        let duplicate = match duplicate_seq {
            // Rare: the original's time is read only for a duplicate.
            Some(_) => Self::find_duplicate(db, app, group_id, msg).await?,
            None => None,
        };
        Ok((group, sender, duplicate))
    }

    /// Of the accounts `members` need, those not imported. The rows found stay locked against
    /// deletion until the transaction ends, taken in one order (sorted) before any group row,
    /// as `account_delete` takes them, so the two cannot deadlock.
    async fn missing_accounts(
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
        let lock = db.key_share_clause();
        let sql = format!("SELECT 1 FROM accounts WHERE sdkappid = $1 AND user_id = $2{lock}");
        let mut missing = Vec::new();
        for id in ids {
            if db.opt(&sql, params![app as i64, id]).await?.is_none() {
                missing.push(id.to_string());
            }
        }
        Ok(missing)
    }

    async fn insert_member(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        serial: i64,
        m: &NewMember,
        mark: ReadMark,
    ) -> StoreResult<()> {
        // A mute outlives membership: a returning member is still muted.
        let muted_until = match db
            .opt(
                "SELECT until FROM mutes WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
                params![app as i64, group_id, &m.user_id],
            )
            .await?
        {
            Some(r) => r.int(0)?,
            None => 0,
        };
        db.exec(
            "INSERT INTO members (sdkappid, group_id, user_id, join_serial, role, join_time, \
             unread_base, rank_base, msg_flag, last_send_time, shut_up_until, profile) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $11, 0, $10, $9)",
            params![
                app as i64,
                group_id,
                &m.user_id,
                serial,
                m.role.as_str(),
                m.join_time,
                mark.unread_base,
                mark.rank_base,
                to_json(&m.profile).as_str(),
                muted_until,
                MsgFlag::AcceptAndNotify.as_str(),
            ],
        )
        .await?;
        Ok(())
    }

    async fn save_member(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        m: &MemberRow,
    ) -> StoreResult<()> {
        db.exec(
            "UPDATE members SET role = $4, msg_flag = $5, shut_up_until = $6, profile = $7, \
             unread_base = $8, rank_base = $9 WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
            params![
                app as i64,
                group_id,
                &m.user_id,
                m.role.as_str(),
                m.msg_flag.as_str(),
                m.shut_up_until,
                to_json(&m.profile).as_str(),
                m.mark.unread_base,
                m.mark.rank_base,
            ],
        )
        .await?;
        Ok(())
    }

    /// Remembers a mute apart from the membership, so it survives leaving and rejoining.
    async fn save_mute(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        user_id: &str,
        until: i64,
    ) -> StoreResult<()> {
        db.exec(
            "INSERT INTO mutes (sdkappid, group_id, user_id, until) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sdkappid, group_id, user_id) DO UPDATE SET until = excluded.until",
            params![app as i64, group_id, user_id, until],
        )
        .await?;
        Ok(())
    }

    /// The earlier message with the same sender and Random within the dedup window, if any.
    async fn find_duplicate(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        msg: &NewMessage,
    ) -> StoreResult<Option<Stored>> {
        let row = db
            .opt(
                "SELECT seq, msg_time FROM message_randoms WHERE sdkappid = $1 AND group_id = $2 \
                 AND from_account = $4 AND random = $3 AND msg_time >= $5 AND msg_time <= $6 LIMIT 1",
                params![
                    app as i64,
                    group_id,
                    msg.random,
                    &msg.from_account,
                    msg.time - DEDUP_WINDOW_SECS,
                    msg.time + DEDUP_WINDOW_SECS,
                ],
            )
            .await?;
        Ok(match row {
            Some(r) => Some(Stored {
                seq: r.int(0)?,
                time: r.int(1)?,
                duplicate: true,
            }),
            None => None,
        })
    }

    /// For each message, the earliest copy already stored (same sender, same Random, within the
    /// de-duplication window), all looked up before any of them is written: one statement on
    /// PostgreSQL.
    async fn stored_duplicates(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        msgs: &[NewMessage],
    ) -> StoreResult<Vec<Option<Stored>>> {
        let Db::Pg(conn) = db else {
            let mut found = Vec::with_capacity(msgs.len());
            for msg in msgs {
                found.push(Self::find_duplicate(db, app, group_id, msg).await?);
            }
            return Ok(found);
        };
        let from: Vec<&str> = msgs.iter().map(|m| m.from_account.as_str()).collect();
        let randoms: Vec<i64> = msgs.iter().map(|m| m.random).collect();
        let times: Vec<i64> = msgs.iter().map(|m| m.time).collect();
        let idx: Vec<i32> = (0..msgs.len() as i32).collect();
        let rows: Vec<(i32, i64, i64)> = sqlx::query_as(
            "SELECT q.i, r.seq, r.msg_time FROM unnest($3::text[], $4::int8[], $5::int8[], \
             $6::int4[]) AS q(from_account, random, t, i) CROSS JOIN LATERAL \
             (SELECT seq, msg_time FROM message_randoms WHERE sdkappid = $1 AND group_id = $2 \
             AND from_account = q.from_account AND random = q.random \
             AND msg_time >= q.t - $7 AND msg_time <= q.t + $7 ORDER BY msg_time, seq LIMIT 1) r",
        )
        .bind(app as i64)
        .bind(group_id)
        .bind(&from)
        .bind(&randoms)
        .bind(&times)
        .bind(&idx)
        .bind(DEDUP_WINDOW_SECS)
        .fetch_all(&mut **conn)
        .await?;
        let mut found = vec![None; msgs.len()];
        for (i, seq, time) in rows {
            if let Some(slot) = found.get_mut(i as usize) {
                *slot = Some(Stored {
                    seq,
                    time,
                    duplicate: true,
                });
            }
        }
        Ok(found)
    }

    /// Stores imported messages with their seqs: one statement on PostgreSQL.
    async fn insert_messages(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        new: &[(&NewMessage, i64)],
    ) -> StoreResult<()> {
        let Db::Pg(conn) = db else {
            for (msg, seq) in new {
                Self::insert_message(db, app, group_id, *seq, msg).await?;
            }
            return Ok(());
        };
        if new.is_empty() {
            return Ok(());
        }
        let seqs: Vec<i64> = new.iter().map(|(_, seq)| *seq).collect();
        let from: Vec<&str> = new.iter().map(|(m, _)| m.from_account.as_str()).collect();
        let randoms: Vec<i64> = new.iter().map(|(m, _)| m.random).collect();
        let times: Vec<i64> = new.iter().map(|(m, _)| m.time).collect();
        let priorities: Vec<i64> = new.iter().map(|(m, _)| m.priority).collect();
        let counts: Vec<i64> = new.iter().map(|(m, _)| i64::from(m.counts)).collect();
        let payloads: Vec<&[u8]> = new.iter().map(|(m, _)| m.payload.as_slice()).collect();
        sqlx::query(
            "WITH msg AS (INSERT INTO messages (sdkappid, group_id, seq, from_account, random, \
             msg_time, priority, counts, payload) SELECT $1, $2, * FROM unnest($3::int8[], \
             $4::text[], $5::int8[], $6::int8[], $7::int8[], $8::int8[], $9::bytea[])) \
             INSERT INTO message_randoms (sdkappid, group_id, from_account, random, msg_time, seq) \
             SELECT $1, $2, f, r, t, s FROM unnest($3::int8[], $4::text[], $5::int8[], $6::int8[]) \
             AS u(s, f, r, t)",
        )
        .bind(app as i64)
        .bind(group_id)
        .bind(&seqs)
        .bind(&from)
        .bind(&randoms)
        .bind(&times)
        .bind(&priorities)
        .bind(&counts)
        .bind(&payloads)
        .execute(&mut **conn)
        .await?;
        Ok(())
    }

    async fn insert_message(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        seq: i64,
        msg: &NewMessage,
    ) -> StoreResult<()> {
        db.exec(
            "INSERT INTO messages (sdkappid, group_id, seq, from_account, random, msg_time, \
             priority, counts, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            params![
                app as i64,
                group_id,
                seq,
                &msg.from_account,
                msg.random,
                msg.time,
                msg.priority,
                msg.counts,
                msg.payload.as_slice(),
            ],
        )
        .await?;
        db.exec(
            "INSERT INTO message_randoms (sdkappid, group_id, from_account, random, msg_time, seq) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            params![
                app as i64,
                group_id,
                &msg.from_account,
                msg.random,
                msg.time,
                seq
            ],
        )
        .await?;
        Ok(())
    }

    /// A sent message's four writes: the message and its Random entry, the group's counters,
    /// the sender's read mark and last-send time. On PostgreSQL one statement (data-modifying
    /// CTEs), one round trip instead of four.
    async fn write_sent(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        msg: &NewMessage,
        sent: SentMessage,
    ) -> StoreResult<()> {
        if !db.is_postgres() {
            Self::insert_message(db, app, group_id, sent.seq, msg).await?;
            Self::save_counters(db, app, group_id, sent.counters, sent.last_msg_time).await?;
            if let Some(mark) = sent.sender_mark {
                db.exec(
                    "UPDATE members SET unread_base = $4, rank_base = $5, last_send_time = $6 \
                     WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
                    params![
                        app as i64,
                        group_id,
                        &msg.from_account,
                        mark.unread_base,
                        mark.rank_base,
                        msg.time,
                    ],
                )
                .await?;
            }
            return Ok(());
        }
        let mark = sent.sender_mark.unwrap_or_default();
        db.exec(
            "WITH msg AS (INSERT INTO messages (sdkappid, group_id, seq, from_account, random, \
             msg_time, priority, counts, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)), \
             rnd AS (INSERT INTO message_randoms (sdkappid, group_id, from_account, random, \
             msg_time, seq) VALUES ($1, $2, $4, $5, $6, $3)), \
             grp AS (UPDATE chat_groups SET next_msg_seq = $10, counted = $11, reset_rank = $12, \
             last_msg_time = $13 WHERE sdkappid = $1 AND group_id = $2) \
             UPDATE members SET unread_base = $14, rank_base = $15, last_send_time = $6 \
             WHERE sdkappid = $1 AND group_id = $2 AND user_id = $4 AND $16 = 1",
            params![
                app as i64,
                group_id,
                sent.seq,
                &msg.from_account,
                msg.random,
                msg.time,
                msg.priority,
                msg.counts,
                msg.payload.as_slice(),
                sent.counters.next_msg_seq,
                sent.counters.counted,
                sent.counters.reset_rank,
                sent.last_msg_time,
                mark.unread_base,
                mark.rank_base,
                sent.sender_mark.is_some(),
            ],
        )
        .await?;
        Ok(())
    }

    async fn save_counters(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        counters: GroupCounters,
        last_msg_time: i64,
    ) -> StoreResult<()> {
        db.exec(
            "UPDATE chat_groups SET next_msg_seq = $3, counted = $4, reset_rank = $5, \
             last_msg_time = $6 WHERE sdkappid = $1 AND group_id = $2",
            params![
                app as i64,
                group_id,
                counters.next_msg_seq,
                counters.counted,
                counters.reset_rank,
                last_msg_time,
            ],
        )
        .await?;
        Ok(())
    }

    /// Deletes accounts and their memberships.
    async fn delete_accounts_in_db(&self, app: u64, ids: &[String]) -> StoreResult<Vec<bool>> {
        // Accounts are deleted in sorted order, the order membership writes lock them in.
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by(|a, b| ids[*a].cmp(&ids[*b]));
        let ids = ids.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let mut out = vec![false; ids.len()];
                for i in order {
                    let id = &ids[i];
                    let deleted = db
                        .exec(
                            "DELETE FROM accounts WHERE sdkappid = $1 AND user_id = $2",
                            params![app as i64, id],
                        )
                        .await?
                        > 0;
                    if deleted {
                        let groups = db
                            .all(
                                "SELECT group_id FROM members WHERE sdkappid = $1 AND user_id = $2",
                                params![app as i64, id],
                            )
                            .await?;
                        for g in groups {
                            let group_id = g.text(0)?;
                            // The group row first, as every other write locks it before a
                            // member row (the other order could deadlock with a send).
                            db.exec(
                                "UPDATE chat_groups SET member_num = member_num - 1, \
                                 owner = CASE WHEN owner = $3 THEN '' ELSE owner END \
                                 WHERE sdkappid = $1 AND group_id = $2",
                                params![app as i64, &group_id, id],
                            )
                            .await?;
                            db.exec(
                                "DELETE FROM members WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
                                params![app as i64, &group_id, id],
                            )
                            .await?;
                        }
                    }
                    out[i] = deleted;
                }
                Ok(out)
            })
        })
        .await
    }

    /// Members in join order, one page, optionally only some roles.
    async fn member_page(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        roles: RoleFilter,
        limit: Option<i64>,
        start: PageStart,
    ) -> StoreResult<MemberPage> {
        // SQLite stores a group's members in join order (migration 0005): the page is
        // consecutive rows. PostgreSQL reads them through its join-order index; without a
        // role filter the rows an OFFSET skips are never fetched from the table there. A
        // cursor (the join serial to start at) skips nothing: found in the index.
        let role_filter = if roles.all() {
            ""
        } else {
            "AND ((role = 'Owner' AND $3 = 1) OR (role = 'Admin' AND $4 = 1) \
             OR (role = 'Member' AND $5 = 1))"
        };
        let sql = format!(
            "SELECT {MEMBER_COLS}, join_serial FROM members WHERE sdkappid = $1 \
             AND group_id = $2 AND join_serial >= $8 {role_filter} \
             ORDER BY join_serial LIMIT $6 OFFSET $7"
        );
        let (offset, from_serial) = match start {
            PageStart::Offset(n) => (n, 0),
            PageStart::Serial(serial) => (0, serial),
        };
        // One row past the page tells whether more follow, without counting the group.
        let fetch = limit.map_or(NO_LIMIT, |l| l + 1);
        let RoleFilter {
            owners,
            admins,
            plain,
        } = roles;
        let mut rows = db
            .map_all(
                &sql,
                params![
                    app as i64,
                    group_id,
                    owners,
                    admins,
                    plain,
                    fetch,
                    offset,
                    from_serial
                ],
                |r| Ok((member_from_row(r, 0)?, r.int(*MEMBER_COL_COUNT)?)),
            )
            .await?;
        let has_more = limit.is_some_and(|l| rows.len() as i64 > l);
        rows.truncate(limit.map_or(usize::MAX, |l| l as usize));
        let next_serial = rows.last().map_or(from_serial, |(_, serial)| serial + 1);
        Ok(MemberPage {
            members: rows.into_iter().map(|(m, _)| m).collect(),
            has_more,
            next_serial,
        })
    }
}

#[async_trait::async_trait]
impl Store for SqlStore {
    async fn load_apps(&self) -> StoreResult<Vec<AppConfig>> {
        self.read(|mut db: Db<'_>| {
            Box::pin(async move {
                let rows = db
                    .all(
                        "SELECT sdkappid, secret_key, admins FROM apps ORDER BY sdkappid",
                        &[],
                    )
                    .await?;
                rows.iter()
                    .map(|r| {
                        Ok(AppConfig {
                            sdkappid: r.int(0)? as u64,
                            secret_key: r.text(1)?,
                            previous_keys: Vec::new(),
                            admins: serde_json::from_str(&r.text(2)?)
                                .map_err(|_| corrupt("app admins"))?,
                        })
                    })
                    .collect()
            })
        })
        .await
    }

    async fn save_app(&self, app: &AppConfig, now: i64) -> StoreResult<()> {
        let app = app.clone();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                db.exec(
                    "INSERT INTO apps (sdkappid, secret_key, admins, created_at) VALUES ($1, $2, $3, $4)",
                    params![app.sdkappid as i64, &app.secret_key, to_json(&app.admins).as_str(), now],
                )
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
                }
                Ok(())
            })
        })
        .await
    }

    async fn accounts_exist(&self, app: u64, ids: &[String]) -> StoreResult<Vec<bool>> {
        if self.known_accounts.all_known(app, ids) {
            return Ok(vec![true; ids.len()]);
        }
        let generation = self.known_accounts.generation();
        let wanted = ids.to_vec();
        let exist = self
            .read(move |mut db: Db<'_>| {
                Box::pin(async move {
                    let mut out = Vec::with_capacity(wanted.len());
                    for id in &wanted {
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
        let found = ids
            .iter()
            .zip(&exist)
            .filter(|(_, e)| **e)
            .map(|(id, _)| id);
        self.known_accounts.remember(generation, app, found);
        Ok(exist)
    }

    async fn delete_accounts(&self, app: u64, ids: &[String]) -> StoreResult<Vec<bool>> {
        // Forgotten after the deletion too: a read that raced it may have remembered them.
        self.known_accounts.begin_delete();
        let deleted = self.delete_accounts_in_db(app, ids).await;
        self.known_accounts.forget(app, ids);
        deleted
    }

    async fn kick(&self, app: u64, id: &str, at: i64) -> StoreResult<bool> {
        let id = id.to_string();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
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

    async fn create_group(&self, app: u64, group: &NewGroup) -> StoreResult<()> {
        let group = group.clone();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                if let Some(id) = Self::missing_accounts(&mut db, app, &group.members)
                    .await?
                    .into_iter()
                    .next()
                {
                    return Err(ApiError::UserNotFound(id));
                }
                let existing = db
                    .opt(
                        "SELECT destroyed FROM chat_groups WHERE sdkappid = $1 AND group_id = $2",
                        params![app as i64, &group.group_id],
                    )
                    .await?;
                if let Some(r) = existing {
                    return Err(if r.int(0)? != 0 {
                        ApiError::GroupIdTakenByYou(group.group_id.clone())
                    } else {
                        ApiError::GroupIdTaken(group.group_id.clone())
                    });
                }
                let counters = GroupCounters::new();
                let n = group.members.len() as i64;
                let inserted = db
                    .insert_unique(
                        "INSERT INTO chat_groups (sdkappid, group_id, group_type, owner, created_at, \
                         last_info_time, last_msg_time, next_msg_seq, counted, reset_rank, member_num, \
                         member_serial, max_member_num, destroyed, profile) \
                         VALUES ($1, $2, $3, $4, $5, $5, 0, $6, $7, $8, $9, $9, $10, 0, $11)",
                        params![
                            app as i64,
                            &group.group_id,
                            group.group_type.as_str(),
                            &group.owner,
                            group.created_at,
                            counters.next_msg_seq,
                            counters.counted,
                            counters.reset_rank,
                            n,
                            group.max_member_num,
                            to_json(&group.profile).as_str(),
                        ],
                    )
                    .await?;
                if !inserted {
                    return Err(ApiError::GroupIdTaken(group.group_id.clone()));
                }
                for (i, m) in group.members.iter().enumerate() {
                    let mark = counters.mark_with_unread(0);
                    Self::insert_member(&mut db, app, &group.group_id, i as i64, m, mark).await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn group(&self, app: u64, group_id: &str) -> StoreResult<Option<GroupRow>> {
        let group_id = group_id.to_string();
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {GROUP_COLS} FROM chat_groups WHERE sdkappid = $1 AND group_id = $2"
                );
                db.opt(&sql, params![app as i64, &group_id])
                    .await?
                    .map(|r| group_from_row(&r, 0).map(|(g, _)| g))
                    .transpose()
            })
        })
        .await
    }

    async fn member(
        &self,
        app: u64,
        group_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<MemberRow>> {
        let group_id = group_id.to_string();
        let user_id = user_id.to_string();
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move { Self::member_in(&mut db, app, &group_id, &user_id).await })
        })
        .await
    }

    async fn members(
        &self,
        app: u64,
        group_id: &str,
        roles: Option<&[Role]>,
        limit: Option<i64>,
        start: PageStart,
    ) -> StoreResult<MemberPage> {
        let group_id = group_id.to_string();
        let roles = RoleFilter::new(roles);
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::member_page(&mut db, app, &group_id, roles, limit, start).await
            })
        })
        .await
    }

    async fn live_group_with_members(
        &self,
        app: u64,
        group_id: &str,
        roles: Option<&[Role]>,
        limit: Option<i64>,
        start: PageStart,
    ) -> StoreResult<(GroupRow, MemberPage)> {
        let group_id = group_id.to_string();
        let roles = RoleFilter::new(roles);
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let (group, _) = Self::live_group_in(&mut db, app, &group_id, "").await?;
                let page = if group.group_type.stores_members() {
                    Self::member_page(&mut db, app, &group_id, roles, limit, start).await?
                } else {
                    MemberPage {
                        members: Vec::new(),
                        has_more: false,
                        next_serial: 0,
                    }
                };
                Ok((group, page))
            })
        })
        .await
    }

    async fn add_members(
        &self,
        app: u64,
        group_id: &str,
        members: &[NewMember],
        missing: MissingAccount,
    ) -> StoreResult<Vec<MemberResult>> {
        let group_id = group_id.to_string();
        let members = members.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                // Accounts before the group: the lock order of account_delete.
                let absent = Self::missing_accounts(&mut db, app, &members).await?;
                if let (MissingAccount::FailCall, Some(id)) = (missing, absent.first()) {
                    return Err(ApiError::UserNotFound(id.clone()));
                }
                let (group, mut serial) = Self::lock_group(&mut db, app, &group_id).await?;
                let mut results = Vec::with_capacity(members.len());
                let mut added: Vec<&NewMember> = Vec::new();
                for m in &members {
                    if absent.contains(&m.user_id) {
                        results.push(MemberResult::Failed);
                        continue;
                    }
                    let present = added.iter().any(|a| a.user_id == m.user_id)
                        || Self::member_in(&mut db, app, &group_id, &m.user_id)
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
                    return Err(ApiError::GroupFull(group_id.clone()));
                }
                for m in &added {
                    let mark = group.counters.mark_with_unread(m.unread);
                    Self::insert_member(&mut db, app, &group_id, serial, m, mark).await?;
                    serial += 1;
                }
                if !added.is_empty() {
                    db.exec(
                        "UPDATE chat_groups SET member_num = member_num + $3, member_serial = $4 \
                         WHERE sdkappid = $1 AND group_id = $2",
                        params![app as i64, &group_id, added.len() as i64, serial],
                    )
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
        let group_id = group_id.to_string();
        let msg = msg.clone();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let (group, sender, duplicate) =
                    Self::send_context(&mut db, app, &group_id, &msg).await?;
                check_may_send(&group, sender, sender_is_app_admin, msg.time)?;
                if let Some(original) = duplicate {
                    return Ok(original);
                }
                let seq = group.counters.next_msg_seq;
                let counters = group.counters.after_message(msg.counts);
                let last_msg_time = group.last_msg_time.max(msg.time);
                // The sender's own message does not count for the sender: keep its unread as it was.
                let sender_mark = sender.map(|sender| {
                    let unread = group
                        .counters
                        .unread(sender.mark, group.group_type.supports_unread());
                    counters.mark_with_unread(unread)
                });
                let sent = SentMessage {
                    seq,
                    counters,
                    last_msg_time,
                    sender_mark,
                };
                Self::write_sent(&mut db, app, &group_id, &msg, sent).await?;
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
        let group_id = group_id.to_string();
        let msgs = msgs.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let (group, _) = Self::lock_group(&mut db, app, &group_id).await?;
                let times: Vec<i64> = msgs.iter().map(|m| m.time).collect();
                let time_ok =
                    check_import_times(group.created_at, group.last_msg_time, &times, now);
                let already_stored =
                    Self::stored_duplicates(&mut db, app, &group_id, &msgs).await?;
                let mut counters = group.counters;
                let mut last_time = group.last_msg_time;
                let mut results = Vec::with_capacity(msgs.len());
                // Messages of this call to store, with the seq each gets.
                let mut new: Vec<(&NewMessage, i64)> = Vec::with_capacity(msgs.len());
                for ((msg, ok), stored) in msgs.iter().zip(time_ok).zip(already_stored) {
                    // A repeat first, whatever its time: a retried call gets its messages' seqs
                    // back although they are older than the newest message by now. The original
                    // is the earliest copy, stored before or earlier in this call.
                    let in_this_call =
                        new.iter()
                            .filter(|(m, _)| is_duplicate(m, msg))
                            .map(|(m, seq)| Stored {
                                seq: *seq,
                                time: m.time,
                                duplicate: true,
                            });
                    if let Some(original) = stored
                        .into_iter()
                        .chain(in_this_call)
                        .min_by_key(|s| (s.time, s.seq))
                    {
                        results.push(ImportedMsg::Stored(original));
                        continue;
                    }
                    if !ok {
                        results.push(ImportedMsg::BadTime);
                        continue;
                    }
                    let seq = counters.next_msg_seq;
                    new.push((msg, seq));
                    counters = counters.after_message(true);
                    last_time = last_time.max(msg.time);
                    results.push(ImportedMsg::Stored(Stored {
                        seq,
                        time: msg.time,
                        duplicate: false,
                    }));
                }
                Self::insert_messages(&mut db, app, &group_id, &new).await?;
                if counters != group.counters {
                    // Documented: importing messages sets every member's unread count to 0.
                    let counters = counters.after_unread_reset();
                    Self::save_counters(&mut db, app, &group_id, counters, last_time).await?;
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
        let group_id = group_id.to_string();
        let user_id = user_id.to_string();
        // The common case in one statement (on PostgreSQL shared with the calls waiting at the
        // same time, no transaction around it); when it matches nothing, the transaction below
        // finds out why.
        let (g, u) = (group_id.clone(), user_id.clone());
        let set = if let Some(batch) = &self.unread_batch {
            batch.set(app as i64, g, u, unread).await?
        } else {
            self.write_statement(move |mut db: Db<'_>| {
                Box::pin(async move {
                    let sql = set_unread_sql(db.lock_clause(true));
                    match db.opt(&sql, params![app as i64, &g, &u, unread]).await? {
                        Some(r) => Ok(Some(r.int(0)?)),
                        None => Ok(None),
                    }
                })
            })
            .await?
        };
        if let Some(unread_base) = set {
            return Ok(SetUnread::Set(unread_base));
        }
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                // The counters cannot move while the mark is computed from them; other
                // read-mark updates of the same group go on in parallel.
                let group = Self::share_group(&mut db, app, &group_id).await?;
                if !group.group_type.supports_unread() {
                    return Ok(SetUnread::IgnoredForType);
                }
                // One statement moves the read mark; no row means no such member (and, the
                // update having matched nothing, nothing was written).
                let mark = group.counters.mark_with_unread(unread);
                let updated = db
                    .exec(
                        "UPDATE members SET unread_base = $4, rank_base = $5 \
                         WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
                        params![
                            app as i64,
                            &group_id,
                            &user_id,
                            mark.unread_base,
                            mark.rank_base,
                        ],
                    )
                    .await?;
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
        let group_id = group_id.to_string();
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let rows = db
                    .all(
                        "SELECT seq, from_account, random, msg_time, priority, place, payload \
                         FROM messages WHERE sdkappid = $1 AND group_id = $2 AND seq <= $3 \
                         ORDER BY seq DESC LIMIT $4",
                        params![app as i64, &group_id, upto, count],
                    )
                    .await?;
                rows.iter().map(message_from_row).collect()
            })
        })
        .await
    }

    async fn joined_groups(
        &self,
        app: u64,
        user_id: &str,
        filter: JoinedFilter,
        limit: Option<i64>,
        offset: i64,
    ) -> StoreResult<(i64, Vec<(GroupRow, MemberRow)>)> {
        let user_id = user_id.to_string();
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let type_filter = filter.group_type.map(GroupType::as_str).unwrap_or("");
                let from = "FROM members m JOIN chat_groups g \
                            ON g.sdkappid = m.sdkappid AND g.group_id = m.group_id \
                            WHERE m.sdkappid = $1 AND m.user_id = $2 AND g.destroyed = 0 \
                            AND ($3 = '' OR g.group_type = $3) \
                            AND ($4 = 1 OR g.group_type <> 'AVChatRoom') \
                            AND ($5 = 1 OR g.group_type <> 'Private' OR g.next_msg_seq > 1)";
                let total = db
                    .int(
                        &format!("SELECT COUNT(*) {from}"),
                        params![
                            app as i64,
                            &user_id,
                            type_filter,
                            filter.include_av,
                            filter.include_inactive,
                        ],
                    )
                    .await?;
                let (group_cols, member_cols) = (G_GROUP_COLS.as_str(), M_MEMBER_COLS.as_str());
                let sql = format!(
                    "SELECT {group_cols}, {member_cols} {from} \
                     ORDER BY m.join_time, m.group_id LIMIT $6 OFFSET $7"
                );
                let member_at = *GROUP_COL_COUNT;
                let items = db
                    .map_all(
                        &sql,
                        params![
                            app as i64,
                            &user_id,
                            type_filter,
                            filter.include_av,
                            filter.include_inactive,
                            limit.unwrap_or(NO_LIMIT),
                            offset,
                        ],
                        |r| Ok((group_from_row(r, 0)?.0, member_from_row(r, member_at)?)),
                    )
                    .await?;
                Ok((total, items))
            })
        })
        .await
    }

    async fn update_group(
        &self,
        app: u64,
        group_id: &str,
        edit: GroupEdit,
    ) -> StoreResult<GroupRow> {
        let group_id = group_id.to_string();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let (mut group, _) = Self::lock_group(&mut db, app, &group_id).await?;
                edit(&mut group)?;
                db.exec(
                    "UPDATE chat_groups SET owner = $3, max_member_num = $4, profile = $5, \
                     last_info_time = $6 WHERE sdkappid = $1 AND group_id = $2",
                    params![
                        app as i64,
                        &group_id,
                        &group.owner,
                        group.max_member_num,
                        to_json(&group.profile).as_str(),
                        group.last_info_time,
                    ],
                )
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
        let group_id = group_id.to_string();
        let user_id = user_id.to_string();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let (group, _) = Self::lock_group(&mut db, app, &group_id).await?;
                let mut member = Self::member_in(&mut db, app, &group_id, &user_id)
                    .await?
                    .ok_or_else(|| {
                        ApiError::NotMember(format!(
                            "{user_id} is not a member of group {group_id}"
                        ))
                    })?;
                let muted_before = member.shut_up_until;
                edit(&group, &mut member)?;
                Self::save_member(&mut db, app, &group_id, &member).await?;
                if member.shut_up_until != muted_before {
                    Self::save_mute(&mut db, app, &group_id, &user_id, member.shut_up_until)
                        .await?;
                }
                Ok(member)
            })
        })
        .await
    }

    async fn remove_members(&self, app: u64, group_id: &str, ids: &[String]) -> StoreResult<usize> {
        let group_id = group_id.to_string();
        let ids = ids.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let (group, _) = Self::lock_group(&mut db, app, &group_id).await?;
                let mut removed = 0;
                for id in &ids {
                    removed += db
                        .exec(
                            "DELETE FROM members WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
                            params![app as i64, &group_id, id],
                        )
                        .await?;
                }
                let owner_left = !group.owner.is_empty() && ids.contains(&group.owner);
                db.exec(
                    "UPDATE chat_groups SET member_num = member_num - $3, \
                     owner = CASE WHEN $4 = 1 THEN '' ELSE owner END \
                     WHERE sdkappid = $1 AND group_id = $2",
                    params![app as i64, &group_id, removed as i64, owner_left],
                )
                .await?;
                Ok(removed as usize)
            })
        })
        .await
    }

    async fn destroy_group(&self, app: u64, group_id: &str) -> StoreResult<()> {
        let group_id = group_id.to_string();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::lock_group(&mut db, app, &group_id).await?;
                // One row changes: members and messages of a destroyed group are never read again,
                // and its id can never be reused, so destroying costs the same for any group size.
                db.exec(
                    "UPDATE chat_groups SET destroyed = 1 WHERE sdkappid = $1 AND group_id = $2",
                    params![app as i64, &group_id],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }

    async fn change_owner(&self, app: u64, group_id: &str, new_owner: &str) -> StoreResult<()> {
        let group_id = group_id.to_string();
        let new_owner = new_owner.to_string();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let (group, _) = Self::lock_group(&mut db, app, &group_id).await?;
                if Self::member_in(&mut db, app, &group_id, &new_owner)
                    .await?
                    .is_none()
                {
                    return Err(ApiError::NotMember(format!(
                        "NewOwner_Account {new_owner} is not a member of group {group_id}"
                    )));
                }
                let set_role = "UPDATE members SET role = $4 \
                                WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3";
                if !group.owner.is_empty() {
                    let demoted = Role::Member.as_str();
                    db.exec(
                        set_role,
                        params![app as i64, &group_id, &group.owner, demoted],
                    )
                    .await?;
                }
                let promoted = Role::Owner.as_str();
                db.exec(
                    set_role,
                    params![app as i64, &group_id, &new_owner, promoted],
                )
                .await?;
                db.exec(
                    "UPDATE chat_groups SET owner = $3 WHERE sdkappid = $1 AND group_id = $2",
                    params![app as i64, &group_id, &new_owner],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }

    async fn mute(&self, app: u64, group_id: &str, ids: &[String], until: i64) -> StoreResult<()> {
        let group_id = group_id.to_string();
        let ids = ids.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::lock_group(&mut db, app, &group_id).await?;
                for id in &ids {
                    db.exec(
                        "UPDATE members SET shut_up_until = $4 \
                         WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
                        params![app as i64, &group_id, id, until],
                    )
                    .await?;
                    Self::save_mute(&mut db, app, &group_id, id, until).await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn muted(&self, app: u64, group_id: &str, now: i64) -> StoreResult<Vec<(String, i64)>> {
        let group_id = group_id.to_string();
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let rows = db
                    .all(
                        "SELECT user_id, shut_up_until FROM members WHERE sdkappid = $1 \
                         AND group_id = $2 AND shut_up_until > $3 ORDER BY join_serial",
                        params![app as i64, &group_id, now],
                    )
                    .await?;
                rows.iter().map(|r| Ok((r.text(0)?, r.int(1)?))).collect()
            })
        })
        .await
    }

    async fn recall(&self, app: u64, group_id: &str, seqs: &[i64]) -> StoreResult<Vec<bool>> {
        let group_id = group_id.to_string();
        let seqs = seqs.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::lock_group(&mut db, app, &group_id).await?;
                let mut out = Vec::with_capacity(seqs.len());
                for &seq in &seqs {
                    let n = db
                        .exec(
                            "UPDATE messages SET place = $4 \
                             WHERE sdkappid = $1 AND group_id = $2 AND seq = $3",
                            params![app as i64, &group_id, seq, PLACE_RECALLED],
                        )
                        .await?;
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
        let group_id = group_id.to_string();
        let sender = sender.to_string();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::lock_group(&mut db, app, &group_id).await?;
                // The sender's messages by their seqs, found through message_randoms (keyed by
                // sender): the cost follows the sender's messages, not the group's history.
                db.exec(
                    "UPDATE messages SET place = $4 WHERE sdkappid = $1 AND group_id = $2 \
                     AND place = 0 AND seq IN (SELECT seq FROM message_randoms \
                     WHERE sdkappid = $1 AND group_id = $2 AND from_account = $3)",
                    params![app as i64, &group_id, &sender, PLACE_DELETED],
                )
                .await
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
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let type_filter = group_type.map(GroupType::as_str).unwrap_or("");
                let filter = "sdkappid = $1 AND destroyed = 0 AND ($2 = '' OR group_type = $2)";
                let total = db
                    .int(
                        &format!("SELECT COUNT(*) FROM chat_groups WHERE {filter}"),
                        params![app as i64, type_filter],
                    )
                    .await?;
                let rows = db
                    .all(
                        &format!(
                            "SELECT group_id FROM chat_groups WHERE {filter} \
                             ORDER BY created_at, group_id LIMIT $3 OFFSET $4"
                        ),
                        params![app as i64, type_filter, limit, offset],
                    )
                    .await?;
                let ids = rows.iter().map(|r| r.text(0)).collect::<StoreResult<_>>()?;
                Ok((total, ids))
            })
        })
        .await
    }

    async fn close(&self) {
        match &self.backend {
            Backend::Sqlite { writes, readers } => {
                writes.close().await;
                readers.close();
            }
            Backend::Postgres(pool) => pool.close().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_profiles_decode_alike_with_and_without_the_shortcut() {
        let empty = to_json(&MemberProfile::default());
        assert_eq!(member_profile(&empty).ok(), Some(MemberProfile::default()));
        let full = MemberProfile {
            name_card: "card".into(),
            app_member_defined_data: vec![KeyValue {
                key: "k".into(),
                value: "v".into(),
            }],
        };
        assert_eq!(member_profile(&to_json(&full)).ok(), Some(full));
        // Same meaning, other spelling: decoded the long way.
        let spaced = r#"{ "name_card": "", "app_member_defined_data": [] }"#;
        assert_eq!(member_profile(spaced).ok(), Some(MemberProfile::default()));
        assert!(member_profile("{").is_err());
    }

    #[test]
    fn unread_types_are_the_types_that_keep_unread() {
        for t in [
            GroupType::Private,
            GroupType::Public,
            GroupType::ChatRoom,
            GroupType::AVChatRoom,
            GroupType::Community,
        ] {
            let listed = UNREAD_TYPES.contains(&format!("'{}'", t.as_str()));
            assert_eq!(listed, t.supports_unread(), "{t:?}");
        }
    }
}
