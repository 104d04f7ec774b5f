//! The annex of an announcing decision (quyết định công bố thủ tục hành chính) as a province
//! has it at hand: the table the national procedures database (csdl.dichvucong.gov.vn)
//! exports, saved as XLSX or CSV. Pure parsing, no I/O: the grid of cells (read by
//! `review::register::read_file_within`, after the archive bounds) becomes one
//! [`AnnouncedRow`] per procedure, or every problem found with its row number.
//!
//! What is accepted:
//! - the header row wherever it is (a title row or two above it is usual), its names matched
//!   without diacritics, case, punctuation or a note in brackets, with the usual synonyms
//!   ([`HEADERS`]); «Mã TTHC» and «Tên TTHC» are required;
//! - section rows (one text across the row, no code): `A. THỦ TỤC CẤP TỈNH` sets the level of
//!   the rows below, `I. DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH` their kind, `1. Lĩnh vực Hộ
//!   tịch` their field — a column, when filled, wins;
//! - kinds in words (`Mới ban hành`, `Sửa đổi, bổ sung`, `Thay thế`, `Bãi bỏ`) or codes;
//! - times as written (`05 ngày làm việc`, `Không quá 10 ngày`, `Trong ngày`, `15`);
//! - levels as written (`Cấp tỉnh`, `Cấp xã`, `Tỉnh, xã`, `tinh`).

use serde::Serialize;

use crate::domain::kinds::UnitLevel;
use crate::domain::procedure::Announcement;
use crate::domain::text::fold;

/// A column of the annex table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Column {
    Code,
    Name,
    Field,
    Levels,
    Agency,
    StatutoryDays,
    LocalDays,
    Fees,
    Basis,
    Kind,
    /// Where the procedure is submitted online (an https address).
    OnlineUrl,
    Ordinal,
}

/// The header names accepted for each column, folded (no diacritics, lower case, words only).
pub const HEADERS: &[(Column, &[&str])] = &[
    (
        Column::Code,
        &[
            "ma tthc",
            "ma thu tuc",
            "ma thu tuc hanh chinh",
            "ma so",
            "ma so tthc",
            "ma so thu tuc",
            "ma",
        ],
    ),
    (
        Column::Name,
        &["ten tthc", "ten thu tuc", "ten thu tuc hanh chinh", "ten"],
    ),
    (Column::Field, &["linh vuc", "linh vuc thuc hien"]),
    (
        Column::Levels,
        &[
            "cap thuc hien",
            "cap giai quyet",
            "cap",
            "cap co tham quyen",
        ],
    ),
    (
        Column::Agency,
        &[
            "co quan thuc hien",
            "co quan giai quyet",
            "co quan",
            "dia diem thuc hien",
            "co quan to chuc thuc hien",
        ],
    ),
    (
        Column::StatutoryDays,
        &[
            "thoi han giai quyet",
            "thoi gian giai quyet",
            "thoi han giai quyet theo quy dinh",
            "thoi han theo quy dinh",
        ],
    ),
    (
        Column::LocalDays,
        &[
            "thoi han giai quyet tai dia phuong",
            "thoi gian giai quyet tai dia phuong",
            "thoi han cam ket",
            "thoi han giai quyet sau cat giam",
            "thoi gian sau cat giam",
        ],
    ),
    (
        Column::Fees,
        &["phi le phi", "le phi", "phi", "phi va le phi"],
    ),
    (Column::Basis, &["can cu phap ly"]),
    (
        Column::Kind,
        &["hinh thuc cong bo", "loai cong bo", "hinh thuc", "ghi chu"],
    ),
    (
        Column::OnlineUrl,
        &[
            "dia chi nop truc tuyen",
            "nop truc tuyen",
            "dia chi nop ho so truc tuyen",
            "duong dan nop truc tuyen",
            "dia chi dich vu cong truc tuyen",
        ],
    ),
    (Column::Ordinal, &["stt", "so thu tu", "tt"]),
];

