//! The text of a document in force on a date (văn bản tại thời điểm), from its original
//! provisions and the changes that acted on them: each provision with the wording in force,
//! the wordings it had before with their periods, the amendments whose new wording is not
//! recorded (gaps: the old wording is shown struck), the provisions that ceased (kept, marked),
//! the provisions added by amendments (bổ sung Điều 5a) placed after the provision they follow,
//! and the footnotes a consolidated text (văn bản hợp nhất) gives each changed provision, in
//! text order.
//!
//! Law: an amendment (sửa đổi, bổ sung) ends the old wording, not the provision, which stays in
//! force with its new wording (Luật 80/2015, Điều 154 khoản 1 điểm b; Luật 64/2025, Điều 57
//! khoản 1 điểm b); repeal, replacement and a declared expiry end the provision. The consolidated
//! text follows the shape of Pháp lệnh hợp nhất văn bản quy phạm pháp luật 01/2012/UBTVQH13
//! (Điều 7: a footnote at each amended, added or repealed provision naming the amending document,
//! its provision and the day it took effect). Pure: no I/O; the caller says which changes acted
//! (an acting document acts only when in force on the change's date).

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::structure::NodeKind;
use super::text::date_vn;

/// A provision of the original text (chương, mục, điều, khoản, điểm), in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provision {
    pub key: String,
    pub kind: NodeKind,
    /// Label as shown: `Điều 5`, `2.`, `a)`.
    pub label: String,
    pub heading: String,
    pub body: String,
    pub parent: Option<String>,
}

/// What a change does to the provision it names (and every part of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// Sửa đổi, bổ sung: a new wording; a provision not in the text is added.
    Amend,
    /// Thay thế: the provision ceases (the replacing text stands in the acting document).
    Replace,
    /// Bãi bỏ.
    Repeal,
    /// Hết hiệu lực (a declared expiry, an end set by a transitional provision).
    Expire,
}

impl ChangeKind {
    /// The verb of a footnote: "được sửa đổi, bổ sung", "bị bãi bỏ".
    pub fn verb(self) -> &'static str {
        match self {
            ChangeKind::Amend => "được sửa đổi, bổ sung",
            ChangeKind::Replace => "được thay thế",
            ChangeKind::Repeal => "bị bãi bỏ",
            ChangeKind::Expire => "hết hiệu lực",
        }
    }
}

/// Where a change comes from: the acting document and, when known, its provision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The effect's id (negative for a declared expiry).
    pub effect_id: i64,
    /// The acting document as a citation: `Quyết định số 12/2024/QĐ-UBND`.
    pub document: String,
    /// Its address (ELI), when it exists.
    pub url: Option<String>,
    /// The acting provision's key (`dieu-1/khoan-2`), when recorded.
    pub provision: Option<String>,
}

impl Source {
    /// `khoản 2 Điều 1 Quyết định số 12/2024/QĐ-UBND` (smallest unit first, as
    /// [`super::citation`] writes it), or the document alone.
    pub fn citation(&self) -> String {
        match &self.provision {
            Some(p) => format!("{} {}", super::citation::provision(p), self.document),
            None => self.document.clone(),
        }
    }

    /// The acting document's address with the acting provision's anchor, when known.
    pub fn link(&self) -> Option<String> {
        let url = self.url.as_ref()?;
        Some(match &self.provision {
            Some(p) => format!("{url}#{}", p.replace('/', "-")),
            None => url.clone(),
        })
    }
}

/// One change that acted on the document: one provision named by one effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The provision named (`dieu-5`, `dieu-5/khoan-2`, `dieu-5a`).
    pub key: String,
    pub kind: ChangeKind,
    /// First day of the change.
    pub on: NaiveDate,
    /// The new wording (amendments only); `None` = not recorded.
    pub wording: Option<String>,
    pub source: Source,
}

/// How a provision stands on the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mark {
    /// The original wording, unchanged.
    Original,
    /// In force with a new wording.
    Amended,
    /// Amended, new wording not recorded: the old wording is shown struck.
    Gap,
    /// Ceased (repealed, replaced, expired): kept visible, marked.
    Ceased,
    /// Added by an amendment, with its wording.
    Added,
    /// Added by an amendment whose wording is not recorded.
    AddedGap,
}

