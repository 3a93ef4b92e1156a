//! The built-in demo portfolio of `pilote serve --demo`: invented organisations,
//! incubators, products and members, so that a newcomer sees a living site at once.

use anyhow::Context;
use pilote_domain::audit::Actor;
use pilote_domain::impact::{BudgetLine, BudgetSource, Indicator, Measurement};
use pilote_domain::portfolio::{Incubator, Member, Organisation, Product, Team};
use pilote_store::{PortfolioChanges, Store};
use serde::Deserialize;

#[derive(Deserialize)]
struct Demo {
    organisations: Vec<Organisation>,
    incubators: Vec<Incubator>,
    teams: Vec<Team>,
    products: Vec<Product>,
    members: Vec<Member>,
}

/// The demo portfolio as changes to apply.
pub fn changes() -> anyhow::Result<PortfolioChanges> {
    let demo: Demo = serde_json::from_str(include_str!("demo/portfolio.json"))
        .context("the demo portfolio is invalid")?;
    let fast_budget = demo
        .products
        .iter()
        .filter_map(pilote_domain::impact::fast_budget_line)
        .collect();
    let imported_decisions = Some(pilote_domain::delivery::imported_decisions(&demo.products));
    Ok(PortfolioChanges {
        imported_decisions,
        organisations: demo.organisations,
        incubators: demo.incubators,
        teams: demo.teams,
        products: demo.products,
        members: demo.members,
        fast_budget: Some(fast_budget),
    })
}

/// An indicator of the demo with its measurements.
#[derive(Deserialize)]
struct DemoIndicator {
    #[serde(flatten)]
    indicator: Indicator,
    #[serde(default)]
    measurements: Vec<Measurement>,
}

#[derive(Deserialize)]
struct DemoImpact {
    indicators: Vec<DemoIndicator>,
    budget_lines: Vec<BudgetLine>,
}

/// Fills the database with the demo portfolio when it holds no product yet, with impact
/// indicators of the four categories the strategy names, and budgets.
pub async fn fill_if_empty(store: &Store) -> anyhow::Result<()> {
    if !store.load_portfolio().await?.products.is_empty() {
        return Ok(());
    }
    let actor = Actor::system("démo");
    store.apply(&changes()?, &actor).await?;
    let impact: DemoImpact = serde_json::from_str(include_str!("demo/impact.json"))
        .context("the demo impact is invalid")?;
    for demo in impact.indicators {
        let indicator = store.create_indicator(&demo.indicator, &actor).await?;
        for measurement in demo.measurements {
            let measurement = Measurement {
                indicator: indicator.id,
                recorded_by: actor.to_string(),
                recorded_at: "2025-07-01T09:00:00.000000Z".to_owned(),
                ..measurement
            };
            store.create_measurement(&measurement, &actor).await?;
        }
    }
    for source in BudgetSource::ALL
        .into_iter()
        .filter(|s| *s != BudgetSource::Fast)
    {
        let lines: Vec<BudgetLine> = impact
            .budget_lines
            .iter()
            .filter(|line| line.source == source)
            .cloned()
            .collect();
        store.replace_budget_lines(source, &lines, &actor).await?;
    }
    demo_committee(store, &actor).await?;
    demo_quality(store, &actor).await?;
    tracing::info!("demo portfolio loaded");
    Ok(())
}

