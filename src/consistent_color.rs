//! XEP-0392 consistent colour generation: the same person gets the same
//! colour in every client (avatar placeholders, names in groups).

use sha1::{Digest, Sha1};

/// The hue angle (degrees) for `input` (XEP-0392 §5.1: the first two bytes
/// of SHA-1, little endian, scaled to 360°).
pub fn hue(input: &str) -> f64 {
    let hash = Sha1::digest(input.as_bytes());
    let value = u16::from_le_bytes([hash[0], hash[1]]);
    f64::from(value) / 65536.0 * 360.0
}

/// The colour for `input` as RGB in 0..=1 (HSLuv with saturation 100 and
/// lightness 50, XEP-0392 §5.2).
pub fn rgb(input: &str) -> [f32; 3] {
    let (r, g, b) = hsluv::hsluv_to_rgb(hue(input), 100.0, 50.0);
    [r, g, b].map(|c| c.clamp(0.0, 1.0) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test vectors of XEP-0392 (version 1.0, §13).
    #[test]
    fn matches_the_test_vectors() {
        let cases: [(&str, f64, [f32; 3]); 3] = [
            ("Romeo", 327.255249, [0.865, 0.000, 0.686]),
            ("juliet@capulet.lit", 209.410400, [0.000, 0.515, 0.573]),
            ("council", 359.994507, [0.918, 0.000, 0.394]),
        ];
        for (input, angle, expected) in cases {
            assert!(
                (hue(input) - angle).abs() < 0.001,
                "{input}: {}",
                hue(input)
            );
            let got = rgb(input);
            for (g, e) in got.iter().zip(expected) {
                assert!((g - e).abs() < 0.002, "{input}: {got:?} vs {expected:?}");
            }
        }
    }
}
