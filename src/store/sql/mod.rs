//! The SQL implementation of the store, one file per aggregate, shared by SQLite and
//! PostgreSQL through [`Db`]: each operation is one transaction (or one statement), run on the
//! SQLite writer (group commit) or readers, or on a pooled PostgreSQL connection.
//!
//! Every mutating operation first locks the group row (PostgreSQL: `FOR UPDATE`; SQLite: a
//! single writer serializes writes), so seqs are allocated without holes or duplicates and
//! import time rules see a stable newest message.

mod accounts;
mod apps;
mod bans;
mod blocklist;
mod broadcasts;
mod c2c;
mod conversations;
mod friend_lists;
mod friend_rows;
mod friend_wipes;
mod group_attrs;
mod groups;
mod members;
mod messages;
mod ops;
mod profiles;
mod receipts;
mod sns;
mod topic_rows;
mod topics;

use std::sync::Arc;

use sqlx::PgPool;

use super::db::{Db, DbOp, params};
use super::known_accounts::KnownAccounts;
use super::postgres::{self, c2c_batch::C2cBatcher, unread_batch::UnreadBatcher};
use super::sqlite::readers::Readers;
use super::sqlite::writer::WriteQueue;
use super::{Store, StoreResult};

/// Where statements run.
enum Backend {
    /// One writer thread that commits concurrent operations together, and reader
    /// connections on blocking threads.
    Sqlite {
        writes: WriteQueue,
        readers: Arc<Readers>,
    },
    /// Each operation in its own transaction on a pooled connection; PostgreSQL's concurrent
    /// commits share WAL flushes by themselves.
    Postgres(PgPool),
}

pub struct SqlStore {
    backend: Backend,
    known_accounts: KnownAccounts,
    /// PostgreSQL: set_unread_msg_num calls batched into shared statements.
    unread_batch: Option<UnreadBatcher>,
    /// PostgreSQL: one-to-one imports and sends batched into shared statements.
    c2c_batch: Option<C2cBatcher>,
}

impl SqlStore {
    pub fn sqlite(writes: WriteQueue, readers: Arc<Readers>) -> SqlStore {
        SqlStore {
            backend: Backend::Sqlite { writes, readers },
            known_accounts: KnownAccounts::default(),
            unread_batch: None,
            c2c_batch: None,
        }
    }

    /// Needs a tokio runtime: the set_unread_msg_num batchers start on it.
    pub fn postgres(pool: PgPool) -> SqlStore {
        SqlStore {
            unread_batch: Some(UnreadBatcher::start(pool.clone())),
            c2c_batch: Some(C2cBatcher::start(pool.clone())),
            backend: Backend::Postgres(pool),
            known_accounts: KnownAccounts::default(),
        }
    }
}

impl SqlStore {
    /// Runs a write operation in a transaction: SQLite's group-commit writer, or a pooled
    /// PostgreSQL connection. The answer comes after the commit.
    pub(super) async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: DbOp<T>,
    {
        match &self.backend {
            Backend::Sqlite { writes, .. } => writes.submit(f).await,
            Backend::Postgres(pool) => postgres::in_transaction(pool, f).await,
        }
    }

    /// Runs a write operation that is one statement: on PostgreSQL without a transaction
    /// around it (the statement is atomic by itself), saving two round trips.
    pub(super) async fn write_statement<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: DbOp<T>,
    {
        match &self.backend {
            Backend::Sqlite { writes, .. } => writes.submit(f).await,
            Backend::Postgres(pool) => postgres::on_connection(pool, f).await,
        }
    }

    /// Runs a read operation on a read connection.
    pub(super) async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: DbOp<T>,
    {
        match &self.backend {
            Backend::Sqlite { readers, .. } => readers.run(f).await,
            Backend::Postgres(pool) => postgres::on_connection(pool, f).await,
        }
    }

    /// For each of `others`: whether the one-way relation `exists` (taking app, from, to: a
    /// friendship, a block) holds from `owner` to it and from it to `owner`. One read.
    pub(super) async fn both_ways(
        &self,
        app: u64,
        owner: &str,
        others: &[String],
        exists: &'static str,
    ) -> StoreResult<Vec<(bool, bool)>> {
        let (owner, others) = (owner.to_string(), others.to_vec());
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let mut out = Vec::with_capacity(others.len());
                for other in &others {
                    let forth = db.opt(exists, params![app as i64, &owner, other]).await?;
                    let back = db.opt(exists, params![app as i64, other, &owner]).await?;
                    out.push((forth.is_some(), back.is_some()));
                }
                Ok(out)
            })
        })
        .await
    }
}

#[async_trait::async_trait]
impl Store for SqlStore {
    async fn close(&self) {
        match &self.backend {
            Backend::Sqlite { writes, readers } => {
                writes.close().await;
                readers.close();
            }
            Backend::Postgres(pool) => pool.close().await,
        }
    }
}
