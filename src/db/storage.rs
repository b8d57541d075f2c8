//! Every query the crate makes, as methods of [`Storage`], implemented for both backends from
//! one body (the `impl_storage!` macro), so each is checked against each connection type.

use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};

use super::rows::*;
use super::schema::*;
use super::DbError;

/// An import as recorded in the history.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = imports)]
pub struct ImportRecord {
    pub id: i64,
    pub dataset: String,
    /// `import` or `rollback`.
    pub action: String,
    /// `applied` or `unchanged`.
    pub status: String,
    pub source: String,
    pub sha256: String,
    pub rows_total: i64,
    pub rows_skipped: i64,
    pub added: i64,
    pub changed: i64,
    pub removed: i64,
    pub actor: String,
    pub created_at: String,
    pub directory_version: i64,
    pub restored_import_id: Option<i64>,
}

/// An import about to be recorded.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = imports)]
pub struct NewImport {
    pub dataset: String,
    pub action: String,
    pub status: String,
    pub source: String,
    pub sha256: String,
    pub rows_total: i64,
    pub rows_skipped: i64,
    pub added: i64,
    pub changed: i64,
    pub removed: i64,
    pub actor: String,
    pub created_at: String,
    pub directory_version: i64,
    pub restored_import_id: Option<i64>,
    pub content: Option<String>,
}

/// Which import a dataset's rows came from.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = dataset_state)]
pub struct DatasetState {
    pub dataset: String,
    /// The import (or rollback) that last changed the dataset.
    pub import_id: i64,
    /// The import whose file content is in force (differs from `import_id` after a rollback).
    pub content_import_id: i64,
    pub sha256: String,
    pub rows_total: i64,
    pub updated_at: String,
}

/// Row chunk for multi-row inserts: well under SQLite's 32 766 bound-parameter limit.
const CHUNK_ROWS: usize = 500;

/// The queries, for either backend.
pub trait Storage: Connection + Sized {
    /// Run `f` in a write transaction that holds the directory's write lock until it ends.
    fn write_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>;

    fn load_centres(&mut self) -> Result<Vec<CentreRow>, DbError>;
    fn replace_centres(&mut self, rows: &[CentreRow]) -> Result<(), DbError>;
    fn load_registries(&mut self) -> Result<Vec<RegistryRow>, DbError>;
    fn replace_registries(&mut self, rows: &[RegistryRow]) -> Result<(), DbError>;
    fn load_topics(&mut self) -> Result<Vec<TopicRow>, DbError>;
    fn replace_topics(&mut self, rows: &[TopicRow]) -> Result<(), DbError>;
    fn load_referral_rules(&mut self) -> Result<Vec<ReferralRuleRow>, DbError>;
    fn replace_referral_rules(&mut self, rows: &[ReferralRuleRow]) -> Result<(), DbError>;
    fn load_postcode_areas(&mut self) -> Result<Vec<PostcodeAreaRow>, DbError>;
    fn replace_postcode_areas(&mut self, rows: &[PostcodeAreaRow]) -> Result<(), DbError>;
    fn load_registry_stats(&mut self) -> Result<Vec<RegistryStatRow>, DbError>;
    fn replace_registry_stats(&mut self, rows: &[RegistryStatRow]) -> Result<(), DbError>;
    fn load_family(&mut self) -> Result<Vec<FamilyRow>, DbError>;
    fn replace_family(&mut self, rows: &[FamilyRow]) -> Result<(), DbError>;
    fn load_places(&mut self) -> Result<Vec<PlaceRow>, DbError>;
    fn replace_places(&mut self, rows: &[PlaceRow]) -> Result<(), DbError>;
    fn load_district_centroids(&mut self) -> Result<Vec<DistrictCentroidRow>, DbError>;
    fn replace_district_centroids(&mut self, rows: &[DistrictCentroidRow]) -> Result<(), DbError>;

    fn find_postcode(&mut self, postcode: &str) -> Result<Option<PostcodeRow>, DbError>;
    /// Delete every postcode (inside the import's transaction).
    fn clear_postcodes(&mut self) -> Result<(), DbError>;
    /// Insert a chunk of postcodes (the caller keeps chunks under the bind-parameter limits).
    fn insert_postcodes(&mut self, rows: &[PostcodeRow]) -> Result<(), DbError>;
    /// How many postcodes one [`Storage::insert_postcodes`] call should carry.
    fn postcode_chunk_rows(&self) -> usize;
    fn count_postcodes(&mut self) -> Result<i64, DbError>;
    fn replace_districts(&mut self, rows: &[DistrictRow]) -> Result<(), DbError>;
    fn count_districts(&mut self) -> Result<i64, DbError>;
    fn find_district(&mut self, outcode: &str) -> Result<Option<DistrictRow>, DbError>;
    fn cached_geocode(&mut self, postcode: &str) -> Result<Option<GeocodeCacheRow>, DbError>;
    fn cache_geocode(&mut self, row: &GeocodeCacheRow) -> Result<(), DbError>;
    /// Forget every cached geocoder answer; returns how many there were.
    fn clear_geocode_cache(&mut self) -> Result<usize, DbError>;

