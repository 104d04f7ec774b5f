//! The triggers that protect the trail, compared with the migrations that create them.

use super::Problem;
use crate::db::audit::{Trigger, TriggerFunction};

const SQLITE_ACCOUNTS: &str =
    include_str!("../../migrations/sqlite/2026-11-27-000003_accounts/up.sql");
const SQLITE_GUARD: &str =
    include_str!("../../migrations/sqlite/2026-12-01-000007_audit_guard/up.sql");
const PG_ACCOUNTS: &str =
    include_str!("../../migrations/postgres/2026-11-27-000003_accounts/up.sql");
const PG_GUARD: &str =
    include_str!("../../migrations/postgres/2026-12-01-000007_audit_guard/up.sql");

/// The triggers on `audit_log` as PostgreSQL prints them back (`pg_get_triggerdef`, the
/// table's schema left out): its own normal form of the migrations' statements.
const PG_TRIGGERS: [(&str, &str); 3] = [
    (
        "audit_log_no_update",
        "CREATE TRIGGER audit_log_no_update BEFORE DELETE OR UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    ),
    (
        "audit_log_no_truncate",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    ),
    (
        "audit_log_append_at_head",
        "CREATE TRIGGER audit_log_append_at_head BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_continue_chain()",
    ),
];

/// Runs of whitespace as one space, trimmed: the same statement however it was indented.
pub(super) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `CREATE TRIGGER … END` statements of a SQLite migration, by trigger name.
pub(super) fn sqlite_triggers(sql: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = sql;
    while let Some(i) = rest.find("CREATE TRIGGER ") {
        let from = &rest[i..];
        let Some(end) = from.find("END;") else {
            break;
        };
        let stmt = &from[..end + "END".len()];
        if let Some(name) = stmt.split_whitespace().nth(2) {
            out.push((name.to_string(), squash(stmt)));
        }
        rest = &from[end..];
    }
    out
}

/// The body (between `$$`) of each `CREATE FUNCTION name()` of a PostgreSQL migration.
pub(super) fn pg_functions(sql: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = sql;
    while let Some(i) = rest.find("CREATE FUNCTION ") {
        let from = &rest[i + "CREATE FUNCTION ".len()..];
        let name = from
            .split('(')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let Some(open) = from.find("$$") else { break };
        let body = &from[open + 2..];
        let Some(close) = body.find("$$") else { break };
        out.push((name, body[..close].to_string()));
        rest = &body[close + 2..];
    }
    out
}

/// Compares what the database has with what is expected, trigger by trigger.
fn compare(expected: &[(String, String)], found: Vec<Trigger>) -> (usize, Vec<Problem>) {
    let mut ok = 0;
    let mut problems = Vec::new();
    for (name, def) in expected {
        match found.iter().find(|t| &t.name == name) {
            None => problems.push(Problem::TriggerMissing { name: name.clone() }),
            Some(t) if squash(&t.definition) != *def => problems.push(Problem::TriggerChanged {
                name: name.clone(),
                found: squash(&t.definition),
            }),
            Some(t) if t.enabled != "O" && t.enabled != "A" => {
                problems.push(Problem::TriggerDisabled {
                    name: name.clone(),
                    state: t.enabled.clone(),
                })
            }
            Some(_) => ok += 1,
        }
    }
    for t in &found {
        if !expected.iter().any(|(n, _)| *n == t.name) {
            problems.push(Problem::TriggerUnknown {
                name: t.name.clone(),
                definition: squash(&t.definition),
            });
        }
    }
    (ok, problems)
}

pub(super) fn sqlite(found: Vec<Trigger>) -> (usize, Vec<Problem>) {
    let expected: Vec<(String, String)> = sqlite_triggers(SQLITE_ACCOUNTS)
        .into_iter()
        .chain(sqlite_triggers(SQLITE_GUARD))
        .filter(|(_, def)| def.contains(" ON audit_log "))
        .collect();
    compare(&expected, found)
}

pub(super) fn postgres(
    mut found: Vec<Trigger>,
    functions: Vec<TriggerFunction>,
) -> (usize, Vec<Problem>) {
    for t in &mut found {
        t.definition = squash(&t.definition);
    }
    let expected: Vec<(String, String)> = PG_TRIGGERS
        .iter()
        .map(|(n, d)| (n.to_string(), squash(d)))
        .collect();
    let (mut ok, mut problems) = compare(&expected, found);
    for (name, body) in pg_functions(PG_ACCOUNTS)
        .into_iter()
        .chain(pg_functions(PG_GUARD))
        .filter(|(n, _)| n.starts_with("audit_log_"))
    {
        match functions.iter().find(|f| f.name == name) {
            Some(f) if squash(&f.source) == squash(&body) && f.language == "plpgsql" => ok += 1,
            Some(f) => problems.push(Problem::FunctionChanged {
                name,
                found: Some(squash(&f.source)),
            }),
            None => problems.push(Problem::FunctionChanged { name, found: None }),
        }
    }
    (ok, problems)
}
