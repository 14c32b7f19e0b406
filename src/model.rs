//! Data shared by server and browser. Never a password hash, never a correct answer before
//! submission.
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr};

use crate::i18n::Date;

/// What every page shows about the installation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    pub org_name: String,
    /// The logo's URL (setting ORG_LOGO), if there is one.
    pub logo: Option<String>,
}

/// Facts about this installation shown on the start page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeStats {
    pub installed_since: Date,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, IntoStaticStr, EnumString,
)]
#[strum(serialize_all = "lowercase")]
pub enum Role {
    Employee,
    Coordinator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Employee, Role::Coordinator, Role::Admin];

    /// The value stored in the database and used in forms.
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<Role> {
        code.trim().parse().ok()
    }

    pub fn label(self, t: &crate::i18n::Texts) -> &'static str {
        match self {
            Role::Employee => t.role_employee,
            Role::Coordinator => t.role_coordinator,
            Role::Admin => t.role_admin,
        }
    }
}

/// How people sign in here (for the sign-in page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOptions {
    /// The label of the single sign-on button; None without single sign-on.
    pub sso_label: Option<String>,
    /// Who may sign in with a password: "all", "admins" or "off".
    pub local: String,
}

/// The signed-in person, as pages need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Keeps the KI-Register (KI-Koordination).
    pub ai_coordinator: bool,
}

/// One org unit with its place in the tree (`path` is "Fachbereich 2 > Bürgerbüro").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    /// The external code (the HR system's key), if any.
    pub code: Option<String>,
    pub path: String,
    pub depth: usize,
    pub member_count: i64,
}

/// A row of the user list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub org_unit: Option<String>,
    pub has_password: bool,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl<T> Paged<T> {
    pub fn page_count(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page.max(1)).max(1)
    }
}

/// Everything the user edit page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserDetail {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub org_unit_id: Option<i64>,
    pub scope_unit_ids: Vec<i64>,
    pub has_password: bool,
    /// Keeps the KI-Register (KI-Koordination).
    pub ai_coordinator: bool,
    /// Extra time in timed tests: the share of the normal time in percent (100 = normal).
    pub time_percent: i64,
}

/// The time shares a coordinator may grant (Nachteilsausgleich), in percent.
pub const TIME_PERCENTS: [i64; 7] = [100, 125, 150, 175, 200, 250, 300];

/// A one-time link to set a password, shown once to the person who created it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordLink {
    pub user_id: i64,
    pub email: String,
    pub url: String,
    pub expires: Date,
    /// Sent to the person by e-mail (then the page says so instead of showing the link).
    pub mailed: bool,
}

/// Preview of an uploaded CSV import.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImportPreview {
    pub id: i64,
    pub file_name: String,
    pub committed: bool,
    /// Mail is on: the page offers to send the invitations now.
    pub mail_enabled: bool,
    /// The mapping step: each column of the file and what it is read as.
    pub columns: Vec<ImportColumn>,
    /// What a column can be read as: (code, label).
    pub fields: Vec<(String, String)>,
    /// Where unknown units are created: "" (nowhere), "oben" or a unit id.
    pub create_under: String,
    /// Whose missing people are deactivated: "" (nobody), "alle" or a unit id.
    pub sync: String,
    /// The importer may create top-level units and sync the whole administration.
    pub may_top_level: bool,
    /// The units in the importer's scope (id, path), for the two choices.
    pub units: Vec<(i64, String)>,
    /// New and changed people, by row.
    pub rows: Vec<ImportPreviewRow>,
    pub new_count: usize,
    pub update_count: usize,
    pub unchanged: usize,
    /// Units the import creates (paths as written in the file).
    pub new_units: Vec<String>,
    /// People the import deactivates.
    pub deactivate: Vec<ImportPreviewPerson>,
    /// Units the file names that do not exist, while no place to create them is chosen.
    pub unknown_units: Vec<String>,
    /// Human-readable problems ("Zeile 4, Spalte E-Mail: …"); empty when the file can be imported.
    pub errors: Vec<String>,
}

