//! `pilote import beta`: the real network imported whole and idempotently, invalid records
//! refused with `file:line: field: reason` and nothing written (or skipped and listed), and
//! readable but inconsistent content imported with a visible data-quality flag — through
//! the library on both backends, and through the real binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::TestDb;
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::portfolio::{DataQualityWarning, PhaseName, Portfolio};
use pilote_import::portfolio::beta;
use pilote_import::{EntityCounts, Finding, ImportError, ImportOptions, ImportReport};

/// The real network's records, per kind, in the report's order.
const REAL_COUNTS: [(&str, usize); 7] = [
    ("organisations", 145),
    ("incubators", 23),
    ("teams", 36),
    ("products", 662),
    ("members", 3484),
    // The products' FAST funding, as budget lines.
    ("budget_fast", 46),
    // The products' `committee` events, as committee decisions without details.
    ("committee_decisions", 215),
];

/// Who runs the imports of these tests, for the audit log.
fn actor() -> Actor {
    Actor::cli("test")
}

const WRITE: ImportOptions = ImportOptions {
    dry_run: false,
    skip_invalid: false,
};
const DRY_RUN: ImportOptions = ImportOptions {
    dry_run: true,
    skip_invalid: false,
};
const SKIP_INVALID: ImportOptions = ImportOptions {
    dry_run: false,
    skip_invalid: true,
};

// ---------------------------------------------------------------------------------------
// Fixtures: tiny folders shaped like the real content.
// ---------------------------------------------------------------------------------------

const ORGANISATION: &str = "---
name: Inspection générale de la Justice
acronym: IGJ
domaine_ministeriel: justice
type: administration-centrale
---
";

const INCUBATOR: &str = "---
title: L'Incubateur de la Justice
owner: /organisations/igj
highlighted_startups:
  - produit-a
---
Lancé en octobre 2021.
";

const TEAM: &str = "---
name: Équipe Justice
mission: Accompagner les produits de la justice.
incubator: justice
---
";

const PRODUCT_A: &str = "---
title: Produit A
mission: Aider les juridictions.
sponsors:
  - /organisations/igj
incubator: justice
phases:
  - name: investigation
    start: 2021-02-01
    end: 2021-05-26
  - name: construction
    start: 2021-09-01
---
Le produit A.
";

const MEMBER_A: &str = "---
fullname: Jeanne Dupont
role: Développeuse
domaine: Développement
missions:
  - start: 2021-02-01
    end: 2022-06-30
    status: independent
    employer: Malt
    startups:
      - produit-a
---
";

/// A valid product added after the baseline: an import that is refused must not write it.
const PRODUCT_B: &str = "---
title: Produit B
incubator: justice
sponsors:
  - /organisations/igj
phases:
  - name: investigation
    start: 2024-03-01
---
Le produit B.
";

/// A valid member added after the baseline.
const MEMBER_B: &str = "---
fullname: Paul Martin
domaine: Produit
missions:
  - start: 2024-03-01
    status: admin
    startups:
      - produit-b
---
";

/// Writes the baseline folder: one record of each kind, all valid and consistent.
fn write_baseline(root: &Path) {
    write(root, "_organisations/igj.md", ORGANISATION);
    write(root, "_incubators/justice.md", INCUBATOR);
    write(root, "_teams/equipe-justice.md", TEAM);
    write(root, "_startups/produit-a.md", PRODUCT_A);
    write(root, "_authors/jeanne.dupont.md", MEMBER_A);
}

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().expect("parent folder")).expect("create folder");
    std::fs::write(path, text).expect("write fixture");
}

fn remove(root: &Path, file: &str) {
    std::fs::remove_file(root.join(file)).expect("remove fixture");
}

/// An invalid record, where its finding must point, and part of the reason.
struct Bad {
    file: &'static str,
    text: &'static str,
    line: usize,
    field: &'static str,
    reason: &'static str,
}