    /// The directory version and when it last changed.
    fn directory_version(&mut self) -> Result<(i64, String), DbError>;
    /// Bump the directory version; returns the new version.
    fn bump_directory_version(&mut self, now: &str) -> Result<i64, DbError>;
    fn dataset_state(&mut self, dataset: &str) -> Result<Option<DatasetState>, DbError>;
    fn all_dataset_states(&mut self) -> Result<Vec<DatasetState>, DbError>;
    fn set_dataset_state(&mut self, state: &DatasetState) -> Result<(), DbError>;
    fn insert_import(&mut self, import: &NewImport) -> Result<i64, DbError>;
    /// The file content an import stored, if it kept one.
    fn import_content(&mut self, id: i64) -> Result<Option<String>, DbError>;
    fn list_imports(
        &mut self,
        dataset: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ImportRecord>, DbError>;
    /// The applied import of `dataset` with stored content just before `before_id`.
    fn previous_import_with_content(
        &mut self,
        dataset: &str,
        before_id: i64,
    ) -> Result<Option<(ImportRecord, String)>, DbError>;
}

macro_rules! replace_all {
    ($conn:expr, $table:ident, $rows:expr) => {{
        diesel::delete($table::table).execute($conn)?;
        for chunk in $rows.chunks(CHUNK_ROWS) {
            diesel::insert_into($table::table)
                .values(chunk)
                .execute($conn)?;
        }
        Ok(())
    }};
}

macro_rules! impl_storage {
    ($conn:ty, |$this:ident, $f:ident| $transaction:expr) => {
        impl Storage for $conn {
            fn write_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
            where
                F: FnOnce(&mut Self) -> Result<T, E>,
                E: From<diesel::result::Error>,
            {
                let $this = self;
                let $f = f;
                $transaction
            }

            fn load_centres(&mut self) -> Result<Vec<CentreRow>, DbError> {
                Ok(centres::table
                    .select(CentreRow::as_select())
                    .order(centres::id)
                    .load(self)?)
            }

            fn replace_centres(&mut self, rows: &[CentreRow]) -> Result<(), DbError> {
                replace_all!(self, centres, rows)
            }

            fn load_registries(&mut self) -> Result<Vec<RegistryRow>, DbError> {
                Ok(registries::table
                    .select(RegistryRow::as_select())
                    .order(registries::nation)
                    .load(self)?)
            }

            fn replace_registries(&mut self, rows: &[RegistryRow]) -> Result<(), DbError> {
                replace_all!(self, registries, rows)
            }

            fn load_topics(&mut self) -> Result<Vec<TopicRow>, DbError> {
                Ok(treatment_topics::table
                    .select(TopicRow::as_select())
                    .order((treatment_topics::sort_order, treatment_topics::slug))
                    .load(self)?)
            }

            fn replace_topics(&mut self, rows: &[TopicRow]) -> Result<(), DbError> {
                replace_all!(self, treatment_topics, rows)
            }

            fn load_referral_rules(&mut self) -> Result<Vec<ReferralRuleRow>, DbError> {
                Ok(referral_rules::table
                    .select(ReferralRuleRow::as_select())
                    .order((referral_rules::nation, referral_rules::age_min))
                    .load(self)?)
            }

            fn replace_referral_rules(&mut self, rows: &[ReferralRuleRow]) -> Result<(), DbError> {
                replace_all!(self, referral_rules, rows)
            }

            fn load_postcode_areas(&mut self) -> Result<Vec<PostcodeAreaRow>, DbError> {
                Ok(postcode_areas::table
                    .select(PostcodeAreaRow::as_select())
                    .order(postcode_areas::area)
                    .load(self)?)
            }

            fn replace_postcode_areas(&mut self, rows: &[PostcodeAreaRow]) -> Result<(), DbError> {
                replace_all!(self, postcode_areas, rows)
            }

            fn load_registry_stats(&mut self) -> Result<Vec<RegistryStatRow>, DbError> {
                Ok(registry_stats::table
                    .select(RegistryStatRow::as_select())
                    .order(registry_stats::id)
                    .load(self)?)
            }

            fn replace_registry_stats(&mut self, rows: &[RegistryStatRow]) -> Result<(), DbError> {
                replace_all!(self, registry_stats, rows)
            }

            fn load_family(&mut self) -> Result<Vec<FamilyRow>, DbError> {
                Ok(family::table
                    .select(FamilyRow::as_select())
                    .order(family::centre_id)
                    .load(self)?)
            }

            fn replace_family(&mut self, rows: &[FamilyRow]) -> Result<(), DbError> {
                replace_all!(self, family, rows)
            }

            fn load_places(&mut self) -> Result<Vec<PlaceRow>, DbError> {
                Ok(places::table
                    .select(PlaceRow::as_select())
                    .order(places::id)
                    .load(self)?)
            }

            fn replace_places(&mut self, rows: &[PlaceRow]) -> Result<(), DbError> {
                replace_all!(self, places, rows)
            }

            fn load_district_centroids(&mut self) -> Result<Vec<DistrictCentroidRow>, DbError> {
                Ok(district_centroids::table
                    .select(DistrictCentroidRow::as_select())
                    .order(district_centroids::outcode)
                    .load(self)?)
            }

            fn replace_district_centroids(
                &mut self,
                rows: &[DistrictCentroidRow],
            ) -> Result<(), DbError> {
                replace_all!(self, district_centroids, rows)
            }

            // Lookups by primary key use `get_result`, not `first`: `first` adds `LIMIT ?`, and
            // SQLite (with STAT4, as bundled) re-prepares a statement whose LIMIT is a bound
            // value every time it is bound again, which cost a fifth of the server's time on
            // the postcode path.
            fn find_postcode(&mut self, postcode: &str) -> Result<Option<PostcodeRow>, DbError> {
                Ok(postcodes::table
                    .find(postcode)
                    .select(PostcodeRow::as_select())
                    .get_result(self)
                    .optional()?)
            }

            fn clear_postcodes(&mut self) -> Result<(), DbError> {
                diesel::delete(postcodes::table).execute(self)?;
                Ok(())
            }

            fn insert_postcodes(&mut self, rows: &[PostcodeRow]) -> Result<(), DbError> {
                BulkInsert::bulk_insert_postcodes(self, rows)
            }

            fn postcode_chunk_rows(&self) -> usize {
                <Self as BulkInsert>::CHUNK_ROWS
            }

            fn count_postcodes(&mut self) -> Result<i64, DbError> {
                Ok(postcodes::table.count().get_result(self)?)
            }

            fn replace_districts(&mut self, rows: &[DistrictRow]) -> Result<(), DbError> {
                replace_all!(self, postcode_districts, rows)
            }

            fn count_districts(&mut self) -> Result<i64, DbError> {
                Ok(postcode_districts::table.count().get_result(self)?)
            }

            fn find_district(&mut self, outcode: &str) -> Result<Option<DistrictRow>, DbError> {
                Ok(postcode_districts::table
                    .find(outcode)
                    .select(DistrictRow::as_select())
                    .get_result(self)
                    .optional()?)
            }

            fn cached_geocode(
                &mut self,
                postcode: &str,
            ) -> Result<Option<GeocodeCacheRow>, DbError> {
                Ok(geocode_cache::table
                    .find(postcode)
                    .select(GeocodeCacheRow::as_select())
                    .get_result(self)
                    .optional()?)
            }

            fn cache_geocode(&mut self, row: &GeocodeCacheRow) -> Result<(), DbError> {
                diesel::delete(geocode_cache::table.find(&row.postcode)).execute(self)?;
                diesel::insert_into(geocode_cache::table)
                    .values(row)
                    .execute(self)?;
                Ok(())
            }

            fn clear_geocode_cache(&mut self) -> Result<usize, DbError> {
                Ok(diesel::delete(geocode_cache::table).execute(self)?)
            }

            fn directory_version(&mut self) -> Result<(i64, String), DbError> {
                Ok(directory_version::table
                    .find(1)
                    .select((directory_version::version, directory_version::updated_at))
                    .get_result(self)?)
            }

            fn bump_directory_version(&mut self, now: &str) -> Result<i64, DbError> {
                diesel::update(directory_version::table.find(1))
                    .set((
                        directory_version::version.eq(directory_version::version + 1),
                        directory_version::updated_at.eq(now),
                    ))
                    .execute(self)?;
                Ok(self.directory_version()?.0)
            }

            fn dataset_state(&mut self, dataset: &str) -> Result<Option<DatasetState>, DbError> {
                Ok(dataset_state::table
                    .find(dataset)
                    .select(DatasetState::as_select())
                    .get_result(self)
                    .optional()?)
            }

            fn all_dataset_states(&mut self) -> Result<Vec<DatasetState>, DbError> {
                Ok(dataset_state::table
                    .select(DatasetState::as_select())
                    .order(dataset_state::dataset)
                    .load(self)?)
            }

            fn set_dataset_state(&mut self, state: &DatasetState) -> Result<(), DbError> {
                let updated = diesel::update(dataset_state::table.find(&state.dataset))
                    .set(state)
                    .execute(self)?;
                if updated == 0 {
                    diesel::insert_into(dataset_state::table)
                        .values(state)
                        .execute(self)?;
                }
                Ok(())
            }

            fn insert_import(&mut self, import: &NewImport) -> Result<i64, DbError> {
                Ok(diesel::insert_into(imports::table)
                    .values(import)
                    .returning(imports::id)
                    .get_result(self)?)
            }

            fn import_content(&mut self, id: i64) -> Result<Option<String>, DbError> {
                Ok(imports::table
                    .find(id)
                    .select(imports::content)
                    .first::<Option<String>>(self)
                    .optional()?
                    .flatten())
            }

            fn list_imports(
                &mut self,
                dataset: Option<&str>,
                limit: i64,
            ) -> Result<Vec<ImportRecord>, DbError> {
                let mut query = imports::table
                    .select(ImportRecord::as_select())
                    .order(imports::id.desc())
                    .limit(limit)
                    .into_boxed();
                if let Some(d) = dataset {
                    query = query.filter(imports::dataset.eq(d.to_string()));
                }
                Ok(query.load(self)?)
            }

            fn previous_import_with_content(
                &mut self,
                dataset: &str,
                before_id: i64,
            ) -> Result<Option<(ImportRecord, String)>, DbError> {
                let found: Option<(ImportRecord, Option<String>)> = imports::table
                    .filter(imports::dataset.eq(dataset))
                    .filter(imports::action.eq("import"))
                    .filter(imports::status.eq("applied"))
                    .filter(imports::content.is_not_null())
                    .filter(imports::id.lt(before_id))
                    .order(imports::id.desc())
                    .select((ImportRecord::as_select(), imports::content))
                    .first(self)
                    .optional()?;
                Ok(found.and_then(|(rec, content)| content.map(|c| (rec, c))))
            }
        }
    };
}

/// The fastest way each backend takes many rows at once.
trait BulkInsert {
    const CHUNK_ROWS: usize;
    fn bulk_insert_postcodes(&mut self, rows: &[PostcodeRow]) -> Result<(), DbError>;
}

impl BulkInsert for SqliteConnection {
    /// 6 columns × 4 000 rows = 24 000 parameters, under SQLite's 32 766.
    const CHUNK_ROWS: usize = 4_000;

