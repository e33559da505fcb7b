//! PostgreSQL's form of storing one-to-one messages: one statement (data-modifying CTEs over
//! `unnest` arrays) stores a message for any number of recipients and updates every
//! conversation and unread total it touches, in one round trip instead of five per recipient.
//! SQLite runs the same steps one row at a time on its writer (`store/sql/c2c.rs`).

use std::sync::LazyLock;

use sqlx::{AssertSqlSafe, PgConnection};

use crate::domain::c2c::{MsgKey, Pair};
use crate::domain::message::DEDUP_WINDOW_SECS;
use crate::store::{NewC2cMessage, StoreResult};

/// How a message changes a conversation row that exists (its new values in `excluded`): the
/// newest message; the place in the list when listed (not NoLastMsg); the counters by
/// increments, a counted message arriving read when it is not newer than the read mark.
pub const CONVERSATION_SET: &str = "ON CONFLICT (sdkappid, owner, kind, peer) DO UPDATE SET \
     listed = GREATEST(conversations.listed, excluded.listed), \
     last_time = CASE WHEN excluded.listed = 1 \
         THEN GREATEST(conversations.last_time, excluded.newest_time) \
         ELSE conversations.last_time END, \
     newest_time = GREATEST(conversations.newest_time, excluded.newest_time), \
     counted = conversations.counted + excluded.counted, \
     read_count = conversations.read_count + CASE WHEN excluded.counted = 1 \
         AND excluded.newest_time <= conversations.read_time THEN 1 ELSE 0 END, \
     newest_counted_time = GREATEST(conversations.newest_counted_time, \
         excluded.newest_counted_time)";

/// One message for many recipients (see [`store_for`]).
static STORE_FOR_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH r AS (SELECT * FROM unnest($2::text[], $3::text[], $4::bigint[]) \
             AS r(lo, hi, from_lo)), \
         msg AS (INSERT INTO c2c_messages (sdkappid, user_lo, user_hi, msg_time, msg_seq, random, \
             from_lo, counts, sender_keeps, msg_body, cloud_custom_data, sent) \
             SELECT $1, lo, hi, $5, $6, $7, from_lo, $8, $9, $10, $11, $14 FROM r \
             WHERE $14 = 0 OR (NOT EXISTS (SELECT 1 FROM c2c_messages m WHERE m.sdkappid = $1 \
                 AND m.user_lo = r.lo AND m.user_hi = r.hi AND m.random = $7 \
                 AND m.from_lo = r.from_lo AND m.sent = 1 \
                 AND m.msg_time >= $5 - $15 AND m.msg_time <= $5 + $15) \
               AND NOT EXISTS (SELECT 1 FROM blocklist b WHERE b.sdkappid = $1 \
                 AND b.owner = CASE WHEN r.from_lo = 1 THEN r.hi ELSE r.lo END \
                 AND b.blocked = $12) \
               AND NOT EXISTS (SELECT 1 FROM nospeaking n WHERE n.sdkappid = $1 \
                 AND n.user_id = $12 AND n.c2c_until > $5)) \
             ON CONFLICT DO NOTHING \
             RETURNING CASE WHEN from_lo = 1 THEN user_hi ELSE user_lo END AS peer), \
         sides AS (SELECT $12::text AS owner, peer, 0::bigint AS counts FROM msg WHERE $9 = 1 \
             UNION ALL SELECT peer AS owner, $12::text AS peer, $8::bigint AS counts FROM msg), \
         conv AS (INSERT INTO conversations (sdkappid, owner, kind, peer, listed, last_time, \
             newest_time, counted, read_count, read_time, newest_counted_time, cleared_time) \
             SELECT $1, owner, 1, peer, $13, CASE WHEN $13 = 1 THEN $5 ELSE 0 END, $5, counts, 0, \
             0, CASE WHEN counts = 1 THEN $5 ELSE 0 END, 0 FROM sides ORDER BY owner, peer \
             {CONVERSATION_SET} RETURNING owner, peer, read_time), \
         tot AS (INSERT INTO c2c_unread_totals (sdkappid, user_id, unread) \
             SELECT $1, owner, 1 FROM conv WHERE peer = $12 AND $8 = 1 AND $5 > read_time \
             ORDER BY owner \
             ON CONFLICT (sdkappid, user_id) DO UPDATE SET unread = c2c_unread_totals.unread + 1) \
         SELECT peer FROM msg"
    )
});

