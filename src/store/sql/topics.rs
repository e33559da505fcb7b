//! Community topics: the topic rows (profile, counters), members' sparse read marks in them,
//! and a topic's messages and mutes, kept in `messages` / `mutes` under the topic id.
//!
//! No operation writes a row per member: a member without a read mark in a topic counts every
//! counted message of the topic since its creation (or its last import) as unread; a mark is
//! written only for the sender of a message.

use super::SqlStore;
use super::messages::plan_import;
use crate::domain::message::check_import_times;
use crate::domain::refusal::Refusal;
use crate::domain::sending::{Sender, check_may_send};
use crate::domain::topic::{check_topic_count, has_topics};
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
struct Membership {
    row: MemberRow,
    serial: i64,
}

impl SqlStore {
    /// The live group, if it has topics. Writes read it shared: destroying the group waits.
    async fn topic_group(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        write: bool,
    ) -> StoreResult<GroupRow> {
        let lock = if write { db.lock_clause(true) } else { "" };
        Self::topic_group_locked(db, app, group_id, lock).await
    }

    /// [`Self::topic_group`] with the group row locked as `lock` says.
    async fn topic_group_locked(
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
    async fn live_topic(
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

    async fn membership(
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
    async fn topic_sender(
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
    async fn may_send_in_topic(
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

    async fn save_topic_counters(
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

    async fn save_topic_mark(
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
    async fn topics_with_marks(
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
    async fn destroy_one(
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

#[async_trait::async_trait]
impl TopicStore for SqlStore {
    async fn create_topic(&self, app: u64, group_id: &str, topic: &NewTopic) -> StoreResult<()> {
        let group_id = group_id.to_string();
        let topic = topic.clone();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                // Exclusive: concurrent creations count the live topics one after another.
                let lock = db.lock_clause(false);
                Self::topic_group_locked(&mut db, app, &group_id, lock).await?;
                let live = db
                    .opt(
                        "SELECT COUNT(*) FROM topics WHERE sdkappid = $1 AND group_id = $2 \
                         AND destroyed = 0",
                        params![app as i64, &group_id],
                    )
                    .await?
                    .map(|r| r.int(0))
                    .transpose()?
                    .unwrap_or(0);
                check_topic_count(live)?;
                // A group created before Community ids could not contain @TOPIC#_ may be named
                // like this topic; they would share the rows kept under the id.
                let group_named_so = db
                    .opt(
                        "SELECT 1 FROM chat_groups WHERE sdkappid = $1 AND group_id = $2",
                        params![app as i64, &topic.topic_id],
                    )
                    .await?
                    .is_some();
                if group_named_so {
                    return Err(StoreError::TopicIdTaken(topic.topic_id));
                }
                let counters = GroupCounters::new();
                let created = db
                    .insert_unique(
                        "INSERT INTO topics (sdkappid, group_id, topic_id, created_at, \
                         last_msg_time, next_msg_seq, counted, reset_rank, profile) \
                         VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8)",
                        params![
                            app as i64,
                            &group_id,
                            &topic.topic_id,
                            topic.created_at,
                            counters.next_msg_seq,
                            counters.counted,
                            counters.reset_rank,
                            to_json(&topic.profile).as_str(),
                        ],
                    )
                    .await?;
                if !created {
                    return Err(StoreError::TopicIdTaken(topic.topic_id));
                }
                Ok(())
            })
        })
        .await
    }

    async fn topic(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
    ) -> StoreResult<(GroupRow, TopicRow)> {
        let (group_id, topic_id) = (group_id.to_string(), topic_id.to_string());
        self.read(move |mut db: Db<'_>| {
            Box::pin(
                async move { Self::live_topic(&mut db, app, &group_id, &topic_id, false).await },
            )
        })
        .await
    }

    async fn topics_seen_by(
        &self,
        app: u64,
        group_id: &str,
        user: &str,
        ids: Option<&[String]>,
    ) -> StoreResult<TopicsView> {
        let (group_id, user) = (group_id.to_string(), user.to_string());
        let ids = ids.map(<[String]>::to_vec);
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let group = Self::topic_group(&mut db, app, &group_id, false).await?;
                let member = Self::membership(&mut db, app, &group_id, &user).await?;
                // A non-member's marks are not read: -1 is no membership's serial.
                let serial = member.as_ref().map_or(-1, |m| m.serial);
                let who = (group_id.as_str(), user.as_str(), serial);
                let topics = Self::topics_with_marks(&mut db, app, who, ids.as_deref()).await?;
                Ok(TopicsView {
                    group,
                    member: member.map(|m| m.row),
                    topics,
                })
            })
        })
        .await
    }

    async fn update_topic(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        edit: TopicEdit,
    ) -> StoreResult<()> {
        let (group_id, topic_id) = (group_id.to_string(), topic_id.to_string());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let (_, mut topic) =
                    Self::live_topic(&mut db, app, &group_id, &topic_id, true).await?;
                edit(&mut topic.profile);
                db.exec(
                    "UPDATE topics SET profile = $4 \
                     WHERE sdkappid = $1 AND group_id = $2 AND topic_id = $3",
                    params![
                        app as i64,
                        &group_id,
                        &topic_id,
                        to_json(&topic.profile).as_str()
                    ],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }

    async fn destroy_topics(
        &self,
        app: u64,
        group_id: &str,
        ids: &[String],
    ) -> StoreResult<Vec<TopicDestroy>> {
        let group_id = group_id.to_string();
        let ids = ids.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::topic_group(&mut db, app, &group_id, true).await?;
                // Rows are locked in id order, whatever the request's order, so that two calls
                // naming the same topics cannot deadlock; a repeated id answers as its first.
                let mut unique: Vec<&String> = ids.iter().collect();
                unique.sort();
                unique.dedup();
                let mut done = std::collections::HashMap::with_capacity(unique.len());
                for id in unique {
                    let d = Self::destroy_one(&mut db, app, &group_id, id).await?;
                    done.insert(id.as_str(), d);
                }
                Ok(ids
                    .iter()
                    .map(|id| {
                        done.get(id.as_str())
                            .copied()
                            .unwrap_or(TopicDestroy::NotFound)
                    })
                    .collect())
            })
        })
        .await
    }

    async fn check_topic_sender(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        user: &str,
        is_app_admin: bool,
        now: i64,
    ) -> StoreResult<()> {
        let (group_id, topic_id, user) =
            (group_id.to_string(), topic_id.to_string(), user.to_string());
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let (group, topic) =
                    Self::live_topic(&mut db, app, &group_id, &topic_id, false).await?;
                let pair = (&group, &topic);
                Self::may_send_in_topic(&mut db, app, pair, &user, is_app_admin, now).await?;
                Ok(())
            })
        })
        .await
    }

    async fn send_topic_message(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        msg: &NewMessage,
        sender_is_app_admin: bool,
    ) -> StoreResult<Stored> {
        let (group_id, topic_id) = (group_id.to_string(), topic_id.to_string());
        let msg = msg.clone();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let (group, topic) =
                    Self::live_topic(&mut db, app, &group_id, &topic_id, true).await?;
                let (from, admin) = (msg.from_account.as_str(), sender_is_app_admin);
                // setnospeaking's group mute holds in every topic, as in the group itself.
                if Self::group_muted_in(&mut db, app, from, msg.time).await? {
                    return Err(StoreError::Refused(Refusal::GloballyMuted));
                }
                let pair = (&group, &topic);
                let sender =
                    Self::may_send_in_topic(&mut db, app, pair, from, admin, msg.time).await?;
                if let Some(original) = Self::find_duplicate(&mut db, app, &topic_id, &msg).await? {
                    return Ok(original);
                }
                let seq = topic.counters.next_msg_seq;
                let counters = topic.counters.after_message(msg.counts);
                Self::insert_message(&mut db, app, &topic_id, seq, &msg).await?;
                let last = topic.last_msg_time.max(msg.time);
                Self::save_topic_counters(&mut db, app, &group_id, &topic_id, counters, last)
                    .await?;
                // The sender's own message does not count for the sender.
                if let Some((member, sender)) = sender {
                    let unread = topic.counters.unread(sender.mark, true);
                    let mark = counters.mark_with_unread(unread);
                    let who = (from, member.serial);
                    Self::save_topic_mark(&mut db, app, (&group_id, &topic_id), who, mark).await?;
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

    async fn import_topic_messages(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        msgs: &[NewMessage],
        now: i64,
    ) -> StoreResult<Vec<ImportedMsg>> {
        let (group_id, topic_id) = (group_id.to_string(), topic_id.to_string());
        let msgs = msgs.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let (_, topic) = Self::live_topic(&mut db, app, &group_id, &topic_id, true).await?;
                let times: Vec<i64> = msgs.iter().map(|m| m.time).collect();
                let time_ok =
                    check_import_times(topic.created_at, topic.last_msg_time, &times, now);
                let stored = Self::stored_duplicates(&mut db, app, &topic_id, &msgs).await?;
                let plan = plan_import(&msgs, time_ok, stored, topic.counters);
                Self::insert_messages(&mut db, app, &topic_id, &plan.new).await?;
                if plan.counters != topic.counters {
                    let last = plan
                        .new
                        .iter()
                        .map(|(m, _)| m.time)
                        .fold(topic.last_msg_time, i64::max);
                    // As in a group: importing sets every member's unread count in it to 0.
                    let counters = plan.counters.after_unread_reset();
                    Self::save_topic_counters(&mut db, app, &group_id, &topic_id, counters, last)
                        .await?;
                }
                Ok(plan.results)
            })
        })
        .await
    }

    async fn recall_in_topic(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        seqs: &[i64],
    ) -> StoreResult<Vec<bool>> {
        let (group_id, topic_id) = (group_id.to_string(), topic_id.to_string());
        let seqs = seqs.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::live_topic(&mut db, app, &group_id, &topic_id, true).await?;
                Self::recall_seqs(&mut db, app, &topic_id, &seqs).await
            })
        })
        .await
    }

    async fn delete_topic_messages_by_sender(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        sender: &str,
    ) -> StoreResult<u64> {
        let (group_id, topic_id) = (group_id.to_string(), topic_id.to_string());
        let sender = sender.to_string();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::live_topic(&mut db, app, &group_id, &topic_id, true).await?;
                Self::delete_sender_messages(&mut db, app, &topic_id, &sender).await
            })
        })
        .await
    }

    async fn mute_in_topic(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        ids: &[String],
        until: i64,
    ) -> StoreResult<()> {
        let (group_id, topic_id) = (group_id.to_string(), topic_id.to_string());
        let ids = ids.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::live_topic(&mut db, app, &group_id, &topic_id, true).await?;
                for id in &ids {
                    Self::save_mute(&mut db, app, &topic_id, id, until).await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn topic_muted(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        now: i64,
    ) -> StoreResult<Vec<(String, i64)>> {
        let (group_id, topic_id) = (group_id.to_string(), topic_id.to_string());
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::live_topic(&mut db, app, &group_id, &topic_id, false).await?;
                // Mutes outlive membership; the list shows the members' only.
                db.map_all(
                    "SELECT mu.user_id, mu.until FROM mutes mu JOIN members m \
                     ON m.sdkappid = mu.sdkappid AND m.group_id = $2 AND m.user_id = mu.user_id \
                     WHERE mu.sdkappid = $1 AND mu.group_id = $3 AND mu.until > $4 \
                     ORDER BY m.join_serial",
                    params![app as i64, &group_id, &topic_id, now],
                    |r| Ok((r.text(0)?, r.int(1)?)),
                )
                .await
            })
        })
        .await
    }
}
