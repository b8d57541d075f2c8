//! Diesel table definitions, shared by both backends (the migrations of each define the same
//! columns with the same SQL types).

diesel::table! {
    centres (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        hospital -> Text,
        organisation -> Text,
        address -> Text,
        town -> Text,
        postcode -> Text,
        nation -> Text,
        lat -> Double,
        lon -> Double,
        phone -> Text,
        website -> Text,
        age_min -> Nullable<Integer>,
        age_max -> Nullable<Integer>,
        tya_role -> Nullable<Text>,
        services -> Text,
        tct_unit -> Nullable<Bool>,
        notes -> Text,
        source -> Text,
        last_verified -> Text,
        unverified -> Text,
    }
}

diesel::table! {
    registries (nation) {
        nation -> Text,
        name -> Text,
        short_name -> Text,
        organisation -> Text,
        website -> Text,
        publishes -> Text,
        phone -> Text,
        notes -> Text,
        source -> Text,
        last_verified -> Text,
        unverified -> Text,
        name_cy -> Text,
        publishes_cy -> Text,
        notes_cy -> Text,
        welsh_review -> Text,
    }
}

diesel::table! {
    treatment_topics (slug) {
        slug -> Text,
        condition -> Text,
        title -> Text,
        summary -> Text,
        body -> Text,
        related_service -> Nullable<Text>,
        sort_order -> Integer,
        source -> Text,
        last_verified -> Text,
        unverified -> Text,
        title_cy -> Text,
        summary_cy -> Text,
        body_cy -> Text,
        welsh_review -> Text,
    }
}

diesel::table! {
    referral_rules (id) {
        id -> Text,
        nation -> Text,
        age_min -> Integer,
        age_max -> Integer,
        setting -> Text,
        rule -> Text,
        details -> Text,
        source -> Text,
        last_verified -> Text,
        unverified -> Text,
        rule_cy -> Text,
        details_cy -> Text,
        welsh_review -> Text,
    }
}

diesel::table! {
    postcode_areas (area) {
        area -> Text,
        name -> Text,
        nation -> Text,
        also_in -> Text,
        lat -> Double,
        lon -> Double,
        notes -> Text,
        source -> Text,
        last_verified -> Text,
        unverified -> Text,
    }
}

diesel::table! {
    registry_stats (id) {
        id -> Text,
        nation -> Text,
        period -> Text,
        cancer -> Text,
        age_band -> Text,
        sex -> Text,
        measure -> Text,
        value -> Double,
        notes -> Text,
        source -> Text,
        last_verified -> Text,
        unverified -> Text,
    }
}

diesel::table! {
    postcodes (postcode) {
        postcode -> Text,
        outcode -> Text,
        lat -> Double,
        lon -> Double,
        nation -> Nullable<Text>,
        terminated -> Bool,
    }
}

diesel::table! {
    postcode_districts (outcode) {
        outcode -> Text,
        lat -> Double,
        lon -> Double,
        nation -> Nullable<Text>,
        postcodes -> BigInt,
    }
}

diesel::table! {
    places (id) {
        id -> Text,
        name -> Text,
        other_names -> Text,
        nation -> Text,
        county -> Text,
        lat -> Double,
        lon -> Double,
        population -> Nullable<BigInt>,
        source -> Text,
        last_verified -> Text,
        unverified -> Text,
    }
}

diesel::table! {
    district_centroids (outcode) {
        outcode -> Text,
        area -> Text,
        lat -> Nullable<Double>,
        lon -> Nullable<Double>,
        nation -> Text,
        non_geographic -> Bool,
        postcodes -> Nullable<BigInt>,
        town -> Text,
        notes -> Text,
        source -> Text,
        last_verified -> Text,
        unverified -> Text,
    }
}

diesel::table! {
    family (centre_id) {
        centre_id -> Text,
        accommodation -> Text,
        accommodation_source -> Text,
        parking -> Text,
        parking_source -> Text,
        public_transport -> Text,
        public_transport_source -> Text,
        travel_costs -> Text,
        travel_costs_source -> Text,
        last_verified -> Text,
    }
}

diesel::table! {
    geocode_cache (postcode) {
        postcode -> Text,
        found -> Bool,
        lat -> Nullable<Double>,
        lon -> Nullable<Double>,
        nation -> Nullable<Text>,
        fetched_at -> Text,
        answer -> Nullable<Text>,
    }
}

diesel::table! {
    imports (id) {
        id -> BigInt,
        dataset -> Text,
        action -> Text,
        status -> Text,
        source -> Text,
        sha256 -> Text,
        rows_total -> BigInt,
        rows_skipped -> BigInt,
        added -> BigInt,
        changed -> BigInt,
        removed -> BigInt,
        actor -> Text,
        created_at -> Text,
        directory_version -> BigInt,
        restored_import_id -> Nullable<BigInt>,
        content -> Nullable<Text>,
    }
}

diesel::table! {
    dataset_state (dataset) {
        dataset -> Text,
        import_id -> BigInt,
        content_import_id -> BigInt,
        sha256 -> Text,
        rows_total -> BigInt,
        updated_at -> Text,
    }
}

diesel::table! {
    directory_version (id) {
        id -> Integer,
        version -> BigInt,
        updated_at -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(imports, dataset_state);