/// The display names of the required columns, for messages.
pub const CODE_HEADER: &str = "«Mã TTHC» (hoặc «Mã thủ tục», «Mã số»)";
pub const NAME_HEADER: &str = "«Tên TTHC» (hoặc «Tên thủ tục»)";

/// Lower case, no diacritics, a note in brackets dropped, words separated by one space.
pub fn words(s: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(s.len());
    for c in fold(s).to_lowercase().chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_alphanumeric() => out.push(c),
            _ if depth == 0 => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The column a header names, if it is one of [`HEADERS`].
pub fn column_of(header: &str) -> Option<Column> {
    let w = words(header);
    if w.is_empty() {
        return None;
    }
    HEADERS
        .iter()
        .find(|(_, names)| names.contains(&w.as_str()))
        .map(|(c, _)| *c)
}

/// A kind of announcement as written in an annex (`Mới ban hành`, `Sửa đổi, bổ sung`,
/// `Thay thế`, `Bãi bỏ`) or as its code (`new`, `amended`, `replaced`, `abolished`).
pub fn kind_word(s: &str) -> Option<Announcement> {
    let w = words(s);
    if let Some(a) = Announcement::parse(&w) {
        return Some(a);
    }
    let w = w
        .trim_start_matches("thu tuc hanh chinh ")
        .trim_start_matches("tthc ")
        .trim_start_matches("duoc ")
        .trim_start_matches("bi ");
    match w {
        "moi" | "moi ban hanh" | "ban hanh moi" | "cong bo moi" => Some(Announcement::New),
        "sua doi" | "bo sung" | "sua doi bo sung" | "sua doi va bo sung" => {
            Some(Announcement::Amended)
        }
        "thay the" => Some(Announcement::Replaced),
        "bai bo" | "huy bo" => Some(Announcement::Abolished),
        _ => None,
    }
}

/// A processing time in working days as written: `05 ngày làm việc` → 5, `Không quá 10 ngày`
/// → 10, `Trong ngày` → 0, `15` → 15; empty → `None`. A text without a whole number of days is
/// an error.
pub fn parse_days(s: &str) -> Result<Option<i64>, String> {
    let w = words(s);
    if w.is_empty() {
        return Ok(None);
    }
    let shown = s.trim();
    let digits: String = s
        .trim()
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    if digits.is_empty() {
        if w == "trong ngay" || w == "trong ngay lam viec" {
            return Ok(Some(0));
        }
        return Err(format!(
            "thời hạn giải quyết «{shown}» không phải là số ngày làm việc (ví dụ «05 ngày làm việc»)"
        ));
    }
    // A fraction of a day (`1,5 ngày`) is not a whole number of working days.
    let after: String = s
        .trim()
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .skip_while(char::is_ascii_digit)
        .take(2)
        .collect();
    let mut after = after.chars();
    if matches!(after.next(), Some(',' | '.')) && after.next().is_some_and(|c| c.is_ascii_digit()) {
        return Err(format!(
            "thời hạn giải quyết «{shown}» không phải là số nguyên ngày làm việc"
        ));
    }
    if w.contains("gio") && !w.contains("ngay") {
        return Err(format!(
            "thời hạn giải quyết «{shown}» tính bằng giờ: hãy ghi số ngày làm việc"
        ));
    }
    digits
        .parse::<i64>()
        .map(Some)
        .map_err(|_| format!("thời hạn giải quyết «{shown}» quá lớn"))
}

/// The levels as written (`Cấp tỉnh`, `Cấp xã`, `Tỉnh, xã`, `tinh`); empty → none.
pub fn parse_levels_text(s: &str) -> Result<Vec<UnitLevel>, String> {
    let w = words(s);
    let mut out = Vec::new();
    for word in w.split(' ') {
        let level = match word {
            "tinh" => Some(UnitLevel::Tinh),
            "huyen" => Some(UnitLevel::Huyen),
            "xa" => Some(UnitLevel::Xa),
            _ => None,
        };
        if let Some(l) = level {
            if !out.contains(&l) {
                out.push(l);
            }
        }
    }
    if out.is_empty() && !w.is_empty() {
        return Err(format!(
            "cấp thực hiện «{}» không hợp lệ (Cấp tỉnh, Cấp xã)",
            s.trim()
        ));
    }
    Ok(out)
}

/// What a section row sets for the rows below it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub levels: Option<Vec<UnitLevel>>,
    pub kind: Option<Announcement>,
    pub field: Option<String>,
}

