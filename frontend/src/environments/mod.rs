//! Environments, the engines one console manages: the home page of them all ([`home`], its
//! cards' words and figures in [`card`]) and their administration ([`admin`], over the form
//! model in [`form`]). The shell's switcher is in `app/environments.rs`, since every page has
//! it.

pub mod admin;
pub mod card;
pub mod form;
pub mod home;
