//! How a page says that it cannot show its content, and the state labels every list shares:
//! one place, so that a refusal, a sign-in prompt or "Überfällig" look the same everywhere.
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{de::DeserializeOwned, Serialize};

use crate::app::use_texts;
use crate::error::AppError;
use crate::model::CourseState;

/// An error in place of page content (not signed in: a link to sign in). The HTTP status
/// follows the error, and a page that is not there is titled so.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    let t = use_texts();
    crate::components::set_error_status(&error);
    match error {
        AppError::Unauthorized => view! { <LoginRequired /> }.into_any(),
        AppError::NotFound => view! {
            <Title text=t.error_not_found />
            <p class="notice notice--warning" role="alert">
                {AppError::NotFound.message(t)}
            </p>
        }
        .into_any(),
        other => view! {
            <p class="notice notice--warning" role="alert">
                {other.message(t)}
            </p>
        }
        .into_any(),
    }
}

/// The error box as a page's whole content; see [`loaded!`](crate::loaded).
pub fn error_box(error: AppError) -> AnyView {
    view! { <ErrorBox error /> }.into_any()
}

/// `let data = loaded!(resource.await);` in a page's `Suspend`: the data, or the page returns
/// the error box in its place. Written once here instead of a `match` in every page.
#[macro_export]
macro_rules! loaded {
    ($result:expr) => {
        match $result {
            Ok(data) => data,
            Err(error) => return $crate::components::status::error_box(error),
        }
    };
}

/// Shown instead of a page that needs a sign-in.
#[component]
pub fn LoginRequired() -> impl IntoView {
    let t = use_texts();
    let location = leptos_router::hooks::use_location();
    let href = move || {
        format!(
            "/anmelden?weiter={}",
            crate::components::layout::percent_encode(&location.pathname.get())
        )
    };
    view! {
        <p class="notice notice--warning" role="alert">
            {t.error_unauthorized}
            " "
            <a href=href>{t.login_title}</a>
        </p>
    }
}

/// The state as a short label with its own CSS class (never colour alone: the text is there).
#[component]
pub fn StateTag(state: CourseState) -> impl IntoView {
    let t = use_texts();
    view! { <span class=format!("state state--{}", state.code())>{state.label(t)}</span> }
}

/// A page's data, or the error box in its place: `<Loaded resource let:data>…</Loaded>`. The
/// page renders once the data is there (every route is `SsrMode::Async`).
#[component]
pub fn Loaded<T, F, V>(resource: Resource<Result<T, AppError>>, children: F) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => children(data).into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
