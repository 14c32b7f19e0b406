//! Data shared by server and browser. Never a password hash, never a correct answer before
//! submission.
use serde::{Deserialize, Serialize};

use crate::i18n::Date;

/// What every page shows about the installation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    pub org_name: String,
}

/// Facts about this installation shown on the start page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeStats {
    pub installed_since: Date,
}
