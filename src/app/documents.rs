//! The public read model of documents: the filtered list, one document with the status of
//! each provision on a date, a provision on its own. Pages (`web::public`, `web::eli`) and the
//! JSON API (`api`) render the same values.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::answers::{number_lookup, NumberLookup};
use super::consolidated::{reading, Amending, ReadingView};
use super::view::{iso, DocLink, DocRow, EffectView, StatusView};
use super::{number_param, opt, parse_date};
use crate::db::models::StoredEffect;
use crate::db::stored::Corrupt;
use crate::db::{queries, Db};
use crate::domain::eli::Eli;
use crate::domain::pointintime::{Mark, PointInTime};
use crate::domain::related::{group_of, RelatedGroup, Relation, Side};
use crate::domain::status::{Cause, Evaluation, Status, StatusReport};
use crate::domain::structure::{display_reference, node_label, split_part, NodeKind};
use crate::domain::text::{date_vn, fold};
use crate::error::AppError;
use crate::registry::org::Org;
use crate::registry::reason::status_reason;
use crate::registry::status::{SharedGraph, StatusGraph};

pub const PER_PAGE: usize = 20;

#[derive(Debug, Default, Clone, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Từ khóa trong số ký hiệu hoặc trích yếu.
    #[serde(default)]
    pub q: Option<String>,
    /// Loại văn bản (`Nghị quyết`, `Quyết định`…).
    #[serde(default, rename = "type")]
    pub doc_type: Option<String>,
    /// Mã số cơ quan ban hành (kể cả văn bản của cơ quan tiền nhiệm).
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub authority: Option<String>,
    /// Năm ban hành.
    #[serde(default)]
    #[param(value_type = Option<i32>)]
    pub year: Option<String>,
    /// Mã tình trạng của văn bản tại ngày `date` (`chua-co-hieu-luc`, `con-hieu-luc`,
    /// `het-hieu-luc-mot-phan`, `het-hieu-luc-toan-bo`, `ngung-hieu-luc-mot-phan`,
    /// `ngung-hieu-luc-toan-bo`; `duoc-sua-doi-bo-sung` là tình trạng của quy định, không của văn bản).
    #[serde(default)]
    pub status: Option<String>,
    /// Ngày xét tình trạng, `yyyy-mm-dd` (mặc định: hôm nay).
    #[serde(default)]
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
    /// Số trang, từ 1.
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub page: Option<String>,
    /// Số dòng mỗi trang.
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub per_page: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentList {
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub per_page: usize,
    pub date: String,
    pub rows: Vec<DocRow>,
    /// `q` read as a document number: whether a document has it, and near numbers when none
    /// does (`null` when `q` is not a number), as in `/api/v1/search`.
    pub number: Option<NumberLookup>,
}

