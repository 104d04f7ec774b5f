//! Administration of accounts (administrators only): list, create, change role and scope,
//! disable and enable. Every change is audited in its transaction.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::account::see_other;
use super::{base_context, render_status, PageError};
use crate::app::{on_pool, AppState};
use crate::auth::password::{self, NewPassword};
use crate::auth::users::{self, AccountError, NewAccount, Username};
use crate::auth::{Actor, Role};
use crate::error::AppError;
use crate::web::review::form::{fields, FromFields};

#[derive(Debug, Serialize)]
struct RoleOption {
    value: &'static str,
    label: &'static str,
}

fn role_options() -> Vec<RoleOption> {
    Role::ALL
        .into_iter()
        .map(|r| RoleOption {
            value: r.as_str(),
            label: r.label(),
        })
        .collect()
}

#[derive(Debug, Serialize)]
struct UnitOption {
    code: String,
    name: String,
    defunct: bool,
}

fn unit_options(db: &mut crate::db::Db<'_>) -> Result<Vec<UnitOption>, AppError> {
    let today = crate::clock::today();
    let mut v: Vec<UnitOption> = crate::db::queries::all_units(db)?
        .into_iter()
        .map(|u| UnitOption {
            defunct: u.valid_to.is_some_and(|t| t < today),
            code: u.code,
            name: u.name,
        })
        .collect();
    v.sort_by(|a, b| a.defunct.cmp(&b.defunct).then(a.code.cmp(&b.code)));
    Ok(v)
}

fn notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "created" => Some("Đã tạo tài khoản."),
        "updated" => Some("Đã lưu thay đổi."),
        "disabled" => Some("Đã khoá tài khoản; mọi phiên đăng nhập của tài khoản đã kết thúc và mọi mã truy cập API đã bị thu hồi."),
        "password" => Some("Đã đặt mật khẩu tạm thời. Mọi phiên đăng nhập của tài khoản đã kết thúc, mọi mã truy cập API đã bị thu hồi; người dùng phải đổi mật khẩu ở lần đăng nhập tới."),
        "enabled" => Some("Đã mở khoá tài khoản. Các mã truy cập API đã thu hồi không được khôi phục: người dùng đăng nhập lại và tạo mã mới."),
        _ => None,
    }
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

/// The create form as typed (the password is never shown again). The scope arrives as one
/// ticked box per unit (`scope=32200&scope=32201`) or as codes typed in one field (`32200,
/// 32201`, as scripts send it); both are kept as the codes joined by commas.
#[derive(Debug, Default, Serialize)]
pub struct NewUserForm {
    username: String,
    display_name: String,
    role: String,
    scope: String,
    #[serde(skip_serializing)]
    password: String,
}

/// Adds the codes of one `scope` field to those already read.
fn add_scope(scope: &mut String, value: &str) {
    for code in users::split_codes(value) {
        if !scope.is_empty() {
            scope.push_str(", ");
        }
        scope.push_str(&code);
    }
}

impl FromFields for NewUserForm {
    fn take(&mut self, key: &str, value: String) {
        match key {
            "username" => self.username = value,
            "display_name" => self.display_name = value,
            "role" => self.role = value,
            "scope" => add_scope(&mut self.scope, &value),
            "password" => self.password = value,
            _ => {}
        }
    }
}

impl<'de> Deserialize<'de> for NewUserForm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields(d)
    }
}

/// The field of the create form an account error belongs beside (`None`: above the form).
fn error_field(e: &AccountError) -> Option<&'static str> {
    match e {
        AccountError::InvalidUsername(_) | AccountError::Exists(_) => Some("username"),
        AccountError::InvalidDisplayName => Some("display_name"),
        AccountError::InvalidRole(_) => Some("role"),
        AccountError::UnknownUnit(_) => Some("scope"),
        AccountError::Password(_) => Some("password"),
        _ => None,
    }
}

/// The message of an account error on the admin forms (no role chosen is not "«» invalid").
fn error_message(e: &AccountError) -> String {
    match e {
        AccountError::InvalidRole(r) if r.trim().is_empty() => {
            "Chọn vai trò cho tài khoản: quản trị, cán bộ pháp chế, lãnh đạo phê duyệt hoặc kiểm tra.".into()
        }
        // A name far too long is not repeated back whole.
        AccountError::InvalidUsername(u) if u.chars().count() > 64 => format!(
            "Tên đăng nhập dài quá 64 ký tự (đang có {}): dùng 3–64 ký tự gồm chữ cái không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang.",
            u.chars().count()
        ),
        e => e.to_string(),
    }
}

