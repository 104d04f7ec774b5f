//! The generated corpus: units, authorities, documents of realistic Vietnamese local
//! legislation and effects among them, as JSON Lines records; and the search benchmark's
//! queries drawn from the same vocabulary. Deterministic: a seed gives the same bytes.

use std::io::Write;
use std::path::Path;

use chrono::{Days, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::exchange::records::*;

const SUBJECTS: &[&str] = &[
    "hỗ trợ phát triển nuôi trồng thủy sản",
    "mức thu phí, lệ phí trên địa bàn",
    "bảng giá đất giai đoạn",
    "hạn mức giao đất ở",
    "chế độ đối với người hoạt động không chuyên trách ở cấp xã",
    "quy chế phối hợp quản lý nhà nước về tài nguyên nước",
    "tổ chức bộ phận tiếp nhận và trả kết quả giải quyết thủ tục hành chính",
    "chính sách khuyến khích xã hội hóa giáo dục",
    "phân cấp quản lý công trình giao thông nông thôn",
    "định mức chi cho công tác phổ biến, giáo dục pháp luật",
    "quản lý chất thải rắn sinh hoạt",
    "bảo vệ rừng ngập mặn ven biển",
    "hỗ trợ đào tạo nghề cho lao động nông thôn",
    "quy định về hoạt động kinh doanh karaoke, vũ trường",
];

const HEADINGS: &[&str] = &[
    "Phạm vi điều chỉnh",
    "Đối tượng áp dụng",
    "Giải thích từ ngữ",
    "Nguyên tắc thực hiện",
    "Mức hỗ trợ",
    "Điều kiện được hỗ trợ",
    "Hồ sơ, trình tự, thủ tục",
    "Nguồn kinh phí",
    "Trách nhiệm của cơ quan, đơn vị",
    "Xử lý vi phạm",
    "Điều khoản chuyển tiếp",
    "Tổ chức thực hiện",
    "Hiệu lực thi hành",
];

const PHRASES: &[&str] = &[
    "Ủy ban nhân dân cấp xã có trách nhiệm",
    "tổ chức, cá nhân có hoạt động liên quan",
    "theo quy định của pháp luật hiện hành",
    "hộ gia đình, cá nhân nuôi tôm quảng canh cải tiến",
    "Sở Tài chính chủ trì, phối hợp với các sở, ngành",
    "kinh phí được bố trí trong dự toán ngân sách hằng năm",
    "hồ sơ được nộp trực tiếp hoặc qua dịch vụ bưu chính công ích",
    "trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
    "mức hỗ trợ không quá 50% chi phí thực tế",
    "đảm bảo công khai, minh bạch, đúng đối tượng",
    "báo cáo kết quả thực hiện về Ủy ban nhân dân tỉnh trước ngày 15 tháng 12",
    "không áp dụng đối với trường hợp đã được hỗ trợ từ chính sách khác",
    "người đứng đầu cơ quan, đơn vị chịu trách nhiệm trước pháp luật",
    "công khai tại bộ phận tiếp nhận và trả kết quả",
    "thủy lợi, giao thông nông thôn và nước sạch",
    "hòa giải ở cơ sở và phổ biến pháp luật",
];

fn sentence(rng: &mut ChaCha8Rng) -> String {
    let n = rng.gen_range(2..=4);
    let mut parts: Vec<&str> = (0..n)
        .filter_map(|_| PHRASES.choose(rng).copied())
        .collect();
    parts.dedup();
    let mut s = parts.join(", ");
    if let Some(first) = s.chars().next() {
        let upper: String = first.to_uppercase().collect();
        s.replace_range(..first.len_utf8(), &upper);
    }
    s.push('.');
    s
}

struct Issuer {
    code: String,
    symbol: &'static str,
    doc_type: &'static str,
}

/// Who issues a document: the whole country's shape, central bodies, the 34 provinces, their
/// districts (until 30 June 2025) and their communes (from 1 July 2025). Each tier has its
/// share of the documents and the dates it issues on.
#[derive(Clone, Copy)]
enum Tier {
    Central,
    Province,
    District,
    Commune,
}

impl Tier {
    /// The share of documents of each tier, cumulated: central 3%, provinces 47%, districts
    /// 25%, communes 25%.
    const SHARES: [(Tier, f64); 4] = [
        (Tier::Central, 0.03),
        (Tier::Province, 0.50),
        (Tier::District, 0.75),
        (Tier::Commune, 1.0),
    ];

    fn draw(rng: &mut ChaCha8Rng) -> Tier {
        let r: f64 = rng.gen();
        Tier::SHARES
            .iter()
            .find(|(_, upto)| r < *upto)
            .map_or(Tier::Commune, |(t, _)| *t)
    }

    /// The first day it issues on and the number of days after it.
    fn dates(self) -> (NaiveDate, u64) {
        let from = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        match self {
            Tier::Central | Tier::Province => (from(2010, 1, 1), 5800),
            Tier::District => (from(2010, 1, 1), 5659),
            Tier::Commune => (from(2025, 7, 1), 500),
        }
    }
}

/// The shape of the corpus's country.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// 34 provinces of 6 districts, every council and committee equally likely: the corpus of
    /// the figures in BENCHMARKS.md before issue 18 (its bytes never change).
    Provinces,
    /// The whole country: central bodies, the 34 provinces, their districts until 30 June 2025
    /// and 3,332 communes from 1 July 2025, each tier with its share of the documents.
    National,
}

