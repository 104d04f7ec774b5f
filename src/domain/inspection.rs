//! Inspections of the posting of procedures (kiểm tra việc niêm yết, công khai thủ tục hành
//! chính): the findings an inspector may record per procedure, which findings a procedure
//! accepts at a unit, and how a finding compares with the system's own check on the same day.
//! Pure; `crate::procedures::inspections` stores and loads.

use serde::Serialize;

use super::listing::GapKind;
use super::scorecard::Ratio;

/// What an inspector found for one procedure: posted correctly, or one of the gaps of the
/// completeness check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum FindingCode {
    Ok,
    Gap(GapKind),
}

impl FindingCode {
    /// Every code, in the order a form offers them.
    pub fn all() -> Vec<FindingCode> {
        std::iter::once(FindingCode::Ok)
            .chain(GapKind::ALL.iter().copied().map(FindingCode::Gap))
            .collect()
    }

    pub fn parse(code: &str) -> Option<FindingCode> {
        match code.trim() {
            "ok" => Some(FindingCode::Ok),
            other => GapKind::parse(other).map(FindingCode::Gap),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            FindingCode::Ok => "ok",
            FindingCode::Gap(g) => g.code(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FindingCode::Ok => "Niêm yết đầy đủ, đúng quy định",
            FindingCode::Gap(g) => g.label(),
        }
    }

    /// The codes as a reader types them, for messages.
    pub fn list() -> String {
        FindingCode::all()
            .iter()
            .map(|f| f.code())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// In the API description: one of the codes, each with its Vietnamese label.
impl utoipa::PartialSchema for FindingCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let all = FindingCode::all();
        let described: Vec<String> = all
            .iter()
            .map(|f| format!("`{}`: {}.", f.code(), f.label()))
            .collect();
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(all.iter().map(|f| f.code())))
            .description(Some(described.join(" ")))
            .into()
    }
}

impl utoipa::ToSchema for FindingCode {}

/// Why a finding cannot be recorded for a procedure at a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingRefusal {
    /// The procedure is not in the unit's required set: only "posted though no longer
    /// applicable" can be said of it.
    NotRequiredHere,
    /// The procedure is required at the unit: it cannot be "no longer applicable".
    RequiredHere,
}

/// Whether `finding` may be recorded for a procedure that is (or is not) required at the unit
/// on the inspection day.
pub fn finding_allowed(finding: FindingCode, required: bool) -> Result<(), FindingRefusal> {
    match (required, finding) {
        (false, FindingCode::Gap(GapKind::NotRequired)) => Ok(()),
        (false, _) => Err(FindingRefusal::NotRequiredHere),
        (true, FindingCode::Gap(GapKind::NotRequired)) => Err(FindingRefusal::RequiredHere),
        (true, _) => Ok(()),
    }
}

/// What the system's check says of a procedure at the unit on the inspection day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SystemView {
    /// Required; its gaps (none: posted correctly, or still within the deadline).
    Required { gaps: Vec<GapKind>, pending: bool },
    /// Not required, but a posting of it is up.
    PostedNotRequired,
    /// Not required and not posted.
    Absent,
}

