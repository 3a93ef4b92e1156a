//! The index's behaviour: French analysis, typos, prefixes, facets, highlights, persistence.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use chrono::NaiveDate;
use pilote_search::{Change, Document, Facet, Kind, Query, SearchIndex, Sort};

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn corpus() -> Vec<Document> {
    vec![
        Document::new(
            Kind::Product,
            "demarches-simplifiees",
            "Démarches Simplifiées",
        )
        .summary("Dématérialiser les démarches administratives")
        .body("Un outil pour créer des formulaires en ligne et instruire les dossiers.")
        .facet(Facet::Phase, "success")
        .facet(Facet::Incubator, "dinum")
        .facet(Facet::Ministry, "Premier ministre")
        .date(date(2018, 3, 1)),
        Document::new(
            Kind::Product,
            "aides-jeunes",
            "1jeune1solution — Aides jeunes",
        )
        .summary("Évaluer ses droits aux aides sociales")
        .body("Simulateur des prestations sociales pour les jeunes.")
        .facet(Facet::Phase, "construction")
        .facet(Facet::Incubator, "dinum")
        .facet(Facet::Ministry, "Travail")
        .date(date(2020, 6, 1)),
        Document::new(Kind::Product, "signalconso", "SignalConso")
            .summary("Signaler un problème avec une entreprise")
            .body("Les consommateurs signalent les démarches commerciales abusives.")
            .facet(Facet::Phase, "success")
            .facet(Facet::Incubator, "bercy")
            .facet(Facet::Ministry, "Économie")
            .date(date(2019, 9, 1)),
        Document::new(
            Kind::Dataset,
            "base-adresse-nationale",
            "Base Adresse Nationale",
        )
        .summary("Les adresses géolocalisées de France")
        .body("Référentiel des adresses, produit avec les communes.")
        .facet(Facet::Licence, "Licence Ouverte")
        .facet(Facet::Access, "open")
        .facet(Facet::Format, "CSV")
        .facet(Facet::Format, "JSON")
        .date(date(2021, 1, 15)),
        Document::new(
            Kind::Dataset,
            "evenements-culturels",
            "Événements culturels",
        )
        .summary("Agenda des événements des musées")
        .facet(Facet::Licence, "ODbL")
        .facet(Facet::Access, "restricted")
        .facet(Facet::Format, "CSV")
        .date(date(2022, 5, 2)),
        Document::new(Kind::Software, "libreoffice", "LibreOffice")
            .summary("Suite bureautique libre")
            .body("Traitement de texte, tableur, présentations.")
            .facet(Facet::Licence, "MPL-2.0"),
    ]
}

fn index() -> SearchIndex {
    let index = SearchIndex::in_ram().expect("index");
    index.rebuild(corpus(), "1").expect("rebuild");
    index
}

fn slugs(index: &SearchIndex, query: &Query) -> Vec<String> {
    index
        .search(query)
        .expect("search")
        .hits
        .into_iter()
        .map(|hit| hit.slug)
        .collect()
}

#[test]
fn accents_and_case_are_folded() {
    let index = index();
    assert_eq!(
        slugs(&index, &Query::new("EVENEMENTS culturels")),
        ["evenements-culturels"]
    );
    assert_eq!(
        slugs(&index, &Query::new("démarches simplifiées"))[0],
        "demarches-simplifiees"
    );
}

#[test]
fn french_stemming_matches_other_forms() {
    let index = index();
    // « adresses » in the text, « adresse » typed; « signaler » / « signalent ».
    assert!(slugs(&index, &Query::new("adresse")).contains(&"base-adresse-nationale".to_owned()));
    assert!(slugs(&index, &Query::new("signaler")).contains(&"signalconso".to_owned()));
    // Stop words never narrow the results.
    assert_eq!(
        slugs(&index, &Query::new("la base de l'adresse"))[0],
        "base-adresse-nationale"
    );
}

#[test]
fn one_typo_is_tolerated_on_long_words_only() {
    let index = index();
    assert_eq!(
        slugs(&index, &Query::new("simplifees demarhces"))[0],
        "demarches-simplifiees"
    );
    assert_eq!(
        slugs(&index, &Query::new("nationle"))[0],
        "base-adresse-nationale"
    );
    // Four letters: no typo allowed (« base » typed « bose »).
    assert!(slugs(&index, &Query::new("bose adresse")).is_empty());
    // Two typos: no match.
    assert!(slugs(&index, &Query::new("natoinnle xyz")).is_empty());
}

#[test]
fn a_word_in_many_documents_is_taken_as_spelt_right() {
    // « zorglub » in 1,000 documents, its one-typo neighbour « zorglab » in one.
    let mut corpus: Vec<Document> = (0..1_000)
        .map(|i| Document::new(Kind::Dataset, format!("zorglub-{i}"), "Zorglub"))
        .collect();
    corpus.push(Document::new(Kind::Dataset, "zorglab", "Zorglab"));
    let index = SearchIndex::in_ram().expect("index");
    index.rebuild(corpus, "1").expect("rebuild");
    let total = |text: &str| index.search(&Query::new(text)).expect("search").total;
    // The common word matches itself only, not its neighbour.
    assert_eq!(total("zorglub"), 1_000);
    // The rare word, and a word in no document, still tolerate a typo.
    assert_eq!(total("zorglab"), 1_001);
    assert_eq!(total("zorglib"), 1_001);
}

