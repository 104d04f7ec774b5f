//! Values read back from the database that must fit their type: an enum code from a
//! `vocabulary!`, or a JSON column. A value that does not fit is [`Corrupt`], an internal
//! error naming the table, the row and the column; it is never read as a default.

use std::fmt::Display;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A stored value that does not fit its type (logged with its row by the error handler).
#[derive(Debug, thiserror::Error)]
#[error("giá trị lưu không hợp lệ ở bảng {table}, bản ghi {row}, cột {column}: {reason} (giá trị {value:?})")]
pub struct Corrupt {
    pub table: &'static str,
    pub row: String,
    pub column: &'static str,
    /// The stored text, cut to 200 characters.
    pub value: String,
    pub reason: String,
}

impl Corrupt {
    pub fn new(
        table: &'static str,
        row: impl Display,
        column: &'static str,
        value: &str,
        reason: impl Display,
    ) -> Corrupt {
        Corrupt {
            table,
            row: row.to_string(),
            column,
            value: value.chars().take(200).collect(),
            reason: reason.to_string(),
        }
    }
}

/// Where a stored value was read: `(table, row, column)`, for [`Corrupt`].
#[derive(Debug, Clone, Copy)]
pub struct At<'a, R: Display> {
    pub table: &'static str,
    pub row: &'a R,
    pub column: &'static str,
}

impl<'a, R: Display> At<'a, R> {
    /// Where a value was read: table, row, column.
    pub fn new(table: &'static str, row: &'a R, column: &'static str) -> At<'a, R> {
        At { table, row, column }
    }
}

/// Reads a stored code with the vocabulary's `parse`; an unknown code is [`Corrupt`].
pub fn code<T, R: Display>(
    raw: &str,
    at: At<'_, R>,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, Corrupt> {
    parse(raw).ok_or_else(|| {
        Corrupt::new(
            at.table,
            at.row,
            at.column,
            raw,
            "mã không có trong danh mục",
        )
    })
}

/// A JSON column: the stored text, decoded to `T` only where the row is known, so that a
/// corrupt value is reported with its row instead of read as empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonColumn<T> {
    raw: String,
    kind: PhantomData<fn() -> T>,
}

impl<T> JsonColumn<T> {
    /// The column as stored.
    pub fn stored(raw: String) -> JsonColumn<T> {
        JsonColumn {
            raw,
            kind: PhantomData,
        }
    }

    pub fn raw(&self) -> &str {
        &self.raw
    }

    pub fn into_raw(self) -> String {
        self.raw
    }
}

impl<T: DeserializeOwned> JsonColumn<T> {
    /// The value, or [`Corrupt`] naming the row.
    pub fn decode<R: Display>(&self, at: At<'_, R>) -> Result<T, Corrupt> {
        serde_json::from_str(&self.raw).map_err(|e| {
            Corrupt::new(
                at.table,
                at.row,
                at.column,
                &self.raw,
                format!("JSON hỏng: {e}"),
            )
        })
    }
}

impl<T: Serialize> JsonColumn<T> {
    /// The text to store for `value`.
    pub fn encode(value: &T) -> Result<JsonColumn<T>, serde_json::Error> {
        serde_json::to_string(value).map(JsonColumn::stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_column_decodes_and_a_corrupt_one_names_its_row() {
        let at = At {
            table: "documents",
            row: &7,
            column: "subjects",
        };
        let good: JsonColumn<Vec<String>> = JsonColumn::stored(r#"["a","b"]"#.into());
        assert_eq!(
            good.decode(at).unwrap(),
            vec!["a".to_string(), "b".to_string()]
        );
        let bad: JsonColumn<Vec<String>> = JsonColumn::stored("[\"a\",".into());
        let e = bad.decode(at).unwrap_err();
        assert_eq!(
            (e.table, e.row.as_str(), e.column),
            ("documents", "7", "subjects")
        );
        assert!(e.to_string().contains("JSON hỏng"), "{e}");
        let again = JsonColumn::encode(&vec!["x".to_string()]).unwrap();
        assert_eq!(again.raw(), r#"["x"]"#);
    }

    #[test]
    fn an_unknown_code_is_corrupt_never_a_default() {
        use crate::domain::kinds::UnitLevel;
        let at = At {
            table: "units",
            row: &"96",
            column: "level",
        };
        assert_eq!(code("xa", at, UnitLevel::parse).unwrap(), UnitLevel::Xa);
        let e = code("thon", at, UnitLevel::parse).unwrap_err();
        assert_eq!(e.value, "thon");
        assert!(e.to_string().contains("units"), "{e}");
    }
}
