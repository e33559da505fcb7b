//! Cleared history (clear_group_msg) and group read receipts: a mark on the group row, a row
//! per message that takes receipts and a row per reader. No operation reads or writes more
//! than its answer (or a group of at most 200 members) needs.

use super::SqlStore;
use crate::domain::receipt::MAX_RECEIPT_GROUP;
use crate::domain::refusal::Refusal;
use crate::store::db::{Db, params};
use crate::store::*;

impl SqlStore {
    /// Makes a message just sent (with `NeedReadReceipt`) take receipts, in the send's
    /// transaction, unless the group is over the receipts' size limit. Its audience is the
    /// members then, its sender left out.
    pub(super) async fn open_receipts(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        msg: &NewMessage,
        seq: i64,
        sender_is_member: bool,
    ) -> StoreResult<()> {
        db.exec(
            "INSERT INTO receipt_messages (sdkappid, group_id, seq, from_account, audience, \
             member_serial) SELECT $1, $2, $3, $4, member_num - $5, member_serial \
             FROM chat_groups WHERE sdkappid = $1 AND group_id = $2 AND member_num <= $6",
            params![
                app as i64,
                group_id,
                seq,
                &msg.from_account,
                sender_is_member,
                MAX_RECEIPT_GROUP,
            ],
        )
        .await?;
        Ok(())
    }

    /// The live group (share-locked for a write), refused unless its type keeps receipts.
    async fn receipt_group(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        write: bool,
    ) -> StoreResult<()> {
        let lock = if write { db.lock_clause(true) } else { "" };
        let (group, _) = Self::live_group_in(db, app, group_id, lock).await?;
        if !group.group_type.supports_receipts() {
            return Err(Refusal::NoPermission(
                "read receipts exist only in Work/Private, Public and Meeting/ChatRoom groups"
                    .into(),
            )
            .into());
        }
        Ok(())
    }

    /// A receipt message's sender and the join order its audience ends at.
    async fn receipt_message(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        seq: i64,
    ) -> StoreResult<Option<(String, i64)>> {
        let row = db
            .opt(
                "SELECT from_account, member_serial FROM receipt_messages \
                 WHERE sdkappid = $1 AND group_id = $2 AND seq = $3",
                params![app as i64, group_id, seq],
            )
            .await?;
        row.map(|r| Ok((r.text(0)?, r.int(1)?))).transpose()
    }
}

#[async_trait::async_trait]
impl ReceiptStore for SqlStore {
    async fn clear_history(&self, app: u64, group_id: &str, upto: Option<i64>) -> StoreResult<()> {
        let group_id = group_id.to_string();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let (group, _) = Self::lock_group(&mut db, app, &group_id).await?;
                if !group.group_type.allows_clear_history() {
                    return Err(Refusal::NoPermission(
                        "clear_group_msg does not support Community groups".into(),
                    )
                    .into());
                }
                let latest = group.counters.latest_seq();
                let upto = upto.unwrap_or(latest).clamp(0, latest);
                let counters = group.counters.after_clear(upto);
                db.exec(
                    "UPDATE chat_groups SET cleared_seq = $3 WHERE sdkappid = $1 AND group_id = $2",
                    params![app as i64, &group_id, counters.cleared_seq],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }

    async fn add_receipts(
        &self,
        app: u64,
        group_id: &str,
        reader: &str,
        seqs: &[i64],
    ) -> StoreResult<Vec<i64>> {
        let (group_id, reader, seqs) = (group_id.to_string(), reader.to_string(), seqs.to_vec());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::receipt_group(&mut db, app, &group_id, true).await?;
                let joined = db
                    .opt(
                        "SELECT join_serial FROM members WHERE sdkappid = $1 AND group_id = $2 \
                         AND user_id = $3",
                        params![app as i64, &group_id, &reader],
                    )
                    .await?;
                let Some(joined) = joined else {
                    return Err(StoreError::NotMember {
                        group: group_id.clone(),
                        user: reader.clone(),
                    });
                };
                let joined = joined.int(0)?;
                let (mut found, mut missing) = (Vec::new(), Vec::new());
                for &seq in &seqs {
                    match Self::receipt_message(&mut db, app, &group_id, seq).await? {
                        Some(m) => found.push((seq, m)),
                        None => missing.push(seq),
                    }
                }
                if !missing.is_empty() {
                    return Ok(missing);
                }
                // The sender's own receipt, and one from a member who joined after the
                // message, are not counted: neither is in the message's audience.
                for (seq, (sender, serial)) in found {
                    if sender == reader || joined >= serial {
                        continue;
                    }
                    db.exec(
                        "INSERT INTO receipts (sdkappid, group_id, seq, reader) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                        params![app as i64, &group_id, seq, &reader],
                    )
                    .await?;
                }
                Ok(missing)
            })
        })
        .await
    }

    async fn receipt_counts(
        &self,
        app: u64,
        group_id: &str,
        seqs: &[i64],
    ) -> StoreResult<Vec<Option<ReceiptCount>>> {
        let (group_id, seqs) = (group_id.to_string(), seqs.to_vec());
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::receipt_group(&mut db, app, &group_id, false).await?;
                let mut out = Vec::with_capacity(seqs.len());
                for seq in seqs {
                    let row = db
                        .opt(
                            "SELECT audience, (SELECT COUNT(*) FROM receipts r \
                             WHERE r.sdkappid = $1 AND r.group_id = $2 AND r.seq = $3) \
                             FROM receipt_messages WHERE sdkappid = $1 AND group_id = $2 \
                             AND seq = $3",
                            params![app as i64, &group_id, seq],
                        )
                        .await?;
                    out.push(match row {
                        Some(r) => Some(ReceiptCount {
                            audience: r.int(0)?,
                            read: r.int(1)?,
                        }),
                        None => None,
                    });
                }
                Ok(out)
            })
        })
        .await
    }

    async fn receipt_page(
        &self,
        app: u64,
        group_id: &str,
        seq: i64,
        list: ReceiptList,
        after: Option<&str>,
        limit: i64,
    ) -> StoreResult<Option<ReceiptPage>> {
        let (group_id, after) = (group_id.to_string(), after.map(str::to_string));
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::receipt_group(&mut db, app, &group_id, false).await?;
                let Some((sender, serial)) =
                    Self::receipt_message(&mut db, app, &group_id, seq).await?
                else {
                    return Ok(None);
                };
                let page = match list {
                    ReceiptList::Read => {
                        Self::readers(&mut db, app, &group_id, seq, after, limit).await?
                    }
                    ReceiptList::Unread => {
                        let from = (sender.as_str(), serial);
                        Self::not_read(&mut db, app, &group_id, seq, from, after, limit).await?
                    }
                };
                Ok(Some(page))
            })
        })
        .await
    }
}