    /// Multi-row INSERTs (the caller keeps chunks under SQLite's bound-parameter limit).
    fn bulk_insert_postcodes(&mut self, rows: &[PostcodeRow]) -> Result<(), DbError> {
        diesel::insert_into(postcodes::table)
            .values(rows)
            .execute(self)?;
        Ok(())
    }
}

impl BulkInsert for PgConnection {
    /// COPY has no parameter limit; larger batches mean fewer round trips.
    const CHUNK_ROWS: usize = 50_000;

    /// `COPY ... FROM STDIN` in PostgreSQL's binary format.
    fn bulk_insert_postcodes(&mut self, rows: &[PostcodeRow]) -> Result<(), DbError> {
        diesel::copy_from(postcodes::table)
            .from_insertable(rows)
            .execute(self)?;
        Ok(())
    }
}

// SQLite: BEGIN IMMEDIATE takes the write lock at the start, so two imports queue up
// (busy_timeout) instead of failing halfway through.
impl_storage!(SqliteConnection, |conn, f| conn.immediate_transaction(f));

// PostgreSQL: lock the one directory_version row, which serialises imports across replicas; a
// second import does not queue behind the first but is told at once (NOWAIT).
impl_storage!(PgConnection, |conn, f| conn.transaction(|c| {
    directory_version::table
        .find(1)
        .select(directory_version::version)
        .for_update()
        .no_wait()
        .first::<i64>(c)?;
    f(c)
}));
