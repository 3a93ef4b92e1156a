//! Server-rendered pages on the State design system (DSFR), in French, working without
//! JavaScript. One module per context; templates live in `templates/`.

mod access_requests;
mod assets;
mod chart;
mod committees;
mod commons;
mod data;
mod data_exports;
pub(crate) mod delivery;
mod download;
mod eig;
mod form_state;
mod forms;
mod history;
mod home;
mod impact;
mod legal;
mod markdown;
mod network;
mod observatory;
mod products;
mod quality;
mod recruitment;
mod releases;
mod retention;
mod search;
mod support;
mod trainings;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use network::{Format, Listing};

use crate::auth::Visitor;
use crate::{ApiError, AppState};
use pilote_domain::identity::{Action, Principal, Target};

/// The pages' routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/produits", get(products::list))
        .route("/produits.csv", get(products::csv))
        .route("/produits.json", get(products::json))
        .route(
            "/produits/nouveau",
            get(forms::new_product).post(forms::create_product),
        )
        .route("/produits/{slug}", get(products::show))
        .route(
            "/produits/{slug}/modifier",
            get(forms::edit_product).post(forms::update_product),
        )
        .route(
            "/produits/{slug}/supprimer",
            get(forms::confirm_delete_product).post(forms::delete_product),
        )
        .route("/produits/{slug}/historique", get(history::product))
        .route(
            "/produits/{slug}/indicateurs/nouveau",
            get(forms::new_indicator).post(forms::create_indicator),
        )
        .route(
            "/produits/{slug}/indicateurs/{id}/modifier",
            get(forms::edit_indicator).post(forms::update_indicator),
        )
        .route(
            "/produits/{slug}/indicateurs/{id}/supprimer",
            get(forms::confirm_delete_indicator).post(forms::delete_indicator),
        )
        .route(
            "/produits/{slug}/indicateurs/{id}/mesures/nouvelle",
            get(forms::new_measurement).post(forms::create_measurement),
        )
        .route(
            "/produits/{slug}/indicateurs/{id}/mesures/{measurement}/modifier",
            get(forms::edit_measurement).post(forms::update_measurement),
        )
        .route(
            "/produits/{slug}/indicateurs/{id}/mesures/{measurement}/supprimer",
            get(forms::confirm_delete_measurement).post(forms::delete_measurement),
        )
        .route(
            "/produits/{slug}/budget",
            get(forms::edit_budget).post(forms::replace_budget),
        )
        .route("/equipes-produits", get(delivery::teams))
        .route("/livraisons", get(delivery::cadence))
        .route(
            "/admin/composition-recommandee",
            get(delivery::recommended_form).post(delivery::recommended_submit),
        )
        .route("/comites", get(committees::list))
        .route(
            "/comites/nouveau",
            get(committees::new).post(committees::create),
        )
        .route("/comites/en-retard", get(committees::overdue))
        .route("/comites/{id}", get(committees::show))
        .route("/comites/{id}/decisions", post(committees::decide))
        .route(
            "/produits/{slug}/livraisons",
            get(releases::list).post(releases::declare),
        )
        .route(
            "/produits/{slug}/livraisons/{id}/supprimer",
            post(releases::withdraw),
        )
        .route("/produits/{slug}/qualite", get(quality::show))
        .route(
            "/produits/{slug}/qualite/fiche",
            get(forms::edit_record).post(forms::save_record),
        )
        .route(
            "/produits/{slug}/audits/nouveau",
            get(forms::new_audit).post(forms::create_audit),
        )
        .route("/produits/{slug}/audits/{id}", get(quality::report))
        .route(
            "/produits/{slug}/audits/{id}/pages/{page}",
            get(forms::edit_audit_page).post(forms::save_audit_page),
        )
        .route(
            "/produits/{slug}/rgesn",
            get(forms::edit_rgesn).post(forms::save_rgesn),
        )
        .route("/donnees/demandes", get(access_requests::list))
        .route(
            "/donnees/demandes/nouvelle",
            get(access_requests::new).post(access_requests::create),
        )
        .route("/donnees/demandes/{id}", get(access_requests::show))
        .route(
            "/donnees/demandes/{id}/modifier",
            get(access_requests::edit).post(access_requests::update),
        )
        .route(
            "/donnees/demandes/{id}/evenements",
            post(access_requests::take),
        )
        .route(
            "/donnees/demandes/{id}/messages",
            post(access_requests::message),
        )
        .route("/accompagnement", get(support::list))
        .route(
            "/accompagnement/nouvelle",
            get(support::new).post(support::create),
        )
        .route("/accompagnement/tableau-de-bord", get(support::dashboard))
        .route("/accompagnement/{id}", get(support::show))
        .route("/accompagnement/{id}/etapes", post(support::step))
        .route("/accompagnement/{id}/messages", post(support::message))
        .route("/impact", get(impact::portfolio))
        .route("/impact.csv", get(impact::export_csv))
        .route("/observatoire", get(observatory::show))
        .route("/observatoire/editions", post(observatory::freeze))
        .route("/donnees", get(data::catalogue))
        .route("/donnees/jeux-de-donnees/{slug}", get(data::dataset))
        .route("/donnees/api", get(data::apis))
        .route("/donnees/api/{slug}", get(data::api))
        .route("/donnees/producteurs", get(data::producers))
        .route("/donnees/producteurs/{slug}", get(data::producer))
        .route("/donnees/catalogue.ttl", get(data_exports::turtle))
        .route("/donnees/catalogue.jsonld", get(data_exports::json_ld))
        .route("/donnees/jeux-de-donnees.csv", get(data_exports::csv))
        .route("/donnees/jeux-de-donnees.json", get(data_exports::json))
        .route("/observatoire.csv", get(observatory::csv))
        .route("/observatoire.json", get(observatory::json))
        .route("/impact.json", get(impact::export_json))
        .route("/logiciels", get(commons::list))
        .route("/logiciels.csv", get(commons::csv))
        .route("/logiciels.json", get(commons::json))
        .route("/logiciels/masse-critique", get(commons::figures))
        .route("/logiciels/{slug}", get(commons::show))
        .route("/logiciels/{slug}/declarations", post(commons::declare))
        .route(
            "/logiciels/{slug}/declarations/{id}/retirer",
            post(commons::withdraw),
        )
        .route("/recherche", get(search::search))
        .route(
            "/incubateurs",
            get(|State(s): State<AppState>, uri: Uri| async move {
                network::listing(&s, &uri, Listing::Incubators)
            }),
        )
        .route(
            "/incubateurs.csv",
            get(|State(s): State<AppState>| async move {
                network::listing_download(&s, Listing::Incubators, Format::Csv)
            }),
        )
        .route(
            "/incubateurs.json",
            get(|State(s): State<AppState>| async move {
                network::listing_download(&s, Listing::Incubators, Format::Json)
            }),
        )
        .route("/incubateurs/{slug}", get(network::incubator))
        .route(
            "/organisations",
            get(|State(s): State<AppState>, uri: Uri| async move {
                network::listing(&s, &uri, Listing::Organisations)
            }),
        )
        .route(
            "/organisations.csv",
            get(|State(s): State<AppState>| async move {
                network::listing_download(&s, Listing::Organisations, Format::Csv)
            }),
        )
        .route(
            "/organisations.json",
            get(|State(s): State<AppState>| async move {
                network::listing_download(&s, Listing::Organisations, Format::Json)
            }),
        )
        .route("/organisations/{slug}", get(network::organisation))
        .route("/membres", get(network::members))
        .route(
            "/membres.csv",
            get(|State(s): State<AppState>, uri: Uri| async move {
                network::members_download(&s, &uri, Format::Csv)
            }),
        )
        .route(
            "/membres.json",
            get(|State(s): State<AppState>, uri: Uri| async move {
                network::members_download(&s, &uri, Format::Json)
            }),
        )
        .route(
            "/membres/nouveau",
            get(forms::new_member).post(forms::create_member),
        )
        .route("/membres/{slug}", get(network::member))
        .route("/membres/{slug}/historique", get(history::member))
        .route(
            "/membres/{slug}/modifier",
            get(forms::edit_member).post(forms::update_member),
        )
        .route(
            "/membres/{slug}/supprimer",
            get(forms::confirm_delete_member).post(forms::delete_member),
        )
        .route(
            "/equipes",
            get(|State(s): State<AppState>, uri: Uri| async move {
                network::listing(&s, &uri, Listing::Teams)
            }),
        )
        .route(
            "/equipes.csv",
            get(|State(s): State<AppState>| async move {
                network::listing_download(&s, Listing::Teams, Format::Csv)
            }),
        )
        .route(
            "/equipes.json",
            get(|State(s): State<AppState>| async move {
                network::listing_download(&s, Listing::Teams, Format::Json)
            }),
        )
        .route("/equipes/{slug}", get(network::team))
        .route("/accessibilite", get(legal::accessibility))
        .route("/mentions-legales", get(legal::legal_notice))
        .route("/donnees-personnelles", get(legal::personal_data))
        .route("/plan-du-site", get(legal::site_map))
        .route("/static/{name}", get(assets::serve))
        .route("/talents", get(recruitment::hub))
        .route("/talents/offres", get(recruitment::offers))
        .route(
            "/talents/offres/nouvelle",
            get(recruitment::new_offer).post(recruitment::create_offer),
        )
        .route("/talents/offres/{slug}", get(recruitment::offer))
        .route(
            "/talents/offres/{slug}/modifier",
            get(recruitment::edit_offer).post(recruitment::update_offer),
        )
        .route(
            "/talents/offres/{slug}/candidature",
            post(recruitment::apply_to_offer),
        )
        .route(
            "/talents/offres/{slug}/candidatures",
            get(recruitment::offer_applications),
        )
        .route("/talents/appels", get(recruitment::calls))
        .route("/talents/appels/{slug}", get(recruitment::call))
        .route("/talents/appels/{slug}/jury", get(recruitment::panel))
        .route(
            "/talents/appels/{slug}/proposer",
            get(recruitment::new_proposal).post(recruitment::create_proposal),
        )
        .route(
            "/talents/appels/{slug}/propositions/{id}",
            get(recruitment::proposal).post(recruitment::judge_proposal),
        )
        .route(
            "/talents/appels/{slug}/defis/{id}",
            get(recruitment::challenge),
        )
        .route(
            "/talents/appels/{slug}/defis/{id}/candidature",
            post(recruitment::apply_to_challenge),
        )
        .route(
            "/talents/candidature",
            get(recruitment::candidature).post(recruitment::candidate_acts),
        )
        .route(
            "/talents/candidatures/{id}",
            get(recruitment::application).post(recruitment::review),
        )
        .route("/talents/retention", get(retention::show))
        .route("/talents/retention.csv", get(retention::csv))
        .route("/talents/retention.json", get(retention::json))
        .route("/talents/eig", get(eig::list))
        .route("/talents/eig/defis/{slug}", get(eig::show))
        .route("/talents/formations", get(trainings::list))
        .route(
            "/talents/formations/nouvelle",
            get(trainings::new).post(trainings::create),
        )
        .route("/talents/formations/{id}", get(trainings::show))
        .route(
            "/talents/formations/{id}/participants",
            post(trainings::attend),
        )
}