/// Every kind of invalid record, in the order an import reads them (folder, then file).
const BAD: [Bad; 8] = [
    // A continuation line indented deeper than its key: not YAML.
    Bad {
        file: "_startups/bad-indent.md",
        text: "---
title: Mauvaise indentation
incubator: justice
phases:
  - name: investigation
     start: 2021-02-01
---
",
        line: 6,
        field: "yaml",
        reason: "YAML illisible",
    },
    // A quote opened and never closed.
    Bad {
        file: "_startups/bad-quote.md",
        text: "---
title: Produit
mission: \"Guillemet jamais fermé
incubator: justice
phases:
  - name: investigation
    start: 2021-02-01
---
",
        line: 3,
        field: "yaml",
        reason: "YAML illisible",
    },
    Bad {
        file: "_startups/bientot.md",
        text: "---
title: Produit futur
incubator: justice
phases:
  - name: investigation
    start: 2021-02-01
    end: 2021-05-01
  - name: construction
    start: bientôt
---
",
        line: 9,
        field: "phases[1].start",
        reason: "date invalide « bientôt » (attendu AAAA-MM-JJ)",
    },
    Bad {
        file: "_startups/empty-title.md",
        text: "---
mission: Un produit au titre vide.
title: \"  \"
incubator: justice
---
",
        line: 3,
        field: "title",
        reason: "ce champ est obligatoire",
    },
    Bad {
        file: "_startups/impossible-date.md",
        text: "---
title: Produit daté
incubator: justice
phases:
  - name: investigation
    start: 2021-13-45
---
",
        line: 6,
        field: "phases[0].start",
        reason: "date invalide « 2021-13-45 » (attendu AAAA-MM-JJ)",
    },
    // Missing altogether: the finding points at the front matter's first line.
    Bad {
        file: "_startups/no-title.md",
        text: "---
mission: Un produit sans titre.
incubator: justice
phases:
  - name: investigation
    start: 2021-02-01
---
",
        line: 2,
        field: "title",
        reason: "ce champ est obligatoire",
    },
    Bad {
        file: "_startups/prototype.md",
        text: "---
title: Produit inconnu
incubator: justice
phases:
  - name: investigation
    start: 2021-02-01
  - name: prototype
    start: 2021-09-01
---
",
        line: 7,
        field: "phases[1].name",
        reason: "phase inconnue « prototype »",
    },
    Bad {
        file: "_authors/bad.member.md",
        text: "---
fullname: Membre Daté
domaine: Design
missions:
  - start: 2022-01-01
    end: 2022-12-31
    status: admin
  - start: l'an prochain
    status: admin
---
",
        line: 8,
        field: "missions[1].start",
        reason: "date invalide « l'an prochain » (attendu AAAA-MM-JJ)",
    },
];

/// A product whose first phase ends before it starts.
const BACKWARDS: &str = "---
title: À rebours
incubator: justice
sponsors:
  - /organisations/igj
phases:
  - name: investigation
    start: 2022-06-01
    end: 2022-01-15
  - name: construction
    start: 2022-07-01
---
";

/// A product sponsored by an organisation that does not exist.
const UNKNOWN_SPONSOR: &str = "---
title: Sponsor inconnu
incubator: justice
phases:
  - name: investigation
    start: 2023-01-01
sponsors:
  - /organisations/nope
---
";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn counts(read: usize, created: usize, updated: usize, unchanged: usize) -> EntityCounts {
    EntityCounts {
        read,
        created,
        updated,
        unchanged,
        deleted: 0,
    }
}

fn entity_names(report: &ImportReport) -> Vec<&'static str> {
    report.entities.iter().map(|(name, _)| *name).collect()
}

fn slugs<T>(records: &[T], slug: impl Fn(&T) -> &Slug) -> Vec<String> {
    records
        .iter()
        .map(|record| slug(record).to_string())
        .collect()
}

/// Findings as the command prints them: `file:line: field: reason`.
fn shown(findings: &[Finding]) -> Vec<String> {
    findings.iter().map(ToString::to_string).collect()
}

fn located(finding: &Finding) -> (&str, usize, &str) {
    (finding.file.as_str(), finding.line, finding.field.as_str())
}

async fn snapshot(db: &TestDb) -> (Portfolio, i64) {
    (
        db.store.load_portfolio().await.expect("load portfolio"),
        db.store.revision().await.expect("revision"),
    )
}

