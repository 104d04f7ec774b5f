//! Tests of the search: number terms, and every search checked against tantivy's own
//! collectors on random corpora.

mod numbers {
    use super::super::*;

    #[test]
    fn numbers_in_any_shape() {
        assert_eq!(number_terms("15/2018/NQ-HĐND"), ["15/2018/NQ-HDND"]);
        assert_eq!(number_terms("15/2018/nq-hdnd"), ["15/2018/NQ-HDND"]);
        assert_eq!(number_terms("NQ 15/2018"), ["15/2018/NQ", "15/2018"]);
        assert_eq!(number_terms("NQ 15 2018"), ["15/2018/NQ"]);
        assert_eq!(number_terms("nghị quyết 15/2018 về thủy sản"), ["15/2018"]);
        assert!(number_terms("quyền dân sự").is_empty());
    }
}

mod knobs {
    use super::super::terms::text_terms;
    use super::super::*;
    use tantivy::Term;

    fn has(terms: &[(Term, f32)], field: tantivy::schema::Field, text: &str) -> Option<f32> {
        let t = Term::from_field_text(field, text);
        terms.iter().find(|(x, _)| *x == t).map(|(_, b)| *b)
    }

    /// "Điều 22" in a question keeps pointing at that article whatever the other knobs, though
    /// "điều" is a stop word of the text.
    #[test]
    fn the_article_cue_survives() {
        let (_, f) = crate::search::index::in_memory();
        let q = "Theo Điều 22 thì người lao động được nghỉ bao nhiêu ngày?";
        for k in crate::search::eval::candidates() {
            let terms = text_terms(&f, q, &k.knobs);
            assert_eq!(
                has(&terms, f.article_key, "dieu-22"),
                (k.knobs.article_named > 0.0).then_some(k.knobs.article_named),
                "{}",
                k.name
            );
        }
        assert_eq!(article_refs("điều 10, điều 11."), ["dieu-10", "dieu-11"]);
    }

    /// Each new signal adds its terms when on, none when off.
    #[test]
    fn signals_add_terms_only_when_on() {
        let (_, f) = crate::search::index::in_memory();
        let q = "UBND cấp xã giải quyết hồ sơ trong mười lăm ngày làm việc thế nào";
        let off = Knobs::PRODUCTION;
        let on = Knobs {
            reversed_pairs: 0.5,
            skip_pairs: 0.5,
            abbreviations: 0.5,
            number_words: 0.5,
            ..off
        };
        let t_off = text_terms(
            &f,
            q,
            &Knobs {
                reversed_pairs: 0.0,
                skip_pairs: 0.0,
                abbreviations: 0.0,
                number_words: 0.0,
                ..off
            },
        );
        let t_on = text_terms(&f, q, &on);
        for (field, text) in [
            (f.body[3], "xa_cap"),   // reversed
            (f.body[3], "cap_giai"), // one apart
            (f.body[2], "uỷ_ban"),   // long form of UBND
            (f.body[0], "15"),       // digits of mười lăm
        ] {
            assert!(has(&t_off, field, text).is_none(), "{text}");
            assert!(has(&t_on, field, text).is_some_and(|b| b > 0.0), "{text}");
        }
        // A few keywords get none of them (every word is required already).
        let short = text_terms(&f, "UBND cấp xã", &on);
        assert!(has(&short, f.body[2], "uỷ_ban").is_none());
    }
}

mod browse {
    use super::super::hits::text_of;
    use super::super::terms::{filters, word_query};
    use super::super::*;
    use crate::search::index::Fields;
    use tantivy::collector::TopDocs;
    use tantivy::query::{
        intersect_scorers, BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query, Scorer,
        TermQuery,
    };
    use tantivy::schema::{IndexRecordOption, Value};
    use tantivy::{DocSet, Searcher, TantivyDocument, Term, TERMINATED};

    const WORDS: &[&str] = &[
        "thủy", "sản", "nuôi", "trồng", "hỗ", "trợ", "chi", "phí", "giống", "rừng", "bảo", "vệ",
        "đất", "đai", "hành", "chính", "thủ", "tục",
    ];
    const TYPES: &[&str] = &["Nghị quyết", "Quyết định", "Chỉ thị"];
    const STATUSES: &[&str] = &["con-hieu-luc", "het-hieu-luc", "chua-co-hieu-luc"];