/// An uploaded org tree file: what it changes, or every problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreePreview {
    pub id: i64,
    pub file_name: String,
    pub committed: bool,
    pub rows: Vec<TreeRowView>,
    pub errors: Vec<String>,
}

/// One unit of a tree file: code, name, parent code and what happens to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeRowView {
    pub code: String,
    pub name: String,
    pub parent: String,
    pub change: String,
}

/// A column of an uploaded file: its header, the first row's value and its field code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportColumn {
    pub header: String,
    pub sample: String,
    pub field: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreviewRow {
    pub row: usize,
    pub name: String,
    pub email: String,
    pub personnel_no: String,
    pub org_unit: String,
    pub role: Role,
    /// What an update changes ("Name, Organisationseinheit"); empty for a new person.
    pub changes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreviewPerson {
    pub name: String,
    pub email: String,
    pub org_unit: String,
}

/// Badge level of a course (after the German swimming badges).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, IntoStaticStr, EnumString)]
#[strum(serialize_all = "lowercase")]
pub enum Level {
    Seepferdchen,
    Bronze,
    Silber,
    Gold,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Seepferdchen,
        Level::Bronze,
        Level::Silber,
        Level::Gold,
    ];

    /// The code used in course.toml and in certificates.
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<Level> {
        code.parse().ok()
    }

    pub fn label(self, t: &crate::i18n::Texts) -> &'static str {
        match self {
            Level::Seepferdchen => t.level_seepferdchen,
            Level::Bronze => t.level_bronze,
            Level::Silber => t.level_silber,
            Level::Gold => t.level_gold,
        }
    }
}

/// A course on "Meine Kurse".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseCard {
    pub slug: String,
    pub title: String,
    pub subtitle: String,
    pub level: Level,
    pub estimated_minutes: u32,
    pub modules_total: usize,
    pub modules_done: usize,
    /// The module to continue with (first one not completed), if any.
    pub resume_module: Option<String>,
    /// Set when the course is assigned to the person (directly or through their unit).
    pub assignment: Option<CardAssignment>,
}

/// Due date and state of an assigned course on "Meine Kurse".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardAssignment {
    pub due: Option<Date>,
    pub mandatory: bool,
    pub state: CourseState,
    /// How the newest completion took place, when it was a recorded training.
    pub recorded: Option<String>,
}

/// The course page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseView {
    pub card: CourseCard,
    pub audience: String,
    pub objectives: Vec<String>,
    pub version: String,
    pub stand: Date,
    pub modules: Vec<ModuleEntry>,
    /// Set while the person renews a certificate of this course.
    pub renewal: Option<RenewalInfo>,
    pub final_test: FinalTestInfo,
}

/// A certificate due for renewal: its last valid day, and how many modules changed since
/// they were read (those are read again before the final test).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenewalInfo {
    pub valid_until: Date,
    pub expired: bool,
    pub reread: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleEntry {
    pub id: String,
    pub title: String,
    pub minutes: u32,
    pub done: bool,
}