/// Stores `msg` for each of `to` (`msg.to` is ignored), skipping a recipient whose
/// conversation holds the message's key already, and returns the recipients it was stored for.
/// `sent` marks a send rather than an import: it is found by later repeat checks, and is not
/// stored for a recipient who got one with the same MsgRandom from the sender within
/// [`DEDUP_WINDOW_SECS`] (the caller looks the first one up), nor for one who blocked the
/// sender, nor at all while setnospeaking mutes the sender's one-to-one messages.
///
/// Rows are locked in one order by every writer: conversation rows by (owner, peer), then
/// unread totals by account, so concurrent sends in both directions cannot deadlock. A counted
/// message is unread when it is newer than the recipient's read mark, read in the same row
/// update that counts it.
pub async fn store_for(
    conn: &mut PgConnection,
    app: u64,
    msg: &NewC2cMessage,
    to: &[String],
    sent: bool,
) -> StoreResult<Vec<String>> {
    let pairs: Vec<Pair> = to.iter().map(|t| Pair::new(&msg.from, t)).collect();
    let lo: Vec<&str> = pairs.iter().map(|p| p.lo).collect();
    let hi: Vec<&str> = pairs.iter().map(|p| p.hi).collect();
    let from_lo: Vec<i64> = pairs.iter().map(|p| i64::from(p.lo == msg.from)).collect();
    let key = msg.key;
    Ok(sqlx::query_scalar(AssertSqlSafe(STORE_FOR_SQL.as_str()))
        .bind(app as i64)
        .bind(&lo)
        .bind(&hi)
        .bind(&from_lo)
        .bind(key.time)
        .bind(i64::from(key.seq))
        .bind(i64::from(key.random))
        .bind(i64::from(msg.counts))
        .bind(i64::from(msg.sender_keeps))
        .bind(msg.msg_body.as_slice())
        .bind(msg.cloud_custom_data.as_deref())
        .bind(&msg.from)
        .bind(i64::from(msg.updates_conversation))
        .bind(i64::from(sent))
        .bind(DEDUP_WINDOW_SECS)
        .fetch_all(&mut *conn)
        .await?)
}

/// For each recipient, the key of a message `msg.from` sent them with the same MsgRandom within
/// `window` seconds of `msg`, if any: one statement for a whole batch.
pub async fn repeats(
    conn: &mut PgConnection,
    app: u64,
    msg: &NewC2cMessage,
    to: &[String],
    window: i64,
) -> StoreResult<Vec<Option<MsgKey>>> {
    let pairs: Vec<Pair> = to.iter().map(|t| Pair::new(&msg.from, t)).collect();
    let lo: Vec<&str> = pairs.iter().map(|p| p.lo).collect();
    let hi: Vec<&str> = pairs.iter().map(|p| p.hi).collect();
    let from_lo: Vec<i64> = pairs.iter().map(|p| i64::from(p.lo == msg.from)).collect();
    let idx: Vec<i32> = (0..to.len() as i32).collect();
    let rows: Vec<(i32, i64, i64, i64)> = sqlx::query_as(
        "SELECT DISTINCT ON (r.idx) r.idx, m.msg_time, m.msg_seq, m.random \
         FROM unnest($2::text[], $3::text[], $4::bigint[], $5::int[]) AS r(lo, hi, from_lo, idx) \
         JOIN c2c_messages m ON m.sdkappid = $1 AND m.user_lo = r.lo AND m.user_hi = r.hi \
         AND m.msg_time >= $6 AND m.msg_time <= $7 AND m.random = $8 AND m.from_lo = r.from_lo \
         AND m.sent = 1 \
         ORDER BY r.idx, m.msg_time, m.msg_seq",
    )
    .bind(app as i64)
    .bind(&lo)
    .bind(&hi)
    .bind(&from_lo)
    .bind(&idx)
    .bind(msg.key.time - window)
    .bind(msg.key.time + window)
    .bind(i64::from(msg.key.random))
    .fetch_all(&mut *conn)
    .await?;
    let mut found = vec![None; to.len()];
    for (i, time, seq, random) in rows {
        let (Ok(seq), Ok(random)) = (u32::try_from(seq), u32::try_from(random)) else {
            continue;
        };
        if let Some(slot) = found.get_mut(i as usize) {
            *slot = Some(MsgKey { time, seq, random });
        }
    }
    Ok(found)
}
