//! The KI-Register's rules, without I/O: what a recorded system must contain, how the guided
//! questionnaire leads to a risk class under the AI Act, and which duties follow from class
//! and role. Kept pure so each path of the law is a unit test, not a click-through.
//!
//! The register documents what the organisation decided and why; it does not certify that a
//! system complies. Dates from which duties apply live in the content's dated snippet, never
//! here, so that a change of the law is one edit of the content.
pub mod coverage;
pub mod derive;
pub mod eu;
pub mod export;
pub mod learner;
pub mod public;
pub mod questions;
pub mod store;
#[cfg(test)]
mod tests;
pub mod updates;

use crate::error::{AppError, FieldError};
use crate::i18n::Texts;
pub use crate::register::*;

/// What the questionnaire concludes: the class, the articles it rests on, and the reasoning in
/// the reader's language.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub class: RiskClass,
    pub articles: Vec<String>,
    pub reasons: Vec<String>,
    /// An Annex III use case held not to be high-risk under Art. 6(3).
    pub exception_used: bool,
}

/// Classifies a system from its answers. Refuses (as a field error) an Art. 6(3) exception
/// without a reason.
pub fn classify(a: &Answers, role: OrgRole, t: &Texts) -> Result<Outcome, AppError> {
    let mut articles = Vec::new();
    let mut reasons = Vec::new();
    if !a.art5.is_empty() {
        for letter in &a.art5 {
            articles.push(format!("Art. 5 Abs. 1 Buchst. {letter}"));
            reasons.push(art5_label(letter, t).to_string());
        }
        reasons.push(t.reg_reason_prohibited.to_string());
        return Ok(Outcome {
            class: RiskClass::Prohibited,
            articles,
            reasons,
            exception_used: false,
        });
    }
    let mut class = RiskClass::Minimal;
    let mut exception_used = false;
    if let Some(area) = &a.annex3 {
        let claimed = !a.exceptions.is_empty();
        if claimed && a.exception_reason.is_empty() {
            return Err(AppError::field(
                "ausnahme_begruendung",
                t.reg_exception_reason_missing,
            ));
        }
        if claimed && !a.profiling {
            exception_used = true;
            articles.push("Art. 6 Abs. 3".to_string());
            reasons.push(t.reg_reason_exception(annex3_label(area, t)));
            reasons.push(a.exception_reason.clone());
        } else {
            class = RiskClass::High;
            articles.push(format!("Art. 6 Abs. 2 i. V. m. Anhang III Nr. {area}"));
            reasons.push(t.reg_reason_high(annex3_label(area, t)));
            if claimed {
                reasons.push(t.reg_reason_profiling.to_string());
            }
            articles.push("Art. 26".to_string());
            if area == "2" {
                articles.push("Art. 49 Abs. 5".to_string());
                reasons.push(t.reg_reason_point2.to_string());
            } else {
                articles.push("Art. 27".to_string());
                articles.push("Art. 49 Abs. 3".to_string());
            }
            if role == OrgRole::Provider {
                articles.push("Art. 16".to_string());
                reasons.push(t.reg_reason_provider.to_string());
            }
        }
    }
    if !a.art50.is_empty() {
        if class == RiskClass::Minimal {
            class = RiskClass::Transparency;
        }
        for case in &a.art50 {
            let paragraph = match case.as_str() {
                "dialog" => "Art. 50 Abs. 1",
                "synthetisch" => "Art. 50 Abs. 2",
                "emotion" => "Art. 50 Abs. 3",
                _ => "Art. 50 Abs. 4",
            };
            if !articles.iter().any(|x| x == paragraph) {
                articles.push(paragraph.to_string());
            }
        }
        reasons.push(t.reg_reason_transparency.to_string());
    }
    if a.gpai {
        reasons.push(t.reg_reason_gpai.to_string());
    }
    if class == RiskClass::Minimal && !exception_used {
        reasons.push(t.reg_reason_minimal.to_string());
    }
    articles.push("Art. 4".to_string());
    Ok(Outcome {
        class,
        articles,
        reasons,
        exception_used,
    })
}

