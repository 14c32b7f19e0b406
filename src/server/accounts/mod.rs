//! Account operations shared by server functions, plain routes and the CLI. Every multi-step
//! write is one transaction together with its audit-log entry.
pub mod bench;
pub mod csv_import;
pub mod demo;
pub mod import;
pub mod tree_import;

use std::collections::{HashMap, HashSet};

use super::auth::authz::{subtree, Actor};
use super::auth::password_policy::{check_password, PasswordProblem};
use super::auth::{random_token, token_hash};
use super::db::{self, audit, org_units::UnitRow};
use super::state::AppState;
use crate::error::{AppError, FieldError};
use crate::i18n::{Date, Locale, Texts};
use crate::model::{OrgUnit, PasswordLink, Role};

/// How long a one-time link to set a password stays valid.
pub const LINK_VALID_SECONDS: i64 = 7 * 24 * 3600;
/// How long a link asked for on the sign-in page ("Passwort vergessen?") stays valid.
pub const SELF_SERVICE_LINK_SECONDS: i64 = 2 * 3600;
/// Self-service password mails per address and hour.
pub const SELF_SERVICE_PER_HOUR: i64 = 3;

/// Whom a new password link is for, and whether it goes out by mail.
pub struct LinkFor<'a> {
    pub user_id: i64,
    pub email: &'a str,
    pub name: &'a str,
    pub kind: super::mail::LinkMail,
    pub valid_seconds: i64,
    /// Queue the mail (when mail is on); otherwise the link is only returned.
    pub mail: bool,
}

pub const PASSWORD_PATH: &str = "/passwort-festlegen";

/// The org units in tree order (each parent before its children, siblings by name), with paths.
pub fn tree(rows: &[UnitRow]) -> Vec<OrgUnit> {
    let mut children: HashMap<Option<i64>, Vec<&UnitRow>> = HashMap::new();
    for r in rows {
        children.entry(r.parent_id).or_default().push(r);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then(a.id.cmp(&b.id))
        });
    }
    let mut out = Vec::with_capacity(rows.len());
    let mut stack: Vec<(&UnitRow, usize, String)> = children
        .get(&None)
        .map(|roots| {
            roots
                .iter()
                .rev()
                .map(|r| (*r, 0, r.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut seen = HashSet::new();
    while let Some((r, depth, path)) = stack.pop() {
        if !seen.insert(r.id) {
            continue;
        }
        if let Some(kids) = children.get(&Some(r.id)) {
            for k in kids.iter().rev() {
                stack.push((k, depth + 1, format!("{path} > {}", k.name)));
            }
        }
        out.push(OrgUnit {
            id: r.id,
            parent_id: r.parent_id,
            name: r.name.clone(),
            code: r.code.clone(),
            path,
            depth,
            member_count: r.member_count,
        });
    }
    out
}

/// Lookup keys for org units as people write them in a CSV: the full path and, where unique,
/// every shorter tail of it down to the name ("Dezernat II / Amt 36" finds the Amt 36 that
/// sits under a Dezernat II, whatever lies above).
pub fn unit_keys(units: &[OrgUnit]) -> HashMap<String, i64> {
    let tails = |u: &OrgUnit| -> Vec<String> {
        let key = csv_import::unit_key(&u.path);
        let segments: Vec<&str> = key.split(" > ").collect();
        (1..segments.len())
            .map(|start| segments[start..].join(" > "))
            .collect()
    };
    let mut count: HashMap<String, usize> = HashMap::new();
    for u in units {
        for tail in tails(u) {
            *count.entry(tail).or_default() += 1;
        }
    }
    let mut map = HashMap::new();
    for u in units {
        map.insert(csv_import::unit_key(&u.path), u.id);
    }
    for u in units {
        for tail in tails(u) {
            if count.get(&tail) == Some(&1) {
                map.entry(tail).or_insert(u.id);
            }
        }
    }
    map
}

/// A person's or unit's name: trimmed, 1 to 200 characters.
pub fn valid_name(name: &str) -> Option<&str> {
    let name = name.trim();
    (!name.is_empty() && name.chars().count() <= 200).then_some(name)
}

/// An optional id from a form select ("" or missing = none); Err for anything else.
pub fn optional_id(value: Option<&str>) -> Result<Option<i64>, std::num::ParseIntError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some),
    }
}

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && email.len() <= 254
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
        && !email.chars().any(char::is_whitespace)
}