/// The levels a section heading names (`cap tinh`, `cap xa`, folded).
fn section_levels(w: &str) -> Option<Vec<UnitLevel>> {
    let v: Vec<UnitLevel> = [
        ("cap tinh", UnitLevel::Tinh),
        ("cap huyen", UnitLevel::Huyen),
        ("cap xa", UnitLevel::Xa),
    ]
    .into_iter()
    .filter(|(k, _)| w.contains(k))
    .map(|(_, l)| l)
    .collect();
    (!v.is_empty()).then_some(v)
}

/// A section heading (`A. THỦ TỤC CẤP TỈNH`, `I. DANH MỤC … MỚI BAN HÀNH`, `1. Lĩnh vực Hộ
/// tịch`): what it sets, if it is one.
pub fn section_of(text: &str) -> Option<Section> {
    let w = words(text);
    let mut s = Section {
        levels: section_levels(&w),
        ..Section::default()
    };
    s.kind = if w.contains("moi ban hanh") || w.contains("ban hanh moi") {
        Some(Announcement::New)
    } else if w.contains("sua doi") || w.contains("bo sung") {
        Some(Announcement::Amended)
    } else if w.contains("thay the") {
        Some(Announcement::Replaced)
    } else if w.contains("bai bo") {
        Some(Announcement::Abolished)
    } else {
        None
    };
    // `1. Lĩnh vực Hộ tịch`: the field as written after the words «Lĩnh vực».
    let ws: Vec<&str> = text.split_whitespace().collect();
    let folded: Vec<String> = ws.iter().map(|w| words(w)).collect();
    if let Some(at) = folded
        .windows(2)
        .position(|p| p[0] == "linh" && p[1] == "vuc")
    {
        let rest = ws[at + 2..].join(" ");
        let rest = rest.trim_matches(|c: char| c == ':' || c.is_whitespace());
        if !rest.is_empty() && s.kind.is_none() && s.levels.is_none() {
            s.field = Some(rest.to_string());
        }
    }
    (s != Section::default()).then_some(s)
}

/// One procedure of the annex (or of the form), as written; checked against the registry by
/// the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AnnouncedRow {
    /// The row of the spreadsheet (1-based), or of the form.
    pub line: usize,
    pub code: String,
    pub name: String,
    pub field: String,
    pub levels: Vec<UnitLevel>,
    pub agency: String,
    pub statutory_days: Option<i64>,
    pub local_days: Option<i64>,
    pub kind: Option<Announcement>,
    pub fees: String,
    pub basis: String,
    /// «Địa chỉ nộp trực tuyến» as written (checked with the decision's other rows).
    pub online_url: String,
}

/// A problem of the file, on a row (0: the whole file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    pub line: usize,
    pub message: String,
}

fn problem(line: usize, message: impl Into<String>) -> RowProblem {
    RowProblem {
        line,
        message: message.into(),
    }
}

/// How many rows from the top the header is looked for in.
const HEADER_SEARCH_ROWS: usize = 30;

