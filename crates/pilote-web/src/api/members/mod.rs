//! `/api/v1/members`: members of the network.

pub mod create;
pub mod delete;
pub mod list;
pub mod show;
pub mod update;

use pilote_domain::identity::{Action, Principal};
use pilote_domain::portfolio::Member;

use crate::ApiError;
use crate::auth::member_target;
use crate::read_model::ReadModel;

/// Whether `principal` may read the member's personal fields (the member and administrators).
pub(crate) fn may_read_personal(
    member: &Member,
    principal: Option<&Principal>,
    model: &ReadModel,
) -> bool {
    principal.is_some_and(|principal| {
        principal.may(Action::ReadPersonalFields, &member_target(member, model))
    })
}

/// The member as `principal` may see them: personal fields only for those allowed.
pub(crate) fn visible(member: &Member, principal: Option<&Principal>, model: &ReadModel) -> Member {
    let mut shown = member.clone();
    if may_read_personal(member, principal, model) {
        if let Some(personal) = model.personal(&member.slug) {
            shown.email = shown.email.or_else(|| personal.email.clone());
            shown.phone = shown.phone.or_else(|| personal.phone.clone());
        }
    } else {
        shown.email = None;
        shown.phone = None;
    }
    shown
}

/// Keeps the stored personal fields of a member changed by someone who may not read them:
/// what they cannot see, they cannot overwrite.
pub(crate) fn keep_unseen_personal_fields(
    member: &mut Member,
    principal: Option<&Principal>,
    model: &ReadModel,
) {
    if !may_read_personal(member, principal, model) {
        restore_personal_fields(member, model);
    }
}

/// Puts back the member's stored personal fields (the read model keeps them apart).
pub(crate) fn restore_personal_fields(member: &mut Member, model: &ReadModel) {
    let personal = model.personal(&member.slug).cloned().unwrap_or_default();
    member.email = personal.email;
    member.phone = personal.phone;
}

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
