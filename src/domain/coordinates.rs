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
            Err(format!(
                "latitude {lat} is outside the UK; allowed: {lo} to {hi}"
            ))
        }
    }

    pub fn check_lon(lon: f64) -> Result<f64, String> {
        let (lo, hi) = Self::LON_RANGE;
        if lon.is_finite() && (lo..=hi).contains(&lon) {
            Ok(lon)
        } else {
            Err(format!(
                "longitude {lon} is outside the UK; allowed: {lo} to {hi}"
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

/// [`Coordinates::unit_vector`] of any latitude and longitude in degrees, inside the UK box
/// or not (the corners of a grid cell, say).
pub fn unit_vector_of(lat: f64, lon: f64) -> [f64; 3] {
    let (lat, lon) = (lat.to_radians(), lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

fn parse_degrees(raw: &str, what: &str) -> Result<f64, String> {
    let t = raw.trim();
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("'{t}' is not a {what}; allowed: a decimal number of degrees"))
}

/// Append `x` with five decimal places, exactly as `format!("{x:.5}")` writes it (about a
/// metre: how points are shown in queries and directions links), without the general
/// formatting machinery. Values whose rounding is a near tie, and anything unusual, are left
/// to `format!`.
pub fn push_degrees(out: &mut String, x: f64) {
    write_degrees(out, x).expect("writing to a String");
}

/// [`push_degrees`] into any text writer (it fails only when the writer does).
pub fn write_degrees(out: &mut impl std::fmt::Write, x: f64) -> std::fmt::Result {
    let scaled = x.abs() * 1e5;
    let fraction = scaled - scaled.floor();
    // The product's rounding error is far below a millionth here, so away from a tie its
    // rounding is the exact value's.
    if !scaled.is_finite() || scaled >= 1e12 || (fraction - 0.5).abs() < 1e-6 {
        return write!(out, "{x:.5}");
    }
    let n = scaled.round() as u64;
    if x.is_sign_negative() {
        out.write_char('-')?;
    }
    let mut digits = itoa::Buffer::new();
    out.write_str(digits.format(n / 100_000))?;
    out.write_char('.')?;
    let decimals = digits.format(n % 100_000 + 100_000);
    out.write_str(&decimals[1..])
}

/// A point as `<lat><separator><lon>`, each with five decimal places ([`push_degrees`]): how
/// points are shown in queries (`,`) and in directions links (`%2C`).
pub fn write_point(
    out: &mut impl std::fmt::Write,
    lat: f64,
    lon: f64,
    separator: &str,
) -> std::fmt::Result {
    write_degrees(out, lat)?;
    out.write_str(separator)?;
    write_degrees(out, lon)
}

/// Kilometres to statute miles.
pub fn km_to_miles(km: f64) -> f64 {
    km / 1.609_344
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_are_written_as_format_writes_them() {
        let mut sequence = crate::fuzzing::Sequence::new(0x9E37_79B9_7F4A_7C15);
        let mut next = move || sequence.next_u64();
        let random = (0..300_000).map(|_| {
            let x = next();
            let unit = (x >> 11) as f64 / (1u64 << 53) as f64;
            match x % 4 {
                0 => unit * 360.0 - 180.0,
                // Near five-decimal ties and whole hundred-thousandths.
                1 => ((unit * 2e7).round() + 0.5) / 1e5 - 100.0,
                2 => (unit * 2e7).round() / 1e5 - 100.0,
                _ => (unit - 0.5) * 1e-4,
            }
        });
        let odd = [
            0.0,
            -0.0,
            0.015625,
            -0.015625,
            0.5,
            53.8,
            -1.55,
            1e-9,
            -1e-9,
            9.999995,
            1e12,
            -3e15,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ];
        for x in random.chain(odd) {
            let mut ours = String::new();
            push_degrees(&mut ours, x);
            assert_eq!(ours, format!("{x:.5}"), "{x:?}");
        }
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