/// A main navigation entry.
pub struct NavItem {
    /// Address.
    pub href: &'static str,
    /// Label.
    pub label: &'static str,
    /// Whether the page belongs to this section.
    pub current: bool,
}

/// A breadcrumb step.
pub struct Crumb {
    /// Address.
    pub href: String,
    /// Label.
    pub label: String,
}

/// What every page's frame needs.
#[expect(
    clippy::struct_excessive_bools,
    reason = "each flag is one yes-or-no question a template asks"
)]
pub struct Layout {
    /// The bundled stylesheet.
    pub stylesheet: &'static str,
    /// The DSFR script.
    pub script: &'static str,
    /// The favicon.
    pub favicon: &'static str,
    /// The touch icon.
    pub apple_touch_icon: &'static str,
    /// The main navigation.
    pub navigation: Vec<NavItem>,
    /// The breadcrumb, empty on the home page.
    pub breadcrumb: Vec<Crumb>,
    /// The search box's text.
    pub query: String,
    /// Whether the visitor may create records of the page's kind, to offer the form.
    pub writes: bool,
    /// Whether the visitor may change the record shown.
    pub can_edit: bool,
    /// Whether the visitor may delete the record shown.
    pub can_delete: bool,
    /// Whether the page shows a form with errors (its title then says so).
    pub has_errors: bool,
    /// The signed-in person, if any.
    pub principal: Option<Principal>,
    visitor: Visitor,
}