#[test]
fn the_last_word_is_a_prefix() {
    let index = index();
    assert_eq!(slugs(&index, &Query::new("libreoff")), ["libreoffice"]);
    assert_eq!(
        slugs(&index, &Query::new("base adr"))[0],
        "base-adresse-nationale"
    );
    // Only the last word.
    assert!(slugs(&index, &Query::new("adr nationale")).is_empty());
}

#[test]
fn the_title_weighs_more_than_the_text() {
    let index = index();
    // « démarches » is in Démarches Simplifiées' title and in SignalConso's body.
    let found = slugs(&index, &Query::new("démarches"));
    assert_eq!(found, ["demarches-simplifiees", "signalconso"]);
}

#[test]
fn facets_count_with_every_other_filter() {
    let index = index();
    let query = Query::default()
        .filter(Facet::Kind, "product")
        .filter(Facet::Phase, "success");
    let results = index.search(&query).expect("search");
    assert_eq!(results.total, 2);
    let counts = |facet: Facet| {
        results
            .facets
            .iter()
            .find(|f| f.facet == facet)
            .expect("facet")
            .values
            .clone()
    };
    // Kinds counted with the phase filter only: two products in success, no dataset has one.
    assert_eq!(counts(Facet::Kind), [("product".to_owned(), 2)]);
    // Phases counted with the kind filter only: every product's phase.
    assert_eq!(
        counts(Facet::Phase),
        [("success".to_owned(), 2), ("construction".to_owned(), 1)]
    );
    // Other facets counted with both filters.
    assert_eq!(
        counts(Facet::Incubator),
        [("bercy".to_owned(), 1), ("dinum".to_owned(), 1)]
    );
    assert_eq!(
        counts(Facet::Year),
        [("2018".to_owned(), 1), ("2019".to_owned(), 1)]
    );
    // Values of one facet are alternatives.
    let formats = Query::default()
        .filter(Facet::Format, "JSON")
        .filter(Facet::Format, "CSV");
    assert_eq!(index.search(&formats).expect("search").total, 2);
    let json = Query::default().filter(Facet::Format, "JSON");
    assert_eq!(slugs(&index, &json), ["base-adresse-nationale"]);
}

#[test]
fn sorted_by_date_and_paged() {
    let index = index();
    let query = Query::default()
        .filter(Facet::Kind, "product")
        .sort(Sort::Date);
    assert_eq!(
        slugs(&index, &query),
        ["aides-jeunes", "signalconso", "demarches-simplifiees"]
    );
    let second = query.clone().page(2, 2);
    let results = index.search(&second).expect("search");
    assert_eq!(results.total, 3);
    assert_eq!(
        results
            .hits
            .iter()
            .map(|h| h.slug.as_str())
            .collect::<Vec<_>>(),
        ["demarches-simplifiees"]
    );
    // A page far past the end is empty, whatever its number, in both orders.
    for sort in [Sort::Date, Sort::Relevance] {
        let far = Query::new("aides").sort(sort).page(usize::MAX, 1000);
        let results = index.search(&far).expect("search");
        assert!(results.hits.is_empty());
        assert!(results.total > 0);
    }
}

#[test]
fn highlights_mark_the_matched_words() {
    let index = index();
    let results = index.search(&Query::new("demarches")).expect("search");
    let hit = &results.hits[0];
    let title = hit
        .highlights
        .iter()
        .find(|h| h.field == "title")
        .expect("title");
    assert_eq!(title.to_html(), "<mark>Démarches</mark> Simplifiées");
    let summary = hit
        .highlights
        .iter()
        .find(|h| h.field == "summary")
        .expect("summary");
    assert_eq!(
        summary.to_html(),
        "Dématérialiser les <mark>démarches</mark> administratives"
    );
    // Typos and prefixes are highlighted too, and the text is escaped.
    let index = SearchIndex::in_ram().expect("index");
    index
        .rebuild(
            [Document::new(
                Kind::Api,
                "x",
                "API <Entreprise> & associations",
            )],
            "1",
        )
        .expect("rebuild");
    let results = index
        .search(&Query::new("entreprize asso"))
        .expect("search");
    assert_eq!(
        results.hits[0].highlights[0].to_html(),
        "API &lt;<mark>Entreprise</mark>&gt; &amp; <mark>associations</mark>"
    );
}