    /// An article of a decision in force issued in 2020, with this title and text.
    fn article<'a>(id: i64, title: &'a str, text: &'a str) -> crate::search::index::Unit<'a> {
        crate::search::index::Unit::sample("article", id, title, text)
    }

    /// An index of `n` small units with words, types, statuses and years drawn from `seed`.
    fn corpus(n: usize, seed: u64) -> (tantivy::Index, Fields) {
        corpus_in_segments_of(n, seed, 97)
    }

    /// As [`corpus`], committed every `segment` units.
    fn corpus_in_segments_of(n: usize, seed: u64, segment: usize) -> (tantivy::Index, Fields) {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let (index, f) = crate::search::index::in_memory();
        let mut w = index.writer_with_num_threads(1, 30_000_000).unwrap();
        // Segments stay as committed: the test needs several.
        w.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        for id in 0..n {
            let len = rng.gen_range(3..30);
            let text: Vec<&str> = (0..len)
                .map(|_| WORDS[rng.gen_range(0..WORDS.len())])
                .collect();
            let text = text.join(" ");
            let unit = crate::search::index::Unit {
                // A few procedures: a scope so rare that it leads the ranking.
                kind: if rng.gen_bool(0.3) {
                    "document"
                } else if id % 37 == 5 {
                    "procedure"
                } else {
                    "article"
                },
                doc_id: i64::try_from(id).unwrap(),
                article: None,
                number: "1/2020/QĐ-UBND",
                number_keys: &[],
                title: "Quy định",
                text: &text,
                doc_type: TYPES[rng.gen_range(0..TYPES.len())],
                fields: &[],
                status: STATUSES[rng.gen_range(0..STATUSES.len())],
                authority_id: rng.gen_range(1..4),
                authority: "UBND",
                issued_on: chrono::NaiveDate::from_ymd_opt(rng.gen_range(2015..2025), 1, 1)
                    .unwrap(),
            };
            w.add_document(crate::search::index::to_document(&f, &unit))
                .unwrap();
            // Several segments, as in a real index.
            if id % segment == segment - 1 {
                w.commit().unwrap();
            }
        }
        w.commit().unwrap();
        (index, f)
    }

    /// The same search done the plain way: tantivy's own top documents and count over
    /// the whole query, and facets counted one document at a time.
    /// Count, (score, document) hits in order, and facet counts.
    type Reference = (usize, Vec<(f32, u64)>, Vec<(String, u64)>);

