//! Large digits and letters for the terminal screen: a ticket number in a 3×5 block
//! font, readable from across the desk like the page's big number.

/// Rows of each glyph, `#` lit. Three columns keep `AK001` within 35 terminal columns
/// (each lit cell is drawn two columns wide, so glyphs look square).
const FONT: [(char, [&str; 5]); 37] = [
    ('0', ["###", "#.#", "#.#", "#.#", "###"]),
    ('1', [".#.", "##.", ".#.", ".#.", "###"]),
    ('2', ["###", "..#", "###", "#..", "###"]),
    ('3', ["###", "..#", "###", "..#", "###"]),
    ('4', ["#.#", "#.#", "###", "..#", "..#"]),
    ('5', ["###", "#..", "###", "..#", "###"]),
    ('6', ["###", "#..", "###", "#.#", "###"]),
    ('7', ["###", "..#", "..#", "..#", "..#"]),
    ('8', ["###", "#.#", "###", "#.#", "###"]),
    ('9', ["###", "#.#", "###", "..#", "###"]),
    ('A', ["###", "#.#", "###", "#.#", "#.#"]),
    ('B', ["##.", "#.#", "##.", "#.#", "##."]),
    ('C', ["###", "#..", "#..", "#..", "###"]),
    ('D', ["##.", "#.#", "#.#", "#.#", "##."]),
    ('E', ["###", "#..", "###", "#..", "###"]),
    ('F', ["###", "#..", "###", "#..", "#.."]),
    ('G', ["###", "#..", "#.#", "#.#", "###"]),
    ('H', ["#.#", "#.#", "###", "#.#", "#.#"]),
    ('I', ["###", ".#.", ".#.", ".#.", "###"]),
    ('J', ["..#", "..#", "..#", "#.#", "###"]),
    ('K', ["#.#", "#.#", "##.", "#.#", "#.#"]),
    ('L', ["#..", "#..", "#..", "#..", "###"]),
    ('M', ["#.#", "###", "###", "#.#", "#.#"]),
    ('N', ["##.", "#.#", "#.#", "#.#", "#.#"]),
    ('O', ["###", "#.#", "#.#", "#.#", "###"]),
    ('P', ["###", "#.#", "###", "#..", "#.."]),
    ('Q', ["###", "#.#", "#.#", "###", "..#"]),
    ('R', ["###", "#.#", "##.", "#.#", "#.#"]),
    ('S', ["###", "#..", "###", "..#", "###"]),
    ('T', ["###", ".#.", ".#.", ".#.", ".#."]),
    ('U', ["#.#", "#.#", "#.#", "#.#", "###"]),
    ('V', ["#.#", "#.#", "#.#", "#.#", ".#."]),
    ('W', ["#.#", "#.#", "###", "###", "#.#"]),
    ('X', ["#.#", "#.#", ".#.", "#.#", "#.#"]),
    ('Y', ["#.#", "#.#", ".#.", ".#.", ".#."]),
    ('Z', ["###", "..#", ".#.", "#..", "###"]),
    ('-', ["...", "...", "###", "...", "..."]),
];

/// Rows of a glyph drawing.
pub const HEIGHT: usize = 5;

/// `text` drawn in the block font, five rows, or `None` if a character has no glyph.
pub fn lines(text: &str) -> Option<[String; HEIGHT]> {
    let mut rows: [String; HEIGHT] = Default::default();
    for (i, c) in text.chars().enumerate() {
        let (_, glyph) = FONT.iter().find(|(g, _)| *g == c.to_ascii_uppercase())?;
        for (row, bits) in rows.iter_mut().zip(glyph) {
            if i > 0 {
                row.push_str("  ");
            }
            for b in bits.chars() {
                row.push_str(if b == '#' { "██" } else { "  " });
            }
        }
    }
    Some(rows)
}

/// Columns the drawing of `text` takes.
pub fn width(text: &str) -> usize {
    let n = text.chars().count();
    (n * 8).saturating_sub(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_drawn_in_five_rows_of_the_stated_width() {
        let rows = lines("A01").unwrap();
        assert!(rows.iter().all(|r| r.chars().count() == width("A01")));
        assert_eq!(rows[0], "██████  ██████    ██  ");
        assert!(lines("A~1").is_none());
    }
}
