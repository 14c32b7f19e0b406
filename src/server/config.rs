//! Settings: command-line flags or environment variables (and `.env`), validated before anything
//! binds. Each invalid value yields one line naming the setting.
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "seepferdchen",
    version,
    about = "KI-Seepferdchen – Lernplattform für KI-Kompetenz in der Verwaltung",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web server (the default).
    Serve,
    /// Administration tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Demo data (for `make run` and tests only).
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Course content.
    #[command(subcommand)]
    Content(ContentCommand),
    /// Copy a running SQLite installation's database into FILE (consistent, online).
    Backup {
        #[arg(long)]
        to: String,
    },
    /// Put a backup made by `backup` in place of the (stopped) installation's SQLite database.
    Restore {
        #[arg(long)]
        from: String,
        /// Replace an existing database file.
        #[arg(long)]
        force: bool,
    },
    /// The certificate signing keys: without them no issued certificate can be verified.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Check the database's derived data against its sources (course status from progress,
    /// completions and certificates); exits 1 and lists the differences if any.
    Check,
    /// E-mail: the reminder run and the outbox.
    #[command(subcommand)]
    Mail(MailCommand),
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Queue today's reminders and the weekly digests (the server does this every hour by
    /// itself; for cron). Repeating it sends nothing twice.
    Reminders,
    /// Deliver every mail that is due now and print how many and how fast.
    Deliver,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Write every signing key (secret included) to FILE, readable by the owner only.
    Export {
        #[arg(long)]
        to: String,
    },
    /// Add the signing keys of FILE (from `keys export`) that the installation does not have.
    Import {
        #[arg(long)]
        from: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ContentCommand {
    /// Validate CONTENT_DIR and print counts (courses, modules, questions, words).
    Check,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create the first admin of a new installation and print a one-time link to set the password.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Fill an empty installation with a demo organisation and print the demo logins.
    Seed,
    /// Fill an empty database with benchmark data: people in org units with assigned courses
    /// and progress (for `make bench`; nobody can sign in).
    Bench {
        #[arg(long, default_value_t = 10_000)]
        people: usize,
        #[arg(long, default_value_t = 50)]
        units: usize,
        #[arg(long, default_value_t = 20)]
        courses: usize,
    },
}

/// Every setting, as read from flags or the environment. Validated by [`Settings::validate`].
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database: sqlite://path/to/file.db or postgres://user@host/db
    #[arg(
        long,
        env = "DATABASE_URL",
        global = true,
        default_value = "sqlite://data/seepferdchen.db"
    )]
    pub database_url: String,
    /// Address and port the web server listens on.
    #[arg(
        long,
        env = "BIND_ADDR",
        global = true,
        default_value = "127.0.0.1:3000"
    )]
    pub bind_addr: String,
    /// Public URL of this installation (used in links and certificate QR codes);
    /// default: http://BIND_ADDR
    #[arg(long, env = "PUBLIC_BASE_URL", global = true)]
    pub public_base_url: Option<String>,
    /// Folder with the course content.
    #[arg(long, env = "CONTENT_DIR", global = true, default_value = "content")]
    pub content_dir: String,
    /// Folder with the built site (wasm, JavaScript, CSS, public files).
    #[arg(long, env = "SITE_ROOT", global = true, default_value = "target/site")]
    pub site_root: String,
    /// Send cookies only over HTTPS (true behind TLS in production).
    #[arg(long, env = "COOKIE_SECURE", global = true, default_value = "false")]
    pub cookie_secure: String,
    /// Name of the organisation shown in the page header and on certificates.
    #[arg(long, env = "ORG_NAME", global = true, default_value = "Musterstadt")]
    pub org_name: String,
    /// Contact address printed on the built-in pages (accessibility statement, privacy notice).
    #[arg(
        long,
        env = "CONTACT_EMAIL",
        global = true,
        default_value = "kontakt@musterstadt.example"
    )]
    pub contact_email: String,
    /// Minutes of inactivity after which a session ends.
    #[arg(
        long,
        env = "SESSION_IDLE_MINUTES",
        global = true,
        default_value = "60"
    )]
    pub session_idle_minutes: String,
    /// Hours after sign-in at which a session ends regardless of activity.
    #[arg(long, env = "SESSION_MAX_HOURS", global = true, default_value = "12")]
    pub session_max_hours: String,
    /// Hours to wait before a new final-test attempt after three failed ones.
    #[arg(
        long,
        env = "FINAL_TEST_WAIT_HOURS",
        global = true,
        default_value = "24"
    )]
    pub final_test_wait_hours: String,
    /// Optional logo of the organisation (PNG or SVG, at most 512 KB): in the page header and on
    /// certificates, with ORG_NAME as its text alternative.
    #[arg(long, env = "ORG_LOGO", global = true)]
    pub org_logo: Option<String>,
    /// Optional accent colour of the organisation as #rrggbb (links, buttons, header). Refused
    /// if text in it would miss WCAG contrast (4.5:1) on the light backgrounds it is used on.
    #[arg(long, env = "ORG_COLOR", global = true)]
    pub org_color: Option<String>,
    /// Whether coordinators and admins see final-test scores and attempt counts of others. Off by
    /// default: monitoring individual performance needs a staff-council agreement
    /// (Dienstvereinbarung).
    #[arg(long, env = "SHOW_SCORES", global = true, default_value = "false")]
    pub show_scores: String,
    /// For end-to-end tests only: a file holding a number of seconds added to the system clock
    /// (read at every use). Never set this in production.
    #[arg(long, env = "TEST_CLOCK_FILE", global = true)]
    pub test_clock_file: Option<String>,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers are believed: addresses or
    /// CIDR ranges, comma-separated (for example `127.0.0.1,10.1.0.0/16`). Empty: the TCP peer
    /// is the client, and forwarding headers are ignored.
    #[arg(long, env = "TRUSTED_PROXIES", global = true, default_value = "")]
    pub trusted_proxies: String,
    /// `/metrics` in Prometheus text format: off or on (protect it at the reverse proxy).
    #[arg(long, env = "METRICS", global = true, default_value = "off")]
    pub metrics: String,
    /// Outgoing mail server: smtp://host:25, smtp://user:pass@host:587?tls=starttls or
    /// smtps://user:pass@host:465. Without it (and without MAIL_MODE=file) no mail is sent and
    /// password links are shown on screen to hand over.
    #[arg(long, env = "SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// Sender of every mail: an address, optionally with a display name
    /// ("KI-Seepferdchen <noreply@example.org>").
    #[arg(long, env = "MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// Optional Reply-To address (for example the training coordination's mailbox).
    #[arg(long, env = "MAIL_REPLY_TO", global = true)]
    pub mail_reply_to: Option<String>,
    /// How mail leaves: smtp (needs SMTP_URL), file (each mail an .eml file in MAIL_DIR, for
    /// development and the demo) or off. Default: smtp when SMTP_URL is set, otherwise off.
    #[arg(long, env = "MAIL_MODE", global = true)]
    pub mail_mode: Option<String>,
    /// Folder for MAIL_MODE=file.
    #[arg(long, env = "MAIL_DIR", global = true, default_value = "data/mail")]
    pub mail_dir: String,
    /// Whether the server runs the reminders itself every hour (true), or leaves them to
    /// `seepferdchen mail reminders` from cron (false).
    #[arg(long, env = "MAIL_REMINDERS", global = true, default_value = "true")]
    pub mail_reminders: String,
    /// Single sign-on: the OpenID Connect issuer (Keycloak: https://host/realms/NAME, Entra ID:
    /// https://login.microsoftonline.com/TENANT/v2.0). Without it there is no SSO.
    #[arg(long, env = "OIDC_ISSUER", global = true)]
    pub oidc_issuer: Option<String>,
    /// The client id registered at the identity provider.
    #[arg(long, env = "OIDC_CLIENT_ID", global = true)]
    pub oidc_client_id: Option<String>,
    /// The client secret (confidential clients; PKCE is used in any case).
    #[arg(
        long,
        env = "OIDC_CLIENT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub oidc_client_secret: Option<String>,
    /// Scopes asked for, separated by spaces.
    #[arg(
        long,
        env = "OIDC_SCOPES",
        global = true,
        default_value = "openid email profile"
    )]
    pub oidc_scopes: String,
    /// The label of the sign-in button.
    #[arg(
        long,
        env = "OIDC_BUTTON_LABEL",
        global = true,
        default_value = "Mit Dienstkonto anmelden"
    )]
    pub oidc_button_label: String,
    /// The ID-token claim with the e-mail address (Entra ID without the optional `email` claim:
    /// `preferred_username`).
    #[arg(long, env = "OIDC_EMAIL_CLAIM", global = true, default_value = "email")]
    pub oidc_email_claim: String,
    /// The ID-token claim with the display name.
    #[arg(long, env = "OIDC_NAME_CLAIM", global = true, default_value = "name")]
    pub oidc_name_claim: String,
    /// Optional: the ID-token claim naming the person's org unit (by code, name or path), for
    /// example `department`. The unit is then updated at every sign-in.
    #[arg(long, env = "OIDC_UNIT_CLAIM", global = true)]
    pub oidc_unit_claim: Option<String>,
    /// `existing`: only people already in the platform may sign in; `create`: new people are
    /// created (as employees) in the unit of the unit claim or OIDC_DEFAULT_UNIT.
    #[arg(
        long,
        env = "OIDC_PROVISIONING",
        global = true,
        default_value = "existing"
    )]
    pub oidc_provisioning: String,
    /// With OIDC_PROVISIONING=create: the org unit (code, name or path) for new people whose
    /// unit claim names no known unit.
    #[arg(long, env = "OIDC_DEFAULT_UNIT", global = true)]
    pub oidc_default_unit: Option<String>,
    /// Who may still sign in with a password: all, admins or off. Default: all without SSO,
    /// admins with SSO (so a broken identity provider never locks everyone out).
    #[arg(long, env = "LOCAL_LOGIN", global = true)]
    pub local_login: Option<String>,
    /// Log level or filter (error, warn, info, debug, trace, or a tracing filter).
    #[arg(long, env = "LOG_LEVEL", global = true, default_value = "info")]
    pub log_level: String,
    /// Log format: text or json.
    #[arg(long, env = "LOG_FORMAT", global = true, default_value = "text")]
    pub log_format: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The organisation's logo, read once at start.
