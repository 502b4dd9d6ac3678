//! The one reader of CSV text, shared by the teacher's tables
//! (`table_file`) and the batches of `grads` (`batch_file`): the `csv`
//! crate reads the text, so quoted cells, a UTF-8 byte-order mark and LF,
//! CRLF or CR-only line ends all work; cells are trimmed; blank lines are
//! skipped; every record comes with the line it starts on (counted from 1,
//! right for every kind of line end), and a quote left open is reported
//! with its line and column.

use csv::StringRecord;

/// A quoted cell that runs past the end of its line (a quote not closed):
/// where it starts, counted from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenQuote {
    pub line: usize,
    pub column: usize,
}

/// Calls `each` with every non-blank record of `text` and the line it
/// starts on, in order; stops at the first error `each` returns, or at a
/// quote left open (turned into the caller's error by `open_quote`).
pub fn each_record<E>(
    text: &str,
    mut each: impl FnMut(usize, &StringRecord) -> Result<(), E>,
    open_quote: impl Fn(OpenQuote) -> E,
) -> Result<(), E> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    // Where each line starts (the crate's own line numbers miscount CRLF
    // and CR-only ends).
    let bytes = text.as_bytes();
    let starts: Vec<usize> = std::iter::once(0)
        .chain(bytes.iter().enumerate().filter_map(|(i, &b)| {
            (b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))).then_some(i + 1)
        }))
        .collect();
    let mut record = StringRecord::new();
    loop {
        // Reading from memory, with flexible rows and text already known to
        // be UTF-8, leaves the crate no error to give; stop if it did.
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) | Err(_) => return Ok(()),
        }
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let line = starts.partition_point(|&s| s <= start);
        if record.iter().all(str::is_empty) && record.len() <= 1 {
            continue;
        }
        if let Some(column) = record.iter().position(|c| c.contains(['\n', '\r'])) {
            return Err(open_quote(OpenQuote {
                line,
                column: column + 1,
            }));
        }
        each(line, &record)?;
    }
}

/// Whether `cell` reads as a number (finite or not: "NaN" is a number
/// that is refused later, not a header's name).
pub fn is_number(cell: &str) -> bool {
    cell.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, Vec<String>)> {
        let mut out = Vec::new();
        each_record(
            text,
            |line, r| {
                out.push((line, r.iter().map(str::to_string).collect()));
                Ok::<(), OpenQuote>(())
            },
            |q| q,
        )
        .unwrap();
        out
    }

    #[test]
    fn every_line_end_counts_its_lines() {
        for text in ["a,b\n\n1,2\n", "a,b\r\n\r\n1,2\r\n", "a,b\r\r1,2\r"] {
            let rows = lines(text);
            assert_eq!(rows.len(), 2, "{text:?}");
            assert_eq!((rows[0].0, rows[1].0), (1, 3), "{text:?}");
        }
        let rows = lines("\u{feff}\"x, y\", 2\n");
        assert_eq!(rows[0].1, ["x, y", "2"]);
    }

    #[test]
    fn an_open_quote_names_its_place() {
        let err = each_record("a,b\n1,\"2\n3,4\n", |_, _| Ok(()), |q| q).unwrap_err();
        assert_eq!(err, OpenQuote { line: 2, column: 2 });
    }
}
