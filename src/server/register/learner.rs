//! "KI bei uns" from the register: the tools a learner's unit may use, for what, with which
//! data, what is forbidden and whom to ask, rendered into the module where its text says
//! `{{ki-register}}`. Built from the live register on every view, so the page is never a
//! template and never out of date.
use crate::error::AppError;
use crate::i18n::{Date, Locale};
use crate::server::db;
use crate::server::state::AppState;

use super::{data_class_label, System, DATA_CLASSES};

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One rule per line as a list (empty: nothing).
fn rules(text: &str) -> String {
    let items: Vec<String> = text
        .lines()
        .map(|l| l.trim().trim_start_matches(['-', '*', '•']).trim())
        .filter(|l| !l.is_empty())
        .map(|l| format!("<li>{}</li>", escape(l)))
        .collect();
    if items.is_empty() {
        String::new()
    } else {
        format!("<ul>{}</ul>", items.join(""))
    }
}

/// The systems in trial or in use for a person in `unit` (a system used by a unit applies to
/// its sub-units too); everyone's tools when the person has no unit.
pub fn applies(units: &[db::org_units::UnitRow], unit: Option<i64>, system: &System) -> bool {
    if !system.status.in_use() {
        return false;
    }
    let Some(mut current) = unit else {
        return true;
    };
    // Walk up the tree (bounded, in case of a corrupt loop).
    for _ in 0..=units.len() {
        if system.units.contains(&current) {
            return true;
        }
        match units
            .iter()
            .find(|u| u.id == current)
            .and_then(|u| u.parent_id)
        {
            Some(parent) => current = parent,
            None => return false,
        }
    }
    false
}

/// The live register section for a learner, as HTML. Someone without an org unit sees every
/// tool in use, and is told so: "for your unit" would not be true for her.
pub fn render(systems: &[(System, i64)], has_unit: bool, locale: Locale) -> String {
    let t = locale.texts();
    if systems.is_empty() {
        return format!(
            "<div class=\"register-live\" lang=\"{}\"><p>{}</p></div>",
            locale.code(),
            escape(t.reg_learner_none)
        );
    }
    let stand = systems.iter().map(|(_, at)| *at).max().unwrap_or_default();
    let mut html = format!(
        "<div class=\"register-live\" lang=\"{}\"><p class=\"register-live__stand\">{}</p>",
        locale.code(),
        escape(&t.reg_learner_stand(locale.format_date(Date::in_germany(stand))))
    );
    if !has_unit {
        html.push_str(&format!(
            "<p class=\"notice\">{}</p>",
            escape(t.reg_learner_no_unit)
        ));
    }
    for (s, _) in systems {
        let allowed: Vec<&str> = s
            .data_classes
            .iter()
            .map(|c| data_class_label(c, t))
            .collect();
        let not_allowed: Vec<&str> = DATA_CLASSES
            .iter()
            .filter(|c| !s.data_classes.iter().any(|d| d == *c))
            .map(|c| data_class_label(c, t))
            .collect();
        html.push_str(&format!(
            "<section class=\"register-tool\"><h3>{}</h3><p>{}</p><dl>",
            escape(&s.name),
            escape(&s.purpose)
        ));
        let mut row = |term: &str, body: String| {
            if !body.is_empty() {
                html.push_str(&format!("<dt>{}</dt><dd>{body}</dd>", escape(term)));
            }
        };
        row(t.reg_learner_status, escape(s.status.label(t)));
        row(t.reg_learner_may, rules(&s.approved_uses));
        row(t.reg_learner_not, rules(&s.prohibited_uses));
        row(
            t.reg_learner_data,
            escape(&if allowed.is_empty() {
                t.reg_learner_no_data.to_string()
            } else {
                allowed.join("; ")
            }),
        );
        row(t.reg_learner_data_not, escape(&not_allowed.join("; ")));
        row(t.reg_learner_class, escape(s.class.label(t)));
        let ask = if s.contact.is_empty() {
            s.responsible.clone()
        } else {
            format!("{} – {}", s.responsible, s.contact)
        };
        row(t.reg_learner_contact, escape(&ask));
        if !s.instruction_url.is_empty() {
            row(
                t.reg_learner_instruction,
                format!(
                    "<a href=\"{}\" rel=\"external noopener\">{}</a>",
                    escape(&s.instruction_url),
                    escape(&s.instruction_url)
                ),
            );
        }
        html.push_str("</dl></section>");
    }
    html.push_str("</div>");
    html
}

/// The module's HTML with the live register in place of its marker.
pub async fn fill(
    state: &AppState,
    unit: Option<i64>,
    html: &str,
    locale: Locale,
) -> Result<String, AppError> {
    let units = db::org_units::all(&state.db.pool).await?;
    let systems: Vec<(System, i64)> = db::register::all(&state.db)
        .await?
        .into_iter()
        .filter(|s| applies(&units, unit, &s.system))
        .map(|s| (s.system, s.updated_at))
        .collect();
    Ok(html.replace(
        crate::server::content::REGISTER_MARKER,
        &render(&systems, unit.is_some(), locale),
    ))
}

/// Which register a person was taught from, for her certificate: the systems "KI bei uns"
/// shows her, as "id v version" (the version the register's history names), by id.
pub async fn stamp(state: &AppState, unit: Option<i64>) -> Result<String, AppError> {
    let units = db::org_units::all(&state.db.pool).await?;
    let mut systems: Vec<(i64, i64)> = db::register::all(&state.db)
        .await?
        .into_iter()
        .filter(|s| applies(&units, unit, &s.system))
        .map(|s| (s.id, s.version))
        .collect();
    systems.sort_unstable();
    Ok(stamp_of(&systems))
}

pub fn stamp_of(systems: &[(i64, i64)]) -> String {
    if systems.is_empty() {
        return "KI-Register: –".into();
    }
    let list: Vec<String> = systems.iter().map(|(id, v)| format!("{id}v{v}")).collect();
    format!("KI-Register: {}", list.join(", "))
}
