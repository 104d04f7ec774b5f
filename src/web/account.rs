//! Signing in and out, and "my account": changing my password, my API tokens (the API routes
//! of the same account are in `api::account`).

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::{base_context, render_status, PageError};
use crate::app::{on_pool, with_write, AppState};
use crate::auth::password::{self, NewPassword, QueueError, Verified};
use crate::auth::session::{self, SameSite};
use crate::auth::users::{self, User, Username};
use crate::auth::{limits, tokens, Actor, MaybeActor, RequestInfo};
use crate::error::AppError;

const WRONG_LOGIN: &str = "Tên đăng nhập hoặc mật khẩu không đúng.";
const HTTPS_NEEDED: &str = "Chỉ đăng nhập được qua kết nối an toàn (HTTPS). Hãy mở trang bằng địa chỉ bắt đầu với https://.";

/// Times are stored in UTC and shown in Vietnam's time (UTC+7).
pub fn local_time(t: chrono::NaiveDateTime) -> String {
    crate::domain::text::to_vietnam(t)
        .format("%H:%M %d/%m/%Y")
        .to_string()
}

/// Where to go after signing in: a path on this site only (never `//other.host`).
pub fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if ok {
        next
    } else {
        "/"
    }
}

/// The answer to too many failed attempts (429): when to try again, in words.
fn throttled_message(secs: u64) -> String {
    let wait = if secs < 120 {
        format!("{secs} giây")
    } else {
        format!("{} phút", secs.div_ceil(60))
    };
    format!("Có quá nhiều lần nhập mật khẩu không thành công với tên đăng nhập này hoặc từ địa chỉ này. Vui lòng thử lại sau {wait}.")
}

/// The answer when the password check queue is full (503).
const BUSY: &str = "Hệ thống đang bận kiểm tra mật khẩu của nhiều lượt đăng nhập cùng lúc. Vui lòng thử lại sau ít giây.";

/// Seconds a client is asked to wait when the password check queue is full.
const BUSY_RETRY_SECS: u64 = 1;

/// Adds `Retry-After` (seconds) to an answer.
fn with_retry_after(
    res: Result<HttpResponse, PageError>,
    secs: u64,
) -> Result<HttpResponse, PageError> {
    let mut res = res?;
    res.headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
    Ok(res)
}

/// What a password check found.
enum Check {
    /// The right password of this enabled account, and a stronger hash to store if the stored
    /// one was made with weaker parameters.
    Right {
        user: Box<User>,
        rehash: Option<String>,
    },
    /// A wrong password, an unknown name or a disabled account (the same work for each).
    Wrong,
    /// Not checked: too many failures for this name or from this address (429); retry after
    /// this many seconds.
    Throttled(u64),
    /// Not checked: the password check queue is full (503).
    Busy,
}