/// A committee of the demo incubator that decided to go on with eau-claire, on the evidence
/// of its indicators at the time.
async fn demo_committee(store: &Store, actor: &Actor) -> anyhow::Result<()> {
    use pilote_domain::delivery::{Committee, Decision, DecisionKind, DecisionSource, evidence_at};

    let at = "2025-07-01T09:00:00.000000Z";
    let committee = Committee {
        id: 0,
        date: chrono::NaiveDate::from_ymd_opt(2025, 6, 16).context("demo date")?,
        incubator: pilote_domain::Slug::parse("fabrique-demo")?,
        members: vec![
            "Marc Michel, responsable de la Fabrique".to_owned(),
            "Julie Simon, équipe de pilotage".to_owned(),
            "Élise Fontaine, direction des solidarités".to_owned(),
        ],
        comment: "Revue semestrielle des produits de la Fabrique.".to_owned(),
    };
    let committee = store.create_committee(&committee, actor, at).await?;
    let product = pilote_domain::Slug::parse("eau-claire")?;
    let impact = store.load_impact().await?;
    let measured: Vec<(&Indicator, Vec<Measurement>)> = impact
        .indicators
        .iter()
        .filter(|indicator| indicator.product == product)
        .map(|indicator| {
            let measurements = impact
                .measurements
                .iter()
                .filter(|m| m.indicator == indicator.id)
                .cloned()
                .collect();
            (indicator, measurements)
        })
        .collect();
    let decision = Decision {
        id: 0,
        committee: Some(committee.id),
        product,
        date: committee.date,
        kind: DecisionKind::Continue,
        phase: None,
        amount_cents: None,
        comment: "Impact mesuré et en progrès : poursuite.".to_owned(),
        phase_before: None,
        phase_after: None,
        evidence: evidence_at(
            measured.iter().map(|(i, m)| (*i, m.as_slice())),
            committee.date,
        ),
        source: DecisionSource::Committee,
        recorded_by: actor.to_string(),
        recorded_at: at.to_owned(),
    };
    store.record_decision(&decision, actor).await?;
    Ok(())
}

/// A declaration of the demo, by a demo account's key.
#[derive(Deserialize)]
struct DemoDeclaration {
    agent: String,
    #[serde(flatten)]
    declaration: pilote_domain::commons::Declaration,
}

#[derive(Deserialize)]
struct DemoCommons {
    software: Vec<pilote_domain::commons::Software>,
    declarations: Vec<DemoDeclaration>,
    instances: Vec<pilote_domain::commons::Instance>,
    contributors: Vec<pilote_domain::commons::Contributor>,
    links: Vec<pilote_domain::commons::ProductSoftware>,
}

/// A small catalogue of free software when there is none, so that the pages show each
/// critical-mass class: `PostgreSQL` thriving (two organisations, an expert referent),
/// `LibreOffice` fragile (one organisation), Nextcloud and Nagios orphan. The demo accounts
/// must exist.
pub async fn commons_if_empty(store: &Store) -> anyhow::Result<()> {
    if !store.load_catalogue().await?.software.is_empty() {
        return Ok(());
    }
    let demo: DemoCommons = serde_json::from_str(include_str!("demo/commons.json"))
        .context("the demo catalogue is invalid")?;
    let actor = Actor::system("démo");
    store.replace_software(&demo.software, &actor).await?;
    for demo in demo.declarations {
        let account = store.demo_account(&demo.agent).await?;
        let declaration = pilote_domain::commons::Declaration {
            account: account.id,
            declared_at: "2025-05-12T09:00:00.000000Z".to_owned(),
            ..demo.declaration
        };
        store
            .declare_software(&declaration, &Actor::account(account.id))
            .await?;
    }
    for instance in &demo.instances {
        store.create_instance(instance, &actor).await?;
    }
    for contributor in &demo.contributors {
        store.create_contributor(contributor, &actor).await?;
    }
    store.add_product_links(&demo.links, &actor).await?;
    Ok(())
}

#[derive(Deserialize)]
struct DemoData {
    producers: Vec<pilote_domain::data::Producer>,
    datasets: Vec<pilote_domain::data::Dataset>,
    apis: Vec<pilote_domain::data::Api>,
    projects: Vec<pilote_domain::data::DataProject>,
}

