//! What `content check` measures and enforces beyond validity: the Seepferdchen is meant as a
//! low-threshold first badge, so its length, readability and kind of questions are rules that
//! fail the check, not advice. A reviewer found a course two hours long and a quiz that could be
//! passed by ticking every option but the silly one; both would have been caught by numbers.
//!
//! Readability is the German Flesch score after Amstad (180 − words per sentence − 58.5 ×
//! syllables per word), counted on the prose a learner reads: headings, paragraphs, list items,
//! table cells and callouts, with included snippets, without pictures and their folded long
//! descriptions. Syllables are vowel groups, which is the usual approximation for German.

use std::collections::HashSet;

use super::{Course, Question, QuestionKind};
use crate::model::Level;

/// Words a learner reads per minute, for the reading time.
pub const WORDS_PER_MINUTE: usize = 150;

/// The Seepferdchen's limits (issue #18): reading time, final test, readability, scenarios.
pub const SEEPFERDCHEN_MAX_READING_MINUTES: f64 = 35.0;
pub const SEEPFERDCHEN_MAX_FINAL_QUESTIONS: u32 = 10;
pub const SEEPFERDCHEN_MAX_FINAL_MINUTES: u32 = 15;
pub const SEEPFERDCHEN_MIN_FLESCH: f64 = 60.0;
pub const SEEPFERDCHEN_MIN_SCENARIO_PERCENT: usize = 60;
/// Share of true/false questions keyed "true", per course, in percent.
pub const TRUE_SHARE_PERCENT: (usize, usize) = (40, 60);
/// Below this many true/false questions a course's balance is not judged.
pub const TRUE_SHARE_MIN_QUESTIONS: usize = 4;
/// Share of single-choice questions, in percent, whose key may be the longest option: above it,
/// "pick the longest" is a strategy that scores.
pub const KEY_LONGEST_MAX_PERCENT: usize = 40;
/// Word overlap (Jaccard) from which a check question and a final question count as the same.
pub const NEAR_DUPLICATE: f64 = 0.6;

/// Words, sentences and syllables of a text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Readability {
    pub words: usize,
    pub sentences: usize,
    pub syllables: usize,
}

impl Readability {
    pub fn minutes(&self) -> f64 {
        self.words as f64 / WORDS_PER_MINUTE as f64
    }

    pub fn flesch_amstad(&self) -> f64 {
        if self.words == 0 {
            return 0.0;
        }
        180.0
            - self.words as f64 / self.sentences.max(1) as f64
            - 58.5 * self.syllables as f64 / self.words as f64
    }
}

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "art", "abs", "nr", "bzw", "ggf", "vgl", "ca", "etc", "usw", "dr", "str", "inkl", "evtl",
    "sog", "lit", "buchst", "ziff", "rn", "bspw", "gem", "tel", "max", "min", "std", "mio", "mrd",
    "jan", "feb", "aug", "sept", "okt", "nov", "dez",
];

/// Measures module Markdown (front matter removed, snippets expanded).
pub fn readability(body: &str) -> Readability {
    let mut r = Readability::default();
    for unit in text_units(body) {
        let (words, sentences, syllables) = measure_unit(&unit);
        r.words += words;
        r.sentences += sentences;
        r.syllables += syllables;
    }
    r
}

/// The prose of a module in reading units: a unit always ends a sentence (a heading, a list
/// item, a table cell, a line), and may hold more.
fn text_units(body: &str) -> Vec<String> {
    let mut units = Vec::new();
    let mut in_description = false;
    for line in body.lines() {
        let mut s = line.trim();
        if s.starts_with('>') {
            let inner = s.trim_start_matches(['>', ' ']).trim();
            if inner.to_uppercase().starts_with("[!BILDBESCHREIBUNG]") {
                in_description = true;
                continue;
            }
            if in_description || is_callout_marker(inner) {
                continue;
            }
            s = inner;
        } else {
            in_description = false;
        }
        let table_rule = s.chars().all(|c| matches!(c, '|' | ' ' | ':' | '-'));
        if s.is_empty() || table_rule || s.starts_with("![") || s.starts_with("{{") {
            continue;
        }
        let s = s.trim_start_matches('#').trim_start();
        let s = strip_list_marker(s);
        let s = strip_links(s);
        let s: String = s
            .chars()
            .filter(|c| !matches!(c, '*' | '_' | '`' | '\\'))
            .collect();
        units.extend(
            s.split('|')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from),
        );
    }
    units
}

