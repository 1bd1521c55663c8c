//! Small bindings to xterm.js 6 and its fit add-on, and their lazy loading: their ES modules and
//! stylesheet (copied into `dist/xterm/` by Trunk) are loaded when the first terminal opens, so
//! the first page load does not carry them.

use std::cell::RefCell;

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// `Terminal` from `@xterm/xterm` (published on `globalThis` once loaded).
    pub type Terminal;

    #[wasm_bindgen(constructor)]
    fn new_with(options: &Object) -> Terminal;

    /// Renders the terminal into `parent`.
    #[wasm_bindgen(method)]
    pub fn open(this: &Terminal, parent: &web_sys::HtmlElement);

    /// Writes output (UTF-8 bytes, decoded by xterm across calls).
    #[wasm_bindgen(method, js_name = write)]
    pub fn write_bytes(this: &Terminal, data: &Uint8Array);

    /// Writes text.
    #[wasm_bindgen(method, js_name = write)]
    pub fn write_str(this: &Terminal, data: &str);

    /// Pastes text as the user would (bracketed paste when the program asked for it).
    #[wasm_bindgen(method)]
    pub fn paste(this: &Terminal, data: &str);

    /// Moves keyboard focus into the terminal.
    #[wasm_bindgen(method)]
    pub fn focus(this: &Terminal);

    /// The selected text.
    #[wasm_bindgen(method, js_name = getSelection)]
    pub fn selection(this: &Terminal) -> String;

    /// Whether any text is selected.
    #[wasm_bindgen(method, js_name = hasSelection)]
    pub fn has_selection(this: &Terminal) -> bool;

    /// Loads an add-on.
    #[wasm_bindgen(method, js_name = loadAddon)]
    pub fn load_addon(this: &Terminal, addon: &FitAddon);

    /// Calls back with each piece of typed input (a string).
    #[wasm_bindgen(method, js_name = onData)]
    pub fn on_data(this: &Terminal, callback: &Function) -> JsValue;

    /// Calls back with raw binary input (some mouse reports), one byte per character.
    #[wasm_bindgen(method, js_name = onBinary)]
    pub fn on_binary(this: &Terminal, callback: &Function) -> JsValue;

    /// Calls back with `{cols, rows}` whenever the size changes.
    #[wasm_bindgen(method, js_name = onResize)]
    pub fn on_resize(this: &Terminal, callback: &Function) -> JsValue;

    /// Lets the page handle some keys first (return false to keep them from the terminal).
    #[wasm_bindgen(method, js_name = attachCustomKeyEventHandler)]
    pub fn attach_custom_key_event_handler(this: &Terminal, callback: &Function);

    /// Columns.
    #[wasm_bindgen(method, getter)]
    pub fn cols(this: &Terminal) -> u16;

    /// Rows.
    #[wasm_bindgen(method, getter)]
    pub fn rows(this: &Terminal) -> u16;

    /// The options object; setting `theme` on it restyles the terminal.
    #[wasm_bindgen(method, getter)]
    pub fn options(this: &Terminal) -> Object;

    /// Removes the terminal and its listeners.
    #[wasm_bindgen(method)]
    pub fn dispose(this: &Terminal);

}

#[wasm_bindgen]
extern "C" {
    /// `FitAddon` from `@xterm/addon-fit` (its module is published as `globalThis.FitAddon`).
    pub type FitAddon;

    /// Sizes the terminal to fill its element.
    #[wasm_bindgen(method)]
    pub fn fit(this: &FitAddon);

}

// The ES module builds are a quarter smaller than the UMD ones; a dynamic import loads both at
// once, and publishes their classes where the bindings above look for them.
#[wasm_bindgen(inline_js = "export function import_modules(xterm, fit) {
  return Promise.all([import(xterm), import(fit)]).then(([x, f]) => {
    globalThis.Terminal = x.Terminal;
    globalThis.FitAddon = f;
  });
}")]
extern "C" {
    fn import_modules(xterm: &str, fit: &str) -> Promise;
}

impl Terminal {
    /// A terminal with Berth's options and the given theme colours.
    pub fn create(theme: &Object) -> Terminal {
        let options = Object::new();
        let set = |key: &str, value: JsValue| {
            let _ = Reflect::set(&options, &key.into(), &value);
        };
        set("cursorBlink", true.into());
        set("fontSize", 13.into());
        set(
            "fontFamily",
            "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace".into(),
        );
        set("scrollback", 5000.into());
        set("theme", theme.into());
        Terminal::new_with(&options)
    }

    /// Whether a line feed also returns the cursor to the left edge. A process without a TTY
    /// writes bare `\n`, which only a TTY's line discipline would have turned into `\r\n`;
    /// `docker attach` shows such output line by line, and so does this.
    pub fn set_convert_eol(&self, convert: bool) {
        let _ = Reflect::set(&self.options(), &"convertEol".into(), &convert.into());
    }

    /// Applies theme colours to a running terminal.
    pub fn set_theme(&self, theme: &Object) {
        let _ = Reflect::set(&self.options(), &"theme".into(), theme);
    }
}

impl FitAddon {
    /// A new fit add-on (`new globalThis.FitAddon.FitAddon()`).
    pub fn create() -> Result<FitAddon, String> {
        let global = js_sys::global();
        let class = Reflect::get(&global, &"FitAddon".into())
            .and_then(|module| Reflect::get(&module, &"FitAddon".into()))
            .ok()
            .and_then(|class| class.dyn_into::<Function>().ok())
            .ok_or("the terminal's fit add-on is missing")?;
        Reflect::construct(&class, &js_sys::Array::new())
            .map(JsCast::unchecked_into)
            .map_err(|_| "the terminal's fit add-on could not start".to_owned())
    }
}

thread_local! {
    static LOADING: RefCell<Option<Promise>> = const { RefCell::new(None) };
}

/// Loads xterm.js, its fit add-on and its stylesheet once; later calls wait for the same load.
pub async fn load() -> Result<(), String> {
    let promise = LOADING.with(|loading| {
        loading
            .borrow_mut()
            .get_or_insert_with(start_loading)
            .clone()
    });
    JsFuture::from(promise).await.map(drop).map_err(|_| {
        // Let the next terminal try again.
        LOADING.with(|loading| loading.borrow_mut().take());
        "the terminal's scripts could not be loaded".to_owned()
    })
}

fn start_loading() -> Promise {
    if let Some(document) = web_sys::window().and_then(|window| window.document())
        && let (Ok(link), Some(head)) = (document.create_element("link"), document.head())
    {
        let _ = link.set_attribute("rel", "stylesheet");
        let _ = link.set_attribute("href", "/xterm/xterm.css");
        let _ = head.append_child(&link);
    }
    import_modules("/xterm/xterm.mjs", "/xterm/addon-fit.mjs")
}
