//! Starting the service: open and migrate the database, load the shipped data when it is
//! missing, build the snapshot, keep it current, and serve.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::config::Settings;
use crate::db::Database;
use crate::http::Application;
use crate::import::load_missing_datasets;
use crate::index::{Directory, Snapshot};

/// How often a server checks the database for imports made elsewhere (the CLI, another replica).
pub const DEFAULT_POLL: Duration = Duration::from_secs(3);

/// Open the configured database and run its migrations.
pub fn open_database(settings: &Settings) -> anyhow::Result<Database> {
    let db = Database::connect(&settings.database)
        .with_context(|| format!("opening {:?}", settings.database))?;
    let ran = db.migrate()?;
    if ran > 0 {
        tracing::info!(
            migrations = ran,
            backend = db.backend_name(),
            "database migrated"
        );
    }
    Ok(db)
}

/// Migrate, load shipped datasets that are missing, build the directory.
pub fn prepare(settings: &Settings) -> anyhow::Result<(Database, Arc<Directory>)> {
    let db = open_database(settings)?;
    for (dataset, rows) in load_missing_datasets(&db, &settings.data_dir)? {
        tracing::info!(dataset, rows, "loaded shipped dataset");
    }
    let snapshot = Snapshot::load(&db).context("loading the directory")?;
    tracing::info!(
        version = snapshot.version,
        centres = snapshot.centres().len(),
        registries = snapshot.registries.len(),
        topics = snapshot.topics.len(),
        referral_rules = snapshot.referral_rules.len(),
        postcode_areas = snapshot.areas.len(),
        registry_stats = snapshot.stats.len(),
        "directory ready"
    );
    Ok((db, Arc::new(Directory::new(snapshot))))
}

/// Keep the served snapshot in step with the database.
pub fn spawn_version_poller(db: Database, directory: Arc<Directory>, every: Duration) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let (db, directory) = (db.clone(), directory.clone());
            let outcome =
                tokio::task::spawn_blocking(move || directory.refresh_if_changed(&db)).await;
            match outcome {
                Ok(Ok(Some(version))) => tracing::info!(version, "directory reloaded"),
                Ok(Ok(None)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "checking the directory version failed"),
                Err(e) => tracing::warn!(error = %e, "version check task failed"),
            }
        }
    });
}

/// Run the service until it is stopped.
pub async fn serve(settings: Settings, poll: Duration) -> anyhow::Result<()> {
    let prepared_settings = settings.clone();
    let (db, directory) = tokio::task::spawn_blocking(move || prepare(&prepared_settings))
        .await
        .context("start-up task failed")??;
    spawn_version_poller(db.clone(), directory.clone(), poll);
    // Postcodes are looked up in the database until the tables are in memory.
    let (memory_db, memory_directory) = (db.clone(), directory.clone());
    tokio::task::spawn_blocking(move || {
        if let Err(e) = memory_directory.keep_postcodes_in_memory(&memory_db) {
            tracing::warn!(error = %e, "could not hold the postcode table in memory; the database answers");
        }
    });
    let app = Application::build(settings.clone(), db, directory)
        .with_context(|| format!("binding {}", settings.bind))?;
    tracing::info!(address = %settings.bind, port = app.port(), "listening");
    app.run().await?;
    Ok(())
}
