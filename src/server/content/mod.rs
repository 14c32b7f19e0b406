//! Courses as files (see content/README.md): loaded and validated before the server starts.
//! Every problem names its file and line. Each course and module carries a content hash, so
//! progress, attempts and certificates can name the exact version a learner saw.
pub mod measure;
pub mod render;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::i18n::Date;
use crate::model::Level;

/// A problem in the content, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ContentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionKind {
    Single,
    Multiple,
    TrueFalse,
    Ordering,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AnswerOption {
    pub id: String,
    pub text: String,
    pub correct: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub module: String,
    pub kind: QuestionKind,
    pub text: String,
    pub explanation: String,
    /// For ordering questions: in the correct order. For true/false: empty (see `answer`).
    pub options: Vec<AnswerOption>,
    pub answer: Option<bool>,
    /// A situation from the daily work in which the learner decides (`scenario = true`).
    pub scenario: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub id: String,
    pub title: String,
    pub minutes: u32,
    pub objectives: Vec<String>,
    pub html: String,
    pub words: usize,
    /// What a learner reads, for the reading time and the readability score.
    pub reading: measure::Readability,
    /// Pictures in the module, and how many of them carry a long description.
    pub pictures: usize,
    pub described: usize,
    pub check: Vec<Question>,
    pub hash: String,
    /// Template gaps left in the text ("[Name des Werkzeugs]"): (file line, text).
    pub placeholders: Vec<(usize, String)>,
    /// The module shows the live KI-Register where it says `{{ki-register}}`.
    pub live_register: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FinalTest {
    pub pass_mark_percent: u32,
    pub question_count: u32,
    pub time_limit_minutes: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Course {
    pub slug: String,
    pub title: String,
    pub subtitle: String,
    pub level: Level,
    pub audience: String,
    pub objectives: Vec<String>,
    pub estimated_minutes: u32,
    pub validity_months: u32,
    /// Days before a certificate's last valid day from which the course is due again.
    pub renewal_days: u32,
    pub version: String,
    pub stand: Date,
    pub published: bool,
    pub final_test: FinalTest,
    pub modules: Vec<Module>,
    pub final_pool: Vec<Question>,
    pub hash: String,
}

impl Course {
    pub fn module(&self, id: &str) -> Option<(usize, &Module)> {
        self.modules.iter().enumerate().find(|(_, m)| m.id == id)
    }
}

/// Days before expiry from which a course is due again, where `course.toml` says nothing.
pub const DEFAULT_RENEWAL_DAYS: u32 = 60;

/// Every course, in slug order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub courses: Vec<Course>,
}

impl Catalog {
    pub fn course(&self, slug: &str) -> Option<&Course> {
        self.courses.iter().find(|c| c.slug == slug)
    }

    /// The re-enrolment window of a course (the default for courses no longer in the content).
    pub fn renewal_days(&self, slug: &str) -> i64 {
        i64::from(
            self.course(slug)
                .map_or(DEFAULT_RENEWAL_DAYS, |c| c.renewal_days),
        )
    }

    pub fn published(&self) -> impl Iterator<Item = &Course> {
        self.courses.iter().filter(|c| c.published)
    }

    /// Counts for `content check`: courses, modules, questions, words.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let modules = self.courses.iter().map(|c| c.modules.len()).sum();
        let questions = self
            .courses
            .iter()
            .map(|c| c.final_pool.len() + c.modules.iter().map(|m| m.check.len()).sum::<usize>())
            .sum();
        let words = self
            .courses
            .iter()
            .flat_map(|c| &c.modules)
            .map(|m| m.words)
            .sum();
        (self.courses.len(), modules, questions, words)
    }
}