fn is_callout_marker(s: &str) -> bool {
    s.strip_prefix("[!")
        .and_then(|r| r.strip_suffix(']'))
        .is_some_and(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_uppercase()))
}

fn strip_list_marker(s: &str) -> &str {
    let s = ["- ", "* ", "+ "]
        .iter()
        .find_map(|m| s.strip_prefix(m))
        .unwrap_or_else(|| {
            let digits = s.chars().take_while(char::is_ascii_digit).count();
            match s[digits..].strip_prefix(". ") {
                Some(rest) if digits > 0 => rest,
                _ => s,
            }
        })
        .trim_start();
    ["[ ] ", "[x] ", "[X] "]
        .iter()
        .find_map(|m| s.strip_prefix(m))
        .unwrap_or(s)
}

/// `[text](url)` and `![text](url)` become `text`.
fn strip_links(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let linked = after.find(']').and_then(|close| {
            let tail = after[close + 1..].strip_prefix('(')?;
            let end = tail.find(')')?;
            Some((close, &tail[end + 1..]))
        });
        match linked {
            Some((close, tail)) => {
                out.push_str(rest[..open].trim_end_matches('!'));
                out.push_str(&after[..close]);
                rest = tail;
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '§' | '%' | '€' | '-')
}

/// The words of a text: runs of word characters with at least one letter or digit.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_word_char(c))
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

fn syllables(word: &str) -> usize {
    let mut groups = 0;
    let mut in_vowel = false;
    for c in word.chars().flat_map(char::to_lowercase) {
        let vowel = matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ä' | 'ö' | 'ü');
        if vowel && !in_vowel {
            groups += 1;
        }
        in_vowel = vowel;
    }
    groups.max(1)
}

/// Words, sentences and syllables of one unit.
fn measure_unit(unit: &str) -> (usize, usize, usize) {
    let (mut n_words, mut n_syllables, mut sentences, mut open) = (0, 0, 0, 0);
    for token in unit.split_whitespace() {
        for w in words(token) {
            n_words += 1;
            n_syllables += syllables(w);
            open += 1;
        }
        let bare = token.trim_end_matches([')', '»', '“', '"', '\'']);
        let mut ends = bare.ends_with(['.', '!', '?', ';', ':']);
        if ends && bare.ends_with('.') {
            let stem: String = token
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            let abbreviation = ABBREVIATIONS.contains(&stem.as_str())
                || stem.chars().count() == 1
                || stem.chars().all(|c| c.is_ascii_digit());
            ends = !abbreviation;
        }
        if ends && open > 0 {
            sentences += 1;
            open = 0;
        }
    }
    if open > 0 {
        sentences += 1;
    }
    (n_words, sentences, n_syllables)
}

/// Questions by type and what the rules look at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuestionStats {
    pub single: usize,
    pub multiple: usize,
    pub truefalse: usize,
    pub ordering: usize,
    pub scenario: usize,
    /// True/false questions keyed "true".
    pub keyed_true: usize,
    /// Options of multiple-choice questions that are right and wrong.
    pub options_right: usize,
    pub options_wrong: usize,
    /// Single-choice questions whose key is the strictly longest option.
    pub key_longest: usize,
}

impl QuestionStats {
    pub fn of<'a>(questions: impl IntoIterator<Item = &'a Question>) -> Self {
        let mut s = Self::default();
        for q in questions {
            match q.kind {
                QuestionKind::Single => {
                    s.single += 1;
                    s.key_longest += usize::from(key_is_longest(q));
                }
                QuestionKind::Multiple => {
                    s.multiple += 1;
                    let right = q.options.iter().filter(|o| o.correct).count();
                    s.options_right += right;
                    s.options_wrong += q.options.len() - right;
                }
                QuestionKind::TrueFalse => {
                    s.truefalse += 1;
                    s.keyed_true += usize::from(q.answer == Some(true));
                }
                QuestionKind::Ordering => s.ordering += 1,
            }
            s.scenario += usize::from(q.scenario);
        }
        s
    }

    pub fn total(&self) -> usize {
        self.single + self.multiple + self.truefalse + self.ordering
    }

    pub fn scenario_percent(&self) -> usize {
        percent(self.scenario, self.total())
    }

    pub fn true_percent(&self) -> usize {
        percent(self.keyed_true, self.truefalse)
    }

    pub fn key_longest_percent(&self) -> usize {
        percent(self.key_longest, self.single)
    }
}

