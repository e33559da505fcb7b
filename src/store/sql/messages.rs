//! Group messages: sending (with Random de-duplication), importing history, reading it,
//! recalling and deleting.

use super::SqlStore;
use crate::domain::group::Role;
use crate::domain::message::{DEDUP_WINDOW_SECS, check_import_times};
use crate::domain::nospeaking;
use crate::domain::refusal::Refusal;
use crate::domain::sending::{Sender, check_may_send};
use crate::domain::unread::{GroupCounters, ReadMark};
use crate::store::StoreError;
use crate::store::db::{Db, params};
use crate::store::model::*;
use crate::store::postgres::statements;
use crate::store::schema::*;
use crate::store::*;

/// Whether `later` repeats `earlier`: the same sender and Random within the de-duplication
/// window.
fn is_duplicate(earlier: &NewMessage, later: &NewMessage) -> bool {
    earlier.from_account == later.from_account
        && earlier.random == later.random
        && (earlier.time - later.time).abs() <= DEDUP_WINDOW_SECS
}

/// What an import stores, decided before anything is written: each message's outcome, the
/// messages to insert with their seqs, and the counters after them.
pub(super) struct ImportPlan<'m> {
    pub results: Vec<ImportedMsg>,
    pub new: Vec<(&'m NewMessage, i64)>,
    pub counters: GroupCounters,
}

/// Plans an import into a seq space (a group or a topic) whose counters are `counters`:
/// `time_ok` says which messages pass the time rules, `already_stored` the copies found stored.
pub(super) fn plan_import(
    msgs: &[NewMessage],
    time_ok: Vec<bool>,
    already_stored: Vec<Option<Stored>>,
    mut counters: GroupCounters,
) -> ImportPlan<'_> {
    let mut results = Vec::with_capacity(msgs.len());
    // Messages of this call to store, with the seq each gets.
    let mut new: Vec<(&NewMessage, i64)> = Vec::with_capacity(msgs.len());
    for ((msg, ok), stored) in msgs.iter().zip(time_ok).zip(already_stored) {
        // A repeat first, whatever its time: a retried call gets its messages' seqs back
        // although they are older than the newest message by now. The original is the
        // earliest copy, stored before or earlier in this call.
        let in_this_call = new
            .iter()
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
        results.push(ImportedMsg::Stored(Stored {
            seq,
            time: msg.time,
            duplicate: false,
        }));
    }
    ImportPlan {
        results,
        new,
        counters,
    }
}

