//! Server functions: public POST endpoints. Each one authorizes itself, validates its input and
//! calls into `server::*`.
pub mod site;