/// The filtered, paginated list; filters on status use the statuses on `date`.
pub fn document_list(
    db: &mut Db<'_>,
    q: &ListQuery,
    graphs: &SharedGraph,
) -> Result<DocumentList, AppError> {
    let date = parse_date(q.date.as_deref())?;
    let status = match opt(&q.status) {
        Some(s) => Some(
            Status::parse(s)
                .filter(|s| s.of_documents())
                .ok_or_else(|| AppError::BadRequest(format!("Tình trạng «{s}» không hợp lệ.")))?,
        ),
        None => None,
    };
    let year: Option<i32> = number_param("year", &q.year)?;
    let authority: Option<i64> = number_param("authority", &q.authority)?;
    let page: usize = number_param("page", &q.page)?.unwrap_or(1).max(1);
    let per_page: usize = number_param("per_page", &q.per_page)?
        .unwrap_or(PER_PAGE)
        .clamp(1, 200);
    let org = Org::load(db)?;
    if let Some(a) = authority {
        if !org.authorities.contains_key(&a) {
            return Err(AppError::BadRequest(format!(
                "Không có cơ quan ban hành mã số {a}."
            )));
        }
    }
    let filter = queries::DocumentFilter {
        doc_type: opt(&q.doc_type).map(String::from),
        authority_ids: authority.map(|a| org.authority_with_predecessors(a)),
        year,
        number_contains: None,
        include_withdrawn: false,
    };
    let mut docs = queries::document_summaries(db, &filter)?;
    let mut number = None;
    if let Some(text) = opt(&q.q) {
        // Whether the registry has the number at all, whatever the other filters: the same
        // lookup, and near numbers, as the search's.
        if let Some(typed) = crate::domain::number::TypedNumber::parse(text) {
            let every = queries::document_summaries(db, &queries::DocumentFilter::default())?;
            let known = every.iter().any(|d| {
                crate::domain::number::DocumentNumber::parse(&d.number)
                    .is_ok_and(|m| typed.finds(&m))
            });
            number = number_lookup(text, |_| known, || Ok::<_, AppError>(every))?;
        }
        // A number as people type it (`7/2020/nq-hdnd`, `07/NQ-HĐND`, `07/2020`) finds the
        // documents it names, by the same rule as the search index, not those citing it.
        let mut docs_named = false;
        if let Some(typed) = crate::domain::number::TypedNumber::parse(text) {
            let exact: Vec<_> = docs
                .iter()
                .filter(|d| {
                    crate::domain::number::DocumentNumber::parse(&d.number)
                        .is_ok_and(|m| typed.finds(&m))
                })
                .cloned()
                .collect();
            if !exact.is_empty() {
                docs = exact;
                docs_named = true;
            }
        }
        if !docs_named {
            let needle = fold(text).to_lowercase();
            let needle_compact: String = needle.chars().filter(|c| !c.is_whitespace()).collect();
            docs.retain(|d| {
                fold(&d.title).to_lowercase().contains(&needle)
                    || fold(&d.number).to_lowercase().contains(&needle_compact)
            });
        }
    }
    let statuses = graphs.statuses(db, date)?;
    let mut rows = Vec::new();
    for d in &docs {
        let s = statuses.get(&d.id).copied();
        if status.is_some() && s != status {
            continue;
        }
        rows.push((d, s));
    }
    let total = rows.len();
    let pages = total.div_ceil(per_page).max(1);
    let rows = rows
        .into_iter()
        // A page far past the end (any number the client sends) is empty, not an overflow.
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|(d, s)| DocRow::new(d, &org, s))
        .collect();
    Ok(DocumentList {
        total,
        page,
        pages,
        per_page,
        date: iso(date),
        rows,
        number,
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NodeView {
    pub kind: &'static str,
    pub key: String,
    pub anchor: String,
    pub label: String,
    pub heading: String,
    pub body: String,
    pub depth: usize,
    pub status: Option<StatusView>,
    /// For a provision in force with a new wording, or added: what amended it, and from when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amended_by: Option<AmendedBy>,
    /// The text in force on the date: present when the provision was changed (amended,
    /// added, ceased) by then, or had other wordings before; `body` is then the wording in
    /// force (for a `gap`: the old wording, which the amendment ended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<ReadingView>,
    pub url: String,
    /// The node's own status, also where it equals its parent's (not shown in the full text).
    #[serde(skip)]
    pub own_status: Option<Status>,
    /// Chapter and section keys around the node's article.
    #[serde(skip)]
    pub containers: Vec<String>,
}

/// The amendment behind a provision's "được sửa đổi, bổ sung".
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AmendedBy {
    pub document: DocLink,
    /// The provisions the amendment names, as readers write them.
    pub provisions: String,
    pub effective_on: String,
    pub effective_on_iso: String,
    /// Whether the amendment names this provision (or one containing it), not only a part.
    pub direct: bool,
}

/// The signature block as written (capacity lines, position in capitals, name), when the
/// capacity is recorded; empty otherwise (the page then shows position and name as before).
fn signature_block(doc: &crate::db::models::Document) -> Vec<String> {
    let lines = doc
        .signing_for
        .as_deref()
        .and_then(|s| crate::domain::signing::SigningFor::parse(s).ok().flatten());
    let mut out = match (&lines, doc.signing_capacity.as_deref()) {
        (Some(l), _) => l.lines(),
        (None, Some(code)) => match crate::domain::signing::SigningCapacity::parse(code) {
            Some(c) => vec![c.prefix().to_string()],
            None => Vec::new(),
        },
        (None, None) => Vec::new(),
    };
    if out.is_empty() {
        return out;
    }
    let position = doc.signer_position.trim();
    if !position.is_empty() {
        out.push(position.to_uppercase());
    }
    let signer = doc.signer.trim();
    if !signer.is_empty() {
        out.push(signer.to_string());
    }
    out
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    pub id: i64,
    pub number: String,
    pub doc_type: String,
    pub title: String,
    pub fields: Vec<String>,
    pub signer: String,
    pub signer_position: String,
    /// Nơi ban hành (địa danh), nếu đã ghi.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub place: Option<String>,
    /// Thẩm quyền ký của người ký: `tm`, `kt`, `q`, `tl`, `tuq`, nếu đã ghi.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub signing_capacity: Option<String>,
    /// Khối chữ ký như trên văn bản, từng dòng: các dòng thẩm quyền ký, chức vụ, họ tên
    /// (`TM. ỦY BAN NHÂN DÂN`, `KT. CHỦ TỊCH`, `PHÓ CHỦ TỊCH`, `Lê Văn Sử`); chỉ khi đã ghi
    /// thẩm quyền ký.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signature: Vec<String>,
    pub issued_on: String,
    pub effective_on: String,
    pub end_on: Option<String>,
    pub issued_on_iso: String,
    pub effective_on_iso: String,
    pub end_on_iso: Option<String>,
    /// The stable address of the document (`/eli/vn/…`).
    pub eli: String,
    pub gazette: Option<String>,
    pub authority_id: i64,
    pub authority_name: String,
    pub unit_code: Option<String>,
    /// How page links name the unit where its code was reused (`32152@2025-06-30`); absent
    /// where the code names it alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(ignore)]
    pub unit_ref: Option<String>,
    pub unit_name: Option<String>,
    pub authority_defunct: bool,
    /// A legal normative document (văn bản quy phạm pháp luật); `false`: an individual
    /// document (văn bản cá biệt), outside the status rules of legal normative documents.
    pub normative: bool,
    /// `Văn bản quy phạm pháp luật` or `Văn bản cá biệt, không phải văn bản quy phạm pháp luật`.
    pub normative_label: &'static str,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ArticlesSummary {
    pub total: usize,
    pub in_force: usize,
    pub ceased: usize,
    pub suspended: usize,
    pub not_yet: usize,
}

/// Một nhóm văn bản liên quan (một thẻ của «Văn bản liên quan»).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RelatedGroupView {
    /// Nhóm, nhìn từ văn bản này: `can-cu` (các văn bản là căn cứ ban hành của nó),
    /// `la-can-cu` (các văn bản căn cứ vào nó), `sua-doi-bo-sung` (nó sửa đổi, bổ sung các văn
    /// bản đó), `bi-sua-doi-bo-sung` (các văn bản đó sửa đổi, bổ sung nó), `thay-the`,
    /// `bi-thay-the`, `bai-bo`, `bi-bai-bo`, `huong-dan`, `duoc-huong-dan`, `dinh-chi`,
    /// `bi-dinh-chi`, `het-hieu-luc` (công bố hết hiệu lực theo kết quả rà soát)…
    #[schema(value_type = RelatedGroup, inline)]
    pub code: &'static str,
    pub label: &'static str,
    /// Số mục trong nhóm.
    pub count: usize,
    pub entries: Vec<RelatedEntry>,
}

/// Một văn bản liên quan, hoặc một lần công bố hết hiệu lực.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RelatedEntry {
    /// Văn bản kia; không có khi là công bố hết hiệu lực theo kết quả rà soát (`note` nêu rõ).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub document: Option<DocLink>,
    /// Loại văn bản (`Luật`, `Nghị quyết`…); rỗng khi là công bố hết hiệu lực.
    pub doc_type: String,
    /// Ngày ban hành, dd/mm/yyyy; rỗng khi là công bố hết hiệu lực.
    pub issued_on: String,
    /// Tình trạng hiệu lực của văn bản kia tại ngày xem.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub status: Option<StatusView>,
    /// Các quy định được nêu (`Khoản 2 Điều 5`); rỗng khi là toàn bộ văn bản.
    pub provisions: String,
    /// Ngày tác động có hiệu lực, dd/mm/yyyy (`effective_on_iso`: yyyy-mm-dd).
    pub effective_on: String,
    pub effective_on_iso: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentPage {
    pub doc: DocumentView,
    pub date: String,
    pub date_display: String,
    pub status: StatusView,
    pub status_reason: Option<String>,
    pub successor_authorities: Vec<serde_json::Value>,
    pub preamble: String,
    pub articles_summary: ArticlesSummary,
    pub nodes: Vec<NodeView>,
    /// Các tác động đến văn bản này (được dùng làm căn cứ không phải là bị tác động: xem
    /// `related`).
    pub effects_received: Vec<EffectView>,
    /// Các tác động của văn bản này đến văn bản khác (văn bản căn cứ của nó không nằm ở đây).
    pub effects_made: Vec<EffectView>,
    /// Văn bản liên quan theo nhóm, theo thứ tự các thẻ trên trang; chỉ các nhóm có ít nhất
    /// một mục.
    pub related: Vec<RelatedGroupView>,
    /// The document's status (for callers that need the value, not its view).
    #[serde(skip)]
    pub status_code: Status,
    /// The text in force on the date, with its footnotes (the consolidated text reads it).
    #[serde(skip)]
    pub text: PointInTime,
    /// The documents whose changes acted on this one by the date.
    #[serde(skip)]
    pub amending: Vec<Amending>,
}

fn link(
    db: &mut Db<'_>,
    org: &Org,
    cache: &mut HashMap<i64, DocLink>,
    id: i64,
) -> Result<DocLink, AppError> {
    if let Some(l) = cache.get(&id) {
        return Ok(l.clone());
    }
    let l = match queries::summaries_by_ids(db, &[id])?.into_iter().next() {
        Some(d) => {
            let code = org
                .authorities
                .get(&d.authority_id)
                .map(|a| a.code.as_str())
                .unwrap_or_default();
            DocLink {
                id,
                eli: Some(Eli::of(code, &d.doc_type, &d.number, d.issued_on).path()),
                number: d.number,
                title: d.title,
            }
        }
        None => DocLink {
            id,
            number: format!("#{id}"),
            title: String::new(),
            eli: None,
        },
    };
    cache.insert(id, l.clone());
    Ok(l)
}

pub fn anchor(key: &str) -> String {
    key.replace('/', "-")
}

/// One node of the text: kind, key, label, heading, body, key of the node containing it.
type NodeRow = (NodeKind, String, String, String, String, Option<String>);

/// The stored provisions in order, with the provisions added by amendments (whose text is not
/// entered) placed after the last part of the provision containing them; a new article last.
fn node_rows(
    provisions: &[crate::db::models::Provision],
    eval: &Evaluation,
) -> Result<Vec<NodeRow>, Corrupt> {
    let mut rows: Vec<NodeRow> = Vec::new();
    for p in provisions {
        let kind = p.kind_stored()?;
        let label = node_label(kind, &p.label);
        rows.push((
            kind,
            p.key.clone(),
            label,
            p.heading.clone(),
            p.body.clone(),
            p.parent_key.clone(),
        ));
    }
    for (key, _) in &eval.added {
        if rows.iter().any(|r| &r.1 == key) {
            continue;
        }
        let kind = key
            .rsplit('/')
            .next()
            .and_then(split_part)
            .map_or(NodeKind::Dieu, |(k, _)| k);
        let parent = key.rsplit_once('/').map(|(p, _)| p.to_string());
        let label = display_reference(key.rsplit('/').next().unwrap_or(key));
        let heading = "(quy định được bổ sung; nội dung chưa được nhập)".to_string();
        // After the last part of the provision containing it; a new article goes last.
        let at = parent.as_deref().and_then(|p| {
            let inside = format!("{p}/");
            rows.iter()
                .rposition(|r| r.1 == p || r.1.starts_with(&inside))
                .map(|i| i + 1)
        });
        let row = (kind, key.clone(), label, heading, String::new(), parent);
        rows.insert(at.unwrap_or(rows.len()), row);
    }
    Ok(rows)
}

/// The provisions of document `id` as the page shows them: each with its status on `date`
/// (shown where it differs from its container's, or the document's for a chapter; always for
/// an article), the provisions added by amendments after the others, and the articles counted
/// by status. `amended(cause)` names the amendment behind a "được sửa đổi, bổ sung".
fn provision_nodes(
    id: i64,
    provisions: &[crate::db::models::Provision],
    eval: &Evaluation,
    amended: &dyn Fn(&str, &StatusReport) -> Option<AmendedBy>,
) -> Result<(Vec<NodeView>, ArticlesSummary), Corrupt> {
    let mut nodes = Vec::new();
    let mut summary = ArticlesSummary {
        total: 0,
        in_force: 0,
        ceased: 0,
        suspended: 0,
        not_yet: 0,
    };
    let mut statuses: HashMap<String, Status> = HashMap::new();
    let mut chain: HashMap<String, Vec<String>> = HashMap::new();
    let rows = node_rows(provisions, eval)?;
    for (kind, key, label, heading, body, parent_key) in rows {
        let report = eval.provision(&key);
        let status = report.map(|r| r.status);
        if let Some(s) = status {
            statuses.insert(key.clone(), s);
        }
        let shown = match (kind, status) {
            (NodeKind::Dieu | NodeKind::PhuLuc, s) => s,
            (_, Some(s)) => {
                let parent = match parent_key.as_deref() {
                    Some(k) => statuses.get(k).copied(),
                    None => Some(eval.document.status),
                };
                (Some(s) != parent).then_some(s)
            }
            _ => None,
        };
        if kind == NodeKind::Dieu {
            summary.total += 1;
            match status {
                Some(Status::ChuaCoHieuLuc) => summary.not_yet += 1,
                Some(Status::HetHieuLucToanBo) => summary.ceased += 1,
                Some(Status::NgungHieuLucToanBo) => summary.suspended += 1,
                _ => summary.in_force += 1,
            }
        }
        let depth = key.matches('/').count()
            + match kind {
                NodeKind::Chuong | NodeKind::Muc => 0,
                _ => 1,
            };
        let containers = match parent_key.as_deref() {
            Some(p) => {
                let mut c = chain.get(p).cloned().unwrap_or_default();
                c.push(p.to_string());
                c
            }
            None => Vec::new(),
        };
        chain.insert(key.clone(), containers.clone());
        let amended_by = report
            .filter(|r| r.status == Status::DuocSuaDoiBoSung)
            .and_then(|r| amended(&key, r));
        nodes.push(NodeView {
            kind: kind.as_str(),
            anchor: anchor(&key),
            url: format!("/documents/{id}/{key}"),
            key,
            label,
            heading,
            body,
            depth,
            status: shown.map(StatusView::from),
            amended_by,
            reading: None,
            own_status: status,
            containers,
        });
    }

    Ok((nodes, summary))
}

/// The amendment behind a provision's "được sửa đổi, bổ sung" (its cause), with the link to
/// the amending document.
fn amended_by(
    graph: &StatusGraph,
    id: i64,
    links: &HashMap<i64, DocLink>,
    key: &str,
    r: &StatusReport,
) -> Option<AmendedBy> {
    let Some(Cause::Effect { index }) = r.cause else {
        return None;
    };
    let e = graph.cause_effect(id, index)?;
    Some(AmendedBy {
        document: links.get(&e.acting_id).cloned()?,
        provisions: e
            .provisions
            .iter()
            .map(|k| display_reference(k))
            .collect::<Vec<_>>()
            .join("; "),
        effective_on: date_vn(e.effective_on),
        effective_on_iso: iso(e.effective_on),
        direct: e
            .provisions
            .iter()
            .any(|p| p == key || key.starts_with(&format!("{p}/"))),
    })
}

/// The successors of a document's issuer that no longer exists on `date` (none while it does).
fn successors(org: &Org, authority: i64, date: NaiveDate) -> Vec<serde_json::Value> {
    if !org.authority_defunct(authority, date) {
        return Vec::new();
    }
    org.authority_successors(authority)
        .into_iter()
        .map(|a| serde_json::json!({"id": a, "name": org.authority_name(a)}))
        .collect()
}

/// The label of the `normative` attribute.
pub fn normative_label(normative: bool) -> &'static str {
    if normative {
        "Văn bản quy phạm pháp luật"
    } else {
        "Văn bản cá biệt, không phải văn bản quy phạm pháp luật"
    }
}

