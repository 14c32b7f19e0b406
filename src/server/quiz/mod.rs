//! Quizzes: drawing a final test from the pool, and grading. Pure functions without I/O, so the
//! rules are unit-tested without a database or a browser.
//!
//! Scoring (one point per question, all or nothing):
//! - single choice and true/false: the one right answer;
//! - multiple choice ("alle zutreffenden auswählen"): exactly the set of correct options;
//! - ordering: every step at its right position.
//!
//! A test is passed when `points * 100 >= pass_mark_percent * questions`.
use std::collections::{BTreeMap, BTreeSet, HashMap};

use rand::seq::SliceRandom;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::content::{Question, QuestionKind};

pub mod service;

/// A question as drawn for one attempt: which question, the order its options are shown in,
/// and the name each option goes by in this attempt's form.
///
/// Authors name options `a, b, c …`, for ordering questions in the right order: shown in form
/// field names, the ids would give the answer away (sorting the fields answers the question).
/// So every attempt names the options with random aliases; answers are mapped back before
/// grading, and an answer naming an option by its real id counts as a foreign option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    #[serde(rename = "q")]
    pub question: String,
    #[serde(rename = "o")]
    pub options: Vec<String>,
    /// `aliases[i]` is the name of `options[i]` in the form; empty for true/false questions
    /// and for attempts drawn before aliases existed (then the ids are shown).
    #[serde(rename = "a", default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// A true/false question generated from the KI-Register when drawn (it is in no content
    /// file): its text, explanation and answer are kept with the attempt, so grading and the
    /// feedback use the rule as it stood when the question was asked. Never sent to the client.
    #[serde(rename = "g", default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
}

/// See `Drawn::generated`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    pub text: String,
    pub explanation: String,
    pub answer: bool,
}

/// The generated questions of an attempt as questions of `module`, for its question index.
pub fn generated_questions(drawn: &[Drawn], module: &str) -> Vec<Question> {
    drawn
        .iter()
        .filter_map(|d| {
            d.generated.as_ref().map(|g| Question {
                id: d.question.clone(),
                module: module.to_string(),
                kind: QuestionKind::TrueFalse,
                text: g.text.clone(),
                explanation: g.explanation.clone(),
                options: Vec::new(),
                answer: Some(g.answer),
                scenario: false,
            })
        })
        .collect()
}

impl Drawn {
    /// The name an option goes by in the form.
    pub fn shown_id(&self, option: &str) -> String {
        match self.options.iter().position(|o| o == option) {
            Some(i) if !self.aliases.is_empty() => self.aliases[i].clone(),
            _ => option.to_string(),
        }
    }

    /// The option a name from the form stands for. Without aliases the name is the id; with
    /// them, anything but an alias is marked foreign (and refused by grading).
    fn option_of(&self, shown: &str) -> String {
        if self.aliases.is_empty() {
            return shown.to_string();
        }
        match self.aliases.iter().position(|a| a == shown) {
            Some(i) => self.options[i].clone(),
            None => format!("?{shown}"),
        }
    }
}

/// Answers as submitted (options named by their aliases) with the options' real ids.
pub fn resolve_aliases(
    drawn: &[Drawn],
    answers: HashMap<String, Answer>,
) -> HashMap<String, Answer> {
    answers
        .into_iter()
        .map(|(question, answer)| {
            let Some(d) = drawn.iter().find(|d| d.question == question) else {
                return (question, answer);
            };
            let resolved = Answer {
                chosen: answer.chosen.iter().map(|c| d.option_of(c)).collect(),
                positions: answer
                    .positions
                    .into_iter()
                    .map(|(o, p)| (d.option_of(&o), p))
                    .collect(),
            };
            (question, resolved)
        })
        .collect()
}

