//! One small statement interface over the two drivers the SQL store runs on: rusqlite for
//! SQLite (synchronous, on the store's own threads) and sqlx for PostgreSQL (async).
//!
//! The SQL text is shared: parameters are written `$1`, `$2`, … for both engines, and a
//! parameter may appear several times or out of order.

use std::sync::Mutex;

use futures_util::future::BoxFuture;

use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, PgConnection, Row as _};

use super::StoreError;
use super::StoreResult;

/// A bound parameter.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Int(i64),
    Text(&'a str),
    /// A text that may be NULL.
    OptText(Option<&'a str>),
    Blob(&'a [u8]),
}

impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Param::OptText(v)
    }
}

impl From<i64> for Param<'_> {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}

impl From<bool> for Param<'_> {
    fn from(v: bool) -> Self {
        Param::Int(i64::from(v))
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(v: &'a str) -> Self {
        Param::Text(v)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(v: &'a String) -> Self {
        Param::Text(v)
    }
}

impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(v: &'a [u8]) -> Self {
        Param::Blob(v)
    }
}

/// Builds a parameter list: `params![app, group_id, seq]`.
macro_rules! params {
    ($($p:expr),* $(,)?) => { &[$($crate::store::db::Param::from($p)),*] };
}
pub(crate) use params;

/// A fetched row; columns are read by position with the type the schema gives them.
pub enum Row {
    Pg(PgRow),
    Lite(Vec<rusqlite::types::Value>),
}

fn wrong_type(i: usize) -> StoreError {
    StoreError::Corrupt(format!("stored column {i} has an unexpected type"))
}

impl Row {
    pub fn int(&self, i: usize) -> StoreResult<i64> {
        match self {
            Row::Pg(r) => Ok(r.try_get(i)?),
            Row::Lite(v) => match v.get(i) {
                Some(rusqlite::types::Value::Integer(n)) => Ok(*n),
                _ => Err(wrong_type(i)),
            },
        }
    }

    pub fn text(&self, i: usize) -> StoreResult<String> {
        match self {
            Row::Pg(r) => Ok(r.try_get(i)?),
            Row::Lite(v) => match v.get(i) {
                Some(rusqlite::types::Value::Text(s)) => Ok(s.clone()),
                _ => Err(wrong_type(i)),
            },
        }
    }

    /// A text column borrowed from the row (for values parsed, not kept).
    pub fn str(&self, i: usize) -> StoreResult<&str> {
        match self {
            Row::Pg(r) => Ok(r.try_get(i)?),
            Row::Lite(v) => match v.get(i) {
                Some(rusqlite::types::Value::Text(s)) => Ok(s),
                _ => Err(wrong_type(i)),
            },
        }
    }

    /// A text column that may be NULL.
    pub fn opt_text(&self, i: usize) -> StoreResult<Option<String>> {
        match self {
            Row::Pg(r) => Ok(r.try_get(i)?),
            Row::Lite(v) => match v.get(i) {
                Some(rusqlite::types::Value::Null) => Ok(None),
                Some(rusqlite::types::Value::Text(s)) => Ok(Some(s.clone())),
                _ => Err(wrong_type(i)),
            },
        }
    }

    pub fn blob(&self, i: usize) -> StoreResult<Vec<u8>> {
        match self {
            Row::Pg(r) => Ok(r.try_get(i)?),
            Row::Lite(v) => match v.get(i) {
                Some(rusqlite::types::Value::Blob(b)) => Ok(b.clone()),
                _ => Err(wrong_type(i)),
            },
        }
    }
}

/// Column access shared by an owned [`Row`] and the rows [`Db::map_all`] lends out while
/// the statement is still stepping (read there without copying them into a [`Row`] first).
pub trait Columns {
    fn int(&self, i: usize) -> StoreResult<i64>;
    /// An integer column that may be NULL (an outer join or a scalar subquery found nothing).
    fn opt_int(&self, i: usize) -> StoreResult<Option<i64>>;
    fn str(&self, i: usize) -> StoreResult<&str>;
    fn text(&self, i: usize) -> StoreResult<String> {
        self.str(i).map(str::to_owned)
    }
}

impl Columns for Row {
    fn int(&self, i: usize) -> StoreResult<i64> {
        Row::int(self, i)
    }
    fn opt_int(&self, i: usize) -> StoreResult<Option<i64>> {
        match self {
            Row::Pg(r) => Ok(r.try_get(i)?),
            Row::Lite(v) => match v.get(i) {
                Some(rusqlite::types::Value::Null) => Ok(None),
                Some(rusqlite::types::Value::Integer(n)) => Ok(Some(*n)),
                _ => Err(wrong_type(i)),
            },
        }
    }
    fn str(&self, i: usize) -> StoreResult<&str> {
        Row::str(self, i)
    }
    fn text(&self, i: usize) -> StoreResult<String> {
        Row::text(self, i)
    }
}