/// The header row: the first row (of the top [`HEADER_SEARCH_ROWS`]) naming both the code and
/// the name columns; its columns by index.
fn header(grid: &[(usize, Vec<String>)]) -> Result<(usize, Vec<Option<Column>>), RowProblem> {
    let mut near: Option<(usize, bool, bool)> = None;
    for (i, (line, cells)) in grid.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let cols: Vec<Option<Column>> = cells.iter().map(|c| column_of(c)).collect();
        let has = |k: Column| cols.contains(&Some(k));
        if has(Column::Code) && has(Column::Name) {
            // A column named twice (merged header cells) counts once, at its first place.
            let mut seen = Vec::new();
            let cols = cols
                .into_iter()
                .map(|c| match c {
                    Some(k) if seen.contains(&k) => None,
                    Some(k) => {
                        seen.push(k);
                        Some(k)
                    }
                    None => None,
                })
                .collect();
            return Ok((i, cols));
        }
        let known = cols.iter().filter(|c| c.is_some()).count();
        if near.is_none() && known >= 2 {
            near = Some((*line, has(Column::Code), has(Column::Name)));
        }
    }
    Err(match near {
        Some((line, false, _)) => problem(line, format!("thiếu cột bắt buộc {CODE_HEADER}")),
        Some((line, _, _)) => problem(line, format!("thiếu cột bắt buộc {NAME_HEADER}")),
        None => problem(
            0,
            format!("không tìm thấy dòng tiêu đề: cần các cột {CODE_HEADER} và {NAME_HEADER}"),
        ),
    })
}

/// One procedure row of the annex: its cells read (`cell` gives a column's text), what the
/// current section sets filled in, and the problems of the row.
fn procedure_row(
    line: usize,
    code: String,
    name: String,
    cell: &dyn Fn(Column) -> String,
    section: &Section,
) -> (AnnouncedRow, Vec<RowProblem>) {
    let mut problems = Vec::new();
    let mut row = AnnouncedRow {
        line,
        code,
        name,
        field: cell(Column::Field),
        agency: cell(Column::Agency),
        fees: cell(Column::Fees),
        basis: cell(Column::Basis),
        online_url: cell(Column::OnlineUrl),
        ..AnnouncedRow::default()
    };
    if row.field.is_empty() {
        row.field = section.field.clone().unwrap_or_default();
    }
    let mut fail = |m: String| problems.push(problem(line, m));
    match parse_levels_text(&cell(Column::Levels)) {
        Ok(l) if l.is_empty() => row.levels = section.levels.clone().unwrap_or_default(),
        Ok(l) => row.levels = l,
        Err(e) => fail(e),
    }
    let kind_text = cell(Column::Kind);
    row.kind = if kind_text.is_empty() {
        section.kind
    } else {
        let kind = kind_word(&kind_text);
        if kind.is_none() {
            fail(format!(
                "hình thức công bố «{kind_text}» không hợp lệ (Mới ban hành; Sửa đổi, bổ sung; Thay thế; Bãi bỏ)"
            ));
        }
        kind
    };
    match parse_days(&cell(Column::StatutoryDays)) {
        Ok(d) => row.statutory_days = d,
        Err(e) => fail(e),
    }
    match parse_days(&cell(Column::LocalDays)) {
        // Without a local column the time announced is the time committed.
        Ok(None) => row.local_days = row.statutory_days,
        Ok(d) => row.local_days = d,
        Err(e) => fail(e),
    }
    (row, problems)
}