// ---- file formats -------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseFile {
    title: String,
    subtitle: String,
    level: Spanned<String>,
    audience: String,
    objectives: Vec<String>,
    estimated_minutes: u32,
    validity_months: u32,
    renewal_days: Option<Spanned<u32>>,
    version: String,
    stand: Spanned<String>,
    published: bool,
    final_test: FinalTestFile,
    modules: Vec<ModuleRef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FinalTestFile {
    pass_mark_percent: Spanned<u32>,
    question_count: Spanned<u32>,
    time_limit_minutes: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModuleRef {
    id: Spanned<String>,
    file: Spanned<String>,
    check: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    minutes: u32,
    objectives: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    #[serde(default)]
    questions: Vec<QuestionEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionEntry {
    id: Spanned<String>,
    module: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    text: String,
    explanation: String,
    #[serde(default)]
    options: Vec<OptionEntry>,
    answer: Option<bool>,
    #[serde(default)]
    scenario: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionEntry {
    id: String,
    text: String,
    correct: Option<bool>,
}

// ---- loading ------------------------------------------------------------------------------

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

struct Loader<'a> {
    root: &'a Path,
    errors: Vec<ContentError>,
}

impl Loader<'_> {
    fn rel(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    fn err(&mut self, path: &Path, line: usize, message: impl Into<String>) {
        let file = self.rel(path);
        self.errors.push(ContentError {
            file,
            line,
            message: message.into(),
        });
    }

    fn read(&mut self, path: &Path, referenced_at: Option<(&Path, usize)>) -> Option<String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) => {
                match referenced_at {
                    Some((from, line)) => {
                        let msg = format!("referenced file {} cannot be read: {e}", self.rel(path));
                        self.err(from, line, msg)
                    }
                    None => self.err(path, 1, format!("cannot be read: {e}")),
                }
                None
            }
        }
    }

    fn parse_toml<T: serde::de::DeserializeOwned>(
        &mut self,
        path: &Path,
        text: &str,
        line_offset: usize,
    ) -> Option<T> {
        match toml::from_str::<T>(text) {
            Ok(v) => Some(v),
            Err(e) => {
                let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1) + line_offset;
                let message = e.message().trim().to_string();
                self.err(path, line, message);
                None
            }
        }
    }

    /// Replaces `{{> name}}` lines; `first_line` is the file line of `text`'s first line.
    fn expand_snippets(&mut self, path: &Path, text: &str, first_line: usize) -> String {
        let mut out = String::with_capacity(text.len());
        for (n, line) in text.split_inclusive('\n').enumerate() {
            let t = line.trim();
            if let Some(name) = t.strip_prefix("{{>").and_then(|r| r.strip_suffix("}}")) {
                let name = name.trim();
                let valid =
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
                let snippet = self.root.join("snippets").join(format!("{name}.md"));
                match valid.then(|| std::fs::read_to_string(&snippet)) {
                    Some(Ok(s)) => {
                        out.push_str(&s);
                        out.push('\n');
                    }
                    _ => self.err(
                        path,
                        n + first_line,
                        format!("snippet {name:?} not found in snippets/"),
                    ),
                }
            } else {
                out.push_str(line);
            }
        }
        out
    }

    fn questions(
        &mut self,
        path: &Path,
        text: &str,
        modules: &HashSet<String>,
        seen: &mut HashMap<String, String>,
    ) -> Vec<Question> {
        let Some(file) = self.parse_toml::<QuestionFile>(path, text, 0) else {
            return vec![];
        };
        let mut out = Vec::new();
        for q in file.questions {
            let line = line_of(text, q.id.span().start);
            let id = q.id.into_inner();
            let here = format!("{}:{line}", self.rel(path));
            if id.trim().is_empty() {
                self.err(path, line, "question id must not be empty");
            } else if let Some(first) = seen.insert(id.clone(), here) {
                self.err(
                    path,
                    line,
                    format!("duplicate question id {id:?} (first at {first})"),
                );
            }
            let module = q.module.get_ref().clone();
            if !modules.contains(&module) {
                let l = line_of(text, q.module.span().start);
                self.err(
                    path,
                    l,
                    format!("question {id:?}: module {module:?} is not in course.toml"),
                );
            }
            let kind = match q.kind.get_ref().as_str() {
                "single" => QuestionKind::Single,
                "multiple" => QuestionKind::Multiple,
                "truefalse" => QuestionKind::TrueFalse,
                "ordering" => QuestionKind::Ordering,
                other => {
                    let l = line_of(text, q.kind.span().start);
                    self.err(path, l, format!("question {id:?}: unknown type {other:?} (single, multiple, truefalse, ordering)"));
                    continue;
                }
            };
            if q.text.trim().is_empty() || q.explanation.trim().is_empty() {
                self.err(
                    path,
                    line,
                    format!("question {id:?}: text and explanation must not be empty"),
                );
            }
            let correct = q.options.iter().filter(|o| o.correct == Some(true)).count();
            let n = q.options.len();
            let mut option_ids = HashSet::new();
            for o in &q.options {
                if o.id.trim().is_empty() || o.text.trim().is_empty() {
                    self.err(
                        path,
                        line,
                        format!("question {id:?}: every option needs an id and a text"),
                    );
                }
                if !option_ids.insert(o.id.clone()) {
                    self.err(
                        path,
                        line,
                        format!("question {id:?}: duplicate option id {:?}", o.id),
                    );
                }
            }
            let problem = match kind {
                QuestionKind::Single if !(2..=6).contains(&n) => Some("a single-choice question needs 2 to 6 options".to_string()),
                QuestionKind::Single if correct != 1 => Some(format!("a single-choice question needs exactly one correct option, found {correct}")),
                QuestionKind::Multiple if !(2..=6).contains(&n) => Some("a multiple-choice question needs 2 to 6 options".into()),
                QuestionKind::Multiple if correct == 0 => Some("a multiple-choice question needs at least one correct option".into()),
                QuestionKind::TrueFalse if n > 0 || q.answer.is_none() => Some("a true/false question has no options and needs `answer = true` or `answer = false`".into()),
                QuestionKind::Ordering if !(3..=6).contains(&n) => Some("an ordering question needs 3 to 6 options (in the correct order)".into()),
                QuestionKind::Ordering if correct > 0 => Some("an ordering question has no `correct` fields: the listed order is the answer".into()),
                _ => None,
            };
            if let Some(p) = problem {
                self.err(path, line, format!("question {id:?}: {p}"));
            }
            out.push(Question {
                id,
                module,
                kind,
                text: q.text,
                explanation: q.explanation,
                options: q
                    .options
                    .into_iter()
                    .map(|o| AnswerOption {
                        id: o.id,
                        text: o.text,
                        correct: o.correct == Some(true),
                    })
                    .collect(),
                answer: q.answer,
                scenario: q.scenario,
            });
        }
        out
    }

    /// Checks images in a module: they exist below the course folder and have alt text; a
    /// picture description follows a picture. Returns the number of pictures and descriptions.
    fn check_images(
        &mut self,
        path: &Path,
        course_dir: &Path,
        body: &str,
        body_line: usize,
    ) -> (usize, usize) {
        let mut pictures = 0;
        let mut described = 0;
        // The last block seen: a description must come right after a paragraph with a picture.
        let mut after_picture = false;
        let mut paragraph_has_picture = false;
        let parser = pulldown_cmark::Parser::new_ext(
            body,
            pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_GFM,
        )
        .into_offset_iter();
        let mut in_image: Option<(String, usize, String)> = None;
        for (event, range) in parser {
            match event {
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { dest_url, .. }) => {
                    in_image = Some((
                        dest_url.to_string(),
                        line_of(body, range.start) + body_line - 1,
                        String::new(),
                    ));
                }
                pulldown_cmark::Event::Text(t) if in_image.is_some() => {
                    if let Some((_, _, alt)) = in_image.as_mut() {
                        alt.push_str(&t);
                    }
                }
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::Paragraph) => {
                    paragraph_has_picture = false;
                }
                pulldown_cmark::Event::End(pulldown_cmark::TagEnd::Paragraph) => {
                    after_picture = paragraph_has_picture;
                }
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::BlockQuote(_)) => {
                    let quote = &body[range.clone()];
                    let marker = quote
                        .lines()
                        .next()
                        .map(|l| l.trim_start_matches([' ', '>']).trim());
                    if marker == Some("[!BILDBESCHREIBUNG]") {
                        if after_picture {
                            described += 1;
                        } else {
                            self.err(
                                path,
                                line_of(body, range.start) + body_line - 1,
                                "a picture description ([!BILDBESCHREIBUNG]) follows right after its picture",
                            );
                        }
                    }
                    after_picture = false;
                }
                pulldown_cmark::Event::Start(_) if in_image.is_none() => after_picture = false,
                pulldown_cmark::Event::End(pulldown_cmark::TagEnd::Image) => {
                    pictures += 1;
                    paragraph_has_picture = true;
                    if let Some((dest, line, alt)) = in_image.take() {
                        if alt.trim().is_empty() {
                            self.err(path, line, format!("image {dest:?} has no alt text"));
                        }
                        let ok = dest.starts_with("images/")
                            && !dest.contains("..")
                            && course_dir.join(&dest).is_file();
                        if !ok {
                            self.err(path, line, format!("image {dest:?} does not exist (images live in the course's images/ folder)"));
                        }
                    }
                }
                _ => {}
            }
        }
        (pictures, described)
    }

    fn course(&mut self, dir: &Path) -> Option<Course> {
        let slug = dir.file_name()?.to_string_lossy().to_string();
        let course_path = dir.join("course.toml");
        let text = self.read(&course_path, None)?;
        let file: CourseFile = self.parse_toml(&course_path, &text, 0)?;
        let errors_before = self.errors.len();
        if !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            self.err(
                &course_path,
                1,
                format!("folder name {slug:?} must use only a-z, 0-9 and -"),
            );
        }
        let level = match Level::from_code(file.level.get_ref()) {
            Some(level) => level,
            None => {
                let other = file.level.get_ref();
                let l = line_of(&text, file.level.span().start);
                self.err(
                    &course_path,
                    l,
                    format!("unknown level {other:?} (seepferdchen, bronze, silber, gold)"),
                );
                Level::Seepferdchen
            }
        };
        let stand = parse_date(file.stand.get_ref()).unwrap_or_else(|| {
            let l = line_of(&text, file.stand.span().start);
            self.err(&course_path, l, "stand must be a date YYYY-MM-DD");
            Date::EPOCH
        });
        let renewal_days = match &file.renewal_days {
            None => DEFAULT_RENEWAL_DAYS,
            Some(days) => {
                let l = line_of(&text, days.span().start);
                let n = *days.get_ref();
                if file.validity_months == 0 {
                    self.err(&course_path, l, "renewal_days needs validity_months");
                } else if n == 0 || i64::from(n) >= i64::from(file.validity_months) * 28 {
                    self.err(
                        &course_path,
                        l,
                        "renewal_days must be at least 1 and shorter than the validity",
                    );
                }
                n
            }
        };
        let pass = *file.final_test.pass_mark_percent.get_ref();
        if !(1..=100).contains(&pass) {
            let l = line_of(&text, file.final_test.pass_mark_percent.span().start);
            self.err(
                &course_path,
                l,
                "pass_mark_percent must be between 1 and 100",
            );
        }
        if file.modules.is_empty() {
            self.err(
                &course_path,
                1,
                "a course needs at least one [[modules]] entry",
            );
        }
        let module_ids: HashSet<String> = file
            .modules
            .iter()
            .map(|m| m.id.get_ref().clone())
            .collect();
        let mut seen_modules = HashSet::new();
        let mut seen_questions = HashMap::new();
        let mut hasher = Sha256::new();
        hasher.update(text.as_bytes());
        let image_base = format!("/inhalte/{slug}/images");
        let mut modules = Vec::new();
        for m in &file.modules {
            let id = m.id.get_ref().clone();
            let id_line = line_of(&text, m.id.span().start);
            if !seen_modules.insert(id.clone()) {
                self.err(&course_path, id_line, format!("duplicate module id {id:?}"));
            }
            let md_path = dir.join(m.file.get_ref());
            let md_line = line_of(&text, m.file.span().start);
            let Some(md) = self.read(&md_path, Some((&course_path, md_line))) else {
                continue;
            };
            let Some((front, body, body_line)) = split_front_matter(&md) else {
                self.err(
                    &md_path,
                    1,
                    "a module starts with TOML front matter between +++ lines",
                );
                continue;
            };
            let Some(fm) = self.parse_toml::<FrontMatter>(&md_path, front, 1) else {
                continue;
            };
            if fm.title.trim().is_empty() {
                self.err(&md_path, 2, "title must not be empty");
            }
            let body = self.expand_snippets(&md_path, body, body_line);
            let (pictures, described) = self.check_images(&md_path, dir, &body, body_line);
            let check_path = dir.join(m.check.get_ref());
            let check_line = line_of(&text, m.check.span().start);
            let check_text = self
                .read(&check_path, Some((&course_path, check_line)))
                .unwrap_or_default();
            let check = self.questions(&check_path, &check_text, &module_ids, &mut seen_questions);
            if check.iter().any(|q| q.module != id) {
                self.err(
                    &check_path,
                    1,
                    format!("a module check holds only questions of module {id:?}"),
                );
            }
            let mut mh = Sha256::new();
            mh.update(md.as_bytes());
            mh.update(body.as_bytes());
            mh.update(check_text.as_bytes());
            let hash = hex12(&mh.finalize());
            hasher.update(hash.as_bytes());
            let html = render::markdown_to_html(&body, &image_base);
            let reading = measure::readability(&body);
            modules.push(Module {
                placeholders: placeholders(&body, body_line),
                live_register: html.contains(REGISTER_MARKER),
                id,
                title: fm.title,
                minutes: fm.minutes,
                objectives: fm.objectives,
                words: reading.words,
                reading,
                html,
                pictures,
                described,
                check,
                hash,
            });
        }
        let final_path = dir.join("final.toml");
        let final_text = self.read(&final_path, None).unwrap_or_default();
        hasher.update(final_text.as_bytes());
        let final_pool = self.questions(&final_path, &final_text, &module_ids, &mut seen_questions);
        let count = *file.final_test.question_count.get_ref();
        let count_line = line_of(&text, file.final_test.question_count.span().start);
        if (count as usize) < modules.len() || count as usize > final_pool.len() {
            self.err(&course_path, count_line, format!(
                "question_count {count} must be at least the number of modules ({}) and at most the pool size ({})",
                modules.len(), final_pool.len()
            ));
        }
        for m in &modules {
            if !final_pool.iter().any(|q| q.module == m.id) {
                self.err(
                    &final_path,
                    1,
                    format!("the final pool has no question for module {:?}", m.id),
                );
            }
        }
        if self.errors.len() > errors_before {
            return None;
        }
        Some(Course {
            slug,
            title: file.title,
            subtitle: file.subtitle,
            level,
            audience: file.audience,
            objectives: file.objectives,
            estimated_minutes: file.estimated_minutes,
            validity_months: file.validity_months,
            renewal_days,
            version: file.version,
            stand,
            published: file.published,
            final_test: FinalTest {
                pass_mark_percent: pass,
                question_count: count,
                time_limit_minutes: file.final_test.time_limit_minutes,
            },
            modules,
            final_pool,
            hash: hex12(&hasher.finalize()),
        })
    }
}

