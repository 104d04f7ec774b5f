//! Extraction over documents written for the tests in the layouts local documents come in.

use chrono::NaiveDate;

use super::*;

mod legacy;
mod pdf_layouts;
use crate::domain::amendment::InstructionKind::{self, Amend, Expire, Repeal, Replace};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// What a document must yield; `None` where the field is absent.
struct Want<'a> {
    issuer: &'a str,
    number: &'a str,
    normalised: &'a str,
    place: Option<&'a str>,
    issued: NaiveDate,
    doc_type: &'a str,
    title: &'a str,
    signer: &'a str,
    position: &'a str,
    capacity: Option<&'a str>,
    effective: Option<NaiveDate>,
    articles: usize,
    effects: Vec<(InstructionKind, &'a str, Vec<&'a str>, Option<NaiveDate>)>,
}

fn value<T: Clone>(f: &Option<Field<T>>) -> Option<T> {
    f.as_ref().map(|f| f.value.clone())
}

fn check(text: &str, w: &Want) -> Extraction {
    let x = extract(text);
    assert_eq!(value(&x.issuer).as_deref(), Some(w.issuer), "issuer");
    assert_eq!(value(&x.number).as_deref(), Some(w.number), "number");
    assert_eq!(
        x.number_normalised.as_deref(),
        Some(w.normalised),
        "normalised"
    );
    assert_eq!(value(&x.place).as_deref(), w.place, "place");
    assert_eq!(value(&x.issued_on), Some(w.issued), "issued_on");
    assert_eq!(value(&x.doc_type), Some(w.doc_type), "type");
    assert_eq!(value(&x.title).as_deref(), Some(w.title), "title");
    assert_eq!(value(&x.signer).as_deref(), Some(w.signer), "signer");
    assert_eq!(
        value(&x.signer_position).as_deref(),
        Some(w.position),
        "position"
    );
    assert_eq!(
        value(&x.signing_capacity).as_deref(),
        w.capacity,
        "capacity"
    );
    assert_eq!(value(&x.effective_on), w.effective, "effective_on");
    assert_eq!(x.articles, w.articles, "articles");
    let effects: Vec<_> = x
        .effects
        .iter()
        .map(|e| {
            (
                e.kind,
                e.target_number.clone().unwrap_or_default(),
                e.provisions.clone(),
                e.effective_on,
            )
        })
        .collect();
    let want: Vec<_> = w
        .effects
        .iter()
        .map(|(k, t, p, d)| {
            (
                *k,
                (*t).to_string(),
                p.iter().map(|s| (*s).to_string()).collect::<Vec<_>>(),
                *d,
            )
        })
        .collect();
    assert_eq!(effects, want, "effects");
    x
}

/// Provincial HĐND resolution, 2018: the two header columns on one line (tab), a title over
/// two lines, the chairman's signature beside the recipients, "thông qua … và có hiệu lực từ".
const NQ_TINH_2018: &str = "\
HỘI ĐỒNG NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH CÀ MAU\tĐộc lập - Tự do - Hạnh phúc
-------\t---------------
Số: 15/2018/NQ-HĐND\tCà Mau, ngày 07 tháng 12 năm 2018

NGHỊ QUYẾT
Quy định mức chi bảo đảm cho công tác kiểm tra, xử lý,
rà soát, hệ thống hóa văn bản quy phạm pháp luật trên địa bàn tỉnh Cà Mau
-----------
HỘI ĐỒNG NHÂN DÂN TỈNH CÀ MAU
KHÓA IX, KỲ HỌP THỨ BẢY

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015;
Xét Tờ trình số 150/TTr-UBND ngày 12 tháng 11 năm 2018 của Ủy ban nhân dân tỉnh;

QUYẾT NGHỊ:

Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng
1. Nghị quyết này quy định mức chi bảo đảm cho công tác kiểm tra, xử lý văn bản.
2. Đối tượng áp dụng là các cơ quan, đơn vị có liên quan.
Điều 2. Mức chi
Mức chi thực hiện theo Phụ lục kèm theo Nghị quyết này.
Điều 3. Tổ chức thực hiện
1. Giao Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết này.
2. Nghị quyết này đã được Hội đồng nhân dân tỉnh Cà Mau Khóa IX, Kỳ họp thứ Bảy thông qua ngày 07 tháng 12 năm 2018 và có hiệu lực từ ngày 17 tháng 12 năm 2018./.

