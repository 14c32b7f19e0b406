//! The KI-Register's vocabulary, shared by server and pages: life-cycle states, roles, data
//! classes, risk classes and the questionnaire's codes with their labels. The codes are German
//! because they travel in form values, URLs and exports.
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::i18n::Texts;

/// Where a system is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Planned,
    Trial,
    Active,
    Retired,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Planned,
        Status::Trial,
        Status::Active,
        Status::Retired,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Planned => "geplant",
            Status::Trial => "erprobung",
            Status::Active => "im-einsatz",
            Status::Retired => "ausser-betrieb",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Status::Planned => t.reg_status_planned,
            Status::Trial => t.reg_status_trial,
            Status::Active => t.reg_status_active,
            Status::Retired => t.reg_status_retired,
        }
    }

    /// Whether people work with it (and so must be trained for it).
    pub fn in_use(self) -> bool {
        matches!(self, Status::Trial | Status::Active)
    }
}

/// What the people concerned do when a system's model, class or house rules change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateMode {
    /// Read what changed and the current rules, and confirm.
    Delta,
    /// Take the system's course again.
    Course,
}

impl UpdateMode {
    pub const ALL: [UpdateMode; 2] = [UpdateMode::Delta, UpdateMode::Course];

    pub fn code(self) -> &'static str {
        match self {
            UpdateMode::Delta => "delta",
            UpdateMode::Course => "kurs",
        }
    }

    pub fn from_code(code: &str) -> Option<UpdateMode> {
        UpdateMode::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            UpdateMode::Delta => t.reg_update_delta,
            UpdateMode::Course => t.reg_update_course,
        }
    }
}

/// The organisation's role for a system (Art. 3 Nr. 3 and 4, Art. 25).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgRole {
    Deployer,
    Provider,
}

impl OrgRole {
    pub const ALL: [OrgRole; 2] = [OrgRole::Deployer, OrgRole::Provider];

    pub fn code(self) -> &'static str {
        match self {
            OrgRole::Deployer => "betreiber",
            OrgRole::Provider => "anbieter",
        }
    }

    pub fn from_code(code: &str) -> Option<OrgRole> {
        OrgRole::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            OrgRole::Deployer => t.reg_role_deployer,
            OrgRole::Provider => t.reg_role_provider,
        }
    }
}

/// Data that may go into a system. Data under a special secrecy (Sozial-, Steuer-, Meldegeheimnis,
/// Verschlusssachen) is a class of its own: "personal data allowed" must not read as "social
/// data allowed" to a clerk in the Sozialamt.
pub const DATA_CLASSES: [&str; 5] = [
    "oeffentlich",
    "intern",
    "personenbezogen",
    "besondere",
    "geheimnis",
];

pub fn data_class_label(code: &str, t: &Texts) -> &'static str {
    match code {
        "oeffentlich" => t.reg_data_public,
        "intern" => t.reg_data_internal,
        "personenbezogen" => t.reg_data_personal,
        "besondere" => t.reg_data_special,
        "geheimnis" => t.reg_data_secret,
        _ => "",
    }
}

/// The risk class the questionnaire arrives at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RiskClass {
    Prohibited,
    High,
    Transparency,
    Minimal,
}

impl RiskClass {
    pub const ALL: [RiskClass; 4] = [
        RiskClass::Prohibited,
        RiskClass::High,
        RiskClass::Transparency,
        RiskClass::Minimal,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RiskClass::Prohibited => "verboten",
            RiskClass::High => "hochriskant",
            RiskClass::Transparency => "transparenz",
            RiskClass::Minimal => "gering",
        }
    }

    pub fn from_code(code: &str) -> Option<RiskClass> {
        RiskClass::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            RiskClass::Prohibited => t.reg_class_prohibited,
            RiskClass::High => t.reg_class_high,
            RiskClass::Transparency => t.reg_class_transparency,
            RiskClass::Minimal => t.reg_class_minimal,
        }
    }
}

/// The prohibited practices of Art. 5(1), by letter.
pub const ART5: [&str; 8] = ["a", "b", "c", "d", "e", "f", "g", "h"];
/// The eight areas of Annex III.
pub const ANNEX3: [&str; 8] = ["1", "2", "3", "4", "5", "6", "7", "8"];
/// The conditions of Art. 6(3) under which an Annex III system is not high-risk.
pub const EXCEPTIONS: [&str; 4] = ["a", "b", "c", "d"];
/// The transparency cases of Art. 50.
pub const ART50: [&str; 5] = ["dialog", "synthetisch", "emotion", "deepfake", "text"];

