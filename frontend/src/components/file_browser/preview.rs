//! Viewing one file of the browser as text: [`FileViewer`] fetches it (only when it is small
//! enough) and shows it, or says plainly why not, as [`Preview`] decides (pure).

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::components::modal::Modal;
use crate::format;
use crate::tar::{self, Kind};

/// The largest file shown as text; larger ones are offered as a download.
pub const VIEW_LIMIT: u64 = 256 * 1024;

/// What the viewer shows of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preview {
    /// Its text.
    Text(String),
    /// It is larger than [`VIEW_LIMIT`].
    TooLarge(u64),
    /// It is not text (a NUL byte, or not UTF-8).
    Binary,
}

impl Preview {
    /// What a file of `size` bytes can be, before it is fetched: `None` when it must be read.
    pub fn before_reading(size: u64) -> Option<Preview> {
        (size > VIEW_LIMIT).then_some(Preview::TooLarge(size))
    }

    /// What the file's `bytes` are.
    pub fn of(bytes: &[u8]) -> Preview {
        if bytes.len() as u64 > VIEW_LIMIT {
            return Preview::TooLarge(bytes.len() as u64);
        }
        if bytes.contains(&0) {
            return Preview::Binary;
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Preview::Text(text.to_owned()),
            Err(_) => Preview::Binary,
        }
    }

    /// Why `name` is not shown, or `None` for text.
    pub fn refusal(&self, name: &str) -> Option<String> {
        match self {
            Preview::Text(_) => None,
            Preview::TooLarge(size) => Some(format!(
                "{name} is {}, more than the {} the viewer shows. Download it instead.",
                format::bytes(*size),
                format::bytes(VIEW_LIMIT)
            )),
            Preview::Binary => Some(format!(
                "{name} is not a text file, so it is not shown. Download it instead."
            )),
        }
    }
}

/// The file the viewer shows: its path, name and size in the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewed {
    pub path: String,
    pub name: String,
    pub size: u64,
}

/// A dialog with the text of `viewed`, when set; closing it sets `viewed` to `None`.
#[component]
pub fn FileViewer(
    /// The engine holding the container.
    engine: Engine,
    /// The container's id.
    container: String,
    /// The file to show.
    viewed: RwSignal<Option<Viewed>>,
) -> impl IntoView {
    let shown = RwSignal::new(None::<Result<Preview, ApiError>>);
    Effect::new(move |_| {
        let Some(file) = viewed.get() else {
            shown.set(None);
            return;
        };
        if let Some(early) = Preview::before_reading(file.size) {
            shown.set(Some(Ok(early)));
            return;
        }
        shown.set(None);
        let (engine, container) = (engine.clone(), container.clone());
        spawn_local(async move {
            let read = read_file(&engine, &container, &file.path).await;
            // The user may have closed it, or opened another, meanwhile.
            if viewed.try_with_untracked(|now| now.as_ref() == Some(&file)) == Some(true) {
                shown.try_set(Some(read.map(|bytes| Preview::of(&bytes))));
            }
        });
    });
    let title = Signal::derive(move || {
        viewed.with(|v| v.as_ref().map(|v| v.path.clone()).unwrap_or_default())
    });
    let close = Callback::new(move |()| viewed.set(None));
    view! {
        <Modal open=Signal::derive(move || viewed.with(Option::is_some)) title=title on_close=close testid="file-viewer">
            {move || {
                let name = viewed.with(|v| v.as_ref().map(|v| v.name.clone()).unwrap_or_default());
                match shown.get() {
                    None => view! { <p class="muted" role="status">"Reading the file…"</p> }.into_any(),
                    Some(Err(error)) => view! { <p class="alert alert-error" role="alert">{format!("Could not read {name}: {error}")}</p> }.into_any(),
                    Some(Ok(Preview::Text(text))) => view! { <pre class="mono file-text" data-testid="file-text">{text}</pre> }.into_any(),
                    Some(Ok(other)) => view! { <p class="alert" role="status" data-testid="file-refusal">{other.refusal(&name)}</p> }.into_any(),
                }
            }}
            <div class="dialog-actions">
                <button type="button" class="btn" on:click=move |_| close.run(())>"Close"</button>
            </div>
        </Modal>
    }
}

/// The bytes of file `path`, taken out of the engine's tar of it.
async fn read_file(engine: &Engine, container: &str, path: &str) -> Result<Vec<u8>, ApiError> {
    let controller = AbortController::new().map_err(|e| ApiError::Network(format!("{e:?}")))?;
    let signal = controller.signal();
    let (_, mut body) = engine.archive(container, path, &signal).await?;
    let mut reader = tar::Reader::new(true);
    let mut entries = Vec::new();
    let mut read = 0u64;
    while let Some(chunk) = body.next(&signal).await {
        let chunk = chunk?;
        read += chunk.len() as u64;
        // A file that grew since it was listed is not read past the limit.
        if read > VIEW_LIMIT + 64 * 1024 {
            controller.abort();
            return Ok(vec![0; (VIEW_LIMIT + 1) as usize]);
        }
        reader
            .push(&chunk, &mut entries)
            .map_err(|e| ApiError::Decode(e.to_string()))?;
    }
    Ok(entries
        .into_iter()
        .find(|e| e.kind == Kind::File)
        .and_then(|e| e.data)
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_binary_and_large_files() {
        assert_eq!(Preview::of(b"hello\n"), Preview::Text("hello\n".into()));
        assert_eq!(Preview::of(b"\x7fELF\0\x01"), Preview::Binary);
        assert_eq!(Preview::of(&[0xff, 0xfe, 0x41]), Preview::Binary);
        assert_eq!(Preview::before_reading(VIEW_LIMIT), None);
        assert_eq!(
            Preview::before_reading(VIEW_LIMIT + 1),
            Some(Preview::TooLarge(VIEW_LIMIT + 1))
        );
        let large = Preview::TooLarge(3 * 1024 * 1024)
            .refusal("big.log")
            .unwrap();
        assert!(large.starts_with("big.log is "), "{large}");
        assert!(large.contains("Download it instead"), "{large}");
        assert!(
            Preview::Binary
                .refusal("a.out")
                .unwrap()
                .contains("not a text file")
        );
        assert_eq!(Preview::Text(String::new()).refusal("x"), None);
    }
}
