//! The one route table: every route with its method, path and access rule. [`configure`]
//! registers the handlers from it, the guard ([`guard`]) enforces the rules from it, and
//! the tests build the authorisation matrix from it. A path served outside this table gets
//! 405 from the guard, so a route cannot be added without a rule.
//!
//! Order matters as in actix: the first entry whose method and pattern match handles the
//! request.

pub mod extract;
pub mod guard;
pub mod openapi;

use actix_web::http::Method;
use actix_web::{web, Route};

use crate::auth::{Access, Role};
use crate::{api, web as pages};
use guard::FORM_LIMIT;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    Get,
    Post,
    Delete,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Delete => "DELETE",
        }
    }

    /// GET never changes state; everything else does.
    pub fn changes_state(self) -> bool {
        self != Verb::Get
    }

    /// A GET route also answers HEAD (the same headers, no body).
    pub fn matches(self, m: &Method) -> bool {
        m.as_str() == self.as_str() || (self == Verb::Get && m == Method::HEAD)
    }

    /// The method guard of the route's resource (GET also answers HEAD).
    fn guard(self) -> actix_web::guard::AnyGuard {
        use actix_web::guard;
        match self {
            Verb::Get => guard::Any(guard::Get()).or(guard::Head()),
            Verb::Post => guard::Any(guard::Post()),
            Verb::Delete => guard::Any(guard::Delete()),
        }
    }
}

/// What a route answers. Every GET route declares it (`.page()` or `.data()` after `get(…)`;
/// `declares_what_every_get_answers` checks it): the pages are what `vanban routes --json`
/// lists for the browser tests, which open each one at phone and desktop widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answers {
    /// A GET route that has not said yet (refused by the unit test).
    Undeclared,
    /// An HTML page for people (a browser opens it, reads it, prints it).
    Page,
    /// JSON, a file, a feed, a health or metrics answer: not a page.
    Data,
    /// A write (POST, DELETE): it answers with a redirect, a page with the form's errors, or
    /// JSON, never an address to open.
    Write,
}

impl Answers {
    pub fn as_str(self) -> &'static str {
        match self {
            Answers::Undeclared => "undeclared",
            Answers::Page => "page",
            Answers::Data => "data",
            Answers::Write => "write",
        }
    }
}

pub struct RouteDef {
    pub method: Verb,
    pub path: &'static str,
    pub access: Access,
    /// A page, data or a write (see [`Answers`]).
    pub answers: Answers,
    /// The largest request body the route takes (413 above it, before anything is read).
    pub max_body: usize,
    /// Attaches the handler to the route (`|r| r.to(handler)`).
    pub handler: fn(Route) -> Route,
}

impl RouteDef {
    /// Whether a user who must change the password an administrator set may use this route
    /// before changing it: the change form and its page, signing out, static files and the
    /// probes. The guard decides on the route that matched, so no spelling of a path gets
    /// past it.
    pub fn free_before_password_change(&self) -> bool {
        matches!(
            (self.method, self.path),
            (Verb::Get, "/account")
                | (Verb::Post, "/account/password")
                | (Verb::Post, "/logout")
                | (Verb::Get, "/healthz")
                | (Verb::Get, "/readyz")
                | (Verb::Get, "/favicon.ico")
        ) || self.path.starts_with("/static/")
            || self.access == Access::Monitor
    }

    /// The same route taking bodies of up to `max` bytes.
    pub const fn body(self, max: usize) -> RouteDef {
        RouteDef {
            max_body: max,
            ..self
        }
    }

    /// The GET route answers an HTML page.
    pub const fn page(self) -> RouteDef {
        RouteDef {
            answers: Answers::Page,
            ..self
        }
    }

    /// The GET route answers JSON, a file, a feed: not a page.
    pub const fn data(self) -> RouteDef {
        RouteDef {
            answers: Answers::Data,
            ..self
        }
    }