/// One duty that follows from a system's class and role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duty {
    /// Stable code (the status rows are keyed by it).
    pub code: &'static str,
    pub article: &'static str,
}

impl Duty {
    pub fn label(self, t: &Texts) -> &'static str {
        match self.code {
            "kompetenz" => t.reg_duty_literacy,
            "nicht-einsetzen" => t.reg_duty_stop,
            "betriebsanleitung" => t.reg_duty_instructions,
            "aufsicht" => t.reg_duty_oversight,
            "eingabedaten" => t.reg_duty_input,
            "ueberwachung" => t.reg_duty_monitoring,
            "protokolle" => t.reg_duty_logs,
            "beschaeftigte" => t.reg_duty_workers,
            "registrierung" => t.reg_duty_registration,
            "betroffene" => t.reg_duty_affected,
            "dsfa" => t.reg_duty_dpia,
            "grundrechte" => t.reg_duty_fria,
            "anbieter" => t.reg_duty_provider,
            "ausnahme" => t.reg_duty_exception,
            "hinweis-dialog" => t.reg_duty_dialog,
            "kennzeichnung" => t.reg_duty_marking,
            "hinweis-emotion" => t.reg_duty_emotion,
            "offenlegung" => t.reg_duty_disclosure,
            _ => "",
        }
    }
}

const fn duty(code: &'static str, article: &'static str) -> Duty {
    Duty { code, article }
}

/// The duties for an outcome, in the order a person would work through them. The AI-literacy
/// measure (Art. 4) comes first for every system in use.
pub fn duties(outcome: &Outcome, answers: &Answers, role: OrgRole) -> Vec<Duty> {
    if outcome.class == RiskClass::Prohibited {
        return vec![duty("nicht-einsetzen", "Art. 5")];
    }
    let mut out = vec![duty("kompetenz", "Art. 4")];
    if outcome.class == RiskClass::High {
        let point2 = answers.annex3.as_deref() == Some("2");
        out.extend([
            duty("betriebsanleitung", "Art. 26 Abs. 1"),
            duty("aufsicht", "Art. 26 Abs. 2"),
            duty("eingabedaten", "Art. 26 Abs. 4"),
            duty("ueberwachung", "Art. 26 Abs. 5"),
            duty("protokolle", "Art. 26 Abs. 6"),
            duty("beschaeftigte", "Art. 26 Abs. 7"),
        ]);
        if !point2 {
            out.push(duty("registrierung", "Art. 26 Abs. 8, Art. 49 Abs. 3"));
        }
        out.push(duty("dsfa", "Art. 26 Abs. 9"));
        out.push(duty("betroffene", "Art. 26 Abs. 11"));
        if !point2 {
            out.push(duty("grundrechte", "Art. 27"));
        }
        if role == OrgRole::Provider {
            out.push(duty("anbieter", "Art. 16"));
        }
    }
    if outcome.exception_used {
        out.push(duty("ausnahme", "Art. 6 Abs. 3, 4"));
    }
    for case in &answers.art50 {
        let d = match case.as_str() {
            "dialog" => duty("hinweis-dialog", "Art. 50 Abs. 1"),
            "synthetisch" => duty("kennzeichnung", "Art. 50 Abs. 2"),
            "emotion" => duty("hinweis-emotion", "Art. 50 Abs. 3"),
            _ => duty("offenlegung", "Art. 50 Abs. 4"),
        };
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// A system as a form submits it, before checking (the form's own values: nothing entered is
/// lost when the check refuses it).
pub type Input = crate::model::AiSystemValues;

/// A checked system, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct System {
    pub name: String,
    pub provider: String,
    pub product: String,
    pub purpose: String,
    pub status: Status,
    pub role: OrgRole,
    pub responsible: String,
    pub contact: String,
    pub approved_uses: String,
    pub prohibited_uses: String,
    pub data_classes: Vec<String>,
    pub instruction_url: String,
    pub manual_url: String,
    pub introduced_day: Option<i64>,
    pub reviewed_day: Option<i64>,
    pub units: Vec<i64>,
    pub course: Option<String>,
    pub oversight_course: Option<String>,
    pub oversight: String,
    pub public_oversight: String,
    pub published: bool,
    pub answers: Answers,
    pub class: RiskClass,
    pub update_mode: UpdateMode,
    /// Annex VIII Section C: the provider's entry in the EU database, summaries of the
    /// fundamental-rights and the data-protection impact assessment.
    pub eu_database_url: String,
    pub fria_summary: String,
    pub dpia_summary: String,
}

/// What `validate` needs to know about the installation.
pub struct Context<'a> {
    /// Slugs of published courses.
    pub courses: &'a [String],
    /// Units that exist.
    pub units: &'a [i64],
    /// Whether the editor may record a system for this unit.
    pub may_use_unit: &'a (dyn Fn(i64) -> bool + Sync),
    /// Whether an e-mail address belongs to a person of the platform (lower case).
    pub known_email: &'a (dyn Fn(&str) -> bool + Sync),
}

