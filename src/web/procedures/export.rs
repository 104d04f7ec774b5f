//! A unit's listing as a file: CSV (with a byte order mark, for spreadsheets), XLSX and JSON.

use actix_web::HttpResponse;

use crate::app::procedures::{Label, ListingPage, Row, UnitData, UnitListingJson};
use crate::error::AppError;

pub const EXPORT_HEADER: [&str; 16] = [
    "STT",
    "Mã thủ tục",
    "Tên thủ tục",
    "Lĩnh vực",
    "Cấp thực hiện",
    "Cơ quan thực hiện",
    "Cách thức thực hiện",
    "Thời hạn theo quy định (ngày làm việc)",
    "Thời hạn cam kết (ngày làm việc)",
    "Phí, lệ phí",
    "Mức độ trực tuyến",
    "Quyết định công bố",
    "Căn cứ pháp lý còn hiệu lực",
    "Niêm yết từ ngày",
    "Nơi niêm yết",
    "Ghi chú",
];

fn export_rows(rows: &[Row]) -> Vec<Vec<String>> {
    let join = |v: &[Label]| {
        v.iter()
            .map(|l| l.label.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let mut notes = r.basis_not_in_force.clone();
            notes.extend(r.newer_version.clone());
            vec![
                (i + 1).to_string(),
                r.code.clone(),
                r.name.clone(),
                r.field.clone(),
                join(&r.levels),
                r.agency.clone(),
                join(&r.channels),
                r.statutory_days.to_string(),
                r.local_days.to_string(),
                r.fees.clone(),
                r.online_level.label.clone(),
                format!("{} ngày {}", r.decision.number, r.decision.date_display),
                if r.basis_in_force { "Có" } else { "Không" }.to_string(),
                r.posted_from.clone().unwrap_or_default(),
                join(&r.points),
                notes.join("; "),
            ]
        })
        .collect()
}

fn csv_of(rows: &[Row]) -> Result<Vec<u8>, AppError> {
    // A byte order mark, so that spreadsheets read the diacritics.
    let mut w = crate::spreadsheet::cells::CsvWriter::new(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| AppError::internal("ghi CSV", e);
    w.write_record(EXPORT_HEADER).map_err(fail)?;
    for row in export_rows(rows) {
        w.write_record(&row).map_err(fail)?;
    }
    w.into_inner().map_err(fail)
}

fn attachment(content_type: &str, name: String, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

/// The listing as the file `format` names (`csv`, `xlsx`, `json`); `None` for the page.
pub fn file(format: &str, data: &UnitData) -> Result<Option<HttpResponse>, AppError> {
    let file = format!(
        "thu-tuc-hanh-chinh-{}-{}",
        data.listing.unit.code, data.listing.date
    );
    let response = match format {
        "csv" => attachment(
            "text/csv; charset=utf-8",
            format!("{file}.csv"),
            csv_of(&data.all)?,
        ),
        "xlsx" => {
            let body = crate::web::xlsx::workbook(&[crate::web::xlsx::Sheet {
                name: "Thủ tục hành chính",
                header: &EXPORT_HEADER,
                rows: export_rows(&data.all),
            }])?;
            attachment(crate::web::xlsx::CONTENT_TYPE, format!("{file}.xlsx"), body)
        }
        "json" => {
            let all = ListingPage {
                date: data.listing.date,
                total: data.all.len(),
                page: 1,
                per_page: data.all.len().max(1),
                pages: 1,
                items: data.all.clone(),
            };
            let body = serde_json::to_vec(&UnitListingJson {
                unit: &data.listing.unit,
                page: &all,
            })
            .map_err(|e| AppError::internal("chuyển đổi JSON", e))?;
            attachment("application/json", format!("{file}.json"), body)
        }
        _ => return Ok(None),
    };
    Ok(Some(response))
}
