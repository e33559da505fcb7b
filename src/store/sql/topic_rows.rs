//! The rows under Community topics that the topic commands compose: a topic row, the group
//! and membership a topic operation checks, members' read marks and mutes in topics, and the
//! destruction of one topic. [`super::topics`] builds each command's transaction from these.

use super::SqlStore;
use crate::domain::sending::{Sender, check_may_send};
use crate::domain::topic::has_topics;
use crate::domain::unread::{GroupCounters, ReadMark};
use crate::store::db::{Columns, Db, params};
use crate::store::schema::*;
use crate::store::*;

const TOPIC_COLS: &str = "topic_id, created_at, last_msg_time, next_msg_seq, counted, reset_rank, \
     destroyed, profile";

fn topic_from_row(r: &dyn Columns, at: usize) -> StoreResult<TopicRow> {
    Ok(TopicRow {
        topic_id: r.text(at)?,
        created_at: r.int(at + 1)?,
        last_msg_time: r.int(at + 2)?,
        counters: GroupCounters {
            next_msg_seq: r.int(at + 3)?,
            counted: r.int(at + 4)?,
            reset_rank: r.int(at + 5)?,
            // A topic's history is never cleared (clear_group_msg refuses Community groups).
            cleared_seq: 0,
        },
        destroyed: r.int(at + 6)? != 0,
        profile: serde_json::from_str(r.str(at + 7)?).map_err(|_| corrupt("topic profile"))?,
    })
}

/// A membership with its join serial (which membership a topic read mark belongs to).
pub(super) struct Membership {
    pub(super) row: MemberRow,
    pub(super) serial: i64,
}

impl SqlStore {
    /// The live group, if it has topics. Writes read it shared: destroying the group waits.
    pub(super) async fn topic_group(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        write: bool,
    ) -> StoreResult<GroupRow> {
        let lock = if write { db.lock_clause(true) } else { "" };
        Self::topic_group_locked(db, app, group_id, lock).await
    }

    /// [`Self::topic_group`] with the group row locked as `lock` says.
    pub(super) async fn topic_group_locked(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        lock: &'static str,
    ) -> StoreResult<GroupRow> {
        let (group, _) = Self::live_group_in(db, app, group_id, lock).await?;
        if !has_topics(group.group_type, group.profile.support_topic) {
            return Err(StoreError::TopicsUnsupported(group_id.to_string()));
        }
        Ok(group)
    }

    /// The live group with topics and its live topic (locked for update in writes).
    pub(super) async fn live_topic(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        topic_id: &str,
        write: bool,
    ) -> StoreResult<(GroupRow, TopicRow)> {
        let group = Self::topic_group(db, app, group_id, write).await?;
        let lock = if write { db.lock_clause(false) } else { "" };
        let sql = format!(
            "SELECT {TOPIC_COLS} FROM topics WHERE sdkappid = $1 AND group_id = $2 \
             AND topic_id = $3{lock}"
        );
        let row = db
            .opt(&sql, params![app as i64, group_id, topic_id])
            .await?;
        match row.map(|r| topic_from_row(&r, 0)).transpose()? {
            Some(t) if !t.destroyed => Ok((group, t)),
            found => Err(StoreError::TopicNotFound {
                topic: topic_id.to_string(),
                destroyed: found.is_some(),
            }),
        }
    }

    pub(super) async fn membership(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        user: &str,
    ) -> StoreResult<Option<Membership>> {
        let sql = format!(
            "SELECT {MEMBER_COLS}, join_serial FROM members \
             WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3"
        );
        let Some(r) = db.opt(&sql, params![app as i64, group_id, user]).await? else {
            return Ok(None);
        };
        Ok(Some(Membership {
            row: member_from_row(&r, 0)?,
            serial: r.int(*MEMBER_COL_COUNT)?,
        }))
    }

    /// What sending in a topic needs of `user`: its membership, its read mark in the topic and
    /// the sender as the send rule sees it (muted until the later of its group mute and its
    /// topic mute). None for a non-member.
    pub(super) async fn topic_sender(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        topic_id: &str,
        user: &str,
    ) -> StoreResult<Option<(Membership, Sender)>> {
        let Some(m) = Self::membership(db, app, group_id, user).await? else {
            return Ok(None);
        };
        let row = db
            .opt(
                "SELECT (SELECT until FROM mutes WHERE sdkappid = $1 AND group_id = $3 \
                 AND user_id = $4), \
                 (SELECT unread_base FROM topic_reads WHERE sdkappid = $1 AND group_id = $2 \
                 AND user_id = $4 AND topic_id = $3 AND join_serial = $5), \
                 (SELECT rank_base FROM topic_reads WHERE sdkappid = $1 AND group_id = $2 \
                 AND user_id = $4 AND topic_id = $3 AND join_serial = $5)",
                params![app as i64, group_id, topic_id, user, m.serial],
            )
            .await?
            .ok_or_else(|| StoreError::Internal("a scalar query returned no row".into()))?;
        let topic_mute = row.opt_int(0)?.unwrap_or(0);
        let mark = match (row.opt_int(1)?, row.opt_int(2)?) {
            (Some(unread_base), Some(rank_base)) => ReadMark {
                unread_base,
                rank_base,
            },
            _ => ReadMark::default(),
        };
        let sender = Sender {
            role: m.row.role,
            shut_up_until: m.row.shut_up_until.max(topic_mute),
            mark,
        };
        Ok(Some((m, sender)))
    }

