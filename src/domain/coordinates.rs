//! A WGS84 point known to lie in the UK or the Crown Dependencies.

use geo::{Distance, Haversine, Point};

/// Latitude and longitude (WGS84 degrees) inside the box that holds the UK, the Channel
/// Islands and the Isle of Man.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Coordinates {
    lat: f64,
    lon: f64,
}

impl Coordinates {
    pub const LAT_RANGE: (f64, f64) = (49.0, 61.0);
    pub const LON_RANGE: (f64, f64) = (-8.75, 2.0);

    pub fn new(lat: f64, lon: f64) -> Result<Self, String> {
        Self::check_lat(lat)?;
        Self::check_lon(lon)?;
        Ok(Self { lat, lon })
    }

    pub fn check_lat(lat: f64) -> Result<f64, String> {
        let (lo, hi) = Self::LAT_RANGE;
        if lat.is_finite() && (lo..=hi).contains(&lat) {
            Ok(lat)
        } else {
            Err(crate::tr!(
                "error-lat-outside",
                lat = lat.to_string(),
                lo = lo.to_string(),
                hi = hi.to_string()
            ))
        }
    }

    pub fn check_lon(lon: f64) -> Result<f64, String> {
        let (lo, hi) = Self::LON_RANGE;
        if lon.is_finite() && (lo..=hi).contains(&lon) {
            Ok(lon)
        } else {
            Err(crate::tr!(
                "error-lon-outside",
                lon = lon.to_string(),
                lo = lo.to_string(),
                hi = hi.to_string()
            ))
        }
    }

    /// Parse a decimal degree string for the named axis.
    pub fn parse_lat(raw: &str) -> Result<f64, String> {
        Self::check_lat(parse_degrees(raw, "latitude")?)
    }

    pub fn parse_lon(raw: &str) -> Result<f64, String> {
        Self::check_lon(parse_degrees(raw, "longitude")?)
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Great-circle distance in kilometres (Haversine, mean Earth radius).
    pub fn distance_km(self, other: Coordinates) -> f64 {
        Haversine.distance(self.point(), other.point()) / 1000.0
    }

    fn point(self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }

    /// The point as a unit vector on the sphere: chord length between two such vectors is
    /// monotonic in great-circle distance, so a Euclidean nearest-neighbour search over them
    /// gives exact great-circle order.
    pub fn unit_vector(self) -> [f64; 3] {
        unit_vector_of(self.lat, self.lon)
    }
}

/// [`Coordinates::unit_vector`] of any latitude and longitude in degrees.
fn unit_vector_of(lat: f64, lon: f64) -> [f64; 3] {
    let (lat, lon) = (lat.to_radians(), lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

fn parse_degrees(raw: &str, what: &str) -> Result<f64, String> {
    let t = raw.trim();
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| crate::tr!("error-degrees", value = t, what = what))
}

/// A point as `<lat><separator><lon>`, five decimal places each (about a metre): how points
/// are shown in queries (`,`) and in directions links (`%2C`).
pub fn point_text(lat: f64, lon: f64, separator: &str) -> String {
    format!("{lat:.5}{separator}{lon:.5}")
}

/// Kilometres to statute miles.
pub fn km_to_miles(km: f64) -> f64 {
    km / 1.609_344
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_shown_to_five_decimal_places() {
        assert_eq!(point_text(53.8, -1.55, ","), "53.80000,-1.55000");
        assert_eq!(point_text(51.123456, 0.000004, "%2C"), "51.12346%2C0.00000");
    }

    #[test]
    fn rejects_points_outside_the_uk() {
        assert!(Coordinates::new(53.8, -1.55).is_ok());
        assert!(Coordinates::new(48.85, 2.35).is_err()); // Paris
        assert!(Coordinates::new(53.8, -9.5).is_err()); // Atlantic, west of Ireland
        assert!(Coordinates::new(f64::NAN, 0.0).is_err());
        assert_eq!(
            Coordinates::parse_lat("91").unwrap_err(),
            "latitude 91 is outside the UK; allowed: 49 to 61"
        );
        assert!(Coordinates::parse_lon("west")
            .unwrap_err()
            .contains("not a longitude"));
    }

    #[test]
    fn distance_leeds_to_manchester_is_about_58_km() {
        let leeds = Coordinates::new(53.7997, -1.5492).unwrap();
        let manchester = Coordinates::new(53.4808, -2.2426).unwrap();
        let d = leeds.distance_km(manchester);
        assert!((55.0..61.0).contains(&d), "{d}");
        assert!((km_to_miles(d) - d / 1.609344).abs() < 1e-9);
    }
}