pub fn password_problem_message(t: &Texts, p: &PasswordProblem) -> String {
    match p {
        PasswordProblem::TooShort { min } => t.password_too_short(min),
        PasswordProblem::TooLong { max } => t.password_too_long(max),
        PasswordProblem::Common => t.password_common.into(),
        PasswordProblem::ContainsPersonalData => t.password_personal.into(),
        PasswordProblem::Trivial => t.password_trivial.into(),
    }
}

/// Checks e-mail and password. Unknown e-mail, wrong password and deactivated account give the
/// same error after the same work (one argon2 verification, against a dummy hash if needed);
/// throttled attempts are refused before any hashing and are not counted.
pub async fn authenticate(
    state: &AppState,
    email: &str,
    password: &str,
    ip: &str,
) -> Result<i64, AppError> {
    use super::auth::throttle;
    let email = normalize_email(email);
    let now = state.clock.now();
    let since = now - throttle::WINDOW_SECONDS;
    let Some(attempt) =
        db::login_attempts::reserve(&state.db, &email, ip, now, since, throttle::allowed).await?
    else {
        state.metrics.sign_ins_refused.inc();
        return Err(AppError::RateLimited);
    };
    let record = db::users::find_for_login(&state.db, &email).await?;
    let hash = record.as_ref().and_then(|r| r.password_hash.as_deref());
    let verified = state.hasher.verify(hash, password).await?;
    let Some(user) = record.filter(|r| verified && r.active) else {
        state.metrics.sign_in_failures.inc();
        return Err(AppError::LoginFailed);
    };
    db::login_attempts::succeeded(&state.db, attempt).await?;
    Ok(user.id)
}

/// Input of "Benutzer anlegen".
pub struct NewUserInput {
    pub display_name: String,
    pub email: String,
    pub org_unit_id: Option<i64>,
    pub role: Role,
}

/// Checks a new user's fields; all problems at once.
pub async fn validate_new_user(
    state: &AppState,
    actor: Option<&Actor>,
    input: &NewUserInput,
    t: &Texts,
) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let mut err = |field: &str, message: &str| {
        errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        })
    };
    if valid_name(&input.display_name).is_none() {
        err("display_name", t.user_name_invalid);
    }
    if !plausible_email(&input.email) {
        err("email", t.user_email_invalid);
    } else if db::users::email_exists(&state.db, &input.email).await? {
        err("email", t.user_email_taken);
    }
    if let Some(unit) = input.org_unit_id {
        let units = db::org_units::all(&state.db.pool).await?;
        if !units.iter().any(|u| u.id == unit) {
            err("org_unit_id", t.user_unit_unknown);
        }
    }
    if let Some(actor) = actor {
        if !actor.can_manage_unit(input.org_unit_id) {
            err("org_unit_id", t.user_unit_outside_scope);
        }
        if !actor.assignable_roles().contains(&input.role) {
            err("role", t.user_role_not_allowed);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Fields(errors))
    }
}