/// Checks the password of the account `name` for a request from `ip`, under the limits of
/// `auth::limits` and through the bounded password check queue. An unknown or disabled name
/// takes the same path and the same time as a wrong password (a dummy hash is verified).
async fn check_password(
    state: &AppState,
    name: &str,
    ip: &str,
    password: String,
) -> Result<Check, AppError> {
    let policy = state.accounts.settings.throttle;
    let now = crate::clock::now();
    let gate = {
        let (name, ip) = (name.to_string(), ip.to_string());
        with_write(state, move |db| {
            Ok(limits::admit(db, &policy, &name, &ip, now)?)
        })
        .await?
    };
    let (at, failure_id) = match gate {
        limits::Attempt::Go { at, failure_id } => (at, failure_id),
        limits::Attempt::Later(wait) => return Ok(Check::Throttled(limits::retry_secs(wait))),
    };
    // Wait for this name's slot (other checks of the name were reserved before it).
    if let Ok(wait) = (at - crate::clock::now()).to_std() {
        if !wait.is_zero() {
            actix_web::rt::time::sleep(wait).await;
        }
    }
    let user = {
        let name = name.to_string();
        on_pool(state, move |db| Ok(users::find_by_username(db, &name)?)).await?
    };
    let stored = user
        .as_ref()
        .filter(|u| !u.disabled)
        .map(|u| u.password_hash.clone());
    let checked = state
        .accounts
        .queue
        .run(move || {
            let verified = match &stored {
                Some(h) => password::verify(&password, h),
                None => password::verify_dummy(&password),
            };
            let rehash = match verified {
                Verified::OkNeedsRehash => Some(password::rehash(&password)),
                _ => None,
            };
            (verified, rehash)
        })
        .await;
    let (verified, rehash) = match checked {
        Ok(v) => v,
        Err(QueueError::Full) => {
            // Not a guess: the address is not charged (the name's slot was used).
            with_write(state, move |db| Ok(limits::forgive(db, failure_id)?)).await?;
            return Ok(Check::Busy);
        }
        Err(QueueError::Failed(e)) => return Err(AppError::Internal(e)),
    };
    let rehash = rehash
        .transpose()
        .map_err(|e| AppError::internal("băm mật khẩu", e))?;
    let name = name.to_string();
    match (user, verified) {
        (Some(user), Verified::Ok | Verified::OkNeedsRehash) => {
            with_write(state, move |db| {
                limits::forgive(db, failure_id)?;
                Ok(limits::succeeded(db, &name)?)
            })
            .await?;
            Ok(Check::Right {
                user: Box::new(user),
                rehash,
            })
        }
        _ => {
            // The failure was recorded when the attempt was admitted.
            with_write(state, move |db| {
                Ok(limits::prune(db, &policy, crate::clock::now())?)
            })
            .await?;
            Ok(Check::Wrong)
        }
    }
}

fn login_page(
    status: StatusCode,
    csrf: &str,
    username: &str,
    next: &str,
    error: Option<&str>,
) -> Result<HttpResponse, PageError> {
    let mut ctx = base_context("login", "");
    ctx.insert("csrf", csrf);
    ctx.insert("username", username);
    ctx.insert("next", next);
    ctx.insert("error", &error);
    Ok(render_status(status, "login.html", &ctx)?)
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

fn valid_csrf(v: &str) -> bool {
    v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit())
}

pub async fn login_form(
    info: RequestInfo,
    q: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    if !info.transport.credentials_allowed() {
        return Err(AppError::Forbidden(HTTPS_NEEDED.into()).into());
    }
    // The pre-session CSRF token: kept if the browser has one, so a form open in two tabs works.
    let existing = info.login_csrf.filter(|t| valid_csrf(t));
    let token = existing
        .clone()
        .unwrap_or_else(crate::auth::csrf::new_token);
    let next = safe_next(q.next.as_deref().unwrap_or("/"));
    let mut res = login_page(StatusCode::OK, &token, "", next, None)?;
    if existing.is_none() {
        let c = session::set_cookie(
            info.transport.login_csrf_cookie(),
            &token,
            info.transport.secure(),
            SameSite::Strict,
            None,
        );
        if let Ok(v) = header::HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Signs in. A wrong password, an unknown name and a disabled account get the same answer,
/// after the same work (an unknown name is checked against a dummy hash).
pub async fn login(
    state: web::Data<AppState>,
    info: RequestInfo,
    me: MaybeActor,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    if !info.transport.credentials_allowed() {
        return Err(AppError::Forbidden(HTTPS_NEEDED.into()).into());
    }
    let f = form.into_inner();
    // The guard has checked the form's token against this cookie.
    let csrf = info.login_csrf.clone().unwrap_or_default();
    let next = safe_next(&f.next).to_string();
    let username = match Username::parse(&f.username) {
        Ok(u) => u,
        Err(e) => {
            return login_page(
                StatusCode::BAD_REQUEST,
                &csrf,
                "",
                &next,
                Some(&e.to_string()),
            )
        }
    };
    if f.password.chars().count() > password::MAX_CHARS {
        let msg = format!("Mật khẩu quá dài: tối đa {} ký tự.", password::MAX_CHARS);
        return login_page(
            StatusCode::BAD_REQUEST,
            &csrf,
            username.as_str(),
            &next,
            Some(&msg),
        );
    }

    let name = username.as_str().to_string();
    let (user, rehash) = match check_password(&state, &name, &info.client_ip, f.password).await? {
        Check::Right { user, rehash } => (user, rehash),
        refused => return refused_login(refused, &csrf, &name, &next),
    };
    // A temporary password set by an administrator: the change form first.
    let next = if user.must_change_password {
        crate::auth::PASSWORD_CHANGE_PAGE.to_string()
    } else {
        next
    };
    let old_session =
        me.0.as_ref()
            .and_then(|p| p.session_hash().map(String::from));
    let secret = start_session(&state, user, rehash, old_session).await?;
    let t = info.transport;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next))
        .append_header((
            header::SET_COOKIE,
            session::set_cookie(
                t.session_cookie(),
                &secret,
                t.secure(),
                SameSite::Lax,
                Some(session::ABSOLUTE.num_seconds()),
            ),
        ))
        .append_header((
            header::SET_COOKIE,
            session::clear_cookie(t.login_csrf_cookie(), t.secure()),
        ))
        .finish())
}

