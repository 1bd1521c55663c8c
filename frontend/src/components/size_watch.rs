//! Watching an element's box (a `ResizeObserver`), for views that lay themselves out to it: a
//! window `resize` misses the box changing for any other reason (a toolbar wrapping, a tab
//! shown, a font arriving), and a size read once may be read before layout.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Calls back whenever the watched element's box changes size, and once when it is first laid
/// out. Watching ends when this is stopped or dropped.
pub struct SizeWatch {
    observer: web_sys::ResizeObserver,
    _callback: Closure<dyn FnMut(JsValue)>,
}

impl SizeWatch {
    /// Starts watching `element`.
    pub fn new(element: &web_sys::Element, mut on_resize: impl FnMut() + 'static) -> Self {
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |_| on_resize());
        let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref())
            .expect("ResizeObserver is available");
        observer.observe(element);
        Self {
            observer,
            _callback: callback,
        }
    }

    /// Stops watching.
    pub fn stop(&self) {
        self.observer.disconnect();
    }
}

impl Drop for SizeWatch {
    fn drop(&mut self) {
        self.stop();
    }
}
