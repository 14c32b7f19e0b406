//! The one place that decides access. Every server function and plain route asks here:
//! employee — self only; coordinator — users in the org units of their scope (sub-units
//! included); admin — everything.
use std::collections::{HashMap, HashSet};

use axum::http::HeaderMap;

use super::session;
use crate::error::AppError;
use crate::model::{CurrentUser, Role};
use crate::server::db::{self, org_units::UnitRow, users::UserRecord};
use crate::server::state::AppState;

/// Which org units an actor may manage.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// Admin: every unit and every user, including users without a unit.
    All,
    /// Coordinator: these units (their scope roots and all sub-units).
    Units(HashSet<i64>),
    /// Employee: nobody but themself.
    SelfOnly,
}

/// The signed-in person and what they may reach.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: UserRecord,
    pub scope: Scope,
}

impl Actor {
    pub fn id(&self) -> i64 {
        self.user.id
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn current_user(&self) -> CurrentUser {
        CurrentUser {
            id: self.user.id,
            email: self.user.email.clone(),
            display_name: self.user.display_name.clone(),
            role: self.user.role,
            ai_coordinator: self.user.ai_coordinator,
        }
    }

    /// Label for the audit log.
    pub fn label(&self) -> String {
        format!("{} <{}>", self.user.display_name, self.user.email)
    }

    /// Writes an audit-log entry by this actor; pass the transaction of the change it records.
    pub async fn audit<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
        &self,
        e: E,
        at: i64,
        action: &str,
        target: &str,
        details: &str,
    ) -> Result<(), sqlx::Error> {
        let entry = db::audit::Entry {
            at,
            actor_id: Some(self.id()),
            actor: &self.label(),
            action,
            target,
            details,
        };
        db::audit::write(e, &entry).await
    }

    pub fn require_role(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.user.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin
    }

    /// Whether this actor may manage people in `unit` (None: people without a unit).
    pub fn can_manage_unit(&self, unit: Option<i64>) -> bool {
        match &self.scope {
            Scope::All => true,
            Scope::Units(units) => unit.is_some_and(|u| units.contains(&u)),
            Scope::SelfOnly => false,
        }
    }

    /// Whether this actor may see or change `target`.
    pub fn can_access_user(&self, target: &UserRecord) -> bool {
        target.id == self.user.id || self.can_manage_unit(target.org_unit_id)
    }

    /// Whether this manager may see and change `target`: someone in their units whose role they
    /// could give (a coordinator manages employees, never an admin or another coordinator, even
    /// one sitting in her units), or themself. "Not allowed" and "does not exist" give the same
    /// answer (NotFound), so ids cannot be probed.
    pub fn require_manage_user(&self, target: Option<&UserRecord>) -> Result<(), AppError> {
        match target {
            Some(t)
                if self.role() != Role::Employee
                    && self.can_manage_unit(t.org_unit_id)
                    && (t.id == self.id() || self.assignable_roles().contains(&t.role)) =>
            {
                Ok(())
            }
            _ => Err(AppError::NotFound),
        }
    }

    /// The units this actor manages, for list filters (None = all).
    pub fn unit_filter(&self) -> Option<Vec<i64>> {
        match &self.scope {
            Scope::All => None,
            Scope::Units(units) => {
                let mut v: Vec<i64> = units.iter().copied().collect();
                v.sort_unstable();
                Some(v)
            }
            Scope::SelfOnly => Some(Vec::new()),
        }
    }

    /// Whether this actor keeps the KI-Register: admins and the KI-Koordination.
    pub fn can_edit_register(&self) -> bool {
        self.is_admin() || self.user.ai_coordinator
    }

    /// The units whose AI systems this actor sees in the register (None: none at all).
    /// Admins and the KI-Koordination see every system; a coordinator sees the systems her units
    /// use, to know what her people need.
    pub fn register_scope(&self) -> Option<Scope> {
        if self.is_admin() || (self.user.ai_coordinator && self.role() == Role::Employee) {
            Some(Scope::All)
        } else if self.role() == Role::Coordinator {
            Some(self.scope.clone())
        } else {
            None
        }
    }

    /// Whether this actor may record a system used by `unit`: an organisation-wide
    /// KI-Koordination and admins everywhere, a coordinator who also keeps the register only
    /// in her units.
    pub fn can_register_unit(&self, unit: i64) -> bool {
        self.can_edit_register()
            && match self.register_scope() {
                Some(Scope::All) => true,
                Some(Scope::Units(u)) => u.contains(&unit),
                _ => false,
            }
    }

