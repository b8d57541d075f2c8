-- The directory's datasets, the import history and the directory version (SQLite).

CREATE TABLE centres (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    hospital TEXT NOT NULL,
    organisation TEXT NOT NULL,
    address TEXT NOT NULL,
    town TEXT NOT NULL,
    postcode TEXT NOT NULL,
    nation TEXT NOT NULL,
    lat DOUBLE NOT NULL,
    lon DOUBLE NOT NULL,
    phone TEXT NOT NULL,
    website TEXT NOT NULL,
    age_min INTEGER,
    age_max INTEGER,
    tya_role TEXT,
    services TEXT NOT NULL,
    tct_unit BOOLEAN,
    notes TEXT NOT NULL,
    source TEXT NOT NULL,
    last_verified TEXT NOT NULL,
    unverified TEXT NOT NULL
);

CREATE TABLE registries (
    nation TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    website TEXT NOT NULL,
    publishes TEXT NOT NULL,
    phone TEXT NOT NULL,
    notes TEXT NOT NULL,
    source TEXT NOT NULL,
    last_verified TEXT NOT NULL,
    unverified TEXT NOT NULL
);

CREATE TABLE treatment_topics (
    slug TEXT PRIMARY KEY NOT NULL,
    condition TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    related_service TEXT,
    sort_order INTEGER NOT NULL,
    source TEXT NOT NULL,
    last_verified TEXT NOT NULL,
    unverified TEXT NOT NULL
);

CREATE TABLE referral_rules (
    id TEXT PRIMARY KEY NOT NULL,
    nation TEXT NOT NULL,
    age_min INTEGER NOT NULL,
    age_max INTEGER NOT NULL,
    setting TEXT NOT NULL,
    rule TEXT NOT NULL,
    details TEXT NOT NULL,
    source TEXT NOT NULL,
    last_verified TEXT NOT NULL,
    unverified TEXT NOT NULL
);

CREATE TABLE postcode_areas (
    area TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    nation TEXT NOT NULL,
    also_in TEXT NOT NULL,
    lat DOUBLE NOT NULL,
    lon DOUBLE NOT NULL,
    notes TEXT NOT NULL,
    source TEXT NOT NULL,
    last_verified TEXT NOT NULL,
    unverified TEXT NOT NULL
);

CREATE TABLE registry_stats (
    id TEXT PRIMARY KEY NOT NULL,
    nation TEXT NOT NULL,
    period TEXT NOT NULL,
    cancer TEXT NOT NULL,
    age_band TEXT NOT NULL,
    sex TEXT NOT NULL,
    measure TEXT NOT NULL,
    value DOUBLE NOT NULL,
    notes TEXT NOT NULL,
    source TEXT NOT NULL,
    last_verified TEXT NOT NULL,
    unverified TEXT NOT NULL
);

-- Full postcodes from the ONS Postcode Directory / NSPL or a simple postcode,lat,lon file.
CREATE TABLE postcodes (
    postcode TEXT PRIMARY KEY NOT NULL,
    outcode TEXT NOT NULL,
    lat DOUBLE NOT NULL,
    lon DOUBLE NOT NULL,
    nation TEXT,
    terminated BOOLEAN NOT NULL
);

-- District (outcode) centroids derived from the postcodes table, or loaded from an outcode table.
CREATE TABLE postcode_districts (
    outcode TEXT PRIMARY KEY NOT NULL,
    lat DOUBLE NOT NULL,
    lon DOUBLE NOT NULL,
    nation TEXT,
    postcodes BIGINT NOT NULL
);

-- Answers of the online geocoder, so a postcode is asked about once.
CREATE TABLE geocode_cache (
    postcode TEXT PRIMARY KEY NOT NULL,
    found BOOLEAN NOT NULL,
    lat DOUBLE,
    lon DOUBLE,
    nation TEXT,
    fetched_at TEXT NOT NULL
);

CREATE TABLE imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    dataset TEXT NOT NULL,
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rows_total BIGINT NOT NULL,
    rows_skipped BIGINT NOT NULL,
    added BIGINT NOT NULL,
    changed BIGINT NOT NULL,
    removed BIGINT NOT NULL,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL,
    directory_version BIGINT NOT NULL,
    restored_import_id BIGINT,
    content TEXT
);
CREATE INDEX imports_dataset_id ON imports (dataset, id);

-- Which import each dataset's rows came from.
CREATE TABLE dataset_state (
    dataset TEXT PRIMARY KEY NOT NULL,
    import_id BIGINT NOT NULL,
    content_import_id BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    rows_total BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);

-- One row: bumped by every import that changes data, so readers and replicas see one number.
CREATE TABLE directory_version (
    id INTEGER PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO directory_version (id, version, updated_at) VALUES (1, 0, '1970-01-01T00:00:00Z');
