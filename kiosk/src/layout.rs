//! The printed ticket: a [`PrintJob`] rendered to ESC/POS bytes with the `escpos` crate.
//!
//! The layout is plain ASCII on purpose: cheap printers ship with different code pages
//! (PC437, PC850, PC858 …) and Indonesian needs no accents, so folding the odd `é` or
//! `—` to ASCII prints the same on every printer without configuring a code page.

use std::sync::{Arc, Mutex};

use antre_protocol::{PrintJob, Priority};
use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};

/// Paper width. Font A is 12 dots wide and both widths print at 203 dpi (8 dots/mm).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// 58 mm roll: 48 mm printable = 384 dots = 32 columns.
    Mm58,
    /// 80 mm roll: 72 mm printable = 576 dots = 48 columns.
    Mm80,
}

impl Paper {
    pub fn columns(self) -> usize {
        match self {
            Paper::Mm58 => 32,
            Paper::Mm80 => 48,
        }
    }

    pub fn dots(self) -> usize {
        self.columns() * FONT_A_DOTS
    }

    /// QR module size in dots: a 37-module code (what a track URL needs) is 222 dots on
    /// 58 mm and 259 on 80 mm, about 28 and 32 mm: big enough for any phone camera.
    fn qr_module(self) -> u8 {
        match self {
            Paper::Mm58 => 6,
            Paper::Mm80 => 7,
        }
    }
}

/// Width of one Font A character in dots.
const FONT_A_DOTS: usize = 12;

/// Largest character magnification ESC/POS has (`GS !` takes 1–8).
const MAX_MAGNIFICATION: usize = 8;

/// How the QR code is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QrMode {
    /// The printer draws it (`GS ( k`): Epson TM-T20/T82 and most newer printers.
    #[default]
    Native,
    /// As a raster image (`GS v 0`), for printers without QR support.
    Raster,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutOptions {
    pub paper: Paper,
    pub qr: QrMode,
}

#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    #[error("ESC/POS encoding failed: {0}")]
    Escpos(String),
    #[error("the QR code's URL is too long: {0}")]
    QrTooLong(String),
}

impl From<escpos::errors::PrinterError> for LayoutError {
    fn from(e: escpos::errors::PrinterError) -> LayoutError {
        LayoutError::Escpos(e.to_string())
    }
}

