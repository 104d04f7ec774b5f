//! The two API routes a token holder needs: who am I, and revoking one of my tokens.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::app::{account, AppState};
use crate::auth::{Actor, Via};
use crate::error::AppError;

/// `DELETE /api/v1/me/tokens/{id}`: revokes one of my tokens (for rotation scripts).
/// Revokes one of my API tokens.
#[utoipa::path(
    delete,
    path = "/api/v1/me/tokens/{id}",
    operation_id = "revoke_my_token",
    tag = "tai-khoan",
    summary = "Thu hồi một mã truy cập của tôi",
    params(("id" = i64, Path, description = "Số của mã truy cập")),
    responses(
        (status = 204, description = "Đã thu hồi"),
        (status = 404, description = "Không có mã truy cập này của tôi (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn api_revoke_token(
    state: web::Data<AppState>,
    me: Actor,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    account::revoke_my_token(&state, &me, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Me {
    username: String,
    display_name: String,
    role: &'static str,
    role_label: &'static str,
    /// Unit codes; empty: no limit.
    scope: Vec<String>,
    /// `session` or `token`.
    authenticated_by: &'static str,
}

/// `GET /api/v1/me`: who the credentials belong to.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    operation_id = "me",
    tag = "tai-khoan",
    summary = "Tài khoản của thông tin xác thực đang dùng",
    responses((status = 200, description = "Tài khoản, vai trò và phạm vi", body = Me)),
)]
pub async fn api_me(state: web::Data<AppState>, me: Actor) -> Result<HttpResponse, AppError> {
    let scope = account::my_scope(&state, &me).await?;
    Ok(HttpResponse::Ok().json(Me {
        username: me.username.clone(),
        display_name: me.display_name.clone(),
        role: me.role.as_str(),
        role_label: me.role.label(),
        scope,
        authenticated_by: match me.via {
            Via::Session { .. } => "session",
            Via::Token { .. } => "token",
        },
    }))
}