    /// Whether the route answers a page (the browser tests open every one).
    pub fn is_page(&self) -> bool {
        self.answers == Answers::Page
    }
}

impl std::fmt::Debug for RouteDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {:?}",
            self.method.as_str(),
            self.path,
            self.access
        )
    }
}

const fn get(path: &'static str, access: Access, handler: fn(Route) -> Route) -> RouteDef {
    RouteDef {
        method: Verb::Get,
        path,
        access,
        answers: Answers::Undeclared,
        max_body: 0,
        handler,
    }
}

const fn post(path: &'static str, access: Access, handler: fn(Route) -> Route) -> RouteDef {
    RouteDef {
        method: Verb::Post,
        path,
        access,
        answers: Answers::Write,
        max_body: FORM_LIMIT,
        handler,
    }
}

const fn delete(path: &'static str, access: Access, handler: fn(Route) -> Route) -> RouteDef {
    RouteDef {
        method: Verb::Delete,
        path,
        access,
        answers: Answers::Write,
        max_body: FORM_LIMIT,
        handler,
    }
}

use crate::auth::RecordOf;
use Access::{AnyUser, Monitor, Public, Roles, Scoped};

/// The register upload form: the file (at most `REGISTER_LIMIT`) and the form's other fields.
const UPLOAD_LIMIT: usize = crate::app::register::REGISTER_LIMIT + 64 * 1024;

/// Bodies of the JSON API's writes (a decision, an inspection with its findings).
const JSON_LIMIT: usize = 1024 * 1024;

/// The edit form of a document: its whole text, URL-encoded (a long law, several times its
/// size once encoded).
const EDIT_LIMIT: usize = 8 * 1024 * 1024;

pub const ADMINS: &[Role] = &[Role::Admin];
/// Who opens and starts review campaigns.
pub const CAMPAIGN_MANAGERS: &[Role] = &[Role::Admin, Role::Officer, Role::Approver];
/// Who proposes review decisions and records their handling.
pub const REVIEWERS: &[Role] = &[Role::Admin, Role::Officer];
/// Who approves or returns them (never their own proposals).
pub const APPROVERS: &[Role] = &[Role::Approver, Role::Admin];
/// Who enters registry records (an officer within their units).
pub const RECORD_WRITERS: &[Role] = &[Role::Admin, Role::Officer];
/// Who records inspections of the posting of procedures (an inspector within their units).
pub const INSPECTORS: &[Role] = &[Role::Inspector, Role::Admin];
/// Who reads the printable report of an inspection: its readers by office, and the unit's
/// officers, who sign it for the unit (each within their units).
pub const REPORT_READERS: &[Role] = &[Role::Inspector, Role::Admin, Role::Officer];