/// A small data catalogue when there is none, so that the data pages show each access
/// type: open, open with an account and restricted datasets and APIs of three producers,
/// and a datalab project.
pub async fn data_if_empty(store: &Store) -> anyhow::Result<()> {
    let empty = pilote_store::DatasetFilters {
        page: 1,
        page_size: 1,
        ..pilote_store::DatasetFilters::default()
    };
    if store.list_datasets(&empty).await?.total > 0 {
        return Ok(());
    }
    let demo: DemoData = serde_json::from_str(include_str!("demo/data.json"))
        .context("the demo data catalogue is invalid")?;
    for dataset in &demo.datasets {
        dataset
            .validate()
            .map_err(|(field, e)| anyhow::anyhow!("demo dataset {}: {field}: {e}", dataset.slug))?;
    }
    for api in &demo.apis {
        api.validate()
            .map_err(|(field, e)| anyhow::anyhow!("demo API {}: {field}: {e}", api.slug))?;
    }
    let actor = Actor::system("démo");
    let import = pilote_store::DataImport {
        source: pilote_domain::data::DataSource::Manual,
        producers: demo.producers,
        datasets: demo.datasets,
        apis: demo.apis,
    };
    store.apply_data_import(&import, false, &actor).await?;
    for project in &demo.projects {
        store.save_data_project(project, &actor).await?;
    }
    Ok(())
}

/// Two requests of the product team for the demo's restricted data, when there are none:
/// one submitted to the instructor, one validated with its authorisation running.
pub async fn access_requests_if_empty(store: &Store) -> anyhow::Result<()> {
    use pilote_domain::data::{AccessEvent, AccessForm, AccessRequest, Side};
    use pilote_domain::delivery::Party;

    if !store.access_requests().await?.is_empty() {
        return Ok(());
    }
    let member = store.demo_account("membre-produit").await?;
    let instructor = store.demo_account("instructrice-donnees").await?;
    let party = |account: &pilote_domain::identity::Account| Party {
        account: account.id,
        name: account.display_name(),
    };
    let actor = |account: &pilote_domain::identity::Account| Actor::account(account.id);
    let provider = pilote_domain::Slug::parse("dir-solidarites")?;
    let form = |dataset: Option<&str>, api: Option<&str>, title: &str, purpose: &str| {
        AccessForm {
        dataset: dataset.map(pilote_domain::Slug::parse).transpose().ok().flatten(),
        api: api.map(pilote_domain::Slug::parse).transpose().ok().flatten(),
        title: title.to_owned(),
        purpose: purpose.to_owned(),
        legal_basis: "Article L. 114-8 du code des relations entre le public et l’administration (échanges de données entre administrations)".to_owned(),
        legal_basis_url: None,
        data_requested: "Droits ouverts et montants versés, par foyer".to_owned(),
        retention_months: Some(12),
        dpo_email: Some("dpo@demo.gouv.fr".to_owned()),
        technical_contact_email: Some("sarah.durand@demo.beta.gouv.fr".to_owned()),
    }
    };
    let siret = member
        .siret
        .clone()
        .context("the demo product member has a SIRET")?;
    let requests = [
        (
            form(
                Some("beneficiaires-aides-sociales-demo"),
                None,
                "Repérer les foyers qui ne demandent pas leurs droits",
                "Droits simples signale aux foyers les aides auxquelles ils ont probablement droit.",
            ),
            &[(AccessEvent::Submit, Side::Applicant)][..],
        ),
        (
            form(
                None,
                Some("api-droits-sociaux-demo"),
                "Préremplir la demande d’aide",
                "Éviter aux foyers de ressaisir ce que l’administration sait déjà.",
            ),
            &[
                (AccessEvent::Submit, Side::Applicant),
                (AccessEvent::Approve, Side::Instructor),
            ][..],
        ),
    ];
    for (at, (form, events)) in ["2025-06-03T09:00:00.000000Z", "2025-05-12T14:00:00.000000Z"]
        .into_iter()
        .zip(requests)
    {
        let draft = AccessRequest::draft(form, provider.clone(), siret.clone(), party(&member), at);
        let request = store.create_access_request(&draft, &actor(&member)).await?;
        for (event, side) in events {
            let (by, account) = match side {
                Side::Applicant => (party(&member), &member),
                Side::Instructor => (party(&instructor), &instructor),
            };
            store
                .take_access_event(request.id, *event, *side, "", by, &actor(account), at)
                .await?;
        }
    }
    Ok(())
}

