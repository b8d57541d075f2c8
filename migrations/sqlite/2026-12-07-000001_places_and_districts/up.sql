-- The place gazetteer (dataset `places`): UK cities, towns and villages with other names.
CREATE TABLE places (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    other_names TEXT NOT NULL,
    nation TEXT NOT NULL,
    county TEXT NOT NULL,
    lat DOUBLE NOT NULL,
    lon DOUBLE NOT NULL,
    population BIGINT,
    source TEXT NOT NULL,
    last_verified TEXT NOT NULL,
    unverified TEXT NOT NULL
);

-- The shipped postcode district centroids (dataset `postcode_districts`). The table
-- postcode_districts holds the centroids derived from a loaded postcode directory, which
-- take precedence.
CREATE TABLE district_centroids (
    outcode TEXT PRIMARY KEY NOT NULL,
    area TEXT NOT NULL,
    lat DOUBLE,
    lon DOUBLE,
    nation TEXT NOT NULL,
    non_geographic BOOLEAN NOT NULL,
    postcodes BIGINT,
    town TEXT NOT NULL,
    notes TEXT NOT NULL,
    source TEXT NOT NULL,
    last_verified TEXT NOT NULL,
    unverified TEXT NOT NULL
);

-- An outcode table loaded through `import postcodes` was recorded as `postcode_districts`; that
-- name is now the shipped dataset's, so the earlier records take the loader's new name.
UPDATE imports SET dataset = 'postcode_outcodes' WHERE dataset = 'postcode_districts';
UPDATE dataset_state SET dataset = 'postcode_outcodes' WHERE dataset = 'postcode_districts';

-- The online geocoder's whole answer (found, without coordinates, terminated, a place, not
-- found) as JSON; rows cached before it have only the columns above.
ALTER TABLE geocode_cache ADD COLUMN answer TEXT;

-- What a family needs to get to a centre and stay (dataset `family`): each value with the
-- pages that confirm it.
CREATE TABLE family (
    centre_id TEXT PRIMARY KEY NOT NULL,
    accommodation TEXT NOT NULL,
    accommodation_source TEXT NOT NULL,
    parking TEXT NOT NULL,
    parking_source TEXT NOT NULL,
    public_transport TEXT NOT NULL,
    public_transport_source TEXT NOT NULL,
    travel_costs TEXT NOT NULL,
    travel_costs_source TEXT NOT NULL,
    last_verified TEXT NOT NULL
);
