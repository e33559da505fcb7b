//! PostgreSQL's own forms of statements the shared SQL runs one row at a time on SQLite: array
//! parameters (`unnest`) and data-modifying CTEs, so that a call costs one round trip.

use sqlx::PgConnection;

use crate::domain::message::DEDUP_WINDOW_SECS;
use crate::store::db::{Db, params};
use crate::store::schema::SentMessage;
use crate::store::{NewMessage, StoreResult, Stored};

/// Of `ids` (sorted), those that are imported accounts, their rows locked against deletion in
/// that order (`FOR KEY SHARE`, taken row by row as the sorted rows come out): one statement
/// for a whole batch of members instead of one per account.
pub async fn lock_existing_accounts(
    conn: &mut PgConnection,
    app: u64,
    ids: &[&str],
) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT user_id FROM accounts WHERE sdkappid = $1 AND user_id = ANY($2::text[]) \
         ORDER BY user_id FOR KEY SHARE",
    )
    .bind(app as i64)
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?)
}

/// For each message, the earliest copy already stored (same sender, same Random, within the
/// de-duplication window): one statement for the whole import call.
pub async fn stored_duplicates(
    conn: &mut PgConnection,
    app: u64,
    group_id: &str,
    msgs: &[NewMessage],
) -> StoreResult<Vec<Option<Stored>>> {
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
    .fetch_all(&mut *conn)
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

/// Stores imported messages with their seqs, and their Random entries: one statement.
pub async fn insert_messages(
    conn: &mut PgConnection,
    app: u64,
    group_id: &str,
    new: &[(&NewMessage, i64)],
) -> StoreResult<()> {
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
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A sent message's four writes (the message, its Random entry, the group's counters, the
/// sender's read mark and last-send time) in one statement: one round trip instead of four.
pub async fn write_sent(
    conn: &mut PgConnection,
    app: u64,
    group_id: &str,
    msg: &NewMessage,
    sent: &SentMessage,
) -> StoreResult<()> {
    let mark = sent.sender_mark.unwrap_or_default();
    Db::Pg(conn)
        .exec(
            "WITH msg AS (INSERT INTO messages (sdkappid, group_id, seq, from_account, random, \
         msg_time, priority, counts, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)), \
         rnd AS (INSERT INTO message_randoms (sdkappid, group_id, from_account, random, \
         msg_time, seq) VALUES ($1, $2, $4, $5, $6, $3)), \
         grp AS (UPDATE chat_groups SET next_msg_seq = $10, counted = $11, reset_rank = $12, \
         last_msg_time = $13, contact_time = CASE WHEN $17 > contact_time THEN $17 \
         ELSE contact_time END, contact_seq = CASE WHEN $17 > 0 THEN $3 ELSE contact_seq END \
         WHERE sdkappid = $1 AND group_id = $2) \
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
                contact_time(msg),
            ],
        )
        .await?;
    Ok(())
}

/// The time a message gives its group's conversations, or 0 when it leaves them as they are.
fn contact_time(msg: &NewMessage) -> i64 {
    if msg.updates_contacts { msg.time } else { 0 }
}
