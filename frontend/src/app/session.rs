//! Who is signed in, shared by the whole app: loaded at start, set by sign-in and set-up,
//! cleared by sign-out or when the server says the session has ended; and what they may do in
//! the environment shown, where a grant may give them another role than their global one.

use berth_shared::access::{Access, Role};
use berth_shared::api::auth::{SessionInfo, SessionState};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, console};
use crate::app::engine_status::EngineStatus;

/// The session context.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    /// `None` until the first answer of `/api/auth/session`.
    pub state: RwSignal<Option<SessionState>>,
}

impl Session {
    /// Loads the session and takes over the API's session-ended hook.
    pub fn new() -> Self {
        let session = Self {
            state: RwSignal::new(None),
        };
        api::on_session_ended(move || session.signed_out(false));
        session.reload();
        session
    }

    /// Asks the server who is signed in.
    pub fn reload(&self) {
        let session = *self;
        spawn_local(async move {
            match console::session().await {
                Ok(SessionState::SignedIn(info)) => session.signed_in(info),
                Ok(SessionState::SignedOut { setup_required }) => {
                    session.signed_out(setup_required);
                }
                // Berth itself is unreachable: show the sign-in page, which says so on submit.
                Err(_) => session.signed_out(false),
            }
        });
    }

    /// Records a new session.
    pub fn signed_in(&self, info: SessionInfo) {
        api::set_csrf_token(Some(info.csrf_token.clone()));
        self.state.set(Some(SessionState::SignedIn(info)));
    }

    /// Forgets the session.
    pub fn signed_out(&self, setup_required: bool) {
        api::set_csrf_token(None);
        self.state
            .set(Some(SessionState::SignedOut { setup_required }));
    }

    /// The signed-in user (tracked).
    pub fn info(&self) -> Option<SessionInfo> {
        self.state.with(|state| match state {
            Some(SessionState::SignedIn(info)) => Some(info.clone()),
            _ => None,
        })
    }

    /// The signed-in user's role (tracked).
    pub fn role(&self) -> Option<Role> {
        self.state.with(|state| match state {
            Some(SessionState::SignedIn(info)) => Some(info.role),
            _ => None,
        })
    }

    /// Whether the signed-in user may do what needs `access` in the environment shown
    /// (tracked). The server decides; the UI only hides what would be refused.
    pub fn can(&self, access: Access) -> bool {
        self.role_here().is_some_and(|role| role.allows(access))
    }

    /// The user's role in the environment shown (tracked): what health says their role there
    /// is (a grant), else their global role. Console administration goes by [`Self::role`].
    pub fn role_here(&self) -> Option<Role> {
        let global = self.role()?;
        let here = use_context::<EngineStatus>()
            .and_then(|status| status.current())
            .and_then(|environment| environment.role);
        Some(here.unwrap_or(global))
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

/// The app's session.
pub fn use_session() -> Session {
    expect_context::<Session>()
}
