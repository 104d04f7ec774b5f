//! Who may do what: the four roles, a user's scope (a set of administrative units), and the
//! access rule every route declares in the route table (`src/routes.rs`).

use std::collections::BTreeSet;

use serde::Serialize;

/// A role. Every account has exactly one; the public needs no account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Quản trị: manages accounts, roles and scopes.
    Admin,
    /// Cán bộ pháp chế (legal officer): enters and edits records.
    Officer,
    /// Người phê duyệt: approves review decisions.
    Approver,
    /// Thanh tra, kiểm tra: reads everything, writes only their own findings.
    Inspector,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Officer, Role::Approver, Role::Inspector];

    /// The value stored in `users.role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Officer => "officer",
            Role::Approver => "approver",
            Role::Inspector => "inspector",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::Officer => "Cán bộ pháp chế",
            Role::Approver => "Người phê duyệt",
            Role::Inspector => "Thanh tra, kiểm tra",
        }
    }
}

/// The units a user acts for. `All` (no row in `user_scopes`) means no limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Units(BTreeSet<i64>),
}

impl Scope {
    pub fn from_units(units: impl IntoIterator<Item = i64>) -> Scope {
        let set: BTreeSet<i64> = units.into_iter().collect();
        if set.is_empty() {
            Scope::All
        } else {
            Scope::Units(set)
        }
    }

    /// Whether a record of `unit` (the unit of its issuing authority; `None` for a central
    /// authority) is inside the scope. A unit in the scope also covers the units it took over
    /// (`predecessors` gives them, transitively): after the 2025 reorganisation the new
    /// commune's officer looks after the documents of the district and communes it replaced.
    pub fn covers(&self, unit: Option<i64>, predecessors: impl Fn(i64) -> Vec<i64>) -> bool {
        match self {
            Scope::All => true,
            Scope::Units(set) => match unit {
                None => false,
                Some(u) => set.contains(&u) || set.iter().any(|s| predecessors(*s).contains(&u)),
            },
        }
    }
}

impl Scope {
    /// The units whose records the scope covers, predecessors included; `None` for no limit.
    pub fn expanded(
        &self,
        predecessors: impl Fn(i64) -> Vec<i64>,
    ) -> Option<std::collections::HashSet<i64>> {
        match self {
            Scope::All => None,
            Scope::Units(set) => Some(
                set.iter()
                    .flat_map(|u| std::iter::once(*u).chain(predecessors(*u)))
                    .collect(),
            ),
        }
    }
}

/// Which path parameter names the record a scoped route acts on, and what kind of record it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordOf {
    /// A document id: the record's unit is its authority's unit.
    Document(&'static str),
    /// An authority id.
    Authority(&'static str),
    /// A unit code.
    Unit(&'static str),
    /// A procedure code: the record's unit is that of the authority that announced its
    /// current version.
    Procedure(&'static str),
}

/// The access rule of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without an account.
    Public,
    /// Any signed-in user, whatever the role.
    AnyUser,
    /// Signed-in users with one of these roles.
    Roles(&'static [Role]),
    /// Users with one of these roles whose scope covers the record the path names.
    Scoped(&'static [Role], RecordOf),
    /// Monitoring (the metrics): no account; a client address in `metrics_allow`, or the
    /// metrics token (decided by the route guard, not by a role).
    Monitor,
}

/// What the guard does with a request, before any scope check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Allowed by role; the scope of the record still has to be checked.
    CheckScope(RecordOf),
    /// No valid credentials: a page redirects to the login form, the API answers 401.
    Unauthenticated,
    /// Signed in, but the role may not do this.
    Forbidden,
}

impl Access {
    /// The decision for a request by a user of `role` (`None`: anonymous).
    pub fn decide(self, role: Option<Role>) -> Decision {
        match (self, role) {
            (Access::Public, _) => Decision::Allow,
            // Not a matter of accounts: the route guard decides from the client's address or
            // the metrics token; asked by role, the answer is no.
            (Access::Monitor, _) => Decision::Forbidden,
            (_, None) => Decision::Unauthenticated,
            (Access::AnyUser, Some(_)) => Decision::Allow,
            (Access::Roles(roles), Some(r)) => {
                if roles.contains(&r) {
                    Decision::Allow
                } else {
                    Decision::Forbidden
                }
            }
            (Access::Scoped(roles, record), Some(r)) => {
                if roles.contains(&r) {
                    Decision::CheckScope(record)
                } else {
                    Decision::Forbidden
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_reject_others() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(Role::parse("Admin"), None);
    }

    #[test]
    fn access_rules_decide_by_role() {
        const ADMINS: &[Role] = &[Role::Admin];
        assert_eq!(Access::Public.decide(None), Decision::Allow);
        assert_eq!(Access::AnyUser.decide(None), Decision::Unauthenticated);
        assert_eq!(
            Access::AnyUser.decide(Some(Role::Inspector)),
            Decision::Allow
        );
        assert_eq!(
            Access::Roles(ADMINS).decide(None),
            Decision::Unauthenticated
        );
        assert_eq!(
            Access::Roles(ADMINS).decide(Some(Role::Admin)),
            Decision::Allow
        );
        assert_eq!(
            Access::Roles(ADMINS).decide(Some(Role::Officer)),
            Decision::Forbidden
        );
        let scoped = Access::Scoped(&[Role::Officer], RecordOf::Document("id"));
        assert_eq!(
            scoped.decide(Some(Role::Officer)),
            Decision::CheckScope(RecordOf::Document("id"))
        );
        assert_eq!(scoped.decide(Some(Role::Approver)), Decision::Forbidden);
        assert_eq!(scoped.decide(None), Decision::Unauthenticated);
    }

    #[test]
    fn a_scope_covers_its_units_and_their_predecessors() {
        // 32153 took over 32152 and 970 (which itself had taken over 900).
        let preds = |u: i64| match u {
            32153 => vec![32152, 970, 900],
            970 => vec![900],
            _ => vec![],
        };
        let s = Scope::from_units([32153]);
        assert!(s.covers(Some(32153), preds));
        assert!(s.covers(Some(32152), preds));
        assert!(s.covers(Some(900), preds));
        assert!(!s.covers(Some(96), preds), "the province is outside");
        assert!(!s.covers(None, preds), "central authorities are outside");
        // A predecessor's scope does not reach its successor.
        assert!(!Scope::from_units([970]).covers(Some(32153), preds));
        assert!(Scope::from_units([]).covers(None, preds));
        let all: Vec<i64> = {
            let mut v: Vec<i64> = s.expanded(preds).unwrap().into_iter().collect();
            v.sort_unstable();
            v
        };
        assert_eq!(all, [900, 970, 32152, 32153]);
        assert_eq!(Scope::All.expanded(preds), None);
        assert_eq!(Scope::from_units([]), Scope::All);
    }
}