/// Two support requests of the demo accounts, when there are none: one the steering team
/// took on and gave to its expert, one waiting for triage.
pub async fn support_if_empty(store: &Store) -> anyhow::Result<()> {
    use pilote_domain::delivery::{Party, SupportKind, SupportRequest, SupportStep, Urgency};

    if !store.support_requests().await?.is_empty() {
        return Ok(());
    }
    let party = |account: &pilote_domain::identity::Account| Party {
        account: account.id,
        name: account.display_name(),
    };
    let editor = party(&store.demo_account("editrice-organisation").await?);
    let member = party(&store.demo_account("membre-produit").await?);
    let admin = party(&store.demo_account("administratrice").await?);
    let expert = party(&store.demo_account("expert-accompagnement").await?);
    let actor = |party: &Party| Actor {
        kind: pilote_domain::audit::ActorKind::Account,
        id: party.account.to_string(),
        name: party.name.clone(),
    };
    let audit = SupportRequest {
        id: 0,
        kind: SupportKind::AccessibilityAudit,
        urgency: Urgency::High,
        title: "Audit RGAA avant l’ouverture au public".to_owned(),
        description: "Droits simples ouvre à tous les allocataires en septembre : nous avons besoin d’un audit complet et d’une déclaration d’accessibilité.".to_owned(),
        organisation: Some(pilote_domain::Slug::parse("dir-solidarites")?),
        product: Some(pilote_domain::Slug::parse("droits-simples")?),
        requester: Party::default(),
        status: pilote_domain::delivery::SupportStatus::Submitted,
        assignee: None,
        minutes_spent: 0,
        outcome: None,
        submitted_at: String::new(),
        triaged_at: None,
        closed_at: None,
    };
    let audit = store
        .create_support_request(
            &audit,
            editor.clone(),
            &actor(&editor),
            "2025-06-02T08:30:00.000000Z",
        )
        .await?;
    let steps = [
        (
            SupportStep::Accept {
                comment: "Nous prenons la demande.".to_owned(),
            },
            None,
            &admin,
            "2025-06-02T14:00:00.000000Z",
        ),
        (
            SupportStep::Assign {
                expert: expert.account,
            },
            Some(expert.clone()),
            &admin,
            "2025-06-03T09:00:00.000000Z",
        ),
        (
            SupportStep::RecordTime {
                minutes: 90,
                note: "Échantillon de pages arrêté avec l’équipe.".to_owned(),
            },
            None,
            &expert,
            "2025-06-05T16:00:00.000000Z",
        ),
    ];
    for (step, assigned, by, at) in steps {
        store
            .advance_support_request(audit.id, &step, assigned, by.clone(), &actor(by), at)
            .await?;
    }
    let hosting = SupportRequest {
        kind: SupportKind::HostingCloud,
        urgency: Urgency::Normal,
        title: "Choisir un hébergement qualifié SecNumCloud".to_owned(),
        description: "Nous cherchons un hébergement pour les données des usagers.".to_owned(),
        organisation: None,
        ..audit
    };
    store
        .create_support_request(
            &hosting,
            member.clone(),
            &actor(&member),
            "2025-06-20T10:00:00.000000Z",
        )
        .await?;
    Ok(())
}