#[derive(Clone)]
pub struct Logo {
    pub bytes: std::sync::Arc<[u8]>,
    pub svg: bool,
    /// Changes with the file, for the logo's URL (cached for a year).
    pub version: String,
}

impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Logo({} bytes, svg: {})", self.bytes.len(), self.svg)
    }
}

impl Logo {
    pub fn url(&self) -> String {
        let ext = if self.svg { "svg" } else { "png" };
        format!("/logo.{ext}?v={}", self.version)
    }
}

/// The organisation's accent colour and the darker shade used for the header and hover states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub primary: [u8; 3],
    pub dark: [u8; 3],
}

/// The light backgrounds an accent-coloured link or text sits on (page, surface, the callout boxes,
/// notices, reminders, status badges); the colour must keep 4.5:1 on every one of them.
const LIGHT_BACKGROUNDS: [[u8; 3]; 12] = [
    [0xff, 0xff, 0xff],
    [0xf3, 0xf6, 0xfa],
    [0xf7, 0xf8, 0xfb],
    [0xea, 0xf2, 0xfb],
    [0xe5, 0xef, 0xfa],
    [0xe6, 0xf4, 0xf1],
    [0xe6, 0xf4, 0xea],
    [0xe8, 0xf5, 0xec],
    [0xfd, 0xec, 0xec],
    [0xfd, 0xea, 0xea],
    [0xff, 0xf4, 0xe0],
    [0xff, 0xf4, 0xd6],
];