/// The procedures of the annex `grid` (each row with its spreadsheet row number), or every
/// problem found. Empty rows are skipped; a file with no procedure is an error.
pub fn rows_of(grid: &[(usize, Vec<String>)]) -> Result<Vec<AnnouncedRow>, Vec<RowProblem>> {
    let rows: Vec<&(usize, Vec<String>)> = grid
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if rows.is_empty() {
        return Err(vec![problem(0, "tệp trống: không có dòng nào")]);
    }
    let owned: Vec<(usize, Vec<String>)> = rows.iter().map(|r| (*r).clone()).collect();
    let (at, columns) = header(&owned).map_err(|p| vec![p])?;
    let cell = |cells: &[String], k: Column| -> String {
        columns
            .iter()
            .position(|c| *c == Some(k))
            .and_then(|i| cells.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut section = Section::default();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (line, cells) in owned.iter().skip(at + 1) {
        let code = cell(cells, Column::Code);
        let name = cell(cells, Column::Name);
        // A section row: one text across the row (merged cells repeat it, even in the code
        // column).
        let mut texts: Vec<&str> = cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        texts.dedup();
        if let [one] = texts.as_slice() {
            if let Some(s) = section_of(one) {
                if s.levels.is_some() || s.kind.is_some() {
                    section.field = None;
                }
                section.levels = s.levels.or(section.levels.take());
                section.kind = s.kind.or(section.kind);
                section.field = s.field.or(section.field.take());
                continue;
            }
        }
        if code.is_empty() {
            // A row repeating the header's column numbers (`(1) (2) (3)`) or a lone ordinal.
            if texts
                .iter()
                .all(|t| words(t).chars().all(|c| c.is_ascii_digit() || c == ' '))
            {
                continue;
            }
            if name.is_empty() {
                continue;
            }
            problems.push(problem(
                *line,
                format!("thủ tục «{name}» thiếu mã thủ tục (cột {CODE_HEADER})"),
            ));
            continue;
        }
        let (row, mut found) = procedure_row(*line, code, name, &|k| cell(cells, k), &section);
        problems.append(&mut found);
        out.push(row);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if out.is_empty() {
        return Err(vec![problem(
            0,
            "tệp không có thủ tục nào dưới dòng tiêu đề",
        )]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Vec<(usize, Vec<String>)> {
        rows.iter()
            .enumerate()
            .map(|(i, r)| (i + 1, r.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn headers_are_matched_without_diacritics_case_or_notes() {
        assert_eq!(column_of("Mã TTHC"), Some(Column::Code));
        assert_eq!(column_of("MÃ THỦ TỤC"), Some(Column::Code));
        assert_eq!(column_of("Mã số"), Some(Column::Code));
        assert_eq!(column_of("Tên thủ tục hành chính"), Some(Column::Name));
        assert_eq!(column_of("ten tthc"), Some(Column::Name));
        assert_eq!(column_of("Lĩnh vực"), Some(Column::Field));
        assert_eq!(column_of("Cấp thực hiện"), Some(Column::Levels));
        assert_eq!(column_of("Cơ quan thực hiện"), Some(Column::Agency));
        assert_eq!(
            column_of("Thời hạn giải quyết (ngày làm việc)"),
            Some(Column::StatutoryDays)
        );
        assert_eq!(
            column_of("Thời hạn giải quyết tại địa phương"),
            Some(Column::LocalDays)
        );
        assert_eq!(column_of("Phí, lệ phí"), Some(Column::Fees));
        assert_eq!(column_of("Căn cứ pháp lý"), Some(Column::Basis));
        assert_eq!(column_of("Hình thức công bố"), Some(Column::Kind));
        assert_eq!(column_of("Loại công bố"), Some(Column::Kind));
        assert_eq!(column_of("Địa chỉ nộp trực tuyến"), Some(Column::OnlineUrl));
        assert_eq!(
            column_of("ĐỊA CHỈ NỘP TRỰC TUYẾN (https)"),
            Some(Column::OnlineUrl)
        );
        assert_eq!(column_of("Người ký"), None);
        assert_eq!(column_of(""), None);
    }

    #[test]
    fn kind_words_as_annexes_write_them() {
        assert_eq!(kind_word("Mới ban hành"), Some(Announcement::New));
        assert_eq!(kind_word("Sửa đổi, bổ sung"), Some(Announcement::Amended));
        assert_eq!(kind_word("SỬA ĐỔI BỔ SUNG"), Some(Announcement::Amended));
        assert_eq!(kind_word("Thay thế"), Some(Announcement::Replaced));
        assert_eq!(kind_word("Bãi bỏ"), Some(Announcement::Abolished));
        assert_eq!(kind_word("bị bãi bỏ"), Some(Announcement::Abolished));
        assert_eq!(kind_word("abolished"), Some(Announcement::Abolished));
        assert_eq!(kind_word("Đình chỉ"), None);
    }

    #[test]
    fn days_as_written() {
        assert_eq!(parse_days("05 ngày làm việc"), Ok(Some(5)));
        assert_eq!(parse_days("Không quá 10 ngày"), Ok(Some(10)));
        assert_eq!(parse_days("15"), Ok(Some(15)));
        assert_eq!(parse_days("Trong ngày"), Ok(Some(0)));
        assert_eq!(parse_days(""), Ok(None));
        assert!(parse_days("ba ngày").is_err());
        assert!(parse_days("1,5 ngày").is_err());
        assert!(parse_days("4 giờ").is_err());
    }

    #[test]
    fn levels_as_written() {
        assert_eq!(parse_levels_text("Cấp tỉnh"), Ok(vec![UnitLevel::Tinh]));
        assert_eq!(
            parse_levels_text("Tỉnh, Xã"),
            Ok(vec![UnitLevel::Tinh, UnitLevel::Xa])
        );
        assert_eq!(parse_levels_text("xa"), Ok(vec![UnitLevel::Xa]));
        assert_eq!(parse_levels_text(""), Ok(vec![]));
        assert!(parse_levels_text("Trung ương").is_err());
    }

    #[test]
    fn sections_set_level_kind_and_field() {
        let s = section_of("A. THỦ TỤC HÀNH CHÍNH CẤP TỈNH").unwrap();
        assert_eq!(s.levels, Some(vec![UnitLevel::Tinh]));
        let s = section_of("I. DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH").unwrap();
        assert_eq!(s.kind, Some(Announcement::New));
        let s = section_of("1. Lĩnh vực Hộ tịch").unwrap();
        assert_eq!(s.field.as_deref(), Some("Hộ tịch"));
        assert_eq!(section_of("Ghi chú cuối bảng"), None);
    }

    #[test]
    fn a_table_after_a_title_row_with_level_sections() {
        let g = grid(&[
            &["DANH MỤC THỦ TỤC HÀNH CHÍNH", "", "", "", ""],
            &[],
            &[
                "STT",
                "Mã TTHC",
                "Tên TTHC",
                "Thời hạn giải quyết",
                "Hình thức công bố",
            ],
            &["A. THỦ TỤC CẤP TỈNH", "A. THỦ TỤC CẤP TỈNH", "", "", ""],
            &[
                "1",
                "1.000001",
                "Cấp phép A",
                "05 ngày làm việc",
                "Mới ban hành",
            ],
            &["B. THỦ TỤC CẤP XÃ", "", "", "", ""],
            &["1", "1.000002", "Đăng ký B", "Trong ngày", "Bãi bỏ"],
        ]);
        let rows = rows_of(&g).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 5);
        assert_eq!(rows[0].levels, vec![UnitLevel::Tinh]);
        assert_eq!(rows[0].statutory_days, Some(5));
        assert_eq!(rows[0].local_days, Some(5));
        assert_eq!(rows[0].kind, Some(Announcement::New));
        assert_eq!(rows[1].levels, vec![UnitLevel::Xa]);
        assert_eq!(rows[1].kind, Some(Announcement::Abolished));
    }

    #[test]
    fn problems_name_their_rows() {
        let g = grid(&[
            &[
                "Mã TTHC",
                "Tên TTHC",
                "Thời hạn giải quyết",
                "Hình thức công bố",
            ],
            &["1.000001", "A", "năm ngày", "Mới ban hành"],
            &["1.000002", "B", "5", "Đình chỉ"],
        ]);
        let p = rows_of(&g).unwrap_err();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].line, 2);
        assert!(p[0].message.contains("năm ngày"));
        assert_eq!(p[1].line, 3);
        assert!(p[1].message.contains("Đình chỉ"));
    }

    #[test]
    fn a_missing_required_header_and_an_empty_file_are_refused() {
        let g = grid(&[&["STT", "Tên TTHC", "Lĩnh vực"], &["1", "A", "Hộ tịch"]]);
        let p = rows_of(&g).unwrap_err();
        assert_eq!(p[0].line, 1);
        assert!(p[0].message.contains("Mã TTHC"), "{:?}", p);
        assert!(rows_of(&grid(&[&["", ""]])).is_err());
        assert!(rows_of(&[]).is_err());
    }
}
