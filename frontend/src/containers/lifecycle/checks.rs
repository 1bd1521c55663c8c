//! What the lifecycle dialogs take, checked before anything is sent: each error names the
//! field, as the dialog shows it. Pure, tested natively.

use berth_shared::engine::container::{ContainerUpdate, RestartPolicy};

use crate::containers::form::parse::{parse_cpus, parse_memory};
use crate::field_error::FieldError;
use crate::networks::form::check_name;

/// The stop dialog's timeout: empty for the container's own default.
pub fn stop_timeout(text: &str) -> Result<Option<u32>, FieldError> {
    match text.trim() {
        "" => Ok(None),
        seconds => seconds
            .parse::<u32>()
            .map(Some)
            .map_err(|_| FieldError::new("Seconds", "Seconds: enter a whole number.")),
    }
}

/// The rename dialog's new name: what the engine takes, `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
pub fn new_name(text: &str) -> Result<String, FieldError> {
    let name = text.trim();
    if name.is_empty() {
        return Err(FieldError::new("New name", "New name: enter a name."));
    }
    check_name("New name", name)
        .map_err(|error| FieldError::new("New name", format!("New name: {}.", error.message)))?;
    if name.chars().count() < 2 {
        return Err(FieldError::new(
            "New name",
            format!("New name: “{name}” is too short; a name has at least two characters."),
        ));
    }
    Ok(name.to_owned())
}

/// The commit dialog's image reference.
pub fn image_reference(text: &str) -> Result<String, FieldError> {
    match text.trim() {
        "" => Err(FieldError::new("Image", "Image: enter a repository name.")),
        reference => Ok(reference.to_owned()),
    }
}

/// The update dialog's changes: a restart policy (empty keeps it), CPUs and a memory limit
/// (empty keeps them). At least one must change.
pub fn update(restart: &str, cpus: &str, memory: &str) -> Result<ContainerUpdate, FieldError> {
    let mut update = ContainerUpdate::default();
    if !restart.is_empty() {
        update.restart_policy = Some(RestartPolicy {
            name: restart.to_owned(),
            maximum_retry_count: 0,
        });
    }
    if !cpus.trim().is_empty() {
        let nanos = parse_cpus(cpus).map_err(|e| FieldError::new("CPUs", format!("CPUs: {e}")))?;
        update.nano_cpus = Some(nanos);
    }
    if !memory.trim().is_empty() {
        let bytes = parse_memory(memory)
            .map_err(|e| FieldError::new("Memory limit", format!("Memory limit: {e}")))?;
        update.memory = Some(bytes);
        // Without a swap limit the engine refuses a memory limit below the old swap limit.
        update.memory_swap = Some(-1);
    }
    if update == ContainerUpdate::default() {
        return Err(FieldError::new(
            "Restart policy",
            "Change at least one field.",
        ));
    }
    Ok(update)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_whole_seconds_or_the_default() {
        assert_eq!(stop_timeout(""), Ok(None));
        assert_eq!(stop_timeout(" 30 "), Ok(Some(30)));
        for bad in ["-1", "1.5", "soon"] {
            assert_eq!(
                stop_timeout(bad).map_err(|e| e.field),
                Err("Seconds"),
                "{bad}"
            );
        }
    }

    #[test]
    fn names_and_references_are_required() {
        assert_eq!(new_name("  web-2 "), Ok("web-2".to_owned()));
        assert_eq!(new_name(" ").map_err(|e| e.field), Err("New name"));
        for bad in ["bad name", "-web", "web/1", "x", "wéb"] {
            assert_eq!(new_name(bad).map_err(|e| e.field), Err("New name"), "{bad}");
        }
        assert_eq!(
            new_name("bad name").map_err(|e| e.message),
            Err(
                "New name: “bad name” contains “ ”; use letters, digits, “_”, “.” and “-”."
                    .to_owned()
            )
        );
        assert_eq!(new_name("a.b_c-1"), Ok("a.b_c-1".to_owned()));
        assert_eq!(image_reference("app:snap"), Ok("app:snap".to_owned()));
        assert_eq!(image_reference("").map_err(|e| e.field), Err("Image"));
    }

    #[test]
    fn updates_change_at_least_one_thing() {
        let changes = update("always", "1.5", "512m").unwrap();
        assert_eq!(changes.restart_policy.unwrap().name, "always");
        assert_eq!(changes.nano_cpus, Some(1_500_000_000));
        assert_eq!(changes.memory, Some(512 << 20));
        assert_eq!(changes.memory_swap, Some(-1));
        assert_eq!(
            update("", "", "").map_err(|e| e.message),
            Err("Change at least one field.".to_owned())
        );
        assert_eq!(update("", "lots", "").map_err(|e| e.field), Err("CPUs"));
        assert_eq!(
            update("", "", "1k").map_err(|e| e.field),
            Err("Memory limit")
        );
    }
}