fn document_view(
    doc: crate::db::models::Document,
    org: &Org,
    date: NaiveDate,
) -> Result<DocumentView, AppError> {
    let authority = org.authorities.get(&doc.authority_id);
    let unit = authority
        .and_then(|a| a.unit_id)
        .and_then(|u| org.units.get(&u));
    let eli = Eli::of(
        authority.map(|a| a.code.as_str()).unwrap_or_default(),
        &doc.doc_type,
        &doc.number,
        doc.issued_on,
    )
    .path();
    let signature = signature_block(&doc);
    Ok(DocumentView {
        id: doc.id,
        fields: doc.fields_stored().map_err(crate::db::DbError::from)?,
        number: doc.number,
        doc_type: doc.doc_type,
        title: doc.title,
        signature,
        signer: doc.signer,
        signer_position: doc.signer_position,
        place: doc.place,
        signing_capacity: doc.signing_capacity,
        issued_on: date_vn(doc.issued_on),
        effective_on: date_vn(doc.effective_on),
        end_on: doc.end_on.map(date_vn),
        issued_on_iso: iso(doc.issued_on),
        effective_on_iso: iso(doc.effective_on),
        end_on_iso: doc.end_on.map(iso),
        eli,
        gazette: doc.gazette,
        authority_id: doc.authority_id,
        authority_name: authority.map(|a| a.name.clone()).unwrap_or_default(),
        unit_code: unit.map(|u| u.code.clone()),
        unit_ref: unit
            .map(|u| org.unit_reference(u))
            .filter(|r| Some(r) != unit.map(|u| &u.code)),
        unit_name: unit.map(|u| u.name.clone()),
        authority_defunct: org.authority_defunct(doc.authority_id, date),
        normative: doc.normative,
        normative_label: normative_label(doc.normative),
    })
}