/// The main navigation's sections.
const SECTIONS: [(&str, &str); 6] = [
    ("/produits", "Produits"),
    ("/incubateurs", "Incubateurs"),
    ("/organisations", "Organisations"),
    ("/membres", "Membres"),
    ("/equipes", "Équipes"),
    ("/donnees", "Données"),
];

impl Layout {
    /// The frame of a page in `section` (an address of the main navigation, or ""), for
    /// the visitor of the request being answered.
    pub fn new(section: &str, breadcrumb: &[(&str, &str)]) -> Self {
        let visitor = Visitor::current();
        let mut crumbs: Vec<Crumb> = Vec::new();
        if !breadcrumb.is_empty() {
            crumbs.push(Crumb {
                href: "/".into(),
                label: "Accueil".into(),
            });
            crumbs.extend(breadcrumb.iter().map(|(href, label)| Crumb {
                href: (*href).to_owned(),
                label: (*label).to_owned(),
            }));
        }
        Self {
            stylesheet: assets::STYLESHEET,
            script: assets::SCRIPT,
            favicon: assets::FAVICON,
            apple_touch_icon: assets::APPLE_TOUCH_ICON,
            navigation: SECTIONS
                .iter()
                .map(|&(href, label)| NavItem {
                    href,
                    label,
                    current: href == section,
                })
                .collect(),
            breadcrumb: crumbs,
            query: String::new(),
            writes: false,
            can_edit: false,
            can_delete: false,
            has_errors: false,
            principal: visitor.principal.clone(),
            visitor,
        }
    }

