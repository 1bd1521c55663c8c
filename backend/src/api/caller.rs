//! [`Caller`]: who calls a signed-in console endpoint, with the app's state. It holds the two
//! checks every such handler shares, the admin check and the audit record around a change, so
//! that each handler reads as what it does.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use berth_shared::access::Access;

use crate::api::auth::signed_in_user;
use crate::audit::{self, Action, AuditScope};
use crate::auth::{ClientInfo, LoginError, Principal, password};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::User;

/// The signed-in caller of a console endpoint: the [`Principal`] (authenticated, and checked
/// against cross-site requests), the [`ClientInfo`] for the audit log, and the app's state.
pub struct Caller {
    /// The app's state.
    pub state: AppState,
    /// Who is signed in.
    pub principal: Principal,
    /// Their address and browser.
    pub client: ClientInfo,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let principal = Principal::from_request_parts(parts, state).await?;
        let Ok(client) = ClientInfo::from_request_parts(parts, state).await;
        Ok(Self {
            state: state.clone(),
            principal,
            client,
        })
    }
}

impl Caller {
    /// Refuses anyone but admins; `what` names the area in the refusal, such as "user
    /// administration".
    pub fn require_admin(&self, what: &str) -> Result<(), ApiError> {
        let principal = &self.principal;
        if principal.role.allows(Access::Admin) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "Berth denies {what} to {} '{}': it needs the admin role",
                principal.role, principal.username
            )))
        }
    }

    /// The caller's stored record; a user removed since signing in is unauthorized.
    pub async fn user(&self) -> Result<User, ApiError> {
        signed_in_user(&self.state, self.principal.user_id).await
    }

    /// Checks the caller's password before a sensitive change; `field` names the form field
    /// in the error. A wrong password is a 403, not a 401: the session itself is fine.
    pub async fn confirm_password(
        &self,
        user: &User,
        password: Option<String>,
        field: &str,
    ) -> Result<(), ApiError> {
        let Some(password) = password.filter(|password| !password.is_empty()) else {
            return Err(ApiError::Forbidden(format!(
                "{field}: enter your password to confirm"
            )));
        };
        let not_in_use = || ApiError::Forbidden(format!("{field}: it is not the password in use"));
        if password.chars().count() > password::MAX_LENGTH {
            return Err(not_in_use());
        }
        let auth = self.state.auth();
        match auth.confirm_password(user, password, &self.client).await {
            Ok(()) => Ok(()),
            Err(LoginError::BadCredentials) => Err(not_in_use()),
            Err(error) => Err(error.into()),
        }
    }

    /// The audit log's scope for what this caller does through the console.
    pub fn scope(&self) -> AuditScope {
        AuditScope::console(&self.principal, &self.client)
    }

    /// Runs `change` between the two halves of its audit record, in the caller's name.
    pub async fn audited<T>(
        &self,
        action: Action<'_>,
        success_status: u16,
        change: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        self.audited_with(action, None, success_status, change)
            .await
    }

    /// [`Caller::audited`], with a `detail` in the record, such as the settings a change saved.
    pub async fn audited_with<T>(
        &self,
        action: Action<'_>,
        detail: Option<String>,
        success_status: u16,
        change: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        let store = self.state.store();
        audit::audited_with(store, &self.scope(), action, detail, success_status, change).await
    }

    /// Records something already done, in one audit record.
    pub async fn record(
        &self,
        action: Action<'_>,
        status: u16,
        detail: Option<String>,
    ) -> Result<(), ApiError> {
        audit::record(self.state.store(), &self.scope(), action, status, detail).await
    }
}