/// The nodes with the text in force: each changed provision's wording and reading; a part of
/// a provision rewritten in whole is inside its new wording and no longer listed.
fn with_reading(nodes: Vec<NodeView>, text: &PointInTime) -> Vec<NodeView> {
    if text.items.is_empty() {
        return nodes;
    }
    let items: HashMap<&str, &crate::domain::pointintime::Item> =
        text.items.iter().map(|i| (i.key.as_str(), i)).collect();
    nodes
        .into_iter()
        .filter_map(|mut n| {
            let Some(item) = items.get(n.key.as_str()) else {
                // A part of a provision rewritten in whole goes; a provision added later than
                // the date stays, with its status (chưa có hiệu lực).
                let rewritten = text
                    .items
                    .iter()
                    .any(|i| i.mark == Mark::Amended && n.key.starts_with(&format!("{}/", i.key)));
                return (!rewritten).then_some(n);
            };
            n.body.clone_from(&item.body);
            if matches!(item.mark, Mark::Added | Mark::AddedGap) {
                n.heading.clone_from(&item.heading);
            }
            if item.mark != Mark::Original || !item.earlier.is_empty() {
                n.reading = Some(ReadingView::from(*item));
            }
            Some(n)
        })
        .collect()
}

/// Everything the document page shows, as of `date`.
pub fn document_page(db: &mut Db<'_>, id: i64, date: NaiveDate) -> Result<DocumentPage, AppError> {
    super::editing::refuse_withdrawn(db, id)?;
    let mut doc = queries::document(db, id)?
        .ok_or_else(|| AppError::NotFound(format!("Không có văn bản mã số {id}.")))?;
    let org = Org::load(db)?;
    let graph = StatusGraph::load_around(db, id)?;
    let (_, eval) = graph
        .evaluate(id, date)
        .ok_or_else(|| AppError::NotFound(format!("Không có văn bản mã số {id}.")))?;
    let report = eval.document.clone();
    let mut links = HashMap::new();
    let mut numbers = HashMap::new();
    for e in graph.effects_received(id) {
        let l = link(db, &org, &mut links, e.acting_id)?;
        numbers.insert(e.acting_id, l.number);
    }
    let reason = status_reason(&graph, id, report.cause, &|i| {
        numbers.get(&i).cloned().unwrap_or_default()
    });

    let provisions = queries::provisions_of(db, id)?;
    let amended = |key: &str, r: &StatusReport| amended_by(&graph, id, &links, key, r);
    let (nodes, summary) =
        provision_nodes(id, &provisions, &eval, &amended).map_err(crate::db::DbError::from)?;
    let (text, amending) = reading(db, &org, &graph, id, &provisions, date)?;
    let nodes = with_reading(nodes, &text);

    let mut received = Vec::new();
    // Review decisions declaring expiry are explained by the status line, not listed as
    // documents acting on this one; a citation as legal basis is no action (it is related).
    for e in graph
        .effects_received(id)
        .iter()
        .filter(|e| e.id > 0 && e.kind.acts_on())
    {
        let other = link(db, &org, &mut links, e.acting_id)?;
        received.push(EffectView::new(e, other, true));
    }
    let made_effects = queries::effects_by(db, id)?
        .into_iter()
        .map(|e| StoredEffect::try_from(e).map_err(crate::db::DbError::from))
        .collect::<Result<Vec<_>, _>>()?;
    let mut made = Vec::new();
    for e in made_effects.iter().filter(|e| e.kind.acts_on()) {
        let other = link(db, &org, &mut links, e.target_id)?;
        made.push(EffectView::new(e, other, false));
    }
    let related = related_groups(
        db,
        &org,
        id,
        date,
        graph.effects_received(id),
        &made_effects,
    )?;
    let preamble = std::mem::take(&mut doc.preamble);
    let successor_authorities = successors(&org, doc.authority_id, date);
    Ok(DocumentPage {
        doc: document_view(doc, &org, date)?,
        successor_authorities,
        date: iso(date),
        date_display: date_vn(date),
        status: report.status.into(),
        status_reason: reason,
        preamble,
        articles_summary: summary,
        nodes,
        effects_received: received,
        effects_made: made,
        related,
        status_code: report.status,
        text,
        amending,
    })
}

