//! One error type for server functions and plain routes. Its variants carry no internal detail:
//! the cause is logged on the server (see `AppError::internal`) and the client gets a message key.
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use crate::i18n::Texts;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("not signed in")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("rate limited")]
    RateLimited,
    /// Bad input; the payload is a user-facing message (already localised by the caller) or empty.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Bad values in named form fields, each with a message in the user's language.
    #[error("invalid fields")]
    Fields(Vec<FieldError>),
    /// Wrong e-mail or password (deliberately one answer for both).
    #[error("login failed")]
    LoginFailed,
    /// The request did not reach the server or its answer could not be read.
    #[error("network")]
    Network,
    #[error("internal error")]
    Internal,
    /// The server is overloaded (no database connection or request slot in time): try again.
    #[error("busy")]
    Busy,
}

/// A problem with one form field (`field` is the input's name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> AppError {
        AppError::Fields(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// The message for one field, if this error names it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Fields(fields) => fields
                .iter()
                .find(|f| f.field == field)
                .map(|f| f.message.clone()),
            _ => None,
        }
    }

    /// The message to show a person, in their language.
    pub fn message(&self, t: &Texts) -> String {
        match self {
            AppError::Unauthorized => t.error_unauthorized.into(),
            AppError::Forbidden => t.error_forbidden.into(),
            AppError::NotFound => t.error_not_found.into(),
            AppError::RateLimited => t.error_rate_limited.into(),
            AppError::InvalidInput(msg) if !msg.is_empty() => msg.clone(),
            AppError::InvalidInput(_) => t.error_invalid_input.into(),
            AppError::Fields(fields) => fields
                .iter()
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            AppError::LoginFailed => t.login_failed.into(),
            AppError::Network | AppError::Internal => t.error_generic.into(),
            AppError::Busy => t.error_busy.into(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Argument errors describe the client's bad request: say so, without echoing parser
            // internals.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                AppError::InvalidInput(String::new())
            }
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::Network
            }
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};

    impl AppError {
        /// Logs an internal cause and returns the generic error: nothing of `cause` reaches the
        /// client.
        #[track_caller]
        pub fn internal(cause: impl std::fmt::Display) -> AppError {
            let at = std::panic::Location::caller();
            tracing::error!(%cause, location = %at, "internal error");
            AppError::Internal
        }

        pub fn status(&self) -> StatusCode {
            match self {
                AppError::Unauthorized => StatusCode::UNAUTHORIZED,
                AppError::Forbidden => StatusCode::FORBIDDEN,
                AppError::NotFound => StatusCode::NOT_FOUND,
                AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
                AppError::InvalidInput(_) | AppError::Fields(_) => StatusCode::UNPROCESSABLE_ENTITY,
                AppError::LoginFailed => StatusCode::UNAUTHORIZED,
                // On the server, `Network` means the request body could not be read or decoded
                // (invalid UTF-8, broken chunking, cut off): the client's fault.
                AppError::Network => StatusCode::BAD_REQUEST,
                AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
                AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            }
        }
    }

    impl From<sqlx::Error> for AppError {
        #[track_caller]
        fn from(e: sqlx::Error) -> Self {
            match e {
                sqlx::Error::RowNotFound => return AppError::NotFound,
                sqlx::Error::PoolTimedOut => {
                    tracing::warn!("no database connection within the acquire timeout");
                    return AppError::Busy;
                }
                _ => {}
            }
            AppError::internal(e)
        }
    }

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let t = crate::i18n::Locale::De.texts();
            let mut res = (self.status(), self.message(t)).into_response();
            if self == AppError::Busy {
                res.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static("2"),
                );
            }
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn server_fn_errors_hide_internal_text() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args(
            "missing field `secret_column` at line 1".into(),
        ));
        assert_eq!(e, AppError::InvalidInput(String::new()));
        let msg = e.message(Locale::De.texts());
        assert!(!msg.contains("secret_column"));
        assert_eq!(msg, "Die Eingabe ist ungültig.");
        let e = AppError::from_server_fn_error(ServerFnErrorErr::ServerError("db down".into()));
        assert_eq!(e, AppError::Internal);
        assert!(!e.message(Locale::De.texts()).contains("db"));
    }
}
