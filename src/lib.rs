//! KI-Seepferdchen: one crate, two halves. With `ssr` it is the server (axum + Leptos SSR);
//! with `hydrate` it is the wasm for the few interactive components (`islands`): every page is
//! rendered on the server only and works without JavaScript, so the browser downloads code just
//! for what a script improves.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod error;
pub mod i18n;
pub mod islands;
pub mod model;
pub mod pages;
pub mod register;
#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Tests and CSS can rely on this mark: the islands of this page are live. The loader hydrates
    // the islands after this function returns, and their effects run as microtasks; a timeout
    // runs after both.
    leptos::prelude::set_timeout(
        || {
            if let Some(body) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.body())
            {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