/// The quality of eau-claire: its record, a quick RGAA audit of two pages in progress, and
/// part of an RGESN self-assessment.
async fn demo_quality(store: &Store, actor: &Actor) -> anyhow::Result<()> {
    use pilote_domain::quality::record::QualityRecord;
    use pilote_domain::quality::rgaa::{Audit, AuditType, CriterionResult, CriterionStatus};
    use pilote_domain::quality::rgesn::Assessment;

    let at = "2025-07-01T09:00:00.000000Z";
    let product = pilote_domain::Slug::parse("eau-claire")?;
    let record: QualityRecord = serde_json::from_value(serde_json::json!({
        "identity": "franceconnect",
        "hosting": {"provider": "Cloud interne (démo)", "model": "paas", "cloud": "internal_state",
                    "data_sensitivity": "sensitive", "location": "France"},
        "security": {"risk_analysis": true, "homologation_date": "2025-03-14",
                     "decision": "granted", "mon_service_securise": true},
        "statement": {"url": "https://eau-claire.example.org/accessibilite",
                      "date": "2025-06-20", "status": "partially_compliant"},
        "declared": {"date": "2025-06-30", "satisfaction": {"score": 8.4, "reviews": 412},
                     "simplicity": {"score": 7.9, "reviews": 412}, "dlnuf_fields": 2,
                     "help_reachable": 88.0, "help_used": 6.5, "online": "yes", "usage": 71.0}
    }))?;
    store
        .save_quality_record(&product, &record, actor, at)
        .await?;
    let mut audit: Audit = serde_json::from_value(serde_json::json!({
        "product": "eau-claire", "kind": "fast", "date": "2025-06-02",
        "auditor": "Mission accessibilité (démo)",
        "pages": [
            {"title": "Accueil", "url": "https://eau-claire.example.org/"},
            {"title": "Relevé de compteur", "url": "https://eau-claire.example.org/releve"}
        ]
    }))?;
    let result = |status| CriterionResult {
        status,
        comment: String::new(),
        non_compliances: Vec::new(),
    };
    for _ in 0..2 {
        audit.results.push(
            AuditType::Fast
                .criteria()
                .into_iter()
                .enumerate()
                .map(|(index, id)| {
                    let status = if index % 3 == 0 {
                        CriterionStatus::Compliant
                    } else {
                        CriterionStatus::NotApplicable
                    };
                    (id, result(status))
                })
                .collect(),
        );
    }
    let field: pilote_domain::quality::rgaa::CriterionId = "11.1".parse()?;
    audit.results[1].insert(
        field,
        serde_json::from_value(serde_json::json!({
            "status": "non_compliant", "comment": "Le champ du numéro de compteur n’a pas d’étiquette.",
            "non_compliances": [{"title": "Champ « numéro de compteur » sans étiquette",
                                 "impact": "blocking", "quick_win": true}]
        }))?,
    );
    store.save_rgaa_audit(&audit, actor, at).await?;
    let assessments: Vec<Assessment> = serde_json::from_value(serde_json::json!([
        {"criterion": "1.1", "answer": "met"},
        {"criterion": "1.2", "answer": "met"},
        {"criterion": "4.1", "answer": "not_met", "comment": "Parcours à raccourcir"},
        {"criterion": "6.1", "answer": "met"},
        {"criterion": "8.1", "answer": "not_applicable"}
    ]))?;
    store
        .save_rgesn_assessment(&product, &assessments, actor, at)
        .await?;
    Ok(())
}

/// Adds a few trainings with their attendees when the catalogue is empty.
pub async fn trainings_if_empty(store: &Store) -> anyhow::Result<()> {
    use pilote_domain::Slug;
    use pilote_domain::talent::training::{Attendance, Training, TrainingFormat};

    if !store.trainings().await?.is_empty() {
        return Ok(());
    }
    let actor = Actor::system("démo");
    let at = pilote_store::timestamp(chrono::Utc::now());
    let trainings = [
        (
            "Accessibilité numérique : le RGAA en pratique",
            "Access42",
            ("2025-03-10", "2025-03-12"),
            TrainingFormat::Presentiel,
            "Développeurs et designers",
            &["camille.martin", "lea.bernard"][..],
        ),
        (
            "Mesurer l’impact d’un service public numérique",
            "DINUM",
            ("2025-06-05", "2025-06-05"),
            TrainingFormat::Distanciel,
            "Intrapreneurs et responsables de produit",
            &["hugo.petit", "ines.robert", "camille.martin"][..],
        ),
        (
            "Éco-conception de services numériques",
            "Institut du numérique responsable",
            ("2025-10-14", "2025-10-15"),
            TrainingFormat::Hybride,
            "Tous les membres",
            &["paul.richard"][..],
        ),
    ];
    for (title, provider, (start, end), format, audience, attendees) in trainings {
        let training = Training {
            id: 0,
            title: title.to_owned(),
            provider: provider.to_owned(),
            start: start.parse()?,
            end: end.parse()?,
            format,
            audience: audience.to_owned(),
        };
        let created = store.create_training(&training, &actor, &at).await?;
        for member in attendees {
            let attendance = Attendance {
                training: created.id,
                member: Slug::parse(member)?,
            };
            store.record_attendance(&attendance, &actor, &at).await?;
        }
    }
    Ok(())
}

