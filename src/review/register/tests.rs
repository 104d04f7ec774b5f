use super::layout::letter;
use super::*;
use crate::domain::review::{DecisionKind, Stage};
use crate::spreadsheet::bounds::{self, Limits};
use chrono::NaiveDate;

fn t(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_string())
    }
}

fn grid(rows: &[&[&str]]) -> Grid {
    rows.iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r.iter().map(|s| t(s)).collect()))
        .collect()
}

#[test]
fn every_exported_header_reads_back_as_its_column() {
    for c in Column::all() {
        assert_eq!(classify(&c.label()), Some(c), "{}", c.label());
    }
}

#[test]
fn headers_as_departments_write_them() {
    for (label, column) in [
        (
            "Tên loại, số, ký hiệu, ngày tháng năm ban hành văn bản",
            Column::Document,
        ),
        ("Hình thức xử lý", Column::Kind),
        ("Nội dung cần xử lý", Column::Provisions),
        ("Cơ quan chủ trì soạn thảo", Column::Agency),
        (
            "Tình hình xử lý — Thẩm định — Ngày",
            Column::StageDate(Stage::Appraisal),
        ),
        (
            "Lấy ý kiến — Số, ngày văn bản",
            Column::StagePaper(Stage::Consultation),
        ),
        ("TRÌNH BAN HÀNH — NGÀY", Column::StageDate(Stage::Submitted)),
        ("Văn bản xử lý", Column::Handling),
    ] {
        assert_eq!(classify(label), Some(column), "{label}");
    }
    assert_eq!(classify("Ghi chú"), None);
    assert_eq!(
        classify("Thẩm định"),
        None,
        "a group without its sub-column"
    );
}

#[test]
fn a_two_row_header_with_merged_groups_is_read_over_both_rows() {
    // As read_xlsx leaves it: merged cells repeat their value.
    let g = grid(&[
        &["SỔ THEO DÕI", "SỔ THEO DÕI", "SỔ THEO DÕI", "SỔ THEO DÕI"],
        &[],
        &[
            "STT",
            "Văn bản",
            "Thẩm định",
            "Thẩm định",
            "Hình thức xử lý",
        ],
        &["STT", "Văn bản", "Ngày", "Văn bản", "Hình thức xử lý"],
        &["(1)", "(2)", "(3)", "(4)", "(5)"],
        &["1", "15/2018/NQ-HĐND", "02/10/2025", "BC 1", "Bãi bỏ"],
    ]);
    let l = layout(&g).unwrap();
    assert_eq!(l.columns[&Column::Document], 1);
    assert_eq!(l.columns[&Column::StageDate(Stage::Appraisal)], 2);
    assert_eq!(l.columns[&Column::StagePaper(Stage::Appraisal)], 3);
    assert_eq!(l.columns[&Column::Kind], 4);
    assert_eq!(l.body, 5, "the column numbers are skipped");
}

#[test]
fn a_header_without_the_document_column_or_twice_a_column_is_refused() {
    let e = layout(&grid(&[&["Họ tên", "Tuổi"], &["A", "3"]])).unwrap_err();
    assert!(e[0].message.contains("không tìm thấy dòng tiêu đề"));
    let e = layout(&grid(&[&["Văn bản", "Hình thức xử lý", "Kết quả rà soát"]])).unwrap_err();
    assert_eq!(e[0].row, 1);
    assert!(e[0].message.contains("cột B và cột C"), "{}", e[0].message);
    let e = layout(&grid(&[&["Văn bản", "Trích yếu"]])).unwrap_err();
    assert!(e[0].message.contains("thiếu cột"));
}

#[test]
fn rows_empty_headings_and_documents() {
    let g = grid(&[&["Văn bản", "Kết quả rà soát", "Cán bộ đề xuất"]]);
    let l = layout(&g).unwrap();
    assert!(matches!(parse_row(&l, 2, &[]), Ok(Line::Empty)));
    assert!(matches!(
        parse_row(&l, 2, &[t(""), t(" "), t("")]),
        Ok(Line::Empty)
    ));
    assert!(matches!(
        parse_row(&l, 3, &[t("I. VĂN BẢN CỦA HĐND"), t("I. VĂN BẢN CỦA HĐND")]),
        Ok(Line::Heading)
    ));
    let Ok(Line::Row(r)) = parse_row(
        &l,
        4,
        &[
            t("Nghị quyết số 15/2018/nq-hdnd ngày 12/7/2018"),
            t("Thay thế"),
            t("an"),
        ],
    ) else {
        panic!("a document row");
    };
    assert_eq!(r.document.as_str(), "15/2018/NQ-HDND");
    assert_eq!(r.kind, Some(DecisionKind::Replace));
    assert_eq!(r.officer.as_deref(), Some("an"));
}

#[test]
fn handling_forms_in_register_words() {
    for (text, kind) in [
        ("Giữ nguyên", DecisionKind::Keep),
        ("sửa đổi, bổ sung", DecisionKind::Amend),
        ("Bổ sung", DecisionKind::Amend),
        ("THAY THẾ", DecisionKind::Replace),
        ("Bãi bỏ một phần", DecisionKind::Repeal),
        ("Công bố hết hiệu lực", DecisionKind::DeclareExpired),
        ("Hết hiệu lực", DecisionKind::DeclareExpired),
        ("Ngưng hiệu lực", DecisionKind::Suspend),
        ("declare_expired", DecisionKind::DeclareExpired),
    ] {
        assert_eq!(parse_kind(text), Some(kind), "{text}");
    }
    assert_eq!(parse_kind("Xem xét"), None);
}

#[test]
fn excel_serial_numbers_and_text_dates() {
    assert_eq!(
        Cell::Number(45932.0).date(),
        Ok(NaiveDate::from_ymd_opt(2025, 10, 2))
    );
    assert_eq!(
        t("ngày 2 tháng 10 năm 2025").date(),
        Ok(NaiveDate::from_ymd_opt(2025, 10, 2))
    );
    assert!(Cell::Number(1.5).date().is_err());
    assert!(t("31/02/2025").date().is_err());
}

#[test]
fn neutralised_texts_read_back_without_their_apostrophe() {
    let g = read_csv(
        "Văn bản,'=HYPERLINK(1),'- Điều 5,'abc,-3".as_bytes(),
        &bounds::REGISTER,
    )
    .unwrap();
    assert_eq!(
        g[0].1,
        vec![
            t("Văn bản"),
            t("=HYPERLINK(1)"),
            t("- Điều 5"),
            t("'abc"),
            t("-3")
        ]
    );
}

#[test]
fn csv_files_are_held_to_their_bounds() {
    let small = Limits {
        rows: 2,
        columns: 2,
        ..bounds::REGISTER
    };
    assert!(read_csv(b"a,b\nc,d\n", &small).is_ok());
    let e = read_csv(b"a,b\nc,d\ne,f\n", &small).unwrap_err();
    assert!(
        matches!(&e, FileError::TooLarge(x) if x.bound == bounds::Bound::Rows),
        "{e}"
    );
    let e = read_csv(b"a,b,c\n", &small).unwrap_err();
    assert!(
        matches!(&e, FileError::TooLarge(x) if x.bound == bounds::Bound::Columns),
        "{e}"
    );
}

#[test]
fn column_letters() {
    assert_eq!(letter(0), "A");
    assert_eq!(letter(25), "Z");
    assert_eq!(letter(26), "AA");
    assert_eq!(letter(27), "AB");
}