#[test]
fn changes_replace_and_delete_documents() {
    let index = index();
    let renamed = Document::new(Kind::Software, "libreoffice", "Collabora Online");
    index.apply([Change::Upsert(renamed)], "2").expect("apply");
    assert!(slugs(&index, &Query::new("libreoffice")).is_empty());
    assert_eq!(slugs(&index, &Query::new("collabora")), ["libreoffice"]);
    index
        .apply(
            [Change::Delete {
                kind: Kind::Software,
                slug: "libreoffice".into(),
            }],
            "3",
        )
        .expect("apply");
    assert!(slugs(&index, &Query::new("collabora")).is_empty());
    assert_eq!(index.position().as_deref(), Some("3"));
    assert_eq!(index.num_docs(), 5);
}

#[test]
fn an_index_in_a_directory_keeps_its_position_and_a_corrupted_one_starts_empty() {
    let dir = tempfile::tempdir().expect("dir");
    {
        let index = SearchIndex::open(dir.path()).expect("open");
        assert_eq!(index.position(), None);
        index.rebuild(corpus(), "42").expect("rebuild");
    }
    {
        let index = SearchIndex::open(dir.path()).expect("reopen");
        assert_eq!(index.position().as_deref(), Some("42"));
        assert_eq!(index.num_docs(), 6);
    }
    // Scribble over every segment file.
    for entry in std::fs::read_dir(dir.path()).expect("list") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if !name.starts_with('.') && name != "meta.json" {
            std::fs::write(&path, b"garbage").expect("corrupt");
        }
    }
    let index = SearchIndex::open(dir.path()).expect("open corrupted");
    assert_eq!(index.position(), None, "a corrupted index is not served");
    assert_eq!(index.num_docs(), 0);
    index.rebuild(corpus(), "43").expect("rebuild");
    assert_eq!(slugs(&index, &Query::new("libreoffice")), ["libreoffice"]);
}

/// A small EIG programme: one challenge, its promotion, skills and people, whose profiles
/// and links must stay out of the index.
fn programme() -> pilote_domain::talent::eig::Programme {
    use pilote_domain::Slug;
    use pilote_domain::talent::eig::{
        Challenge, EigRole, Person, PersonLinks, Programme, Promotion, Skill,
    };
    let slug = |s: &str| Slug::parse(s).unwrap();
    let person = |s: &str, name: &str, role, profile: &str| Person {
        slug: slug(s),
        name: name.into(),
        role,
        profile: profile.into(),
        years: vec![2021],
        promotions: vec![slug("eig-5")],
        challenges: vec![slug("cartobruit")],
        skills: Vec::new(),
        links: PersonLinks {
            github: Some(format!("{s}-zorglub")),
            ..PersonLinks::default()
        },
    };
    Programme {
        promotions: vec![Promotion {
            slug: slug("eig-5"),
            code: "5".into(),
            title: "Les défis EIG 5".into(),
            year: 2021,
        }],
        skills: vec![Skill {
            slug: slug("datascience"),
            label: "Data science".into(),
        }],
        challenges: vec![Challenge {
            slug: slug("cartobruit"),
            title: "CartoBruit".into(),
            description: "Cartographier les nuisances sonores pour protéger les riverains".into(),
            administration: "Ministère de la Transition écologique".into(),
            administration_website: None,
            city: Some("Besançon".into()),
            year: 2021,
            promotion: slug("eig-5"),
            duration_months: Some(10),
            skills: vec![slug("datascience")],
            key_figures: Vec::new(),
            source_code: None,
            website: None,
            eigs: vec![slug("nora-benali")],
            mentors: vec![slug("claire-fontaine")],
        }],
        people: vec![
            person("nora-benali", "Nora Benali", EigRole::Eig, "Palynologue"),
            person(
                "claire-fontaine",
                "Claire Fontaine",
                EigRole::Mentor,
                "Mentor",
            ),
        ],
    }
}

#[test]
fn challenges_are_found_by_their_public_fields_and_names_only() {
    let documents = pilote_search::talent::challenge_documents(&programme());
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0].kind, Kind::Challenge);
    assert_eq!(Kind::Challenge.label(), "Défi EIG");
    let index = SearchIndex::in_ram().expect("index");
    index.rebuild(documents, "1").expect("rebuild");
    for query in [
        "cartobrui",
        "nuisances sonnores",
        "transition ecologique",
        "besancon",
        "data science",
        "defis eig 5",
        "nora benali",
        "claire fontaine",
    ] {
        assert_eq!(slugs(&index, &Query::new(query)), ["cartobruit"], "{query}");
    }
    for query in ["palynologue", "zorglub", "nora-benali-zorglub"] {
        assert!(slugs(&index, &Query::new(query)).is_empty(), "{query}");
    }
    let results = index
        .search(&Query::default().filter(Facet::Year, "2021"))
        .expect("search");
    assert_eq!(results.total, 1);
    let kinds = results
        .facets
        .iter()
        .find(|f| f.facet == Facet::Kind)
        .expect("kind facet");
    assert_eq!(kinds.values, [("challenge".to_owned(), 1)]);
    assert!(
        index
            .search(&Query::default().filter(Facet::Year, "2020"))
            .expect("search")
            .hits
            .is_empty()
    );
}