/// Adds two promotions and three challenges of the EIG programme, with their people and
/// key figures, when the programme is empty; the key figures become declared measurements
/// of the challenges' products, as an import makes them.
pub async fn eig_if_empty(store: &Store) -> anyhow::Result<()> {
    use pilote_domain::Slug;
    use pilote_domain::talent::eig::{
        Challenge, EigRole, KeyFigure, Person, PersonLinks, Programme, Promotion, Skill,
    };

    if !store.eig_programme().await?.challenges.is_empty() {
        return Ok(());
    }
    let slug = |s: &str| Slug::parse(s);
    let figure = |value: f64, description: &str| KeyFigure {
        value: Some(value),
        text: format!("{value}"),
        description: description.to_owned(),
        percent: false,
    };
    let promotions = vec![
        Promotion {
            slug: slug("eig-5")?,
            code: "5".into(),
            title: "Les défis EIG 5".into(),
            year: 2021,
        },
        Promotion {
            slug: slug("eig-6")?,
            code: "6".into(),
            title: "Les défis EIG 6".into(),
            year: 2022,
        },
    ];
    let skills = vec![
        Skill {
            slug: slug("datascience")?,
            label: "Data science".into(),
        },
        Skill {
            slug: slug("design")?,
            label: "Design".into(),
        },
        Skill {
            slug: slug("dev")?,
            label: "Développement".into(),
        },
    ];
    let challenge = |s: &str,
                     title: &str,
                     description: &str,
                     administration: &str,
                     (year, promotion): (i32, &str),
                     skills: &[&str],
                     key_figures: Vec<KeyFigure>,
                     (eigs, mentors): (&[&str], &[&str])|
     -> anyhow::Result<Challenge> {
        let slugs = |list: &[&str]| {
            list.iter()
                .map(|s| Slug::parse(s))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Challenge {
            slug: slug(s)?,
            title: title.into(),
            description: description.into(),
            administration: administration.into(),
            administration_website: None,
            city: Some("Paris".into()),
            year,
            promotion: slug(promotion)?,
            duration_months: Some(10),
            skills: slugs(skills)?,
            key_figures,
            source_code: None,
            website: None,
            eigs: slugs(eigs)?,
            mentors: slugs(mentors)?,
        })
    };
    let challenges = vec![
        challenge(
            "cartobruit",
            "CartoBruit",
            "Cartographier les nuisances sonores pour mieux protéger les riverains",
            "Ministère de la Transition écologique",
            (2021, "eig-5"),
            &["datascience", "dev"],
            vec![
                figure(1200.0, "communes cartographiées"),
                figure(35.0, "agents formés à l’outil"),
            ],
            (&["nora-benali", "theo-garnier"], &["claire-fontaine"]),
        )?,
        challenge(
            "dossier-facile-sante",
            "Dossier facile santé",
            "Simplifier la constitution des dossiers de prise en charge",
            "Caisse nationale d’assurance maladie",
            (2021, "eig-5"),
            &["design", "dev"],
            vec![figure(18.0, "entretiens avec des usagers")],
            (&["amelie-roux"], &["claire-fontaine"]),
        )?,
        challenge(
            "vigie-marches",
            "Vigie marchés",
            "Repérer les marchés publics infructueux pour les relancer plus tôt",
            "Direction des achats de l’État",
            (2022, "eig-6"),
            &["datascience"],
            vec![
                figure(25000.0, "marchés analysés"),
                figure(4.0, "ateliers avec les acheteurs"),
            ],
            (&["yanis-perrin"], &["marc-delorme"]),
        )?,
    ];
    let person = |s: &str,
                  name: &str,
                  role,
                  profile: &str,
                  year,
                  promotion: &str,
                  of: &[&str]|
     -> anyhow::Result<Person> {
        Ok(Person {
            slug: slug(s)?,
            name: name.into(),
            role,
            profile: profile.into(),
            years: vec![year],
            promotions: vec![slug(promotion)?],
            challenges: of
                .iter()
                .map(|c| Slug::parse(c))
                .collect::<Result<_, _>>()?,
            skills: Vec::new(),
            links: PersonLinks::default(),
        })
    };
    let people = vec![
        person(
            "amelie-roux",
            "Amélie Roux",
            EigRole::Eig,
            "Designer",
            2021,
            "eig-5",
            &["dossier-facile-sante"],
        )?,
        person(
            "claire-fontaine",
            "Claire Fontaine",
            EigRole::Mentor,
            "Mentor",
            2021,
            "eig-5",
            &["cartobruit", "dossier-facile-sante"],
        )?,
        person(
            "marc-delorme",
            "Marc Delorme",
            EigRole::Mentor,
            "Mentor",
            2022,
            "eig-6",
            &["vigie-marches"],
        )?,
        person(
            "nora-benali",
            "Nora Benali",
            EigRole::Eig,
            "Data scientist",
            2021,
            "eig-5",
            &["cartobruit"],
        )?,
        person(
            "theo-garnier",
            "Théo Garnier",
            EigRole::Eig,
            "Développeur",
            2021,
            "eig-5",
            &["cartobruit"],
        )?,
        person(
            "yanis-perrin",
            "Yanis Perrin",
            EigRole::Eig,
            "Data scientist",
            2022,
            "eig-6",
            &["vigie-marches"],
        )?,
    ];
    let programme = Programme {
        promotions,
        skills,
        challenges,
        people,
    };
    store
        .apply_eig_import(&programme, false, &Actor::system("démo"))
        .await?;
    Ok(())
}