/// The login page again, after a password check that did not let the user in.
fn refused_login(
    check: Check,
    csrf: &str,
    name: &str,
    next: &str,
) -> Result<HttpResponse, PageError> {
    match check {
        Check::Right { .. } | Check::Wrong => login_page(
            StatusCode::UNAUTHORIZED,
            csrf,
            name,
            next,
            Some(WRONG_LOGIN),
        ),
        Check::Throttled(secs) => {
            let msg = throttled_message(secs);
            with_retry_after(
                login_page(StatusCode::TOO_MANY_REQUESTS, csrf, name, next, Some(&msg)),
                secs,
            )
        }
        Check::Busy => with_retry_after(
            login_page(
                StatusCode::SERVICE_UNAVAILABLE,
                csrf,
                name,
                next,
                Some(BUSY),
            ),
            BUSY_RETRY_SECS,
        ),
    }
}

/// Opens a new session for the user who signed in (storing a stronger hash if one was made,
/// ending the session the browser had) and returns its secret.
async fn start_session(
    state: &AppState,
    user: Box<User>,
    rehash: Option<String>,
    old_session: Option<String>,
) -> Result<String, AppError> {
    let policy = state.accounts.settings.throttle;
    with_write(state, move |db| {
        let now = crate::clock::now();
        if let Some(h) = &rehash {
            users::upgrade_hash(db, user.id, &user.username, h)?;
        }
        // A new id at every login: a session id planted before login is useless.
        if let Some(old) = &old_session {
            session::delete(db, old)?;
        }
        let (secret, _) = session::create(db, user.id, now)?;
        session::prune(db, now)?;
        limits::prune(db, &policy, now)?;
        Ok(secret)
    })
    .await
}

/// Ends the session at once: the cookie is worthless afterwards, even if replayed.
pub async fn logout(
    state: web::Data<AppState>,
    me: Actor,
    info: RequestInfo,
) -> Result<HttpResponse, PageError> {
    if let Some(h) = me.session_hash().map(String::from) {
        on_pool(&state, move |db| Ok(session::delete(db, &h)?)).await?;
    }
    let t = info.transport;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .append_header((
            header::SET_COOKIE,
            session::clear_cookie(t.session_cookie(), t.secure()),
        ))
        .finish())
}

#[derive(Debug, Serialize)]
struct TokenView {
    id: i64,
    name: String,
    prefix: String,
    created_at: String,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
    /// Why it was revoked, in words (none for tokens revoked before reasons were kept).
    revoked_reason: Option<&'static str>,
    expires_at: String,
    expired: bool,
}

