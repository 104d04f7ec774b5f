//! Import → export → import → export is byte-identical for every record kind (units,
//! successions, authorities, documents with every optional field — place and signing capacity,
//! a withdrawn one too —, every effect kind, declared
//! expiries, class ends, procedures, postings, dossier counts, inspections, calendar days), and the first export equals an input that is already
//! canonical (the order and the spelling the export writes).

use crate::db_test;
use crate::helpers::TestApp;

/// Every record kind with every optional field, in the export's order and spelling.
const CANONICAL: &str = r#"{"kind":"unit","code":"96","name":"Tỉnh Cà Mau","level":"tinh"}
{"kind":"unit","code":"95","name":"Tỉnh Bạc Liêu","level":"tinh","valid_to":"2025-06-30"}
{"kind":"unit","code":"970","name":"Huyện Đầm Dơi","level":"huyen","parent":"96","valid_from":"2000-01-01","valid_to":"2025-06-30"}
{"kind":"unit","code":"32200","name":"Xã Đầm Dơi","level":"xa","parent":"96","valid_from":"2025-07-01"}
{"kind":"succession","predecessor":"95","successor":"96","on":"2025-07-01"}
{"kind":"succession","predecessor":"970","successor":"32200","on":"2025-07-01"}
{"kind":"authority","code":"QH","name":"Quốc hội","type":"central"}
{"kind":"authority","code":"HDND-96","name":"Hội đồng nhân dân tỉnh Cà Mau","type":"hdnd","unit":"96"}
{"kind":"authority","code":"UBND-96","name":"Ủy ban nhân dân tỉnh Cà Mau","type":"ubnd","unit":"96"}
{"kind":"authority","code":"CT-UBND-96","name":"Chủ tịch Ủy ban nhân dân tỉnh Cà Mau","type":"chu_tich_ubnd","unit":"96"}
{"kind":"authority","code":"UBND-970","name":"Ủy ban nhân dân huyện Đầm Dơi","type":"ubnd","unit":"970"}
{"kind":"document","authority":"QH","type":"Luật","number":"64/2025/QH15","title":"Luật Ban hành văn bản quy phạm pháp luật","fields":[],"signer":"","signer_position":"","issued_on":"2025-02-19","effective_on":"2025-04-01","text":"Điều 72. Quy định chuyển tiếp\n1. Khoản một.\n2. Khoản hai.\n3. Khoản ba."}
{"kind":"document","authority":"HDND-96","type":"Nghị quyết","number":"15/2018/NQ-HĐND","title":"Quy định mức hỗ trợ","fields":["Thủy sản","Nông nghiệp"],"signer":"Trần Văn Hiện","signer_position":"Chủ tịch","issued_on":"2018-12-07","effective_on":"2018-12-17","end_on":"2030-12-31","gazette":"Công báo tỉnh số 5","place":"Cà Mau","signing_capacity":"tm","signing_for":"TM. HỘI ĐỒNG NHÂN DÂN","provisions_effective":[{"provisions":["Điều 3"],"effective_on":"2019-06-01"},{"provisions":["Khoản 2 Điều 2"],"effective_on":"2020-01-01"}],"text":"Điều 1. Phạm vi\nNội dung.\nĐiều 2. Mức hỗ trợ\n1. Khoản một.\n2. Khoản hai:\na) Điểm a;\nb) Điểm b.\nĐiều 3. Tổ chức thực hiện\nNội dung."}
{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"20/2019/QĐ-UBND","title":"Hướng dẫn","fields":[],"signer":"","signer_position":"","issued_on":"2019-03-01","effective_on":"2019-03-15","text":"Điều 1. Hướng dẫn\nNội dung.\nĐiều 2. Hiệu lực\nNội dung."}
{"kind":"document","authority":"HDND-96","type":"Nghị quyết","number":"08/2020/NQ-HĐND","title":"Sửa đổi","fields":[],"signer":"","signer_position":"","issued_on":"2020-07-10","effective_on":"2020-07-20","text":"Điều 1. Sửa đổi\nNội dung."}
{"kind":"document","authority":"UBND-96","type":"Chỉ thị","number":"05/CT-UBND","title":"Chỉ thị tăng cường","fields":[],"signer":"","signer_position":"","issued_on":"2020-08-01","effective_on":"2020-08-01","text":"Nội dung chỉ thị."}
{"kind":"document","authority":"CT-UBND-96","type":"Quyết định","number":"1825/QĐ-UBND","title":"Quyết định cá biệt","fields":[],"signer":"","signer_position":"","issued_on":"2020-09-01","effective_on":"2020-09-01","normative":true,"text":"Nội dung."}
{"kind":"document","authority":"UBND-970","type":"Quyết định","number":"12/2021/QĐ-UBND","title":"Quy chế một cửa","fields":[],"signer":"","signer_position":"","issued_on":"2021-02-01","effective_on":"2021-02-15","text":"Điều 1. Phạm vi\nNội dung.\nĐiều 2. Thời gian\nNội dung."}
{"kind":"document","authority":"HDND-96","type":"Nghị quyết","number":"05/2022/NQ-HĐND","title":"Thay thế","fields":[],"signer":"","signer_position":"","issued_on":"2022-07-01","effective_on":"2022-07-15","text":"Điều 1. Mức hỗ trợ mới\nNội dung."}
{"kind":"document","authority":"CT-UBND-96","type":"Quyết định","number":"2105/QĐ-UBND","title":"Công bố thủ tục hành chính","fields":[],"signer":"","signer_position":"","issued_on":"2023-01-10","effective_on":"2023-01-10","text":"Công bố thủ tục."}
{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"30/2023/QĐ-UBND","title":"Quy định nhập nhầm","fields":[],"signer":"","signer_position":"","issued_on":"2023-05-01","effective_on":"2023-05-15","withdrawn":{"on":"2024-03-01","reason":"Nhập trùng với văn bản khác"},"text":"Điều 1. Nội dung\nNội dung."}
{"kind":"effect","acting":{"authority":"UBND-96","number":"20/2019/QĐ-UBND"},"target":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"type":"implements","provisions":[]}
{"kind":"effect","acting":{"authority":"UBND-96","number":"20/2019/QĐ-UBND"},"target":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"type":"based_on","provisions":["Điều 1"],"effective_on":"2019-03-15"}
{"kind":"effect","acting":{"authority":"HDND-96","number":"08/2020/NQ-HĐND"},"target":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"type":"amend","provisions":["Khoản 1 Điều 2","Điều 5a"],"effective_on":"2020-07-20","note":"Sửa đổi mức hỗ trợ"}
{"kind":"effect","acting":{"authority":"HDND-96","number":"08/2020/NQ-HĐND"},"target":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"type":"correct","provisions":[],"effective_on":"2020-07-20"}
{"kind":"effect","acting":{"authority":"HDND-96","number":"08/2020/NQ-HĐND"},"target":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"type":"consolidates","provisions":[],"effective_on":"2020-07-20"}
{"kind":"effect","acting":{"authority":"UBND-96","number":"20/2019/QĐ-UBND"},"target":{"authority":"UBND-970","number":"12/2021/QĐ-UBND"},"type":"suspend","provisions":["Điều 2"],"effective_on":"2021-06-01","until":"2021-12-31"}
{"kind":"effect","acting":{"authority":"HDND-96","number":"05/2022/NQ-HĐND"},"target":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"type":"replace","provisions":[],"effective_on":"2022-07-15"}
{"kind":"effect","acting":{"authority":"HDND-96","number":"05/2022/NQ-HĐND"},"target":{"authority":"UBND-96","number":"20/2019/QĐ-UBND"},"type":"keep","provisions":["Điều 1"],"effective_on":"2022-07-15"}
{"kind":"effect","acting":{"authority":"HDND-96","number":"05/2022/NQ-HĐND"},"target":{"authority":"UBND-970","number":"12/2021/QĐ-UBND"},"type":"repeal","provisions":["Điều 1"],"effective_on":"2022-07-15"}
{"kind":"declared_expiry","document":{"authority":"UBND-970","number":"12/2021/QĐ-UBND"},"provisions":["Điều 2"],"effective_on":"2026-01-01","decision":7}
{"kind":"declared_expiry","document":{"authority":"HDND-96","number":"08/2020/NQ-HĐND"},"provisions":[],"effective_on":"2026-01-01","decision":8,"ended_at":"2026-02-01T08:00:00Z"}
{"kind":"class_end","basis":{"authority":"QH","number":"64/2025/QH15"},"provision":"Khoản 3 Điều 72","authority_kinds":["ubnd","hdnd"],"levels":["huyen","xa"],"types":["Quyết định","Nghị quyết"],"issued_from":"2016-07-01","issued_to":"2025-03-31","ceases_on":"2027-03-01","note":"Ví dụ"}
{"kind":"class_end","basis":{"authority":"QH","number":"64/2025/QH15"},"provision":"Khoản 2 Điều 72","ceases_on":"2028-01-01"}
{"kind":"procedure","code":"1.000001","name":"Đăng ký khai sinh","field":"Hộ tịch","levels":["xa"],"agency":"Ủy ban nhân dân cấp xã","applicants":"Công dân","steps":"Bước 1: nộp hồ sơ.\nBước 2: nhận kết quả.","channels":["in_person","online"],"dossier":[{"name":"Tờ khai","originals":1,"copies":0,"form":"Mẫu 1"},{"name":"Giấy chứng sinh","originals":1,"copies":1}],"statutory_days":1,"local_days":1,"fees":[{"name":"Lệ phí","amount":0,"note":"Miễn"}],"result":"Giấy khai sinh","conditions":"Không","legal_basis":[{"authority":"HDND-96","number":"15/2018/NQ-HĐND","provision":"Điều 1"},{"authority":"UBND-96","number":"20/2019/QĐ-UBND"}],"online_level":"full","one_stop":null,"decision":{"authority":"CT-UBND-96","number":"2105/QĐ-UBND","date":"2023-01-10","effective_on":"2023-01-20"},"announcement":"new"}
{"kind":"posting","procedure":"1.000001","decision":{"authority":"CT-UBND-96","number":"2105/QĐ-UBND"},"unit":"32200","point":"portal","from":"2025-07-02","to":"2025-12-31"}
{"kind":"posting","procedure":"1.000001","decision":{"authority":"CT-UBND-96","number":"2105/QĐ-UBND"},"unit":"32200","from":"2025-07-03"}
{"kind":"dossier_count","procedure":"1.000001","unit":"32200","month":"2025-08","received":3,"online":1,"on_time":3}
{"kind":"inspection","unit":"32200","date":"2025-09-01","inspector":"Lê B","note":"Kiểm tra","findings":[{"procedure":"1.000001","finding":"ok","note":"Đủ"}]}
{"kind":"calendar_day","date":"2026-01-02","working":false,"note":"Nghỉ bù"}
"#;