fn hex12(bytes: &[u8]) -> String {
    bytes.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// Where a module shows the live KI-Register: a line `{{ki-register}}`, as rendered.
pub const REGISTER_MARKER: &str = "<p>{{ki-register}}</p>";

/// Template gaps in a module's Markdown: text in square brackets that is neither a link
/// (`[text](url)`, `[text][ref]`), a callout (`[!MERKE]`) nor a task box (`[ ]`, `[x]`).
/// `first_line` is the file line of the body's first line.
pub fn placeholders(body: &str, first_line: usize) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in body.lines().enumerate() {
        let mut rest = line;
        while let Some(open) = rest.find('[') {
            let after = &rest[open + 1..];
            let Some(close) = after.find(']') else { break };
            let inner = &after[..close];
            let next = after[close + 1..].chars().next();
            let nested = inner.contains('[');
            // `\[Name\]` is a bracket the text means (a placeholder taught in a prompt).
            let escaped = rest[..open].ends_with('\\');
            let gap = !nested
                && !escaped
                && inner.chars().count() >= 3
                && !inner.starts_with('!')
                && !matches!(next, Some('(') | Some('[') | Some(':'));
            if gap {
                out.push((n + first_line, format!("[{inner}]")));
            }
            rest = if nested {
                &rest[open + 1..]
            } else {
                &after[close + 1..]
            };
        }
    }
    out
}

