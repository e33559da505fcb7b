//! Group custom attributes and group counters: one row per key of a group. A write locks the
//! group, reads its whole set (bounded: 16 attributes, 20 counters), lets the domain compute
//! and judge the set it leaves, and writes only the keys that change. Refusals come before
//! the first write, as SQLite's group-commit writer requires.

use std::collections::BTreeMap;

use super::SqlStore;
use crate::domain::group_attr::{self, AttrEdit, CounterMode};
use crate::domain::refusal::Refusal;
use crate::store::db::{Db, params};
use crate::store::schema::corrupt;
use crate::store::*;

impl SqlStore {
    /// Every attribute of a group, by key. Values are stored as bytes (any string round-trips,
    /// NUL included).
    async fn attrs_in(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
    ) -> StoreResult<BTreeMap<String, String>> {
        let rows = db
            .all(
                "SELECT name, value FROM group_attrs WHERE sdkappid = $1 AND group_id = $2",
                params![app as i64, group_id],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let value =
                    String::from_utf8(r.blob(1)?).map_err(|_| corrupt("attribute value"))?;
                Ok((r.text(0)?, value))
            })
            .collect()
    }

    /// Every counter of a group, by key.
    async fn counters_in(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
    ) -> StoreResult<BTreeMap<String, i64>> {
        let pairs = db
            .map_all(
                "SELECT name, value FROM group_counters WHERE sdkappid = $1 AND group_id = $2",
                params![app as i64, group_id],
                |r| Ok((r.text(0)?, r.int(1)?)),
            )
            .await?;
        Ok(pairs.into_iter().collect())
    }

    /// A live group of a type with counters: read (and, with `lock`, locked) first.
    async fn counter_group(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        lock: &'static str,
    ) -> StoreResult<()> {
        let (group, _) = Self::live_group_in(db, app, group_id, lock).await?;
        group_attr::check_counters(group.group_type)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl GroupAttrStore for SqlStore {
    async fn edit_group_attrs(&self, app: u64, group_id: &str, edit: &AttrEdit) -> StoreResult<()> {
        let (group_id, edit) = (group_id.to_string(), edit.clone());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                // Every group type has attributes (the live pages list all five).
                Self::lock_group(&mut db, app, &group_id).await?;
                let old = Self::attrs_in(&mut db, app, &group_id).await?;
                let new = group_attr::apply_attrs(old.clone(), &edit).map_err(Refusal::Attr)?;
                for key in old.keys().filter(|k| !new.contains_key(*k)) {
                    db.exec(
                        "DELETE FROM group_attrs WHERE sdkappid = $1 AND group_id = $2 AND name = $3",
                        params![app as i64, &group_id, key],
                    )
                    .await?;
                }
                for (key, value) in new.iter().filter(|(k, v)| old.get(*k) != Some(*v)) {
                    db.exec(
                        "INSERT INTO group_attrs (sdkappid, group_id, name, value) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (sdkappid, group_id, name) \
                         DO UPDATE SET value = excluded.value",
                        params![app as i64, &group_id, key, value.as_bytes()],
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn group_attrs(&self, app: u64, group_id: &str) -> StoreResult<Vec<(String, String)>> {
        let group_id = group_id.to_string();
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::live_group_in(&mut db, app, &group_id, "").await?;
                Ok(Self::attrs_in(&mut db, app, &group_id)
                    .await?
                    .into_iter()
                    .collect())
            })
        })
        .await
    }

    async fn update_group_counters(
        &self,
        app: u64,
        group_id: &str,
        mode: CounterMode,
        items: &[(String, i64)],
    ) -> StoreResult<Vec<(String, i64)>> {
        let (group_id, items) = (group_id.to_string(), items.to_vec());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let lock = db.lock_clause(false);
                Self::counter_group(&mut db, app, &group_id, lock).await?;
                let old = Self::counters_in(&mut db, app, &group_id).await?;
                let mut new = old.clone();
                let answer =
                    group_attr::apply_counters(&mut new, mode, &items).map_err(Refusal::Counter)?;
                for (key, value) in new.iter().filter(|(k, v)| old.get(*k) != Some(*v)) {
                    db.exec(
                        "INSERT INTO group_counters (sdkappid, group_id, name, value) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (sdkappid, group_id, name) \
                         DO UPDATE SET value = excluded.value",
                        params![app as i64, &group_id, key, *value],
                    )
                    .await?;
                }
                Ok(answer)
            })
        })
        .await
    }

    async fn group_counters(
        &self,
        app: u64,
        group_id: &str,
        keys: Option<&[String]>,
    ) -> StoreResult<Vec<(String, i64)>> {
        let (group_id, keys) = (group_id.to_string(), keys.map(<[String]>::to_vec));
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::counter_group(&mut db, app, &group_id, "").await?;
                let all = Self::counters_in(&mut db, app, &group_id).await?;
                Ok(match keys {
                    None => all.into_iter().collect(),
                    Some(keys) => keys
                        .into_iter()
                        .filter_map(|k| all.get(&k).map(|v| (k, *v)))
                        .collect(),
                })
            })
        })
        .await
    }

    async fn delete_group_counters(
        &self,
        app: u64,
        group_id: &str,
        keys: Option<&[String]>,
    ) -> StoreResult<()> {
        let (group_id, keys) = (group_id.to_string(), keys.map(<[String]>::to_vec));
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let lock = db.lock_clause(false);
                Self::counter_group(&mut db, app, &group_id, lock).await?;
                // Only stored keys are deleted one by one: at most 20 statements, however many
                // keys the request names.
                let stored = Self::counters_in(&mut db, app, &group_id).await?;
                for key in stored
                    .keys()
                    .filter(|k| keys.as_ref().is_none_or(|named| named.contains(*k)))
                {
                    db.exec(
                        "DELETE FROM group_counters \
                         WHERE sdkappid = $1 AND group_id = $2 AND name = $3",
                        params![app as i64, &group_id, key],
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }
}
