//! Where a chart's plotting area sits on its canvas, and what data range it shows, so a click
//! or a drag on the canvas can be turned into data coordinates (and back).

/// The plotting area in canvas pixels and the data range it shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// Left and right edges in canvas pixels.
    pub pixels_x: (f64, f64),
    /// Top and bottom edges in canvas pixels.
    pub pixels_y: (f64, f64),
    /// Data x at the left and right edges.
    pub x: (f64, f64),
    /// Data y at the bottom and top edges.
    pub y: (f64, f64),
}

impl Frame {
    /// The data point under canvas pixel (px, py), or `None` outside the plotting area.
    pub fn to_data(&self, px: f64, py: f64) -> Option<[f64; 2]> {
        let (left, right) = self.pixels_x;
        let (top, bottom) = self.pixels_y;
        if px < left || px > right || py < top || py > bottom {
            return None;
        }
        self.to_data_anywhere(px, py)
    }

    /// The data point canvas pixel (px, py) stands for, also outside the plotting area (a drag
    /// that overshoots the chart still moves the bar to its end); `None` for an empty area.
    pub fn to_data_anywhere(&self, px: f64, py: f64) -> Option<[f64; 2]> {
        let (left, right) = self.pixels_x;
        let (top, bottom) = self.pixels_y;
        if right <= left || bottom <= top {
            return None;
        }
        let x = self.x.0 + (px - left) / (right - left) * (self.x.1 - self.x.0);
        // Pixel rows grow downwards, data y upwards.
        let y = self.y.0 + (bottom - py) / (bottom - top) * (self.y.1 - self.y.0);
        Some([x, y])
    }

    /// The canvas pixel of a data point.
    pub fn to_pixel(&self, p: [f64; 2]) -> (f64, f64) {
        let (left, right) = self.pixels_x;
        let (top, bottom) = self.pixels_y;
        let px = left + (p[0] - self.x.0) / (self.x.1 - self.x.0) * (right - left);
        let py = bottom - (p[1] - self.y.0) / (self.y.1 - self.y.0) * (bottom - top);
        (px, py)
    }

    /// The index of the point drawn within `radius` canvas pixels of (px, py), the closest if several.
    pub fn nearest(&self, points: &[(f64, f64)], px: f64, py: f64, radius: f64) -> Option<usize> {
        points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (qx, qy) = self.to_pixel([p.0, p.1]);
                (i, (qx - px).hypot(qy - py))
            })
            .filter(|&(_, d)| d <= radius)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }
}

/// `lo..hi` widened outwards to whole steps of a round size (half a power of ten), so a view
/// that follows a growing path changes only now and then, and what is drawn behind the path
/// need not be redrawn every step.
pub fn widen_to_grid(lo: f64, hi: f64) -> (f64, f64) {
    let width = hi - lo;
    if !(width.is_finite() && width > 0.0) {
        return (lo, hi);
    }
    let step = 10f64.powf(width.log10().floor()) / 2.0;
    ((lo / step).floor() * step, (hi / step).ceil() * step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_widens_to_round_steps_and_ignores_small_growth() {
        assert_eq!(widen_to_grid(-0.37, 2.12), (-0.5, 2.5), "width 2.49: steps of 0.5");
        assert_eq!(widen_to_grid(-0.41, 2.2), (-0.5, 2.5), "a little growth, the same view");
        assert_eq!(widen_to_grid(3.0, 47.0), (0.0, 50.0), "width 44: steps of 5");
        assert_eq!(widen_to_grid(1.0, 1.0), (1.0, 1.0), "nothing to widen");
    }

    #[test]
    fn pixels_and_data_map_both_ways_with_y_upwards() {
        let frame = Frame { pixels_x: (40.0, 440.0), pixels_y: (10.0, 210.0), x: (-2.0, 2.0), y: (0.0, 1.0) };
        assert_eq!(frame.to_data(40.0, 210.0), Some([-2.0, 0.0]), "bottom left");
        assert_eq!(frame.to_data(440.0, 10.0), Some([2.0, 1.0]), "top right");
        assert_eq!(frame.to_data(240.0, 110.0), Some([0.0, 0.5]), "centre");
        assert_eq!(frame.to_data(20.0, 110.0), None, "in the axis labels");
        let (px, py) = frame.to_pixel([1.0, 0.25]);
        assert_eq!((px, py), (340.0, 160.0));
        assert_eq!(frame.to_data(px, py), Some([1.0, 0.25]));
    }

    #[test]
    fn the_point_under_the_pointer_is_the_nearest_within_reach() {
        let frame = Frame { pixels_x: (0.0, 100.0), pixels_y: (0.0, 100.0), x: (0.0, 10.0), y: (0.0, 10.0) };
        let points = [(1.0, 1.0), (5.0, 5.0), (5.5, 5.0)];
        assert_eq!(frame.nearest(&points, 10.0, 90.0, 8.0), Some(0), "(1, 1) is drawn at pixel (10, 90)");
        assert_eq!(frame.nearest(&points, 54.0, 50.0, 8.0), Some(2), "closer to (5.5, 5) than to (5, 5)");
        assert_eq!(frame.nearest(&points, 30.0, 30.0, 8.0), None, "empty space");
    }

    #[test]
    fn anywhere_extends_the_mapping_beyond_the_plotting_area() {
        let f = Frame { pixels_x: (10.0, 110.0), pixels_y: (0.0, 50.0), x: (0.0, 4.0), y: (0.0, 1.5) };
        assert_eq!(f.to_data(120.0, -10.0), None);
        let [x, y] = f.to_data_anywhere(120.0, -10.0).unwrap();
        assert!((x - 4.4).abs() < 1e-12 && (y - 1.8).abs() < 1e-12, "({x}, {y})");
        assert_eq!(f.to_data_anywhere(60.0, 25.0), f.to_data(60.0, 25.0));
        let empty = Frame { pixels_x: (1.0, 1.0), ..f };
        assert_eq!(empty.to_data_anywhere(1.0, 1.0), None);
    }
}