/// The change that made a provision what it is on the date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub kind: ChangeKind,
    pub on: NaiveDate,
    pub source: Source,
    /// Whether the change names this provision; `false`: it names a provision containing it.
    pub direct: bool,
}

/// A wording the provision had before, and its period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// The wording; `None` where an amendment's new wording is not recorded.
    pub body: Option<String>,
    /// First day (`None`: since the document took effect).
    pub from: Option<NaiveDate>,
    /// Last day.
    pub until: NaiveDate,
    /// The change that gave this wording (`None`: the original text).
    pub by: Option<Source>,
}

/// One provision of the text in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub key: String,
    pub kind: NodeKind,
    pub label: String,
    pub heading: String,
    /// The wording in force; for a gap or a ceased provision, the last wording known.
    pub body: String,
    pub parent: Option<String>,
    pub mark: Mark,
    pub change: Option<Applied>,
    /// Earlier wordings, oldest first.
    pub earlier: Vec<Period>,
    /// The number of its footnote in the consolidated text.
    pub footnote: Option<usize>,
}

/// A footnote of the consolidated text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Footnote {
    pub number: usize,
    pub key: String,
    pub text: String,
    pub link: Option<String>,
    /// An amendment whose new wording is not recorded.
    pub gap: bool,
}

/// The text in force on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointInTime {
    pub date: NaiveDate,
    pub items: Vec<Item>,
    pub footnotes: Vec<Footnote>,
}

impl PointInTime {
    pub fn item(&self, key: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.key == key)
    }

    /// The footnotes of amendments whose wording is not recorded.
    pub fn gaps(&self) -> impl Iterator<Item = &Footnote> {
        self.footnotes.iter().filter(|f| f.gap)
    }
}