Nơi nhận:\t\tCHỦ TỊCH
- Ủy ban Thường vụ Quốc hội;
- Chính phủ;\t\t(Đã ký)
- Cục Kiểm tra VBQPPL - Bộ Tư pháp;
- Lưu: VT.\t\tTrần Văn Hiện
";

#[test]
fn provincial_resolution_with_one_line_header() {
    let x = check(
        NQ_TINH_2018,
        &Want {
            issuer: "HỘI ĐỒNG NHÂN DÂN TỈNH CÀ MAU",
            number: "15/2018/NQ-HĐND",
            normalised: "15/2018/NQ-HĐND",
            place: Some("Cà Mau"),
            issued: ymd(2018, 12, 7),
            doc_type: "Nghị quyết",
            title: "Quy định mức chi bảo đảm cho công tác kiểm tra, xử lý, rà soát, hệ thống hóa văn bản quy phạm pháp luật trên địa bàn tỉnh Cà Mau",
            signer: "Trần Văn Hiện",
            position: "CHỦ TỊCH",
            capacity: None,
            effective: Some(ymd(2018, 12, 17)),
            articles: 3,
            effects: vec![],
        },
    );
    let line = |f: &Option<Field<String>>| f.as_ref().map(|f| f.line);
    assert_eq!(line(&x.issuer), Some(1));
    assert_eq!(line(&x.number), Some(4));
    assert_eq!(x.doc_type.as_ref().map(|f| f.line), Some(6));
    assert_eq!(line(&x.title), Some(7));
    assert_eq!(line(&x.signer), Some(32));
    assert_eq!(x.effective_on.as_ref().map(|f| f.line), Some(26));
    assert_eq!(x.encoding, None);
}

/// Provincial UBND decision, 2021: header columns on alternating lines, a deputy chairman
/// signing for the committee, the recipients after the block, and a replaced decision named in
/// the entry-into-force article.
const QD_TINH_2021: &str = "\
ỦY BAN NHÂN DÂN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH CÀ MAU
Độc lập - Tự do - Hạnh phúc
Số: 09/2021/QĐ-UBND
Cà Mau, ngày 28 tháng 4 năm 2021

QUYẾT ĐỊNH
Ban hành Quy định về quản lý nhà nước đối với hoạt động
khai thác cát trên địa bàn tỉnh Cà Mau

ỦY BAN NHÂN DÂN TỈNH CÀ MAU

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Theo đề nghị của Giám đốc Sở Tài nguyên và Môi trường.

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Quy định về quản lý nhà nước đối với hoạt động khai thác cát.
Điều 2. Quyết định này có hiệu lực kể từ ngày 15 tháng 5 năm 2021 và thay thế Quyết định số 12/2018/QĐ-UBND ngày 05 tháng 3 năm 2018 của Ủy ban nhân dân tỉnh Cà Mau.
Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các sở chịu trách nhiệm thi hành Quyết định này./.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

(Đã ký)

Lê Văn Sử

Nơi nhận:
- Như Điều 3;
- Bộ Tài nguyên và Môi trường;
- Lưu: VT.
";

#[test]
fn provincial_decision_with_alternating_header_replacing_another() {
    check(
        QD_TINH_2021,
        &Want {
            issuer: "ỦY BAN NHÂN DÂN TỈNH CÀ MAU",
            number: "09/2021/QĐ-UBND",
            normalised: "09/2021/QĐ-UBND",
            place: Some("Cà Mau"),
            issued: ymd(2021, 4, 28),
            doc_type: "Quyết định",
            title: "Ban hành Quy định về quản lý nhà nước đối với hoạt động khai thác cát trên địa bàn tỉnh Cà Mau",
            signer: "Lê Văn Sử",
            position: "PHÓ CHỦ TỊCH",
            capacity: Some("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH"),
            effective: Some(ymd(2021, 5, 15)),
            articles: 3,
            effects: vec![(Replace, "12/2018/QĐ-UBND", vec![], Some(ymd(2021, 5, 15)))],
        },
    );
}

