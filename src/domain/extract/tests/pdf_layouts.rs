//! The layouts a PDF's text lines come in (`pdf_read`): cells wrapped in the header, `Số:`
//! apart from its number, sentences wrapped wherever the line is full.

use super::*;

/// A resolution as `pdf_read` gives it from a narrow header table and a justified body.
const WRAPPED: &str = "\
HỘI ĐỒNG NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT
THÀNH PHỐ HỒ CHÍ\tNAM
MINH\tĐộc lập - Tự do - Hạnh phúc
Số:\t18/2021/NQ-HĐND\tThành phố Hồ Chí Minh, ngày 10 tháng 12 năm
\t\t2021

NGHỊ QUYẾT
Về chính sách hỗ trợ người lao động

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Điều 1. Hỗ trợ một lần 1.000.000 đồng/người.
Điều 2. Hiệu lực thi hành
Nghị quyết này đã được Hội đồng nhân dân Thành phố Khóa X, Kỳ họp thứ Tư thông qua
ngày 10 tháng 12 năm 2021 và có hiệu lực từ ngày 01 tháng 01 năm 2022; thay thế Nghị
quyết số 52/2016/NQ-HĐND ngày 08 tháng 12 năm 2016 của Hội đồng nhân dân Thành phố.

CHỦ TỊCH
\t\tNguyễn Thị Lệ
";

#[test]
fn wrapped_header_cells_and_body_lines_are_read_whole() {
    let x = extract(WRAPPED);
    assert_eq!(
        x.issuer.map(|f| f.value).as_deref(),
        Some("HỘI ĐỒNG NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH")
    );
    assert_eq!(
        x.number.map(|f| (f.value, f.line)),
        Some(("18/2021/NQ-HĐND".to_string(), 4))
    );
    assert_eq!(x.issued_on.map(|f| f.value), Some(ymd(2021, 12, 10)));
    assert_eq!(
        x.place.map(|f| f.value).as_deref(),
        Some("Thành phố Hồ Chí Minh")
    );
    // The entry-into-force sentence starts on line 13; "có hiệu lực" stands on line 14.
    assert_eq!(
        x.effective_on.map(|f| (f.value, f.line)),
        Some((ymd(2022, 1, 1), 14))
    );
    assert_eq!(x.effects.len(), 1, "{:?}", x.effects);
    let e = &x.effects[0];
    assert_eq!(e.kind, Replace);
    assert_eq!(e.target_number.as_deref(), Some("52/2016/NQ-HĐND"));
    assert_eq!(e.effective_on, Some(ymd(2022, 1, 1)));
    assert_eq!(e.line, 13);
}

#[test]
fn a_number_run_into_the_date_and_a_list_described_as_expired() {
    let text = "\
ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH VĨNH LONG\tĐộc lập - Tự do - Hạnh phúc
Số: 1250/QĐ-UBND Vĩnh Long, ngày 17 tháng 5 năm 2024

QUYẾT ĐỊNH
Về việc công bố danh mục văn bản hết hiệu lực

Điều 1. Công bố danh mục 12 văn bản của tỉnh hết hiệu lực toàn bộ năm 2023.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
";
    let x = extract(text);
    assert_eq!(x.number.map(|f| f.value).as_deref(), Some("1250/QĐ-UBND"));
    assert_eq!(x.place.map(|f| f.value).as_deref(), Some("Vĩnh Long"));
    assert_eq!(x.issued_on.map(|f| f.value), Some(ymd(2024, 5, 17)));
    assert_eq!(x.effective_on.map(|f| f.value), Some(ymd(2024, 5, 17)));
    assert!(x.effects.is_empty(), "{:?}", x.effects);
}