/// The e-mail addresses in the oversight field: one person per line, as "Name <address>" or
/// the bare address; lines without one are names only (they get no course).
pub fn oversight_emails(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .lines()
        .filter_map(|line| {
            line.split(|c: char| c.is_whitespace() || "<>(),;".contains(c))
                .find(|w| w.contains('@'))
                .map(str::to_lowercase)
        })
        .collect();
    out.dedup();
    out
}

fn text(v: &str, max: usize) -> Option<String> {
    let v = v.trim();
    (v.chars().count() <= max).then(|| v.replace("\r\n", "\n"))
}

fn url(v: &str) -> Option<String> {
    let v = v.trim();
    let ok = v.is_empty()
        || ((v.starts_with("https://") || v.starts_with("http://"))
            && v.len() <= 500
            && !v.chars().any(|c| c.is_whitespace() || c.is_control()));
    ok.then(|| v.to_string())
}

/// Checks a submitted system; every problem becomes a field error, all at once.
pub fn validate(input: Input, cx: &Context<'_>, t: &Texts) -> Result<System, AppError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut err = |field: &str, message: &str| {
        errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        })
    };
    let required = |v: &str, max: usize| text(v, max).filter(|s| !s.is_empty());
    let name = required(&input.name, 120);
    if name.is_none() {
        err("name", t.reg_name_invalid);
    }
    let provider = required(&input.provider, 200);
    if provider.is_none() {
        err("anbieter", t.reg_provider_invalid);
    }
    let purpose = required(&input.purpose, 2000);
    if purpose.is_none() {
        err("zweck", t.reg_purpose_invalid);
    }
    let responsible = required(&input.responsible, 200);
    if responsible.is_none() {
        err("verantwortlich", t.reg_responsible_invalid);
    }
    let status = Status::from_code(&input.status);
    if status.is_none() {
        err("status", t.reg_status_invalid);
    }
    let role = OrgRole::from_code(&input.role);
    if role.is_none() {
        err("rolle", t.reg_role_invalid);
    }
    let long = |v: &str| text(v, 4000).unwrap_or_default();
    for (field, v) in [
        ("erlaubt", &input.approved_uses),
        ("verboten", &input.prohibited_uses),
        ("aufsicht", &input.oversight),
        ("aufsicht_oeffentlich", &input.public_oversight),
        ("grundrechte", &input.fria_summary),
        ("dsfa", &input.dpia_summary),
    ] {
        if text(v, 4000).is_none() {
            err(field, t.reg_text_too_long);
        }
    }
    for (field, v) in [("produkt", &input.product), ("kontakt", &input.contact)] {
        if text(v, 200).is_none() {
            err(field, t.reg_text_too_long);
        }
    }
    let (instruction_url, manual_url) = (url(&input.instruction_url), url(&input.manual_url));
    let eu_database_url = url(&input.eu_database_url);
    if eu_database_url.is_none() {
        err("eu_datenbank", t.reg_url_invalid);
    }
    let update_mode = if input.update_mode.trim().is_empty() {
        Some(UpdateMode::Delta)
    } else {
        UpdateMode::from_code(input.update_mode.trim())
    };
    if update_mode.is_none() {
        err("aenderung", t.reg_update_mode_invalid);
    }
    if instruction_url.is_none() {
        err("dienstanweisung", t.reg_url_invalid);
    }
    if manual_url.is_none() {
        err("betriebsanleitung", t.reg_url_invalid);
    }
    let day = |v: &str| -> Result<Option<i64>, ()> {
        if v.trim().is_empty() {
            return Ok(None);
        }
        crate::i18n::Date::parse_iso(v.trim())
            .map(|d| Some(d.to_days()))
            .ok_or(())
    };
    let introduced_day = day(&input.introduced).unwrap_or_else(|_| {
        err("eingefuehrt", t.reg_date_invalid);
        None
    });
    let reviewed_day = day(&input.reviewed).unwrap_or_else(|_| {
        err("geprueft", t.reg_date_invalid);
        None
    });
    let mut units = input.units.clone();
    units.sort_unstable();
    units.dedup();
    if units.iter().any(|u| !cx.units.contains(u)) {
        err("einheiten", t.user_unit_unknown);
    } else if units.iter().any(|u| !(cx.may_use_unit)(*u)) {
        err("einheiten", t.reg_units_outside_scope);
    }
    let course_of = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
    let (course, oversight_course) = (course_of(&input.course), course_of(&input.oversight_course));
    if course.as_ref().is_some_and(|c| !cx.courses.contains(c)) {
        err("kurs", t.reg_course_unpublished);
    }
    if update_mode == Some(UpdateMode::Course) && course.is_none() {
        err("aenderung", t.reg_update_course_missing);
    }
    if oversight_course
        .as_ref()
        .is_some_and(|c| !cx.courses.contains(c))
    {
        err("aufsichtskurs", t.reg_course_unpublished);
    }
    let oversight = long(&input.oversight);
    let public_oversight = long(&input.public_oversight);
    let mut data_classes: Vec<String> = DATA_CLASSES
        .iter()
        .filter(|c| input.data_classes.iter().any(|d| d == *c))
        .map(|c| c.to_string())
        .collect();
    data_classes.dedup();
    let answers = input.answers.clone().cleaned();
    let outcome = match role.map(|r| classify(&answers, r, t)) {
        Some(Ok(o)) => Some(o),
        Some(Err(AppError::Fields(f))) => {
            errors.extend(f);
            None
        }
        _ => None,
    };
    let class = outcome.as_ref().map(|o| o.class);
    let mut err = |field: &str, message: &str| {
        errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        })
    };
    if class == Some(RiskClass::High) && oversight.trim().is_empty() {
        err("aufsicht", t.reg_oversight_missing);
    }
    if let Some(unknown) = oversight_emails(&oversight)
        .into_iter()
        .find(|e| !(cx.known_email)(e))
    {
        err("aufsicht", &t.reg_oversight_unknown(unknown));
    }
    if class == Some(RiskClass::Prohibited) && status.is_some_and(|s| s.in_use()) {
        err("status", t.reg_prohibited_in_use);
    }
    if input.published && public_oversight.is_empty() {
        err("aufsicht_oeffentlich", t.reg_public_oversight_missing);
    }
    if input.published && status == Some(Status::Planned) {
        err("veroeffentlicht", t.reg_publish_planned);
    }
    if input.published && class == Some(RiskClass::Prohibited) {
        err("veroeffentlicht", t.reg_publish_prohibited);
    }
    match (
        name,
        provider,
        purpose,
        responsible,
        status,
        role,
        instruction_url,
        manual_url,
        class,
        update_mode,
        eu_database_url,
    ) {
        (
            Some(name),
            Some(provider),
            Some(purpose),
            Some(responsible),
            Some(status),
            Some(role),
            Some(instruction_url),
            Some(manual_url),
            Some(class),
            Some(update_mode),
            Some(eu_database_url),
        ) if errors.is_empty() => Ok(System {
            name,
            provider,
            product: text(&input.product, 200).unwrap_or_default(),
            purpose,
            status,
            role,
            responsible,
            contact: text(&input.contact, 200).unwrap_or_default(),
            approved_uses: long(&input.approved_uses),
            prohibited_uses: long(&input.prohibited_uses),
            data_classes,
            instruction_url,
            manual_url,
            introduced_day,
            reviewed_day,
            units,
            course,
            oversight_course,
            oversight,
            public_oversight,
            published: input.published,
            answers,
            class,
            update_mode,
            eu_database_url,
            fria_summary: long(&input.fria_summary),
            dpia_summary: long(&input.dpia_summary),
        }),
        _ => Err(AppError::Fields(errors)),
    }
}