/// Collects what the `escpos` printer writes, so the bytes can go through our own
/// drivers (which retry, and report status) and be compared byte for byte in tests.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Driver for Capture {
    fn name(&self) -> String {
        "capture".into()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// The phone page of a ticket: `BASE/t/TOKEN`.
pub fn track_url(base: &str, token: &str) -> String {
    format!("{}/t/{token}", base.trim_end_matches('/'))
}

/// Renders a ticket. `url` is the phone page the QR code opens; `reprint` marks a copy.
pub fn render(
    job: &PrintJob,
    url: &str,
    options: LayoutOptions,
    reprint: bool,
) -> Result<Vec<u8>, LayoutError> {
    let cols = options.paper.columns();
    let capture = Capture::default();
    let mut p = Printer::new(capture.clone(), Protocol::default(), None);
    let rule = "-".repeat(cols);
    let t = &job.ticket;

    p.init()?.justify(JustifyMode::CENTER)?.bold(true)?;
    for line in wrap(&job.site_name, cols) {
        p.writeln(&line)?;
    }
    p.bold(false)?.writeln(&rule)?;
    p.writeln(&fit("NOMOR ANTRIAN / QUEUE NUMBER", cols))?;
    let number = ascii(&t.number);
    let m = number_magnification(&number, options.paper);
    p.size(m, m)?.writeln(&number)?.reset_size()?;
    if let Some(code) = t.booking.as_deref() {
        // Checked in from a booking: said under the number, for the officer who calls it.
        p.bold(true)?
            .writeln(&fit(&booking_line(code), cols))?
            .bold(false)?;
    }
    if let Some(priority) = t.priority {
        let (id, en) = priority_name(priority);
        p.reverse(true)?
            .bold(true)?
            .writeln(&fit(&format!(" PRIORITAS: {id} "), cols))?
            .writeln(&fit(&format!(" PRIORITY: {en} "), cols))?
            .reverse(false)?
            .bold(false)?;
    }
    p.bold(true)?;
    for line in wrap(&job.service_name, cols) {
        p.writeln(&line)?;
    }
    p.bold(false)?;
    if job.service_name_en != job.service_name {
        for line in wrap(&job.service_name_en, cols) {
            p.writeln(&line)?;
        }
    }
    for line in wrap(&job.agency_name, cols) {
        p.writeln(&line)?;
    }
    if !job.places.is_empty() {
        // Where to go, large enough to read while walking: bold and double height.
        p.writeln(&rule)?
            .writeln(&fit("LOKASI LAYANAN / LOCATION", cols))?
            .bold(true)?
            .size(1, 2)?;
        for line in place_lines(&job.places, cols) {
            p.writeln(&line)?;
        }
        p.reset_size()?.bold(false)?;
    }
    if !job.requirements.is_empty() {
        // What to bring, so a visitor can still fetch a missing copy while waiting.
        p.writeln(&rule)?
            .writeln(&fit("PERSYARATAN / REQUIREMENTS", cols))?
            .justify(JustifyMode::LEFT)?;
        for item in &job.requirements {
            for (i, line) in wrap(item, cols.saturating_sub(2)).iter().enumerate() {
                let bullet = if i == 0 { "- " } else { "  " };
                p.writeln(&format!("{bullet}{line}"))?;
            }
        }
        p.justify(JustifyMode::CENTER)?;
    }
    p.writeln(&rule)?.justify(JustifyMode::LEFT)?;
    for line in row("Tanggal / Date", &local_time(&t.issued_at), cols) {
        p.writeln(&line)?;
    }
    if let Some(ahead) = t.position {
        let people = format!("{ahead} orang / people");
        for line in row("Di depan Anda / Ahead", &people, cols) {
            p.writeln(&line)?;
        }
    }
    if let Some(wait) = t.estimated_wait_s {
        for line in row("Perkiraan tunggu / Wait", &wait_text(wait), cols) {
            p.writeln(&line)?;
        }
    }
    p.writeln(&rule)?.justify(JustifyMode::CENTER)?;
    match options.qr {
        QrMode::Native => {
            let option = QRCodeOption::new(
                QRCodeModel::Model2,
                options.paper.qr_module(),
                QRCodeCorrectionLevel::M,
            );
            p.qrcode_option(url, option)?;
        }
        QrMode::Raster => {
            let image = crate::qr::raster(url, options.paper.dots())
                .ok_or_else(|| LayoutError::QrTooLong(url.to_string()))?;
            p.custom(&image)?;
        }
    }
    for line in wrap("Pindai untuk memantau antrian di ponsel", cols) {
        p.writeln(&line)?;
    }
    for line in wrap("Scan to follow your queue on your phone", cols) {
        p.writeln(&line)?;
    }
    for line in wrap(url, cols) {
        p.writeln(&line)?;
    }
    if let Some(footer) = job.footer.as_deref().filter(|f| !f.trim().is_empty()) {
        p.feed()?;
        for line in footer.lines().flat_map(|l| wrap(l, cols)) {
            p.writeln(&line)?;
        }
    }
    if reprint {
        p.bold(true)?
            .writeln("** CETAK ULANG / REPRINT **")?
            .bold(false)?;
    }
    p.feed()?.partial_cut()?.print()?;
    let bytes = capture.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
    Ok(bytes)
}

/// A test slip: the site, the kiosk, when it was asked for, every size the tickets use,
/// and a cut. What a technician checks after changing a roll or a printer.
pub fn test_slip(
    test: &antre_protocol::TestPrint,
    options: LayoutOptions,
) -> Result<Vec<u8>, LayoutError> {
    let cols = options.paper.columns();
    let capture = Capture::default();
    let mut p = Printer::new(capture.clone(), Protocol::default(), None);
    let rule = "-".repeat(cols);
    p.init()?.justify(JustifyMode::CENTER)?.bold(true)?;
    for line in wrap(&test.site_name, cols) {
        p.writeln(&line)?;
    }
    p.bold(false)?.writeln(&rule)?;
    p.writeln(&fit("TES PRINTER / PRINTER TEST", cols))?;
    let m = number_magnification("A000", options.paper);
    p.size(m, m)?.writeln("A000")?.reset_size()?;
    for line in wrap(&format!("{} ({})", test.kiosk_name, test.kiosk), cols) {
        p.writeln(&line)?;
    }
    p.writeln(&ascii(&test.at))?.writeln(&rule)?;
    p.writeln(&fit("Printer siap / Printer ready", cols))?;
    p.feed()?.partial_cut()?.print()?;
    let bytes = capture.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
    Ok(bytes)
}

/// The places a service is served at, joined: each one on its own lines when it is not
/// the last, followed by a comma ("Lantai 1 - Zona A," / "Lantai 2 - Zona B").
fn place_lines(places: &[String], cols: usize) -> Vec<String> {
    let last = places.len().saturating_sub(1);
    places
        .iter()
        .enumerate()
        .flat_map(|(i, place)| {
            let text = if i < last {
                format!("{place},")
            } else {
                place.clone()
            };
            wrap(&text, cols)
        })
        .collect()
}

/// The largest magnification at which the number still fits the paper's width.
/// The line under a booked ticket's number: "BOOKING ACDE-FH34" (the code as people
/// read it, with its dash, whatever the form given).
fn booking_line(code: &str) -> String {
    let plain: String = ascii(code)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if plain.len() == 8 {
        format!("BOOKING {}-{}", &plain[..4], &plain[4..])
    } else {
        format!("BOOKING {plain}")
    }
}

fn number_magnification(number: &str, paper: Paper) -> u8 {
    let chars = number.chars().count().max(1);
    let m = (paper.dots() / (chars * FONT_A_DOTS)).clamp(1, MAX_MAGNIFICATION);
    u8::try_from(m).unwrap_or(1)
}

fn priority_name(p: Priority) -> (&'static str, &'static str) {
    match p {
        Priority::Lansia => ("LANSIA", "ELDERLY"),
        Priority::Disabilitas => ("DISABILITAS", "DISABILITY"),
        Priority::IbuHamil => ("IBU HAMIL", "PREGNANT"),
        Priority::Anak => ("ANAK", "CHILD"),
    }
}

/// `2026-11-23T08:05:12+08:00` → `23-11-2026 08:05 WITA`: the wall clock the ticket
/// was taken at, with the zone name Indonesians use.
pub fn local_time(rfc3339: &str) -> String {
    let Ok(ts) = rfc3339.parse::<jiff::Timestamp>() else {
        return ascii(rfc3339);
    };
    let offset = rfc3339
        .get(19..)
        .map(|rest| rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit()))
        .unwrap_or("Z");
    let (offset_s, zone) = match offset {
        "+07:00" => (7 * 3600, "WIB"),
        "+08:00" => (8 * 3600, "WITA"),
        "+09:00" => (9 * 3600, "WIT"),
        "Z" | "+00:00" => (0, "UTC"),
        other => (parse_offset(other).unwrap_or(0), ""),
    };
    let offset = jiff::tz::Offset::from_seconds(offset_s).unwrap_or(jiff::tz::Offset::UTC);
    let dt = offset.to_datetime(ts);
    let text = format!(
        "{:02}-{:02}-{} {:02}:{:02}",
        dt.day(),
        dt.month(),
        dt.year(),
        dt.hour(),
        dt.minute()
    );
    if zone.is_empty() {
        text
    } else {
        format!("{text} {zone}")
    }
}