/// A call for challenges open around today, with a grid, a retained challenge and one
/// waiting for the panel; three published job offers and a draft; one confirmed application
/// to each, so that the panel and the recruiter have something to review.
pub async fn recruitment_if_empty(store: &Store) -> anyhow::Result<()> {
    use chrono::Duration;
    use pilote_domain::Slug;
    use pilote_domain::portfolio::Domaine;
    use pilote_domain::talent::recruitment::{
        Application, Call, Candidate, ChallengeProposal, ContractType, Criterion, JobOffer,
        Opening, ProposalStatus, RemotePolicy, SalaryRange,
    };

    if !store.calls().await?.is_empty() {
        return Ok(());
    }
    let actor = Actor::system("démo");
    let today = chrono::Utc::now().date_naive();
    let organisation = Slug::parse("dir-solidarites")?;
    let call = Call {
        slug: Slug::parse("eig-demo")?,
        title: "Appel à défis EIG (démonstration)".into(),
        description: "Les administrations proposent des défis numériques d'intérêt général ; des entrepreneurs d'intérêt général les relèvent pendant dix mois.".into(),
        opens_on: today - Duration::days(30),
        closes_on: today + Duration::days(60),
        promotion: None,
    };
    let criterion = |slug: &str, label: &str, weight| -> anyhow::Result<Criterion> {
        Ok(Criterion {
            slug: Slug::parse(slug)?,
            label: label.into(),
            weight,
        })
    };
    let criteria = [
        criterion("impact", "Impact pour les usagers", 3)?,
        criterion("donnees", "Données disponibles", 2)?,
        criterion("portage", "Portage par l'administration", 1)?,
    ];
    store.create_call(&call, &criteria, &actor).await?;
    let proposal = |title: &str, description: &str, status, product: Option<&str>| {
        Ok::<_, anyhow::Error>(ChallengeProposal {
            id: 0,
            call: call.slug.clone(),
            organisation: organisation.clone(),
            product: product.map(Slug::parse).transpose()?,
            title: title.into(),
            description: description.into(),
            status,
        })
    };
    let retained = store
        .save_proposal(
            &proposal(
                "Aller vers les personnes qui ne demandent pas leurs droits",
                "Repérer, à partir des données déjà détenues, les foyers qui pourraient bénéficier d'une aide sans la demander, et les en informer.",
                ProposalStatus::Retained,
                Some("droits-simples"),
            )?,
            &actor,
        )
        .await?;
    store
        .save_proposal(
            &proposal(
                "Prévoir l'affluence des guichets",
                "Anticiper les pics de fréquentation des accueils pour mieux répartir les agents.",
                ProposalStatus::Submitted,
                None,
            )?,
            &actor,
        )
        .await?;
    let offer = |slug: &str,
                 title: &str,
                 domaine,
                 location: &str,
                 remote,
                 contract,
                 salary: Option<(u32, u32)>,
                 days: i64,
                 published| {
        Ok::<_, anyhow::Error>(JobOffer {
            slug: Slug::parse(slug)?,
            title: title.into(),
            organisation: organisation.clone(),
            domaine,
            location: location.into(),
            remote,
            contract,
            salary: salary.map(|(min, max)| SalaryRange::new(min, max)).transpose()?,
            closes_on: today + Duration::days(days),
            description: "Au sein d'une équipe produit de la direction, vous concevez et faites évoluer des services numériques utilisés par des millions d'usagers.".into(),
            published,
        })
    };
    let offers = [
        offer(
            "developpeuse-back-end-solidarites",
            "Développeuse ou développeur back-end",
            Domaine::Developpement,
            "Paris",
            RemotePolicy::Partial,
            ContractType::OpenEnded,
            Some((48_000, 62_000)),
            45,
            true,
        )?,
        offer(
            "designer-solidarites",
            "Designer de services",
            Domaine::Design,
            "Lyon",
            RemotePolicy::Partial,
            ContractType::FixedTerm,
            Some((42_000, 55_000)),
            60,
            true,
        )?,
        offer(
            "data-scientist-solidarites",
            "Data scientist",
            Domaine::Data,
            "Paris",
            RemotePolicy::Full,
            ContractType::Permanent,
            None,
            90,
            true,
        )?,
        offer(
            "chef-de-produit-solidarites",
            "Cheffe ou chef de produit",
            Domaine::Produit,
            "Paris",
            RemotePolicy::OnSite,
            ContractType::OpenEnded,
            None,
            75,
            false,
        )?,
    ];
    for offer in &offers {
        store.save_job_offer(offer, &actor).await?;
    }
    let candidate = |name: &str, email: &str, profile: &str| Candidate {
        name: name.into(),
        email: email.into(),
        profile: profile.into(),
        skills: vec!["Python".into(), "Données publiques".into()],
        motivation: "Mettre mes compétences au service de l'intérêt général.".into(),
    };
    let at = pilote_store::timestamp(chrono::Utc::now());
    let openings = [
        (
            Opening::Challenge {
                call: call.slug.clone(),
                proposal: retained.id,
                organisation: organisation.clone(),
            },
            candidate(
                "Lina Roussel",
                "lina.roussel@exemple.fr",
                "Data scientist, six ans dans une agence d'études.",
            ),
        ),
        (
            Opening::JobOffer {
                offer: offers[0].slug.clone(),
                organisation: organisation.clone(),
            },
            candidate(
                "Omar Haddad",
                "omar.haddad@exemple.fr",
                "Développeur back-end, huit ans dans le secteur associatif.",
            ),
        ),
    ];
    for (opening, candidate) in openings {
        // Confirmed already: nobody will open a demo e-mail. No secret: nobody withdraws.
        let application = Application {
            confirmed_at: Some(at.clone()),
            ..Application::new(opening, candidate, String::new(), &at)
        };
        store.create_application(&application, &[], &actor).await?;
    }
    Ok(())
}
