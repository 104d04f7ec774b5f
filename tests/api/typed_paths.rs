//! Path ids that do not fit their type (issue 14: typed extractors). A non-numeric id answers
//! 404 as before — a problem document on API routes, the Vietnamese error page on pages — and
//! the answer's kind follows the route that matched, not how the path was spelled.

use actix_web::test::TestRequest;

use crate::authkit::{add_user, cookie, session, Client, Resp};
use crate::db_test;

fn is_problem(r: &Resp) -> bool {
    r.header("content-type")
        .is_some_and(|c| c.starts_with("application/problem+json"))
}

fn is_page(r: &Resp) -> bool {
    r.header("content-type")
        .is_some_and(|c| c.starts_with("text/html"))
}

async fn get(client: &Client, path: &str, secret: Option<&str>) -> Resp {
    let mut req = TestRequest::get().uri(path);
    if let Some(s) = secret {
        req = req.insert_header(cookie(s));
    }
    client.send(req).await
}

db_test!(
    non_numeric_ids_are_not_found_in_the_answer_of_their_route,
    |app| {
        let client = Client::new(&app).await;
        let admin = add_user(&app, "quantri", "admin", &[]);
        let (secret, _) = session(&app, admin);
        let api = [
            "/api/v1/documents/abc",
            "/api/v1/documents/12x/status",
            "/api/v1/campaigns/abc",
            "/api/v1/inspections/-",
            // The same route spelled with an encoded letter: still the API's answer.
            "/%61pi/v1/documents/abc",
        ];
        for path in api {
            let r = get(&client, path, Some(&secret)).await;
            assert_eq!(r.status, 404, "{path}: {}", r.body);
            assert!(is_problem(&r), "{path}: {:?}", r.header("content-type"));
            assert_eq!(r.json()["code"], "not_found", "{path}: {}", r.body);
            assert_eq!(r.json()["status"], 404, "{path}");
        }
        let pages = ["/documents/abc", "/campaigns/abc", "/inspections/1e3"];
        for path in pages {
            let r = get(&client, path, Some(&secret)).await;
            assert_eq!(r.status, 404, "{path}: {}", r.body);
            assert!(is_page(&r), "{path}: {:?}", r.header("content-type"));
            assert!(r.body.contains("Không tìm thấy"), "{path}: {}", r.body);
        }
        // Each route names what it serves, as its own parser did before.
        for (path, message) in [
            ("/admin/users/abc", "Không có tài khoản mã số «abc»."),
            ("/authorities/1x", "Không có cơ quan ban hành «1x»."),
            ("/campaigns/abc", "Không có đợt rà soát mã số «abc»."),
        ] {
            let r = get(&client, path, Some(&secret)).await;
            assert_eq!(r.status, 404, "{path}");
            assert!(r.body.contains(message), "{path}: {}", r.body);
        }
        // A number that names nothing is the same 404 as before, from the handler.
        let r = get(&client, "/api/v1/documents/999999", None).await;
        assert_eq!(
            (r.status, r.json()["code"].clone()),
            (404, "not_found".into())
        );
        Ok(())
    }
);