pub static ROUTES: &[RouteDef] = &[
    // Public reading.
    get("/", Public, |r| r.to(pages::public::index)).page(),
    get("/healthz", Public, |r| r.to(pages::observe::healthz)).data(),
    // Atom feeds, overall or per authority / unit.
    get("/feeds/{name}.atom", Public, |r| r.to(pages::feeds::feed)).data(),
    // Stable addresses (ELI): a document, its version on a date, its provisions.
    get("/eli/vn/{authority}/{type}/{year}/{number}", Public, |r| {
        r.to(pages::eli::resolve)
    })
    .page(),
    get(
        "/eli/vn/{authority}/{type}/{year}/{number}/{rest:.+}",
        Public,
        |r| r.to(pages::eli::resolve),
    )
    .page(),
    get("/readyz", Public, |r| r.to(pages::observe::readyz)).data(),
    get("/metrics", Monitor, |r| r.to(pages::observe::metrics)).data(),
    get("/documents", Public, |r| r.to(pages::public::documents)).page(),
    // A new document from its signed file (issue 16); before `/documents/{id}`.
    get("/documents/new", Roles(RECORD_WRITERS), |r| {
        r.to(pages::intake::new_form)
    })
    .page(),
    post("/documents/new", Roles(RECORD_WRITERS), |r| {
        r.to(pages::intake::upload)
    })
    .body(pages::intake::UPLOAD_LIMIT),
    post("/documents/new/confirm", Roles(RECORD_WRITERS), |r| {
        r.to(pages::intake::confirm)
    })
    .body(pages::intake::REVIEW_LIMIT),
    get("/documents/{id}", Public, |r| r.to(pages::public::document)).page(),
    // An effect of a document on another, entered by hand (issue 16); the acting document
    // in the writer's scope (the target is checked by the write).
    get(
        "/documents/{id}/tac-dong/moi",
        Scoped(RECORD_WRITERS, RecordOf::Document("id")),
        |r| r.to(pages::intake::effects::form),
    )
    .page(),
    post(
        "/documents/{id}/tac-dong/moi",
        Scoped(RECORD_WRITERS, RecordOf::Document("id")),
        |r| r.to(pages::intake::effects::submit),
    ),
    // ed: edit and correct, versions, withdrawal (declared before the provision addresses,
    // which would take these paths).
    get(
        "/documents/{id}/sua",
        Scoped(RECORD_WRITERS, RecordOf::Document("id")),
        |r| r.to(pages::editing::edit_form),
    )
    .page(),
    post(
        "/documents/{id}/sua",
        Scoped(RECORD_WRITERS, RecordOf::Document("id")),
        |r| r.to(pages::editing::edit),
    )
    .body(EDIT_LIMIT),
    get("/documents/{id}/phien-ban", Public, |r| {
        r.to(pages::editing::versions)
    })
    .page(),
    get("/documents/{id}/rut", Roles(ADMINS), |r| {
        r.to(pages::editing::withdraw_form)
    })
    .page(),
    post("/documents/{id}/rut", Roles(ADMINS), |r| {
        r.to(pages::editing::withdraw)
    }),
    // ed: an effect edited or withdrawn (the write path checks both of its documents' units).
    get("/effects/{id}/sua", Roles(RECORD_WRITERS), |r| {
        r.to(pages::editing::effects::edit_form)
    })
    .page(),
    post("/effects/{id}/sua", Roles(RECORD_WRITERS), |r| {
        r.to(pages::editing::effects::edit)
    }),
    post("/effects/{id}/rut", Roles(RECORD_WRITERS), |r| {
        r.to(pages::editing::effects::withdraw)
    }),
    // fl: a file attached to an existing document (the same path as the API's upload); before
    // the provision addresses. File addresses are `…/tep/{12 hex}/{name}`: `tep/moi` is none.
    get(
        "/documents/{id}/tep/moi",
        Scoped(RECORD_WRITERS, RecordOf::Document("id")),
        |r| r.to(pages::originals::attach_form),
    )
    .page(),
    post(
        "/documents/{id}/tep/moi",
        Scoped(RECORD_WRITERS, RecordOf::Document("id")),
        |r| r.to(pages::originals::attach),
    )
    .body(crate::app::originals::UPLOAD_BODY),
    get("/documents/{id}/{key:.+}", Public, |r| {
        r.to(pages::public::provision)
    })
    .page(),
    get("/authorities", Public, |r| r.to(pages::public::authorities)).page(),
    get("/authorities/{id}", Public, |r| {
        r.to(pages::public::authority)
    })
    .page(),
    get("/units", Public, |r| r.to(pages::units::units)).page(),
    // The unit lookup of the pickers and the home page (JSON); a user limited to some units
    // finds only theirs. Before `/units/{code}`.
    get("/units/tim.json", Public, |r| r.to(pages::units::lookup)).data(),
    get("/units/{code}", Public, |r| r.to(pages::units::unit)).page(),
    get("/thu-tuc-tai-xa", Public, |r| {
        r.to(pages::units::procedures_here)
    })
    .page(),
    get("/open-data/don-vi-hanh-chinh.jsonl", Public, |r| {
        r.to(pages::units::country_file)
    })
    .data(),
    get("/search", Public, |r| r.to(pages::search::page)).page(),
    get("/api/v1/search", Public, |r| r.to(api::search::api)).data(),
    get("/static/vanban.css", Public, |r| r.to(pages::stylesheet)).data(),
    get("/static/favicon.svg", Public, |r| r.to(pages::favicon)).data(),
    get("/static/vanban.js", Public, |r| r.to(pages::script)).data(),
    // Browsers ask for it on pages that name no icon (the printable sheets, the API page).
    get("/favicon.ico", Public, |r| r.to(pages::favicon)).data(),
    // The API's OpenAPI description, and the page that reads it to people.
    get("/api/v1/openapi.json", Public, |r| {
        r.to(api::openapi::openapi_json)
    })
    .data(),
    get("/api", Public, |r| r.to(pages::api_docs::page)).page(),
    get("/api/v1/documents", Public, |r| r.to(api::documents)).data(),
    get("/api/v1/documents/{id}", Public, |r| r.to(api::document)).data(),
    get("/api/v1/documents/{id}/status", Public, |r| {
        r.to(api::document_status)
    })
    .data(),
    get("/api/v1/audit/checkpoint", Public, |r| {
        r.to(api::audit_checkpoint)
    })
    .data(),
    // Procedures: the public listing — catalogue, one procedure with its versions, what a unit
    // posts (CSV, JSON, XLSX), the printable posting sheet, and the same as JSON.
    get("/procedures", Public, |r| {
        r.to(pages::procedures::catalogue)
    })
    .page(),
    // An announcing decision entered in the browser (issue 16, item 6): the form, its preview
    // (the file and the rows; nothing kept) and the save; the authority chosen in the form is
    // checked against the writer's units by `app::announce`. Before `/procedures/{code}`.
    get("/procedures/cong-bo", Public, |r| {
        r.to(pages::announce::decision)
    })
    .page(),
    get("/procedures/cong-bo/moi", Roles(RECORD_WRITERS), |r| {
        r.to(pages::announce::form)
    })
    .page(),
    post("/procedures/cong-bo/moi", Roles(RECORD_WRITERS), |r| {
        r.to(pages::announce::preview)
    })
    .body(pages::announce::UPLOAD_LIMIT),
    post("/procedures/cong-bo/moi/luu", Roles(RECORD_WRITERS), |r| {
        r.to(pages::announce::save)
    })
    .body(pages::announce::CONFIRM_LIMIT),
    get("/procedures/{code}", Public, |r| {
        r.to(pages::procedures::detail)
    })
    .page(),
    // pf: a procedure's forms (mẫu đơn, tờ khai) in the originals' store: the add page (the
    // attach page's reading and checks) and the public download.
    get(
        "/procedures/{code}/mau-don/moi",
        Scoped(RECORD_WRITERS, RecordOf::Procedure("code")),
        |r| r.to(pages::procedure_forms::new_form),
    )
    .page(),
    post(
        "/procedures/{code}/mau-don/moi",
        Scoped(RECORD_WRITERS, RecordOf::Procedure("code")),
        |r| r.to(pages::procedure_forms::add),
    )
    .body(crate::app::originals::UPLOAD_BODY),
    get("/procedures/{code}/mau-don/{id}", Public, |r| {
        r.to(pages::procedure_forms::download)
    })
    .data(),
    // pf: the withdrawal of a form entered in error (administrators), as an original's.
    get("/admin/procedure-forms/{id}/withdraw", Roles(ADMINS), |r| {
        r.to(pages::procedure_forms::withdraw_form)
    })
    .page(),
    post("/admin/procedure-forms/{id}/withdraw", Roles(ADMINS), |r| {
        r.to(pages::procedure_forms::withdraw)
    }),
    get("/units/{code}/procedures", Public, |r| {
        r.to(pages::procedures::unit_page)
    })
    .page(),
    get("/units/{code}/procedures/sheet", Public, |r| {
        r.to(pages::procedures::sheet)
    })
    .page(),
    get("/api/v1/procedures", Public, |r| {
        r.to(api::procedures::api_catalogue)
    })
    .data(),
    get("/api/v1/procedures/{code}", Public, |r| {
        r.to(api::procedures::api_detail)
    })
    .data(),
    get("/api/v1/units/{code}/procedures", Public, |r| {
        r.to(api::procedures::api_unit)
    })
    .data(),
    // Procedures: completeness of the postings at a unit (JSON or CSV of the gaps).
    get("/api/v1/units/{code}/completeness", Public, |r| {
        r.to(api::procedures::completeness)
    })
    .data(),
    // Procedures: the completeness page (public like its API), inspections and the reform
    // scorecard (signed-in users: inspection reports and review figures are internal).
    get("/units/{code}/completeness", Public, |r| {
        r.to(pages::completeness::page)
    })
    .page(),
    get("/units/{code}/inspections", AnyUser, |r| {
        r.to(pages::inspections::unit_page)
    })
    .page(),
    get(
        "/units/{code}/inspections/new",
        Scoped(INSPECTORS, RecordOf::Unit("code")),
        |r| r.to(pages::inspections::new_form),
    )
    .page(),
    get(
        "/units/{code}/inspections/{id}/bien-ban",
        Scoped(REPORT_READERS, RecordOf::Unit("code")),
        |r| r.to(pages::inspections::report),
    )
    .page(),
    post("/inspections", Roles(INSPECTORS), |r| {
        r.to(pages::inspections::create)
    }),
    get("/inspections/{id}", AnyUser, |r| {
        r.to(pages::inspections::page)
    })
    .page(),
    get("/units/{code}/scorecard", AnyUser, |r| {
        r.to(pages::scorecard::unit_page)
    })
    .page(),
    get("/scorecard", AnyUser, |r| {
        r.to(pages::scorecard::province_page)
    })
    .page(),
    post("/api/v1/inspections", Roles(INSPECTORS), |r| {
        r.to(api::inspections::create)
    })
    .body(JSON_LIMIT),
    get("/api/v1/inspections/{id}", AnyUser, |r| {
        r.to(api::inspections::get)
    })
    .data(),
    get("/api/v1/units/{code}/inspections", AnyUser, |r| {
        r.to(api::inspections::of_unit)
    })
    .data(),
    get("/api/v1/units/{code}/scorecard", AnyUser, |r| {
        r.to(api::scorecard::unit)
    })
    .data(),
    get("/api/v1/scorecard", AnyUser, |r| {
        r.to(api::scorecard::province)
    })
    .data(),
    // Registry records written through the API (all or nothing, within the writer's units).
    post("/api/v1/records", Roles(RECORD_WRITERS), |r| {
        r.to(api::records::write)
    })
    .body(api::records::RECORDS_LIMIT),
    // Review tracker: pages.
    get("/campaigns", AnyUser, |r| r.to(pages::review::list)).page(),
    post("/campaigns", Roles(CAMPAIGN_MANAGERS), |r| {
        r.to(pages::review::create)
    }),
    get("/campaigns/{id}", AnyUser, |r| r.to(pages::review::page)).page(),
    get("/campaigns/{id}/register.{format}", AnyUser, |r| {
        r.to(pages::review::register_file)
    })
    .data(),
    post("/campaigns/{id}/register", Roles(REVIEWERS), |r| {
        r.to(pages::register::upload)
    })
    .body(UPLOAD_LIMIT),
    post("/campaigns/{id}/start", Roles(CAMPAIGN_MANAGERS), |r| {
        r.to(pages::review::start)
    }),
    post("/campaigns/{id}/decisions", Roles(REVIEWERS), |r| {
        r.to(pages::review::propose)
    }),
    post(
        "/campaigns/{id}/assignments",
        Roles(CAMPAIGN_MANAGERS),
        |r| r.to(pages::review::assign),
    ),
    post("/decisions/{id}/approve", Roles(APPROVERS), |r| {
        r.to(pages::review::approve)
    }),
    post("/decisions/{id}/return", Roles(APPROVERS), |r| {
        r.to(pages::review::return_decision)
    }),
    post("/decisions/{id}/stages", Roles(REVIEWERS), |r| {
        r.to(pages::review::record_stage)
    }),
    post("/decisions/{id}/close", Roles(REVIEWERS), |r| {
        r.to(pages::review::close)
    }),
    // Review tracker: API.
    post("/api/v1/campaigns", Roles(CAMPAIGN_MANAGERS), |r| {
        r.to(api::review::create_campaign)
    }),
    get("/api/v1/campaigns/{id}", AnyUser, |r| {
        r.to(api::review::campaign)
    })
    .data(),
    post(
        "/api/v1/campaigns/{id}/start",
        Roles(CAMPAIGN_MANAGERS),
        |r| r.to(api::review::start_campaign),
    ),
    post(
        "/api/v1/campaigns/{id}/assignments",
        Roles(CAMPAIGN_MANAGERS),
        |r| r.to(api::review::assign),
    ),
    post("/api/v1/campaigns/{id}/register", Roles(REVIEWERS), |r| {
        r.to(api::register::import)
    })
    .body(crate::app::register::REGISTER_LIMIT),
    post("/api/v1/campaigns/{id}/decisions", Roles(REVIEWERS), |r| {
        r.to(api::review::propose)
    }),
    get("/api/v1/decisions/{id}", AnyUser, |r| {
        r.to(api::review::decision)
    })
    .data(),
    post("/api/v1/decisions/{id}/approve", Roles(APPROVERS), |r| {
        r.to(api::review::approve)
    }),
    post("/api/v1/decisions/{id}/return", Roles(APPROVERS), |r| {
        r.to(api::review::return_decision)
    }),
    post("/api/v1/decisions/{id}/stages", Roles(REVIEWERS), |r| {
        r.to(api::review::record_stage)
    }),
    post("/api/v1/decisions/{id}/close", Roles(REVIEWERS), |r| {
        r.to(api::review::close)
    }),
    get("/annual-lists/{year}", Public, |r| {
        r.to(pages::annual::page)
    })
    .page(),
    post("/annual-lists/{year}/publish", Roles(APPROVERS), |r| {
        r.to(pages::annual::publish)
    }),
    get("/api/v1/annual-lists/{year}", Public, |r| {
        r.to(api::annual::api)
    })
    .data(),
    // Signing in and out, my account, my API tokens.
    get("/login", Public, |r| r.to(pages::account::login_form)).page(),
    post("/login", Public, |r| r.to(pages::account::login)),
    post("/logout", AnyUser, |r| r.to(pages::account::logout)),
    get("/account", AnyUser, |r| r.to(pages::account::page)).page(),
    // «Việc của tôi»: what waits for the signed-in user.
    get("/viec-cua-toi", AnyUser, |r| r.to(pages::desk::page)).page(),
    post("/account/password", AnyUser, |r| {
        r.to(pages::account::change_password)
    }),
    post("/account/tokens", AnyUser, |r| {
        r.to(pages::account::create_token)
    }),
    post("/account/tokens/{id}/revoke", AnyUser, |r| {
        r.to(pages::account::revoke_token)
    }),
    get("/api/v1/me", AnyUser, |r| r.to(api::account::api_me)).data(),
    delete("/api/v1/me/tokens/{id}", AnyUser, |r| {
        r.to(api::account::api_revoke_token)
    }),
    // Accounts, roles and scopes.
    get("/admin/users", Roles(ADMINS), |r| r.to(pages::admin::users)).page(),
    post("/admin/users", Roles(ADMINS), |r| {
        r.to(pages::admin::create_user)
    }),
    get("/admin/users/{id}", Roles(ADMINS), |r| {
        r.to(pages::admin::user)
    })
    .page(),
    post("/admin/users/{id}", Roles(ADMINS), |r| {
        r.to(pages::admin::update_user)
    }),
    post("/admin/users/{id}/password", Roles(ADMINS), |r| {
        r.to(pages::admin::reset_password)
    }),
    post("/admin/users/{id}/disable", Roles(ADMINS), |r| {
        r.to(pages::admin::disable_user)
    }),
    post("/admin/users/{id}/enable", Roles(ADMINS), |r| {
        r.to(pages::admin::enable_user)
    }),
    // Procedures at the counter: the postings checklist of a unit (officers within their units).
    get(
        "/units/{code}/niem-yet",
        Scoped(RECORD_WRITERS, RecordOf::Unit("code")),
        |r| r.to(pages::counter::postings::page),
    )
    .page(),
    post(
        "/units/{code}/niem-yet",
        Scoped(RECORD_WRITERS, RecordOf::Unit("code")),
        |r| r.to(pages::counter::postings::save),
    ),
    // uc: the one-stop office and feedback address of a unit (officers within their units).
    get(
        "/units/{code}/lien-he",
        Scoped(RECORD_WRITERS, RecordOf::Unit("code")),
        |r| r.to(pages::contacts::page),
    )
    .page(),
    post(
        "/units/{code}/lien-he",
        Scoped(RECORD_WRITERS, RecordOf::Unit("code")),
        |r| r.to(pages::contacts::submit),
    ),
    // Procedures at the counter: monthly dossier counts, by form or CSV file.
    get(
        "/units/{code}/ho-so",
        Scoped(RECORD_WRITERS, RecordOf::Unit("code")),
        |r| r.to(pages::counter::counts::page),
    )
    .page(),
    post(
        "/units/{code}/ho-so",
        Scoped(RECORD_WRITERS, RecordOf::Unit("code")),
        |r| r.to(pages::counter::counts::save),
    ),
    post(
        "/units/{code}/ho-so/tep",
        Scoped(RECORD_WRITERS, RecordOf::Unit("code")),
        |r| r.to(pages::counter::counts::upload),
    )
    .body(crate::procedures::counter::counts_file::COUNTS_FILE_LIMIT + 64 * 1024),
    // ct: the counter as JSON, scoped like its pages (the same use cases and write path).
    get(
        "/api/v1/units/{code}/postings",
        Scoped(RECORD_WRITERS, RecordOf::Unit("code")),
        |r| r.to(api::counter::postings),
    )
    .data(),
    post(
        "/api/v1/units/{code}/postings",
        Scoped(RECORD_WRITERS, RecordOf::Unit("code")),
        |r| r.to(api::counter::record_postings),
    ),
    get(
        "/api/v1/units/{code}/dossier-counts",
        Scoped(RECORD_WRITERS, RecordOf::Unit("code")),
        |r| r.to(api::counter::dossier_counts),
    )
    .data(),
    post(
        "/api/v1/units/{code}/dossier-counts",
        Scoped(RECORD_WRITERS, RecordOf::Unit("code")),
        |r| r.to(api::counter::record_dossier_counts),
    ),
    // of: the originals of documents — the list and the upload (officers within the
    // document's units), the withdrawal of a file entered in error (administrators). The
    // download is under the ELI address (`…/{number}/tep/{prefix}/{name}`).
    get("/api/v1/documents/{id}/files", Public, |r| {
        r.to(api::originals::list)
    })
    .data(),
    post(
        "/api/v1/documents/{id}/files",
        Scoped(RECORD_WRITERS, RecordOf::Document("id")),
        |r| r.to(api::originals::upload),
    )
    .body(crate::app::originals::UPLOAD_BODY),
    post(
        "/api/v1/documents/{id}/files/{file}/withdraw",
        Roles(ADMINS),
        |r| r.to(api::originals::withdraw),
    ),
    get("/admin/files/{id}/withdraw", Roles(ADMINS), |r| {
        r.to(pages::originals::withdraw_form)
    })
    .page(),
    post("/admin/files/{id}/withdraw", Roles(ADMINS), |r| {
        r.to(pages::originals::withdraw)
    }),
];