/// The issuers of each tier, by index into one list.
struct Issuers {
    all: Vec<Issuer>,
    tiers: [Vec<usize>; 4],
    shape: Shape,
}

impl Issuers {
    fn add(&mut self, tier: Tier, issuer: Issuer) {
        self.tiers[tier as usize].push(self.all.len());
        self.all.push(issuer);
    }

    /// An issuer: its tier by the tier's share, then one of the tier's at random (any issuer
    /// alike in the provinces' shape, dated as a province's).
    fn draw(&self, rng: &mut ChaCha8Rng) -> (usize, Tier) {
        if self.shape == Shape::Provinces {
            return (rng.gen_range(0..self.all.len()), Tier::Province);
        }
        let tier = Tier::draw(rng);
        let list = &self.tiers[tier as usize];
        (list[rng.gen_range(0..list.len())], tier)
    }
}

/// Central bodies whose documents sit beside the local ones: code, name, number symbol, type.
const CENTRAL: &[(&str, &str, &str, &str)] = &[
    ("QH", "Quốc hội", "QH15", "Luật"),
    ("CP", "Chính phủ", "NĐ-CP", "Nghị định"),
    ("TTG", "Thủ tướng Chính phủ", "QĐ-TTg", "Quyết định"),
    ("BTC", "Bộ Tài chính", "TT-BTC", "Thông tư"),
    ("BTP", "Bộ Tư pháp", "TT-BTP", "Thông tư"),
    ("BNV", "Bộ Nội vụ", "TT-BNV", "Thông tư"),
    (
        "BNNMT",
        "Bộ Nông nghiệp và Môi trường",
        "TT-BNNMT",
        "Thông tư",
    ),
];

/// Communes of each province (3,332 in all, about the country's 3,321 since 1 July 2025).
const COMMUNES_PER_PROVINCE: usize = 98;

/// Writes units, authorities, `documents` documents (~10 articles each) and effects among them.
/// The same arguments always give the same bytes.
pub fn generate(documents: usize, seed: u64, out: &mut dyn Write) -> std::io::Result<()> {
    generate_with(documents, seed, &[], out)
}

/// Sentences of real legal text to draw clauses from: every sentence of the articles of an
/// ALQAC law file (so the vocabulary has a realistic spread). Deterministic for a given file.
pub fn sentences_from_laws(path: &Path) -> anyhow::Result<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Law {
        articles: Vec<Art>,
    }
    #[derive(serde::Deserialize)]
    struct Art {
        text: String,
    }
    let laws: Vec<Law> = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let mut out = Vec::new();
    for law in laws {
        for a in law.articles {
            for part in a.text.split(['\n', '.', ';']) {
                let t = crate::domain::text::nfc(
                    part.trim_start_matches(|c: char| c.is_ascii_digit() || c == ')' || c == ' '),
                );
                if t.split_whitespace().count() >= 6 {
                    out.push(t);
                }
            }
        }
    }
    Ok(out)
}

/// As [`generate`], drawing clause sentences from `pool` when it is not empty.
pub fn generate_with(
    documents: usize,
    seed: u64,
    pool: &[String],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    generate_shaped(documents, seed, pool, Shape::Provinces, out)
}

/// As [`generate_with`], for a country of the given shape.
pub fn generate_shaped(
    documents: usize,
    seed: u64,
    pool: &[String],
    shape: Shape,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let issuers = write_issuers(out, shape)?;
    let mut numbers = Numbering::default();
    let mut made: Vec<Earlier> = Vec::with_capacity(documents);
    let mut effects = Vec::new();
    for _ in 0..documents {
        let (who, doc, articles) = document(&mut rng, &issuers, &mut numbers, pool);
        let (issued, effective) = (doc.issued_on, doc.effective_on);
        let r = DocumentRef {
            authority: doc.authority.clone(),
            number: doc.number.clone(),
        };
        line(out, &Record::Document(doc))?;
        if let Some(e) = effect_on_earlier(&mut rng, &made, who, issued, &r, effective) {
            effects.push(e);
        }
        made.push(Earlier {
            who,
            doc: r,
            issued,
            articles,
        });
    }
    for e in &effects {
        line(out, e)?;
    }
    out.flush()
}

