//! Reporting the outcome of an action on the infrastructure pages: a toast, and a health
//! check when the failure says the engine is gone.

use crate::api::ApiError;
use crate::components::toast::Toaster;
use crate::engine_status::EngineStatus;
use crate::pages::action_failed;

/// Reports that `verb`ing `what` failed; an unreachable engine also updates the header.
pub fn report_failure(
    toaster: Toaster,
    status: EngineStatus,
    verb: &str,
    what: &str,
    error: &ApiError,
) {
    if error.is_engine_unreachable() {
        status.engine_lost();
    }
    toaster.error(action_failed(verb, what, error));
}