// ---------------------------------------------------------------------------------------
// 1. The real network
// ---------------------------------------------------------------------------------------

async fn imports_the_real_network_idempotently(db: TestDb) {
    let Some(data) = common::shared_data() else {
        return;
    };
    let path = data.join("betagouv");
    let (empty, revision_before) = snapshot(&db).await;
    assert_eq!(empty, Portfolio::default());

    // A dry run on a fresh database reports every creation and writes nothing.
    let dry = beta::import(&db.store, &path, DRY_RUN, &actor())
        .await
        .expect("dry run");
    assert!(dry.dry_run);
    assert_eq!(entity_names(&dry), REAL_COUNTS.map(|(name, _)| name));
    for (entity, n) in REAL_COUNTS {
        assert_eq!(dry.counts(entity), counts(n, n, 0, 0), "dry run: {entity}");
    }
    assert_eq!(dry.changed(), 4611);
    assert!(dry.rejects.is_empty(), "{:#?}", dry.rejects);
    assert_eq!(snapshot(&db).await, (Portfolio::default(), revision_before));

    // The import creates everything, in one go.
    let first = beta::import(&db.store, &path, WRITE, &actor())
        .await
        .expect("first import");
    assert!(!first.dry_run);
    assert!(first.rejects.is_empty(), "{:#?}", first.rejects);
    for (entity, n) in REAL_COUNTS {
        assert_eq!(
            first.counts(entity),
            counts(n, n, 0, 0),
            "first import: {entity}"
        );
    }
    assert_eq!(first.changed(), 4611);
    let (loaded, revision_after_first) = snapshot(&db).await;
    assert!(revision_after_first > revision_before);
    assert_eq!(loaded.organisations.len(), 145);
    assert_eq!(loaded.incubators.len(), 23);
    assert_eq!(loaded.teams.len(), 36);
    assert_eq!(loaded.products.len(), 662);
    assert_eq!(loaded.members.len(), 3484);

    // A real record came through whole: references lose their `/organisations/` prefix,
    // the current phase is the one with the latest start.
    let a_just = loaded
        .products
        .iter()
        .find(|p| p.slug.as_str() == "a-just")
        .expect("a-just imported");
    assert_eq!(a_just.title, "A-JUST");
    assert_eq!(a_just.incubator.as_str(), "justice");
    assert_eq!(slugs(&a_just.sponsors, |s| s), ["igj", "mj"]);
    assert_eq!(a_just.phases.len(), 4);
    assert_eq!(
        a_just.current_phase().map(|phase| phase.name),
        Some(PhaseName::Consolidation)
    );
    assert_eq!(a_just.fast.as_ref().map(|fast| fast.promotion), Some(13));

    // The `committee` events became decisions without details, one per product and day.
    let decisions = db.store.decisions().await.expect("decisions");
    assert_eq!(decisions.len(), 215);
    assert!(decisions.iter().all(|d| {
        d.kind == pilote_domain::delivery::DecisionKind::Unspecified
            && d.source == pilote_domain::delivery::DecisionSource::Beta
            && d.committee.is_none()
            && d.evidence.is_empty()
    }));
    let decided: std::collections::BTreeSet<&str> =
        decisions.iter().map(|d| d.product.as_str()).collect();
    eprintln!(
        "real network: {} committee decisions on {} products",
        decisions.len(),
        decided.len()
    );
    assert_eq!(decided.len(), 101);

    // The real content holds one inconsistency: an incubator owned by an organisation that
    // has no file. It is reported, located; no product or member is flagged.
    let menj = ["_incubators/menj.md:4: owner: organisation inconnue « menj »"];
    assert_eq!(shown(&dry.warnings), menj);
    assert_eq!(shown(&first.warnings), menj);
    assert!(loaded.products.iter().all(|p| p.data_quality.is_empty()));
    assert!(loaded.members.iter().all(|m| m.data_quality.is_empty()));

    // A second run changes nothing and says so.
    let second = beta::import(&db.store, &path, WRITE, &actor())
        .await
        .expect("second import");
    assert_eq!(second.changed(), 0);
    for (entity, n) in REAL_COUNTS {
        assert_eq!(
            second.counts(entity),
            counts(n, 0, 0, n),
            "second import: {entity}"
        );
    }
    assert!(second.rejects.is_empty());
    assert_eq!(second.warnings, first.warnings);
    assert_eq!(snapshot(&db).await, (loaded, revision_after_first));
}
on_both_backends!(
    real_network_imports_idempotently,
    imports_the_real_network_idempotently
);