impl Theme {
    pub fn css(&self) -> String {
        format!(
            ":root {{ --color-primary: {}; --color-primary-dark: {}; }}\n",
            hex(self.primary),
            hex(self.dark)
        )
    }

    pub fn version(&self) -> String {
        hex(self.primary).trim_start_matches('#').to_string()
    }
}

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// WCAG 2.1 relative luminance of an sRGB colour.
fn luminance(c: [u8; 3]) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])
}

/// WCAG 2.1 contrast ratio of two colours (1 to 21).
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn parse_color(value: &str) -> Result<Theme, SettingError> {
    let digits = value.trim().trim_start_matches('#');
    let valid = digits.len() == 6 && digits.chars().all(|c| c.is_ascii_hexdigit());
    let channel = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).unwrap_or(0);
    if !valid {
        return Err(invalid(
            "ORG_COLOR",
            format!("expected a colour as #rrggbb, got {value:?}"),
        ));
    }
    let primary = [channel(0), channel(2), channel(4)];
    let ratio = LIGHT_BACKGROUNDS
        .iter()
        .map(|bg| contrast(primary, *bg))
        .fold(f64::INFINITY, f64::min);
    if ratio < 4.5 {
        return Err(invalid(
            "ORG_COLOR",
            format!(
                "{} has a contrast of {ratio:.1}:1 on light backgrounds; links and buttons need at least 4.5:1 (WCAG 1.4.3): choose a darker shade",
                hex(primary)
            ),
        ));
    }
    // A quarter darker: hover states and the header band.
    let dark = primary.map(|v| (f64::from(v) * 0.72).round() as u8);
    Ok(Theme { primary, dark })
}

