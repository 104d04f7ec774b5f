//! Related documents (văn bản liên quan, as vbpl.vn shows them): the group a relation between
//! two documents falls in, seen from one of them. An effect (`effects` row) joins an acting
//! document to a target; from the acting side it reads «Sửa đổi, bổ sung», from the target's
//! «Bị sửa đổi, bổ sung bởi». A citation (căn cứ) or a detailing link (hướng dẫn) is a relation
//! too; a citation is not an action on the cited document: it never changes its force (Luật
//! 80/2015, Điều 154; Luật 64/2025, Điều 57 list amendment, replacement, repeal, suspension and
//! terms), so it is never listed among what a document acts on ([`EffectKind::acts_on`]).

use super::kinds::{vocabulary, EffectKind};

vocabulary! {
    /// A tab of related documents, in the order the page shows them.
    RelatedGroup {
        CanCu = "can-cu", "Căn cứ";
        LaCanCu = "la-can-cu", "Là căn cứ của";
        HuongDan = "huong-dan", "Hướng dẫn";
        DuocHuongDan = "duoc-huong-dan", "Được hướng dẫn";
        SuaDoi = "sua-doi-bo-sung", "Sửa đổi, bổ sung";
        BiSuaDoi = "bi-sua-doi-bo-sung", "Bị sửa đổi, bổ sung bởi";
        ThayThe = "thay-the", "Thay thế";
        BiThayThe = "bi-thay-the", "Bị thay thế bởi";
        BaiBo = "bai-bo", "Bãi bỏ";
        BiBaiBo = "bi-bai-bo", "Bị bãi bỏ bởi";
        DinhChi = "dinh-chi", "Đình chỉ, ngưng hiệu lực";
        BiDinhChi = "bi-dinh-chi", "Bị đình chỉ, ngưng hiệu lực bởi";
        HetHieuLuc = "het-hieu-luc", "Hết hiệu lực";
        DinhChinh = "dinh-chinh", "Đính chính";
        DuocDinhChinh = "duoc-dinh-chinh", "Được đính chính bởi";
        HopNhat = "hop-nhat", "Hợp nhất";
        DuocHopNhat = "duoc-hop-nhat", "Được hợp nhất bởi";
        GiuLai = "giu-lai-hieu-luc", "Giữ lại hiệu lực";
        DuocGiuLai = "duoc-giu-lai-hieu-luc", "Được giữ lại hiệu lực bởi";
    }
}

/// Which end of a relation the document whose page is shown stands at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// It is the acting document (it cites, details, amends… the other).
    Acting,
    /// It is the target (the other cites, details, amends… it).
    Target,
}

/// What joins two documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// A recorded effect of one document on another.
    Effect(EffectKind),
    /// A document, or some provisions, declared expired by an approved review decision
    /// (công bố hết hiệu lực): seen from the document itself only.
    DeclaredExpiry,
}

/// The group of a relation seen from `side`. A citation is «Căn cứ» from the citing document
/// and «Là căn cứ của» from the cited one; never an amendment, replacement or repeal.
pub fn group_of(relation: Relation, side: Side) -> RelatedGroup {
    use RelatedGroup as G;
    let kind = match relation {
        Relation::DeclaredExpiry => return G::HetHieuLuc,
        Relation::Effect(k) => k,
    };
    let (acting, target) = match kind {
        EffectKind::BasedOn => (G::CanCu, G::LaCanCu),
        EffectKind::Implements => (G::HuongDan, G::DuocHuongDan),
        EffectKind::Amend => (G::SuaDoi, G::BiSuaDoi),
        EffectKind::Replace => (G::ThayThe, G::BiThayThe),
        EffectKind::Repeal => (G::BaiBo, G::BiBaiBo),
        EffectKind::Suspend => (G::DinhChi, G::BiDinhChi),
        EffectKind::Correct => (G::DinhChinh, G::DuocDinhChinh),
        EffectKind::Consolidates => (G::HopNhat, G::DuocHopNhat),
        EffectKind::Keep => (G::GiuLai, G::DuocGiuLai),
    };
    match side {
        Side::Acting => acting,
        Side::Target => target,
    }
}

impl RelatedGroup {
    /// Its place among the tabs (the order of [`RelatedGroup::ALL`]).
    pub fn position(self) -> usize {
        Self::ALL
            .iter()
            .position(|g| *g == self)
            .unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn a_legal_basis_is_cited_not_acted_on() {
        let r = Relation::Effect(EffectKind::BasedOn);
        assert_eq!(group_of(r, Side::Acting), RelatedGroup::CanCu);
        assert_eq!(group_of(r, Side::Target), RelatedGroup::LaCanCu);
        assert!(!EffectKind::BasedOn.acts_on());
        for k in [
            EffectKind::Implements,
            EffectKind::Amend,
            EffectKind::Replace,
            EffectKind::Repeal,
            EffectKind::Suspend,
        ] {
            assert!(k.acts_on(), "{k:?}");
        }
    }

    #[test]
    fn each_kind_reads_both_ways() {
        let a = |k| group_of(Relation::Effect(k), Side::Acting);
        let t = |k| group_of(Relation::Effect(k), Side::Target);
        assert_eq!(a(EffectKind::Amend).label(), "Sửa đổi, bổ sung");
        assert_eq!(t(EffectKind::Amend).label(), "Bị sửa đổi, bổ sung bởi");
        assert_eq!(t(EffectKind::Replace), RelatedGroup::BiThayThe);
        assert_eq!(a(EffectKind::Repeal), RelatedGroup::BaiBo);
        assert_eq!(t(EffectKind::Implements), RelatedGroup::DuocHuongDan);
        assert_eq!(a(EffectKind::Suspend), RelatedGroup::DinhChi);
        assert_eq!(
            group_of(Relation::DeclaredExpiry, Side::Target),
            RelatedGroup::HetHieuLuc
        );
    }

    #[test]
    fn no_two_relations_share_a_group() {
        // Every (kind, side) pair has its own tab, so no relation hides inside another's.
        let mut seen = HashSet::new();
        for k in EffectKind::ALL {
            for side in [Side::Acting, Side::Target] {
                let g = group_of(Relation::Effect(*k), side);
                assert!(seen.insert(g), "{k:?} {side:?} shares {g:?}");
            }
        }
        assert!(seen.insert(group_of(Relation::DeclaredExpiry, Side::Target)));
        assert_eq!(
            seen.len(),
            RelatedGroup::ALL.len(),
            "every group is reached"
        );
    }

    #[test]
    fn groups_keep_their_order_and_codes_are_anchors() {
        assert_eq!(RelatedGroup::CanCu.position(), 0);
        assert!(RelatedGroup::SuaDoi.position() < RelatedGroup::BiSuaDoi.position());
        for g in RelatedGroup::ALL {
            assert!(g.code().chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            assert_eq!(RelatedGroup::parse(g.code()), Some(*g));
        }
    }
}
