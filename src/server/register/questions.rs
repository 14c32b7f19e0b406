//! Check questions from the register: "KI bei uns" also asks about the learner's own tools
//! ("In „Textassistent“ dürfen Sie personenbezogene Daten eingeben." – richtig oder falsch?),
//! so passing it, and the certificate that needs it, tests the organisation's real rules.
//! A question is made when the check is drawn and kept with the attempt (see
//! `quiz::Drawn::generated`): a rule changed meanwhile does not turn a right answer wrong.
use rand::seq::{IndexedRandom, SliceRandom};
use rand::Rng;

use crate::error::AppError;
use crate::i18n::{Locale, Texts};
use crate::server::db;
use crate::server::quiz::{Drawn, Generated};
use crate::server::state::AppState;

use super::{data_class_label, System, DATA_CLASSES};

/// At most this many questions from the register per check.
pub const MAX_QUESTIONS: usize = 2;

/// Questions about the tools of a learner in `unit`.
pub async fn draw<R: Rng + ?Sized>(
    state: &AppState,
    unit: Option<i64>,
    locale: Locale,
    rng: &mut R,
) -> Result<Vec<Drawn>, AppError> {
    let units = db::org_units::all(&state.db.pool).await?;
    let systems: Vec<(i64, System)> = db::register::all(&state.db)
        .await?
        .into_iter()
        .filter(|s| super::learner::applies(&units, unit, &s.system))
        .map(|s| (s.id, s.system))
        .collect();
    Ok(make(&systems, locale.texts(), rng))
}

/// Up to `MAX_QUESTIONS` systems, one question each: whether a data class may go in.
pub fn make<R: Rng + ?Sized>(systems: &[(i64, System)], t: &Texts, rng: &mut R) -> Vec<Drawn> {
    let mut chosen: Vec<&(i64, System)> = systems.iter().collect();
    chosen.shuffle(rng);
    chosen
        .into_iter()
        .take(MAX_QUESTIONS)
        .filter_map(|(id, s)| {
            let class = *DATA_CLASSES.choose(rng)?;
            let allowed: Vec<&str> = s
                .data_classes
                .iter()
                .map(|c| data_class_label(c, t))
                .collect();
            let explanation = if allowed.is_empty() {
                t.reg_question_none(&s.name)
            } else {
                t.reg_question_allowed(&s.name, allowed.join("; "))
            };
            Some(Drawn {
                question: format!("register-{id}-{class}"),
                options: vec!["true".into(), "false".into()],
                aliases: Vec::new(),
                generated: Some(Generated {
                    text: t.reg_question_statement(&s.name, data_class_label(class, t)),
                    explanation,
                    answer: s.data_classes.iter().any(|c| c == class),
                }),
            })
        })
        .collect()
}
