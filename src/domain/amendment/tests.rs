use super::*;
use proptest::prelude::*;

fn one(text: &str) -> Instruction {
    let v = parse(text);
    assert_eq!(v.len(), 1, "{v:#?}");
    v.into_iter().next().unwrap()
}

fn keys(i: &Instruction) -> Vec<&str> {
    i.provisions.iter().map(String::as_str).collect()
}

const TYPICAL: &str = "\
QUYẾT ĐỊNH
Sửa đổi, bổ sung một số điều của Quy định ban hành kèm theo Quyết định số 12/2018/QĐ-UBND
Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Ban hành văn bản quy phạm pháp luật ngày 18 tháng 6 năm 2020;
QUYẾT ĐỊNH:
Điều 1. Sửa đổi, bổ sung một số điều của Quyết định số 12/2018/QĐ-UBND ngày 05 tháng 3 năm 2018 của Ủy ban nhân dân tỉnh như sau:
1. Sửa đổi, bổ sung khoản 2 Điều 5 như sau:
“2. Nội dung mới của khoản 2.”
2. Bãi bỏ Điều 7.
Điều 2. Hiệu lực thi hành
Quyết định này có hiệu lực kể từ ngày 01 tháng 7 năm 2019.";

#[test]
fn the_typical_shape() {
    let v = parse(TYPICAL);
    assert_eq!(v.len(), 2, "{v:#?}");
    assert_eq!(v[0].kind, InstructionKind::Amend);
    assert_eq!(v[0].target.as_deref(), Some("12/2018/QĐ-UBND"));
    assert_eq!(keys(&v[0]), ["dieu-5/khoan-2"]);
    assert_eq!(
        v[0].wording.as_deref(),
        Some("2. Nội dung mới của khoản 2.")
    );
    assert_eq!(v[0].line, 6);
    assert_eq!(v[1].kind, InstructionKind::Repeal);
    assert_eq!(v[1].target.as_deref(), Some("12/2018/QĐ-UBND"));
    assert_eq!(keys(&v[1]), ["dieu-7"]);
    assert_eq!(v[1].wording, None);
    assert_eq!(v[1].line, 8);
}

#[test]
fn the_preamble_and_the_effect_article_are_no_instructions() {
    let v = parse(TYPICAL);
    assert!(v.iter().all(|i| i.line >= 6));
}

#[test]
fn sua_doi_alone() {
    let i = one("Sửa đổi điểm a khoản 1 Điều 3 như sau:\n“a) Điểm mới;”");
    assert_eq!(i.kind, InstructionKind::Amend);
    assert_eq!(keys(&i), ["dieu-3/khoan-1/diem-a"]);
    assert_eq!(i.wording.as_deref(), Some("a) Điểm mới;"));
}

#[test]
fn bo_sung_a_new_article_after_another() {
    let i = one("Bổ sung Điều 5a vào sau Điều 5 như sau:\n“Điều 5a. Quy định mới\nNội dung.”");
    assert_eq!(keys(&i), ["dieu-5a"]);
    assert_eq!(
        i.wording.as_deref(),
        Some("Điều 5a. Quy định mới\nNội dung.")
    );
}

#[test]
fn bo_sung_a_clause_into_an_article() {
    let i = one("3. Bổ sung khoản 3 vào Điều 5 như sau:\n“3. Khoản mới.”");
    assert_eq!(keys(&i), ["dieu-5/khoan-3"]);
}

#[test]
fn bo_sung_a_point_after_another_point() {
    let i = one("Bổ sung điểm d vào sau điểm c khoản 2 Điều 5 như sau:\n“d) Điểm mới.”");
    assert_eq!(keys(&i), ["dieu-5/khoan-2/diem-d"]);
}

#[test]
fn passive_duoc_sua_doi_bo_sung_nhu_sau() {
    let i = one("1. Khoản 2 Điều 5 được sửa đổi, bổ sung như sau:\n“2. Mới.”");
    assert_eq!(i.kind, InstructionKind::Amend);
    assert_eq!(keys(&i), ["dieu-5/khoan-2"]);
    assert_eq!(i.wording.as_deref(), Some("2. Mới."));
}