/// A module page (rendered, sanitised HTML).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleView {
    pub course_slug: String,
    pub course_title: String,
    pub id: String,
    pub title: String,
    pub minutes: u32,
    pub objectives: Vec<String>,
    pub html: String,
    pub position: usize,
    pub total: usize,
    pub done: bool,
    /// Whether the module is completed by passing a module check (else: marked as read).
    pub has_check: bool,
    pub prev: Option<ModuleEntry>,
    pub next: Option<ModuleEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuestionType {
    Single,
    Multiple,
    TrueFalse,
    Ordering,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizOption {
    pub id: String,
    pub text: String,
}

/// A question as a learner sees it. Before submission there is nothing about which answer is
/// right; `feedback` is filled only for a submitted attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizQuestion {
    pub id: String,
    pub kind: QuestionType,
    pub text: String,
    pub options: Vec<QuizOption>,
    pub chosen: Vec<String>,
    pub positions: Vec<(String, u32)>,
    pub feedback: Option<QuestionFeedback>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionFeedback {
    pub correct: bool,
    /// The explanation (module checks: always; final test: for wrong answers).
    pub explanation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptResult {
    pub points: i64,
    pub max_points: i64,
    pub passed: bool,
    pub time_exceeded: bool,
    pub course_completed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptView {
    pub id: i64,
    pub course_slug: String,
    pub course_title: String,
    pub is_final: bool,
    pub module_id: Option<String>,
    pub module_title: Option<String>,
    pub pass_mark_percent: u32,
    /// "HH:MM" German time until which answers are accepted (time-limited tests).
    pub deadline: Option<String>,
    /// Seconds until that deadline when the page was made (the countdown starts from here, so
    /// the browser's clock does not matter).
    pub seconds_left: Option<i64>,
    pub questions: Vec<QuizQuestion>,
    /// Numbers (from 1) of the questions left open when the form was last sent; nothing was
    /// graded, the answers given are shown again.
    pub open: Vec<usize>,
    pub result: Option<AttemptResult>,
    /// Where to go from here, once graded (no dead ends).
    pub next: Option<NextStep>,
}

/// The way on from a graded attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum NextStep {
    /// A passed module check: the next module (id, title, position from 1).
    Module {
        id: String,
        title: String,
        position: usize,
    },
    /// A passed check of the last module, every module done: the final test.
    FinalTest,
    /// A passed check of the last module with others still open: the course page.
    Course,
    /// A failed module check: read the module again, or try again.
    RetryCheck { module: String },
    /// A passed final test: its certificate (code), if one was issued.
    Certificate { code: Option<String> },
    /// A failed final test: the modules whose questions were missed (id, title), and when
    /// the next attempt may start ("27.11.2026, 14:05") if a waiting period applies.
    Revise {
        modules: Vec<(String, String)>,
        wait_until: Option<String>,
    },
}

/// A past final-test attempt, for the course page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptSummary {
    pub id: i64,
    pub date: Date,
    pub points: Option<i64>,
    pub max_points: i64,
    pub passed: Option<bool>,
}

/// The final test as the course page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinalTestInfo {
    pub question_count: u32,
    pub pass_mark_percent: u32,
    pub time_limit_minutes: Option<u32>,
    pub modules_complete: bool,
    pub completed: bool,
    /// When the next attempt may start, if a waiting period applies ("27.11.2026, 14:05").
    pub wait_until: Option<String>,
    pub attempts: Vec<AttemptSummary>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertStatus {
    Valid,
    /// Valid, but inside its course's re-enrolment window.
    Expiring,
    Expired,
    Revoked,
}

/// A certificate in "Meine Zertifikate" and the admin list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CertificateSummary {
    pub code: String,
    pub code_grouped: String,
    pub holder: String,
    pub course_title: String,
    pub completed_on: Date,
    pub valid_until: Date,
    pub status: CertStatus,
}

/// What the public verify page shows — and nothing else (no e-mail, no score).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyView {
    pub status: CertStatus,
    pub revoked_on: Option<Date>,
    pub holder: String,
    pub course_title: String,
    pub level: Level,
    pub completed_on: Date,
    pub valid_until: Date,
    pub issuer: String,
    pub code_grouped: String,
    /// The code as it appears in links (for the machine-readable check).
    pub code: String,
    /// What the course covered (its module titles), as signed.
    pub topics: Vec<String>,
    /// How a recorded training took place ("Präsenzschulung"), as signed.
    pub format: Option<String>,
}

/// Where a person stands in an assigned course (exclusive; the dashboard counts each pair once).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumString,
)]
pub enum CourseState {
    #[strum(serialize = "ueberfaellig")]
    Overdue,
    #[strum(serialize = "abgelaufen")]
    Expired,
    #[strum(serialize = "offen")]
    NotStarted,
    #[strum(serialize = "begonnen")]
    InProgress,
    #[strum(serialize = "laeuft-ab")]
    Expiring,
    #[strum(serialize = "erledigt")]
    Done,
}

