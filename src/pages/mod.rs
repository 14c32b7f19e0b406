pub mod admin;
pub mod auth;
pub mod certificates;
pub mod courses;
pub mod home;
pub mod not_found;
pub mod quiz;
pub mod tracking;
