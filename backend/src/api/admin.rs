//! The check in front of every admin-only console endpoint.

use berth_shared::access::Access;

use crate::auth::Principal;
use crate::error::ApiError;

/// Refuses anyone but admins; `what` names the area in the refusal, such as "user
/// administration".
pub fn require_admin(principal: &Principal, what: &str) -> Result<(), ApiError> {
    if principal.role.allows(Access::Admin) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "Berth denies {what} to {} '{}': it needs the admin role",
            principal.role, principal.username
        )))
    }
}