/// Commune UBND decision after 1 July 2025 (two-level local government: the commune under
/// the province), forgiving spacing in the number and a missing leading zero, in force from
/// signing, the recipients listed before the signature in one column.
const QD_XA_2025: &str = "\
ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ ĐẦM DƠI                    Độc lập - Tự do - Hạnh phúc

Số : 7 / 2025 /QĐ- UBND       Đầm Dơi, ngày 5 tháng 9 năm 2025

QUYẾT ĐỊNH
Quy định chức năng, nhiệm vụ, quyền hạn của Phòng Kinh tế xã Đầm Dơi

ỦY BAN NHÂN DÂN XÃ ĐẦM DƠI

Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;

QUYẾT ĐỊNH:

Điều 1. Vị trí và chức năng
Phòng Kinh tế là cơ quan chuyên môn thuộc Ủy ban nhân dân xã.
Điều 2. Hiệu lực thi hành
Quyết định này có hiệu lực kể từ ngày ký.

Nơi nhận:
- Ủy ban nhân dân tỉnh;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Phạm Thị Hồng Nhung
";

#[test]
fn commune_decision_after_2025_in_force_from_signing() {
    let x = check(
        QD_XA_2025,
        &Want {
            issuer: "ỦY BAN NHÂN DÂN XÃ ĐẦM DƠI",
            number: "7 / 2025 /QĐ- UBND",
            normalised: "07/2025/QĐ-UBND",
            place: Some("Đầm Dơi"),
            issued: ymd(2025, 9, 5),
            doc_type: "Quyết định",
            title: "Quy định chức năng, nhiệm vụ, quyền hạn của Phòng Kinh tế xã Đầm Dơi",
            signer: "Phạm Thị Hồng Nhung",
            position: "CHỦ TỊCH",
            capacity: Some("TM. ỦY BAN NHÂN DÂN"),
            effective: Some(ymd(2025, 9, 5)),
            articles: 2,
            effects: vec![],
        },
    );
    assert_eq!(x.effective_on.map(|f| f.line), Some(18));
}

/// Directive of the provincial chairman: no articles, no preamble, in force on a date written
/// with slashes.
const CT_TINH_2021: &str = "\
ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH BẠC LIÊU\tĐộc lập - Tự do - Hạnh phúc
Số: 05/CT-UBND\tBạc Liêu, ngày 20 tháng 12 năm 2021

CHỈ THỊ
Về tăng cường công tác phòng, chống cháy rừng mùa khô năm 2022

Mùa khô năm 2022 được dự báo kéo dài, nguy cơ cháy rừng rất cao.
Để chủ động phòng, chống cháy rừng, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:
1. Các sở, ban, ngành tỉnh tổ chức thực hiện nghiêm các biện pháp phòng cháy.
2. Ủy ban nhân dân các huyện, thành phố bố trí lực lượng trực 24/24 giờ.
Chỉ thị này có hiệu lực thi hành từ ngày 01/01/2022.

Nơi nhận:\t\tCHỦ TỊCH
- Bộ Nông nghiệp và PTNT;\t\t
- Lưu: VT.\t\tPhạm Văn Thiều
";

#[test]
fn directive_without_articles() {
    check(
        CT_TINH_2021,
        &Want {
            issuer: "ỦY BAN NHÂN DÂN TỈNH BẠC LIÊU",
            number: "05/CT-UBND",
            normalised: "05/CT-UBND",
            place: Some("Bạc Liêu"),
            issued: ymd(2021, 12, 20),
            doc_type: "Chỉ thị",
            title: "Về tăng cường công tác phòng, chống cháy rừng mùa khô năm 2022",
            signer: "Phạm Văn Thiều",
            position: "CHỦ TỊCH",
            capacity: None,
            effective: Some(ymd(2022, 1, 1)),
            articles: 0,
            effects: vec![],
        },
    );
}