async fn imports_a_checkout_root(db: TestDb) {
    let Some(data) = common::shared_data() else {
        return;
    };
    let betagouv = data
        .join("betagouv")
        .canonicalize()
        .expect("betagouv folder");
    let checkout = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(&betagouv, checkout.path().join("content")).expect("symlink");

    let report = beta::import(&db.store, checkout.path(), WRITE, &actor())
        .await
        .expect("import");
    assert!(report.rejects.is_empty(), "{:#?}", report.rejects);
    for (entity, n) in REAL_COUNTS {
        assert_eq!(report.counts(entity), counts(n, n, 0, 0), "{entity}");
    }
    let loaded = db.store.load_portfolio().await.expect("load");
    assert_eq!(loaded.products.len(), 662);
    assert_eq!(loaded.members.len(), 3484);

    // The same data through its content folder is the same data.
    let again = beta::import(&db.store, &betagouv, WRITE, &actor())
        .await
        .expect("import content/");
    assert_eq!(again.changed(), 0);
    assert_eq!(again.counts("products"), counts(662, 0, 0, 662));
}
on_both_backends!(real_network_from_a_checkout_root, imports_a_checkout_root);

// ---------------------------------------------------------------------------------------
// 2. Invalid records
// ---------------------------------------------------------------------------------------

async fn refuses_invalid_records_and_writes_nothing(db: TestDb) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write_baseline(root);
    let baseline = beta::import(&db.store, root, WRITE, &actor())
        .await
        .expect("baseline");
    assert_eq!(baseline.changed(), 5);
    assert!(baseline.rejects.is_empty() && baseline.warnings.is_empty());

    // Valid new records wait in the folder: a refused import must not write them either.
    write(root, "_startups/produit-b.md", PRODUCT_B);
    write(root, "_authors/paul.martin.md", MEMBER_B);
    let before = snapshot(&db).await;
    assert_eq!(slugs(&before.0.products, |p| &p.slug), ["produit-a"]);

    for bad in &BAD {
        write(root, bad.file, bad.text);
        let Err(ImportError::Invalid(findings)) =
            beta::import(&db.store, root, WRITE, &actor()).await
        else {
            panic!("{} should stop the import", bad.file);
        };
        assert_eq!(
            findings.iter().map(located).collect::<Vec<_>>(),
            [(bad.file, bad.line, bad.field)],
            "{}: {findings:#?}",
            bad.file
        );
        let finding = &findings[0];
        assert!(
            finding.message.contains(bad.reason),
            "{}: {:?} should say {:?}",
            bad.file,
            finding.message,
            bad.reason
        );
        assert!(
            finding
                .to_string()
                .starts_with(&format!("{}:{}: {}: ", bad.file, bad.line, bad.field)),
            "{finding}"
        );
        assert_eq!(
            snapshot(&db).await,
            before,
            "{}: the database changed",
            bad.file
        );

        // A dry run refuses it the same way.
        assert!(
            matches!(beta::import(&db.store, root, DRY_RUN, &actor()).await, Err(ImportError::Invalid(f)) if f == findings)
        );
        remove(root, bad.file);
    }

    // Every invalid record at once: each is reported, still nothing is written.
    for bad in &BAD {
        write(root, bad.file, bad.text);
    }
    let Err(ImportError::Invalid(findings)) = beta::import(&db.store, root, WRITE, &actor()).await
    else {
        panic!("invalid records should stop the import");
    };
    let expected: Vec<_> = BAD.iter().map(|b| (b.file, b.line, b.field)).collect();
    assert_eq!(findings.iter().map(located).collect::<Vec<_>>(), expected);
    assert_eq!(snapshot(&db).await, before);

    // With skip_invalid, the valid new records are imported and every reject is listed.
    let report = beta::import(&db.store, root, SKIP_INVALID, &actor())
        .await
        .expect("skip invalid");
    assert_eq!(
        report.rejects.iter().map(located).collect::<Vec<_>>(),
        expected
    );
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
    assert_eq!(report.counts("organisations"), counts(1, 0, 0, 1));
    assert_eq!(report.counts("incubators"), counts(1, 0, 0, 1));
    assert_eq!(report.counts("teams"), counts(1, 0, 0, 1));
    assert_eq!(report.counts("products"), counts(2, 1, 0, 1));
    assert_eq!(report.counts("members"), counts(2, 1, 0, 1));
    assert_eq!(report.changed(), 2);
    let (after, revision) = snapshot(&db).await;
    assert!(revision > before.1);
    assert_eq!(
        slugs(&after.products, |p| &p.slug),
        ["produit-a", "produit-b"]
    );
    assert_eq!(
        slugs(&after.members, |m| &m.slug),
        ["jeanne.dupont", "paul.martin"]
    );
    assert_eq!(after.organisations, before.0.organisations);
    assert_eq!(after.incubators, before.0.incubators);
    assert_eq!(after.teams, before.0.teams);

    // Skipping again: the rejects are listed again, nothing else changes.
    let again = beta::import(&db.store, root, SKIP_INVALID, &actor())
        .await
        .expect("skip invalid again");
    assert_eq!(again.changed(), 0);
    assert_eq!(again.rejects.len(), BAD.len());
    assert_eq!(snapshot(&db).await, (after, revision));
}
on_both_backends!(
    invalid_records_stop_the_import,
    refuses_invalid_records_and_writes_nothing
);

