//! `/api/v1/members`: members of the network.

pub mod create;
pub mod delete;
pub mod list;
pub mod show;
pub mod update;

use pilote_domain::portfolio::Member;

use crate::ApiError;
use crate::read_model::ReadModel;

/// Refuses a member whose record is inconsistent or refers to unknown records.
pub(crate) fn validate(model: &ReadModel, member: &Member) -> Result<(), ApiError> {
    let mut problems = member.inconsistencies();
    problems.extend(member.dangling_references(
        |slug| model.product(slug).is_some(),
        |slug| model.team(slug).is_some(),
    ));
    if member.fullname.trim().is_empty() {
        problems.push(pilote_domain::portfolio::DataQualityWarning::new(
            "fullname",
            "ce champ est obligatoire",
        ));
    }
    crate::api::refuse_problems(problems)
}