/// Commune HĐND resolution before 2025 (commune, district on a third line), repealing a
/// clause of an earlier resolution.
const NQ_XA_2020: &str = "\
HỘI ĐỒNG NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ TẠ AN KHƯƠNG\tĐộc lập - Tự do - Hạnh phúc
HUYỆN ĐẦM DƠI
Số: 03/2020/NQ-HĐND\tTạ An Khương, ngày 15 tháng 7 năm 2020

NGHỊ QUYẾT
Bãi bỏ một phần Nghị quyết số 05/2019/NQ-HĐND ngày 10 tháng 7 năm 2019
của Hội đồng nhân dân xã về phí chợ

HỘI ĐỒNG NHÂN DÂN XÃ TẠ AN KHƯƠNG
KHÓA XI, KỲ HỌP THỨ 12

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;

QUYẾT NGHỊ:

Điều 1. Bãi bỏ khoản 2 Điều 5 Nghị quyết số 05/2019/NQ-HĐND ngày 10 tháng 7 năm 2019 của Hội đồng nhân dân xã.
Điều 2. Nghị quyết này đã được Hội đồng nhân dân xã Tạ An Khương khóa XI, kỳ họp thứ 12 thông qua ngày 15 tháng 7 năm 2020 và có hiệu lực từ ngày 25 tháng 7 năm 2020./.

Nơi nhận:\t\tCHỦ TỊCH
- Thường trực HĐND huyện;
- Lưu: VT.\t\tNguyễn Văn Tư
";

#[test]
fn commune_resolution_repealing_a_clause() {
    check(
        NQ_XA_2020,
        &Want {
            issuer: "HỘI ĐỒNG NHÂN DÂN XÃ TẠ AN KHƯƠNG HUYỆN ĐẦM DƠI",
            number: "03/2020/NQ-HĐND",
            normalised: "03/2020/NQ-HĐND",
            place: Some("Tạ An Khương"),
            issued: ymd(2020, 7, 15),
            doc_type: "Nghị quyết",
            title: "Bãi bỏ một phần Nghị quyết số 05/2019/NQ-HĐND ngày 10 tháng 7 năm 2019 của Hội đồng nhân dân xã về phí chợ",
            signer: "Nguyễn Văn Tư",
            position: "CHỦ TỊCH",
            capacity: None,
            effective: Some(ymd(2020, 7, 25)),
            articles: 2,
            effects: vec![(
                Repeal,
                "05/2019/NQ-HĐND",
                vec!["dieu-5/khoan-2"],
                Some(ymd(2020, 7, 25)),
            )],
        },
    );
}

/// Amending decision: a heading naming the amended decision, a quoted new wording and a
/// repealed article under it.
const QD_SUA_DOI_2022: &str = "\
ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH CÀ MAU\tĐộc lập - Tự do - Hạnh phúc
Số: 21/2022/QĐ-UBND\tCà Mau, ngày 10 tháng 10 năm 2022

QUYẾT ĐỊNH
Sửa đổi, bổ sung một số điều của Quy định ban hành kèm theo
Quyết định số 12/2018/QĐ-UBND ngày 05 tháng 3 năm 2018
của Ủy ban nhân dân tỉnh Cà Mau

ỦY BAN NHÂN DÂN TỈNH CÀ MAU

Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015;

QUYẾT ĐỊNH:

Điều 1. Sửa đổi, bổ sung một số điều của Quyết định số 12/2018/QĐ-UBND như sau:
1. Sửa đổi, bổ sung khoản 2 Điều 5 như sau:
“2. Thời hạn giải quyết là 10 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.”
2. Bãi bỏ Điều 7.
Điều 2. Quyết định này có hiệu lực kể từ ngày 20 tháng 10 năm 2022.
Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành Quyết định này./.

Nơi nhận:\t\tTM. ỦY BAN NHÂN DÂN
- Như Điều 3;\t\tKT. CHỦ TỊCH
- Lưu: VT.\t\tPHÓ CHỦ TỊCH
\t\t(Đã ký)
\t\tLâm Văn Bi
";

