//! The new wording (nội dung sửa đổi, bổ sung) that amending effects give the provisions they
//! change: stated in the effect record (`"wording": {"khoản 2 Điều 5": "2. …"}`, stored in
//! `effect_wordings`), or read from the amending document's quoted text with
//! `domain::amendment` when the record states none. Amendment ends the old wording, not the
//! provision (Luật 80/2015, Điều 154 khoản 1 điểm b; Luật 64/2025, Điều 57 khoản 1).

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::db::wording::{self as store, WordingRow};
use crate::db::{queries, Db, DbError};
use crate::domain::amendment::{self, Instruction, InstructionKind};
use crate::domain::kinds::EffectKind;
use crate::domain::structure::{display_reference, parse_reference};
use crate::domain::text::nfc_keep;

/// The longest wording accepted for one provision, in characters (a whole new article with
/// its clauses stays far below it).
pub const MAX_WORDING: usize = 100_000;

/// The `wording` of an effect record: provision (as written, or a key) → new wording, in the
/// order written, so that export writes them back in that order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordingMap(pub Vec<(String, String)>);

impl Serialize for WordingMap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for WordingMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Ordered;
        impl<'de> Visitor<'de> for Ordered {
            type Value = WordingMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("một đối tượng {\"khoản 2 Điều 5\": \"2. …\"}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<WordingMap, A::Error> {
                let mut v = Vec::new();
                while let Some((k, w)) = a.next_entry::<String, String>()? {
                    v.push((k, w));
                }
                Ok(WordingMap(v))
            }
        }
        d.deserialize_map(Ordered)
    }
}