impl CourseState {
    /// Worst first: the order of the dashboard columns and bars.
    pub const ALL: [CourseState; 6] = [
        CourseState::Done,
        CourseState::Expiring,
        CourseState::InProgress,
        CourseState::NotStarted,
        CourseState::Overdue,
        CourseState::Expired,
    ];

    /// The value used in URLs (filters) and CSS classes.
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<CourseState> {
        code.parse().ok()
    }

    pub fn label(self, t: &crate::i18n::Texts) -> &'static str {
        match self {
            CourseState::Done => t.state_done,
            CourseState::Expiring => t.state_expiring,
            CourseState::InProgress => t.state_in_progress,
            CourseState::NotStarted => t.state_not_started,
            CourseState::Overdue => t.state_overdue,
            CourseState::Expired => t.state_expired,
        }
    }

    /// Has a currently valid certificate.
    pub fn is_done(self) -> bool {
        matches!(self, CourseState::Done | CourseState::Expiring)
    }
}

/// The people filter's status value for "open and due within the next 7 days" (not a state of
/// its own: such a course is not started or begun).
pub const DUE_SOON_CODE: &str = "bald-faellig";

/// Number of (person, course) pairs in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateCounts {
    pub done: u32,
    pub expiring: u32,
    pub in_progress: u32,
    pub not_started: u32,
    pub overdue: u32,
    pub expired: u32,
}

impl StateCounts {
    pub fn get(&self, s: CourseState) -> u32 {
        match s {
            CourseState::Done => self.done,
            CourseState::Expiring => self.expiring,
            CourseState::InProgress => self.in_progress,
            CourseState::NotStarted => self.not_started,
            CourseState::Overdue => self.overdue,
            CourseState::Expired => self.expired,
        }
    }

    pub fn slot(&mut self, s: CourseState) -> &mut u32 {
        match s {
            CourseState::Done => &mut self.done,
            CourseState::Expiring => &mut self.expiring,
            CourseState::InProgress => &mut self.in_progress,
            CourseState::NotStarted => &mut self.not_started,
            CourseState::Overdue => &mut self.overdue,
            CourseState::Expired => &mut self.expired,
        }
    }

    pub fn add(&mut self, s: CourseState, n: u32) {
        *self.slot(s) += n;
    }

    pub fn merge(&mut self, other: &StateCounts) {
        for s in CourseState::ALL {
            self.add(s, other.get(s));
        }
    }

    pub fn total(&self) -> u32 {
        CourseState::ALL.iter().map(|&s| self.get(s)).sum()
    }

    /// The share of pairs done (a valid certificate, expiring or not), in whole percent,
    /// rounded down: 100 % only when everything is done. None without any pair.
    pub fn done_percent(&self) -> Option<u32> {
        let total = u64::from(self.total());
        (total > 0).then(|| (u64::from(self.done + self.expiring) * 100 / total) as u32)
    }
}

/// A course as filters and forms offer it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseOption {
    pub slug: String,
    pub title: String,
}

/// One org unit on the dashboard, figures including its sub-units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitStatus {
    pub id: i64,
    pub name: String,
    pub depth: usize,
    pub people: u32,
    pub counts: StateCounts,
    /// Sub-units (in the viewer's scope), and whether the page shows them.
    pub children: u32,
    pub unfolded: bool,
    /// "Fachbereich 2 > Bürgerbüro" (search results show where a unit sits).
    pub path: String,
}

/// A unit in the path above the chosen one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitLink {
    pub id: i64,
    pub name: String,
}

/// A page of units found by name or code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitSearch {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// Things that need attention soon.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminders {
    pub overdue: u32,
    pub due_soon: u32,
    pub expiring: u32,
}