#[test]
fn amending_decision_with_a_quoted_wording_and_a_repeal() {
    check(
        QD_SUA_DOI_2022,
        &Want {
            issuer: "ỦY BAN NHÂN DÂN TỈNH CÀ MAU",
            number: "21/2022/QĐ-UBND",
            normalised: "21/2022/QĐ-UBND",
            place: Some("Cà Mau"),
            issued: ymd(2022, 10, 10),
            doc_type: "Quyết định",
            title: "Sửa đổi, bổ sung một số điều của Quy định ban hành kèm theo Quyết định số 12/2018/QĐ-UBND ngày 05 tháng 3 năm 2018 của Ủy ban nhân dân tỉnh Cà Mau",
            signer: "Lâm Văn Bi",
            position: "PHÓ CHỦ TỊCH",
            capacity: Some("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH"),
            effective: Some(ymd(2022, 10, 20)),
            articles: 3,
            effects: vec![
                (Amend, "12/2018/QĐ-UBND", vec!["dieu-5/khoan-2"], Some(ymd(2022, 10, 20))),
                (Repeal, "12/2018/QĐ-UBND", vec!["dieu-7"], Some(ymd(2022, 10, 20))),
            ],
        },
    );
}

/// Provincial HĐND resolution after 1 July 2025 (merged province), a date without leading
/// zeros, an earlier resolution ending on a date of its own.
const NQ_TINH_2025: &str = "\
HỘI ĐỒNG NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH CÀ MAU\tĐộc lập - Tự do - Hạnh phúc
Số: 15/2025/NQ-HĐND\tCà Mau, ngày 7 tháng 8 năm 2025

NGHỊ QUYẾT
Quy định mức hỗ trợ đối với người hoạt động không chuyên trách ở ấp, khóm

HỘI ĐỒNG NHÂN DÂN TỈNH CÀ MAU
KHÓA X, KỲ HỌP THỨ HAI

Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;

QUYẾT NGHỊ:

Điều 1. Mức hỗ trợ hằng tháng bằng 1,5 lần mức lương cơ sở.
Điều 2. Hiệu lực thi hành
1. Nghị quyết này có hiệu lực thi hành từ ngày 01/9/2025.
2. Nghị quyết số 10/2016/NQ-HĐND ngày 8 tháng 12 năm 2016 của Hội đồng nhân dân tỉnh Bạc Liêu hết hiệu lực kể từ ngày 01 tháng 9 năm 2025.

Nơi nhận:\t\tCHỦ TỊCH
- Chính phủ;
- Lưu: VT.\t\tHuỳnh Quốc Việt
";

#[test]
fn provincial_resolution_after_2025_ending_an_earlier_one() {
    check(
        NQ_TINH_2025,
        &Want {
            issuer: "HỘI ĐỒNG NHÂN DÂN TỈNH CÀ MAU",
            number: "15/2025/NQ-HĐND",
            normalised: "15/2025/NQ-HĐND",
            place: Some("Cà Mau"),
            issued: ymd(2025, 8, 7),
            doc_type: "Nghị quyết",
            title: "Quy định mức hỗ trợ đối với người hoạt động không chuyên trách ở ấp, khóm",
            signer: "Huỳnh Quốc Việt",
            position: "CHỦ TỊCH",
            capacity: None,
            effective: Some(ymd(2025, 9, 1)),
            articles: 2,
            effects: vec![(Expire, "10/2016/NQ-HĐND", vec![], Some(ymd(2025, 9, 1)))],
        },
    );
}

/// District UBND decision with an acting chairman ("Q."), the header columns set apart by
/// spaces, and the regulation it issues attached after the signature (its articles are not the
/// decision's).
const QD_HUYEN_PHU_LUC: &str = "\
ỦY BAN NHÂN DÂN              CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
HUYỆN ĐẦM DƠI                       Độc lập - Tự do - Hạnh phúc
Số: 02/2019/QĐ-UBND          Đầm Dơi, ngày 14 tháng 01 năm 2019