    /// The same frame, offering the creation form when the visitor may `create` somewhere.
    #[must_use]
    pub fn creation(mut self, create: Action) -> Self {
        self.writes = self
            .principal
            .as_ref()
            .is_some_and(|principal| principal.may_somewhere(create));
        self
    }

    /// The same frame, offering to edit and delete the record of `target` as permitted.
    #[must_use]
    pub fn record(mut self, edit: Action, delete: Action, target: &Target) -> Self {
        if let Some(principal) = &self.principal {
            self.can_edit = principal.may(edit, target);
            self.can_delete = principal.may(delete, target);
        }
        self
    }

    /// The same frame, saying in its title whether the form shown has errors.
    #[must_use]
    pub fn with_errors(mut self, has_errors: bool) -> Self {
        self.has_errors = has_errors;
        self
    }

    /// The token every form of this page carries; asking for it gives an anonymous
    /// visitor their CSRF cookie.
    pub fn csrf(&self) -> String {
        self.visitor.csrf_token()
    }

    /// The signed-in person's name, for the header.
    pub fn signed_in_as(&self) -> Option<&str> {
        self.principal
            .as_ref()
            .map(|principal| principal.name.as_str())
    }

    /// Whether the visitor administers Pilote, for the header's administration link.
    pub fn is_administrator(&self) -> bool {
        self.principal
            .as_ref()
            .is_some_and(Principal::is_administrator)
    }
}

/// Items per page of every list.
pub const PAGE_SIZE: usize = 20;

/// A link of a pagination.
pub struct PageLink {
    /// Page number, from 1.
    pub number: usize,
    /// Address.
    pub href: String,
    /// Whether it is the page shown.
    pub current: bool,
}

