//! Closed vocabularies of the registry, each with its stored code and Vietnamese label.

macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        /// In the API description: one of the codes, each with its Vietnamese label.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code,)+]))
                    .description(Some(concat!($("`", $code, "`: ", $label, ". ",)+).trim_end()))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use vocabulary;

vocabulary! {
    /// Level of an administrative unit (cấp hành chính).
    UnitLevel {
        Tinh = "tinh", "Cấp tỉnh";
        Huyen = "huyen", "Cấp huyện";
        Xa = "xa", "Cấp xã";
    }
}

vocabulary! {
    /// Kind of issuing authority (cơ quan ban hành).
    AuthorityKind {
        Hdnd = "hdnd", "Hội đồng nhân dân";
        Ubnd = "ubnd", "Ủy ban nhân dân";
        ChuTichUbnd = "chu_tich_ubnd", "Chủ tịch Ủy ban nhân dân";
        Central = "central", "Cơ quan trung ương";
    }
}

vocabulary! {
    /// How one document acts on another (hiệu lực tác động).
    EffectKind {
        Amend = "amend", "Sửa đổi, bổ sung";
        Replace = "replace", "Thay thế";
        Repeal = "repeal", "Bãi bỏ";
        Suspend = "suspend", "Ngưng hiệu lực";
        Correct = "correct", "Đính chính";
        Implements = "implements", "Quy định chi tiết, hướng dẫn thi hành";
        BasedOn = "based_on", "Căn cứ";
        Consolidates = "consolidates", "Hợp nhất";
        Keep = "keep", "Giữ lại hiệu lực";
    }
}

impl EffectKind {
    /// Label from the target's side: "Bị sửa đổi, bổ sung bởi", "Được hướng dẫn bởi".
    pub fn passive_label(self) -> &'static str {
        match self {
            EffectKind::Amend => "Bị sửa đổi, bổ sung bởi",
            EffectKind::Replace => "Bị thay thế bởi",
            EffectKind::Repeal => "Bị bãi bỏ bởi",
            EffectKind::Suspend => "Bị ngưng hiệu lực bởi",
            EffectKind::Correct => "Được đính chính bởi",
            EffectKind::Implements => "Được quy định chi tiết bởi",
            EffectKind::BasedOn => "Là căn cứ ban hành của",
            EffectKind::Consolidates => "Được hợp nhất bởi",
            EffectKind::Keep => "Được giữ lại hiệu lực bởi",
        }
    }

    /// Whether the effect ends the force of the provisions it targets: replacement and repeal
    /// (Luật 80/2015, Điều 154 khoản 1 điểm b–c; Luật 64/2025, Điều 57 khoản 1). Amendment does
    /// not: it ends the old wording only, the provision stays in force with its new wording.
    pub fn ceases(self) -> bool {
        matches!(self, EffectKind::Replace | EffectKind::Repeal)
    }

    /// Whether the effect ends a wording in force: ceasing, or amending (sửa đổi, bổ sung), which
    /// makes the old wording cease. A document that received one is "hết hiệu lực một phần"
    /// (Luật 80/2015, Điều 154; Luật 64/2025, Điều 57).
    pub fn ends_wording(self) -> bool {
        self.ceases() || self == EffectKind::Amend
    }

    /// Whether the link belongs to the history of the documents' force (the page's "tác động"
    /// timeline): every kind but a citation (căn cứ), which relates two documents without
    /// acting on either (see `domain::related`). A detailing link (hướng dẫn) stays: the
    /// detailing document's force hangs on its base (Luật 80/2015, Điều 154 khoản 2).
    pub fn acts_on(self) -> bool {
        self != EffectKind::BasedOn
    }

    /// Whether the effect may be recorded without a date of its own: a detailing link
    /// (quy định chi tiết, hướng dẫn) acts from the acting document's own effective date.
    pub fn may_be_undated(self) -> bool {
        self == EffectKind::Implements
    }
}

/// Document types (loại văn bản) accepted by the registry.
pub const DOCUMENT_TYPES: &[&str] = &[
    "Hiến pháp",
    "Bộ luật",
    "Luật",
    "Nghị quyết",
    "Pháp lệnh",
    "Lệnh",
    "Nghị định",
    "Quyết định",
    "Thông tư",
    "Thông tư liên tịch",
    "Chỉ thị",
    "Văn bản hợp nhất",
];

/// The canonical spelling of a document type, matched without regard to case or diacritics.
pub fn document_type(input: &str) -> Option<&'static str> {
    let key = super::text::fold(input.trim()).to_lowercase();
    DOCUMENT_TYPES
        .iter()
        .copied()
        .find(|t| super::text::fold(t).to_lowercase() == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in EffectKind::ALL {
            assert_eq!(EffectKind::parse(k.code()), Some(*k));
        }
        assert_eq!(EffectKind::parse("abrogate"), None);
        assert_eq!(UnitLevel::parse("xa"), Some(UnitLevel::Xa));
    }

    #[test]
    fn amendment_ends_the_wording_not_the_provision() {
        assert!(!EffectKind::Amend.ceases());
        assert!(EffectKind::Amend.ends_wording());
        assert!(EffectKind::Repeal.ceases() && EffectKind::Replace.ceases());
        assert!(!EffectKind::Suspend.ends_wording());
    }

    #[test]
    fn document_types_match_loosely() {
        assert_eq!(document_type("nghi quyet"), Some("Nghị quyết"));
        assert_eq!(document_type("Quyết định"), Some("Quyết định"));
        assert_eq!(document_type("Công văn"), None);
    }
}