async fn refuses_a_folder_that_is_not_beta_content(db: TestDb) {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "README.md", "# Rien à importer\n");
    let result = beta::import(&db.store, dir.path(), WRITE, &actor()).await;
    assert!(
        matches!(result, Err(ImportError::NotASource { ref path, .. }) if path == dir.path()),
        "{result:?}"
    );
    assert_eq!(snapshot(&db).await.0, Portfolio::default());
}
on_both_backends!(
    not_a_content_folder,
    refuses_a_folder_that_is_not_beta_content
);

// ---------------------------------------------------------------------------------------
// 3. Readable but inconsistent content
// ---------------------------------------------------------------------------------------

async fn imports_inconsistent_content_with_warnings(db: TestDb) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write_baseline(root);
    write(root, "_startups/a-rebours.md", BACKWARDS);
    write(root, "_startups/sponsor-inconnu.md", UNKNOWN_SPONSOR);

    let report = beta::import(&db.store, root, WRITE, &actor())
        .await
        .expect("import");
    assert!(report.rejects.is_empty(), "{:#?}", report.rejects);
    assert_eq!(report.counts("products"), counts(3, 3, 0, 0));
    let backwards_message =
        "la phase investigation se termine (2022-01-15) avant de commencer (2022-06-01)";
    let sponsor_message = "organisation inconnue « nope »";
    assert_eq!(
        report
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        [
            format!("_startups/a-rebours.md:9: phases[0].end: {backwards_message}"),
            format!("_startups/sponsor-inconnu.md:8: sponsors[0]: {sponsor_message}"),
        ]
    );

    // Both products are stored, each with its flag.
    let loaded = db.store.load_portfolio().await.expect("load");
    assert_eq!(
        slugs(&loaded.products, |p| &p.slug),
        ["a-rebours", "produit-a", "sponsor-inconnu"]
    );
    let product = |slug: &str| {
        loaded
            .products
            .iter()
            .find(|p| p.slug.as_str() == slug)
            .expect("product stored")
    };
    let backwards = product("a-rebours");
    assert_eq!(
        backwards.data_quality,
        [DataQualityWarning::new("phases[0].end", backwards_message)]
    );
    assert_eq!(backwards.phases.len(), 2);
    assert_eq!(
        backwards.current_phase().map(|p| p.name),
        Some(PhaseName::Construction)
    );
    let unknown = product("sponsor-inconnu");
    assert_eq!(
        unknown.data_quality,
        [DataQualityWarning::new("sponsors[0]", sponsor_message)]
    );
    assert_eq!(slugs(&unknown.sponsors, |s| s), ["nope"]);
    assert!(product("produit-a").data_quality.is_empty());

    // Importing the same content again warns again but changes nothing.
    let revision = db.store.revision().await.expect("revision");
    let again = beta::import(&db.store, root, WRITE, &actor())
        .await
        .expect("again");
    assert_eq!(again.changed(), 0);
    assert_eq!(again.warnings, report.warnings);
    assert_eq!(snapshot(&db).await, (loaded, revision));
}
on_both_backends!(
    inconsistent_content_is_flagged,
    imports_inconsistent_content_with_warnings
);