    fn reference(searcher: &Searcher, f: &Fields, p: &Params) -> Reference {
        use tantivy::collector::{Count, DocSetCollector};
        let text = text_query(f, &p.q);
        let strict = keyword_filter(searcher, f, &p.q);
        let run = |strict: Option<Vec<String>>| {
            let mut c = filters(f, p);
            if let Some(s) = strict {
                let every: Vec<(Occur, Box<dyn Query>)> =
                    s.iter().map(|w| (Occur::Must, word_query(f, w))).collect();
                c.push((
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(
                        Box::new(BooleanQuery::new(every)),
                        0.0,
                    )),
                ));
            }
            c.push((Occur::Must, text.as_ref().unwrap().box_clone()));
            let q = BooleanQuery::new(c);
            let (top, count, all) = searcher
                .search(&q, &(TopDocs::with_limit(p.limit), Count, DocSetCollector))
                .unwrap();
            (q, top, count, all)
        };
        let (mut _q, mut top, mut count, mut all) = run(strict);
        if count == 0 {
            (_q, top, count, all) = run(None);
        }
        let ids = top
            .iter()
            .map(|(score, a)| {
                let d: TantivyDocument = searcher.doc(*a).unwrap();
                (
                    *score,
                    d.get_first(f.doc_id).and_then(|v| v.as_u64()).unwrap(),
                )
            })
            .collect();
        let mut facets = BTreeMap::<String, u64>::new();
        for a in all {
            let d: TantivyDocument = searcher.doc(a).unwrap();
            *facets
                .entry(format!("type/{}", text_of(&d, f.doc_type)))
                .or_default() += 1;
            *facets
                .entry(format!("status/{}", text_of(&d, f.status)))
                .or_default() += 1;
        }
        (count, ids, facets.into_iter().collect())
    }

    /// Hits as groups of equal score in rank order (documents within a group in any order; the
    /// last group may be cut by the page, so only its size counts). The plain search adds the
    /// filters' constant scores, so groups are found from score differences.
    fn tie_groups(hits: &[(f32, u64)]) -> Vec<Vec<u64>> {
        let mut groups: Vec<Vec<u64>> = Vec::new();
        let mut last: Option<f32> = None;
        for (score, id) in hits {
            match (last, groups.last_mut()) {
                (Some(l), Some(g)) if (l - score).abs() <= 1e-4 * l.abs().max(1.0) => g.push(*id),
                _ => groups.push(vec![*id]),
            }
            last = Some(*score);
        }
        for g in groups.iter_mut() {
            g.sort_unstable();
        }
        if let Some(g) = groups.last_mut() {
            *g = vec![g.len() as u64];
        }
        groups
    }

    #[test]
    fn every_word_bitset_has_the_documents_of_the_leapfrog_intersection() {
        use crate::search::conjunctive::{EitherField, EveryWord};
        let (index, f) = corpus(1500, 7);
        let searcher = index.reader().unwrap().searcher();
        let fields = [f.body[1], f.title_idx[1]];
        let mut nonempty = 0;
        for words in [
            vec!["thuy", "san"],
            vec!["ho", "tro", "chi", "phi"],
            vec!["rung"],
            vec!["bao", "ve", "rung", "dat"],
            vec!["rung", "khongcochu"],
        ] {
            let words: Vec<String> = words.into_iter().map(String::from).collect();
            for (reader, kind) in searcher
                .segment_readers()
                .iter()
                .flat_map(|r| [(r, "document"), (r, "article")])
            {
                let within = Term::from_field_text(f.kind, kind);
                let mut parts: Vec<Box<dyn Scorer>> = words
                    .iter()
                    .map(|w| {
                        Box::new(EitherField::open(reader, &fields, w).unwrap()) as Box<dyn Scorer>
                    })
                    .collect();
                parts.push(
                    TermQuery::new(within.clone(), IndexRecordOption::Basic)
                        .weight(EnableScoring::disabled_from_searcher(&searcher))
                        .unwrap()
                        .scorer(reader, 1.0)
                        .unwrap(),
                );
                let mut leapfrog = intersect_scorers(parts);
                let mut expected = Vec::new();
                while leapfrog.doc() != TERMINATED {
                    expected.push(leapfrog.doc());
                    leapfrog.advance();
                }
                let mut bits = EveryWord::open(reader, &fields, &words, &within, true)
                    .unwrap()
                    .unwrap();
                assert_eq!(bits.size_hint() as usize, expected.len(), "{words:?}");
                let mut got = Vec::new();
                while bits.doc() != TERMINATED {
                    got.push(bits.doc());
                    bits.advance();
                }
                assert_eq!(got, expected, "{words:?}");
                nonempty += usize::from(!got.is_empty());
                // Seeking lands on the first document at or after the target.
                let mut bits = EveryWord::open(reader, &fields, &words, &within, true)
                    .unwrap()
                    .unwrap();
                for target in (0..reader.max_doc() + 70).step_by(37) {
                    let want = expected
                        .iter()
                        .copied()
                        .find(|&d| d >= target.max(bits.doc()))
                        .unwrap_or(TERMINATED);
                    assert_eq!(bits.seek(target), want, "{words:?} seek {target}");
                }
            }
        }
        assert!(nonempty > 5, "the words must be found: {nonempty}");
    }

    /// A word too rare to be kept as a bitset is read from its postings in the text and in
    /// the title; a dense word from the bitset kept for the segment. Both give the units having
    /// the word in either field.
    #[test]
    fn every_word_reads_rare_words_from_both_fields_and_dense_ones_from_the_segment() {
        use crate::search::conjunctive::EveryWord;
        let (index, f) = crate::search::index::in_memory();
        let mut w = index.writer_with_num_threads(1, 30_000_000).unwrap();
        // 80 articles: "chung" in every text; "hiem" in the text of 3 and the title of 2
        // others (5 in 80: fewer than one in eight).
        for id in 0..80i64 {
            let text = if [3, 40, 77].contains(&id) {
                "chung hiem"
            } else {
                "chung khac"
            };
            let title = if id == 10 || id == 50 {
                "Quy định hiếm"
            } else {
                "Quy định"
            };
            let unit = article(id, title, text);
            w.add_document(crate::search::index::to_document(&f, &unit))
                .unwrap();
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let reader = &searcher.segment_readers()[0];
        let fields = [f.body[1], f.title_idx[1]];
        let dense = crate::search::dense::dense_words(reader, &fields).unwrap();
        assert!(dense.get("chung").is_some() && dense.get("hiem").is_none());
        let within = Term::from_field_text(f.kind, "article");
        let ids = |words: &[&str]| -> Vec<i64> {
            let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            let mut every = EveryWord::open(reader, &fields, &words, &within, true)
                .unwrap()
                .unwrap();
            let mut ids = Vec::new();
            while every.doc() != TERMINATED {
                let d: TantivyDocument = searcher
                    .doc(tantivy::DocAddress::new(0, every.doc()))
                    .unwrap();
                ids.push(d.get_first(f.doc_id).and_then(|v| v.as_u64()).unwrap() as i64);
                every.advance();
            }
            ids.sort();
            ids
        };
        assert_eq!(ids(&["hiem"]), vec![3, 10, 40, 50, 77]);
        assert_eq!(ids(&["chung", "hiem"]), vec![3, 10, 40, 50, 77]);
        assert_eq!(ids(&["chung"]).len(), 80);
        assert_eq!(ids(&["chung", "khac"]).len(), 77);
    }

    /// The facet counts of the type and status roots, as the reference gives them.
    fn type_and_status(r: &Results) -> Vec<(String, u64)> {
        let mut counts: Vec<(String, u64)> = ["type", "status"]
            .iter()
            .flat_map(|root| {
                r.facets[*root]
                    .iter()
                    .map(move |c| (format!("{root}/{}", c.value), c.count))
            })
            .collect();
        counts.sort();
        counts
    }

    /// The hits' scores and document ids, in order.
    fn scored_ids(r: &Results) -> Vec<(f32, u64)> {
        r.hits
            .iter()
            .map(|h| (h.score, h.document_id as u64))
            .collect()
    }

    #[test]
    fn same_hits_counts_and_facets_as_the_plain_search() {
        let (index, f) = corpus(1500, 7);
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 3);
        let queries = [
            "thủy sản",
            "thuy san",
            "hỗ trợ chi phí giống",
            "bảo vệ rừng đất đai hành chính",
            "thủ tục hành chính hỗ trợ nuôi trồng thủy sản ở đâu",
            "rung",
            "giống",
        ];
        for q in queries {
            for scope in [Scope::Documents, Scope::Articles, Scope::Procedures] {
                // Narrow filters, and the procedures (one unit in 37), whose rarity makes the
                // constraint lead the ranking of partial matches.
                for (status, authority) in [
                    (None, None),
                    (Some("con-hieu-luc"), None),
                    (Some("con-hieu-luc"), Some(2)),
                ] {
                    let mut p = Params::new(q, scope);
                    p.limit = 15;
                    p.facets = true;
                    p.status = status.map(str::to_string);
                    p.authority_ids = authority.map(|a| vec![a]);
                    let r = search(&searcher, &f, &p).unwrap();
                    let (count, ids, facets) = reference(&searcher, &f, &p);
                    assert!(r.total_exact, "{q}: {} matches is under the cap", r.total);
                    assert_eq!(r.total, count, "{q} {scope:?} {status:?}: count");
                    let got = scored_ids(&r);
                    assert_eq!(
                        tie_groups(&got),
                        tie_groups(&ids),
                        "{q} {scope:?} {status:?}: hits in order"
                    );
                    let mine = type_and_status(&r);
                    assert_eq!(mine, facets, "{q} {scope:?} {status:?}: facets");
                }
            }
        }
    }

    /// In large segments, where windows of blocks that cannot beat the best scores are counted
    /// without being scored, counts and facets stay those of the plain search.
    #[test]
    fn counts_and_facets_stay_exact_where_windows_are_skipped() {
        let (index, f) = corpus_in_segments_of(6000, 11, 2500);
        let searcher = index.reader().unwrap().searcher();
        for q in [
            "thuy san",
            "ho tro chi phi",
            "rung",
            "giong nuoi",
            "thủy sản",
        ] {
            for scope in [Scope::Documents, Scope::Articles] {
                for limit in [1, 10] {
                    let mut p = Params::new(q, scope);
                    p.limit = limit;
                    p.facets = true;
                    let r = search(&searcher, &f, &p).unwrap();
                    let (count, ids, facets) = reference(&searcher, &f, &p);
                    assert!(r.total_exact, "{q}: every word required, counted exactly");
                    assert_eq!(r.total, count, "{q} {scope:?} top {limit}: count");
                    let got = scored_ids(&r);
                    assert_eq!(tie_groups(&got), tie_groups(&ids), "{q} {scope:?}: hits");
                    let mine = type_and_status(&r);
                    assert_eq!(mine, facets, "{q} {scope:?} top {limit}: facets");
                }
            }
        }
    }

    #[test]
    fn a_search_that_only_ranks_finds_the_same_hits() {
        // Large segments: many blocks of postings, windows of blocks skipped.
        let (index, f) = corpus_in_segments_of(6000, 11, 2500);
        let searcher = index.reader().unwrap().searcher();
        let queries = [
            "thủy sản",
            "thuy san",
            "hỗ trợ chi phí giống",
            "bảo vệ rừng đất đai hành chính",
            "thủ tục hành chính hỗ trợ nuôi trồng thủy sản ở đâu",
            "rung",
            "không có từ này",
        ];
        for q in queries {
            for scope in [Scope::Documents, Scope::Articles, Scope::Procedures] {
                for (limit, authority) in [(1, None), (10, None), (20, None), (10, Some(3))] {
                    let mut counted = Params::new(q, scope);
                    counted.limit = limit;
                    counted.authority_ids = authority.map(|a| vec![a]);
                    let mut ranked = counted.clone();
                    ranked.count = false;
                    let all = search(&searcher, &f, &counted).unwrap();
                    let some = search(&searcher, &f, &ranked).unwrap();
                    let pairs = |r: &Results| -> Vec<(f32, u64)> {
                        r.hits
                            .iter()
                            .map(|h| (h.score, h.document_id as u64))
                            .collect()
                    };
                    assert_eq!(
                        tie_groups(&pairs(&some)),
                        tie_groups(&pairs(&all)),
                        "{q} {scope:?} top {limit}: hits in order"
                    );
                    assert!(!some.total_exact, "{q}: an uncounted total is not exact");
                    assert_eq!(some.total == 0, all.total == 0, "{q}: found at all");
                    assert!(some.total <= all.total.max(some.hits.len()));
                }
            }
        }
    }

    #[test]
    fn searches_sharing_the_words_bitsets_find_what_each_finds_alone() {
        let (index, f) = corpus_in_segments_of(6000, 11, 2500);
        let searcher = index.reader().unwrap().searcher();
        let run = |q: &str, scope: Scope, status: Option<&str>| {
            let mut p = Params::new(q, scope);
            p.limit = 20;
            p.facets = true;
            p.status = status.map(str::to_string);
            let r = search(&searcher, &f, &p).unwrap();
            let hits: Vec<(f32, u64)> = r
                .hits
                .iter()
                .map(|h| (h.score, h.document_id as u64))
                .collect();
            (r.total, tie_groups(&hits), format!("{:?}", r.facets))
        };
        for q in [
            "hỗ trợ chi phí giống",
            "thuy san nuoi trong",
            "bảo vệ rừng đất đai",
        ] {
            let alone: Vec<_> = [
                (Scope::Documents, None),
                (Scope::Articles, None),
                (Scope::Articles, Some("con-hieu-luc")),
            ]
            .iter()
            .map(|(scope, status)| run(q, *scope, *status))
            .collect();
            let shared: Vec<_> = crate::search::sharing_words(|| {
                [
                    (Scope::Documents, None),
                    (Scope::Articles, None),
                    (Scope::Articles, Some("con-hieu-luc")),
                ]
                .iter()
                .map(|(scope, status)| run(q, *scope, *status))
                .collect()
            });
            assert_eq!(shared, alone, "{q}");
            assert!(alone[0].0 > 0 && alone[1].0 > 0, "{q}: found");
            assert_ne!(alone[0], alone[1], "{q}: the scopes differ");
        }
    }

    #[test]
    fn ranking_skips_only_documents_that_cannot_beat_the_threshold() {
        use crate::search::conjunctive::{Evaluation, SegmentTerms, TermWeight};
        let (index, f) = corpus_in_segments_of(6000, 11, 2500);
        let searcher = index.reader().unwrap().searcher();
        let mut skipped = 0;
        for q in ["hỗ trợ chi phí giống", "thuy san", "bảo vệ rừng đất đai"] {
            let weights: Vec<TermWeight> =
                super::super::terms::text_terms(&f, q, &super::super::terms::Knobs::PRODUCTION)
                    .iter()
                    .map(|(t, b)| TermWeight::new(&searcher, t, *b).unwrap())
                    .collect();
            for reader in searcher.segment_readers() {
                // Every document's score, none pruned.
                let mut all = SegmentTerms::open(reader, &weights).unwrap();
                let scores: Vec<Option<f32>> = (0..reader.max_doc())
                    .map(|d| match all.evaluate(d, f32::MIN) {
                        Evaluation::Scored(s) => Some(s),
                        _ => None,
                    })
                    .collect();
                let mut sorted: Vec<f32> = scores.iter().flatten().copied().collect();
                sorted.sort_by(f32::total_cmp);
                let threshold = sorted[sorted.len() - sorted.len() / 100 - 1];
                let mut ranked = SegmentTerms::open(reader, &weights).unwrap();
                let mut doc = 0;
                while doc < reader.max_doc() {
                    match ranked.rank(doc, threshold) {
                        Ok(s) => {
                            assert_eq!(Some(s), scores[doc as usize], "{q}: doc {doc}");
                            doc += 1;
                        }
                        Err(next) => {
                            let next = next.min(reader.max_doc());
                            for d in doc..next {
                                assert!(
                                    scores[d as usize].is_none_or(|s| s < threshold),
                                    "{q}: doc {d} scores {:?} ≥ {threshold}, skipped",
                                    scores[d as usize]
                                );
                            }
                            skipped += (next - doc).saturating_sub(1);
                            doc = next.max(doc + 1);
                        }
                    }
                }
            }
        }
        assert!(skipped > 50, "windows are skipped whole: {skipped}");
    }

    /// The index stores the beginning of a long text (where snippets come from) and indexes
    /// all of it.
    #[test]
    fn a_long_text_is_found_by_its_last_words_and_only_its_beginning_is_stored() {
        let (index, f) = crate::search::index::in_memory();
        let mut w = index.writer_with_num_threads(1, 30_000_000).unwrap();
        let long = format!("{}chốt cuối", "thủy sản ".repeat(1_000));
        assert!(long.len() > 9_000);
        w.add_document(crate::search::index::to_document(
            &f,
            &article(1, "Quy định", &long),
        ))
        .unwrap();
        w.add_document(crate::search::index::to_document(
            &f,
            &article(2, "Quy định", "chốt cuối ở đầu"),
        ))
        .unwrap();
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let stored: TantivyDocument = searcher.doc(tantivy::DocAddress::new(0, 0)).unwrap();
        let stored = text_of(&stored, f.text);
        let most = crate::search::index::STORED_TEXT_BYTES;
        assert_eq!(most, 6_000);
        assert!(
            stored.len() <= most && stored.len() > most - 10,
            "{}",
            stored.len()
        );
        assert!(long.starts_with(&stored));
        let mut p = Params::new("chốt cuối", Scope::Articles);
        p.snippets = true;
        let r = search(&searcher, &f, &p).unwrap();
        let ids: Vec<i64> = r.hits.iter().map(|h| h.document_id).collect();
        assert_eq!(ids.len(), 2, "{ids:?}");
        assert!(ids.contains(&1));
        for h in &r.hits {
            if h.document_id == 1 {
                // The words are past the stored beginning: the snippet is its first 240 chars.
                assert_eq!(
                    h.snippet,
                    "thủy sản ".repeat(30)[..]
                        .chars()
                        .take(240)
                        .collect::<String>()
                );
            } else {
                assert!(h.snippet.contains("<mark>chốt</mark>"), "{}", h.snippet);
            }
        }
    }

    /// The snippets are tantivy's snippet generator's, made from the text's analysis.
    #[test]
    fn snippets_are_those_of_tantivys_generator() {
        use rand::{Rng, SeedableRng};
        use tantivy::query::{BooleanQuery, Occur, Query};
        let (index, f) = corpus(400, 11);
        let searcher = index.reader().unwrap().searcher();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let extra = [
            "",
            ",",
            ".",
            " & ",
            " <b>",
            "\"",
            "'",
            " THỦY SẢN",
            " Hỗ Trợ",
            "\n",
            " 12/2020",
            " (đ)",
        ];
        let mut compared = 0;
        let mut marked = 0;
        for _ in 0..300 {
            let len = rng.gen_range(0..160);
            let mut text = String::new();
            for _ in 0..len {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(WORDS[rng.gen_range(0..WORDS.len())]);
                if rng.gen_bool(0.1) {
                    text.push_str(extra[rng.gen_range(0..extra.len())]);
                }
            }
            let q: Vec<&str> = (0..rng.gen_range(1..5))
                .map(|_| WORDS[rng.gen_range(0..WORDS.len())])
                .collect();
            let mut q = q.join(" ");
            if rng.gen_bool(0.5) {
                q = crate::search::analyzer::analyze(&q, crate::search::analyzer::Mode::Folded)
                    .into_iter()
                    .map(|t| t.text)
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            let words: Vec<(Occur, Box<dyn Query>)> =
                crate::search::analyzer::analyze(&q, crate::search::analyzer::Mode::Folded)
                    .into_iter()
                    .map(|t| {
                        let q: Box<dyn Query> = Box::new(TermQuery::new(
                            Term::from_field_text(f.body[1], &t.text),
                            IndexRecordOption::WithFreqs,
                        ));
                        (Occur::Should, q)
                    })
                    .collect();
            let mut g = tantivy::snippet::SnippetGenerator::create(
                &searcher,
                &BooleanQuery::new(words),
                f.body[1],
            )
            .unwrap();
            g.set_max_num_chars(240);
            let mut want = g.snippet(&text);
            want.set_snippet_prefix_postfix("<mark>", "</mark>");
            let want = if want.fragment().is_empty() {
                String::new()
            } else {
                want.to_html()
            };
            let got = super::super::hits::Snippets::new(&searcher, &f, &q)
                .unwrap()
                .html(&text);
            assert_eq!(got, want, "query {q:?} in {text:?}");
            compared += 1;
            marked += usize::from(got.contains("<mark>"));
        }
        assert_eq!(compared, 300);
        assert!(marked > 200, "the words are found: {marked}");
    }

    #[test]
    fn counts_stop_at_the_cap_and_say_so() {
        // Every unit has every word: the count stops at the cap and is a lower bound.
        let (index, f) = crate::search::index::in_memory();
        // One segment (one thread, one commit), so where the count stops is deterministic.
        let mut w = index.writer_with_num_threads(1, 50_000_000).unwrap();
        for id in 0..(TOTAL_CAP + 2_000) {
            let text = if id % 2 == 0 {
                "thủy sản nuôi trồng"
            } else {
                "nuôi trồng thủy sản ven biển"
            };
            let unit = article(i64::try_from(id).unwrap(), "Quy định", text);
            w.add_document(crate::search::index::to_document(&f, &unit))
                .unwrap();
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        for q in ["thủy sản", "nuôi trồng thủy sản ven biển ở các xã ven sông"] {
            let mut p = Params::new(q, Scope::Articles);
            p.facets = true;
            let r = search(&searcher, &f, &p).unwrap();
            assert!(!r.total_exact, "{q}");
            assert!(
                r.total >= TOTAL_CAP && r.total < TOTAL_CAP + 2_000,
                "{q}: {}",
                r.total
            );
            assert_eq!(r.hits.len(), 10);
            let faceted: u64 = r.facets["type"].iter().map(|c| c.count).sum();
            assert_eq!(faceted as usize, r.total, "facets count what was counted");
        }
        // A filter that leaves few: exact again.
        let mut p = Params::new("thủy sản", Scope::Documents);
        p.facets = true;
        let r = search(&searcher, &f, &p).unwrap();
        assert!(r.total_exact);
        assert_eq!(r.total, 0);
    }

    #[test]
    fn browse_mode_sorts_by_date() {
        let (index, f) = crate::search::index::in_memory();
        let mut w = index.writer(15_000_000).unwrap();
        for (id, day) in [(1, "2020-01-01"), (2, "2022-01-01")] {
            let unit = crate::search::index::Unit {
                kind: "document",
                doc_id: id,
                article: None,
                number: "1/2020/QĐ-UBND",
                number_keys: &[],
                title: "Quy định",
                text: "Điều 1. A",
                doc_type: "Quyết định",
                fields: &[],
                status: "con-hieu-luc",
                authority_id: 1,
                authority: "UBND",
                issued_on: chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap(),
            };
            w.add_document(crate::search::index::to_document(&f, &unit))
                .unwrap();
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let mut p = Params::new("", Scope::Documents);
        p.facets = true;
        let r = search(&searcher, &f, &p).unwrap();
        assert_eq!(
            r.hits.iter().map(|h| h.document_id).collect::<Vec<_>>(),
            [2, 1]
        );
    }
}