impl TokenView {
    fn of(
        t: tokens::TokenRow,
        now: chrono::NaiveDateTime,
    ) -> Result<Self, crate::db::stored::Corrupt> {
        let revoked_reason = t
            .revoked_reason_stored(tokens::RevokeReason::parse)?
            .map(tokens::RevokeReason::label);
        Ok(TokenView {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: local_time(t.created_at),
            last_used_at: t.last_used_at.map(local_time),
            revoked_at: t.revoked_at.map(local_time),
            revoked_reason,
            expires_at: local_time(t.expires_at),
            expired: t.expires_at <= now,
        })
    }
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

fn account_notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "password" => Some("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc và mọi mã truy cập API của bạn đã bị thu hồi."),
        "revoked" => Some("Đã thu hồi mã truy cập."),
        _ => None,
    }
}

/// What the account page shows besides the account itself.
#[derive(Default)]
struct AccountExtras {
    notice: Option<&'static str>,
    error: Option<String>,
    /// A token just created: (name, token), shown this once.
    new_token: Option<(String, String)>,
    token_name: String,
}

async fn account_page(
    state: &AppState,
    me: &Actor,
    status: StatusCode,
    extras: AccountExtras,
) -> Result<HttpResponse, PageError> {
    let uid = me.user_id;
    let (account, tokens) = on_pool(state, move |db| {
        let u = users::find(db, uid)?
            .ok_or_else(|| AppError::NotFound("Không tìm thấy tài khoản.".into()))?;
        let now = crate::clock::now();
        let toks: Vec<TokenView> = tokens::list_for_user(db, uid)?
            .into_iter()
            .map(|t| TokenView::of(t, now))
            .collect::<Result<_, _>>()
            .map_err(crate::db::DbError::from)?;
        Ok((users::view(db, &u)?, toks))
    })
    .await?;
    let mut ctx = base_context("account", "");
    ctx.insert("account", &account);
    ctx.insert("must_change_password", &me.must_change_password);
    ctx.insert("tokens", &tokens);
    ctx.insert("notice", &extras.notice);
    ctx.insert("error", &extras.error);
    ctx.insert("token_name", &extras.token_name);
    ctx.insert("min_chars", &password::MIN_CHARS);
    ctx.insert("max_chars", &password::MAX_CHARS);
    ctx.insert(
        "token_lifetime_days",
        &state.accounts.settings.token_lifetime.num_days(),
    );
    if let Some((name, token)) = &extras.new_token {
        ctx.insert("new_token_name", name);
        ctx.insert("new_token", token);
    }
    Ok(render_status(status, "account.html", &ctx)?)
}

pub async fn page(
    state: web::Data<AppState>,
    me: Actor,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, PageError> {
    let extras = AccountExtras {
        notice: account_notice(q.done.as_deref()),
        ..AccountExtras::default()
    };
    account_page(&state, &me, StatusCode::OK, extras).await
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

/// Changes my password, given the current one; my other sessions end.
pub async fn change_password(
    state: web::Data<AppState>,
    me: Actor,
    info: RequestInfo,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, PageError> {
    let f = form.into_inner();
    let (st, me_ref): (&AppState, &Actor) = (&state, &me);
    let refuse = move |status: StatusCode, msg: String| {
        let extras = AccountExtras {
            error: Some(msg),
            ..AccountExtras::default()
        };
        account_page(st, me_ref, status, extras)
    };
    if f.new_password != f.confirm {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Mật khẩu mới và mật khẩu nhập lại không khớp.".into(),
        )
        .await;
    }
    let new = match NewPassword::parse(&f.new_password, &me.username) {
        Ok(p) => p,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e.to_string()).await,
    };
    if f.current.chars().count() > password::MAX_CHARS {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Mật khẩu hiện tại không đúng.".into(),
        )
        .await;
    }
    // Guessing the current password from a stolen session is limited like the login form.
    let busy = (
        StatusCode::SERVICE_UNAVAILABLE,
        BUSY.to_string(),
        Some(BUSY_RETRY_SECS),
    );
    let refusal = match check_password(&state, &me.username, &info.client_ip, f.current).await? {
        Check::Right { .. } => None,
        Check::Wrong => Some((
            StatusCode::BAD_REQUEST,
            "Mật khẩu hiện tại không đúng.".to_string(),
            None,
        )),
        Check::Throttled(secs) => Some((
            StatusCode::TOO_MANY_REQUESTS,
            throttled_message(secs),
            Some(secs),
        )),
        Check::Busy => Some(busy.clone()),
    };
    let hashed = match refusal {
        Some(r) => Err(r),
        None => match state.accounts.queue.run(move || password::hash(&new)).await {
            Ok(h) => Ok(h.map_err(|e| AppError::internal("băm mật khẩu", e))?),
            Err(QueueError::Full) => Err(busy),
            Err(QueueError::Failed(e)) => return Err(AppError::Internal(e).into()),
        },
    };
    let hash = match hashed {
        Ok(h) => h,
        Err((status, msg, None)) => return refuse(status, msg).await,
        Err((status, msg, Some(secs))) => return with_retry_after(refuse(status, msg).await, secs),
    };
    let (uid, actor, keep) = (me.user_id, me.actor(), me.session_hash().map(String::from));
    with_write(&state, move |db| {
        Ok(users::set_password(
            db,
            &actor,
            uid,
            &hash,
            keep.as_deref(),
            crate::clock::now(),
            users::PasswordBy::Holder,
        )?)
    })
    .await?;
    Ok(see_other("/account?done=password"))
}

pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_string()))
        .finish()
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    /// The current password: a stolen session alone cannot mint a lasting credential.
    #[serde(default)]
    password: String,
}

/// Creates a token for me, given my current password, and shows it once (the page is not
/// stored: `no-store`).
pub async fn create_token(
    state: web::Data<AppState>,
    me: Actor,
    info: RequestInfo,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, PageError> {
    let TokenForm {
        name: raw,
        password,
    } = form.into_inner();
    let typed: String = raw.chars().filter(|c| !c.is_control()).take(100).collect();
    let (st, me_ref): (&AppState, &Actor) = (&state, &me);
    let refuse = move |status: StatusCode, msg: String| {
        let extras = AccountExtras {
            error: Some(msg),
            token_name: typed.clone(),
            ..AccountExtras::default()
        };
        account_page(st, me_ref, status, extras)
    };
    let name = match tokens::parse_name(&raw) {
        Ok(n) => n,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e.to_string()).await,
    };
    if password.is_empty() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Hãy nhập mật khẩu hiện tại của bạn để tạo mã truy cập.".into(),
        )
        .await;
    }
    let wrong = "Mật khẩu hiện tại không đúng: chưa tạo mã truy cập.";
    if password.chars().count() > password::MAX_CHARS {
        return refuse(StatusCode::BAD_REQUEST, wrong.into()).await;
    }
    match check_password(&state, &me.username, &info.client_ip, password).await? {
        Check::Right { .. } => {}
        Check::Wrong => return refuse(StatusCode::BAD_REQUEST, wrong.into()).await,
        Check::Throttled(secs) => {
            return with_retry_after(
                refuse(StatusCode::TOO_MANY_REQUESTS, throttled_message(secs)).await,
                secs,
            )
        }
        Check::Busy => {
            return with_retry_after(
                refuse(StatusCode::SERVICE_UNAVAILABLE, BUSY.into()).await,
                BUSY_RETRY_SECS,
            )
        }
    }
    let (uid, actor, n) = (me.user_id, me.actor(), name.clone());
    let lifetime = state.accounts.settings.token_lifetime;
    let (_, token) = with_write(&state, move |db| {
        Ok(tokens::create_for(
            db,
            &actor,
            uid,
            &n,
            crate::clock::now(),
            lifetime,
        )?)
    })
    .await?;
    let extras = AccountExtras {
        new_token: Some((name, token)),
        ..AccountExtras::default()
    };
    account_page(&state, &me, StatusCode::OK, extras).await
}

pub async fn revoke_token(
    state: web::Data<AppState>,
    me: Actor,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    crate::app::account::revoke_my_token(&state, &me, id.into_inner()).await?;
    Ok(see_other("/account?done=revoked"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/admin/users?x=1"), "/admin/users?x=1");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "",
            "admin",
            "/a\nb",
            "/a\\b",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}