// ---------------------------------------------------------------------------------------
// 4. The command line
// ---------------------------------------------------------------------------------------

fn pilote(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(args)
        .env_remove("PILOTE_DATABASE_URL")
        .env("PILOTE_LOG", "warn")
        .output()
        .expect("run pilote")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// The summary row of one entity: `read created updated unchanged`.
fn summary_row(stdout: &str, entity: &str) -> Vec<usize> {
    let line = stdout
        .lines()
        .find(|line| line.split_whitespace().next() == Some(entity))
        .unwrap_or_else(|| panic!("no {entity} row in:\n{stdout}"));
    line.split_whitespace()
        .skip(1)
        .map(|n| n.parse().expect("a count"))
        .collect()
}

async fn the_command_reports_and_exits(db: TestDb) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("content");
    write_baseline(&root);
    let prototype = &BAD[6];
    assert_eq!(prototype.field, "phases[1].name");
    write(&root, "_startups/bad.md", prototype.text);
    let folder = root.to_str().expect("UTF-8 path");
    let import = |extra: &[&str]| {
        let mut args = vec!["import", "beta", folder, "--database", db.url.as_str()];
        args.extend_from_slice(extra);
        pilote(&args)
    };
    let (_, revision_before) = snapshot(&db).await;

    // An invalid record: exit code 2, the finding on stderr, nothing written.
    let refused = import(&[]);
    let stderr = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("_startups/bad.md:7: phases[1].name: phase inconnue « prototype »"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 enregistrement(s) invalide(s) ; rien n'a été écrit"),
        "{stderr}"
    );
    assert!(stderr.contains("--skip-invalid"), "{stderr}");
    assert_eq!(snapshot(&db).await, (Portfolio::default(), revision_before));

    // A dry run that skips it: the summary, the reject, and still nothing written.
    let dry = import(&["--dry-run", "--skip-invalid"]);
    let stdout = text(&dry.stdout);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    assert_eq!(summary_row(&stdout, "products"), [1, 1, 0, 0]);
    assert_eq!(summary_row(&stdout, "members"), [1, 1, 0, 0]);
    assert!(stdout.contains("1 enregistrement(s) rejeté(s)"), "{stdout}");
    assert!(
        stdout.contains("  _startups/bad.md:7: phases[1].name: phase inconnue « prototype »"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Essai à blanc : 5 changement(s) seraient écrits ; rien n'a été écrit."),
        "{stdout}"
    );
    assert_eq!(snapshot(&db).await, (Portfolio::default(), revision_before));

    // Skipping for real writes the valid records.
    let skipped = import(&["--skip-invalid"]);
    let stdout = text(&skipped.stdout);
    assert_eq!(skipped.status.code(), Some(0), "{}", text(&skipped.stderr));
    assert!(
        stdout.contains("5 changement(s) écrits en une transaction."),
        "{stdout}"
    );
    let loaded = db.store.load_portfolio().await.expect("load");
    assert_eq!(slugs(&loaded.products, |p| &p.slug), ["produit-a"]);
    assert_eq!(slugs(&loaded.members, |m| &m.slug), ["jeanne.dupont"]);

    // Once the record is fixed away, a successful import has nothing left to do, and says so.
    remove(&root, "_startups/bad.md");
    let unchanged = import(&[]);
    let stdout = text(&unchanged.stdout);
    assert_eq!(
        unchanged.status.code(),
        Some(0),
        "{}",
        text(&unchanged.stderr)
    );
    assert_eq!(summary_row(&stdout, "products"), [1, 0, 0, 1]);
    assert!(
        stdout.contains("Aucun changement : la base était déjà à jour."),
        "{stdout}"
    );

    // The checkout root (holding content/) is accepted too.
    let parent = dir.path().to_str().expect("UTF-8 path");
    let from_root = pilote(&["import", "beta", parent, "--database", db.url.as_str()]);
    assert_eq!(
        from_root.status.code(),
        Some(0),
        "{}",
        text(&from_root.stderr)
    );
    assert!(text(&from_root.stdout).contains("Aucun changement"));

    // The help names both options.
    let help = pilote(&["import", "--help"]);
    let stdout = text(&help.stdout);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout.contains("--dry-run"), "{stdout}");
    assert!(stdout.contains("--skip-invalid"), "{stdout}");
    assert!(stdout.contains("--database"), "{stdout}");
}
on_both_backends!(command_line, the_command_reports_and_exits);