fn read_logo(path: &str) -> Result<Logo, SettingError> {
    let bytes = std::fs::read(path)
        .map_err(|e| invalid("ORG_LOGO", format!("cannot read {path:?}: {e}")))?;
    if bytes.len() > 512 * 1024 {
        return Err(invalid(
            "ORG_LOGO",
            format!("{path:?} is larger than 512 KB"),
        ));
    }
    let png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
    let svg = !png
        && std::str::from_utf8(&bytes).is_ok_and(|text| {
            let head = text.trim_start_matches('\u{feff}').trim_start();
            (head.starts_with("<?xml") || head.starts_with("<svg") || head.starts_with("<!--"))
                && text.contains("<svg")
        });
    if !png && !svg {
        return Err(invalid(
            "ORG_LOGO",
            format!("{path:?} is neither a PNG nor an SVG file"),
        ));
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(&bytes);
    let version = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    Ok(Logo {
        bytes: bytes.into(),
        svg,
        version,
    })
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind_addr: SocketAddr,
    pub public_base_url: String,
    pub content_dir: PathBuf,
    pub site_root: PathBuf,
    pub cookie_secure: bool,
    pub org_name: String,
    pub contact_email: String,
    pub log_level: String,
    pub log_format: LogFormat,
    pub session_idle_seconds: i64,
    pub session_max_seconds: i64,
    pub final_test_wait_seconds: i64,
    pub org_logo: Option<Logo>,
    pub org_color: Option<Theme>,
    pub show_scores: bool,
    pub test_clock_file: Option<PathBuf>,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub metrics: bool,
    pub mail: MailConfig,
    pub sso: Option<SsoConfig>,
    pub local_login: LocalLogin,
}

/// Who may sign in with a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalLogin {
    All,
    Admins,
    Off,
}

impl LocalLogin {
    /// Whether a person of this role may sign in with a password.
    pub fn allows(self, role: crate::model::Role) -> bool {
        match self {
            LocalLogin::All => true,
            LocalLogin::Admins => role == crate::model::Role::Admin,
            LocalLogin::Off => false,
        }
    }
}

/// Whether single sign-on may create people it does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provisioning {
    Existing,
    Create,
}

/// Single sign-on with an OpenID Connect provider.
#[derive(Clone, PartialEq, Eq)]
pub struct SsoConfig {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub scopes: Vec<String>,
    pub button_label: String,
    pub email_claim: String,
    pub name_claim: String,
    pub unit_claim: Option<String>,
    pub provisioning: Provisioning,
    pub default_unit: Option<String>,
}

impl std::fmt::Debug for SsoConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("scopes", &self.scopes)
            .field("provisioning", &self.provisioning)
            .finish_non_exhaustive()
    }
}

