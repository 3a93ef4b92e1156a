//! The JSON API under `/api/v1`, one file per resource action, and its OpenAPI document
//! at `/api/openapi.json`, generated from the handlers.

pub mod access_requests;
pub mod accounts;
pub mod audit;
pub mod budget;
pub mod committees;
pub mod commons;
pub mod data;
pub mod delivery;
pub mod eig;
pub mod impact;
pub mod incubators;
pub mod indicators;
pub mod me;
pub mod members;
pub mod organisations;
pub mod products;
pub mod quality;
pub mod recruitment;
pub mod releases;
pub mod retention;
pub mod search;
pub mod support;
pub mod teams;
pub mod trainings;
pub mod webhooks;

pub(crate) mod extract;
mod list;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use bytes::Bytes;
use serde::Serialize;
use utoipa::OpenApi;

pub use list::{Page, Paging};

use crate::{ApiError, AppState};

/// The OpenAPI document of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pilote",
        description = "Le portefeuille des services numériques publics, leur impact et leur qualité.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    paths(
        products::list::list_products,
        products::show::show_product,
        products::create::create_product,
        products::update::update_product,
        products::delete::delete_product,
        indicators::list::list_indicators,
        indicators::show::show_indicator,
        indicators::create::create_indicator,
        indicators::update::update_indicator,
        indicators::delete::delete_indicator,
        indicators::measurements_create::create_measurement,
        indicators::measurements_update::update_measurement,
        indicators::measurements_delete::delete_measurement,
        budget::show::show_budget,
        budget::replace::replace_budget,
        releases::list::list_releases,
        releases::create::create_release,
        releases::delete::delete_release,
        releases::cadence::delivery_cadence,
        members::list::list_members,
        members::show::show_member,
        members::create::create_member,
        members::update::update_member,
        members::delete::delete_member,
        incubators::list::list_incubators,
        incubators::show::show_incubator,
        incubators::update::update_incubator,
        organisations::list::list_organisations,
        organisations::show::show_organisation,
        organisations::update::update_organisation,
        teams::list::list_teams,
        teams::show::show_team,
        me::me,
        accounts::list::list_accounts,
        accounts::grant::grant_role,
        accounts::revoke::revoke_role,
        audit::history::history,
        impact::summary::summary,
        delivery::team::show_team,
        delivery::composition::portfolio,
        delivery::recommended_show::show_recommended,
        delivery::recommended_replace::replace_recommended,
        committees::list::list_committees,
        committees::create::create_committee,
        committees::show::show_committee,
        committees::decide::record_decision,
        committees::product_decisions::product_decisions,
        delivery::overdue::overdue_committees,
        support::list::list_support_requests,
        support::create::create_support_request,
        support::show::show_support_request,
        support::step::take_support_step,
        support::message::write_support_message,
        support::dashboard::support_dashboard,
        support::notifications::my_notifications,
        quality::show_record::show_quality_record,
        quality::update_record::update_quality_record,
        quality::audit_list::list_audits,
        quality::audit_list::create_audit,
        quality::audit_show::show_audit,
        quality::audit_result::record_result,
        quality::rgesn::show_rgesn,
        quality::rgesn::replace_rgesn,
        quality::service::show_service,
        quality::observatory::list_observatory,
        quality::editions::list_editions,
        quality::editions::freeze_edition,
        commons::list::list_software,
        commons::show::show_software,
        commons::declare::declare_software,
        commons::withdraw::withdraw_declaration,
        commons::figures::commons_figures,
        commons::unmatched::unmatched_techno,
        commons::link::link_software,
        commons::unlink::unlink_software,
        data::datasets_list::list_datasets,
        data::dataset_show::show_dataset,
        data::producers_list::list_producers,
        data::apis_list::list_apis,
        data::api_show::show_api,
        data::udata::list,
        data::udata::show,
        access_requests::list::list_access_requests,
        access_requests::create::create_access_request,
        access_requests::show::show_access_request,
        access_requests::update::update_access_request,
        access_requests::event::take_access_event,
        access_requests::message::write_access_message,
        access_requests::authorisations::list_authorisations,
        webhooks::list::list_webhooks,
        webhooks::create::create_webhook,
        webhooks::delete::delete_webhook,
        webhooks::deliveries::list_deliveries,
        retention::show::show_retention,
        trainings::list::list_trainings,
        trainings::create::create_training,
        trainings::show::show_training,
        trainings::attend::record_attendee,
        eig::promotions::list_promotions,
        eig::challenges::list_challenges,
        eig::challenge::show_challenge,
        eig::people::list_people,
        search::list::search,
        recruitment::calls::list_calls,
        recruitment::calls::create_call,
        recruitment::calls::show_call,
        recruitment::proposals::list_proposals,
        recruitment::proposals::create_proposal,
        recruitment::proposals::decide_proposal,
        recruitment::proposals::score_proposal,
        recruitment::offers::list_job_offers,
        recruitment::offers::show_job_offer,
        recruitment::offers::put_job_offer,
        recruitment::apply::apply_to_offer,
        recruitment::apply::apply_to_challenge,
        recruitment::apply::confirm_application,
        recruitment::applications::list_applications,
        recruitment::applications::show_application,
        recruitment::applications::take_application_event,
        recruitment::applications::write_application_message,
    ),
    components(schemas(
        crate::error::ErrorBody,
        crate::query::ProductSort,
        recruitment::offers::OfferSort
    )),
    modifiers(&BearerTokens)
)]
pub struct ApiDoc;

