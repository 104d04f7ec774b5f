//! Why a document has its status, in one Vietnamese sentence citing what caused it (the term,
//! the articles, the detailed document — with the law in force when it ended — or the document
//! or review decision that acted on it).

use crate::domain::kinds::EffectKind;
use crate::domain::status::{law_2025, Cause};
use crate::domain::structure::display_reference;
use crate::domain::text::date_vn;
use crate::registry::status::StatusGraph;

/// A sentence saying why the document has its status.
pub fn status_reason(
    graph: &StatusGraph,
    id: i64,
    cause: Option<Cause>,
    numbers: &dyn Fn(i64) -> String,
) -> Option<String> {
    Some(match cause? {
        Cause::NotYetEffective { on } => format!("Có hiệu lực từ ngày {}.", date_vn(on)),
        Cause::TermEnded { last_day } => format!("Hết thời hạn có hiệu lực vào cuối ngày {}.", date_vn(last_day)),
        Cause::AllArticlesCeased { on } => format!("Tất cả các điều đã hết hiệu lực (từ ngày {}).", date_vn(on)),
        Cause::BasisCeased { on } if on < law_2025() => format!(
            "Văn bản được quy định chi tiết đã hết hiệu lực từ ngày {}, nên văn bản này hết hiệu lực theo {}{}.",
            date_vn(on),
            law_on_documents(Some("dieu-154/khoan-2"), 2015),
            kept(graph, id, on, numbers)
        ),
        Cause::BasisCeased { on } => format!(
            "Văn bản được quy định chi tiết đã bị bãi bỏ hoặc hết thời hạn từ ngày {}, không có văn bản thay thế, nên văn bản này hết hiệu lực theo {}.",
            date_vn(on),
            law_on_documents(Some("dieu-57"), 2025)
        ),
        Cause::ClassEnded { rule, on } => {
            let r = graph.class_rule(rule)?;
            format!(
                "Hết hiệu lực từ ngày {} theo {}.",
                date_vn(on),
                crate::domain::citation::cite(
                    Some(&r.provision),
                    crate::domain::citation::Cited {
                        kind: "",
                        number: &r.basis_number,
                        title: "",
                    }
                )
            )
        }
        Cause::Effect { index } => {
            let e = graph.cause_effect(id, index)?;
            if e.id < 0 {
                // A review decision declaring it expired.
                return Some(format!(
                    "Được công bố hết hiệu lực theo kết quả rà soát (quyết định rà soát số {}) từ ngày {}.",
                    -e.id,
                    date_vn(e.effective_on)
                ));
            }
            let kind = e.kind;
            let keys = &e.provisions;
            let what = if keys.is_empty() {
                "toàn bộ".to_string()
            } else {
                keys.iter().map(|k| display_reference(k)).collect::<Vec<_>>().join(", ")
            };
            let until = e.until_on.map(|u| format!(" đến hết ngày {}", date_vn(u))).unwrap_or_default();
            format!(
                "{} ({what}) bởi {} từ ngày {}{until}.",
                kind.passive_label().trim_end_matches(" bởi"),
                numbers(e.acting_id),
                date_vn(e.effective_on)
            )
        }
    })
}

/// "Khoản 3 Điều 72" inside a sentence: "khoản 3 Điều 72".
/// A provision of the Law on Promulgation of Legal Documents of 2015 (80/2015/QH13) or of
/// 2025 (64/2025/QH15), cited the Vietnamese way; the year tells the two same-named laws apart.
fn law_on_documents(key: Option<&str>, year: i32) -> String {
    let (number, title) = if year < 2025 {
        (
            "80/2015/QH13",
            "Ban hành văn bản quy phạm pháp luật năm 2015",
        )
    } else {
        (
            "64/2025/QH15",
            "Ban hành văn bản quy phạm pháp luật năm 2025",
        )
    };
    crate::domain::citation::cite(
        key,
        crate::domain::citation::Cited {
            kind: "Luật",
            number,
            title,
        },
    )
}

/// ", trừ Điều 3 được giữ lại bởi …" where a new document kept provisions of a detailing
/// document whose base ended on `on` (Luật 80/2015, Điều 154 khoản 2).
fn kept(
    graph: &StatusGraph,
    id: i64,
    on: chrono::NaiveDate,
    numbers: &dyn Fn(i64) -> String,
) -> String {
    let keeps: Vec<String> = graph
        .effects_received(id)
        .iter()
        .filter(|e| e.kind == EffectKind::Keep && e.effective_on <= on && !e.provisions.is_empty())
        .map(|e| {
            let what: Vec<String> = e.provisions.iter().map(|k| display_reference(k)).collect();
            format!(
                "{} được giữ lại bởi {}",
                what.join(", "),
                numbers(e.acting_id)
            )
        })
        .collect();
    if keeps.is_empty() {
        String::new()
    } else {
        format!(", trừ {}", keeps.join("; "))
    }
}