fn parse_sso(s: &Settings) -> Result<(Option<SsoConfig>, LocalLogin), SettingError> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let issuer = given(&s.oidc_issuer);
    let local = match given(&s.local_login).as_deref() {
        None if issuer.is_some() => LocalLogin::Admins,
        None | Some("all") => LocalLogin::All,
        Some("admins") => LocalLogin::Admins,
        Some("off") => LocalLogin::Off,
        Some(other) => {
            return Err(invalid(
                "LOCAL_LOGIN",
                format!("expected all, admins or off, got {other:?}"),
            ))
        }
    };
    let Some(issuer) = issuer else {
        if local != LocalLogin::All {
            return Err(invalid(
                "LOCAL_LOGIN",
                "admins and off need single sign-on (OIDC_ISSUER), or nobody but admins could sign in",
            ));
        }
        for (name, value) in [
            ("OIDC_CLIENT_ID", &s.oidc_client_id),
            ("OIDC_CLIENT_SECRET", &s.oidc_client_secret),
            ("OIDC_UNIT_CLAIM", &s.oidc_unit_claim),
            ("OIDC_DEFAULT_UNIT", &s.oidc_default_unit),
        ] {
            if given(value).is_some() {
                return Err(invalid(name, "is set, but OIDC_ISSUER is not"));
            }
        }
        return Ok((None, local));
    };
    let url = url::Url::parse(&issuer)
        .map_err(|e| invalid("OIDC_ISSUER", format!("not a URL: {e} ({issuer:?})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid("OIDC_ISSUER", "must start with https://"));
    }
    let client_id = given(&s.oidc_client_id)
        .ok_or_else(|| invalid("OIDC_CLIENT_ID", "OIDC_ISSUER needs it"))?;
    let scopes: Vec<String> = s
        .oidc_scopes
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if !scopes.iter().any(|x| x == "openid") {
        return Err(invalid("OIDC_SCOPES", "must contain openid"));
    }
    let claim = |name: &'static str, v: &str| {
        let v = v.trim();
        if v.is_empty() || v.chars().any(char::is_whitespace) {
            Err(invalid(name, format!("expected a claim name, got {v:?}")))
        } else {
            Ok(v.to_string())
        }
    };
    let provisioning = match s.oidc_provisioning.trim() {
        "existing" => Provisioning::Existing,
        "create" => Provisioning::Create,
        other => {
            return Err(invalid(
                "OIDC_PROVISIONING",
                format!("expected existing or create, got {other:?}"),
            ))
        }
    };
    let unit_claim = given(&s.oidc_unit_claim)
        .map(|c| claim("OIDC_UNIT_CLAIM", &c))
        .transpose()?;
    let default_unit = given(&s.oidc_default_unit);
    if default_unit.is_some() && provisioning != Provisioning::Create {
        return Err(invalid(
            "OIDC_DEFAULT_UNIT",
            "only used with OIDC_PROVISIONING=create",
        ));
    }
    let button_label = s.oidc_button_label.trim();
    if button_label.is_empty() {
        return Err(invalid("OIDC_BUTTON_LABEL", "must not be empty"));
    }
    Ok((
        Some(SsoConfig {
            issuer,
            client_id,
            client_secret: given(&s.oidc_client_secret),
            scopes,
            button_label: button_label.to_string(),
            email_claim: claim("OIDC_EMAIL_CLAIM", &s.oidc_email_claim)?,
            name_claim: claim("OIDC_NAME_CLAIM", &s.oidc_name_claim)?,
            unit_claim,
            provisioning,
            default_unit,
        }),
        local,
    ))
}

/// How mail leaves the installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailMode {
    /// No mail: links are shown on screen.
    Off,
    /// lettre's URL form of SMTP_URL (`tls=starttls` written as lettre's `tls=required`).
    Smtp(String),
    /// Each mail written as an .eml file into this folder.
    File(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    pub mode: MailMode,
    /// RFC 5322 mailbox ("Name <address>").
    pub from: String,
    pub reply_to: Option<String>,
    /// The in-server reminder timer (MAIL_REMINDERS).
    pub reminders: bool,
}

impl MailConfig {
    pub fn enabled(&self) -> bool {
        self.mode != MailMode::Off
    }
}

fn parse_mail(s: &Settings, org_name: &str) -> Result<MailConfig, SettingError> {
    let trimmed = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let smtp_url = trimmed(&s.smtp_url);
    let mode = match (trimmed(&s.mail_mode).as_deref(), &smtp_url) {
        (Some("off"), _) => MailMode::Off,
        (Some("file"), _) => MailMode::File(PathBuf::from(s.mail_dir.trim())),
        (Some("smtp") | None, Some(url)) => MailMode::Smtp(smtp_url_for_lettre(url)?),
        (None, None) => MailMode::Off,
        (Some("smtp"), None) => return Err(invalid("SMTP_URL", "MAIL_MODE=smtp needs SMTP_URL")),
        (Some(other), _) => {
            return Err(invalid(
                "MAIL_MODE",
                format!("{other:?} is not smtp, file or off"),
            ))
        }
    };
    let from = trimmed(&s.mail_from).unwrap_or_else(|| {
        // Development and demo (file mode): a display name with the organisation's name.
        let address = lettre::Address::new("noreply", "localhost");
        address
            .map(|a| lettre::message::Mailbox::new(Some(format!("KI-Seepferdchen {org_name}")), a))
            .map(|m| m.to_string())
            .unwrap_or_else(|_| "noreply@localhost".into())
    });
    let mailbox = |name: &'static str, v: &str| {
        v.parse::<lettre::message::Mailbox>()
            .map(|m| m.to_string())
            .map_err(|e| invalid(name, format!("{v:?} is not an e-mail address: {e}")))
    };
    if matches!(mode, MailMode::Smtp(_)) && trimmed(&s.mail_from).is_none() {
        return Err(invalid(
            "MAIL_FROM",
            "sending by SMTP needs a sender address",
        ));
    }
    Ok(MailConfig {
        mode,
        from: mailbox("MAIL_FROM", &from)?,
        reply_to: trimmed(&s.mail_reply_to)
            .map(|r| mailbox("MAIL_REPLY_TO", &r))
            .transpose()?,
        reminders: parse_bool("MAIL_REMINDERS", &s.mail_reminders)?,
    })
}

