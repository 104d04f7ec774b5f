//! The inspection form's «Tất cả khớp» and its empty submission, and the printable report
//! (biên bản kiểm tra): its content and who may read it. Both backends.

use crate::authkit::{add_user, audit_len, count, Client};
use crate::db_test;
use crate::inspections::{setup, Browser};

db_test!(
    all_match_records_the_systems_view_but_the_exceptions,
    |app| {
        setup(&app);
        let inspector = add_user(&app, "thanhtra", "inspector", &["32200"]);
        let c = Client::new(&app).await;
        let b = Browser::new(&app, &c, inspector);
        let form = b.get("/units/32200/inspections/new?date=2025-12-31").await;
        assert_eq!(form.status, 200);
        assert!(form.body.contains(r#"name="all_match" value="1""#));
        assert!(
            form.body.contains(r#"data-system="missing""#),
            "{}",
            form.body
        );
        assert!(form
            .body
            .contains(r#"<script src="/static/vanban.js" defer></script>"#));

        // Submitted empty: the form again, with a message in Vietnamese, nothing written.
        let before = (count(&app, "inspections"), audit_len(&app));
        let r = b
            .post_form(
                "/inspections",
                &[
                    ("unit", "32200"),
                    ("date", "2025-12-31"),
                    ("note", "Ghi chú giữ lại"),
                    ("finding:1.001193", ""),
                    ("finding:1.001194", ""),
                    ("finding:1.001195", ""),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains("Chưa chọn kết quả cho thủ tục nào"),
            "{}",
            r.body
        );
        assert!(
            r.body.contains(r#"id="form-error""#)
                && r.body.contains(r#"aria-describedby="form-error""#)
        );
        assert!(!r.body.contains("Mã lỗi") && !r.body.contains("no_findings"));
        assert!(r.body.contains("Ghi chú giữ lại"), "the note is kept");
        assert_eq!((count(&app, "inspections"), audit_len(&app)), before);

        // «Tất cả khớp» with one exception: 1.001194 is found posted although the system has it
        // missing; the other two are recorded as the system sees them.
        let r = b
            .post_form(
                "/inspections",
                &[
                    ("unit", "32200"),
                    ("date", "2025-12-31"),
                    ("finding:1.001193", ""),
                    ("finding:1.001194", "ok"),
                    ("note:1.001194", "Có bản giấy."),
                    ("finding:1.001195", ""),
                    ("all_match", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let to = r.header("location").unwrap();
        let id = to.trim_start_matches("/inspections/").to_string();
        assert_eq!(count(&app, "inspection_findings"), 3);
        let j = b.get(&format!("/api/v1/inspections/{id}")).await.json();
        let finding = |code: &str| {
            j["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["code"] == code)
                .map(|r| (r["inspector"].clone(), r["system"].clone()))
                .unwrap()
        };
        assert_eq!(finding("1.001193").0, json!("ok"));
        assert_eq!(finding("1.001194").0, json!("ok"));
        assert_eq!(finding("1.001195").0, finding("1.001195").1, "{j}");
        assert_eq!(j["differ"], 1, "only the exception differs: {j}");
        assert_eq!(j["not_in_report"], 0);

        // The printable report of the visit.
        let r = b
            .get(&format!("/units/32200/inspections/{id}/bien-ban"))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        for needle in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "BIÊN BẢN KIỂM TRA",
            "việc niêm yết công khai thủ tục hành chính",
            "Đầm Dơi, ngày 31 tháng 12 năm 2025",
            "Người kiểm tra: <strong>thanhtra</strong>",
            "Đơn vị được kiểm tra: <strong>Xã Đầm Dơi</strong>",
            "<td>Đăng ký kết hôn</td>",
            "Có bản giấy.",
            "Số thủ tục đã kiểm tra: <strong>3</strong>",
            "Niêm yết đầy đủ, đúng quy định: <strong>2</strong>; có thiếu sót: <strong>1</strong>",
            "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA",
            "NGƯỜI KIỂM TRA",
        ] {
            assert!(r.body.contains(needle), "«{needle}» not in {}", r.body);
        }
        let codes: Vec<usize> = ["1.001193", "1.001194", "1.001195"]
            .iter()
            .map(|c| {
                r.body
                    .find(&format!(r#"<td class="mono">{c}</td>"#))
                    .unwrap()
            })
            .collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "by code");
        assert!(
            !r.body.contains("site-nav"),
            "no header or menu on the printed page"
        );

        // Who reads it: the unit's officer and an administrator, not an officer of another
        // province, nor an approver; the visit is not found under another unit's address.
        let officer = add_user(&app, "canbo", "officer", &["32200"]);
        let far = add_user(&app, "canbo.bl", "officer", &["95"]);
        let approver = add_user(&app, "pheduyet", "approver", &["32200"]);
        let admin = add_user(&app, "quantri", "admin", &[]);
        let path = format!("/units/32200/inspections/{id}/bien-ban");
        for (user, status) in [(officer, 200), (admin, 200), (far, 403), (approver, 403)] {
            let r = Browser::new(&app, &c, user).get(&path).await;
            assert_eq!(r.status, status, "{user}: {}", r.body);
        }
        let r = Browser::new(&app, &c, admin)
            .get(&format!("/units/96/inspections/{id}/bien-ban"))
            .await;
        assert_eq!(r.status, 404, "{}", r.body);
        Ok(())
    }
);

use serde_json::json;
