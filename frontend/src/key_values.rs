//! `key=value` lines, as forms take labels and driver options, and back ([`join`]). Pure,
//! tested natively.

use std::collections::BTreeMap;

use crate::field_error::FieldError;

/// Parses one `key=value` pair per line into a map; blank lines are skipped. Errors name
/// `field` and the line.
pub fn parse(field: &'static str, text: &str) -> Result<BTreeMap<String, String>, FieldError> {
    let mut map = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let line_number = index + 1;
        let (key, value) = line.split_once('=').ok_or_else(|| {
            FieldError::new(
                field,
                format!("line {line_number} needs the form key=value"),
            )
        })?;
        let key = key.trim();
        if key.is_empty() {
            return Err(FieldError::new(
                field,
                format!("line {line_number} has no key before “=”"),
            ));
        }
        if map
            .insert(key.to_owned(), value.trim().to_owned())
            .is_some()
        {
            return Err(FieldError::new(
                field,
                format!("“{key}” is given twice (line {line_number})"),
            ));
        }
    }
    Ok(map)
}

/// The pairs of `map` as `key=value`, joined by `separator`: `"\n"` gives what [`parse`]
/// reads back, `", "` a table cell.
pub fn join<'a>(
    map: impl IntoIterator<Item = (&'a String, &'a String)>,
    separator: &str,
) -> String {
    map.into_iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pairs_and_skips_blank_lines() {
        let map = parse("Labels", "team = infra\n\nempty=\nurl=http://x/?a=b\n").unwrap();
        assert_eq!(map["team"], "infra");
        assert_eq!(map["empty"], "");
        assert_eq!(map["url"], "http://x/?a=b");
    }

    #[test]
    fn joined_lines_read_back() {
        let map = parse("Labels", "b=2\na=x=y\n").unwrap();
        assert_eq!(join(&map, "\n"), "a=x=y\nb=2");
        assert_eq!(parse("Labels", &join(&map, "\n")).unwrap(), map);
        assert_eq!(join(&map, ", "), "a=x=y, b=2");
        assert_eq!(join(&BTreeMap::new(), ", "), "");
    }

    #[test]
    fn errors_name_the_field_and_line() {
        let error = parse("Labels", "a=1\nnope").unwrap_err();
        assert_eq!(error.field, "Labels");
        assert_eq!(error.to_string(), "Labels: line 2 needs the form key=value");
        assert!(
            parse("Options", "=x")
                .unwrap_err()
                .message
                .contains("no key")
        );
        assert!(
            parse("Options", "a=1\na=2")
                .unwrap_err()
                .message
                .contains("twice")
        );
    }
}