/// The fields whose change means people who learnt the system must hear about it again
/// (version or model, class, house rules, which data may go in).
pub const UPDATE_FIELDS: [&str; 5] = ["produkt", "einstufung", "erlaubt", "verboten", "daten"];

/// The rules (one per line) added and dropped between two versions of a rule list.
pub fn rule_changes(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let lines = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| {
                l.trim()
                    .trim_start_matches(['-', '*', '•'])
                    .trim()
                    .to_string()
            })
            .filter(|l| !l.is_empty())
            .collect()
    };
    let (old, new) = (lines(old), lines(new));
    let added = new.iter().filter(|l| !old.contains(l)).cloned().collect();
    let removed = old.iter().filter(|l| !new.contains(l)).cloned().collect();
    (added, removed)
}

/// The changes (field, before, after) of a version that people must hear about; empty when
/// none of `UPDATE_FIELDS` changed.
pub fn update_changes(changes: &[(String, String, String)]) -> Vec<(String, String, String)> {
    changes
        .iter()
        .filter(|(f, _, _)| UPDATE_FIELDS.contains(&f.as_str()))
        .cloned()
        .collect()
}

/// Whether a change must be confirmed by reviewing the classification: what the system does
/// or which model runs changed, but the answers did not.
pub fn classification_review_needed(old: &System, new: &System) -> bool {
    (old.product != new.product || old.purpose != new.purpose) && old.answers == new.answers
}