fn parse_offset(s: &str) -> Option<i32> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = s[1..].split_once(':')?;
    Some(sign * (h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60))
}

/// Whole minutes, rounded up: "under a minute" reads as a promise nobody can keep.
fn wait_text(seconds: u32) -> String {
    let minutes = seconds.div_ceil(60);
    if minutes == 0 {
        "segera / soon".into()
    } else {
        format!("~{minutes} menit / min")
    }
}

/// A label on the left, a value on the right; the value goes to its own line when
/// both do not fit.
fn row(label: &str, value: &str, cols: usize) -> Vec<String> {
    let (label, value) = (ascii(label), ascii(value));
    let (l, v) = (label.chars().count(), value.chars().count());
    if l + 1 + v <= cols {
        vec![format!("{label}{}{value}", " ".repeat(cols - l - v))]
    } else {
        let mut lines = wrap(&label, cols);
        lines.push(format!("{value:>cols$}"));
        lines
    }
}

/// Cuts a line that is too long (used for fixed texts that fit every paper).
fn fit(text: &str, cols: usize) -> String {
    ascii(text).chars().take(cols).collect()
}

/// Word-wraps `text` (folded to ASCII) to `cols` columns; words longer than a line
/// (URLs) are split.
pub fn wrap(text: &str, cols: usize) -> Vec<String> {
    let text = ascii(text);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        loop {
            let used = line.chars().count();
            let len = word.chars().count();
            let need = if used == 0 { len } else { used + 1 + len };
            if need <= cols {
                if used > 0 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word longer than a whole line.
            let head: String = word.chars().take(cols).collect();
            word = word.chars().skip(cols).collect();
            lines.push(head);
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Folds text to printable ASCII: dashes and quotes to their plain forms, accented
/// letters to their base letter, anything else to `?`.
pub fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c,
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{2032}' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{2033}' => '"',
            '\u{a0}' | '\t' => ' ',
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'È' | 'É' | 'Ê' | 'Ë' => 'E',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'O',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
            'ç' => 'c',
            'Ç' => 'C',
            'ñ' => 'n',
            'Ñ' => 'N',
            _ => '?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_and_splits_long_ones() {
        assert_eq!(
            wrap("Kartu Tanda Penduduk elektronik", 12),
            ["Kartu Tanda", "Penduduk", "elektronik"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("Samsat — Bapenda", 40), ["Samsat - Bapenda"]);
    }

    #[test]
    fn rows_fit_or_break() {
        assert_eq!(row("a", "b", 5), ["a   b"]);
        assert_eq!(row("label", "value", 8), ["label", "   value"]);
    }

    #[test]
    fn local_time_names_indonesian_zones() {
        assert_eq!(
            local_time("2026-11-23T08:05:12+08:00"),
            "23-11-2026 08:05 WITA"
        );
        assert_eq!(
            local_time("2026-11-23T23:59:00+07:00"),
            "23-11-2026 23:59 WIB"
        );
        assert_eq!(
            local_time("2026-11-23T08:05:12.5+09:00"),
            "23-11-2026 08:05 WIT"
        );
    }

    #[test]
    fn several_places_are_joined_each_on_its_own_lines() {
        let places = [
            "Lantai 1 — Zona A".to_string(),
            "Lantai 2 Sayap Timur — Zona C".to_string(),
        ];
        assert_eq!(
            place_lines(&places, 32),
            ["Lantai 1 - Zona A,", "Lantai 2 Sayap Timur - Zona C"]
        );
        assert_eq!(
            place_lines(&places, 20),
            ["Lantai 1 - Zona A,", "Lantai 2 Sayap Timur", "- Zona C"]
        );
        assert_eq!(place_lines(&places[..1], 48), ["Lantai 1 - Zona A"]);
    }

    #[test]
    fn a_booking_code_is_printed_with_its_dash() {
        assert_eq!(booking_line("ACDE-FH34"), "BOOKING ACDE-FH34");
        assert_eq!(booking_line("acdefh34"), "BOOKING ACDE-FH34");
        assert_eq!(booking_line("odd"), "BOOKING ODD");
    }

    #[test]
    fn a_booked_ticket_says_booking_under_its_number_and_a_walk_in_does_not() {
        let ticket = |booking: Option<&str>| PrintJob {
            site_name: "MPP Kota Makassar".into(),
            ticket: antre_protocol::Ticket {
                id: 7,
                number: "A021".into(),
                service: "DKP-KTP".into(),
                status: antre_protocol::TicketStatus::Waiting,
                priority: None,
                position: Some(2),
                estimated_wait_s: Some(600),
                track_token: Some("0123456789abcdef0123456789abcdef".into()),
                issued_at: "2026-11-23T08:05:12+08:00".into(),
                day: "2026-11-23".into(),
                counter: None,
                called_at: None,
                started_at: None,
                finished_at: None,
                recalls: 0,
                transfers: 0,
                kiosk: Some("K1".into()),
                note: None,
                booking: booking.map(String::from),
                place_at: None,
            },
            service_name: "Perekaman KTP-el".into(),
            service_name_en: "KTP-el recording".into(),
            agency_short: "Dukcapil".into(),
            agency_name: "Dinas Kependudukan dan Pencatatan Sipil".into(),
            public_url: None,
            footer: None,
            places: vec![],
            requirements: vec![],
        };
        let lines = |job: &PrintJob| -> Vec<String> {
            let options = LayoutOptions {
                paper: Paper::Mm80,
                qr: QrMode::Native,
            };
            let bytes = render(job, "http://mpp.test/t/x", options, false).unwrap();
            crate::decode::decode(&bytes)
                .into_iter()
                .filter_map(|p| match p {
                    crate::decode::Piece::Text(t) => Some(t),
                    _ => None,
                })
                .collect()
        };
        let booked = lines(&ticket(Some("ACDE-FH34")));
        let at = booked.iter().position(|l| l == "A021").expect("the number");
        assert_eq!(booked[at + 1], "BOOKING ACDE-FH34", "{booked:#?}");
        let walk_in = lines(&ticket(None));
        assert!(
            !walk_in.iter().any(|l| l.contains("BOOKING")),
            "{walk_in:#?}"
        );
    }

    #[test]
    fn the_number_is_as_large_as_the_paper_allows() {
        assert_eq!(number_magnification("A001", Paper::Mm58), 8);
        assert_eq!(number_magnification("ABC001", Paper::Mm58), 5);
        assert_eq!(number_magnification("ABC001", Paper::Mm80), 8);
    }
}