#[test]
fn two_clauses_of_one_article() {
    let i = one("Sửa đổi khoản 2 và khoản 3 Điều 5 như sau:\n“2. Hai.\n3. Ba.”");
    assert_eq!(keys(&i), ["dieu-5/khoan-2", "dieu-5/khoan-3"]);
    assert_eq!(i.wording_for("dieu-5/khoan-2").as_deref(), Some("2. Hai."));
    assert_eq!(i.wording_for("dieu-5/khoan-3").as_deref(), Some("3. Ba."));
    assert_eq!(i.wording_for("dieu-5/khoan-4"), None);
}

#[test]
fn a_list_of_articles() {
    let i = one("2. Bãi bỏ Điều 3, Điều 4.");
    assert_eq!(i.kind, InstructionKind::Repeal);
    assert_eq!(keys(&i), ["dieu-3", "dieu-4"]);
}

#[test]
fn points_of_one_clause() {
    let i = one("Bãi bỏ điểm a, điểm b khoản 1 Điều 2.");
    assert_eq!(keys(&i), ["dieu-2/khoan-1/diem-a", "dieu-2/khoan-1/diem-b"]);
}

#[test]
fn a_list_of_labels_after_one_word() {
    let i = one("Bãi bỏ các khoản 2, 3 và 4 Điều 6.");
    assert_eq!(
        keys(&i),
        ["dieu-6/khoan-2", "dieu-6/khoan-3", "dieu-6/khoan-4"]
    );
}

#[test]
fn a_clause_then_another_article() {
    let i = one("Bãi bỏ khoản 2 Điều 5, Điều 6.");
    assert_eq!(keys(&i), ["dieu-5/khoan-2", "dieu-6"]);
}

#[test]
fn clauses_of_two_articles() {
    let i = one("Bãi bỏ khoản 2 Điều 5 và khoản 1 Điều 8.");
    assert_eq!(keys(&i), ["dieu-5/khoan-2", "dieu-8/khoan-1"]);
}

#[test]
fn the_target_named_on_the_instruction_line() {
    let i = one("Bãi bỏ Điều 7 của Nghị quyết số 15/2018/NQ-HĐND ngày 10/7/2018.");
    assert_eq!(i.target.as_deref(), Some("15/2018/NQ-HĐND"));
    assert!(i.targets("15/2018/nq-hdnd"));
    assert!(!i.targets("16/2018/NQ-HĐND"));
    assert_eq!(i.date, None, "the signing date is not the instruction's");
}

#[test]
fn a_whole_document_replaced() {
    let i = one("Quyết định này thay thế Quyết định số 5/2017/QĐ-UBND ngày 01/02/2017.");
    assert_eq!(i.kind, InstructionKind::Replace);
    assert!(i.provisions.is_empty());
    assert_eq!(i.target.as_deref(), Some("5/2017/QĐ-UBND"));
}

#[test]
fn ceases_from_a_date() {
    let i = one(
        "Quyết định số 5/2017/QĐ-UBND ngày 01/02/2017 hết hiệu lực kể từ ngày 15 tháng 8 năm 2020.",
    );
    assert_eq!(i.kind, InstructionKind::Expire);
    assert_eq!(i.kind.effect_code(), "repeal");
    assert_eq!(i.date, NaiveDate::from_ymd_opt(2020, 8, 15));
    assert_eq!(i.target.as_deref(), Some("5/2017/QĐ-UBND"));
}

#[test]
fn two_documents_repealed_on_one_line() {
    let v = parse("Bãi bỏ Quyết định số 5/2017/QĐ-UBND và Quyết định số 6/2017/QĐ-UBND.");
    let targets: Vec<_> = v.iter().filter_map(|i| i.target.as_deref()).collect();
    assert_eq!(targets, ["5/2017/QĐ-UBND", "6/2017/QĐ-UBND"]);
}

