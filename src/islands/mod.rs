//! Everything the browser runs: the wasm holds these components and nothing else. Each adds to
//! a page that already works without JavaScript (the no-JS Playwright project proves it), so a
//! script that fails to load costs convenience, never a function. Islands see no server
//! context: what they show comes in as props, in the page's language.
pub mod about;
pub mod confirm;
pub mod quiz;
