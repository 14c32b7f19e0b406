//! Server functions: public POST endpoints. Each one authorizes itself, validates its input and
//! calls into `server::*`.
pub mod auth;
pub mod certificates;
pub mod completions;
pub mod courses;
pub mod mail;
pub mod org;
pub mod register;
pub mod site;
pub mod start;
pub mod tracking;
pub mod users;