/// The coordinator's Übersicht.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub units: Vec<UnitStatus>,
    /// The chosen unit's path from the top of the scope (empty without one).
    pub path: Vec<UnitLink>,
    /// Set when the rows are search results.
    pub search: Option<UnitSearch>,
    /// Set when the level shown (the top, or the chosen unit's sub-units) has more units than
    /// a page.
    pub level: Option<UnitSearch>,
    pub courses: Vec<CourseOption>,
    pub total: StateCounts,
    pub people: u32,
    pub reminders: Reminders,
    pub today: Date,
}

/// One person in the drill-down list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonStatus {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub unit: Option<String>,
    pub counts: StateCounts,
    /// The most urgent state among the person's assigned courses.
    pub worst: Option<CourseState>,
    pub next_due: Option<Date>,
}

/// One course of one person, as the learner and the coordinator see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonCourse {
    pub slug: String,
    pub title: String,
    pub assigned: bool,
    pub mandatory: bool,
    pub due: Option<Date>,
    pub state: CourseState,
    pub completed: Option<Date>,
    /// How the newest completion took place, when it was a recorded training ("Präsenzschulung").
    pub recorded: Option<String>,
    pub valid_until: Option<Date>,
    /// Best final-test result and number of final-test attempts: only when the installation
    /// allows coordinators to see scores (staff-council agreement), and always for oneself.
    pub score: Option<String>,
    pub attempts: Option<u32>,
}

/// An assignment in the list of the Zuweisungen page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignmentView {
    pub id: i64,
    pub course: CourseOption,
    /// Org unit path or person's name.
    pub target: String,
    pub is_unit: bool,
    pub due: Option<Date>,
    /// "Within N days" instead of a date.
    pub due_days: Option<i64>,
    pub mandatory: bool,
    pub created: Date,
}

/// A learner's reminder on the start page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnerReminder {
    pub slug: String,
    pub title: String,
    pub state: CourseState,
    pub due: Option<Date>,
    pub valid_until: Option<Date>,
}

/// The start page of a signed-in person: the next step first, then what else needs doing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartView {
    pub name: String,
    /// The course to continue or start (the most urgent assigned one first).
    pub next: Option<CourseCard>,
    pub reminders: Vec<LearnerReminder>,
    pub certificates: Vec<CertificateSummary>,
    /// Coordinators and admins: the first level of the units they look after.
    pub units: Option<Vec<UnitStatus>>,
    /// Admins: the installation's health.
    pub health: Option<Health>,
    /// Changes of the person's AI tools she must still read (or learn again).
    pub ki_updates: Vec<KiUpdateCard>,
}

/// A change of an AI tool a person must read and confirm, or learn again with its course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KiUpdateCard {
    pub id: i64,
    pub name: String,
    pub due: Date,
    /// (slug, title) of the course to take again, when the system asks for that instead of a
    /// confirmation.
    pub course: Option<(String, String)>,
}

/// One changed field: a value from before to now, or for a list of rules the rules added and
/// the rules dropped (a rule list read as before/after hides the one new line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KiChange {
    pub field: String,
    pub before: String,
    pub after: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// A change of an AI tool as the person reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KiUpdateView {
    pub id: i64,
    pub name: String,
    pub version: i64,
    pub changed_on: Date,
    pub due: Date,
    pub changes: Vec<KiChange>,
    /// The tool's current rules, as "KI bei uns" shows them (escaped HTML).
    pub rules_html: String,
    /// (slug, title) of the course to take again; None: read and confirm.
    pub course: Option<(String, String)>,
    /// She is up to date (confirmed, or learnt it again, or never learnt the old state).
    pub current: bool,
}

/// What an admin checks first: mail, the loaded content, since when the installation runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// None: mail is switched off.
    pub mail: Option<MailFigures>,
    /// (title, version, stand) of each published course.
    pub courses: Vec<(String, String, Date)>,
    pub installed_since: Date,
}

/// One entry of the audit log view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: String,
    /// The entry told as a sentence in the reader's language (filled by the server function).
    pub summary: String,
}

