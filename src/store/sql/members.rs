//! Memberships: adding, paging, editing, removing, muting, read marks (set_unread_msg_num) and
//! the groups an account belongs to.

use super::SqlStore;
use crate::domain::group::{GroupType, MsgFlag, Role};
use crate::domain::unread::ReadMark;
use crate::store::StoreError;
use crate::store::db::{Db, params};
use crate::store::model::*;
use crate::store::schema::*;
use crate::store::*;

/// Which roles a member listing includes.
#[derive(Debug, Clone, Copy)]
pub(super) struct RoleFilter {
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

impl SqlStore {
    pub(super) async fn member_in(
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

    pub(super) async fn insert_member(
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

    pub(super) async fn save_member(
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
    pub(super) async fn save_mute(
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

    /// Removes members of a group locked by the caller (absent ones are ignored) and keeps its
    /// member count and owner right; how many left. Shared by delete_group_member and bans.
    pub(super) async fn remove_members_in(
        db: &mut Db<'_>,
        app: u64,
        group: &GroupRow,
        ids: &[String],
    ) -> StoreResult<usize> {
        let group_id = group.group_id.as_str();
        let mut removed = 0;
        for id in ids {
            removed += db
                .exec(
                    "DELETE FROM members WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
                    params![app as i64, group_id, id],
                )
                .await?;
        }
        let owner_left = !group.owner.is_empty() && ids.contains(&group.owner);
        db.exec(
            "UPDATE chat_groups SET member_num = member_num - $3, \
             owner = CASE WHEN $4 = 1 THEN '' ELSE owner END \
             WHERE sdkappid = $1 AND group_id = $2",
            params![app as i64, group_id, removed as i64, owner_left],
        )
        .await?;
        Ok(removed as usize)
    }

    /// Members in join order, one page, optionally only some roles.
    pub(super) async fn member_page(
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
impl MemberStore for SqlStore {
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

    async fn memberships(
        &self,
        app: u64,
        group_id: &str,
        user_ids: &[String],
    ) -> StoreResult<Vec<Option<MemberRow>>> {
        let group_id = group_id.to_string();
        let user_ids = user_ids.to_vec();
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let mut found = Vec::with_capacity(user_ids.len());
                for user_id in &user_ids {
                    found.push(Self::member_in(&mut db, app, &group_id, user_id).await?);
                }
                Ok(found)
            })
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
        now: i64,
    ) -> StoreResult<Vec<MemberResult>> {
        let group_id = group_id.to_string();
        let members = members.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                // Accounts before the group: the lock order of account_delete. The errors come in
                // the order of Tencent's checks all the same: the group, its type, the accounts.
                let absent = Self::missing_accounts(&mut db, app, &members).await?;
                let (group, mut serial) = Self::lock_group(&mut db, app, &group_id).await?;
                group.group_type.check_takes_members()?;
                if let (MissingAccount::FailCall, Some(id)) = (missing, absent.first()) {
                    return Err(StoreError::AccountNotFound(id.clone()));
                }
                let mut results = Vec::with_capacity(members.len());
                let mut added: Vec<&NewMember> = Vec::new();
                for m in &members {
                    if absent.contains(&m.user_id) {
                        results.push(MemberResult::Failed);
                        continue;
                    }
                    if Self::banned_in(&mut db, app, &group_id, &m.user_id, now).await? {
                        results.push(MemberResult::Banned);
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
                    return Err(StoreError::GroupFull(group_id.clone()));
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
                    .ok_or_else(|| StoreError::NotMember {
                        group: group_id.clone(),
                        user: user_id.clone(),
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
                // On the locked row: the owner is the one at this moment, not when the
                // request was read (change_group_owner may have run since).
                let t = group.group_type;
                t.check_owner_may_go(&group.owner, &ids, "removed")?;
                Self::remove_members_in(&mut db, app, &group, &ids).await
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
                    let sql: &str = if db.lock_clause(true).is_empty() {
                        &SET_UNREAD_NO_LOCK
                    } else {
                        &SET_UNREAD_FOR_SHARE
                    };
                    match db.opt(sql, params![app as i64, &g, &u, unread]).await? {
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
                    return Err(StoreError::NotMember {
                        group: group_id,
                        user: user_id,
                    });
                }
                Ok(SetUnread::Set(mark.unread_base))
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
}
