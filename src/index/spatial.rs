//! The spatial index: an R-tree of points on the unit sphere.
//!
//! Each point goes in as a 3-D unit vector. The straight-line (chord) distance between two
//! such vectors grows with the great-circle distance between the points, so the R-tree's
//! Euclidean nearest-neighbour order is exact great-circle order, with no projection error
//! anywhere in the UK.

use rstar::primitives::GeomWithData;
use rstar::RTree;

use crate::domain::Coordinates;

/// The mean radius of the Earth, as `geo`'s Haversine distance uses.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Points with a value each (`T`), found by distance.
pub struct SpatialIndex<T> {
    tree: RTree<GeomWithData<[f64; 3], T>>,
}

impl<T> SpatialIndex<T> {
    pub fn new(points: impl IntoIterator<Item = (Coordinates, T)>) -> Self {
        let points = points
            .into_iter()
            .map(|(at, value)| GeomWithData::new(at.unit_vector(), value))
            .collect();
        Self {
            tree: RTree::bulk_load(points),
        }
    }

    /// Every value, nearest to `from` first, with its great-circle distance in kilometres.
    /// The distances never decrease along the way (they are computed from the chord the tree
    /// orders by), so a caller may stop at the first one too far.
    pub fn nearest(&self, from: Coordinates) -> impl Iterator<Item = (&T, f64)> + '_ {
        let u = from.unit_vector();
        self.tree.nearest_neighbor_iter(&u).map(move |p| {
            let v = p.geom();
            let chord2 = (u[0] - v[0]).powi(2) + (u[1] - v[1]).powi(2) + (u[2] - v[2]).powi(2);
            (&p.data, km_of_chord2(chord2))
        })
    }
}

/// The great-circle distance in kilometres spanned by a chord of the unit sphere whose square
/// is `chord2`.
fn km_of_chord2(chord2: f64) -> f64 {
    2.0 * EARTH_RADIUS_KM * (chord2.sqrt() / 2.0).min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_the_haversine_distances() {
        let leeds = Coordinates::new(53.7997, -1.5492).unwrap();
        let places = [
            Coordinates::new(53.4808, -2.2426).unwrap(),
            Coordinates::new(51.5072, -0.1276).unwrap(),
            Coordinates::new(57.1497, -2.0943).unwrap(),
            leeds,
        ];
        let index = SpatialIndex::new(places.iter().copied().zip(0..));
        let found: Vec<(usize, f64)> = index.nearest(leeds).map(|(i, d)| (*i, d)).collect();
        assert_eq!(found.iter().map(|f| f.0).collect::<Vec<_>>(), [3, 0, 1, 2]);
        for (i, d) in found {
            assert!((d - leeds.distance_km(places[i])).abs() < 1e-6, "{i}: {d}");
        }
    }

    #[test]
    fn an_empty_index_finds_nothing() {
        let index: SpatialIndex<()> = SpatialIndex::new([]);
        assert_eq!(
            index.nearest(Coordinates::new(53.8, -1.5).unwrap()).count(),
            0
        );
    }
}
