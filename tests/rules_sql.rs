//! The SQL forms of domain rules agree with the Rust rules, on random inputs, on both engines:
//! the unread clamp (`domain::unread::clamp_sql`) that set_unread_msg_num's statements apply
//! without reading the group's counters first. PostgreSQL runs when OPENTIM_TEST_DATABASE_URL is
//! set.

use std::sync::{LazyLock, Mutex};

use opentim::domain::group::GroupType;
use opentim::domain::unread::{GroupCounters, clamp_sql, unread_types_sql};
use proptest::prelude::*;
use sqlx::Connection;

/// The Rust rule: the unread count a member gets when `requested` is set.
fn rust_clamp(requested: i64, next_msg_seq: i64) -> i64 {
    let counters = GroupCounters {
        next_msg_seq,
        ..GroupCounters::new()
    };
    counters.mark_with_unread(requested).unread_base
}

static SQLITE: LazyLock<Mutex<rusqlite::Connection>> =
    LazyLock::new(|| Mutex::new(rusqlite::Connection::open_in_memory().expect("in-memory SQLite")));

fn sqlite_clamp(requested: i64, next_msg_seq: i64) -> i64 {
    let sql = format!("SELECT {}", clamp_sql("$1", "$2"));
    let conn = SQLITE.lock().expect("connection");
    conn.query_row(&sql, rusqlite::params![requested, next_msg_seq], |r| {
        r.get(0)
    })
    .expect("clamp on SQLite")
}

/// A runtime and one connection for the PostgreSQL cases, or None when not configured.
static POSTGRES: LazyLock<Option<(tokio::runtime::Runtime, Mutex<sqlx::PgConnection>)>> =
    LazyLock::new(|| {
        let url = std::env::var("OPENTIM_TEST_DATABASE_URL").ok()?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let conn = rt
            .block_on(sqlx::PgConnection::connect(&url))
            .expect("connect to OPENTIM_TEST_DATABASE_URL");
        Some((rt, Mutex::new(conn)))
    });

fn postgres_clamp(requested: i64, next_msg_seq: i64) -> Option<i64> {
    let (rt, conn) = POSTGRES.as_ref()?;
    let sql = format!("SELECT {}", clamp_sql("$1::int8", "$2::int8"));
    let mut conn = conn.lock().expect("connection");
    let value: i64 = rt
        .block_on(
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(requested)
                .bind(next_msg_seq)
                .fetch_one(&mut *conn),
        )
        .expect("clamp on PostgreSQL");
    Some(value)
}

/// Inputs as the API gives them (UnreadMsgNum is a u32) and beyond, around the edges.
fn requested() -> impl Strategy<Value = i64> {
    prop_oneof![
        -3i64..3,
        0i64..=i64::from(u32::MAX),
        -(1i64 << 40)..(1i64 << 40),
    ]
}

fn next_msg_seq() -> impl Strategy<Value = i64> {
    prop_oneof![1i64..5, 1i64..1_000_000, 1i64..(1i64 << 40)]
}

proptest! {
    #[test]
    fn the_sql_clamp_is_the_rust_clamp(requested in requested(), next in next_msg_seq()) {
        let expected = rust_clamp(requested, next);
        prop_assert_eq!(sqlite_clamp(requested, next), expected, "SQLite");
        if let Some(pg) = postgres_clamp(requested, next) {
            prop_assert_eq!(pg, expected, "PostgreSQL");
        }
    }
}

#[test]
fn the_sql_list_of_unread_types_is_the_rust_rule() {
    let sql = format!(
        "SELECT t FROM (SELECT 'Private' AS t UNION ALL SELECT 'Public' UNION ALL \
         SELECT 'ChatRoom' UNION ALL SELECT 'AVChatRoom' UNION ALL SELECT 'Community') \
         AS types WHERE t IN ({}) ORDER BY t",
        unread_types_sql()
    );
    let mut expected: Vec<String> = GroupType::ALL
        .iter()
        .filter(|t| t.supports_unread())
        .map(|t| t.as_str().to_string())
        .collect();
    expected.sort();
    let conn = SQLITE.lock().expect("connection");
    let mut st = conn.prepare(&sql).expect("statement");
    let on_sqlite: Vec<String> = st
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(on_sqlite, expected);
    if let Some((rt, pg)) = POSTGRES.as_ref() {
        let mut pg = pg.lock().expect("connection");
        let on_pg: Vec<String> = rt
            .block_on(sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *pg))
            .expect("query on PostgreSQL");
        assert_eq!(on_pg, expected);
    } else {
        eprintln!("SKIPPED: PostgreSQL part (set OPENTIM_TEST_DATABASE_URL to run it)");
    }
}