impl Columns for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> StoreResult<i64> {
        self.get_ref(i)?.as_i64().map_err(|_| wrong_type(i))
    }
    fn opt_int(&self, i: usize) -> StoreResult<Option<i64>> {
        self.get_ref(i)?.as_i64_or_null().map_err(|_| wrong_type(i))
    }
    fn str(&self, i: usize) -> StoreResult<&str> {
        self.get_ref(i)?.as_str().map_err(|_| wrong_type(i))
    }
}

impl Columns for PgRow {
    fn int(&self, i: usize) -> StoreResult<i64> {
        Ok(self.try_get(i)?)
    }
    fn opt_int(&self, i: usize) -> StoreResult<Option<i64>> {
        Ok(self.try_get(i)?)
    }
    fn str(&self, i: usize) -> StoreResult<&str> {
        Ok(self.try_get(i)?)
    }
}

/// A store operation: runs its statements on the connection it is given. Its future must not
/// wait on anything but [`Db`] calls (on SQLite it runs on the store's own threads).
pub trait DbOp<T>:
    for<'c> FnOnce(Db<'c>) -> BoxFuture<'c, StoreResult<T>> + Send + 'static
{
}

impl<T, F> DbOp<T> for F where
    F: for<'c> FnOnce(Db<'c>) -> BoxFuture<'c, StoreResult<T>> + Send + 'static
{
}

/// A connection inside the current transaction (writes) or a read connection.
///
/// The SQLite connection sits behind a mutex only so that the futures built over it are
/// `Send`; one thread at a time ever uses it, so the lock is never contended.
pub enum Db<'c> {
    Lite(&'c Mutex<rusqlite::Connection>),
    Pg(&'c mut PgConnection),
}

fn lock(
    c: &Mutex<rusqlite::Connection>,
) -> StoreResult<std::sync::MutexGuard<'_, rusqlite::Connection>> {
    c.lock()
        .map_err(|_| StoreError::Internal("the database connection is unusable".into()))
}

/// The SQL text as SQLite runs it: `$N` written `?N`. SQLite numbers `?N` parameters by N, so
/// they bind by position; `$N` would be named parameters, found by a search for each name on
/// every execution, which costs as the square of their count.
fn positional(sql: &str) -> String {
    // Copied once, a `?` in place of each `$` before a digit. The pieces are cut at ASCII `$`s,
    // so they are whole UTF-8 and the copy is not checked again (this runs for every statement
    // executed; the check was 2 % of a friend_import's instructions).
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    for i in memchr::memchr_iter(b'$', bytes) {
        if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            out.push_str(&sql[copied..i]);
            out.push('?');
            copied = i + 1;
        }
    }
    out.push_str(&sql[copied..]);
    out
}

/// Binds `?N` parameters by their number, wherever and however often they appear.
fn bind_lite(st: &mut rusqlite::Statement<'_>, params: &[Param<'_>]) -> StoreResult<()> {
    for i in 1..=st.parameter_count() {
        let param = params
            .get(i - 1)
            .copied()
            .ok_or_else(|| StoreError::Internal(format!("statement parameter {i} is unbound")))?;
        match param {
            Param::Int(v) => st.raw_bind_parameter(i, v)?,
            Param::Text(v) => st.raw_bind_parameter(i, v)?,
            Param::OptText(v) => st.raw_bind_parameter(i, v)?,
            Param::Blob(v) => st.raw_bind_parameter(i, v)?,
        }
    }
    Ok(())
}

