DROP TABLE family;
ALTER TABLE geocode_cache DROP COLUMN answer;
DROP TABLE district_centroids;
DROP TABLE places;
UPDATE imports SET dataset = 'postcode_districts' WHERE dataset = 'postcode_outcodes';
UPDATE dataset_state SET dataset = 'postcode_districts' WHERE dataset = 'postcode_outcodes';