impl SqlStore {
    /// What a send checks, in one statement (one round trip on PostgreSQL): the live group,
    /// locked; the sender's membership, as far as sending needs it; the sender's global mute
    /// (refused here, unless the message repeats one stored); and the earlier message with
    /// the same sender and Random within the dedup window, if any.
    pub(super) async fn send_context(
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
              AND r.msg_time <= $6 LIMIT 1), \
             (SELECT n.group_until FROM nospeaking n WHERE n.sdkappid = $1 AND n.user_id = $3) \
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
                let muted_until = r.opt_int(at + 5)?.unwrap_or(0);
                Ok((group, sender, r.opt_int(at + 4)?, muted_until))
            })
            .await?;
        let Some((group, sender, duplicate_seq, muted_until)) = rows.into_iter().next() else {
            return Err(StoreError::GroupNotFound(group_id.to_string()));
        };
        if group.destroyed {
            return Err(StoreError::GroupNotFound(group_id.to_string()));
        }
        let duplicate = match duplicate_seq {
            // Rare: the original's time is read only for a duplicate.
            Some(_) => Self::find_duplicate(db, app, group_id, msg).await?,
            None => None,
        };
        // The global mute refuses new messages only: a retry of one stored before the mute
        // answers that message, as Tencent's de-duplication does.
        if duplicate.is_none() && nospeaking::holds(muted_until, msg.time) {
            return Err(StoreError::Refused(Refusal::GloballyMuted));
        }
        Ok((group, sender, duplicate))
    }

    /// The earlier message with the same sender and Random within the dedup window, if any.
    pub(super) async fn find_duplicate(
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
    pub(super) async fn stored_duplicates(
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
        statements::stored_duplicates(conn, app, group_id, msgs).await
    }

    /// Stores imported messages with their seqs: one statement on PostgreSQL.
    pub(super) async fn insert_messages(
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
        statements::insert_messages(conn, app, group_id, new).await
    }

    pub(super) async fn insert_message(
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
    pub(super) async fn write_sent(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        msg: &NewMessage,
        sent: SentMessage,
    ) -> StoreResult<()> {
        if let Db::Pg(conn) = db {
            return statements::write_sent(conn, app, group_id, msg, &sent).await;
        }
        Self::insert_message(db, app, group_id, sent.seq, msg).await?;
        let contact = msg.updates_contacts.then_some((msg.time, sent.seq));
        let (counters, last) = (sent.counters, sent.last_msg_time);
        Self::save_counters(db, app, group_id, counters, last, contact).await?;
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
        Ok(())
    }

    /// Recalls messages of a seq space (a group or a topic) by seq; for each, whether it exists.
    pub(super) async fn recall_seqs(
        db: &mut Db<'_>,
        app: u64,
        space: &str,
        seqs: &[i64],
    ) -> StoreResult<Vec<bool>> {
        let mut out = Vec::with_capacity(seqs.len());
        for &seq in seqs {
            // Only a message still in place: one recalled or deleted before is not found again
            // (10030), as the repeat of a destructive call answers.
            let n = db
                .exec(
                    "UPDATE messages SET place = $4 \
                     WHERE sdkappid = $1 AND group_id = $2 AND seq = $3 AND place = 0",
                    params![app as i64, space, seq, PLACE_RECALLED],
                )
                .await?;
            out.push(n > 0);
        }
        Ok(out)
    }

    /// Deletes every message of `sender` in a seq space (a group or a topic); how many.
    pub(super) async fn delete_sender_messages(
        db: &mut Db<'_>,
        app: u64,
        space: &str,
        sender: &str,
    ) -> StoreResult<u64> {
        // The sender's messages by their seqs, found through message_randoms (keyed by
        // sender): the cost follows the sender's messages, not the group's history.
        db.exec(
            "UPDATE messages SET place = $4 WHERE sdkappid = $1 AND group_id = $2 \
             AND place = 0 AND seq IN (SELECT seq FROM message_randoms \
             WHERE sdkappid = $1 AND group_id = $2 AND from_account = $3)",
            params![app as i64, space, sender, PLACE_DELETED],
        )
        .await
    }

    pub(super) async fn save_counters(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        counters: GroupCounters,
        last_msg_time: i64,
        contact: Option<(i64, i64)>,
    ) -> StoreResult<()> {
        // The group's conversation moves to the newest message that updates conversations.
        let (contact_time, contact_seq) = contact.unwrap_or((0, 0));
        db.exec(
            "UPDATE chat_groups SET next_msg_seq = $3, counted = $4, reset_rank = $5, \
             last_msg_time = $6, contact_time = CASE WHEN $7 > contact_time THEN $7 \
             ELSE contact_time END, contact_seq = CASE WHEN $8 > contact_seq THEN $8 \
             ELSE contact_seq END WHERE sdkappid = $1 AND group_id = $2",
            params![
                app as i64,
                group_id,
                counters.next_msg_seq,
                counters.counted,
                counters.reset_rank,
                last_msg_time,
                contact_time,
                contact_seq,
            ],
        )
        .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl MessageStore for SqlStore {
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
                check_may_send(
                    group.profile.shut_up_all,
                    sender,
                    sender_is_app_admin,
                    msg.time,
                )?;
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
                if msg.need_receipt && group.group_type.supports_receipts() {
                    let sender_is_member = sender.is_some();
                    Self::open_receipts(&mut db, app, &group_id, &msg, seq, sender_is_member)
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
                let plan = plan_import(&msgs, time_ok, already_stored, group.counters);
                let (results, new, counters) = (plan.results, plan.new, plan.counters);
                let last_time = new
                    .iter()
                    .map(|(m, _)| m.time)
                    .fold(group.last_msg_time, i64::max);
                Self::insert_messages(&mut db, app, &group_id, &new).await?;
                if counters != group.counters {
                    // Documented: importing messages sets every member's unread count to 0.
                    let counters = counters.after_unread_reset();
                    let contact = new
                        .iter()
                        .filter(|(m, _)| m.updates_contacts)
                        .map(|(m, seq)| (m.time, *seq))
                        .max();
                    Self::save_counters(&mut db, app, &group_id, counters, last_time, contact)
                        .await?;
                }
                Ok(results)
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

    async fn recall(&self, app: u64, group_id: &str, seqs: &[i64]) -> StoreResult<Vec<bool>> {
        let group_id = group_id.to_string();
        let seqs = seqs.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::lock_group(&mut db, app, &group_id).await?;
                Self::recall_seqs(&mut db, app, &group_id, &seqs).await
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
                Self::delete_sender_messages(&mut db, app, &group_id, &sender).await
            })
        })
        .await
    }
}