/// Checks SMTP_URL and writes it the way lettre reads it.
fn smtp_url_for_lettre(url: &str) -> Result<String, SettingError> {
    let mut parsed =
        url::Url::parse(url).map_err(|e| invalid("SMTP_URL", format!("not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "smtp" | "smtps") || parsed.host_str().is_none() {
        return Err(invalid(
            "SMTP_URL",
            "expected smtp://host:port or smtps://host:port",
        ));
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| match (k.as_ref(), v.as_ref()) {
            ("tls", "starttls") => (k.into_owned(), "required".to_string()),
            _ => (k.into_owned(), v.into_owned()),
        })
        .collect();
    if pairs
        .iter()
        .any(|(k, v)| k != "tls" || !matches!(v.as_str(), "required" | "opportunistic" | "none"))
    {
        return Err(invalid(
            "SMTP_URL",
            "the only option is tls=starttls, tls=opportunistic or tls=none",
        ));
    }
    parsed.set_query(None);
    for (k, v) in &pairs {
        parsed.query_pairs_mut().append_pair(k, v);
    }
    let text = parsed.to_string();
    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(&text)
        .map_err(|e| invalid("SMTP_URL", e.to_string()))?;
    Ok(text)
}

/// An invalid setting: which one, and why. Displayed as one line.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid setting {name}: {reason}")]
pub struct SettingError {
    pub name: &'static str,
    pub reason: String,
}

fn invalid(name: &'static str, reason: impl Into<String>) -> SettingError {
    SettingError {
        name,
        reason: reason.into(),
    }
}

fn parse_positive(name: &'static str, value: &str, max: i64) -> Result<i64, SettingError> {
    match value.trim().parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(invalid(
            name,
            format!("expected a whole number from 1 to {max}, got {value:?}"),
        )),
    }
}

/// Comma-separated addresses or CIDR ranges; a plain address is a range of one.
pub fn parse_networks(name: &'static str, value: &str) -> Result<Vec<ipnet::IpNet>, SettingError> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map(|net| net.trunc())
                .map_err(|_| {
                    invalid(
                        name,
                        format!(
                            "expected addresses or CIDR ranges such as 10.0.0.0/8, got {item:?}"
                        ),
                    )
                })
        })
        .collect()
}

pub fn parse_bool(name: &'static str, value: &str) -> Result<bool, SettingError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        other => Err(invalid(
            name,
            format!("expected true or false, got {other:?}"),
        )),
    }
}

