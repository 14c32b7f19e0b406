//! The sheet for the EU database: what a public-authority deployer of a high-risk system
//! enters when it registers its use (Art. 49(3), Annex VIII Section C), put together from the
//! register, with what is still missing named, so the entry is typed once from one page.
use crate::i18n::Texts;
use crate::model::EuSheet;
use crate::server::db::register::{DutyRow, Stored};

use super::RiskClass;

/// The sheet of a system; `org` and `org_contact` are the deployer's (the installation's).
pub fn sheet(s: &Stored, duties: &[DutyRow], org: &str, org_contact: &str, t: &Texts) -> EuSheet {
    let sys = &s.system;
    let high = sys.class == RiskClass::High;
    let point2 = sys.answers.annex3.as_deref() == Some("2");
    let mut missing = Vec::new();
    if high && !point2 {
        if sys.eu_database_url.is_empty() {
            missing.push(t.reg_field_eu_database.to_string());
        }
        if sys.fria_summary.is_empty() {
            missing.push(t.reg_field_fria.to_string());
        }
        if sys.dpia_summary.is_empty() {
            missing.push(t.reg_field_dpia.to_string());
        }
        if sys.contact.is_empty() {
            missing.push(t.reg_field_contact.to_string());
        }
    }
    let registration = duties
        .iter()
        .find(|d| d.duty == "registrierung")
        .map(|d| crate::register::duty_state_label(&d.status, t))
        .unwrap_or_else(|| crate::register::duty_state_label("offen", t));
    EuSheet {
        id: s.id,
        name: sys.name.clone(),
        applies: high && !point2,
        national: high && point2,
        deployer: org.to_string(),
        deployer_contact: org_contact.to_string(),
        responsible: sys.responsible.clone(),
        contact: sys.contact.clone(),
        provider: sys.provider.clone(),
        product: sys.product.clone(),
        purpose: sys.purpose.clone(),
        use_case: sys
            .answers
            .annex3
            .as_deref()
            .map(|c| crate::register::annex3_label(c, t).to_string())
            .unwrap_or_default(),
        provider_entry: sys.eu_database_url.clone(),
        fria: sys.fria_summary.clone(),
        dpia: sys.dpia_summary.clone(),
        registration: registration.to_string(),
        missing,
    }
}