/// The fields of a system as (code, value) pairs for the history; values are what a reader
/// sees, with unit names resolved by the caller.
pub fn snapshot(s: &System, unit_names: &dyn Fn(i64) -> String) -> Vec<(&'static str, String)> {
    let day = |d: Option<i64>| {
        d.map(|d| crate::i18n::Date::from_days(d).iso())
            .unwrap_or_default()
    };
    vec![
        ("name", s.name.clone()),
        ("anbieter", s.provider.clone()),
        ("produkt", s.product.clone()),
        ("zweck", s.purpose.clone()),
        ("status", s.status.code().to_string()),
        ("rolle", s.role.code().to_string()),
        ("verantwortlich", s.responsible.clone()),
        ("kontakt", s.contact.clone()),
        ("erlaubt", s.approved_uses.clone()),
        ("verboten", s.prohibited_uses.clone()),
        ("daten", s.data_classes.join(", ")),
        ("dienstanweisung", s.instruction_url.clone()),
        ("betriebsanleitung", s.manual_url.clone()),
        ("eingefuehrt", day(s.introduced_day)),
        ("geprueft", day(s.reviewed_day)),
        (
            "einheiten",
            s.units
                .iter()
                .map(|u| unit_names(*u))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("kurs", s.course.clone().unwrap_or_default()),
        (
            "aufsichtskurs",
            s.oversight_course.clone().unwrap_or_default(),
        ),
        ("aufsicht", s.oversight.clone()),
        ("aufsicht_oeffentlich", s.public_oversight.clone()),
        (
            "veroeffentlicht",
            if s.published { "ja" } else { "nein" }.into(),
        ),
        ("einstufung", s.class.code().to_string()),
        (
            "antworten",
            serde_json::to_string(&s.answers).unwrap_or_default(),
        ),
        ("aenderung", s.update_mode.code().to_string()),
        ("eu_datenbank", s.eu_database_url.clone()),
        ("grundrechte", s.fria_summary.clone()),
        ("dsfa", s.dpia_summary.clone()),
    ]
}

/// What changed between two snapshots: (field, old, new).
pub fn diff(
    old: &[(&'static str, String)],
    new: &[(&'static str, String)],
) -> Vec<(String, String, String)> {
    new.iter()
        .filter_map(|(k, v)| {
            let before = old
                .iter()
                .find(|(o, _)| o == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            (before != *v).then(|| (k.to_string(), before, v.clone()))
        })
        .collect()
}