/// What a learner submitted for one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Answer {
    /// Chosen option ids (single, multiple) or "true"/"false".
    pub chosen: Vec<String>,
    /// Ordering: option id → position (1-based).
    pub positions: BTreeMap<String, u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    #[error("unknown question {0:?}")]
    UnknownQuestion(String),
    #[error("option {option:?} does not belong to question {question:?}")]
    ForeignOption { question: String, option: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionResult {
    pub question: String,
    pub correct: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    pub points: u32,
    pub max_points: u32,
    pub passed: bool,
    pub results: Vec<QuestionResult>,
}

/// Draws `count` questions from `pool`, spread so every module of `modules` is represented
/// (as evenly as the pool allows), in random order, each with its options shuffled.
pub fn draw<R: Rng + ?Sized>(
    pool: &[Question],
    modules: &[String],
    count: usize,
    rng: &mut R,
) -> Vec<Drawn> {
    let mut by_module: Vec<Vec<&Question>> = modules
        .iter()
        .map(|m| pool.iter().filter(|q| &q.module == m).collect())
        .collect();
    for list in &mut by_module {
        list.shuffle(rng);
    }
    // Round robin over the modules (in a random order), so counts differ by at most one.
    let mut order: Vec<usize> = (0..by_module.len()).collect();
    order.shuffle(rng);
    let mut picked: Vec<&Question> = Vec::with_capacity(count);
    let mut round = 0;
    while picked.len() < count {
        let mut any = false;
        for &m in &order {
            if picked.len() == count {
                break;
            }
            if let Some(q) = by_module[m].get(round) {
                picked.push(q);
                any = true;
            }
        }
        if !any {
            break;
        }
        round += 1;
    }
    picked.shuffle(rng);
    picked.into_iter().map(|q| present(q, rng)).collect()
}

/// One question with its options in a random order (true/false keeps "true, false").
pub fn present<R: Rng + ?Sized>(q: &Question, rng: &mut R) -> Drawn {
    let mut options: Vec<String> = match q.kind {
        QuestionKind::TrueFalse => vec!["true".into(), "false".into()],
        _ => q.options.iter().map(|o| o.id.clone()).collect(),
    };
    let mut aliases = Vec::new();
    if q.kind != QuestionKind::TrueFalse {
        options.shuffle(rng);
        while aliases.len() < options.len() {
            let alias = format!("{:08x}", rng.random::<u32>());
            if !aliases.contains(&alias) {
                aliases.push(alias);
            }
        }
    }
    Drawn {
        question: q.id.clone(),
        options,
        aliases,
        generated: None,
    }
}

/// Grades one question. Foreign option ids are an error (tampering), not a wrong answer.
pub fn grade_question(q: &Question, shown: &Drawn, answer: &Answer) -> Result<bool, GradeError> {
    let foreign = |o: &String| GradeError::ForeignOption {
        question: q.id.clone(),
        option: o.clone(),
    };
    for o in answer.chosen.iter().chain(answer.positions.keys()) {
        if !shown.options.contains(o) {
            return Err(foreign(o));
        }
    }
    let chosen: BTreeSet<&str> = answer.chosen.iter().map(String::as_str).collect();
    Ok(match q.kind {
        QuestionKind::TrueFalse => {
            let right = if q.answer == Some(true) {
                "true"
            } else {
                "false"
            };
            chosen.len() == 1 && chosen.contains(right)
        }
        QuestionKind::Single | QuestionKind::Multiple => {
            let correct: BTreeSet<&str> = q
                .options
                .iter()
                .filter(|o| o.correct)
                .map(|o| o.id.as_str())
                .collect();
            chosen == correct
        }
        QuestionKind::Ordering => {
            q.options.len() == answer.positions.len()
                && q.options
                    .iter()
                    .enumerate()
                    .all(|(i, o)| answer.positions.get(&o.id) == Some(&(i as u32 + 1)))
        }
    })
}

/// Grades a whole attempt against the drawn questions. Answers for questions that were not
/// drawn are an error; unanswered questions score zero.
pub fn grade(
    questions: &HashMap<&str, &Question>,
    drawn: &[Drawn],
    answers: &HashMap<String, Answer>,
    pass_mark_percent: u32,
) -> Result<Grade, GradeError> {
    for q in answers.keys() {
        if !drawn.iter().any(|d| &d.question == q) {
            return Err(GradeError::UnknownQuestion(q.clone()));
        }
    }
    let mut results = Vec::with_capacity(drawn.len());
    for d in drawn {
        let q = questions
            .get(d.question.as_str())
            .ok_or_else(|| GradeError::UnknownQuestion(d.question.clone()))?;
        let empty = Answer::default();
        let correct = grade_question(q, d, answers.get(&d.question).unwrap_or(&empty))?;
        results.push(QuestionResult {
            question: d.question.clone(),
            correct,
        });
    }
    let points = results.iter().filter(|r| r.correct).count() as u32;
    let max_points = results.len() as u32;
    Ok(Grade {
        points,
        max_points,
        passed: max_points > 0 && points * 100 >= pass_mark_percent * max_points,
        results,
    })
}

/// The numbers (1-based, in the drawn order) of the questions without an answer: nothing chosen,
/// or an ordering question with a step left without a number. Named to the learner before
/// anything is graded.
pub fn open_questions(drawn: &[Drawn], answers: &HashMap<String, Answer>) -> Vec<usize> {
    drawn
        .iter()
        .enumerate()
        .filter(|(_, d)| match answers.get(&d.question) {
            None => true,
            Some(a) if !a.positions.is_empty() => a.positions.len() < d.options.len(),
            Some(a) => a.chosen.is_empty(),
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// The part of a sent form worth keeping as a draft: answers to drawn questions, with options
/// that were shown and positions that exist. Anything else a client sends is dropped.
pub fn keep_drawn(drawn: &[Drawn], answers: HashMap<String, Answer>) -> HashMap<String, Answer> {
    answers
        .into_iter()
        .filter_map(|(question, answer)| {
            let d = drawn.iter().find(|d| d.question == question)?;
            let n = d.options.len() as u32;
            let kept = Answer {
                chosen: answer
                    .chosen
                    .into_iter()
                    .filter(|o| d.options.contains(o))
                    .collect(),
                positions: answer
                    .positions
                    .into_iter()
                    .filter(|(o, p)| d.options.contains(o) && (1..=n).contains(p))
                    .collect(),
            };
            Some((question, kept))
        })
        .collect()
}

/// Reads submitted form fields: `q.<question id>` = option id (repeated for multiple choice),
/// `o.<question id>.<option id>` = position for ordering questions. Other fields are ignored;
/// a score sent by the client means nothing.
pub fn answers_from_form(fields: &[(String, String)]) -> HashMap<String, Answer> {
    let mut out: HashMap<String, Answer> = HashMap::new();
    for (name, value) in fields {
        if let Some(q) = name.strip_prefix("q.") {
            let entry = out.entry(q.to_string()).or_default();
            if !entry.chosen.contains(value) {
                entry.chosen.push(value.clone());
            }
        } else if let Some(rest) = name.strip_prefix("o.") {
            let Some((q, option)) = rest.rsplit_once('.') else {
                continue;
            };
            if let Ok(pos) = value.trim().parse::<u32>() {
                out.entry(q.to_string())
                    .or_default()
                    .positions
                    .insert(option.to_string(), pos);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