#[test]
fn extra_spacing_and_upper_case() {
    let i = one("   1.   SỬA  ĐỔI,  BỔ SUNG   KHOẢN 2   ĐIỀU 5   NHƯ SAU:  \n   “2. Mới.”  ");
    assert_eq!(keys(&i), ["dieu-5/khoan-2"]);
    assert_eq!(i.wording.as_deref(), Some("2. Mới."));
}

#[test]
fn decomposed_input_is_read_as_nfc() {
    use unicode_normalization::UnicodeNormalization;
    let nfd: String = "Sửa đổi khoản 2 Điều 5 như sau:\n“2. Nội dung mới.”"
        .nfd()
        .collect();
    let i = one(&nfd);
    assert_eq!(keys(&i), ["dieu-5/khoan-2"]);
    assert_eq!(i.wording.as_deref(), Some("2. Nội dung mới."));
}

#[test]
fn straight_quotes() {
    let i = one("Sửa đổi khoản 1 Điều 4 như sau:\n\"1. Theo \"quy chế\" mới.\nHai dòng.\".");
    assert_eq!(
        i.wording.as_deref(),
        Some("1. Theo \"quy chế\" mới.\nHai dòng.")
    );
}

#[test]
fn nested_curly_quotes() {
    let i = one("Sửa đổi Điều 4 như sau:\n“Điều 4. Giải thích\nCụm từ “hồ sơ” được hiểu là …”");
    assert_eq!(
        i.wording.as_deref(),
        Some("Điều 4. Giải thích\nCụm từ “hồ sơ” được hiểu là …")
    );
}

#[test]
fn the_quote_on_the_instruction_line() {
    let i = one("Sửa đổi khoản 2 Điều 5 như sau: “2. Mới trên cùng dòng.”");
    assert_eq!(i.wording.as_deref(), Some("2. Mới trên cùng dòng."));
}

#[test]
fn a_multi_paragraph_wording_keeps_its_numbering_and_its_articles() {
    let text = "1. Sửa đổi, bổ sung Điều 5 như sau:
“Điều 5. Thẩm quyền
1. Ủy ban nhân dân cấp xã tiếp nhận hồ sơ.
2. Theo khoản 3 Điều 9 của Luật, thời hạn là 05 ngày.
Điều 6 không áp dụng.”
2. Bãi bỏ Điều 8.";
    let v = parse(text);
    assert_eq!(v.len(), 2, "{v:#?}");
    assert_eq!(keys(&v[0]), ["dieu-5"]);
    let w = v[0].wording.as_deref().unwrap();
    assert!(w.starts_with("Điều 5. Thẩm quyền\n1. Ủy ban"), "{w}");
    assert!(w.ends_with("Điều 6 không áp dụng."), "{w}");
    assert_eq!(keys(&v[1]), ["dieu-8"]);
    assert_eq!(v[1].line, 6);
}

#[test]
fn paragraphs_quoted_one_by_one_make_one_wording() {
    let i = one("Sửa đổi khoản 2 Điều 5 như sau:\n“2. Đoạn đầu:\n\n“a) Điểm a;\n“b) Điểm b.”");
    // Each paragraph opening its own quote, the last closing them: read as one wording.
    assert!(i.wording.as_deref().unwrap().starts_with("2. Đoạn đầu:"));
    let i = one("Sửa đổi khoản 2 Điều 5 như sau:\n“2. Đoạn đầu:”\n“a) Điểm a.”");
    assert_eq!(i.wording.as_deref(), Some("2. Đoạn đầu:\na) Điểm a."));
}

#[test]
fn a_heading_with_a_provision_completes_the_points_under_it() {
    let text = "1. Sửa đổi, bổ sung Điều 5 như sau:
a) Sửa đổi khoản 2 như sau:
“2. Mới.”
b) Bãi bỏ khoản 4.";
    let v = parse(text);
    assert_eq!(v.len(), 2, "{v:#?}");
    assert_eq!(keys(&v[0]), ["dieu-5/khoan-2"]);
    assert_eq!(v[0].line, 2);
    assert_eq!(keys(&v[1]), ["dieu-5/khoan-4"]);
}

