pub mod form;
pub mod layout;
pub mod pagination;
pub mod status;

/// Gives the page's HTTP answer the status of the error it shows instead of its content (404,
/// 403, 429, 503 …), so that a page saying "not found" does not answer 200. A page asking to
/// sign in stays 200: it is a page with a form, not a refusal. Nothing happens in the browser.
pub fn set_error_status(error: &crate::error::AppError) {
    #[cfg(feature = "ssr")]
    if *error != crate::error::AppError::Unauthorized {
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(error.status());
            if *error == crate::error::AppError::RateLimited {
                res.insert_header(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static("60"),
                );
            }
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}