    /// The send rule in a topic: members only (app admins need no membership), group and
    /// topic mutes, and the group's or the topic's mute-all.
    pub(super) async fn may_send_in_topic(
        db: &mut Db<'_>,
        app: u64,
        (group, topic): (&GroupRow, &TopicRow),
        user: &str,
        is_app_admin: bool,
        now: i64,
    ) -> StoreResult<Option<(Membership, Sender)>> {
        let found = Self::topic_sender(db, app, &group.group_id, &topic.topic_id, user).await?;
        if found.is_none() && !is_app_admin {
            return Err(StoreError::NotMember {
                group: group.group_id.clone(),
                user: user.to_string(),
            });
        }
        let all_muted = group.profile.shut_up_all || topic.profile.mute_all;
        check_may_send(all_muted, found.as_ref().map(|f| f.1), is_app_admin, now)?;
        Ok(found)
    }

    pub(super) async fn save_topic_counters(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        topic_id: &str,
        counters: GroupCounters,
        last_msg_time: i64,
    ) -> StoreResult<()> {
        db.exec(
            "UPDATE topics SET next_msg_seq = $4, counted = $5, reset_rank = $6, \
             last_msg_time = $7 WHERE sdkappid = $1 AND group_id = $2 AND topic_id = $3",
            params![
                app as i64,
                group_id,
                topic_id,
                counters.next_msg_seq,
                counters.counted,
                counters.reset_rank,
                last_msg_time,
            ],
        )
        .await?;
        Ok(())
    }

    pub(super) async fn save_topic_mark(
        db: &mut Db<'_>,
        app: u64,
        (group_id, topic_id): (&str, &str),
        (user, serial): (&str, i64),
        mark: ReadMark,
    ) -> StoreResult<()> {
        db.exec(
            "INSERT INTO topic_reads (sdkappid, group_id, user_id, topic_id, join_serial, \
             unread_base, rank_base) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (sdkappid, group_id, user_id, topic_id) DO UPDATE SET \
             join_serial = excluded.join_serial, unread_base = excluded.unread_base, \
             rank_base = excluded.rank_base",
            params![
                app as i64,
                group_id,
                user,
                topic_id,
                serial,
                mark.unread_base,
                mark.rank_base,
            ],
        )
        .await?;
        Ok(())
    }

    /// The group's topics with `user`'s read mark (for membership `serial`) and mute: every
    /// live topic in creation order, or (`ids` given) those of `ids` that exist, destroyed or
    /// not, each found by its key.
    pub(super) async fn topics_with_marks(
        db: &mut Db<'_>,
        app: u64,
        (group_id, user, serial): (&str, &str, i64),
        ids: Option<&[String]>,
    ) -> StoreResult<Vec<TopicSeen>> {
        let topic_cols = qualified(TOPIC_COLS, "t");
        let select = format!(
            "SELECT {topic_cols}, r.unread_base, r.rank_base, mu.until FROM topics t \
             LEFT JOIN topic_reads r ON r.sdkappid = t.sdkappid AND r.group_id = t.group_id \
             AND r.user_id = $3 AND r.topic_id = t.topic_id AND r.join_serial = $4 \
             LEFT JOIN mutes mu ON mu.sdkappid = t.sdkappid AND mu.group_id = t.topic_id \
             AND mu.user_id = $3 WHERE t.sdkappid = $1 AND t.group_id = $2"
        );
        let Some(ids) = ids else {
            let sql = format!("{select} AND t.destroyed = 0 ORDER BY t.created_at, t.topic_id");
            return db
                .map_all(
                    &sql,
                    params![app as i64, group_id, user, serial],
                    seen_from_row,
                )
                .await;
        };
        let sql = format!("{select} AND t.topic_id = $5");
        let mut unique: Vec<&String> = ids.iter().collect();
        unique.sort();
        unique.dedup();
        let mut out = Vec::with_capacity(unique.len());
        for id in unique {
            let found = db
                .map_all(
                    &sql,
                    params![app as i64, group_id, user, serial, id.as_str()],
                    seen_from_row,
                )
                .await?;
            out.extend(found);
        }
        Ok(out)
    }
    /// Destroys one topic of the group; what it found.
    pub(super) async fn destroy_one(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        id: &str,
    ) -> StoreResult<TopicDestroy> {
        let n = db
            .exec(
                "UPDATE topics SET destroyed = 1 WHERE sdkappid = $1 \
                 AND group_id = $2 AND topic_id = $3 AND destroyed = 0",
                params![app as i64, group_id, id],
            )
            .await?;
        if n > 0 {
            return Ok(TopicDestroy::Destroyed);
        }
        let found = db
            .opt(
                "SELECT 1 FROM topics WHERE sdkappid = $1 AND group_id = $2 AND topic_id = $3",
                params![app as i64, group_id, id],
            )
            .await?
            .is_some();
        Ok(if found {
            TopicDestroy::AlreadyDestroyed
        } else {
            TopicDestroy::NotFound
        })
    }
}

/// A topic row of [`SqlStore::topics_with_marks`] with the member's mark and mute after it.
fn seen_from_row(r: &dyn Columns) -> StoreResult<TopicSeen> {
    let at = TOPIC_COLS.split(", ").count();
    let mark = match (r.opt_int(at)?, r.opt_int(at + 1)?) {
        (Some(unread_base), Some(rank_base)) => Some(ReadMark {
            unread_base,
            rank_base,
        }),
        _ => None,
    };
    Ok(TopicSeen {
        topic: topic_from_row(r, 0)?,
        mark,
        muted_until: r.opt_int(at + 2)?.unwrap_or(0),
    })
}
