//! Reads ESC/POS bytes back into a readable listing: for the `file://` printer's text
//! previews, for tests that check what reached a printer, and for a technician
//! wondering what a kiosk sent.

/// One piece of a decoded stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A line of text (ended by LF, or by the end of the stream).
    Text(String),
    /// `ESC @`: the printer is reset to its defaults.
    Init,
    Align(&'static str),
    Bold(bool),
    Reverse(bool),
    /// `GS !`: character magnification, width × height.
    Size(u8, u8),
    Feed(u8),
    /// `GS ( k` store-data: the QR code's payload.
    QrData(String),
    /// `GS ( k` print: the stored QR code is printed.
    QrPrint,
    /// Another `GS ( k` setting (model, module size, error correction).
    QrSetting,
    /// `GS v 0`: a raster image, width × height in dots.
    Raster(usize, usize),
    Cut,
    /// `DLE EOT n`: a real-time status query.
    StatusQuery(u8),
    /// Any other command, as hex.
    Other(String),
}

/// Decodes a whole print stream. Truncated commands end the listing with an `Other`.
pub fn decode(bytes: &[u8]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = Vec::new();
    let mut i = 0;
    let flush = |text: &mut Vec<u8>, out: &mut Vec<Piece>| {
        if !text.is_empty() {
            out.push(Piece::Text(String::from_utf8_lossy(text).into_owned()));
            text.clear();
        }
    };
    let arg = |i: usize| bytes.get(i).copied();
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                out.push(Piece::Text(String::from_utf8_lossy(&text).into_owned()));
                text.clear();
                i += 1;
            }
            0x1b => {
                flush(&mut text, &mut out);
                let (piece, len) = match (arg(i + 1), arg(i + 2)) {
                    (Some(b'@'), _) => (Piece::Init, 2),
                    (Some(b'a'), Some(n)) => (
                        Piece::Align(match n {
                            0 | b'0' => "left",
                            1 | b'1' => "center",
                            _ => "right",
                        }),
                        3,
                    ),
                    (Some(b'E'), Some(n)) => (Piece::Bold(n & 1 == 1), 3),
                    (Some(b'd'), Some(n)) => (Piece::Feed(n), 3),
                    (Some(c), Some(n)) if b"-MtR!G3 ".contains(&c) => {
                        (Piece::Other(hex(&[0x1b, c, n])), 3)
                    }
                    (Some(c), _) => (Piece::Other(hex(&[0x1b, c])), 2),
                    (None, _) => (Piece::Other(hex(&[0x1b])), 1),
                };
                out.push(piece);
                i += len;
            }
            0x1d => {
                flush(&mut text, &mut out);
                match arg(i + 1) {
                    Some(b'!') if i + 2 < bytes.len() => {
                        let n = bytes[i + 2];
                        out.push(Piece::Size((n >> 4) + 1, (n & 0x0f) + 1));
                        i += 3;
                    }
                    Some(b'B') if i + 2 < bytes.len() => {
                        out.push(Piece::Reverse(bytes[i + 2] & 1 == 1));
                        i += 3;
                    }
                    Some(b'V') if i + 2 < bytes.len() => {
                        let m = bytes[i + 2];
                        out.push(Piece::Cut);
                        i += if m == 65 || m == 66 { 4 } else { 3 };
                    }
                    Some(b'(') if i + 5 < bytes.len() && bytes[i + 2] == b'k' => {
                        let len = usize::from(u16::from_le_bytes([bytes[i + 3], bytes[i + 4]]));
                        let body = &bytes[(i + 5).min(bytes.len())..(i + 5 + len).min(bytes.len())];
                        let piece = match body {
                            [49, 80, 48, data @ ..] => {
                                Piece::QrData(String::from_utf8_lossy(data).into_owned())
                            }
                            [49, 81, ..] => Piece::QrPrint,
                            _ => Piece::QrSetting,
                        };
                        out.push(piece);
                        i += 5 + len;
                    }
                    Some(b'v') if i + 7 < bytes.len() && bytes[i + 2] == b'0' => {
                        let w = usize::from(u16::from_le_bytes([bytes[i + 4], bytes[i + 5]]));
                        let h = usize::from(u16::from_le_bytes([bytes[i + 6], bytes[i + 7]]));
                        out.push(Piece::Raster(w * 8, h));
                        i += 8 + w * h;
                    }
                    Some(c) => {
                        out.push(Piece::Other(hex(&[0x1d, c])));
                        i += 2;
                    }
                    None => {
                        out.push(Piece::Other(hex(&[0x1d])));
                        i += 1;
                    }
                }
            }
            0x10 if arg(i + 1) == Some(0x04) && i + 2 < bytes.len() => {
                flush(&mut text, &mut out);
                out.push(Piece::StatusQuery(bytes[i + 2]));
                i += 3;
            }
            0x20..=0x7e | 0x80..=0xff => {
                text.push(b);
                i += 1;
            }
            _ => {
                flush(&mut text, &mut out);
                out.push(Piece::Other(hex(&[b])));
                i += 1;
            }
        }
    }
    flush(&mut text, &mut out);
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A readable listing: commands in brackets, text lines as they print.
pub fn preview(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut after_text = false;
    for piece in decode(bytes) {
        // `ESC d n` after text prints the line and feeds n lines: the first is the
        // line's own end, the others are blank lines.
        if let Piece::Feed(n) = piece {
            let blank = if after_text { n.saturating_sub(1) } else { n };
            for _ in 0..blank {
                out.push('\n');
            }
            after_text = false;
            continue;
        }
        after_text = matches!(piece, Piece::Text(_));
        let line = match piece {
            Piece::Text(t) => format!("  {t}"),
            Piece::Init => "[ESC @ init]".into(),
            Piece::Align(a) => format!("[align {a}]"),
            Piece::Bold(on) => format!("[bold {}]", if on { "on" } else { "off" }),
            Piece::Reverse(on) => format!("[reverse {}]", if on { "on" } else { "off" }),
            Piece::Size(w, h) => format!("[size {w}x{h}]"),
            Piece::Feed(n) => format!("[feed {n}]"),
            Piece::QrData(d) => format!("[QR data: {d}]"),
            Piece::QrPrint => "[QR print]".into(),
            Piece::QrSetting => "[QR setting]".into(),
            Piece::Raster(w, h) => format!("[raster image {w}x{h} dots]"),
            Piece::Cut => "[cut]".into(),
            Piece::StatusQuery(n) => format!("[DLE EOT {n} status query]"),
            Piece::Other(h) => format!("[{h}]"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_commands_a_ticket_uses() {
        let mut bytes = vec![0x1b, b'@', 0x1b, b'a', 1, 0x1d, b'!', 0x77];
        bytes.extend_from_slice(b"A001\n");
        bytes.extend_from_slice(&[0x1d, b'(', b'k', 6, 0, 49, 80, 48, b'h', b't', b'p']);
        bytes.extend_from_slice(&[0x1d, b'(', b'k', 3, 0, 49, 81, 48]);
        bytes.extend_from_slice(&[0x1d, b'V', 65, 1]);
        assert_eq!(
            decode(&bytes),
            [
                Piece::Init,
                Piece::Align("center"),
                Piece::Size(8, 8),
                Piece::Text("A001".into()),
                Piece::QrData("htp".into()),
                Piece::QrPrint,
                Piece::Cut,
            ]
        );
    }

    #[test]
    fn truncated_input_does_not_panic() {
        for bytes in [
            &[0x1b][..],
            &[0x1d],
            &[0x1d, b'(', b'k', 200, 0, 49],
            &[0x1d, b'v', b'0', 0, 9, 9, 9, 9],
        ] {
            let _ = preview(bytes);
        }
    }
}