/// The pagination under a list: first, last and nearby pages, previous and next.
pub struct Pagination {
    /// The links to pages.
    pub pages: Vec<PageLink>,
    /// The previous page, if any.
    pub previous: Option<String>,
    /// The next page, if any.
    pub next: Option<String>,
    /// The page shown.
    pub current: usize,
    /// The last page.
    pub last: usize,
}

impl Pagination {
    /// The pagination of `total` items at page `current`, for a list at `path` whose other
    /// parameters are `query` (already encoded).
    pub fn new(path: &str, query: &str, current: usize, total: usize) -> Self {
        let link = |number: usize| {
            if query.is_empty() {
                format!("{path}?page={number}")
            } else {
                format!("{path}?{query}&page={number}")
            }
        };
        let last = total.div_ceil(PAGE_SIZE).max(1);
        Self {
            pages: (1..=last)
                .filter(|n| *n == 1 || *n == last || n.abs_diff(current) <= 2)
                .map(|number| PageLink {
                    number,
                    href: link(number),
                    current: number == current,
                })
                .collect(),
            previous: (current > 1).then(|| link(current - 1)),
            next: (current < last).then(|| link(current + 1)),
            current,
            last,
        }
    }
}

/// A page that could not be shown: rendered in the layout, never with internal details.
pub struct PageError(ApiError);

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        Self(error)
    }
}

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> Self {
        Self(ApiError::Internal(error.to_string()))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    title: &'static str,
    message: String,
    sign_in: bool,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self.0 {
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page non trouvée",
                "La page que vous cherchez est introuvable. Vérifiez l’adresse ou revenez à l’accueil.".to_owned(),
            ),
            ApiError::Unprocessable(fields) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Demande invalide",
                fields.into_iter().map(|(field, message)| format!("{field} : {message}")).collect::<Vec<_>>().join(" ; "),
            ),
            ApiError::Unauthorized(message) => (StatusCode::UNAUTHORIZED, "Connexion requise", message.to_owned()),
            ApiError::Forbidden(message) => (StatusCode::FORBIDDEN, "Accès refusé", message.to_owned()),
            ApiError::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "Trop de tentatives", ApiError::TooManyRequests.to_string()),
            ApiError::Conflict(message) | ApiError::BadRequest(message) => (StatusCode::BAD_REQUEST, "Demande invalide", message),
            error @ ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "Demande trop volumineuse", error.to_string()),
            error @ ApiError::Timeout(_) => (StatusCode::REQUEST_TIMEOUT, "Délai dépassé", error.to_string()),
            error @ ApiError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "Service chargé", error.to_string()),
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Erreur inattendue",
                    "Désolé, le service rencontre un problème ; il a été consigné. Réessayez plus tard.".to_owned(),
                )
            }
        };
        message_page(status, title, message)
    }
}

/// A page that only says something: an error, or the end of a process.
pub(crate) fn message_page(status: StatusCode, title: &'static str, message: String) -> Response {
    let page = ErrorPage {
        layout: Layout::new("", &[(" ", title)]),
        title,
        message,
        sign_in: status == StatusCode::UNAUTHORIZED,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, title).into_response(),
    }
}

/// Renders a template as a page.
pub(crate) fn page(template: &impl Template) -> Result<Html<String>, PageError> {
    Ok(Html(template.render()?))
}

/// A form shown again with its errors: 422, so that clients know nothing was written.
pub(crate) fn rerender(form: impl Template) -> Result<Response, PageError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&form)?).into_response())
}

/// The answer to an unknown address: a page, or the API's error body under `/api`.
pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::NotFound.into_response()
    } else {
        PageError(ApiError::NotFound).into_response()
    }
}

/// Whether the visitor may change `product` (its record, releases, quality), to offer the
/// forms that do.
pub(crate) fn may_change(
    principal: Option<&Principal>,
    product: &pilote_domain::portfolio::Product,
) -> bool {
    principal.is_some_and(|p| {
        p.may(
            Action::UpdateProduct,
            &crate::auth::product_target(&product.slug, &product.incubator),
        )
    })
}