QUYẾT ĐỊNH
Ban hành Quy chế làm việc của Ủy ban nhân dân huyện Đầm Dơi

ỦY BAN NHÂN DÂN HUYỆN ĐẦM DƠI

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc của Ủy ban nhân dân huyện.
Điều 2. Quyết định này có hiệu lực kể từ ngày 24 tháng 01 năm 2019.
Điều 3. Chánh Văn phòng HĐND và UBND huyện chịu trách nhiệm thi hành Quyết định này./.

Nơi nhận:                    TM. ỦY BAN NHÂN DÂN
- Như Điều 3;                Q. CHỦ TỊCH
- Lưu: VT.
                             Tô Minh Thắng

ỦY BAN NHÂN DÂN              CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
HUYỆN ĐẦM DƠI                       Độc lập - Tự do - Hạnh phúc

QUY CHẾ
Làm việc của Ủy ban nhân dân huyện Đầm Dơi

Điều 1. Phạm vi điều chỉnh
Điều 2. Nguyên tắc làm việc
Điều 3. Trách nhiệm của Chủ tịch
Điều 4. Trách nhiệm của Phó Chủ tịch
";

#[test]
fn district_decision_with_an_acting_chairman_and_an_attached_regulation() {
    check(
        QD_HUYEN_PHU_LUC,
        &Want {
            issuer: "ỦY BAN NHÂN DÂN HUYỆN ĐẦM DƠI",
            number: "02/2019/QĐ-UBND",
            normalised: "02/2019/QĐ-UBND",
            place: Some("Đầm Dơi"),
            issued: ymd(2019, 1, 14),
            doc_type: "Quyết định",
            title: "Ban hành Quy chế làm việc của Ủy ban nhân dân huyện Đầm Dơi",
            signer: "Tô Minh Thắng",
            position: "CHỦ TỊCH",
            capacity: Some("TM. ỦY BAN NHÂN DÂN / Q. CHỦ TỊCH"),
            effective: Some(ymd(2019, 1, 24)),
            articles: 3,
            effects: vec![],
        },
    );
}

/// Commune HĐND resolution after 2025, in force "kể từ ngày ký ban hành", signed by the
/// vice-chairman for the chairman.
const NQ_XA_2025: &str = "\
HỘI ĐỒNG NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ TÂN THUẬN\tĐộc lập - Tự do - Hạnh phúc
Số: 04/2025/NQ-HĐND\tTân Thuận, ngày 22 tháng 10 năm 2025

NGHỊ QUYẾT
Về mức chi tiếp khách trên địa bàn xã

HỘI ĐỒNG NHÂN DÂN XÃ TÂN THUẬN
KHÓA I, KỲ HỌP THỨ 3

Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;

QUYẾT NGHỊ:

Điều 1. Mức chi tiếp khách không quá 300.000 đồng một suất.
Điều 2. Nghị quyết này có hiệu lực kể từ ngày ký ban hành./.

Nơi nhận:\t\tKT. CHỦ TỊCH
- Thường trực HĐND tỉnh;\t\tPHÓ CHỦ TỊCH
- Lưu: VT.\t\tVõ Thị Thu Hà
";

/// Provincial decision repealing a whole earlier decision in its own article.
const QD_BAI_BO_2023: &str = "\
ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH CÀ MAU\tĐộc lập - Tự do - Hạnh phúc
Số: 30/2023/QĐ-UBND\tCà Mau, ngày 03 tháng 11 năm 2023

QUYẾT ĐỊNH
Bãi bỏ Quyết định số 25/2017/QĐ-UBND ngày 20 tháng 9 năm 2017
của Ủy ban nhân dân tỉnh Cà Mau

ỦY BAN NHÂN DÂN TỈNH CÀ MAU

Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015;

QUYẾT ĐỊNH:

Điều 1. Bãi bỏ Quyết định số 25/2017/QĐ-UBND ngày 20 tháng 9 năm 2017 của Ủy ban nhân dân tỉnh Cà Mau.
Điều 2. Quyết định này có hiệu lực kể từ ngày 15 tháng 11 năm 2023.