/// Registers the handlers of `routes`, in order: each route is a resource of its own, with
/// its method guard and the route guard holding its own access rule, so the handler cannot
/// run unless the router matched this route and its rule allowed the request.
pub fn register(cfg: &mut web::ServiceConfig, routes: &'static [RouteDef]) {
    for r in routes {
        let mut resource = web::resource(r.path);
        // A form route taking more than the default form body reads it up to its own limit.
        if r.max_body > FORM_LIMIT {
            resource = resource.app_data(extract::form_config().limit(r.max_body));
        }
        cfg.service(
            resource
                .guard(r.method.guard())
                .wrap(actix_web::middleware::from_fn(
                    move |req, next: actix_web::middleware::Next<actix_web::body::BoxBody>| {
                        crate::routes::guard::route(r, req, next)
                    },
                ))
                .route((r.handler)(web::route())),
        );
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    register(cfg, ROUTES);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_declared_once() {
        let mut seen = std::collections::HashSet::new();
        for r in ROUTES {
            assert!(seen.insert((r.method, r.path)), "{r:?} twice");
            assert!(r.path.starts_with('/'), "{r:?}");
        }
    }

    /// Paths that never answer a page: the API, static files, feeds, health and metrics,
    /// files named by their extension, a procedure's form files.
    fn looks_like_data(path: &str) -> bool {
        const PREFIXES: &[&str] = &[
            "/api/v1/",
            "/static/",
            "/feeds/",
            "/open-data/",
            "/healthz",
            "/readyz",
            "/metrics",
            "/favicon.ico",
        ];
        // The last segment without its `{…}` parameters (`{key:.+}` is no extension).
        let last = path.rsplit('/').next().unwrap_or(path);
        let mut name = String::new();
        let mut depth = 0;
        for c in last.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ if depth == 0 => name.push(c),
                _ => {}
            }
        }
        // A procedure's form file, named by its id.
        let form_file = path.ends_with("/mau-don/{id}");
        PREFIXES.iter().any(|p| path.starts_with(p)) || name.contains('.') || form_file
    }

    #[test]
    fn declares_what_every_get_answers() {
        for r in ROUTES {
            match r.method {
                Verb::Get => {
                    assert!(
                        matches!(r.answers, Answers::Page | Answers::Data),
                        "{r:?}: say `.page()` or `.data()` after `get(…)` (and give a page an \
                         address in tests/browser/pages.json)"
                    );
                    assert_eq!(
                        r.answers == Answers::Data,
                        looks_like_data(r.path),
                        "{r:?} answers {:?}, which its path does not suggest",
                        r.answers
                    );
                }
                Verb::Post | Verb::Delete => assert_eq!(r.answers, Answers::Write, "{r:?}"),
            }
        }
    }

    #[test]
    fn the_data_rule_sorts_paths() {
        assert!(looks_like_data("/api/v1/documents/{id}"));
        assert!(looks_like_data("/campaigns/{id}/register.{format}"));
        assert!(looks_like_data("/feeds/{name}.atom"));
        assert!(!looks_like_data("/api"));
        assert!(!looks_like_data("/procedures/{code}"));
        assert!(looks_like_data("/procedures/{code}/mau-don/{id}"));
        assert!(!looks_like_data("/procedures/{code}/mau-don/moi"));
        assert!(!looks_like_data("/documents/{id}/{key:.+}"));
        assert!(!looks_like_data(
            "/eli/vn/{authority}/{type}/{year}/{number}"
        ));
    }
}
