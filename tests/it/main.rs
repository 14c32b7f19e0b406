//! The integration tests, as one binary: each module below was a binary of its own, and every
//! binary links the whole server again. They share the helpers in `common` (a test server on a
//! temporary SQLite database, SMTP servers, nginx).
//!
//! `make test` runs them in three groups: everything but the database tests, then `sqlite::`,
//! then `postgres::` (see `scripts/test.sh`).
mod common;

mod accounts_http;
mod certificates_http;
mod cli;
mod content;
mod db;
mod mail_http;
mod operations_http;
mod privacy_http;
mod register_http;
mod robustness_http;
mod sso_http;
