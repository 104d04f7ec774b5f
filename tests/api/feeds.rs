//! Atom feeds, read back with an Atom parser: new documents, status changes, review decisions,
//! procedures; per authority and unit; bad parameters.

use actix_web::test::TestRequest;
use serde_json::json;

use crate::authkit::Client;
use crate::db_test;
use crate::helpers::FIXTURE;
use crate::review::{approve, call, document_id, token};

async fn feed(client: &Client, path: &str) -> atom_syndication::Feed {
    let r = client.send(TestRequest::get().uri(path)).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/atom+xml; charset=utf-8")
    );
    r.body
        .parse::<atom_syndication::Feed>()
        .unwrap_or_else(|e| panic!("{path} is not Atom: {e}\n{}", r.body))
}

fn titles(f: &atom_syndication::Feed) -> Vec<String> {
    f.entries()
        .iter()
        .map(|e| e.title().value.clone())
        .collect()
}

db_test!(
    feeds_are_valid_atom_overall_and_per_authority_or_unit,
    |app| {
        let evil = FIXTURE.replace(
            "Quy định phí tham quan di tích",
            "Phí <b>tham quan</b> & \\\"di tích\\\"",
        );
        app.import_str("f.jsonl", &evil)?;
        let client = Client::new(&app).await;

        let f = feed(&client, "/feeds/documents.atom").await;
        assert_eq!(f.title().value, "Văn bản mới");
        assert_eq!(f.entries().len(), 6);
        assert!(f.links().iter().any(|l| l.rel() == "self"));
        let first = &f.entries()[0];
        assert!(first.id().starts_with("tag:"), "{}", first.id());
        assert!(
            first.links()[0].href().starts_with("http://")
                && first.links()[0].href().contains("/eli/vn/"),
            "{}",
            first.links()[0].href()
        );
        // Markup in a title stays text.
        assert!(
            titles(&f)
                .iter()
                .any(|t| t.contains("Phí <b>tham quan</b> & \"di tích\"")),
            "{:?}",
            titles(&f)
        );
        // Newest first, and the limit.
        let f2 = feed(&client, "/feeds/documents.atom?limit=2").await;
        assert_eq!(f2.entries().len(), 2);
        assert_eq!(f2.entries()[0].id(), f.entries()[0].id());

        // One authority, by code or id: the Cà Mau council's three resolutions and the one
        // of the Bạc Liêu council it took over in 2025.
        let f = feed(&client, "/feeds/documents.atom?authority=HDND-96").await;
        assert_eq!(f.entries().len(), 4, "{:?}", titles(&f));
        assert!(titles(&f).iter().any(|t| t.contains("03/2019/NQ-HĐND")));
        let f2 = feed(&client, "/feeds/documents.atom?authority=HDND-95").await;
        assert_eq!(f2.entries().len(), 1, "{:?}", titles(&f2));
        assert!(f.title().value.ends_with("Hội đồng nhân dân tỉnh Cà Mau"));
        // A unit covers the units it took over: the commune and the former district.
        let f = feed(&client, "/feeds/documents.atom?unit=32200").await;
        assert_eq!(f.entries().len(), 1, "{:?}", titles(&f));
        assert!(titles(&f)[0].contains("12/2021/QĐ-UBND"));

        // Status changes: replaced, amended, term ended.
        let f = feed(&client, "/feeds/status.atom?authority=HDND-96").await;
        let t = titles(&f);
        assert!(
            t.iter().any(|x| x.contains("15/2018/NQ-HĐND")
                && x.contains("05/2022/NQ-HĐND")
                && x.contains("15/07/2022")),
            "{t:?}"
        );
        let f = feed(&client, "/feeds/status.atom?authority=HDND-95").await;
        assert!(
            titles(&f)
                .iter()
                .any(|x| x.contains("hết thời hạn") && x.contains("01/01/2021")),
            "{:?}",
            titles(&f)
        );
        let all = feed(&client, "/feeds/status.atom").await;
        let dates: Vec<_> = all.entries().iter().map(|e| *e.updated()).collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");

        // Procedures: none yet, still a valid feed.
        let f = feed(&client, "/feeds/procedures.atom").await;
        assert!(f.entries().is_empty());

        // Pages announce the feeds.
        let r = client.send(TestRequest::get().uri("/")).await;
        assert!(r.body.contains(
        r#"<link rel="alternate" type="application/atom+xml" title="Văn bản mới" href="/feeds/documents.atom">"#
    ));
        let r = client.send(TestRequest::get().uri("/units/32200")).await;
        assert!(
            r.body.contains(r#"href="/feeds/status.atom?unit=32200""#),
            "{}",
            r.body
        );

        // An unknown feed: 404 naming the feeds there are.
        let r = client
            .send(TestRequest::get().uri("/feeds/tin-tuc.atom"))
            .await;
        assert_eq!(r.status, 404);
        assert!(r.body.contains("documents.atom"), "{}", r.body);

        // Bad parameters: 400 naming the parameter.
        for (path, param) in [
            ("/feeds/documents.atom?limit=0", "limit"),
            ("/feeds/documents.atom?limit=201", "limit"),
            ("/feeds/status.atom?limit=nhi%E1%BB%81u", "limit"),
            ("/feeds/documents.atom?authority=KHONG-CO", "authority"),
            ("/feeds/reviews.atom?unit=999", "unit"),
            ("/feeds/documents.atom?authority=HDND-96&unit=96", "unit"),
        ] {
            let r = client.send(TestRequest::get().uri(path)).await;
            assert_eq!(r.status, 400, "{path}: {}", r.body);
            assert!(r.body.contains(param), "{path}: {}", r.body);
        }
        Ok(())
    }
);

db_test!(
    review_decisions_and_annual_lists_are_published_in_a_feed,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, officer) = token(&app, "canbo", "officer", &["32200"]);
        let (_, approver) = token(&app, "pheduyet", "approver", &[]);
        let client = Client::new(&app).await;
        let f = feed(&client, "/feeds/reviews.atom").await;
        assert!(f.entries().is_empty());

        let one_stop = document_id(&app, "UBND-970", "12/2021/QD-UBND");
        let cid = crate::review::campaign_of(&client, &officer, 1).await;
        let did = crate::review::propose(
            &client,
            &officer,
            cid,
            json!({
                "document_id": one_stop, "kind": "declare_expired", "ground": "subject_gone",
                "reason": "Bộ phận một cửa cấp huyện không còn", "effective_on": "2025-07-01"
            }),
        )
        .await;
        // A proposal is not published.
        assert!(feed(&client, "/feeds/reviews.atom")
            .await
            .entries()
            .is_empty());
        approve(&client, &approver, did).await;
        let f = feed(&client, "/feeds/reviews.atom?unit=32200").await;
        assert_eq!(titles(&f).len(), 1, "{:?}", titles(&f));
        assert!(
            titles(&f)[0].contains("Công bố hết hiệu lực"),
            "{:?}",
            titles(&f)
        );
        assert!(feed(&client, "/feeds/reviews.atom?authority=HDND-96")
            .await
            .entries()
            .is_empty());
        // The declared expiry is a status change from its date.
        let f = feed(&client, "/feeds/status.atom?unit=32200").await;
        assert!(
            titles(&f)
                .iter()
                .any(|t| t.contains("công bố hết hiệu lực") && t.contains("01/07/2025")),
            "{:?}",
            titles(&f)
        );
        Ok(())
    }
);