/// One record, one line.
fn line(out: &mut dyn Write, r: &Record) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, r)?;
    out.write_all(b"\n")
}

/// Writes 34 provinces of 6 districts each (the districts ended on 30 June 2025) and the
/// council and committee of each: the issuers of the documents, in that order. The national
/// shape adds the central bodies first and 98 communes (from 1 July 2025) to each province.
fn write_issuers(out: &mut dyn Write, shape: Shape) -> std::io::Result<Issuers> {
    let provinces = 34;
    let districts_per = 6;
    let national = shape == Shape::National;
    let communes = if national { COMMUNES_PER_PROVINCE } else { 0 };
    let mut issuers = Issuers {
        all: Vec::new(),
        tiers: Default::default(),
        shape,
    };
    for (code, name, symbol, doc_type) in CENTRAL.iter().filter(|_| national) {
        line(
            out,
            &Record::Authority(AuthorityRecord {
                code: (*code).into(),
                name: (*name).into(),
                kind: "central".into(),
                unit: None,
            }),
        )?;
        issuers.add(
            Tier::Central,
            Issuer {
                code: (*code).into(),
                symbol,
                doc_type,
            },
        );
    }
    for p in 0..provinces {
        let pcode = format!("P{p:02}");
        line(
            out,
            &Record::Unit(UnitRecord {
                code: pcode.clone(),
                name: format!("Tỉnh Thử Nghiệm {p}"),
                level: "tinh".into(),
                parent: None,
                valid_from: None,
                valid_to: None,
            }),
        )?;
        let mut units = vec![(pcode.clone(), "tỉnh", Tier::Province)];
        for d in 0..districts_per {
            let dcode = format!("P{p:02}D{d}");
            line(
                out,
                &Record::Unit(UnitRecord {
                    code: dcode.clone(),
                    name: format!("Huyện Mẫu {p}-{d}"),
                    level: "huyen".into(),
                    parent: Some(pcode.clone()),
                    valid_from: None,
                    valid_to: NaiveDate::from_ymd_opt(2025, 6, 30),
                }),
            )?;
            units.push((dcode, "huyện", Tier::District));
        }
        for c in 0..communes {
            let ccode = format!("P{p:02}X{c:02}");
            line(
                out,
                &Record::Unit(UnitRecord {
                    code: ccode.clone(),
                    name: format!("Xã Mẫu {p}-{c}"),
                    level: "xa".into(),
                    parent: Some(pcode.clone()),
                    valid_from: NaiveDate::from_ymd_opt(2025, 7, 1),
                    valid_to: None,
                }),
            )?;
            units.push((ccode, "xã", Tier::Commune));
        }
        for (ucode, level, tier) in units {
            write_unit_issuers(out, &ucode, level, tier, &mut issuers)?;
        }
    }
    Ok(issuers)
}

/// The council (HĐND) and the committee (UBND) of one unit.
fn write_unit_issuers(
    out: &mut dyn Write,
    ucode: &str,
    level: &str,
    tier: Tier,
    issuers: &mut Issuers,
) -> std::io::Result<()> {
    for (kind, symbol, doc_type, prefix) in [
        ("hdnd", "NQ-HĐND", "Nghị quyết", "HDND"),
        ("ubnd", "QĐ-UBND", "Quyết định", "UBND"),
    ] {
        let code = format!("{prefix}-{ucode}");
        let name = format!(
            "{} {level} {ucode}",
            if kind == "hdnd" {
                "Hội đồng nhân dân"
            } else {
                "Ủy ban nhân dân"
            }
        );
        line(
            out,
            &Record::Authority(AuthorityRecord {
                code: code.clone(),
                name,
                kind: kind.into(),
                unit: Some(ucode.to_string()),
            }),
        )?;
        issuers.add(
            tier,
            Issuer {
                code,
                symbol,
                doc_type,
            },
        );
    }
    Ok(())
}

/// The last number given by each issuer (by index) in each year.
type Numbering = std::collections::HashMap<(usize, i64), u32>;

/// A document already written, that a later one of its issuer may act on.
struct Earlier {
    who: usize,
    doc: DocumentRef,
    issued: NaiveDate,
    articles: usize,
}

