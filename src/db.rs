//! Storage: the connection pool for SQLite or PostgreSQL, migrations, and the queries.
//!
//! The backend is chosen from the `DATABASE_URL` scheme (see [`crate::config::DatabaseUrl`]).
//! Query code is written once and compiled for each backend's concrete connection type through
//! [`with_connection!`] and [`Storage`], so no query depends on run-time backend guessing.

pub mod rows;
pub mod schema;
mod storage;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::DatabaseUrl;

pub use storage::{DatasetState, ImportRecord, NewImport, Storage};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

type SqlitePool = Pool<ConnectionManager<SqliteConnection>>;
type PgPool = Pool<ConnectionManager<PgConnection>>;

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot open the database {target}: {message}")]
    Connect { target: String, message: String },
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
}

impl DbError {
    /// Is the database out of reach (down, restarting, or every connection lost), rather than
    /// refusing what was asked? Worth trying again shortly.
    pub fn is_unavailable(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        matches!(
            self,
            Self::Connect { .. }
                | Self::Pool(_)
                | Self::Query(Error::DatabaseError(
                    DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                    _
                ))
                | Self::Query(Error::BrokenTransactionManager)
        )
    }
}

/// A pool of connections to one database.
#[derive(Clone)]
pub enum Database {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One pooled connection; use [`with_connection!`] to run code against it.
pub enum DbConn {
    Sqlite(PooledConnection<ConnectionManager<SqliteConnection>>),
    Postgres(PooledConnection<ConnectionManager<PgConnection>>),
}

/// Runs `$body` with `$c` bound to the concrete `&mut SqliteConnection` or `&mut PgConnection`.
#[macro_export]
macro_rules! with_connection {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite(pooled) => {
                let $c: &mut ::diesel::SqliteConnection = &mut **pooled;
                $body
            }
            $crate::db::DbConn::Postgres(pooled) => {
                let $c: &mut ::diesel::PgConnection = &mut **pooled;
                $body
            }
        }
    };
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        // WAL lets readers go on while an import writes; busy_timeout makes a second writer
        // wait instead of failing at once.
        conn.batch_execute(
            "PRAGMA busy_timeout = 15000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

impl Database {
    /// Open a pool for the configured database. The first connection is made directly so that
    /// a wrong URL or a server that is down reports its real error at once.
    pub fn connect(url: &DatabaseUrl) -> Result<Self, DbError> {
        match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|e| DbError::Connect {
                        target: path.display().to_string(),
                        message: format!("cannot create directory {}: {e}", parent.display()),
                    })?;
                }
                let target = path.to_string_lossy().to_string();
                let mut first =
                    SqliteConnection::establish(&target).map_err(|e| DbError::Connect {
                        target: target.clone(),
                        message: e.to_string(),
                    })?;
                // WAL is a property of the file: set it once, before the pool opens more.
                first
                    .batch_execute("PRAGMA busy_timeout = 15000; PRAGMA journal_mode = WAL;")
                    .map_err(|e| DbError::Connect {
                        target: target.clone(),
                        message: e.to_string(),
                    })?;
                let pool = Pool::builder()
                    .max_size(8)
                    .connection_timeout(Duration::from_secs(20))
                    .connection_customizer(Box::new(SqlitePragmas))
                    .build(ConnectionManager::<SqliteConnection>::new(target))?;
                Ok(Self::Sqlite(pool))
            }
            DatabaseUrl::Postgres(raw) => {
                PgConnection::establish(raw).map_err(|e| DbError::Connect {
                    target: format!("{url:?}"),
                    message: e.to_string().trim().to_string(),
                })?;
                // Connections are opened when asked for, not kept topped up in the background:
                // while the server is down, nothing retries behind the requests' backs.
                let pool = Pool::builder()
                    .max_size(8)
                    .min_idle(Some(0))
                    .connection_timeout(Duration::from_secs(10))
                    .build(ConnectionManager::<PgConnection>::new(raw.clone()))?;
                Ok(Self::Postgres(pool))
            }
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    pub fn get(&self) -> Result<DbConn, DbError> {
        Ok(match self {
            Self::Sqlite(pool) => DbConn::Sqlite(pool.get()?),
            Self::Postgres(pool) => DbConn::Postgres(pool.get()?),
        })
    }

    /// The stored directory version (one cheap query).
    pub fn directory_version(&self) -> Result<i64, DbError> {
        let mut conn = self.get()?;
        Ok(with_connection!(&mut conn, |c| c.directory_version())?.0)
    }

    /// Apply pending migrations; returns how many ran.
    pub fn migrate(&self) -> Result<usize, DbError> {
        let mut conn = self.get()?;
        let ran = match &mut conn {
            DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            DbConn::Postgres(c) => {
                // Replicas starting together take turns: a session advisory lock around the
                // migrations, released whatever happens.
                use diesel::RunQueryDsl;
                diesel::sql_query("SELECT pg_advisory_lock(7283011)").execute(&mut **c)?;
                let ran = c
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|v| v.len());
                diesel::sql_query("SELECT pg_advisory_unlock(7283011)").execute(&mut **c)?;
                ran
            }
        };
        ran.map_err(|e| DbError::Migration(e.to_string()))
    }
}
