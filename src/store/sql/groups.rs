//! Groups: creation, the group row and its lock, profile edits, ownership, destruction, listing.

use super::SqlStore;
use crate::domain::group::{GroupType, Role};
use crate::domain::unread::GroupCounters;
use crate::store::StoreError;
use crate::store::db::{Db, params};
use crate::store::model::*;
use crate::store::schema::*;
use crate::store::*;

impl SqlStore {
    /// Reads and locks a live group inside a write transaction.
    pub(super) async fn lock_group(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
    ) -> StoreResult<(GroupRow, i64)> {
        let lock = db.lock_clause(false);
        Self::live_group_in(db, app, group_id, lock).await
    }

    /// Reads a live group and keeps it from changing until the transaction ends, without
    /// excluding other operations that only need the same (set_unread_msg_num on one group
    /// from many clients at once).
    pub(super) async fn share_group(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
    ) -> StoreResult<GroupRow> {
        let lock = db.lock_clause(true);
        Ok(Self::live_group_in(db, app, group_id, lock).await?.0)
    }

    /// A live group (GroupNotFound otherwise), with `lock` appended to its SELECT (empty
    /// outside a write transaction).
    pub(super) async fn live_group_in(
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
                    Err(StoreError::GroupNotFound(group_id.to_string()))
                } else {
                    Ok((g, serial))
                }
            }
            None => Err(StoreError::GroupNotFound(group_id.to_string())),
        }
    }
}

#[async_trait::async_trait]
impl GroupStore for SqlStore {
    async fn create_group(&self, app: u64, group: &NewGroup) -> StoreResult<()> {
        let group = group.clone();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                if let Some(id) = Self::missing_accounts(&mut db, app, &group.members)
                    .await?
                    .into_iter()
                    .next()
                {
                    return Err(StoreError::AccountNotFound(id));
                }
                let existing = db
                    .opt(
                        "SELECT destroyed FROM chat_groups WHERE sdkappid = $1 AND group_id = $2",
                        params![app as i64, &group.group_id],
                    )
                    .await?;
                if let Some(r) = existing {
                    return Err(if r.int(0)? != 0 {
                        StoreError::GroupIdTaken {
                            group_id: group.group_id.clone(),
                            destroyed: true,
                        }
                    } else {
                        StoreError::GroupIdTaken {
                            group_id: group.group_id.clone(),
                            destroyed: false,
                        }
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
                    return Err(StoreError::GroupIdTaken {
                        group_id: group.group_id.clone(),
                        destroyed: false,
                    });
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
                    return Err(StoreError::NotMember {
                        group: group_id,
                        user: new_owner,
                    });
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
}
