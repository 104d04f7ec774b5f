//! `vanban routes`: the route table as it is compiled in (method, path pattern, access rule,
//! what the route answers). The browser tests read `--json` to open every page.

use std::process::ExitCode;

use serde::Serialize;
use vanban::auth::Access;
use vanban::routes::{RouteDef, ROUTES};

#[derive(Serialize)]
struct RouteLine {
    method: &'static str,
    path: &'static str,
    access: String,
    answers: &'static str,
    page: bool,
}

/// The access rule in words: `public`, `any-user`, `roles:admin,officer`,
/// `scoped:admin,officer`, `monitor`.
fn access(a: Access) -> String {
    let roles =
        |rs: &[vanban::auth::Role]| rs.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
    match a {
        Access::Public => "public".into(),
        Access::AnyUser => "any-user".into(),
        Access::Roles(rs) => format!("roles:{}", roles(rs)),
        Access::Scoped(rs, _) => format!("scoped:{}", roles(rs)),
        Access::Monitor => "monitor".into(),
    }
}

fn line(r: &RouteDef) -> RouteLine {
    RouteLine {
        method: r.method.as_str(),
        path: r.path,
        access: access(r.access),
        answers: r.answers.as_str(),
        page: r.is_page(),
    }
}

/// Prints the table: one JSON array with `--json`, else one tab-separated line per route.
pub fn run(json: bool) -> anyhow::Result<ExitCode> {
    let lines: Vec<RouteLine> = ROUTES.iter().map(line).collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&lines)?);
    } else {
        for l in &lines {
            println!("{}\t{}\t{}\t{}", l.method, l.path, l.access, l.answers);
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_pages_with_their_rule() {
        let lines: Vec<RouteLine> = ROUTES.iter().map(line).collect();
        let home = lines
            .iter()
            .find(|l| l.path == "/")
            .map(|l| (l.page, l.access.as_str()));
        assert_eq!(home, Some((true, "public")));
        let users = lines
            .iter()
            .find(|l| l.path == "/admin/users" && l.method == "GET")
            .map(|l| (l.page, l.access.clone()));
        assert_eq!(users, Some((true, "roles:admin".to_string())));
        let api = lines
            .iter()
            .find(|l| l.path == "/api/v1/documents")
            .map(|l| (l.page, l.answers));
        assert_eq!(api, Some((false, "data")));
    }
}