/// The kind of an audit entry, for entries that cannot be told as a sentence.
pub fn audit_label(t: &crate::i18n::Texts, action: &str) -> String {
    match action {
        "assignment.create" => t.audit_assignment_create.into(),
        "assignment.update" => t.audit_assignment_update.into(),
        "assignment.delete" => t.audit_assignment_delete.into(),
        "certificate.revoke" => t.audit_certificate_revoke.into(),
        "user.create" => t.audit_user_create.into(),
        "user.update" => t.audit_user_update.into(),
        "user.role_change" => t.audit_user_role_change.into(),
        "user.import" | "user.import.update" | "user.import.deactivate" => {
            t.audit_user_import.into()
        }
        "user.password_link" => t.audit_user_password_link.into(),
        "org_unit.create" | "org_unit.update" | "org_unit.delete" => t.audit_org_unit.into(),
        "export.status" | "export.evidence" => t.audit_export.into(),
        "demo.seed" => t.audit_demo_seed.into(),
        "user.delete" => t.audit_user_delete.into(),
        "privacy.export" => t.audit_privacy_export.into(),
        "barrier.done" | "barrier.reopen" => t.audit_barrier.into(),
        other => other.to_string(),
    }
}

/// A recorded training (classroom, webinar, external course) as the coordination pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: i64,
    pub course: String,
    /// The form's label ("Präsenzschulung").
    pub format: String,
    pub day: Date,
    pub trainer: String,
    pub note: String,
    pub people: i64,
    pub recorded_by: String,
    pub has_attendance: bool,
}

/// A participant of a recorded training, with the certificate it gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionPerson {
    pub name: String,
    pub email: String,
    pub unit: String,
    pub code: String,
    pub revoked: bool,
}

/// What the form for recording a training offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionForm {
    pub courses: Vec<CourseOption>,
    /// (code, label) of the forms of training.
    pub formats: Vec<(String, String)>,
    pub today: Date,
    pub sessions: Vec<SessionView>,
}

/// A report sent with the "Barriere melden" form, as admins see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BarrierReport {
    pub id: i64,
    pub created_at: i64,
    pub page: String,
    pub description: String,
    pub contact: String,
    pub done_at: Option<i64>,
}

/// One of the built-in information pages (Impressum, Datenschutz, …), rendered from the
/// installation's Markdown file. `lang` is the language of the text, which may differ from the
/// UI language when the installation ships only a German text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SitePage {
    pub title: String,
    pub html: String,
    pub lang: String,
}

/// A person's mail settings on "Mein Konto".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSettingsView {
    /// "de" or "en".
    pub locale: String,
    pub reminders: bool,
    pub digest: bool,
    /// Coordinators can have the weekly digest.
    pub coordinator: bool,
}

/// The admin's view of the mail outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailFigures {
    /// Queued or being sent.
    pub waiting: i64,
    /// Sent in the last 7 days.
    pub sent: i64,
    /// Given up in the last 7 days.
    pub failed: i64,
    pub problems: Vec<MailProblem>,
}

/// A mail that failed for good or waits for a retry after an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailProblem {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    /// Given up (a retry button) rather than waiting for the next attempt.
    pub failed: bool,
    pub attempts: i64,
    pub error: String,
    pub created_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn done_percent_rounds_down_and_needs_pairs() {
        let mut c = StateCounts::default();
        assert_eq!(c.done_percent(), None);
        c.add(CourseState::Done, 199);
        c.add(CourseState::Overdue, 1);
        assert_eq!(c.done_percent(), Some(99), "not 100 % while one is open");
        c.add(CourseState::Expiring, 50);
        c.add(CourseState::Expired, 50);
        assert_eq!(c.done_percent(), Some(83));
    }
}

/// A system in the KI-Register list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AiSystemRow {
    pub id: i64,
    pub name: String,
    pub provider: String,
    pub status: String,
    pub class: String,
    pub units: String,
    pub course: String,
    pub published: bool,
    /// People in the using units who must take the course, and how many have done it.
    pub users: i64,
    pub trained: i64,
}

