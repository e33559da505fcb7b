//! Broadcasts to every AVChatRoom of an app (send_broadcast_msg). AVChatRoom keeps no history,
//! so nothing is written per group: the app's broadcast seq, and the broadcasts of the
//! de-duplication window (older ones are pruned as new ones arrive).

use super::SqlStore;
use crate::domain::message::DEDUP_WINDOW_SECS;
use crate::store::db::{Db, params};
use crate::store::*;

#[async_trait::async_trait]
impl BroadcastStore for SqlStore {
    async fn broadcast(&self, app: u64, b: &NewBroadcast) -> StoreResult<i64> {
        let b = b.clone();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let app = app as i64;
                db.exec(
                    "INSERT INTO broadcast_seqs (sdkappid, last_seq) VALUES ($1, 0) \
                     ON CONFLICT (sdkappid) DO NOTHING",
                    params![app],
                )
                .await?;
                // The app's counter row is the lock: two equal broadcasts at once cannot both
                // miss each other.
                let lock = db.lock_clause(false);
                let last = db
                    .int(
                        &format!("SELECT last_seq FROM broadcast_seqs WHERE sdkappid = $1{lock}"),
                        params![app],
                    )
                    .await?;
                let first = db
                    .opt(
                        "SELECT seq FROM broadcasts WHERE sdkappid = $1 AND random = $2 \
                         AND digest = $3 AND msg_time >= $4 ORDER BY seq LIMIT 1",
                        params![
                            app,
                            b.random,
                            b.digest.as_slice(),
                            b.time - DEDUP_WINDOW_SECS
                        ],
                    )
                    .await?;
                if let Some(r) = first {
                    return r.int(0);
                }
                let seq = last + 1;
                db.exec(
                    "UPDATE broadcast_seqs SET last_seq = $2 WHERE sdkappid = $1",
                    params![app, seq],
                )
                .await?;
                db.exec(
                    "DELETE FROM broadcasts WHERE sdkappid = $1 AND msg_time < $2",
                    params![app, b.time - DEDUP_WINDOW_SECS],
                )
                .await?;
                db.exec(
                    "INSERT INTO broadcasts (sdkappid, msg_time, seq, random, digest) \
                     VALUES ($1, $2, $3, $4, $5)",
                    params![app, b.time, seq, b.random, b.digest.as_slice()],
                )
                .await?;
                Ok(seq)
            })
        })
        .await
    }
}