/// The related documents of document `id` by group (see `domain::related`): the effects it
/// received (`received`, declared expiries included) and made (`made`), each other document
/// with its type, issue date and status on `date`. Groups in tab order, entries by date.
fn related_groups(
    db: &mut Db<'_>,
    org: &Org,
    id: i64,
    date: NaiveDate,
    received: &[StoredEffect],
    made: &[StoredEffect],
) -> Result<Vec<RelatedGroupView>, AppError> {
    let relations: Vec<(RelatedGroup, Option<i64>, &StoredEffect)> = received
        .iter()
        .map(|e| {
            if e.id < 0 {
                (group_of(Relation::DeclaredExpiry, Side::Target), None, e)
            } else {
                let g = group_of(Relation::Effect(e.kind), Side::Target);
                (g, Some(e.acting_id), e)
            }
        })
        .chain(made.iter().map(|e| {
            (
                group_of(Relation::Effect(e.kind), Side::Acting),
                Some(e.target_id),
                e,
            )
        }))
        .filter(|(_, other, _)| *other != Some(id))
        .collect();
    if relations.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<i64> = relations.iter().filter_map(|r| r.1).collect();
    ids.sort_unstable();
    ids.dedup();
    let summaries: HashMap<i64, crate::db::models::DocumentSummary> =
        queries::summaries_by_ids(db, &ids)?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
    let graph = StatusGraph::load_around_all(db, &ids)?;
    let mut groups: Vec<RelatedGroupView> = Vec::new();
    for (group, other, e) in relations {
        let entry = match other {
            Some(o) => {
                // A document withdrawn since (or missing) is not related to anything.
                let Some(d) = summaries.get(&o) else { continue };
                let code = org
                    .authorities
                    .get(&d.authority_id)
                    .map(|a| a.code.as_str())
                    .unwrap_or_default();
                RelatedEntry {
                    document: Some(DocLink {
                        id: o,
                        number: d.number.clone(),
                        title: d.title.clone(),
                        eli: Some(Eli::of(code, &d.doc_type, &d.number, d.issued_on).path()),
                    }),
                    doc_type: d.doc_type.clone(),
                    issued_on: date_vn(d.issued_on),
                    status: graph
                        .evaluate(o, date)
                        .map(|(_, ev)| StatusView::from(ev.document.status)),
                    provisions: provisions_cited(&e.provisions),
                    effective_on: date_vn(e.effective_on),
                    effective_on_iso: iso(e.effective_on),
                    note: e.note.clone(),
                }
            }
            None => RelatedEntry {
                document: None,
                doc_type: String::new(),
                issued_on: String::new(),
                status: None,
                provisions: provisions_cited(&e.provisions),
                effective_on: date_vn(e.effective_on),
                effective_on_iso: iso(e.effective_on),
                note: e.note.clone(),
            },
        };
        match groups.iter_mut().find(|g| g.code == group.code()) {
            Some(g) => g.entries.push(entry),
            None => groups.push(RelatedGroupView {
                code: group.code(),
                label: group.label(),
                count: 0,
                entries: vec![entry],
            }),
        }
    }
    groups.sort_by_key(|g| RelatedGroup::parse(g.code).map_or(usize::MAX, RelatedGroup::position));
    for g in &mut groups {
        g.entries
            .sort_by(|a, b| a.effective_on_iso.cmp(&b.effective_on_iso));
        g.count = g.entries.len();
    }
    Ok(groups)
}