db_test!(
    a_withdrawn_documents_review_decisions_and_declared_expiry_leave_the_feeds,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, officer) = token(&app, "canbo", "officer", &["32200"]);
        let (_, approver) = token(&app, "pheduyet", "approver", &[]);
        let client = Client::new(&app).await;
        let one_stop = document_id(&app, "UBND-970", "12/2021/QD-UBND");
        let cid = crate::review::campaign_of(&client, &officer, 1).await;
        let did = crate::review::propose(
            &client,
            &officer,
            cid,
            json!({
                "document_id": one_stop, "kind": "declare_expired", "ground": "subject_gone",
                "reason": "Bộ phận một cửa cấp huyện không còn", "effective_on": "2025-07-01"
            }),
        )
        .await;
        let path = format!("/api/v1/decisions/{did}/approve");
        let r = call(&client, "POST", &path, &approver, None, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(titles(&feed(&client, "/feeds/reviews.atom").await).len(), 1);
        let declared = |f: &atom_syndication::Feed| {
            titles(f)
                .iter()
                .any(|t| t.contains("12/2021/QĐ-UBND") && t.contains("công bố hết hiệu lực"))
        };
        assert!(declared(
            &feed(&client, "/feeds/status.atom?unit=32200").await
        ));
        // The document was entered in error: an administrator withdraws it.
        let admin = crate::authkit::session(
            &app,
            crate::authkit::add_user(&app, "quantri", "admin", &[]),
        );
        let r = crate::editing::post(
            &client,
            &admin,
            &format!("/documents/{one_stop}/rut"),
            vec![
                ("reason".into(), "Nhập nhầm".into()),
                ("confirm".into(), "true".into()),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let client = Client::new(&app).await;
        let f = feed(&client, "/feeds/reviews.atom").await;
        assert!(f.entries().is_empty(), "{:?}", titles(&f));
        let f = feed(&client, "/feeds/status.atom?unit=32200").await;
        assert!(!declared(&f), "{:?}", titles(&f));
        assert!(
            titles(&f).iter().all(|t| !t.contains("12/2021/QĐ-UBND")),
            "{:?}",
            titles(&f)
        );
        Ok(())
    }
);
