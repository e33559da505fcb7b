//! Community topics (TopicStore): the topic rows (profile, counters), members' sparse read marks
//! in them, and a topic's messages and mutes, kept in `messages` / `mutes` under the topic id.
//! The row-level pieces are in [`super::topic_rows`].
//!
//! No operation writes a row per member: a member without a read mark in a topic counts every
//! counted message of the topic since its creation (or its last import) as unread; a mark is
//! written only for the sender of a message.

use super::SqlStore;
use super::messages::plan_import;
use crate::domain::message::check_import_times;
use crate::domain::refusal::Refusal;
use crate::domain::topic::check_topic_count;
use crate::domain::unread::GroupCounters;
use crate::store::db::{Db, params};
use crate::store::schema::*;
use crate::store::*;

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
                let pair = (&group, &topic);
                let sender =
                    Self::may_send_in_topic(&mut db, app, pair, from, admin, msg.time).await?;
                if let Some(original) = Self::find_duplicate(&mut db, app, &topic_id, &msg).await? {
                    return Ok(original);
                }
                // setnospeaking's group mute holds in every topic, as in the group itself; like
                // there, it refuses new messages only (a retry answers the stored one above).
                if Self::group_muted_in(&mut db, app, from, msg.time).await? {
                    return Err(StoreError::Refused(Refusal::GloballyMuted));
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
