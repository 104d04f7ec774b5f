//! Why a document has its status, in one Vietnamese sentence citing what caused it (the term,
//! the articles, the detailed document — with the law in force when it ended — or the document
//! or review decision that acted on it).

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
            "Văn bản được quy định chi tiết đã hết hiệu lực từ ngày {}, nên văn bản này hết hiệu lực theo (Điều 154 khoản 2).",
            date_vn(on)
        ),
        Cause::BasisCeased { on } => format!(
            "Văn bản được quy định chi tiết đã bị bãi bỏ hoặc hết thời hạn từ ngày {}, không có văn bản thay thế, nên văn bản này hết hiệu lực theo (Luật 64/2025, Điều 57).",
            date_vn(on)
        ),
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
