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
            "Văn bản được quy định chi tiết đã hết hiệu lực từ ngày {}, nên văn bản này hết hiệu lực theo (Điều 154 khoản 2){}.",
            date_vn(on),
            kept(graph, id, on, numbers)
        ),
        Cause::BasisCeased { on } => format!(
            "Văn bản được quy định chi tiết đã bị bãi bỏ hoặc hết thời hạn từ ngày {}, không có văn bản thay thế, nên văn bản này hết hiệu lực theo (Luật 64/2025, Điều 57).",
            date_vn(on)
        ),
        Cause::ClassEnded { rule, on } => {
            let r = graph.class_rule(rule)?;
            format!(
                "Hết hiệu lực từ ngày {} theo {} của {}.",
                date_vn(on),
                lower_first(&display_reference(&r.provision)),
                r.basis_number
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
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if !s.starts_with("Điều") && !s.starts_with("Chương") => {
            f.to_lowercase().chain(c).collect()
        }
        _ => s.to_string(),
    }
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