fn round_trip(app: &TestApp, input: &str) -> anyhow::Result<String> {
    let r = app.import_str("in.jsonl", input)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let first = app.export()?;
    let again = app.import_str("first.jsonl", &first)?;
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    assert_eq!(
        (again.created, again.updated),
        (0, 0),
        "re-import changed something"
    );
    assert_eq!(app.export()?, first);
    Ok(first)
}

db_test!(every_record_kind_round_trips_byte_for_byte, |app| {
    let first = round_trip(&app, CANONICAL)?;
    // The canonical input comes back as it was, line for line.
    for (want, got) in CANONICAL.lines().zip(first.lines()) {
        assert_eq!(got, want);
    }
    assert_eq!(first, CANONICAL);
    // Into a fresh database: the same bytes again.
    let other = TestApp::sqlite()?;
    let r = other.import_str("first.jsonl", &first)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(other.export()?, first);
    Ok(())
});

db_test!(the_sample_round_trips_byte_for_byte, |app| {
    // Documents, effects and the procedures' records (procedures, postings, dossier counts,
    // inspections).
    let sample = format!(
        "{}\n{}",
        vanban::exchange::SAMPLE,
        vanban::exchange::SAMPLE_PROCEDURES
    );
    let first = round_trip(&app, &sample)?;
    for kind in ["procedure", "posting", "dossier_count", "inspection"] {
        let tag = format!(r#"{{"kind":"{kind}","#);
        assert!(first.contains(&tag), "{kind}");
    }
    let other = TestApp::sqlite()?;
    let r = other.import_str("first.jsonl", &first)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(other.export()?, first);
    Ok(())
});
