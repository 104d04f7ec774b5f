//! A workbook as large as the bounds allow passes them.

/// A workbook filling every row and column a register may have, with 800,000 uses of the
/// shared strings, passes: the bounds refuse only what no register needs.
#[test]
fn a_full_workbook_passes() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let s = book.add_worksheet();
    for r in 0..super::MAX_ROWS as u32 {
        for c in 0..super::MAX_COLUMNS as u16 {
            if c % 3 == 0 {
                s.write_number(r, c, 1.0).unwrap();
            } else {
                s.write_string(r, c, "Bãi bỏ").unwrap();
            }
        }
    }
    s.merge_range(
        20_000 - 1,
        0,
        20_000 - 1,
        59,
        "",
        &rust_xlsxwriter::Format::new(),
    )
    .unwrap();
    let bytes = book.save_to_buffer().unwrap();
    assert_eq!(super::check_xlsx(&bytes, &super::REGISTER), Ok(()));
}