Nơi nhận:\t\tTM. ỦY BAN NHÂN DÂN
- Như Điều 2;\t\tCHỦ TỊCH
- Lưu: VT.\t\tHuỳnh Quốc Việt
";

/// Commune directive signed for the committee by the vice-chairman, the signature block
/// before the recipients in one column.
const CT_XA_2024: &str = "\
ỦY BAN NHÂN DÂN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ NGUYỄN HUÂN
Độc lập - Tự do - Hạnh phúc
Số: 02/CT-UBND
Nguyễn Huân, ngày 04 tháng 3 năm 2024

CHỈ THỊ
Về tăng cường công tác quản lý đất đai
trên địa bàn xã Nguyễn Huân

Để chấn chỉnh công tác quản lý đất đai, Ủy ban nhân dân xã yêu cầu các ấp thực hiện:
1. Rà soát hiện trạng sử dụng đất trên địa bàn.
Chỉ thị này có hiệu lực kể từ ngày ký.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Đoàn Văn Lũy

Nơi nhận:
- Các ấp;
- Lưu: VT.
";

/// Provincial decision signed by the office's chief on the chairman's order ("TL."), a
/// three-line title.
const QD_TL_2017: &str = "\
ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH BẠC LIÊU\tĐộc lập - Tự do - Hạnh phúc
Số: 18/2017/QĐ-UBND\tBạc Liêu, ngày 30 tháng 6 năm 2017

QUYẾT ĐỊNH
Ban hành Quy chế phối hợp
giữa các cơ quan chuyên môn
trong công tác kiểm soát thủ tục hành chính

ỦY BAN NHÂN DÂN TỈNH BẠC LIÊU

Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08 tháng 6 năm 2010 của Chính phủ;

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Quy chế phối hợp.
Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày 10 tháng 7 năm 2017.
Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành./.

Nơi nhận:\t\tTL. CHỦ TỊCH
- Như Điều 3;\t\tCHÁNH VĂN PHÒNG
- Lưu: VT.\t\tNguyễn Hoàng Anh
";

#[test]
fn commune_resolution_after_2025_in_force_from_signing() {
    check(
        NQ_XA_2025,
        &Want {
            issuer: "HỘI ĐỒNG NHÂN DÂN XÃ TÂN THUẬN",
            number: "04/2025/NQ-HĐND",
            normalised: "04/2025/NQ-HĐND",
            place: Some("Tân Thuận"),
            issued: ymd(2025, 10, 22),
            doc_type: "Nghị quyết",
            title: "Về mức chi tiếp khách trên địa bàn xã",
            signer: "Võ Thị Thu Hà",
            position: "PHÓ CHỦ TỊCH",
            capacity: Some("KT. CHỦ TỊCH"),
            effective: Some(ymd(2025, 10, 22)),
            articles: 2,
            effects: vec![],
        },
    );
}

#[test]
fn decision_repealing_a_whole_decision() {
    check(
        QD_BAI_BO_2023,
        &Want {
            issuer: "ỦY BAN NHÂN DÂN TỈNH CÀ MAU",
            number: "30/2023/QĐ-UBND",
            normalised: "30/2023/QĐ-UBND",
            place: Some("Cà Mau"),
            issued: ymd(2023, 11, 3),
            doc_type: "Quyết định",
            title: "Bãi bỏ Quyết định số 25/2017/QĐ-UBND ngày 20 tháng 9 năm 2017 của Ủy ban nhân dân tỉnh Cà Mau",
            signer: "Huỳnh Quốc Việt",
            position: "CHỦ TỊCH",
            capacity: Some("TM. ỦY BAN NHÂN DÂN"),
            effective: Some(ymd(2023, 11, 15)),
            articles: 2,
            effects: vec![(Repeal, "25/2017/QĐ-UBND", vec![], Some(ymd(2023, 11, 15)))],
        },
    );
}