/// Whether `key` is `named` or inside it.
fn within(key: &str, named: &str) -> bool {
    key == named
        || key
            .strip_prefix(named)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn day_before(d: NaiveDate) -> NaiveDate {
    d.checked_sub_days(Days::new(1)).unwrap_or(d)
}

/// The state of one provision as its changes are read in date order.
struct Walk {
    body: String,
    from: Option<NaiveDate>,
    by: Option<Source>,
    recorded: bool,
    mark: Mark,
    change: Option<Applied>,
    earlier: Vec<Period>,
    /// Rewritten as a part of a provision containing it: its text is in that wording.
    subsumed: bool,
}

impl Walk {
    fn new(body: String, mark: Mark) -> Walk {
        Walk {
            body,
            from: None,
            by: None,
            recorded: true,
            mark,
            change: None,
            earlier: Vec::new(),
            subsumed: false,
        }
    }

    fn close(&mut self, until: NaiveDate) {
        self.earlier.push(Period {
            body: self.recorded.then(|| self.body.clone()),
            from: self.from,
            until,
            by: self.by.clone(),
        });
    }

    /// Reads one change naming this provision (`direct`) or one containing it.
    fn apply(&mut self, c: &Change, direct: bool, p: &Provision) {
        if self.mark == Mark::Ceased || self.subsumed {
            return;
        }
        let applied = Applied {
            kind: c.kind,
            on: c.on,
            source: c.source.clone(),
            direct,
        };
        match (c.kind, &c.wording, direct) {
            (ChangeKind::Amend, Some(w), true) => {
                self.close(day_before(c.on));
                self.body = own_wording(&p.label, &p.heading, w);
                self.recorded = true;
                self.mark = if matches!(self.mark, Mark::Added | Mark::AddedGap) {
                    Mark::Added
                } else {
                    Mark::Amended
                };
            }
            (ChangeKind::Amend, Some(_), false) => {
                self.subsumed = true;
            }
            (ChangeKind::Amend, None, _) => {
                self.close(day_before(c.on));
                self.recorded = false;
                self.mark = if matches!(self.mark, Mark::Added | Mark::AddedGap) {
                    Mark::AddedGap
                } else {
                    Mark::Gap
                };
            }
            _ => self.mark = Mark::Ceased,
        }
        if c.kind == ChangeKind::Amend {
            self.from = Some(c.on);
            self.by = Some(c.source.clone());
        }
        self.change = Some(applied);
    }
}

/// The text in force on `date`. Changes dated after `date` are ignored; changes on one day are
/// read in the order given. A provision named by an amendment that the text does not have is
/// added (when the text is structured), after the provision it follows.
pub fn text_on(provisions: &[Provision], changes: &[Change], date: NaiveDate) -> PointInTime {
    let mut acting: Vec<&Change> = changes
        .iter()
        .filter(|c| c.on <= date && !c.key.is_empty())
        .collect();
    acting.sort_by_key(|c| c.on);
    let mut rows: Vec<(Provision, Walk)> = provisions
        .iter()
        .map(|p| (p.clone(), Walk::new(p.body.clone(), Mark::Original)))
        .collect();
    if !rows.is_empty() {
        add_provisions(&mut rows, &acting);
    }
    let mut items = Vec::with_capacity(rows.len());
    for (p, mut w) in rows {
        let added_on = w.from;
        for c in acting.iter().filter(|c| within(&p.key, &c.key)) {
            if added_on.is_some_and(|d| c.on < d) {
                continue;
            }
            if matches!(w.mark, Mark::Added | Mark::AddedGap)
                && added_on == Some(c.on)
                && c.key == p.key
            {
                // The change that added it.
                if w.change.is_none() {
                    w.change = Some(Applied {
                        kind: c.kind,
                        on: c.on,
                        source: c.source.clone(),
                        direct: true,
                    });
                    continue;
                }
            }
            w.apply(c, c.key == p.key, &p);
        }
        if w.subsumed {
            continue;
        }
        items.push(Item {
            key: p.key,
            kind: p.kind,
            label: p.label,
            heading: p.heading,
            body: w.body,
            parent: p.parent,
            mark: w.mark,
            change: w.change,
            earlier: w.earlier,
            footnote: None,
        });
    }
    fold_subsumed(&mut items, provisions);
    let footnotes = number_footnotes(&mut items);
    PointInTime {
        date,
        items,
        footnotes,
    }
}

/// An amended provision whose new wording is recorded holds its parts: its earlier wordings
/// are the whole text of it and its parts as they stood.
fn fold_subsumed(items: &mut [Item], provisions: &[Provision]) {
    for item in items.iter_mut().filter(|i| i.mark == Mark::Amended) {
        let has_parts = provisions
            .iter()
            .any(|p| p.key != item.key && within(&p.key, &item.key));
        if !has_parts {
            continue;
        }
        if let Some(first) = item.earlier.first_mut().filter(|p| p.by.is_none()) {
            let parts: Vec<String> = provisions
                .iter()
                .filter(|p| p.key != item.key && within(&p.key, &item.key))
                .map(|p| line_of(&p.label, &p.heading, &p.body))
                .collect();
            let own = first.body.clone().unwrap_or_default();
            let mut all = vec![own];
            all.extend(parts);
            all.retain(|s| !s.is_empty());
            first.body = Some(all.join("\n"));
        }
    }
}

/// A provision as one line of plain text: `2. Heading body`.
pub fn line_of(label: &str, heading: &str, body: &str) -> String {
    [label, heading, body]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The keys an amendment names that the text does not have, each placed after the provision it
/// follows (`dieu-5a` after `dieu-5` and its parts; a new clause after the last part of its
/// provision; otherwise last).
fn add_provisions(rows: &mut Vec<(Provision, Walk)>, acting: &[&Change]) {
    for c in acting.iter().filter(|c| c.kind == ChangeKind::Amend) {
        let has = |k: &str| rows.iter().any(|(p, _)| p.key == k);
        if has(&c.key) {
            continue;
        }
        let (parent, last) = match c.key.rsplit_once('/') {
            Some((p, l)) => (Some(p.to_string()), l),
            None => (None, c.key.as_str()),
        };
        if parent.as_deref().is_some_and(|p| !has(p)) {
            continue;
        }
        let Some((kind, label)) = super::structure::split_part(last) else {
            continue;
        };
        let follows = label.trim_end_matches(|ch: char| ch.is_alphabetic());
        let own = super::structure::key_part(kind, follows);
        let sibling = match &parent {
            Some(p) => format!("{p}/{own}"),
            None => own,
        };
        let after = [Some(sibling), parent.clone()]
            .into_iter()
            .flatten()
            .filter(|k| k != &c.key)
            .find_map(|k| {
                rows.iter()
                    .rposition(|(p, _)| within(&p.key, &k))
                    .map(|i| i + 1)
            });
        let mut walk = Walk::new(String::new(), Mark::AddedGap);
        walk.from = Some(c.on);
        walk.by = Some(c.source.clone());
        if let Some(w) = &c.wording {
            walk.body = own_wording(&super::structure::node_label(kind, label), "", w);
            walk.mark = Mark::Added;
        } else {
            walk.recorded = false;
        }
        let p = Provision {
            key: c.key.clone(),
            kind,
            label: super::structure::node_label(kind, label),
            heading: String::new(),
            body: String::new(),
            parent,
        };
        let at = after.unwrap_or(rows.len()).min(rows.len());
        rows.insert(at, (p, walk));
    }
}

/// A new wording as the text shows it under the provision's label: amending texts quote the
/// provision with its own number ("2. …", "a) …", "Điều 5. Tên điều …"), which the page shows
/// as the label; an article's heading repeated on the first line is dropped too.
pub fn own_wording(label: &str, heading: &str, wording: &str) -> String {
    let w = wording.trim_start();
    let Some(rest) = w.strip_prefix(label) else {
        return w.to_string();
    };
    // "2." must not strip the "2" of "20.000": the label ends the number.
    if label.ends_with(['.', ')']) {
        if !rest.starts_with(char::is_whitespace) && !rest.is_empty() {
            return w.to_string();
        }
    } else if !rest.starts_with(['.', ' ', '\n']) && !rest.is_empty() {
        return w.to_string();
    }
    let rest = rest.trim_start_matches('.').trim_start();
    let heading = heading.trim();
    if !heading.is_empty() {
        let (first, after) = rest.split_once('\n').unwrap_or((rest, ""));
        if first.trim() == heading {
            return after.trim_start().to_string();
        }
    }
    rest.to_string()
}

/// "Điều này", "Khoản này", "Điểm này".
fn this(kind: NodeKind) -> String {
    let w = kind.word();
    let mut c = w.chars();
    let cap: String = c
        .next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default();
    format!("{cap} này")
}

/// Numbers the footnotes in text order: one at each provision a change names.
fn number_footnotes(items: &mut [Item]) -> Vec<Footnote> {
    let mut notes = Vec::new();
    for item in items.iter_mut() {
        let Some(c) = item.change.as_ref().filter(|c| c.direct) else {
            continue;
        };
        let gap = matches!(item.mark, Mark::Gap | Mark::AddedGap);
        let verb = match item.mark {
            Mark::Added | Mark::AddedGap => "được bổ sung",
            _ => c.kind.verb(),
        };
        let mut text = if c.kind == ChangeKind::Expire && item.mark == Mark::Ceased {
            // A declared expiry is published, not enacted: no provision "quy định" it.
            format!(
                "{} {verb} theo {}, từ ngày {}",
                this(item.kind),
                c.source.citation(),
                date_vn(c.on)
            )
        } else {
            format!(
                "{} {verb} theo quy định tại {}, có hiệu lực kể từ ngày {}",
                this(item.kind),
                c.source.citation(),
                date_vn(c.on)
            )
        };
        if gap {
            text.push_str("; nội dung sửa đổi chưa được nhập");
        }
        text.push('.');
        let number = notes.len() + 1;
        item.footnote = Some(number);
        notes.push(Footnote {
            number,
            key: item.key.clone(),
            text,
            link: c.source.link(),
            gap,
        });
    }
    notes
}

#[cfg(test)]
mod tests;