    /// Roles this actor may give to people they create or import.
    pub fn assignable_roles(&self) -> &'static [Role] {
        match self.user.role {
            Role::Admin => &Role::ALL,
            Role::Coordinator => &[Role::Employee],
            Role::Employee => &[],
        }
    }
}

/// Every unit below (and including) `roots`.
pub fn subtree(units: &[UnitRow], roots: &[i64]) -> HashSet<i64> {
    let mut children: HashMap<Option<i64>, Vec<i64>> = HashMap::new();
    for u in units {
        children.entry(u.parent_id).or_default().push(u.id);
    }
    let mut out = HashSet::new();
    let mut stack: Vec<i64> = roots.to_vec();
    while let Some(id) = stack.pop() {
        if out.insert(id) {
            if let Some(kids) = children.get(&Some(id)) {
                stack.extend(kids);
            }
        }
    }
    out
}

/// The actor of a request, if signed in.
pub async fn actor_from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Actor>, AppError> {
    let Some(user) = session::user_from_headers(state, headers).await? else {
        return Ok(None);
    };
    actor_for(state, user).await.map(Some)
}

/// A person as an actor with their scope (also for work done on their behalf, such as the
/// coordinator's weekly digest).
pub async fn actor_for(state: &AppState, user: UserRecord) -> Result<Actor, AppError> {
    let scope = match user.role {
        Role::Admin => Scope::All,
        Role::Employee => Scope::SelfOnly,
        Role::Coordinator => {
            let roots = db::users::scope_units(&state.db.pool, user.id).await?;
            let units = db::org_units::structure(&state.db.pool).await?;
            Scope::Units(subtree(&units, &roots))
        }
    };
    Ok(Actor { user, scope })
}

/// The actor of one request, looked up once: rendering a page runs several server functions
/// (header, page data), and each would otherwise read the session again. Provided afresh for
/// every request (see `http::router`), so nothing is shared between requests.
#[derive(Clone, Default)]
pub struct RequestActor(std::sync::Arc<tokio::sync::OnceCell<Option<Actor>>>);

/// What a server function starts with: the state, and the actor its rule admits. Server
/// functions are public endpoints; the one line `let Ctx { state, actor } = Ctx::manager().await?;`
/// at the top of each says who may call it, and no function can reach the state without it.
pub struct Ctx<A = Actor> {
    pub state: AppState,
    pub actor: A,
}

impl Ctx<()> {
    /// Anyone may call: signing in, verifying a certificate, the start page.
    pub fn public() -> Result<Self, AppError> {
        Ok(Ctx {
            state: crate::server::state::app_state()?,
            actor: (),
        })
    }
}

impl Ctx<Option<Actor>> {
    /// Anyone, and the signed-in person if there is one.
    pub async fn anyone() -> Result<Self, AppError> {
        let state = crate::server::state::app_state()?;
        let actor = optional_actor(&state).await?;
        Ok(Ctx { state, actor })
    }
}

impl Ctx {
    /// Any signed-in person, whatever the role (401 otherwise).
    pub async fn signed_in() -> Result<Self, AppError> {
        let state = crate::server::state::app_state()?;
        let actor = require_actor(&state).await?;
        Ok(Ctx { state, actor })
    }

    /// Admins and coordinators (their scope is on the actor): 401 signed out, 403 otherwise.
    pub async fn manager() -> Result<Self, AppError> {
        Self::with_role(&[Role::Admin, Role::Coordinator]).await
    }

    /// Whoever may read the KI-Register (admins, KI-Koordination, coordinators).
    pub async fn register_reader() -> Result<Self, AppError> {
        let Ctx { state, actor } = Self::signed_in().await?;
        actor.register_scope().ok_or(AppError::Forbidden)?;
        Ok(Ctx { state, actor })
    }

    /// Whoever keeps the KI-Register (admins, KI-Koordination).
    pub async fn register_editor() -> Result<Self, AppError> {
        let Ctx { state, actor } = Self::signed_in().await?;
        if !actor.can_edit_register() {
            return Err(AppError::Forbidden);
        }
        Ok(Ctx { state, actor })
    }

    /// Admins only: 401 signed out, 403 otherwise.
    pub async fn admin() -> Result<Self, AppError> {
        Self::with_role(&[Role::Admin]).await
    }