/// Creates a user and a one-time link to set the password, with an audit entry, in one
/// transaction. `actor` None means the bootstrap CLI.
pub async fn create_user(
    state: &AppState,
    actor: Option<&Actor>,
    input: &NewUserInput,
    t: &Texts,
) -> Result<PasswordLink, AppError> {
    validate_new_user(state, actor, input, t).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let id = db::users::insert(
        &mut *tx,
        &db::users::NewUser {
            email: &input.email,
            display_name: input.display_name.trim(),
            personnel_no: None,
            org_unit_id: input.org_unit_id,
            role: input.role,
            now,
        },
    )
    .await
    .map_err(|e| unique_as_field(e, "email", t.user_email_taken))?;
    let link = new_password_link(
        &mut tx,
        state,
        &LinkFor {
            user_id: id,
            email: &input.email,
            name: input.display_name.trim(),
            kind: super::mail::LinkMail::Invitation,
            valid_seconds: LINK_VALID_SECONDS,
            // The bootstrap admin gets the link printed by the CLI.
            mail: actor.is_some(),
        },
        now,
    )
    .await?;
    audit::write(
        &mut *tx,
        &audit::Entry {
            at: now,
            actor_id: actor.map(Actor::id),
            actor: &actor.map(Actor::label).unwrap_or_else(|| "CLI".into()),
            action: "user.create",
            target: &input.email,
            details: &crate::server::audit::details(
                serde_json::json!({ "role": input.role.code() }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(link)
}

/// A unique-constraint violation as the field error a person can act on (two people created
/// with one address at the same moment: the check before found none, the database refused the
/// second); any other database error as it is.
pub fn unique_as_field(e: sqlx::Error, field: &str, message: &str) -> AppError {
    if e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
    {
        AppError::field(field, message)
    } else {
        e.into()
    }
}

/// Stores a new one-time link (revoking older ones) and returns it, and queues its mail when
/// mail is on and asked for; inside the caller's transaction.
pub async fn new_password_link(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    link: &LinkFor<'_>,
    now: i64,
) -> Result<PasswordLink, AppError> {
    let token = random_token();
    db::tokens::revoke_for_user(&mut **tx, link.user_id, now).await?;
    let expires_at = now + link.valid_seconds;
    let purpose = match link.kind {
        super::mail::LinkMail::Invitation => "invite",
        super::mail::LinkMail::Reset => "reset",
    };
    db::tokens::insert(
        &mut **tx,
        &token_hash(&token),
        link.user_id,
        purpose,
        now,
        expires_at,
    )
    .await?;
    let url = format!(
        "{}{PASSWORD_PATH}?token={token}",
        state.config.public_base_url
    );
    let mailed = link.mail && state.config.mail.enabled();
    if mailed {
        let locale = db::reminders::locale_of(&mut **tx, link.user_id).await?;
        let mail = super::mail::password_link(
            link.kind,
            Locale::from_code(&locale).unwrap_or(Locale::De),
            &state.config.org_name,
            link.name,
            &url,
            expires_at,
        );
        super::mail::queue(tx, state, purpose, link.email, Some(link.user_id), &mail).await?;
    }
    Ok(PasswordLink {
        user_id: link.user_id,
        email: link.email.to_string(),
        url,
        expires: Date::in_germany(expires_at),
        mailed,
    })
}

/// "Passwort vergessen?": mails a link valid for two hours to the active account of this
/// address, at most `SELF_SERVICE_PER_HOUR` an hour. Nothing tells the caller whether the
/// address exists: every request ends the same way.
pub async fn request_link(state: &AppState, email: &str) -> Result<(), AppError> {
    let email = email.trim().to_lowercase();
    if email.is_empty() || email.len() > 254 || !state.config.mail.enabled() {
        return Ok(());
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // The hourly cap is counted and kept under one lock per address.
    db::serialize(
        &mut tx,
        db::LockSpace::PasswordRequest,
        db::text_key(&email),
    )
    .await?;
    let Some(user) = db::users::by_email(&mut *tx, &email).await? else {
        return Ok(());
    };
    let sent = db::outbox::count_recent(&mut *tx, &email, "reset", now - 3600).await?;
    if !user.active || sent >= SELF_SERVICE_PER_HOUR {
        return Ok(());
    }
    let link = LinkFor {
        user_id: user.id,
        email: &user.email,
        name: &user.display_name,
        kind: super::mail::LinkMail::Reset,
        valid_seconds: SELF_SERVICE_LINK_SECONDS,
        mail: true,
    };
    new_password_link(&mut tx, state, &link, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Issues a fresh link for an existing user, by an admin or by a coordinator for the
/// employees of their units: an invitation for someone who never signed in, otherwise a
/// password reset.
pub async fn reset_link(
    state: &AppState,
    actor: &Actor,
    user_id: i64,
) -> Result<PasswordLink, AppError> {
    let target = db::users::get(&state.db.pool, user_id).await?;
    actor.require_manage_user(target.as_ref())?;
    let target = target.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let link = link_for_user(&mut tx, state, actor, &target, now).await?;
    tx.commit().await?;
    Ok(link)
}

async fn link_for_user(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    state: &AppState,
    actor: &Actor,
    target: &db::users::UserRecord,
    now: i64,
) -> Result<PasswordLink, AppError> {
    let kind = if target.has_password {
        super::mail::LinkMail::Reset
    } else {
        super::mail::LinkMail::Invitation
    };
    let link = new_password_link(
        tx,
        state,
        &LinkFor {
            user_id: target.id,
            email: &target.email,
            name: &target.display_name,
            kind,
            valid_seconds: LINK_VALID_SECONDS,
            mail: true,
        },
        now,
    )
    .await?;
    actor
        .audit(&mut **tx, now, "user.password_link", &target.email, "")
        .await?;
    Ok(link)
}

/// At most this many invitations in one go (a larger scope: unit by unit).
pub const INVITE_AT_ONCE: usize = 2_000;

/// New invitation links for every active person in the actor's scope (or the chosen unit with
/// its sub-units) who never signed in, in one transaction.
pub async fn invite_not_signed_in(
    state: &AppState,
    actor: &Actor,
    unit: Option<i64>,
) -> Result<Vec<PasswordLink>, AppError> {
    let units = db::org_units::all(&state.db.pool).await?;
    let scope = crate::server::reports::scope_units(actor, &units, unit);
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let people = db::reminders::recipients_in(&mut *tx, scope.as_deref(), None).await?;
    let mut links = Vec::new();
    for p in people.iter().filter(|p| !p.has_password) {
        let target = db::users::get(&mut *tx, p.id).await?;
        // Coordinators invite the employees of their units only.
        if actor.require_manage_user(target.as_ref()).is_err() {
            continue;
        }
        let Some(target) = target else { continue };
        if links.len() == INVITE_AT_ONCE {
            break;
        }
        links.push(link_for_user(&mut tx, state, actor, &target, now).await?);
    }
    tx.commit().await?;
    Ok(links)
}

/// Sets the password from a one-time link: checks the policy, consumes the token exactly once,
/// and ends every existing session of that user, in one transaction.
pub async fn set_password_with_token(
    state: &AppState,
    token: &str,
    password: &str,
    t: &Texts,
) -> Result<i64, AppError> {
    let hash = token_hash(token.trim());
    let now = state.clock.now();
    let user_id = db::tokens::valid_user(&state.db, &hash, now)
        .await?
        .ok_or_else(|| AppError::field("token", t.password_link_invalid))?;
    let user = db::users::get(&state.db.pool, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    check_password(password, &user.email, &user.display_name)
        .map_err(|p| AppError::field("password", password_problem_message(t, &p)))?;
    let new_hash = state.hasher.hash(password).await?;
    let mut tx = state.db.begin().await?;
    let consumed = db::tokens::consume(&mut *tx, &hash, now).await?;
    if consumed != Some(user_id) {
        return Err(AppError::field("token", t.password_link_invalid));
    }
    db::users::set_password_hash(&mut *tx, user_id, &new_hash).await?;
    db::sessions::delete_for_user(&mut *tx, user_id, None).await?;
    tx.commit().await?;
    Ok(user_id)
}

/// Changes the signed-in user's password; every other session of theirs ends.
pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    current: &str,
    new: &str,
    keep_session_hash: Option<&str>,
    t: &Texts,
) -> Result<(), AppError> {
    let stored = db::users::password_hash(&state.db, actor.id()).await?;
    if !state.hasher.verify(stored.as_deref(), current).await? {
        return Err(AppError::field(
            "current_password",
            t.password_current_wrong,
        ));
    }
    check_password(new, &actor.user.email, &actor.user.display_name)
        .map_err(|p| AppError::field("new_password", password_problem_message(t, &p)))?;
    let hash = state.hasher.hash(new).await?;
    let mut tx = state.db.begin().await?;
    db::users::set_password_hash(&mut *tx, actor.id(), &hash).await?;
    db::sessions::delete_for_user(&mut *tx, actor.id(), keep_session_hash).await?;
    tx.commit().await?;
    Ok(())
}

/// The org-unit tree as the actor may see it (admins: all; coordinators: their scope).
pub async fn visible_units(state: &AppState, actor: &Actor) -> Result<Vec<OrgUnit>, AppError> {
    let rows = db::org_units::all(&state.db.pool).await?;
    Ok(tree(&rows)
        .into_iter()
        .filter(|u| actor.can_manage_unit(Some(u.id)))
        .collect())
}

/// All units under the given roots (for scope display and tests).
pub fn expand(rows: &[UnitRow], roots: &[i64]) -> HashSet<i64> {
    subtree(rows, roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, parent: Option<i64>, name: &str) -> UnitRow {
        UnitRow {
            id,
            parent_id: parent,
            name: name.into(),
            code: None,
            member_count: 0,
        }
    }

    #[test]
    fn tree_orders_parents_first_with_paths() {
        let rows = [
            row(1, None, "Fachbereich 2"),
            row(2, Some(1), "Ordnungsamt"),
            row(3, Some(1), "Bürgerbüro"),
            row(4, None, "Fachbereich 1"),
            row(5, Some(4), "Personalamt"),
        ];
        let t = tree(&rows);
        let paths: Vec<&str> = t.iter().map(|u| u.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "Fachbereich 1",
                "Fachbereich 1 > Personalamt",
                "Fachbereich 2",
                "Fachbereich 2 > Bürgerbüro",
                "Fachbereich 2 > Ordnungsamt"
            ]
        );
        assert_eq!(t[1].depth, 1);
        let keys = unit_keys(&t);
        assert_eq!(keys.get(&csv_import::unit_key("bürgerbüro")), Some(&3));
        assert_eq!(
            keys.get(&csv_import::unit_key("Fachbereich 2 > Ordnungsamt")),
            Some(&2)
        );
    }

    #[test]
    fn unit_keys_find_unique_path_tails() {
        let rows = [
            row(1, None, "Kreis"),
            row(2, Some(1), "Dezernat I"),
            row(3, Some(1), "Dezernat II"),
            row(4, Some(2), "Amt 36"),
            row(5, Some(3), "Amt 36"),
            row(6, Some(3), "Amt 40"),
        ];
        let keys = unit_keys(&tree(&rows));
        let find = |s: &str| keys.get(&csv_import::unit_key(s)).copied();
        assert_eq!(find("Dezernat II / Amt 36"), Some(5));
        assert_eq!(find("Kreis > Dezernat I > Amt 36"), Some(4));
        assert_eq!(find("Amt 40"), Some(6));
        assert_eq!(find("Amt 36"), None, "two units of that name");
    }

    #[test]
    fn email_plausibility() {
        assert!(plausible_email("anna.schmidt@musterstadt.de"));
        assert!(!plausible_email("anna"));
        assert!(!plausible_email("anna@localhost"));
        assert!(!plausible_email("a b@x.de"));
        assert!(!plausible_email("a@@x.de"));
        assert!(!plausible_email("a@x..de"));
    }
}