// ---------------------------------------------------------------------------------------
// Committee events
// ---------------------------------------------------------------------------------------

/// Produit A with committee events: two on one day, one on another.
fn product_with_committees(comment: &str, with_second_day: bool) -> String {
    let second = if with_second_day {
        "  - name: committee\n    date: 2023-03-01\n"
    } else {
        ""
    };
    format!(
        "---
title: Produit A
mission: Aider les juridictions.
sponsors:
  - /organisations/igj
incubator: justice
phases:
  - name: investigation
    start: 2021-02-01
    end: 2021-05-26
  - name: construction
    start: 2021-09-01
events:
  - name: committee
    date: 2022-03-01
    comment: {comment}
  - name: committee
    date: 2022-03-01
    comment: Financement FAST
  - name: product_launch
    date: 2022-04-01
{second}---
Le produit A.
"
    )
}

async fn imports_committee_events_as_decisions(db: TestDb) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write_baseline(root);
    write(
        root,
        "_startups/produit-a.md",
        &product_with_committees("Poursuite", true),
    );

    let first = beta::import(&db.store, root, WRITE, &actor())
        .await
        .expect("import");
    assert_eq!(first.counts("committee_decisions"), counts(2, 2, 0, 0));
    let decisions = db.store.decisions().await.expect("decisions");
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[1].date.to_string(), "2022-03-01");
    assert_eq!(decisions[1].comment, "Poursuite ; Financement FAST");
    assert_eq!(decisions[1].phase_before, Some(PhaseName::Construction));
    assert_eq!(
        decisions[1].kind,
        pilote_domain::delivery::DecisionKind::Unspecified
    );

    // Again: nothing changes, nothing is duplicated.
    let (_, revision) = snapshot(&db).await;
    let again = beta::import(&db.store, root, WRITE, &actor())
        .await
        .expect("again");
    assert_eq!(again.counts("committee_decisions"), counts(2, 0, 0, 2));
    assert_eq!(again.changed(), 0);
    assert_eq!(snapshot(&db).await.1, revision);
    assert_eq!(db.store.decisions().await.expect("decisions"), decisions);

    // An edited comment updates its decision; a removed event removes its decision.
    write(
        root,
        "_startups/produit-a.md",
        &product_with_committees("Poursuite sous conditions", false),
    );
    let edited = beta::import(&db.store, root, WRITE, &actor())
        .await
        .expect("edited");
    assert_eq!(edited.counts("committee_decisions"), counts(1, 0, 1, 0));
    let after = db.store.decisions().await.expect("decisions");
    assert_eq!(after.len(), 1);
    assert_eq!(
        after[0].comment,
        "Poursuite sous conditions ; Financement FAST"
    );
    let history = db
        .store
        .audit_history("decision", &decisions[0].id.to_string())
        .await
        .expect("history");
    assert_eq!(
        history.last().map(|e| e.action),
        Some(pilote_domain::audit::AuditAction::Delete)
    );
}
on_both_backends!(committee_events, imports_committee_events_as_decisions);