/// Checks the wording an effect record states against the effect's kind and provision keys;
/// gives (key, wording) in the record's order, or why it is refused.
pub fn validate(
    kind: EffectKind,
    keys: &[String],
    given: &WordingMap,
) -> Result<Vec<(String, String)>, String> {
    if kind != EffectKind::Amend {
        return Err(format!(
            "«wording» chỉ dùng cho tác động sửa đổi, bổ sung (amend), không cho «{}»",
            kind.code()
        ));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for (written, text) in &given.0 {
        let key = parse_reference(written).map_err(|e| format!("«wording»: {e}"))?;
        let shown = display_reference(&key);
        if !keys.contains(&key) {
            return Err(format!(
                "«wording» có nội dung cho {shown}, không thuộc các quy định của tác động («provisions»)"
            ));
        }
        if out.iter().any(|(k, _)| *k == key) {
            return Err(format!("«wording» ghi {shown} hai lần"));
        }
        let text = nfc_keep(text);
        if text.trim().is_empty() {
            return Err(format!("«wording» của {shown} trống"));
        }
        let n = text.chars().count();
        if n > MAX_WORDING {
            return Err(format!(
                "«wording» của {shown} dài {n} ký tự, vượt giới hạn {MAX_WORDING} ký tự"
            ));
        }
        out.push((key, text));
    }
    Ok(out)
}

/// Makes `rows` (key, wording) the stated wording of the effect `id`, with an audit entry
/// when it changed; whether it changed.
pub(super) fn apply(
    w: &super::write::RegistryWriter,
    db: &mut Db<'_>,
    id: i64,
    rows: &[(String, String)],
) -> Result<bool, crate::jsonl::RecordError> {
    let Some(before) = store(db, id, rows)? else {
        return Ok(false);
    };
    let action = if before.is_empty() {
        "create"
    } else {
        "update"
    };
    w.audit(
        db,
        action,
        "effect_wording",
        id,
        Some(&before),
        &rows.to_vec(),
    )?;
    Ok(true)
}

/// Makes `rows` (key, wording) the stated wording of the effect `id`; what it was before, if
/// it changed.
fn store(
    db: &mut Db<'_>,
    id: i64,
    rows: &[(String, String)],
) -> Result<Option<Vec<(String, String)>>, DbError> {
    let before: Vec<(String, String)> = store::wordings_of(db, &[id])?
        .into_iter()
        .map(|r| (r.provision, r.wording))
        .collect();
    if before == rows {
        return Ok(None);
    }
    let rows: Vec<WordingRow> = rows
        .iter()
        .enumerate()
        .map(|(i, (k, w))| WordingRow {
            effect_id: id,
            provision: k.clone(),
            position: i32::try_from(i).unwrap_or(i32::MAX),
            wording: w.clone(),
        })
        .collect();
    store::replace_wordings(db, id, &rows)?;
    Ok(Some(before))
}

/// The wording every effect states, by effect id, keys written as readers write them
/// (`Khoản 2 Điều 5`, as export writes provisions).
pub fn all_stated(db: &mut Db<'_>) -> Result<HashMap<i64, WordingMap>, DbError> {
    let mut out: HashMap<i64, WordingMap> = HashMap::new();
    for r in store::all_wordings(db)? {
        out.entry(r.effect_id)
            .or_default()
            .0
            .push((display_reference(&r.provision), r.wording));
    }
    Ok(out)
}

/// The new wording of each provision an effect amends, by (effect id, provision key). A
/// provision absent from the map is amended with a wording not yet entered. The wording an
/// effect record states wins; an amending effect that states none takes it from its acting
/// document's quoted text ([`from_text`]).
pub fn wordings(
    db: &mut Db<'_>,
    effect_ids: &[i64],
) -> Result<HashMap<(i64, String), String>, DbError> {
    let mut out = HashMap::new();
    let mut stated = HashSet::new();
    for r in store::wordings_of(db, effect_ids)? {
        stated.insert(r.effect_id);
        out.insert((r.effect_id, r.provision), r.wording);
    }
    let mut texts = Texts::default();
    for e in store::effects_by_ids(db, effect_ids)? {
        if stated.contains(&e.id) || e.kind_stored()? != EffectKind::Amend {
            continue;
        }
        let keys = e.provisions_stored()?;
        if keys.is_empty() {
            continue;
        }
        let Some(acting) = texts.of(db, e.acting_id)? else {
            continue;
        };
        let Some(target) = queries::document(db, e.target_id)? else {
            continue;
        };
        for key in keys {
            if let Found::Wording(w) = from_text(acting, &target.number, &key) {
                out.insert((e.id, key), w);
            }
        }
    }
    Ok(out)
}

/// An acting document's instructions, and whether its effects act on one document only.
pub struct ActingText {
    pub instructions: Vec<Instruction>,
    pub sole_target: bool,
}

/// The acting documents read so far (each parsed once).
#[derive(Default)]
pub struct Texts(HashMap<i64, Option<ActingText>>);

impl Texts {
    /// The instructions of the document `id` (`None` when it has no text or does not exist).
    pub fn of(&mut self, db: &mut Db<'_>, id: i64) -> Result<Option<&ActingText>, DbError> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.0.entry(id) {
            let read = match queries::document(db, id)? {
                Some(d) if !d.full_text.trim().is_empty() => {
                    let mut targets = HashSet::new();
                    for e in queries::effects_by(db, id)? {
                        if e.kind_stored()?.ends_wording()
                            || e.kind_stored()? == EffectKind::Suspend
                        {
                            targets.insert(e.target_id);
                        }
                    }
                    Some(ActingText {
                        instructions: amendment::parse(&d.full_text),
                        sole_target: targets.len() <= 1,
                    })
                }
                _ => None,
            };
            slot.insert(read);
        }
        Ok(self.0.get(&id).and_then(Option::as_ref))
    }
}

/// What an acting document's text says of one amended provision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// The quoted new wording.
    Wording(String),
    /// An instruction amends it and announces a wording ("như sau:"), but the wording cannot
    /// be read (not quoted, or a quote never closed).
    Unreadable { line: usize },
    /// No instruction of the text amends it.
    Nothing,
}

/// The wording of `key` of the document `target` in the acting text: the amend instruction
/// naming that document (or naming none, when the acting document acts on that document only)
/// whose provisions include `key`.
pub fn from_text(acting: &ActingText, target: &str, key: &str) -> Found {
    let mut found = Found::Nothing;
    for i in &acting.instructions {
        let aims = i.targets(target) || (i.target.is_none() && acting.sole_target);
        if i.kind != InstructionKind::Amend || !aims || !i.provisions.iter().any(|p| p == key) {
            continue;
        }
        match i.wording_for(key) {
            Some(w) => return Found::Wording(w),
            None if found == Found::Nothing && i.announced => {
                found = Found::Unreadable { line: i.line }
            }
            None => {}
        }
    }
    found
}
