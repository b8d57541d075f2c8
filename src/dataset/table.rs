//! Reading a CSV file into checked rows: header handling, UTF-8, field counts, and errors that
//! name the line and column.

use std::collections::HashMap;
use std::fmt;

/// A column a dataset knows.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    /// The header must contain this column (its cells may still be allowed to be empty).
    pub required: bool,
}

/// Shorthand for a required column.
pub const fn required(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

/// Shorthand for an optional column.
pub const fn optional(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

/// One problem in an input file, at a line and (usually) a column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    pub line: u64,
    /// 1-based column number in the file, when the problem is in one cell.
    pub column: Option<usize>,
    /// The column's header name, when known.
    pub column_name: Option<String>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.column, &self.column_name) {
            (Some(n), Some(name)) => {
                write!(
                    f,
                    "line {}, column {n} ({name}): {}",
                    self.line, self.message
                )
            }
            (Some(n), None) => write!(f, "line {}, column {n}: {}", self.line, self.message),
            _ => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

impl RowError {
    pub fn at_line(line: u64, message: impl Into<String>) -> Self {
        Self {
            line,
            column: None,
            column_name: None,
            message: message.into(),
        }
    }
}

/// The header of a file, mapped onto a dataset's columns.
#[derive(Debug)]
pub struct Header {
    names: Vec<String>,
    by_name: HashMap<String, usize>,
}

impl Header {
    /// Check a header row against the dataset's columns: every required column present, no
    /// unknown or repeated columns.
    pub fn check(raw: &[String], columns: &[Column]) -> Result<Self, Vec<RowError>> {
        let mut errors = Vec::new();
        let mut by_name = HashMap::new();
        let names: Vec<String> = raw.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
        // Spreadsheets often leave empty trailing header cells; ignore them.
        let used = names
            .iter()
            .rposition(|n| !n.is_empty())
            .map_or(0, |i| i + 1);
        for (i, name) in names.iter().enumerate().take(used) {
            let cell = |message: String| RowError {
                line: 1,
                column: Some(i + 1),
                column_name: Some(name.clone()),
                message,
            };
            if name.is_empty() {
                errors.push(RowError {
                    line: 1,
                    column: Some(i + 1),
                    column_name: None,
                    message: "header cell is empty; every column needs a name".into(),
                });
            } else if !columns.iter().any(|c| c.name == name) {
                errors.push(cell(format!(
                    "unknown column '{name}'; allowed columns: {}",
                    columns
                        .iter()
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            } else if by_name.insert(name.clone(), i).is_some() {
                errors.push(cell(format!("column '{name}' appears twice in the header")));
            }
        }
        for c in columns.iter().filter(|c| c.required) {
            if !by_name.contains_key(c.name) {
                errors.push(RowError::at_line(
                    1,
                    format!("required column '{}' is missing from the header", c.name),
                ));
            }
        }
        if errors.is_empty() {
            Ok(Self {
                names: names[..used].to_vec(),
                by_name,
            })
        } else {
            Err(errors)
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }
}

/// One data row being turned into a record; problems are collected, not returned, so every
/// problem of a file is reported in one go.
pub struct Row<'a> {
    line: u64,
    fields: &'a [String],
    header: &'a Header,
    errors: &'a mut Vec<RowError>,
    failed: bool,
}

impl<'a> Row<'a> {
    pub fn new(
        line: u64,
        fields: &'a [String],
        header: &'a Header,
        errors: &'a mut Vec<RowError>,
    ) -> Self {
        Self {
            line,
            fields,
            header,
            errors,
            failed: false,
        }
    }

    pub fn line(&self) -> u64 {
        self.line
    }

    /// Whether any cell of this row had a problem.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// The trimmed cell text, or "" when the (optional) column is absent.
    pub fn text(&self, name: &str) -> String {
        self.header
            .position(name)
            .and_then(|i| self.fields.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }

    /// Record a problem in a named column of this row.
    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        self.failed = true;
        self.errors.push(RowError {
            line: self.line,
            column: self.header.position(name).map(|i| i + 1),
            column_name: Some(name.to_string()),
            message: message.into(),
        });
    }

    /// A cell that must not be empty.
    pub fn required(&mut self, name: &str) -> Option<String> {
        let value = self.text(name);
        if value.is_empty() {
            self.error(name, "is empty; a value is required");
            None
        } else {
            Some(value)
        }
    }

    /// A required cell parsed by `parse`.
    pub fn parse<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let value = self.required(name)?;
        match parse(&value) {
            Ok(v) => Some(v),
            Err(message) => {
                self.error(name, message);
                None
            }
        }
    }

    /// An optional cell: `Some(None)` when empty, `None` when present but invalid.
    pub fn optional<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        let value = self.text(name);
        if value.is_empty() {
            return Some(None);
        }
        match parse(&value) {
            Ok(v) => Some(Some(v)),
            Err(message) => {
                self.error(name, message);
                None
            }
        }
    }
}

/// Turns byte offsets into 1-based line numbers. (The csv crate's own line count lags behind
/// on CRLF files, because a record may start at the `\n` of the previous `\r\n`.)
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `byte` that is not a line break.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut target = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while target < self.bytes.len() && matches!(self.bytes[target], b'\r' | b'\n') {
            target += 1;
        }
        if target >= self.offset {
            self.line += self.bytes[self.offset..target]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.offset = target;
        }
        self.line
    }
}

/// Characters that make a spreadsheet treat a cell as a formula.
const FORMULA_START: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A cell as written to an export: one a spreadsheet would run as a formula (and that is not a
/// plain number, such as a negative longitude) gets a leading apostrophe, which spreadsheets
/// show as text and [`unneutralise`] removes on import.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_START) && cell.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The cell as it was before [`neutralise`].
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

/// A file's header cells and its data rows as (line, cells).
pub type Records = (Vec<String>, Vec<(u64, Vec<String>)>);

/// Strip a UTF-8 byte-order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Read every record of a CSV file: the header first, then each data row as (line, cells).
/// Problems with the file's structure (not UTF-8, wrong number of cells, empty file) are
/// returned as errors with their line and column. Rows whose cells are all empty are skipped.
pub fn read_records(bytes: &[u8]) -> Result<Records, Vec<RowError>> {
    let bytes = strip_bom(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(vec![RowError::at_line(
            1,
            "the file is empty; expected a header row naming the columns, then one row per record",
        )]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut errors = Vec::new();
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut lines = LineCounter::new(bytes);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = lines.line_at(e.position().map_or(0, |p| p.byte()));
                errors.push(RowError::at_line(line, format!("cannot read CSV: {e}")));
                break;
            }
        }
        let line = lines.line_at(record.position().map_or(0, |p| p.byte()));
        let mut cells = Vec::with_capacity(record.len());
        for (i, raw) in record.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(s) => cells.push(unneutralise(s).to_string()),
                Err(e) => {
                    let bad = raw.get(e.valid_up_to()).copied().unwrap_or(0);
                    errors.push(RowError {
                        line,
                        column: Some(i + 1),
                        column_name: header.as_ref().and_then(|h| h.get(i).cloned()),
                        message: format!(
                            "is not valid UTF-8 (byte 0x{bad:02X} after {} valid bytes); save the file as UTF-8",
                            e.valid_up_to()
                        ),
                    });
                    cells.push(String::from_utf8_lossy(raw).into_owned());
                }
            }
        }
        match &header {
            None => header = Some(cells),
            Some(h) => {
                if cells.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                let width = h
                    .iter()
                    .rposition(|n| !n.trim().is_empty())
                    .map_or(0, |i| i + 1);
                if cells.len() < width {
                    errors.push(RowError::at_line(
                        line,
                        format!(
                            "has {} cells but the header has {width} columns; check for a missing comma or an unclosed quote",
                            cells.len()
                        ),
                    ));
                    continue;
                }
                if let Some(extra) = cells.iter().skip(width).position(|c| !c.trim().is_empty()) {
                    errors.push(RowError {
                        line,
                        column: Some(width + extra + 1),
                        column_name: None,
                        message: format!(
                            "has a value beyond the {width} columns of the header; quote cells that contain commas"
                        ),
                    });
                    continue;
                }
                cells.truncate(width);
                rows.push((line, cells));
            }
        }
    }
    let header = header.unwrap_or_default();
    if errors.is_empty() {
        Ok((header, rows))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_restored() {
        for cell in ["=HYPERLINK(\"x\")", "+44 113 243 3144", "@SUM(A1)", "-x"] {
            let safe = neutralise(cell);
            assert!(safe.starts_with('\''), "{cell}");
            assert_eq!(unneutralise(&safe), cell);
        }
        assert_eq!(neutralise("-1.5520"), "-1.5520");
        assert_eq!(neutralise("Leeds"), "Leeds");
        assert_eq!(unneutralise("'quoted"), "'quoted");
    }

    #[test]
    fn reads_bom_crlf_and_multiline_cells() {
        let input = b"\xEF\xBB\xBFid,body\r\na,\"two\r\nlines\"\r\nb,plain\r\n";
        let (header, rows) = read_records(input).unwrap();
        assert_eq!(header, vec!["id", "body"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1[1], "two\r\nlines");
        assert_eq!(rows[1].0, 4);
    }

    #[test]
    fn reports_invalid_utf8_with_line_and_column() {
        let input = b"id,name\na,caf\xE9\n";
        let errors = read_records(input).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);
        assert_eq!(errors[0].column, Some(2));
        assert!(errors[0]
            .to_string()
            .starts_with("line 2, column 2 (name): is not valid UTF-8"));
    }

    #[test]
    fn empty_and_short_rows_are_errors_but_blank_rows_are_skipped() {
        assert!(read_records(b"").unwrap_err()[0].message.contains("empty"));
        assert!(read_records(b"\xEF\xBB\xBF \n").is_err());
        let errors = read_records(b"a,b,c\n1,2\n").unwrap_err();
        assert_eq!(errors[0].to_string(), "line 2: has 2 cells but the header has 3 columns; check for a missing comma or an unclosed quote");
        let (_, rows) = read_records(b"a,b\n1,2\n,\n\n3,4\n").unwrap();
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn trailing_empty_columns_are_tolerated() {
        let (_, rows) = read_records(b"a,b,,\n1,2,,\n").unwrap();
        assert_eq!(rows[0].1, vec!["1", "2"]);
        assert!(read_records(b"a,b\n1,2,3\n").is_err());
    }

    #[test]
    fn header_names_unknown_missing_and_repeated_columns() {
        let cols = [required("id"), required("name"), optional("notes")];
        let h = |names: &[&str]| {
            Header::check(
                &names.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                &cols,
            )
        };
        assert!(h(&["ID", " name "]).is_ok());
        let errs: Vec<String> = h(&["id", "colour", "id"])
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errs,
            vec![
                "line 1, column 2 (colour): unknown column 'colour'; allowed columns: id, name, notes",
                "line 1, column 3 (id): column 'id' appears twice in the header",
                "line 1: required column 'name' is missing from the header",
            ]
        );
    }
}