/// Whether the right option of a single-choice question is longer than every wrong one.
fn key_is_longest(q: &Question) -> bool {
    let len = |o: &super::AnswerOption| o.text.chars().count();
    let key = q.options.iter().filter(|o| o.correct).map(len).max();
    let wrong = q.options.iter().filter(|o| !o.correct).map(len).max();
    matches!((key, wrong), (Some(k), Some(w)) if k > w)
}

fn percent(part: usize, whole: usize) -> usize {
    (part * 100).checked_div(whole).unwrap_or(0)
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModuleMeasure {
    pub id: String,
    pub reading: Readability,
    pub pictures: usize,
    pub described: usize,
    /// The module check and the module's share of the final pool.
    pub questions: QuestionStats,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CourseMeasure {
    pub slug: String,
    pub level: Level,
    pub modules: Vec<ModuleMeasure>,
    pub reading: Readability,
    pub questions: QuestionStats,
    /// Broken rules: `content check` fails on any.
    pub problems: Vec<String>,
}

/// Measures a course and lists the rules it breaks.
pub fn measure(c: &Course) -> CourseMeasure {
    let modules: Vec<ModuleMeasure> = c
        .modules
        .iter()
        .map(|m| ModuleMeasure {
            id: m.id.clone(),
            reading: m.reading,
            pictures: m.pictures,
            described: m.described,
            questions: QuestionStats::of(
                m.check
                    .iter()
                    .chain(c.final_pool.iter().filter(|q| q.module == m.id)),
            ),
        })
        .collect();
    let reading = modules
        .iter()
        .fold(Readability::default(), |a, m| Readability {
            words: a.words + m.reading.words,
            sentences: a.sentences + m.reading.sentences,
            syllables: a.syllables + m.reading.syllables,
        });
    let all: Vec<&Question> = c
        .modules
        .iter()
        .flat_map(|m| &m.check)
        .chain(&c.final_pool)
        .collect();
    let questions = QuestionStats::of(all.iter().copied());
    let mut problems = Vec::new();
    for q in &all {
        let right = q.options.iter().filter(|o| o.correct).count();
        if q.kind == QuestionKind::Multiple && q.options.len() >= 3 && right + 1 == q.options.len()
        {
            problems.push(format!(
                "question {:?}: every option but one is right (a learner scores by ticking all \
                 but the odd one out)",
                q.id
            ));
        }
    }
    let (low, high) = TRUE_SHARE_PERCENT;
    let share = questions.true_percent();
    if questions.truefalse >= TRUE_SHARE_MIN_QUESTIONS && !(low..=high).contains(&share) {
        problems.push(format!(
            "{} of {} true/false questions are keyed \"true\" ({share} %); keep it between \
             {low} and {high} %",
            questions.keyed_true, questions.truefalse
        ));
    }
    if questions.single >= TRUE_SHARE_MIN_QUESTIONS
        && questions.key_longest_percent() > KEY_LONGEST_MAX_PERCENT
    {
        problems.push(format!(
            "in {} of {} single-choice questions the key is the longest option ({} %); at most \
             {KEY_LONGEST_MAX_PERCENT} %",
            questions.key_longest,
            questions.single,
            questions.key_longest_percent()
        ));
    }
    for check in c.modules.iter().flat_map(|m| &m.check) {
        for f in &c.final_pool {
            let s = similarity(&check.text, &f.text);
            if s >= NEAR_DUPLICATE {
                problems.push(format!(
                    "questions {:?} (module check) and {:?} (final pool) are near-duplicates \
                     ({:.0} % of their words shared)",
                    check.id,
                    f.id,
                    s * 100.0
                ));
            }
        }
    }
    if c.level == Level::Seepferdchen {
        seepferdchen_rules(c, &modules, &reading, &questions, &mut problems);
    }
    CourseMeasure {
        slug: c.slug.clone(),
        level: c.level,
        modules,
        reading,
        questions,
        problems,
    }
}

fn seepferdchen_rules(
    c: &Course,
    modules: &[ModuleMeasure],
    reading: &Readability,
    questions: &QuestionStats,
    problems: &mut Vec<String>,
) {
    if reading.minutes() > SEEPFERDCHEN_MAX_READING_MINUTES {
        problems.push(format!(
            "reading time {:.1} min ({} words) is above {SEEPFERDCHEN_MAX_READING_MINUTES} min",
            reading.minutes(),
            reading.words
        ));
    }
    if c.final_test.question_count > SEEPFERDCHEN_MAX_FINAL_QUESTIONS {
        problems.push(format!(
            "the final test draws {} questions; at most {SEEPFERDCHEN_MAX_FINAL_QUESTIONS}",
            c.final_test.question_count
        ));
    }
    match c.final_test.time_limit_minutes {
        Some(m) if m <= SEEPFERDCHEN_MAX_FINAL_MINUTES => {}
        other => problems.push(format!(
            "the final test's time limit is {}; at most {SEEPFERDCHEN_MAX_FINAL_MINUTES} minutes",
            other.map_or("not set".to_string(), |m| format!("{m} minutes"))
        )),
    }
    for m in modules {
        let f = m.reading.flesch_amstad();
        if f < SEEPFERDCHEN_MIN_FLESCH {
            problems.push(format!(
                "module {:?}: Flesch-Amstad {f:.1} is below {SEEPFERDCHEN_MIN_FLESCH}",
                m.id
            ));
        }
    }
    if questions.scenario_percent() < SEEPFERDCHEN_MIN_SCENARIO_PERCENT {
        problems.push(format!(
            "{} of {} questions are scenarios ({} %); at least \
             {SEEPFERDCHEN_MIN_SCENARIO_PERCENT} %",
            questions.scenario,
            questions.total(),
            questions.scenario_percent()
        ));
    }
}

/// Below this many distinct words (of four letters or more) two texts are too short to compare.
const SIMILARITY_MIN_WORDS: usize = 5;

/// Shared words (of four letters or more) relative to all words of both texts.
pub fn similarity(a: &str, b: &str) -> f64 {
    let set = |t: &str| -> HashSet<String> {
        words(t)
            .filter(|w| w.chars().count() >= 4)
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (set(a), set(b));
    let union = a.union(&b).count();
    if union < SIMILARITY_MIN_WORDS {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_sentences_and_syllables() {
        let r = readability("## Was ist KI?\n\nDie KI rechnet. Sie versteht nichts.\n");
        assert_eq!(r.words, 9);
        assert_eq!(r.sentences, 3, "the heading is a sentence of its own");
        // was ist KI | die KI rech-net | sie ver-steht nichts
        assert_eq!(r.syllables, 11);
    }

    #[test]
    fn abbreviations_and_numbers_do_not_end_sentences() {
        let r =
            readability("Nach Art. 4 KI-VO gilt das z. B. seit dem 2. Februar 2025 für alle.\n");
        assert_eq!(r.sentences, 1);
    }

    #[test]
    fn pictures_descriptions_markers_and_links_are_not_read() {
        let body = "![Bild](images/a.svg)\n\n> [!BILDBESCHREIBUNG]\n> Lange Beschreibung hier.\n\n\
                    > [!MERKE]\n> Kurz.\n\nSiehe [die Seite](/seite).\n";
        let r = readability(body);
        assert_eq!(r.words, 4, "Kurz, Siehe, die, Seite");
        assert_eq!(r.sentences, 2);
    }

    #[test]
    fn table_cells_and_list_items_are_units() {
        let r = readability("| Art | Beispiel |\n|---|---|\n| Text | Brief |\n\n- eins\n- zwei\n");
        assert_eq!(r.words, 6);
        assert_eq!(r.sentences, 6);
    }

    #[test]
    fn flesch_amstad_prefers_short_sentences_and_short_words() {
        let easy = readability("Die KI hilft. Sie irrt oft. Wir prüfen das.\n");
        let hard = readability(
            "Die Verwaltungsdigitalisierungsstrategie verpflichtet Beschäftigte zur \
             Berücksichtigung datenschutzrechtlicher Anforderungen bei Verarbeitungsvorgängen.\n",
        );
        assert!(easy.flesch_amstad() > 80.0, "{}", easy.flesch_amstad());
        assert!(hard.flesch_amstad() < 20.0, "{}", hard.flesch_amstad());
    }

    #[test]
    fn similarity_finds_reworded_questions() {
        let a = "Ihre Kollegin möchte eine Bürgeranfrage mit Namen in den Chat kopieren.";
        let b = "Ihre Kollegin möchte eine Bürgeranfrage mit Namen in den Chat einfügen.";
        let c = "Welche Daten dürfen in ein nicht freigegebenes Werkzeug?";
        assert!(similarity(a, b) >= NEAR_DUPLICATE);
        assert!(similarity(a, c) < NEAR_DUPLICATE);
    }
}