pub fn parse_date(s: &str) -> Option<Date> {
    Date::parse_iso(s)
}

/// Splits `+++\nfront\n+++\nbody` → (front, body, line where body starts).
fn split_front_matter(md: &str) -> Option<(&str, &str, usize)> {
    let rest = md
        .strip_prefix("+++\n")
        .or_else(|| md.strip_prefix("+++\r\n"))?;
    let end = rest.find("\n+++")?;
    let front = &rest[..end + 1];
    let after = &rest[end + 4..];
    let body = after
        .strip_prefix("\r\n")
        .or_else(|| after.strip_prefix('\n'))
        .unwrap_or(after);
    let body_line = line_of(md, md.len() - body.len());
    Some((front, body, body_line))
}

/// Loads and validates every course below `root/courses`.
pub fn load(root: &Path) -> Result<Catalog, Vec<ContentError>> {
    let mut loader = Loader {
        root,
        errors: Vec::new(),
    };
    let courses_dir = root.join("courses");
    let mut dirs: Vec<PathBuf> = match std::fs::read_dir(&courses_dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect(),
        Err(e) => {
            return Err(vec![ContentError {
                file: courses_dir.display().to_string(),
                line: 0,
                message: format!("cannot read the courses folder: {e}"),
            }])
        }
    };
    dirs.sort();
    let mut courses: Vec<Course> = dirs.iter().filter_map(|d| loader.course(d)).collect();
    // Learners see the first badge first: Seepferdchen, Bronze, Silber, Gold.
    courses.sort_by(|a, b| (a.level as u8, &a.title).cmp(&(b.level as u8, &b.title)));
    if loader.errors.is_empty() {
        Ok(Catalog { courses })
    } else {
        Err(loader.errors)
    }
}

/// A built-in information page from its Markdown text: the first `# ` line is the title, the
/// rest the body. `{{ORG_NAME}}`, `{{CONTACT_EMAIL}}` and `{{BASE_URL}}` are replaced by the
/// installation's settings before rendering (raw HTML is dropped as everywhere).
pub fn site_page(
    text: &str,
    lang: &str,
    config: &crate::server::config::Config,
) -> crate::model::SitePage {
    let text = text
        .replace("{{ORG_NAME}}", &config.org_name)
        .replace("{{CONTACT_EMAIL}}", &config.contact_email)
        .replace("{{BASE_URL}}", &config.public_base_url);
    let (title, body) = match text.trim_start().split_once('\n') {
        Some((first, rest)) if first.starts_with("# ") => (first[2..].trim().to_string(), rest),
        _ => (String::new(), text.as_str()),
    };
    crate::model::SitePage {
        title,
        html: render::markdown_to_html(body, ""),
        lang: lang.to_string(),
    }
}