    async fn with_role(roles: &[Role]) -> Result<Self, AppError> {
        let state = crate::server::state::app_state()?;
        let actor = require_role_of(&state, roles).await?;
        Ok(Ctx { state, actor })
    }
}

/// The actor of the current server-function call, or Unauthorized.
pub async fn require_actor(state: &AppState) -> Result<Actor, AppError> {
    optional_actor(state).await?.ok_or(AppError::Unauthorized)
}

/// The signed-in actor if they have one of `roles`: 401 when signed out, 403 otherwise.
pub async fn require_role_of(state: &AppState, roles: &[Role]) -> Result<Actor, AppError> {
    let actor = require_actor(state).await?;
    actor.require_role(roles)?;
    Ok(actor)
}

/// Like `require_actor`, but anonymous is fine.
pub async fn optional_actor(state: &AppState) -> Result<Option<Actor>, AppError> {
    let lookup = || async { actor_from_headers(state, &request_headers()?).await };
    match leptos::prelude::use_context::<RequestActor>() {
        Some(cache) => cache.0.get_or_try_init(lookup).await.cloned(),
        None => lookup().await,
    }
}

/// The headers of the request being handled by a server function.
pub fn request_headers() -> Result<HeaderMap, AppError> {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .map(|p| p.headers)
        .ok_or_else(|| AppError::internal("request parts missing from context"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, parent: Option<i64>) -> UnitRow {
        UnitRow {
            id,
            parent_id: parent,
            name: format!("u{id}"),
            code: None,
            member_count: 0,
        }
    }

    fn user(id: i64, role: Role, unit: Option<i64>) -> UserRecord {
        UserRecord {
            id,
            email: format!("u{id}@x.de"),
            display_name: format!("U {id}"),
            role,
            active: true,
            org_unit_id: unit,
            has_password: true,
            unit_since: 0,
            ai_coordinator: false,
        }
    }

    #[test]
    fn subtree_includes_descendants_only() {
        let units = [
            unit(1, None),
            unit(2, Some(1)),
            unit(3, Some(2)),
            unit(4, None),
            unit(5, Some(4)),
        ];
        assert_eq!(subtree(&units, &[2]), HashSet::from([2, 3]));
        assert_eq!(subtree(&units, &[1, 4]), HashSet::from([1, 2, 3, 4, 5]));
        assert!(subtree(&units, &[]).is_empty());
    }

    #[test]
    fn scope_rules() {
        let coord = Actor {
            user: user(10, Role::Coordinator, Some(2)),
            scope: Scope::Units(HashSet::from([2, 3])),
        };
        assert!(coord.can_access_user(&user(11, Role::Employee, Some(3))));
        assert!(!coord.can_access_user(&user(12, Role::Employee, Some(4))));
        assert!(!coord.can_access_user(&user(13, Role::Employee, None)));
        assert_eq!(coord.require_manage_user(None), Err(AppError::NotFound));
        // Admins and other coordinators in her units are not hers to manage; she herself is.
        for role in [Role::Admin, Role::Coordinator] {
            assert_eq!(
                coord.require_manage_user(Some(&user(14, role, Some(3)))),
                Err(AppError::NotFound)
            );
        }
        assert!(coord
            .require_manage_user(Some(&user(11, Role::Employee, Some(3))))
            .is_ok());
        assert!(coord
            .require_manage_user(Some(&user(10, Role::Coordinator, Some(2))))
            .is_ok());
        assert_eq!(
            coord.require_manage_user(Some(&user(12, Role::Employee, Some(4)))),
            Err(AppError::NotFound)
        );
        let emp = Actor {
            user: user(20, Role::Employee, Some(2)),
            scope: Scope::SelfOnly,
        };
        assert!(emp.can_access_user(&user(20, Role::Employee, Some(2))));
        assert!(!emp.can_access_user(&user(21, Role::Employee, Some(2))));
        assert!(emp
            .require_manage_user(Some(&user(20, Role::Employee, Some(2))))
            .is_err());
        assert_eq!(
            emp.require_role(&[Role::Admin, Role::Coordinator]),
            Err(AppError::Forbidden)
        );
        let admin = Actor {
            user: user(1, Role::Admin, None),
            scope: Scope::All,
        };
        assert!(admin.can_access_user(&user(13, Role::Employee, None)));
        assert_eq!(admin.assignable_roles().len(), 3);
        assert_eq!(coord.assignable_roles(), &[Role::Employee]);
    }
}