/// Declares the API tokens as the document's security scheme.
struct BearerTokens;

impl utoipa::Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "jeton",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "Jeton d'API créé depuis la page « Mon compte » ; portées : read, write:portfolio, admin.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The API's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route(
            "/api/v1/products",
            get(products::list::list_products).post(products::create::create_product),
        )
        .route(
            "/api/v1/products/{slug}",
            get(products::show::show_product)
                .put(products::update::update_product)
                .delete(products::delete::delete_product),
        )
        .route(
            "/api/v1/products/{slug}/indicators",
            get(indicators::list::list_indicators).post(indicators::create::create_indicator),
        )
        .route(
            "/api/v1/products/{slug}/indicators/{id}",
            get(indicators::show::show_indicator)
                .put(indicators::update::update_indicator)
                .delete(indicators::delete::delete_indicator),
        )
        .route(
            "/api/v1/products/{slug}/indicators/{id}/measurements",
            post(indicators::measurements_create::create_measurement),
        )
        .route(
            "/api/v1/products/{slug}/indicators/{id}/measurements/{measurement_id}",
            put(indicators::measurements_update::update_measurement)
                .delete(indicators::measurements_delete::delete_measurement),
        )
        .route(
            "/api/v1/products/{slug}/budget",
            get(budget::show::show_budget).put(budget::replace::replace_budget),
        )
        .route(
            "/api/v1/products/{slug}/releases",
            get(releases::list::list_releases).post(releases::create::create_release),
        )
        .route(
            "/api/v1/products/{slug}/releases/{id}",
            axum::routing::delete(releases::delete::delete_release),
        )
        .route(
            "/api/v1/delivery/cadence",
            get(releases::cadence::delivery_cadence),
        )
        .route(
            "/api/v1/members",
            get(members::list::list_members).post(members::create::create_member),
        )
        .route(
            "/api/v1/members/{slug}",
            get(members::show::show_member)
                .put(members::update::update_member)
                .delete(members::delete::delete_member),
        )
        .route("/api/v1/incubators", get(incubators::list::list_incubators))
        .route(
            "/api/v1/incubators/{slug}",
            get(incubators::show::show_incubator).put(incubators::update::update_incubator),
        )
        .route(
            "/api/v1/organisations",
            get(organisations::list::list_organisations),
        )
        .route(
            "/api/v1/organisations/{slug}",
            get(organisations::show::show_organisation)
                .put(organisations::update::update_organisation),
        )
        .route("/api/v1/me", get(me::me))
        .route("/api/v1/accounts", get(accounts::list::list_accounts))
        .route(
            "/api/v1/accounts/{id}/roles",
            post(accounts::grant::grant_role),
        )
        .route(
            "/api/v1/accounts/{id}/roles/{role}",
            delete(accounts::revoke::revoke_role),
        )
        .route("/api/v1/audit/{kind}/{id}", get(audit::history::history))
        .route("/api/v1/impact/summary", get(impact::summary::summary))
        .route(
            "/api/v1/products/{slug}/team",
            get(delivery::team::show_team),
        )
        .route(
            "/api/v1/delivery/composition",
            get(delivery::composition::portfolio),
        )
        .route(
            "/api/v1/delivery/recommended-composition",
            get(delivery::recommended_show::show_recommended)
                .put(delivery::recommended_replace::replace_recommended),
        )
        .route(
            "/api/v1/committees",
            get(committees::list::list_committees).post(committees::create::create_committee),
        )
        .route(
            "/api/v1/committees/{id}",
            get(committees::show::show_committee),
        )
        .route(
            "/api/v1/committees/{id}/decisions",
            post(committees::decide::record_decision),
        )
        .route(
            "/api/v1/products/{slug}/decisions",
            get(committees::product_decisions::product_decisions),
        )
        .route(
            "/api/v1/delivery/overdue-committees",
            get(delivery::overdue::overdue_committees),
        )
        .route(
            "/api/v1/support-requests",
            get(support::list::list_support_requests).post(support::create::create_support_request),
        )
        .route(
            "/api/v1/support-requests/{id}",
            get(support::show::show_support_request),
        )
        .route(
            "/api/v1/support-requests/{id}/steps",
            post(support::step::take_support_step),
        )
        .route(
            "/api/v1/support-requests/{id}/messages",
            post(support::message::write_support_message),
        )
        .route(
            "/api/v1/support/dashboard",
            get(support::dashboard::support_dashboard),
        )
        .route(
            "/api/v1/products/{slug}/quality-record",
            get(quality::show_record::show_quality_record)
                .put(quality::update_record::update_quality_record),
        )
        .route(
            "/api/v1/products/{slug}/rgesn",
            get(quality::rgesn::show_rgesn).put(quality::rgesn::replace_rgesn),
        )
        .route(
            "/api/v1/products/{slug}/audits",
            get(quality::audit_list::list_audits).post(quality::audit_list::create_audit),
        )
        .route(
            "/api/v1/products/{slug}/audits/{id}",
            get(quality::audit_show::show_audit),
        )
        .route(
            "/api/v1/products/{slug}/audits/{id}/pages/{page}/criteria/{criterion}",
            put(quality::audit_result::record_result),
        )
        .route(
            "/api/v1/products/{slug}/service",
            get(quality::service::show_service),
        )
        .route(
            "/api/v1/observatory",
            get(quality::observatory::list_observatory),
        )
        .route(
            "/api/v1/observatory/editions",
            get(quality::editions::list_editions).post(quality::editions::freeze_edition),
        )
        .route(
            "/api/v1/me/notifications",
            get(support::notifications::my_notifications),
        )
        .route("/api/v1/software", get(commons::list::list_software))
        .route("/api/v1/software/{slug}", get(commons::show::show_software))
        .route(
            "/api/v1/software/{slug}/declarations",
            post(commons::declare::declare_software),
        )
        .route(
            "/api/v1/software/{slug}/declarations/{id}",
            delete(commons::withdraw::withdraw_declaration),
        )
        .route(
            "/api/v1/commons/figures",
            get(commons::figures::commons_figures),
        )
        .route(
            "/api/v1/commons/unmatched-techno",
            get(commons::unmatched::unmatched_techno),
        )
        .route(
            "/api/v1/products/{slug}/software/{software}",
            put(commons::link::link_software).delete(commons::unlink::unlink_software),
        )
        .route("/api/v1/datasets", get(data::datasets_list::list_datasets))
        .route(
            "/api/v1/datasets/{slug}",
            get(data::dataset_show::show_dataset),
        )
        .route(
            "/api/v1/data-producers",
            get(data::producers_list::list_producers),
        )
        .route(
            "/api/v1/data-producers/{slug}/webhooks",
            get(webhooks::list::list_webhooks).post(webhooks::create::create_webhook),
        )
        .route(
            "/api/v1/data-producers/{slug}/webhooks/{id}",
            delete(webhooks::delete::delete_webhook),
        )
        .route(
            "/api/v1/data-producers/{slug}/webhooks/{id}/deliveries",
            get(webhooks::deliveries::list_deliveries),
        )
        .route("/api/v1/data-apis", get(data::apis_list::list_apis))
        .route("/api/v1/data-apis/{slug}", get(data::api_show::show_api))
        .route(
            "/api/v1/access-requests",
            get(access_requests::list::list_access_requests)
                .post(access_requests::create::create_access_request),
        )
        .route(
            "/api/v1/access-requests/{id}",
            get(access_requests::show::show_access_request)
                .put(access_requests::update::update_access_request),
        )
        .route(
            "/api/v1/access-requests/{id}/events",
            post(access_requests::event::take_access_event),
        )
        .route(
            "/api/v1/access-requests/{id}/messages",
            post(access_requests::message::write_access_message),
        )
        .route(
            "/api/v1/authorisations",
            get(access_requests::authorisations::list_authorisations),
        )
        .route("/api/1/datasets/", get(data::udata::list))
        .route("/api/1/datasets/{slug}/", get(data::udata::show))
        .route("/api/v1/teams", get(teams::list::list_teams))
        .route("/api/v1/teams/{slug}", get(teams::show::show_team))
        .route("/api/v1/retention", get(retention::show::show_retention))
        .route(
            "/api/v1/eig/promotions",
            get(eig::promotions::list_promotions),
        )
        .route(
            "/api/v1/eig/challenges",
            get(eig::challenges::list_challenges),
        )
        .route(
            "/api/v1/eig/challenges/{slug}",
            get(eig::challenge::show_challenge),
        )
        .route("/api/v1/eig/people", get(eig::people::list_people))
        .route("/api/v1/search", get(search::list::search))
        .route(
            "/api/v1/trainings",
            get(trainings::list::list_trainings).post(trainings::create::create_training),
        )
        .route(
            "/api/v1/trainings/{id}",
            get(trainings::show::show_training),
        )
        .route(
            "/api/v1/trainings/{id}/attendees",
            post(trainings::attend::record_attendee),
        )
        .route(
            "/api/v1/calls",
            get(recruitment::calls::list_calls).post(recruitment::calls::create_call),
        )
        .route("/api/v1/calls/{slug}", get(recruitment::calls::show_call))
        .route(
            "/api/v1/calls/{slug}/proposals",
            get(recruitment::proposals::list_proposals)
                .post(recruitment::proposals::create_proposal),
        )
        .route(
            "/api/v1/calls/{slug}/proposals/{id}/status",
            put(recruitment::proposals::decide_proposal),
        )
        .route(
            "/api/v1/calls/{slug}/proposals/{id}/scorecard",
            put(recruitment::proposals::score_proposal),
        )
        .route(
            "/api/v1/calls/{slug}/proposals/{id}/applications",
            post(recruitment::apply::apply_to_challenge),
        )
        .route(
            "/api/v1/job-offers",
            get(recruitment::offers::list_job_offers),
        )
        .route(
            "/api/v1/job-offers/{slug}",
            get(recruitment::offers::show_job_offer).put(recruitment::offers::put_job_offer),
        )
        .route(
            "/api/v1/job-offers/{slug}/applications",
            post(recruitment::apply::apply_to_offer),
        )
        .route(
            "/api/v1/applications",
            get(recruitment::applications::list_applications),
        )
        .route(
            "/api/v1/applications/confirmation",
            post(recruitment::apply::confirm_application),
        )
        .route(
            "/api/v1/applications/{id}",
            get(recruitment::applications::show_application),
        )
        .route(
            "/api/v1/applications/{id}/events",
            post(recruitment::applications::take_application_event),
        )
        .route(
            "/api/v1/applications/{id}/messages",
            post(recruitment::applications::write_application_message),
        )
}

/// The OpenAPI document served at `/api/openapi.json`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn openapi() -> Result<Response, ApiError> {
    let json = openapi_document()
        .to_pretty_json()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(json_response(Bytes::from(json)))
}

/// A 200 response with a JSON body already rendered.
pub(crate) fn json_response(bytes: Bytes) -> Response {
    let mut response = Response::new(Body::from(bytes));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Renders a value as a JSON response body.
pub(crate) fn render(value: &impl Serialize) -> Result<Bytes, serde_json::Error> {
    serde_json::to_vec(value).map(Bytes::from)
}

/// Parses a slug from the address; an impossible slug cannot exist, hence 404.
pub(crate) fn path_slug(raw: &str) -> Result<pilote_domain::Slug, ApiError> {
    pilote_domain::Slug::parse(raw).map_err(|_| ApiError::NotFound)
}

/// Refuses a record with problems, each on its field.
pub(crate) fn refuse_problems(
    problems: Vec<pilote_domain::portfolio::DataQualityWarning>,
) -> Result<(), ApiError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Unprocessable(
            problems
                .into_iter()
                .map(|problem| (problem.field, problem.message))
                .collect(),
        ))
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(error: serde_json::Error) -> Self {
        Self::Internal(error.to_string())
    }
}
