//! A form validation error that names the field it is about, so the form can mark that field,
//! show the message under it and move the focus there. Every form's checks, DOM-free and tested
//! natively, return this one type.

/// Why a form cannot be sent, naming the field it is about. It reads "Subnet: …", for the
/// forms whose fields are known by their labels.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The name the form's inputs know the field by: the label in the shared field components
    /// ("Subnet"); in the create-container form, whose labels are long, the input's id
    /// ("ports"), its message then starting with the short label itself.
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// An error about `field`.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