#[test]
fn a_heading_names_the_target_until_the_next_article() {
    let text = "Điều 1. Sửa đổi, bổ sung Quyết định số 12/2018/QĐ-UBND như sau:
1. Bãi bỏ Điều 7.
Điều 2. Sửa đổi Nghị quyết số 15/2018/NQ-HĐND như sau:
1. Bãi bỏ Điều 3.
Điều 3. Tổ chức thực hiện
Bãi bỏ Điều 9.";
    let v = parse(text);
    let got: Vec<_> = v
        .iter()
        .map(|i| (i.target.as_deref(), i.provisions[0].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (Some("12/2018/QĐ-UBND"), "dieu-7"),
            (Some("15/2018/NQ-HĐND"), "dieu-3"),
            (None, "dieu-9"),
        ]
    );
}

#[test]
fn an_article_of_the_amending_document_that_is_itself_an_instruction() {
    let i = one(
        "Điều 1. Sửa đổi, bổ sung khoản 1 Điều 3 Quy định ban hành kèm theo Quyết định số 20/2019/QĐ-UBND như sau:\n“1. Mới.”",
    );
    assert_eq!(keys(&i), ["dieu-3/khoan-1"]);
    assert_eq!(i.target.as_deref(), Some("20/2019/QĐ-UBND"));
    assert_eq!(i.line, 1);
}

#[test]
fn list_items_under_a_repeal_heading() {
    let text = "Điều 1. Bãi bỏ các quy định sau của Quyết định số 12/2018/QĐ-UBND:
a) Điều 7;
b) khoản 2 Điều 9.";
    let v = parse(text);
    let all: Vec<_> = v.iter().flat_map(|i| i.provisions.clone()).collect();
    assert_eq!(all, ["dieu-7", "dieu-9/khoan-2"]);
    assert!(v.iter().all(|i| i.kind == InstructionKind::Repeal));
    assert!(v
        .iter()
        .all(|i| i.target.as_deref() == Some("12/2018/QĐ-UBND")));
}

#[test]
fn references_in_parentheses_are_not_targets() {
    let i = one("Bãi bỏ Điều 7 (quy định theo khoản 3 Điều 9 Luật Đất đai).");
    assert_eq!(keys(&i), ["dieu-7"]);
}

#[test]
fn chapters_and_sections() {
    let i = one("Bãi bỏ Mục 2 Chương III.");
    assert_eq!(keys(&i), ["chuong-III/muc-2"]);
    let i = one("Bãi bỏ Chương IV.");
    assert_eq!(keys(&i), ["chuong-IV"]);
}

#[test]
fn an_article_named_with_its_chapter_drops_the_chapter() {
    let i = one("Bãi bỏ Điều 12 Chương III.");
    assert_eq!(keys(&i), ["dieu-12"]);
}

#[test]
fn an_unclosed_quote_gives_no_wording_and_the_next_instruction_is_read() {
    let v = parse("1. Sửa đổi khoản 2 Điều 5 như sau:\n“2. Không đóng\n2. Bãi bỏ Điều 7.");
    assert_eq!(v[0].wording, None);
    assert_eq!(v.last().map(|i| keys(i)), Some(vec!["dieu-7"]));
}

#[test]
fn an_amendment_with_no_provision_nor_target_is_ignored() {
    assert!(parse("Các sở bổ sung kinh phí cho năm 2020.").is_empty());
    assert!(parse("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;").is_empty());
}

#[test]
fn a_phrase_replaced_in_a_wording() {
    let i = one("Thay thế cụm từ “Sở Nội vụ” tại khoản 1 Điều 3 bằng cụm từ “Sở Tư pháp”.");
    assert_eq!(i.kind, InstructionKind::Replace);
    assert_eq!(keys(&i), ["dieu-3/khoan-1"]);
}

