//! Reports as files: one table (a title, headers, rows of text or numbers) written as
//! CSV or as an XLSX workbook, so every export has the same columns in both.

use rust_xlsxwriter::{Format, Workbook};

/// A cell: numbers stay numbers in a workbook.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Number(n as f64)
    }
}

impl From<Option<f64>> for Cell {
    fn from(n: Option<f64>) -> Cell {
        n.map_or(Cell::Empty, Cell::Number)
    }
}

impl From<Option<u64>> for Cell {
    fn from(n: Option<u64>) -> Cell {
        n.map_or(Cell::Empty, |n| Cell::Number(n as f64))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The sheet's name (at most 31 characters) and the file's name stem.
    pub name: String,
    /// Lines above the headers: what the report is, over which period.
    pub title: Vec<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The file formats a report is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

impl Table {
    /// RFC 4180 CSV with a UTF-8 byte-order mark, so spreadsheet programs read the
    /// Indonesian names right; the title lines are left out (a CSV is data only).
    pub fn to_csv(&self) -> String {
        let mut out = String::from("\u{feff}");
        let line = |cells: Vec<String>| -> String {
            let mut l = cells.iter().map(|c| quote(c)).collect::<Vec<_>>().join(",");
            l.push_str("\r\n");
            l
        };
        out.push_str(&line(self.headers.clone()));
        for row in &self.rows {
            out.push_str(&line(
                row.iter()
                    .map(|c| match c {
                        Cell::Text(t) => t.clone(),
                        Cell::Number(n) => format_number(*n),
                        Cell::Empty => String::new(),
                    })
                    .collect(),
            ));
        }
        out
    }

    /// An XLSX workbook with one sheet: title lines, bold headers, the rows.
    pub fn to_xlsx(&self) -> anyhow::Result<Vec<u8>> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let name: String = self.name.chars().take(31).collect();
        sheet.set_name(&name)?;
        let bold = Format::new().set_bold();
        let mut r: u32 = 0;
        for line in &self.title {
            sheet.write_string_with_format(r, 0, line, &bold)?;
            r += 1;
        }
        if !self.title.is_empty() {
            r += 1;
        }
        for (c, h) in self.headers.iter().enumerate() {
            sheet.write_string_with_format(r, u16::try_from(c)?, h, &bold)?;
        }
        r += 1;
        for row in &self.rows {
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c)?;
                match cell {
                    Cell::Text(t) => {
                        sheet.write_string(r, c, t)?;
                    }
                    Cell::Number(n) => {
                        sheet.write_number(r, c, *n)?;
                    }
                    Cell::Empty => {}
                }
            }
            r += 1;
        }
        sheet.autofit();
        Ok(book.save_to_buffer()?)
    }
}

/// A CSV field, quoted when it holds a separator, a quote or a line break. A field
/// that a spreadsheet would take for a formula gets a leading apostrophe: a suggestion
/// typed by a visitor must not run as one on the manager's computer.
fn quote(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@']) && field.parse::<f64>().is_err() {
        format!("'{field}")
    } else {
        field.to_string()
    };
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_it_and_defuses_formulas() {
        let t = Table {
            name: "t".into(),
            title: vec!["ignored".into()],
            headers: vec!["a".into(), "b".into()],
            rows: vec![
                vec![Cell::from("x, \"y\""), Cell::from(3u64)],
                vec![Cell::from("=HYPERLINK(1)"), Cell::Number(2.5)],
                vec![Cell::from("-5"), Cell::Empty],
            ],
        };
        assert_eq!(
            t.to_csv(),
            "\u{feff}a,b\r\n\"x, \"\"y\"\"\",3\r\n'=HYPERLINK(1),2.5\r\n-5,\r\n"
        );
    }
}