impl Settings {
    pub fn validate(&self) -> Result<Config, SettingError> {
        crate::server::db::Backend::from_url(&self.database_url)
            .map_err(|reason| invalid("DATABASE_URL", reason))?;
        let bind_addr: SocketAddr = self.bind_addr.trim().parse().map_err(|_| {
            invalid(
                "BIND_ADDR",
                format!(
                    "expected host:port such as 127.0.0.1:3000, got {:?}",
                    self.bind_addr
                ),
            )
        })?;
        let public_base_url = match &self.public_base_url {
            Some(u) if !u.trim().is_empty() => {
                let parsed = url::Url::parse(u.trim())
                    .map_err(|e| invalid("PUBLIC_BASE_URL", format!("{e} ({u:?})")))?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err(invalid(
                        "PUBLIC_BASE_URL",
                        "must start with http:// or https://",
                    ));
                }
                u.trim().trim_end_matches('/').to_string()
            }
            _ => format!("http://{bind_addr}"),
        };
        let cookie_secure = parse_bool("COOKIE_SECURE", &self.cookie_secure)?;
        let log_format = match self.log_format.trim().to_ascii_lowercase().as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(invalid(
                    "LOG_FORMAT",
                    format!("expected text or json, got {other:?}"),
                ))
            }
        };
        tracing_subscriber::EnvFilter::try_new(self.log_level.trim())
            .map_err(|e| invalid("LOG_LEVEL", e.to_string()))?;
        if self.org_name.trim().is_empty() {
            return Err(invalid("ORG_NAME", "must not be empty"));
        }
        let session_idle_seconds =
            parse_positive("SESSION_IDLE_MINUTES", &self.session_idle_minutes, 24 * 60)? * 60;
        let session_max_seconds =
            parse_positive("SESSION_MAX_HOURS", &self.session_max_hours, 24 * 30)? * 3600;
        let final_test_wait_seconds = parse_positive(
            "FINAL_TEST_WAIT_HOURS",
            &self.final_test_wait_hours,
            24 * 90,
        )? * 3600;
        let org_logo = match self.org_logo.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(path) => Some(read_logo(path)?),
        };
        let org_color = match self.org_color.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(value) => Some(parse_color(value)?),
        };
        let (sso, local_login) = parse_sso(self)?;
        Ok(Config {
            database_url: self.database_url.trim().to_string(),
            bind_addr,
            public_base_url,
            content_dir: PathBuf::from(&self.content_dir),
            site_root: PathBuf::from(&self.site_root),
            cookie_secure,
            org_name: self.org_name.trim().to_string(),
            contact_email: self.contact_email.trim().to_string(),
            log_level: self.log_level.trim().to_string(),
            log_format,
            session_idle_seconds,
            session_max_seconds,
            final_test_wait_seconds,
            org_logo,
            org_color,
            show_scores: parse_bool("SHOW_SCORES", &self.show_scores)?,
            test_clock_file: self
                .test_clock_file
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from),
            trusted_proxies: parse_networks("TRUSTED_PROXIES", &self.trusted_proxies)?,
            metrics: parse_bool("METRICS", &self.metrics)?,
            mail: parse_mail(self, self.org_name.trim())?,
            sso,
            local_login,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(args: &[&str]) -> Settings {
        let mut argv = vec!["seepferdchen"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).expect("parse").settings
    }

    #[test]
    fn defaults_are_valid() {
        let c = settings(&[]).validate().expect("defaults valid");
        assert_eq!(c.bind_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_base_url, "http://127.0.0.1:3000");
        assert!(!c.cookie_secure);
    }

    #[test]
    fn single_sign_on_settings_are_checked_together() {
        let sso = [
            "--oidc-issuer",
            "https://idp.example/realms/kreis",
            "--oidc-client-id",
            "lernen",
        ];
        let with = |extra: &[&str]| {
            let mut args = sso.to_vec();
            args.extend_from_slice(extra);
            settings(&args).validate()
        };
        // Without SSO everyone signs in with a password; with it, by default only admins do.
        assert_eq!(
            settings(&[]).validate().expect("valid").local_login,
            LocalLogin::All
        );
        let c = with(&[]).expect("valid");
        assert_eq!(c.local_login, LocalLogin::Admins);
        let s = c.sso.expect("sso");
        assert_eq!(s.scopes, ["openid", "email", "profile"]);
        assert_eq!(s.provisioning, Provisioning::Existing);
        assert_eq!(s.button_label, "Mit Dienstkonto anmelden");
        assert!(!format!("{s:?}").contains("geheim"));
        let c = with(&[
            "--local-login",
            "off",
            "--oidc-provisioning",
            "create",
            "--oidc-default-unit",
            "Amt 10",
            "--oidc-client-secret",
            "geheim",
        ])
        .expect("valid");
        assert_eq!(c.local_login, LocalLogin::Off);
        assert!(!format!("{c:?}").contains("geheim"));
        let bad: [(&[&str], &str); 7] = [
            (&["--local-login", "nie"], "LOCAL_LOGIN"),
            (&["--oidc-provisioning", "alle"], "OIDC_PROVISIONING"),
            (&["--oidc-scopes", "email profile"], "OIDC_SCOPES"),
            (&["--oidc-default-unit", "Amt 10"], "OIDC_DEFAULT_UNIT"),
            (&["--oidc-email-claim", " "], "OIDC_EMAIL_CLAIM"),
            (&["--oidc-unit-claim", "zwei worte"], "OIDC_UNIT_CLAIM"),
            (&["--oidc-button-label", " "], "OIDC_BUTTON_LABEL"),
        ];
        for (args, name) in bad {
            let err = with(args).expect_err(name);
            assert_eq!(err.name, name);
            assert!(!err.to_string().contains('\n'));
        }
        // Settings that only make sense with an issuer.
        for (args, name) in [
            (&["--local-login", "off"][..], "LOCAL_LOGIN"),
            (&["--local-login", "admins"][..], "LOCAL_LOGIN"),
            (&["--oidc-client-id", "lernen"][..], "OIDC_CLIENT_ID"),
        ] {
            assert_eq!(settings(args).validate().expect_err(name).name, name);
        }
        let no_url =
            settings(&["--oidc-issuer", "idp.example", "--oidc-client-id", "x"]).validate();
        assert_eq!(no_url.expect_err("issuer").name, "OIDC_ISSUER");
        let no_client = settings(&["--oidc-issuer", "https://idp.example"]).validate();
        assert_eq!(no_client.expect_err("client id").name, "OIDC_CLIENT_ID");
    }

    #[test]
    fn each_bad_setting_is_named() {
        let cases: [(&[&str], &str); 12] = [
            (&["--org-logo", "/gibt/es/nicht.png"], "ORG_LOGO"),
            (&["--org-logo", "Cargo.toml"], "ORG_LOGO"),
            (&["--org-color", "blau"], "ORG_COLOR"),
            (&["--org-color", "#7fb2e5"], "ORG_COLOR"),
            (&["--session-idle-minutes", "0"], "SESSION_IDLE_MINUTES"),
            (&["--session-max-hours", "zwölf"], "SESSION_MAX_HOURS"),
            (&["--database-url", "mysql://x"], "DATABASE_URL"),
            (&["--bind-addr", "localhost"], "BIND_ADDR"),
            (&["--public-base-url", "ftp://x"], "PUBLIC_BASE_URL"),
            (&["--cookie-secure", "vielleicht"], "COOKIE_SECURE"),
            (&["--log-format", "xml"], "LOG_FORMAT"),
            (&["--org-name", " "], "ORG_NAME"),
        ];
        for (args, name) in cases {
            let err = settings(args).validate().expect_err(name);
            assert_eq!(err.name, name);
            assert!(!err.to_string().contains('\n'));
        }
    }

    #[test]
    fn org_color_keeps_wcag_contrast() {
        assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
        let theme = parse_color("#0B5394").expect("the default blue is fine");
        assert_eq!(theme.primary, [0x0b, 0x53, 0x94]);
        assert!(theme.css().contains("--color-primary: #0b5394;"));
        assert!(contrast(theme.dark, [255, 255, 255]) > contrast(theme.primary, [255, 255, 255]));
        // 4.5:1 on white, but not on the tinted boxes: refused, with the lowest ratio named.
        assert!(contrast([0x76, 0x76, 0x76], [255, 255, 255]) >= 4.5);
        let err = parse_color("767676").expect_err("too light on the tinted boxes");
        assert!(err.to_string().contains("3.9:1"), "{err}");
        // Enough on the blue boxes, not on the overdue reminder's pink.
        assert!(contrast([0x2e, 0x7d, 0x32], [0xea, 0xf2, 0xfb]) >= 4.5);
        assert!(parse_color("#2e7d32").is_err());
        assert!(parse_color("#0b539").is_err());
    }

    #[test]
    fn org_logo_may_be_png_or_svg() {
        let dir = tempfile::tempdir().expect("temp dir");
        let svg = dir.path().join("logo.svg");
        std::fs::write(
            &svg,
            "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .expect("write");
        let c = settings(&["--org-logo", svg.to_str().expect("utf-8")])
            .validate()
            .expect("an SVG logo is fine");
        let logo = c.org_logo.expect("logo");
        assert!(logo.svg);
        assert!(logo.url().starts_with("/logo.svg?v="));
        let big = dir.path().join("big.png");
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.resize(600 * 1024, 0);
        std::fs::write(&big, bytes).expect("write");
        let err = settings(&["--org-logo", big.to_str().expect("utf-8")])
            .validate()
            .expect_err("too large");
        assert_eq!(err.name, "ORG_LOGO");
    }

    #[test]
    fn public_base_url_loses_trailing_slash() {
        let c = settings(&["--public-base-url", "https://lernen.example.de/"])
            .validate()
            .unwrap();
        assert_eq!(c.public_base_url, "https://lernen.example.de");
    }
}