/// The next document: its issuer (index), the record, and its number of articles.
fn document(
    rng: &mut ChaCha8Rng,
    issuers: &Issuers,
    numbers: &mut Numbering,
    pool: &[String],
) -> (usize, DocumentRecord, usize) {
    let (who, tier) = issuers.draw(rng);
    let issuer = &issuers.all[who];
    let (base, days) = tier.dates();
    let issued = base + Days::new(rng.gen_range(0..days));
    let year = chrono::Datelike::year(&issued) as i64;
    let n = numbers.entry((who, year)).or_insert(0);
    *n += 1;
    let number = format!("{}/{year}/{}", *n, issuer.symbol);
    let subject = SUBJECTS.choose(rng).copied().unwrap_or("quản lý");
    let articles = rng.gen_range(8..=12);
    let text = document_text(rng, subject, articles, pool);
    let effective = issued + Days::new(rng.gen_range(10..40));
    let doc = DocumentRecord {
        authority: issuer.code.clone(),
        doc_type: issuer.doc_type.into(),
        number,
        title: format!(
            "{} {subject} năm {year}",
            if issuer.doc_type == "Nghị quyết" {
                "Quy định"
            } else {
                "Ban hành quy định về"
            }
        ),
        fields: vec!["Hành chính".into()],
        signer: "Nguyễn Văn A".into(),
        signer_position: "Chủ tịch".into(),
        issued_on: issued,
        effective_on: effective,
        end_on: rng
            .gen_bool(0.05)
            .then(|| effective + Days::new(rng.gen_range(365..2000))),
        gazette: None,
        place: None,
        signing_capacity: None,
        signing_for: None,
        normative: None,
        provisions_effective: Vec::new(),
        withdrawn: None,
        text,
    };
    (who, doc, articles)
}

/// The preamble and `articles` articles of one to three clauses, drawn from `pool` when it is
/// not empty, else made up.
fn document_text(rng: &mut ChaCha8Rng, subject: &str, articles: usize, pool: &[String]) -> String {
    let mut text = format!("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\nCăn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015;\nQuy định {subject}.\n");
    for a in 1..=articles {
        let heading = HEADINGS[(a - 1) % HEADINGS.len()];
        text.push_str(&format!("Điều {a}. {heading}\n"));
        for k in 1..=rng.gen_range(1..=3) {
            let s = match pool.choose(rng) {
                Some(real) => format!("{real}."),
                None => sentence(rng),
            };
            text.push_str(&format!("{k}. {s}\n"));
        }
    }
    text
}

/// One document in five acts (amends, replaces or repeals) on an earlier one of the same
/// issuer, among the last 2000 written.
fn effect_on_earlier(
    rng: &mut ChaCha8Rng,
    made: &[Earlier],
    who: usize,
    issued: NaiveDate,
    acting: &DocumentRef,
    effective: NaiveDate,
) -> Option<Record> {
    if !rng.gen_bool(0.2) {
        return None;
    }
    let target = made
        .iter()
        .rev()
        .take(2000)
        .find(|m| m.who == who && m.issued < issued)?;
    let kind = ["amend", "replace", "repeal"][rng.gen_range(0..3)];
    let provisions = if kind == "replace" {
        vec![]
    } else {
        vec![format!("Điều {}", rng.gen_range(1..=target.articles))]
    };
    Some(Record::Effect(EffectRecord {
        acting: acting.clone(),
        target: target.doc.clone(),
        kind: kind.into(),
        provisions,
        effective_on: Some(effective),
        until: None,
        note: None,
        wording: None,
    }))
}

/// 200 realistic queries for the generated corpus: 2–6 syllables of its phrases and subjects,
/// half of them typed without diacritics, one in ten a document number in some shape.
/// The seed of the 200 queries of `bench-search` (and of the HTTP load script).
pub const SEARCH_QUERY_SEED: u64 = 11;

pub fn search_queries(seed: u64) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(200);
    let sources: Vec<&str> = PHRASES
        .iter()
        .chain(SUBJECTS.iter())
        .chain(HEADINGS.iter())
        .copied()
        .collect();
    while out.len() < 200 {
        if out.len() % 10 == 9 {
            let n = rng.gen_range(1..20);
            let year = rng.gen_range(2010..2025);
            out.push(match rng.gen_range(0..3) {
                0 => format!("{n}/{year}/NQ-HĐND"),
                1 => format!("{n}/{year}/qđ-ubnd"),
                _ => format!("NQ {n}/{year}"),
            });
            continue;
        }
        let src = sources.choose(&mut rng).copied().unwrap_or("quy định");
        let words: Vec<&str> = src.split_whitespace().collect();
        let len = rng.gen_range(2..=6).min(words.len());
        let start = rng.gen_range(0..=words.len() - len);
        let q = words[start..start + len].join(" ").to_lowercase();
        out.push(if rng.gen_bool(0.5) {
            crate::domain::text::fold(&q)
        } else {
            q
        });
    }
    out
}