pub fn art5_label(code: &str, t: &Texts) -> &'static str {
    match code {
        "a" => t.reg_art5_a,
        "b" => t.reg_art5_b,
        "c" => t.reg_art5_c,
        "d" => t.reg_art5_d,
        "e" => t.reg_art5_e,
        "f" => t.reg_art5_f,
        "g" => t.reg_art5_g,
        "h" => t.reg_art5_h,
        _ => "",
    }
}

pub fn annex3_label(code: &str, t: &Texts) -> &'static str {
    match code {
        "1" => t.reg_annex3_1,
        "2" => t.reg_annex3_2,
        "3" => t.reg_annex3_3,
        "4" => t.reg_annex3_4,
        "5" => t.reg_annex3_5,
        "6" => t.reg_annex3_6,
        "7" => t.reg_annex3_7,
        "8" => t.reg_annex3_8,
        _ => t.reg_annex3_none,
    }
}

pub fn exception_label(code: &str, t: &Texts) -> &'static str {
    match code {
        "a" => t.reg_exc_a,
        "b" => t.reg_exc_b,
        "c" => t.reg_exc_c,
        "d" => t.reg_exc_d,
        _ => "",
    }
}

pub fn art50_label(code: &str, t: &Texts) -> &'static str {
    match code {
        "dialog" => t.reg_art50_dialog,
        "synthetisch" => t.reg_art50_synthetic,
        "emotion" => t.reg_art50_emotion,
        "deepfake" => t.reg_art50_deepfake,
        "text" => t.reg_art50_text,
        _ => "",
    }
}

/// The questionnaire's answers, stored with the system as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Answers {
    /// Letters of Art. 5(1) the use would fall under.
    pub art5: BTreeSet<String>,
    /// The Annex III area of the use case, if any.
    pub annex3: Option<String>,
    /// Art. 6(3) conditions that hold.
    pub exceptions: BTreeSet<String>,
    /// Why the conditions hold (required when any is claimed).
    pub exception_reason: String,
    /// Whether the system profiles natural persons (then Art. 6(3) never applies).
    pub profiling: bool,
    /// Art. 50 cases that apply.
    pub art50: BTreeSet<String>,
    /// A general-purpose AI model used as it comes (a chat assistant, say).
    pub gpai: bool,
}

impl Answers {
    /// Keeps only known codes (a forged form cannot store anything else).
    pub fn cleaned(mut self) -> Answers {
        self.art5.retain(|c| ART5.contains(&c.as_str()));
        self.exceptions.retain(|c| EXCEPTIONS.contains(&c.as_str()));
        self.art50.retain(|c| ART50.contains(&c.as_str()));
        self.annex3 = self.annex3.filter(|a| ANNEX3.contains(&a.as_str()));
        self.exception_reason = self.exception_reason.trim().to_string();
        self
    }
}

/// Status of one duty.
pub const DUTY_STATES: [&str; 4] = ["offen", "in-arbeit", "erledigt", "entfaellt"];

pub fn duty_state_label(code: &str, t: &Texts) -> &'static str {
    match code {
        "in-arbeit" => t.reg_duty_state_progress,
        "erledigt" => t.reg_duty_state_done,
        "entfaellt" => t.reg_duty_state_na,
        _ => t.reg_duty_state_open,
    }
}

/// The label of a history field.
pub fn field_label(code: &str, t: &Texts) -> &'static str {
    match code {
        "name" => t.reg_field_name,
        "anbieter" => t.reg_field_provider,
        "produkt" => t.reg_field_product,
        "zweck" => t.reg_field_purpose,
        "status" => t.reg_field_status,
        "rolle" => t.reg_field_role,
        "verantwortlich" => t.reg_field_responsible,
        "kontakt" => t.reg_field_contact,
        "erlaubt" => t.reg_field_approved,
        "verboten" => t.reg_field_prohibited,
        "daten" => t.reg_field_data,
        "dienstanweisung" => t.reg_field_instruction,
        "betriebsanleitung" => t.reg_field_manual,
        "eingefuehrt" => t.reg_field_introduced,
        "geprueft" => t.reg_field_reviewed,
        "einheiten" => t.reg_field_units,
        "kurs" => t.reg_field_course,
        "aufsichtskurs" => t.reg_field_oversight_course,
        "aufsicht" => t.reg_field_oversight,
        "aufsicht_oeffentlich" => t.reg_field_public_oversight,
        "veroeffentlicht" => t.reg_field_published,
        "einstufung" => t.reg_field_class,
        "antworten" => t.reg_field_answers,
        "pflicht" => t.reg_field_duty,
        "aenderung" => t.reg_field_update_mode,
        "eu_datenbank" => t.reg_field_eu_database,
        "grundrechte" => t.reg_field_fria,
        "dsfa" => t.reg_field_dpia,
        _ => "",
    }
}