/// A refusal of the create form: the message beside its field, or above the form.
struct FormError {
    field: Option<&'static str>,
    message: String,
}

impl From<&AccountError> for FormError {
    fn from(e: &AccountError) -> FormError {
        FormError {
            field: error_field(e),
            message: error_message(e),
        }
    }
}

async fn users_page(
    state: &AppState,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<FormError>,
    form: &NewUserForm,
) -> Result<HttpResponse, PageError> {
    let (accounts, units) = on_pool(state, |db| Ok((users::list(db)?, unit_options(db)?))).await?;
    let mut ctx = base_context("admin", "");
    ctx.insert("accounts", &accounts);
    ctx.insert("units", &units);
    ctx.insert("roles", &role_options());
    ctx.insert("notice", &notice);
    let (field, message) = match error {
        Some(FormError { field, message }) => (field, Some(message)),
        None => (None, None),
    };
    ctx.insert("error", &message);
    ctx.insert("error_field", &field.unwrap_or(""));
    ctx.insert("form", form);
    ctx.insert("min_chars", &password::MIN_CHARS);
    ctx.insert("max_chars", &password::MAX_CHARS);
    Ok(render_status(status, "admin_users.html", &ctx)?)
}

pub async fn users(
    state: web::Data<AppState>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, PageError> {
    users_page(
        &state,
        StatusCode::OK,
        notice(q.done.as_deref()),
        None,
        &NewUserForm::default(),
    )
    .await
}

fn checked_new_account(
    f: &NewUserForm,
) -> Result<(Username, String, Role, NewPassword), AccountError> {
    let username = Username::parse(&f.username)?;
    let display_name = if f.display_name.trim().is_empty() {
        username.as_str().to_string()
    } else {
        users::parse_display_name(&f.display_name)?
    };
    let role = users::parse_role(&f.role)?;
    let password = NewPassword::parse(&f.password, username.as_str())?;
    Ok((username, display_name, role, password))
}

pub async fn create_user(
    state: web::Data<AppState>,
    me: Actor,
    form: web::Form<NewUserForm>,
) -> Result<HttpResponse, PageError> {
    let mut f = form.into_inner();
    let (username, display_name, role, password) = match checked_new_account(&f) {
        Ok(v) => v,
        Err(e) => {
            f.username = f.username.chars().filter(|c| !c.is_control()).collect();
            return users_page(
                &state,
                StatusCode::BAD_REQUEST,
                None,
                Some(FormError::from(&e)),
                &f,
            )
            .await;
        }
    };
    let scope_codes = users::split_codes(&f.scope);
    let actor = me.actor();
    // Hashed on the password check queue, like every argon2 run of the web.
    let hash = match state
        .accounts
        .queue
        .run(move || password::hash(&password))
        .await
    {
        Ok(h) => h.map_err(|e| AppError::internal("băm mật khẩu", e))?,
        Err(password::QueueError::Full) => {
            let mut res = users_page(
                &state,
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                Some(FormError {
                    field: None,
                    message: "Hệ thống đang bận kiểm tra mật khẩu của nhiều lượt đăng nhập cùng lúc. Vui lòng thử lại sau ít giây; tài khoản chưa được tạo.".into(),
                }),
                &f,
            )
            .await?;
            res.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from(1u64),
            );
            return Ok(res);
        }
        Err(password::QueueError::Failed(e)) => return Err(AppError::Internal(e).into()),
    };
    let pool = state.pool.clone();
    let created = web::block(move || -> Result<i64, AccountError> {
        let account = NewAccount {
            username,
            display_name,
            role,
            scope_codes,
            password_hash: hash,
            // A temporary password: the user chooses their own at the first sign-in.
            must_change_password: true,
        };
        let mut conn = pool.get()?;
        conn.write(|db| users::create(db, &actor, &account, crate::clock::now()))
    })
    .await
    .map_err(AppError::from)?;
    match created {
        Ok(id) => Ok(see_other(&format!("/admin/users/{id}?done=created"))),
        Err(e) if e.is_user_error() => {
            users_page(
                &state,
                StatusCode::BAD_REQUEST,
                None,
                Some(FormError::from(&e)),
                &f,
            )
            .await
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}

async fn user_page(
    state: &AppState,
    me: &Actor,
    id: i64,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let shown = Shown {
        notice,
        error,
        ..Shown::default()
    };
    user_page_with(state, me, id, status, shown).await
}

/// What the account page shows besides the account: a notice, a refusal of the edit form
/// (above it, or beside a field with what was typed), a refusal of the password form.
#[derive(Default)]
struct Shown {
    notice: Option<&'static str>,
    error: Option<String>,
    password_error: Option<String>,
    refused: Option<EditRefused>,
}

/// The edit form sent again with its refusal: what was typed and the field the reason is
/// beside (`None`: above the form).
struct EditRefused {
    typed: EditUserForm,
    field: Option<&'static str>,
}

async fn user_page_with(
    state: &AppState,
    me: &Actor,
    id: i64,
    status: StatusCode,
    shown: Shown,
) -> Result<HttpResponse, PageError> {
    let Shown {
        notice,
        error,
        password_error,
        refused,
    } = shown;
    let (account, units) = on_pool(state, move |db| {
        let u = users::find(db, id)?
            .ok_or_else(|| AppError::NotFound(format!("Không có tài khoản mã số {id}.")))?;
        Ok((users::view(db, &u)?, unit_options(db)?))
    })
    .await?;
    let stored = EditUserForm {
        display_name: account.display_name.clone(),
        role: account.role.clone(),
        scope: account
            .scope
            .iter()
            .map(|s| s.code.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    };
    let (form, error_field) = match refused {
        Some(r) => (r.typed, r.field),
        None => (stored, None),
    };
    let mut ctx = base_context("admin", "");
    ctx.insert("account", &account);
    ctx.insert("form", &form);
    ctx.insert("error_field", &error_field.unwrap_or(""));
    ctx.insert("units", &units);
    ctx.insert("roles", &role_options());
    ctx.insert("notice", &notice);
    ctx.insert("error", &error);
    ctx.insert("is_me", &(id == me.user_id));
    ctx.insert("password_error", &password_error);
    ctx.insert("min_chars", &password::MIN_CHARS);
    ctx.insert("max_chars", &password::MAX_CHARS);
    Ok(render_status(status, "admin_user.html", &ctx)?)
}

pub async fn user(
    state: web::Data<AppState>,
    me: Actor,
    path: web::Path<i64>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    user_page(
        &state,
        &me,
        id,
        StatusCode::OK,
        notice(q.done.as_deref()),
        None,
    )
    .await
}

/// The edit form as typed (the scope as on the create form).
#[derive(Debug, Default, Clone, Serialize)]
pub struct EditUserForm {
    display_name: String,
    role: String,
    scope: String,
}

impl FromFields for EditUserForm {
    fn take(&mut self, key: &str, value: String) {
        match key {
            "display_name" => self.display_name = value,
            "role" => self.role = value,
            "scope" => add_scope(&mut self.scope, &value),
            _ => {}
        }
    }
}

impl<'de> Deserialize<'de> for EditUserForm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields(d)
    }
}

pub async fn update_user(
    state: web::Data<AppState>,
    me: Actor,
    path: web::Path<i64>,
    form: web::Form<EditUserForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let f = form.into_inner();
    // Refused: the form again as typed, the reason beside its field.
    let refuse = |e: &AccountError, typed: EditUserForm| {
        let field = match e {
            AccountError::Refused(_) => Some("role"),
            e => error_field(e),
        };
        let shown = Shown {
            error: Some(error_message(e)),
            refused: Some(EditRefused { typed, field }),
            ..Shown::default()
        };
        user_page_with(&state, &me, id, StatusCode::BAD_REQUEST, shown)
    };
    let checked = users::parse_display_name(&f.display_name).and_then(|name| {
        let role = users::parse_role(&f.role)?;
        // An administrator cannot lock themselves out of administration.
        if id == me.user_id && role != Role::Admin {
            return Err(AccountError::Refused(
                "Không thể tự bỏ vai trò quản trị của chính mình; hãy nhờ một quản trị viên khác."
                    .into(),
            ));
        }
        Ok((name, role))
    });
    let (name, role) = match checked {
        Ok(v) => v,
        Err(e) => return refuse(&e, f).await,
    };
    let codes = users::split_codes(&f.scope);
    let actor = me.actor();
    let pool = state.pool.clone();
    let typed = f.clone();
    let r = web::block(move || -> Result<(), AccountError> {
        let mut conn = pool.get()?;
        conn.write(|db| users::update(db, &actor, id, &name, role, &codes))
    })
    .await
    .map_err(AppError::from)?;
    match r {
        Ok(()) => Ok(see_other(&format!("/admin/users/{id}?done=updated"))),
        Err(AccountError::UnknownUser(_)) => {
            Err(AppError::NotFound(format!("Không có tài khoản mã số {id}.")).into())
        }
        Err(e) if e.is_user_error() => refuse(&e, typed).await,
        Err(e) => Err(AppError::from(e).into()),
    }
}

async fn set_disabled(
    state: web::Data<AppState>,
    me: Actor,
    path: web::Path<i64>,
    disabled: bool,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    if disabled && id == me.user_id {
        return user_page(
            &state,
            &me,
            id,
            StatusCode::BAD_REQUEST,
            None,
            Some("Không thể tự khoá tài khoản của chính mình.".into()),
        )
        .await;
    }
    let actor = me.actor();
    let pool = state.pool.clone();
    web::block(move || -> Result<(), AccountError> {
        let mut conn = pool.get()?;
        conn.write(|db| users::set_disabled(db, &actor, id, disabled))
    })
    .await
    .map_err(AppError::from)?
    .map_err(AppError::from)?;
    let done = if disabled { "disabled" } else { "enabled" };
    Ok(see_other(&format!("/admin/users/{id}?done={done}")))
}

/// Disables an account: its sessions end at once and its API tokens are revoked (enabling it
/// again revives neither).
pub async fn disable_user(
    state: web::Data<AppState>,
    me: Actor,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    set_disabled(state, me, path, true).await
}

pub async fn enable_user(
    state: web::Data<AppState>,
    me: Actor,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    set_disabled(state, me, path, false).await
}

#[derive(Debug, Deserialize)]
pub struct ResetPasswordForm {
    #[serde(default)]
    password: String,
}

/// Sets a temporary password for another account: its sessions end, its API tokens are
/// revoked, and the user must change it at the next sign-in (audited with that flag). An
/// administrator changes their own password on the account page.
pub async fn reset_password(
    state: web::Data<AppState>,
    me: Actor,
    path: web::Path<i64>,
    form: web::Form<ResetPasswordForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let refuse = |msg: String| {
        user_page_with(
            &state,
            &me,
            id,
            StatusCode::BAD_REQUEST,
            Shown {
                password_error: Some(msg),
                ..Shown::default()
            },
        )
    };
    if id == me.user_id {
        return refuse(
            "Mật khẩu của chính bạn được đổi ở trang Tài khoản (cần mật khẩu hiện tại).".into(),
        )
        .await;
    }
    let username = on_pool(&state, move |db| {
        Ok(users::find(db, id)?
            .ok_or_else(|| AppError::NotFound(format!("Không có tài khoản mã số {id}.")))?
            .username)
    })
    .await?;
    let pw = match NewPassword::parse(&form.password, &username) {
        Ok(p) => p,
        Err(e) => return refuse(e.to_string()).await,
    };
    let hash = match state.accounts.queue.run(move || password::hash(&pw)).await {
        Ok(h) => h.map_err(|e| AppError::internal("băm mật khẩu", e))?,
        Err(password::QueueError::Full) => {
            return refuse("Hệ thống đang bận kiểm tra mật khẩu của nhiều lượt đăng nhập cùng lúc. Vui lòng thử lại sau ít giây; mật khẩu chưa được đặt.".into()).await
        }
        Err(password::QueueError::Failed(e)) => return Err(AppError::Internal(e).into()),
    };
    let actor = me.actor();
    let pool = state.pool.clone();
    web::block(move || -> Result<(), AccountError> {
        let mut conn = pool.get()?;
        conn.write(|db| {
            users::set_password(
                db,
                &actor,
                id,
                &hash,
                None,
                crate::clock::now(),
                users::PasswordBy::Administrator,
            )
        })
    })
    .await
    .map_err(AppError::from)?
    .map_err(AppError::from)?;
    Ok(see_other(&format!("/admin/users/{id}?done=password")))
}
