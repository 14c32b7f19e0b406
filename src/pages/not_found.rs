use leptos::prelude::*;
use leptos_meta::Title;

use crate::app::use_texts;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let t = use_texts();
    view! {
        <Title text=t.not_found_title />
        <h1>{t.not_found_title}</h1>
        <p>{t.error_not_found}</p>
        <p>
            <a href="/">{t.not_found_back}</a>
        </p>
    }
}