#[test]
fn a_wording_with_its_own_points_for_two_points() {
    let i = one("Sửa đổi điểm a, điểm b khoản 1 Điều 2 như sau:\n“a) Một;\nb) Hai.”");
    assert_eq!(
        i.wording_for("dieu-2/khoan-1/diem-b").as_deref(),
        Some("b) Hai.")
    );
}

#[test]
fn windows_line_ends() {
    let i = one("Sửa đổi khoản 2 Điều 5 như sau:\r\n“2. Mới.”\r\n");
    assert_eq!(i.wording.as_deref(), Some("2. Mới."));
}

proptest! {
    #[test]
    fn never_panics_and_lines_are_in_the_text(s in "(?s)[ -~\n“”\"«»ĐđạảấầễệọơờớưừứÀ-ỹ0-9]{0,400}") {
        let n = s.lines().count().max(1);
        for i in parse(&s) {
            prop_assert!(i.line >= 1 && i.line <= n);
        }
    }

    #[test]
    fn never_panics_on_instruction_like_text(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "Sửa đổi", "bổ sung", "Bãi bỏ", "thay thế", "hết hiệu lực", "khoản 2", "Điều 5",
                "điểm a", "Điều 5a", "vào sau", "như sau:", "“", "”", "\"", "\n", "1.", "a)",
                "Quyết định số 12/2018/QĐ-UBND", "kể từ ngày", "01/01/2020", ",", "và", "(", ")",
            ]),
            0..60,
        )
    ) {
        let s = parts.join(" ");
        let n = s.lines().count().max(1);
        for i in parse(&s) {
            prop_assert!(i.line >= 1 && i.line <= n);
            for k in &i.provisions {
                prop_assert!(parse_reference(k).is_ok());
            }
        }
    }
}

#[test]
fn an_instruction_whose_wording_is_not_quoted_is_read_without_wording() {
    let i = one("1. Sửa đổi khoản 2 Điều 5 như sau:\n2. Nội dung không đặt trong ngoặc kép.");
    assert_eq!(keys(&i), ["dieu-5/khoan-2"]);
    assert_eq!(i.wording, None);
    assert!(i.announced);
}

#[test]
fn an_article_caption_names_the_change_without_announcing_a_wording() {
    let v = parse("Điều 1. Sửa đổi khoản 1 Điều 2\nHỗ trợ 60% chi phí con giống.");
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(keys(&v[0]), ["dieu-2/khoan-1"]);
    assert!(!v[0].announced);
    assert!(one("Sửa đổi khoản 2 Điều 5 như sau: “2. Mới.”").announced);
}

#[test]
fn an_annex_is_a_provision_effects_name() {
    let v = parse(
        "Điều 1. Sửa đổi, bổ sung Quyết định số 12/2018/QĐ-UBND như sau:\n1. Bãi bỏ Phụ lục II.\n2. Sửa đổi Phụ lục I như sau:\n“Danh mục mới”\n3. Bãi bỏ Phụ lục III và Phụ lục IV.\nĐiều 2. Bãi bỏ Phụ lục kèm theo Quyết định số 05/2020/QĐ-UBND.",
    );
    assert_eq!(v.len(), 4, "{v:#?}");
    assert_eq!(v[0].kind, InstructionKind::Repeal);
    assert_eq!(v[0].target.as_deref(), Some("12/2018/QĐ-UBND"));
    assert_eq!(keys(&v[0]), ["phu-luc-II"]);
    assert_eq!(v[1].kind, InstructionKind::Amend);
    assert_eq!(keys(&v[1]), ["phu-luc-I"]);
    assert_eq!(v[1].wording.as_deref(), Some("Danh mục mới"));
    assert_eq!(keys(&v[2]), ["phu-luc-III", "phu-luc-IV"]);
    assert_eq!(v[3].target.as_deref(), Some("05/2020/QĐ-UBND"));
    assert_eq!(keys(&v[3]), ["phu-luc"]);
}