impl SqlStore {
    /// Readers of a message by account, after the account `after`.
    async fn readers(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        seq: i64,
        after: Option<String>,
        limit: i64,
    ) -> StoreResult<ReceiptPage> {
        let rows = db
            .all(
                "SELECT reader FROM receipts WHERE sdkappid = $1 AND group_id = $2 AND seq = $3 \
                 AND reader > $4 ORDER BY reader LIMIT $5",
                params![
                    app as i64,
                    group_id,
                    seq,
                    after.as_deref().unwrap_or(""),
                    limit + 1
                ],
            )
            .await?;
        let mut accounts = rows
            .iter()
            .map(|r| r.text(0))
            .collect::<StoreResult<Vec<_>>>()?;
        let more = accounts.len() as i64 > limit;
        accounts.truncate(limit as usize);
        let next = more.then(|| accounts.last().cloned()).flatten();
        Ok(ReceiptPage { accounts, next })
    }

    /// Members of the message's audience (joined before it, not its sender) who have not read
    /// it, in join order, after the join position `after`.
    async fn not_read(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        seq: i64,
        (sender, serial): (&str, i64),
        after: Option<String>,
        limit: i64,
    ) -> StoreResult<ReceiptPage> {
        let after = match after {
            None => -1,
            Some(c) => c.parse::<i64>().map_err(|_| {
                Refusal::Invalid(format!("Cursor {c:?} was not returned by this query"))
            })?,
        };
        let rows = db
            .all(
                "SELECT m.user_id, m.join_serial FROM members m WHERE m.sdkappid = $1 \
                 AND m.group_id = $2 AND m.join_serial > $4 AND m.join_serial < $5 \
                 AND m.user_id <> $6 AND NOT EXISTS (SELECT 1 FROM receipts r \
                 WHERE r.sdkappid = $1 AND r.group_id = $2 AND r.seq = $3 \
                 AND r.reader = m.user_id) ORDER BY m.join_serial LIMIT $7",
                params![app as i64, group_id, seq, after, serial, sender, limit + 1],
            )
            .await?;
        let mut page = Vec::with_capacity(rows.len());
        for r in &rows {
            page.push((r.text(0)?, r.int(1)?));
        }
        let more = page.len() as i64 > limit;
        page.truncate(limit as usize);
        let next = more
            .then(|| page.last().map(|(_, s)| s.to_string()))
            .flatten();
        Ok(ReceiptPage {
            accounts: page.into_iter().map(|(a, _)| a).collect(),
            next,
        })
    }
}