/// Provision keys as readers cite them, `; ` between them (empty: the whole document).
fn provisions_cited(keys: &[String]) -> String {
    keys.iter()
        .map(|k| display_reference(k))
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateQuery {
    /// Ngày, `yyyy-mm-dd` (mặc định: hôm nay).
    #[serde(default)]
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ProvisionPage {
    pub doc: DocumentView,
    pub date: String,
    pub date_display: String,
    pub node: NodeView,
    pub children: Vec<NodeView>,
    pub status: StatusView,
    pub effects: Vec<EffectView>,
    pub document_url: String,
}

pub fn provision_page(
    db: &mut Db<'_>,
    id: i64,
    key: &str,
    date: NaiveDate,
) -> Result<ProvisionPage, AppError> {
    let page = document_page(db, id, date)?;
    let missing = || {
        AppError::NotFound(format!(
            "Văn bản {} không có quy định «{key}».",
            page.doc.number
        ))
    };
    let pos = page
        .nodes
        .iter()
        .position(|n| n.key == key)
        .ok_or_else(missing)?;
    let mut nodes = page.nodes;
    let prefix = format!("{key}/");
    let children: Vec<NodeView> = nodes
        .drain(pos + 1..)
        .filter(|n| n.key.starts_with(&prefix))
        .collect();
    let node = nodes.swap_remove(pos);
    let status = node.own_status.unwrap_or(page.status_code);
    let containers = node.containers.clone();
    let effects = page
        .effects_received
        .into_iter()
        .filter(|e| {
            e.provision_keys.is_empty()
                || e.provision_keys.iter().any(|k| {
                    k == key
                        || key.starts_with(&format!("{k}/"))
                        || k.starts_with(&prefix)
                        || containers.contains(k)
                })
        })
        .collect();
    Ok(ProvisionPage {
        document_url: format!("/documents/{id}"),
        doc: page.doc,
        date: page.date,
        date_display: page.date_display,
        node,
        children,
        status: status.into(),
        effects,
    })
}

/// The ELI of a document by id (`None` when it no longer exists).
pub fn eli_of_document(db: &mut Db<'_>, org: &Org, id: i64) -> Result<Option<Eli>, AppError> {
    let Some(d) = queries::summaries_by_ids(db, &[id])?.into_iter().next() else {
        return Ok(None);
    };
    let code = org
        .authorities
        .get(&d.authority_id)
        .map(|a| a.code.clone())
        .unwrap_or_default();
    Ok(Some(Eli::of(&code, &d.doc_type, &d.number, d.issued_on)))
}