impl SystemView {
    /// The system's finding in the inspector's terms (the first gap when there are several).
    pub fn finding(&self) -> Option<FindingCode> {
        match self {
            SystemView::Required { gaps, .. } => Some(
                gaps.first()
                    .copied()
                    .map_or(FindingCode::Ok, FindingCode::Gap),
            ),
            SystemView::PostedNotRequired => Some(FindingCode::Gap(GapKind::NotRequired)),
            SystemView::Absent => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Agreement {
    /// The inspector and the system say the same.
    Agrees,
    /// They say different things.
    Differs,
    /// The system finds a gap the inspection report does not mention.
    NotInReport,
}

impl Agreement {
    pub fn code(self) -> &'static str {
        match self {
            Agreement::Agrees => "agrees",
            Agreement::Differs => "differs",
            Agreement::NotInReport => "not_in_report",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Agreement::Agrees => "Khớp",
            Agreement::Differs => "Khác nhau",
            Agreement::NotInReport => "Hệ thống phát hiện, biên bản không nêu",
        }
    }
}

/// Compares the inspector's finding (`None`: the report does not mention the procedure) with
/// the system's view. A finding agrees when it names one of the system's gaps, or says "ok"
/// where the system finds none.
pub fn compare(inspector: Option<FindingCode>, system: &SystemView) -> Agreement {
    match (inspector, system) {
        (None, SystemView::Required { gaps, .. }) if gaps.is_empty() => Agreement::Agrees,
        (None, SystemView::Required { .. } | SystemView::PostedNotRequired) => {
            Agreement::NotInReport
        }
        (None, SystemView::Absent) => Agreement::Agrees,
        (Some(FindingCode::Ok), SystemView::Required { gaps, .. }) if gaps.is_empty() => {
            Agreement::Agrees
        }
        (Some(FindingCode::Gap(g)), SystemView::Required { gaps, .. }) if gaps.contains(&g) => {
            Agreement::Agrees
        }
        (Some(FindingCode::Gap(GapKind::NotRequired)), SystemView::PostedNotRequired) => {
            Agreement::Agrees
        }
        (Some(_), _) => Agreement::Differs,
    }
}

/// The inspector's completeness: procedures found posted correctly over the required
/// procedures the report covers.
pub fn inspected_ratio<'a>(findings: impl IntoIterator<Item = &'a FindingCode>) -> Ratio {
    let mut r = Ratio::default();
    for f in findings {
        if *f == FindingCode::Gap(GapKind::NotRequired) {
            continue;
        }
        r.denominator += 1;
        r.numerator += u64::from(*f == FindingCode::Ok);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn required(gaps: &[GapKind]) -> SystemView {
        SystemView::Required {
            gaps: gaps.to_vec(),
            pending: false,
        }
    }

    #[test]
    fn codes_round_trip_and_unknown_ones_are_refused() {
        for f in FindingCode::all() {
            assert_eq!(FindingCode::parse(f.code()), Some(f));
        }
        assert_eq!(FindingCode::all().len(), 6);
        assert_eq!(FindingCode::parse("thiếu"), None);
        assert_eq!(FindingCode::parse("OK"), None);
        assert!(FindingCode::list().starts_with("ok, missing"));
    }

    #[test]
    fn what_a_procedure_accepts() {
        let nr = FindingCode::Gap(GapKind::NotRequired);
        let missing = FindingCode::Gap(GapKind::Missing);
        assert_eq!(finding_allowed(FindingCode::Ok, true), Ok(()));
        assert_eq!(finding_allowed(missing, true), Ok(()));
        assert_eq!(finding_allowed(nr, true), Err(FindingRefusal::RequiredHere));
        assert_eq!(finding_allowed(nr, false), Ok(()));
        assert_eq!(
            finding_allowed(FindingCode::Ok, false),
            Err(FindingRefusal::NotRequiredHere)
        );
        assert_eq!(
            finding_allowed(missing, false),
            Err(FindingRefusal::NotRequiredHere)
        );
    }

    #[test]
    fn comparisons() {
        let ok = Some(FindingCode::Ok);
        let missing = Some(FindingCode::Gap(GapKind::Missing));
        let late = Some(FindingCode::Gap(GapKind::Late));
        assert_eq!(compare(ok, &required(&[])), Agreement::Agrees);
        assert_eq!(compare(missing, &required(&[])), Agreement::Differs);
        assert_eq!(
            compare(ok, &required(&[GapKind::Missing])),
            Agreement::Differs
        );
        assert_eq!(
            compare(late, &required(&[GapKind::Late, GapKind::BasisNotInForce])),
            Agreement::Agrees
        );
        assert_eq!(
            compare(None, &required(&[GapKind::Outdated])),
            Agreement::NotInReport
        );
        assert_eq!(compare(None, &required(&[])), Agreement::Agrees);
        assert_eq!(
            compare(
                Some(FindingCode::Gap(GapKind::NotRequired)),
                &SystemView::PostedNotRequired
            ),
            Agreement::Agrees
        );
        assert_eq!(
            compare(None, &SystemView::PostedNotRequired),
            Agreement::NotInReport
        );
        assert_eq!(
            compare(
                Some(FindingCode::Gap(GapKind::NotRequired)),
                &SystemView::Absent
            ),
            Agreement::Differs
        );
        assert_eq!(
            required(&[GapKind::Late]).finding(),
            Some(FindingCode::Gap(GapKind::Late))
        );
        assert_eq!(SystemView::Absent.finding(), None);
    }

    #[test]
    fn inspected_completeness_leaves_out_procedures_no_longer_applicable() {
        let f = [
            FindingCode::Ok,
            FindingCode::Gap(GapKind::Missing),
            FindingCode::Gap(GapKind::NotRequired),
            FindingCode::Ok,
        ];
        assert_eq!(inspected_ratio(&f), Ratio::new(2, 3));
    }

    proptest! {
        #[test]
        fn the_system_agrees_with_itself(gaps in proptest::collection::vec(0usize..4, 0..3), pending: bool) {
            let kinds = [GapKind::Missing, GapKind::Outdated, GapKind::Late, GapKind::BasisNotInForce];
            let mut g: Vec<GapKind> = gaps.into_iter().map(|i| kinds[i]).collect();
            g.dedup();
            let view = SystemView::Required { gaps: g, pending };
            prop_assert_eq!(compare(view.finding(), &view), Agreement::Agrees);
        }
    }
}