/// Runs `f` on the cached statement for `sql` with `params` bound (SQLite).
fn with_statement<R>(
    c: &Mutex<rusqlite::Connection>,
    sql: &str,
    params: &[Param<'_>],
    f: impl FnOnce(&mut rusqlite::Statement<'_>) -> StoreResult<R>,
) -> StoreResult<R> {
    let c = lock(c)?;
    let mut st = c.prepare_cached(&positional(sql))?;
    bind_lite(&mut st, params)?;
    f(&mut st)
}

fn pg_query<'q>(
    sql: &'q str,
    params: &'q [Param<'q>],
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for p in params {
        q = match *p {
            Param::Int(v) => q.bind(v),
            Param::Text(v) => q.bind(v),
            Param::OptText(v) => q.bind(v),
            Param::Blob(v) => q.bind(v),
        };
    }
    q
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

impl Db<'_> {
    /// `FOR UPDATE` (or, `shared`, `FOR SHARE`) where the engine needs it to lock the row a
    /// write transaction reads first (SQLite has one writer, so nothing more is needed there).
    pub fn lock_clause(&self, shared: bool) -> &'static str {
        match self {
            Db::Lite(_) => "",
            Db::Pg(_) if shared => " FOR SHARE",
            Db::Pg(_) => " FOR UPDATE",
        }
    }

    /// `FOR KEY SHARE` on PostgreSQL: keeps the row read (an account a write hangs rows on)
    /// from being deleted until the transaction ends, without blocking other writers that
    /// only need the same. Nothing on SQLite (one writer).
    pub fn key_share_clause(&self) -> &'static str {
        match self {
            Db::Lite(_) => "",
            Db::Pg(_) => " FOR KEY SHARE",
        }
    }

    /// [`Db::lock_clause`] (exclusive) for a query that outer-joins other tables to the group
    /// it locks: PostgreSQL must be told to lock only that row, of the table aliased `g`.
    pub fn lock_clause_of_g(&self) -> &'static str {
        match self {
            Db::Lite(_) => "",
            Db::Pg(_) => " FOR UPDATE OF g",
        }
    }

    /// Runs a statement; returns how many rows it changed.
    pub async fn exec(&mut self, sql: &str, params: &[Param<'_>]) -> StoreResult<u64> {
        match self {
            Db::Lite(c) => with_statement(c, sql, params, |st| Ok(st.raw_execute()? as u64)),
            Db::Pg(c) => Ok(pg_query(sql, params)
                .execute(&mut **c)
                .await?
                .rows_affected()),
        }
    }

    /// Runs an INSERT; false when it would break a unique key.
    pub async fn insert_unique(&mut self, sql: &str, params: &[Param<'_>]) -> StoreResult<bool> {
        match self {
            Db::Lite(c) => with_statement(c, sql, params, |st| match st.raw_execute() {
                Ok(_) => Ok(true),
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                        || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
                {
                    Ok(false)
                }
                Err(e) => Err(e.into()),
            }),
            Db::Pg(c) => match pg_query(sql, params).execute(&mut **c).await {
                Ok(_) => Ok(true),
                Err(e) if is_unique_violation(&e) => Ok(false),
                Err(e) => Err(e.into()),
            },
        }
    }

    /// Every row a query returns.
    pub async fn all(&mut self, sql: &str, params: &[Param<'_>]) -> StoreResult<Vec<Row>> {
        match self {
            Db::Lite(c) => with_statement(c, sql, params, |st| {
                let width = st.column_count();
                let mut rows = st.raw_query();
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    let values = (0..width)
                        .map(|i| r.get::<_, rusqlite::types::Value>(i))
                        .collect::<Result<Vec<_>, _>>()?;
                    out.push(Row::Lite(values));
                }
                Ok(out)
            }),
            Db::Pg(c) => Ok(pg_query(sql, params)
                .fetch_all(&mut **c)
                .await?
                .into_iter()
                .map(Row::Pg)
                .collect()),
        }
    }

    /// Every row a query returns, each turned into a `T` by `f` straight from the driver's row.
    pub async fn map_all<T>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        mut f: impl FnMut(&dyn Columns) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        match self {
            Db::Lite(c) => with_statement(c, sql, params, |st| {
                let mut rows = st.raw_query();
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    out.push(f(r)?);
                }
                Ok(out)
            }),
            Db::Pg(c) => pg_query(sql, params)
                .fetch_all(&mut **c)
                .await?
                .iter()
                .map(|r| f(r))
                .collect(),
        }
    }

    /// The first row a query returns, if any.
    pub async fn opt(&mut self, sql: &str, params: &[Param<'_>]) -> StoreResult<Option<Row>> {
        match self {
            Db::Lite(_) => Ok(self.all(sql, params).await?.into_iter().next()),
            Db::Pg(c) => Ok(pg_query(sql, params)
                .fetch_optional(&mut **c)
                .await?
                .map(Row::Pg)),
        }
    }

    /// The one integer a query such as `SELECT COUNT(*) …` returns.
    pub async fn int(&mut self, sql: &str, params: &[Param<'_>]) -> StoreResult<i64> {
        match self.opt(sql, params).await? {
            Some(r) => r.int(0),
            None => Err(StoreError::Internal("a count returned no row".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::positional;

    #[test]
    fn numbered_parameters_become_positional() {
        assert_eq!(
            positional("SELECT 1 WHERE a = $1 AND b = $12 AND c = '$x' AND $2 = $2"),
            "SELECT 1 WHERE a = ?1 AND b = ?12 AND c = '$x' AND ?2 = ?2"
        );
    }

    #[test]
    fn text_around_parameters_is_kept_whole() {
        assert_eq!(
            positional("SELECT '群组$' || $1, 'é' WHERE x = $2$"),
            "SELECT '群组$' || ?1, 'é' WHERE x = ?2$"
        );
        assert_eq!(positional("$1"), "?1");
        assert_eq!(positional(""), "");
    }
}
