//! Importing a review register into a campaign, as both the campaign page and the API do it:
//! the file read off the async workers, the import in one transaction, and the outcome each
//! side renders in its own way.

use actix_web::http::StatusCode;
use actix_web::web;

use crate::app::AppState;
use crate::auth::Actor;
use crate::error::AppError;
use crate::review::register::{self, FileError, ImportError, Importer, Report, RowError};
use crate::spreadsheet::bounds::Exceeded;

/// The largest register accepted.
pub const REGISTER_LIMIT: usize = 8 * 1024 * 1024;

/// How an import ended, as both the page and the API show it.
#[derive(Debug)]
pub enum Outcome {
    Done(Report),
    /// Rows in error, or a file that cannot be read: status, stable code, message, rows.
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
        rows: Vec<RowError>,
        /// The bound a file passed (`register_too_large`).
        bound: Option<Exceeded>,
    },
}

/// Reads and imports a register; the transaction is rolled back unless every row is right
/// (and always for a check).
pub async fn run(
    state: &AppState,
    actor: Actor,
    campaign: i64,
    bytes: Vec<u8>,
    dry_run: bool,
) -> Result<Outcome, AppError> {
    let pool = state.pool.clone();
    let result = web::block(move || -> Result<Result<Report, ImportError>, AppError> {
        let grids = match register::read_file(&bytes) {
            Ok(g) => g,
            Err(e) => return Ok(Err(ImportError::File(e))),
        };
        let mut conn = pool.get()?;
        let who = Importer {
            person: crate::app::reviewer(&mut conn.db(), &actor)?,
        };
        let now = crate::clock::now();
        Ok(conn.write(|db| register::import(db, &who, campaign, &grids, dry_run, now)))
    })
    .await??;
    let refused = |status, code, message: String, rows| {
        Ok(Outcome::Refused {
            status,
            code,
            message,
            rows,
            bound: None,
        })
    };
    match result {
        Ok(r) => {
            state.metrics.imported("register", r.changes.len());
            Ok(Outcome::Done(r))
        }
        Err(ImportError::DryRun(r)) => Ok(Outcome::Done(*r)),
        Err(ImportError::Rows(rows)) => refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_register_rows",
            format!(
                "Sổ theo dõi có {} lỗi; không có gì được ghi. Hãy sửa các dòng được nêu rồi gửi lại.",
                rows.len()
            ),
            rows,
        ),
        Err(ImportError::File(FileError::LegacyXls)) => refused(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_spreadsheet",
            format!("Không nhập được: {}.", FileError::LegacyXls),
            Vec::new(),
        ),
        Err(ImportError::File(FileError::TooLarge(e))) => Ok(Outcome::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "register_too_large",
            message: format!("Không nhập được: {e}. Hãy chia sổ theo dõi thành nhiều tệp nhỏ hơn."),
            rows: Vec::new(),
            bound: Some(e),
        }),
        Err(ImportError::File(e)) => refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable_register",
            format!("Không nhập được: {e}."),
            Vec::new(),
        ),
        Err(ImportError::NoCampaign(id)) => Err(AppError::NotFound(format!(
            "Không có đợt rà soát số {id}."
        ))),
        Err(e @ ImportError::NotStarted) => Err(AppError::Conflict(format!("Không nhập được: {e}."))),
        Err(ImportError::Db(e)) => Err(e.into()),
    }
}

/// Whether a flag given as text is set (`true`, `1`, `on`, `yes`).
pub fn flag(v: Option<&str>) -> Result<bool, AppError> {
    match v.map(str::trim) {
        None | Some("" | "false" | "0" | "off" | "no") => Ok(false),
        Some("true" | "1" | "on" | "yes") => Ok(true),
        Some(other) => Err(AppError::BadRequest(format!(
            "Tham số dry_run «{other}» không hợp lệ: dùng true hoặc false."
        ))),
    }
}