/// The KI-Register as its readers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterList {
    pub systems: Vec<AiSystemRow>,
    pub can_edit: bool,
}

/// A system's fields as the form shows them (codes, ISO dates).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AiSystemValues {
    pub name: String,
    pub provider: String,
    pub product: String,
    pub purpose: String,
    pub status: String,
    pub role: String,
    pub responsible: String,
    pub contact: String,
    pub approved_uses: String,
    pub prohibited_uses: String,
    pub data_classes: Vec<String>,
    pub instruction_url: String,
    pub manual_url: String,
    pub introduced: String,
    pub reviewed: String,
    pub units: Vec<i64>,
    pub course: String,
    pub oversight_course: String,
    pub oversight: String,
    /// How people keep the system under control, for the public register.
    pub public_oversight: String,
    pub published: bool,
    pub answers: crate::register::Answers,
    /// "delta" or "kurs": what people do when the model, class or rules change.
    pub update_mode: String,
    pub eu_database_url: String,
    pub fria_summary: String,
    pub dpia_summary: String,
}

/// The form for a new or changed system: its values and the choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AiSystemForm {
    pub id: Option<i64>,
    pub version: i64,
    pub values: AiSystemValues,
    pub units: Vec<OrgUnit>,
    pub courses: Vec<CourseOption>,
    /// The values come back from a submission that was refused (kept so nothing is lost).
    pub restored: bool,
}

/// One duty of a system with its recorded state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DutyView {
    pub code: String,
    pub article: String,
    pub label: String,
    pub status: String,
    pub day: String,
    pub responsible: String,
    pub evidence: String,
}

/// One version in a system's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub version: i64,
    pub at: String,
    pub actor: String,
    /// (field label, before, after)
    pub changes: Vec<(String, String, String)>,
}

/// One system with its classification, duties and history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AiSystemDetail {
    pub id: i64,
    pub version: i64,
    pub values: AiSystemValues,
    pub status: String,
    pub role: String,
    pub class_code: String,
    pub class: String,
    pub articles: Vec<String>,
    pub reasons: Vec<String>,
    pub units: Vec<String>,
    pub data_classes: Vec<String>,
    pub course: String,
    pub oversight_course: String,
    pub duties: Vec<DutyView>,
    pub history: Vec<HistoryEntry>,
    pub can_edit: bool,
    pub users: i64,
    pub trained: i64,
    /// The content's dated snippet (when which duties apply), as HTML.
    pub deadlines_html: String,
    /// The last change its users had to hear about, and how far it reached.
    pub update: Option<UpdateReach>,
}

/// What the EU database asks a public-authority deployer of a high-risk system (Annex VIII
/// Section C), from the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuSheet {
    pub id: i64,
    pub name: String,
    /// High-risk and registered in the EU database by the deployer.
    pub applies: bool,
    /// High-risk under Annex III point 2: registered at national level instead.
    pub national: bool,
    pub deployer: String,
    pub deployer_contact: String,
    pub responsible: String,
    pub contact: String,
    pub provider: String,
    pub product: String,
    pub purpose: String,
    pub use_case: String,
    pub provider_entry: String,
    pub fria: String,
    pub dpia: String,
    /// The state of the registration duty.
    pub registration: String,
    /// Labels of what is still missing.
    pub missing: Vec<String>,
}

/// The last change people had to hear about: when, what, and who knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateReach {
    pub on: Date,
    pub mode: String,
    pub fields: Vec<String>,
    /// People of the using units who learnt the system, and how many know the change.
    pub people: i64,
    pub current: i64,
}

/// A published system on the public transparency register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicAiSystem {
    pub name: String,
    pub provider: String,
    pub purpose: String,
    pub status: String,
    pub office: String,
    pub class_code: String,
    pub class: String,
    pub oversight: String,
    pub contact: String,
    pub reviewed: String,
}
