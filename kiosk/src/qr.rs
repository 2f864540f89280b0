//! QR codes of the phone page: an SVG for the screens and a raster image for printers
//! that cannot draw QR codes themselves (no `GS ( k`).

use qrcode::{Color, EcLevel, QrCode};

/// Error correction M (15 % of the code may be lost): a crumpled or smudged thermal
/// ticket still scans, and the code stays small enough for 58 mm paper.
const EC_LEVEL: EcLevel = EcLevel::M;

/// Blank modules around the code, as the QR standard asks (phones find it faster).
const QUIET_ZONE: usize = 4;

/// Most dots per module of the raster fallback: 8 dots (1 mm at 203 dpi) is already a
/// large, easily scanned code; more only wastes paper and serial-line time.
const MAX_MODULE_DOTS: usize = 8;

/// Smallest SVG size in pixels; the page scales it anyway, this only keeps the
/// drawing's own coordinates integral and crisp.
const SVG_MIN_PX: u32 = 256;

fn code(data: &str) -> Option<QrCode> {
    QrCode::with_error_correction_level(data.as_bytes(), EC_LEVEL).ok()
}

/// The code as an SVG document (black on white, scales to any size); `None` when
/// `data` is too long for a QR code.
pub fn svg(data: &str) -> Option<String> {
    let code = code(data)?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(SVG_MIN_PX, SVG_MIN_PX)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
    )
}

/// The code as an ESC/POS raster image (`GS v 0`), each module `scale` dots wide,
/// centred by the printer's justification. `None` when `data` does not fit.
pub fn raster(data: &str, max_dots: usize) -> Option<Vec<u8>> {
    let code = code(data)?;
    let modules = code.width();
    let colors = code.to_colors();
    let total = modules + 2 * QUIET_ZONE;
    let scale = (max_dots / total).clamp(1, MAX_MODULE_DOTS);
    let width_dots = total * scale;
    let width_bytes = width_dots.div_ceil(8);
    let height = width_dots;
    let mut out = vec![0x1d, b'v', b'0', 0];
    out.extend_from_slice(&u16::try_from(width_bytes).ok()?.to_le_bytes());
    out.extend_from_slice(&u16::try_from(height).ok()?.to_le_bytes());
    for y in 0..height {
        let my = (y / scale).checked_sub(QUIET_ZONE);
        let mut row = vec![0u8; width_bytes];
        for x in 0..width_dots {
            let mx = (x / scale).checked_sub(QUIET_ZONE);
            let dark = match (mx, my) {
                (Some(mx), Some(my)) if mx < modules && my < modules => {
                    colors[my * modules + mx] == Color::Dark
                }
                _ => false,
            };
            if dark {
                row[x / 8] |= 0x80 >> (x % 8);
            }
        }
        out.extend_from_slice(&row);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_is_an_svg_document() {
        let svg = svg("http://10.0.0.2:8080/t/abc").unwrap();
        assert!(svg.contains("<svg"), "{svg}");
        assert!(svg.contains("#000000"));
    }

    #[test]
    fn raster_fits_the_paper_and_has_a_header() {
        let r = raster("http://10.0.0.2:8080/t/abc", 384).unwrap();
        assert_eq!(&r[..4], &[0x1d, b'v', b'0', 0]);
        let w = usize::from(u16::from_le_bytes([r[4], r[5]]));
        let h = usize::from(u16::from_le_bytes([r[6], r[7]]));
        assert!(w * 8 <= 384, "{w}");
        assert_eq!(r.len(), 8 + w * h);
        assert!(r[8..].iter().any(|&b| b != 0), "some dark modules");
    }

    #[test]
    fn too_much_data_is_refused() {
        assert!(svg(&"x".repeat(5000)).is_none());
    }
}