#[test]
fn commune_directive_with_the_recipients_after_the_signature() {
    check(
        CT_XA_2024,
        &Want {
            issuer: "ỦY BAN NHÂN DÂN XÃ NGUYỄN HUÂN",
            number: "02/CT-UBND",
            normalised: "02/CT-UBND",
            place: Some("Nguyễn Huân"),
            issued: ymd(2024, 3, 4),
            doc_type: "Chỉ thị",
            title: "Về tăng cường công tác quản lý đất đai trên địa bàn xã Nguyễn Huân",
            signer: "Đoàn Văn Lũy",
            position: "PHÓ CHỦ TỊCH",
            capacity: Some("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH"),
            effective: Some(ymd(2024, 3, 4)),
            articles: 0,
            effects: vec![],
        },
    );
}

#[test]
fn decision_signed_on_order_with_a_three_line_title() {
    check(
        QD_TL_2017,
        &Want {
            issuer: "ỦY BAN NHÂN DÂN TỈNH BẠC LIÊU",
            number: "18/2017/QĐ-UBND",
            normalised: "18/2017/QĐ-UBND",
            place: Some("Bạc Liêu"),
            issued: ymd(2017, 6, 30),
            doc_type: "Quyết định",
            title: "Ban hành Quy chế phối hợp giữa các cơ quan chuyên môn trong công tác kiểm soát thủ tục hành chính",
            signer: "Nguyễn Hoàng Anh",
            position: "CHÁNH VĂN PHÒNG",
            capacity: Some("TL. CHỦ TỊCH"),
            effective: Some(ymd(2017, 7, 10)),
            articles: 3,
            effects: vec![],
        },
    );
}

#[test]
fn annexes_after_the_signature_are_read_apart_from_the_articles() {
    // NQ_TINH_2018 followed by two annexes: a title over two lines then "(Kèm theo …)", a table
    // (cells separated by tabs) and numbered items, and an article-like line of the annex.
    let text = format!(
        "{NQ_TINH_2018}
PHỤ LỤC I
MỨC CHI BẢO ĐẢM CHO CÔNG TÁC KIỂM TRA,
XỬ LÝ VĂN BẢN QUY PHẠM PHÁP LUẬT
(Kèm theo Nghị quyết số 15/2018/NQ-HĐND ngày 07 tháng 12 năm 2018 của Hội đồng nhân dân tỉnh Cà Mau)

STT\tNội dung chi\tMức chi
1.\tChi kiểm tra văn bản\t100.000 đồng/văn bản
2.\tChi lấy ý kiến chuyên gia\t500.000 đồng/báo cáo
Điều 4. Trích một điều của văn bản khác
PHỤ LỤC II
BIỂU MẪU
Bãi bỏ Quyết định số 01/2010/QĐ-UBND (nội dung của biểu mẫu)
"
    );
    let x = extract(&text);
    // The document's own fields do not change: three articles, no effect read in an annex.
    assert_eq!(x.articles, 3);
    assert!(x.effects.is_empty(), "{:?}", x.effects);
    assert_eq!(value(&x.signer).as_deref(), Some("Trần Văn Hiện"));
    assert_eq!(x.annexes.len(), 2, "{:#?}", x.annexes);
    let a = &x.annexes[0];
    assert_eq!(a.label, "I");
    assert_eq!(
        a.title.as_deref(),
        Some("MỨC CHI BẢO ĐẢM CHO CÔNG TÁC KIỂM TRA, XỬ LÝ VĂN BẢN QUY PHẠM PHÁP LUẬT")
    );
    assert_eq!(a.line, 34);
    assert!(
        a.text
            .starts_with("(Kèm theo Nghị quyết số 15/2018/NQ-HĐND"),
        "{}",
        a.text
    );
    assert!(a
        .text
        .contains("1.\tChi kiểm tra văn bản\t100.000 đồng/văn bản"));
    assert!(a.text.ends_with("Điều 4. Trích một điều của văn bản khác"));
    let b = &x.annexes[1];
    assert_eq!(
        (b.label.as_str(), b.title.as_deref()),
        ("II", Some("BIỂU MẪU"))
    );
    assert_eq!(b.line, 43);
    // Without annexes, none.
    assert!(extract(NQ_TINH_2018).annexes.is_empty());
}
