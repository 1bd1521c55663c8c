//! One terminal: xterm.js connected through the terminal WebSocket to one exec or attach.
//! It fits its element (a `ResizeObserver`, with every size change sent to the engine),
//! follows the theme, copies and pastes, shows how the session ended, and reconnects.

use std::cell::RefCell;
use std::rc::Rc;

use berth_shared::terminal::{ServerMessage, TerminalTarget};
use js_sys::{ArrayBuffer, Object, Reflect, Uint8Array};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, KeyboardEvent, MessageEvent, WebSocket};

use super::codec::{self, Incoming};
use super::colors::palette;
use super::status::PaneStatus;
use super::xterm::{self, FitAddon, Terminal};
use crate::app::theme;
use crate::components::clipboard;
use crate::components::copy_button::copy_and_say;
use crate::components::size_watch::SizeWatch;
use crate::components::toast::use_toaster;

/// The largest stdin message sent at once (a big paste is split).
const STDIN_CHUNK: usize = 64 * 1024;

/// What a pane connects to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaneTarget {
    /// The environment id.
    pub environment: String,
    /// The container id or name.
    pub container: String,
    /// What to run.
    pub target: TerminalTarget,
}

type SocketCell = Rc<RefCell<Option<WebSocket>>>;
type Listener = Closure<dyn FnMut(JsValue)>;

/// A mounted terminal and everything that must be released with it.
struct Live {
    term: Terminal,
    fit: FitAddon,
    socket: SocketCell,
    status: RwSignal<PaneStatus>,
    target: PaneTarget,
    socket_handlers: RefCell<Vec<Listener>>,
    size_watch: SizeWatch,
    theme_observer: web_sys::MutationObserver,
    _listeners: Vec<Listener>,
    _keys: Closure<dyn FnMut(KeyboardEvent) -> bool>,
}

/// One terminal session in a box that it fills.
#[component]
pub fn TerminalPane(
    /// Where to connect.
    target: PaneTarget,
    /// The session's state, shared with the tab.
    status: RwSignal<PaneStatus>,
    /// Whether the pane is shown (it refits and takes focus when it becomes so).
    #[prop(into)]
    visible: Signal<bool>,
) -> impl IntoView {
    let host = NodeRef::<leptos::html::Div>::new();
    let live = StoredValue::new_local(None::<Rc<Live>>);
    let toaster = use_toaster();

    Effect::new(move |started: Option<bool>| {
        if started == Some(true) {
            return true;
        }
        let Some(element) = host.get() else {
            return false;
        };
        let target = target.clone();
        spawn_local(async move {
            status.set(PaneStatus::Loading);
            if let Err(message) = xterm::load().await {
                status.set(PaneStatus::Failed {
                    kind: None,
                    message,
                });
                return;
            }
            match Live::mount(&element, target, status) {
                Ok(mounted) => {
                    mounted.connect();
                    live.try_set_value(Some(mounted));
                }
                Err(message) => status.set(PaneStatus::Failed {
                    kind: None,
                    message,
                }),
            }
        });
        true
    });
    Effect::new(move |_| {
        if visible.get() {
            live.with_value(|live| {
                if let Some(live) = live {
                    live.fit.fit();
                    live.term.focus();
                }
            });
        }
    });
    on_cleanup(move || {
        if let Some(Some(live)) = live.try_update_value(Option::take) {
            live.close();
        }
    });

    let with_live = move |action: fn(&Rc<Live>)| {
        live.with_value(|live| {
            if let Some(live) = live {
                action(live);
            }
        });
    };
    let copy = move |_| {
        let text = live.with_value(|live| {
            live.as_ref()
                .filter(|live| live.term.has_selection())
                .map(|live| live.term.selection())
        });
        match text {
            Some(text) => copy_and_say(toaster, text, "the selection"),
            None => toaster.error("Select text in the terminal to copy it".to_owned()),
        }
    };
    let paste = move |_| with_live(Live::paste_clipboard);
    let reconnect = move |_| with_live(Live::reconnect);

    view! {
        <div class="term-pane" class:term-hidden=move || !visible.get()>
            <div class="term-bar">
                <span class=move || format!("badge {}", status.with(PaneStatus::tone)) data-testid="terminal-status">
                    {move || status.with(PaneStatus::label)}
                </span>
                <div class="term-bar-actions">
                    <button type="button" class="btn btn-small btn-ghost" title="Copy the selection (Ctrl+Shift+C)" on:click=copy>
                        "Copy"
                    </button>
                    <button type="button" class="btn btn-small btn-ghost" title="Paste (Ctrl+Shift+V)" on:click=paste>
                        "Paste"
                    </button>
                    <Show when=move || status.with(PaneStatus::ended)>
                        <button type="button" class="btn btn-small btn-primary" data-testid="terminal-reconnect" on:click=reconnect>
                            "Reconnect"
                        </button>
                    </Show>
                </div>
            </div>
            {move || status.with(PaneStatus::explanation).map(|text| view! {
                <p class="term-message" role="alert" data-testid="terminal-message">{text}</p>
            })}
            <div class="term-host" node_ref=host data-testid="terminal"></div>
        </div>
    }
}

impl Live {
    /// Creates the terminal in `element` and wires its input, size and theme.
    fn mount(
        element: &web_sys::HtmlDivElement,
        target: PaneTarget,
        status: RwSignal<PaneStatus>,
    ) -> Result<Rc<Live>, String> {
        let fit = FitAddon::create()?;
        let term = Terminal::create(&theme_object(theme::current()));
        term.load_addon(&fit);
        term.open(element);
        fit.fit();
        let socket: SocketCell = Rc::new(RefCell::new(None));

        let input_socket = socket.clone();
        let on_data = Closure::<dyn FnMut(JsValue)>::new(move |data: JsValue| {
            if let Some(text) = data.as_string() {
                send_stdin(&input_socket, text.as_bytes());
            }
        });
        term.on_data(on_data.as_ref().unchecked_ref());
        let binary_socket = socket.clone();
        let on_binary = Closure::<dyn FnMut(JsValue)>::new(move |data: JsValue| {
            if let Some(text) = data.as_string() {
                send_stdin(&binary_socket, &codec::binary_input(&text));
            }
        });
        term.on_binary(on_binary.as_ref().unchecked_ref());
        let resize_socket = socket.clone();
        let on_resize = Closure::<dyn FnMut(JsValue)>::new(move |size: JsValue| {
            let get = |key: &str| {
                Reflect::get(&size, &key.into())
                    .ok()
                    .and_then(|value| value.as_f64())
                    .unwrap_or(0.0) as u16
            };
            if let Some(socket) = open_socket(&resize_socket) {
                let _ = socket.send_with_str(&codec::resize_message(get("cols"), get("rows")));
            }
        });
        term.on_resize(on_resize.as_ref().unchecked_ref());

        let key_term = term.clone().unchecked_into::<Terminal>();
        let key_socket = socket.clone();
        let keys = Closure::<dyn FnMut(KeyboardEvent) -> bool>::new(move |event: KeyboardEvent| {
            if event.type_() != "keydown" || !(event.ctrl_key() && event.shift_key()) {
                return true;
            }
            match event.key().to_ascii_lowercase().as_str() {
                "c" if key_term.has_selection() => {
                    let text = key_term.selection();
                    spawn_local(async move {
                        let _ = clipboard::copy_text(&text).await;
                    });
                    event.prevent_default();
                    false
                }
                "v" => {
                    let term = key_term.clone().unchecked_into::<Terminal>();
                    let socket = key_socket.clone();
                    spawn_local(async move {
                        if let Ok(text) = clipboard::read_text().await
                            && open_socket(&socket).is_some()
                        {
                            term.paste(&text);
                        }
                    });
                    event.prevent_default();
                    false
                }
                _ => true,
            }
        });
        term.attach_custom_key_event_handler(keys.as_ref().unchecked_ref());

        let observer_fit = fit.clone().unchecked_into::<FitAddon>();
        let size_watch = SizeWatch::new(element, move || observer_fit.fit());

        let theme_term = term.clone().unchecked_into::<Terminal>();
        let on_theme = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            theme_term.set_theme(&theme_object(theme::current()));
        });
        let theme_observer = web_sys::MutationObserver::new(on_theme.as_ref().unchecked_ref())
            .expect("MutationObserver is available");
        if let Some(root) = document().document_element() {
            let options = web_sys::MutationObserverInit::new();
            options.set_attributes(true);
            options.set_attribute_filter(&js_sys::Array::of1(&"data-theme".into()));
            let _ = theme_observer.observe_with_options(&root, &options);
        }

        Ok(Rc::new(Live {
            term,
            fit,
            socket,
            status,
            target,
            socket_handlers: RefCell::new(Vec::new()),
            size_watch,
            theme_observer,
            _listeners: vec![on_data, on_binary, on_resize, on_theme],
            _keys: keys,
        }))
    }

    /// Opens the socket and starts the session.
    fn connect(self: &Rc<Self>) {
        self.status.set(PaneStatus::Connecting);
        let location = window().location();
        let url = codec::socket_url(
            &location.protocol().unwrap_or_default(),
            &location.host().unwrap_or_default(),
            &self.target.environment,
        );
        let socket = match WebSocket::new(&url) {
            Ok(socket) => socket,
            Err(_) => {
                self.status.set(PaneStatus::Lost);
                return;
            }
        };
        socket.set_binary_type(BinaryType::Arraybuffer);

        let opening = codec::open_message(
            &self.target.container,
            &self.target.target,
            self.term.cols(),
            self.term.rows(),
        );
        let open_socket_ref = socket.clone();
        let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            let _ = open_socket_ref.send_with_str(&opening);
        });

        let term = self.term.clone().unchecked_into::<Terminal>();
        let status = self.status;
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let data = event.unchecked_into::<MessageEvent>().data();
            let incoming = if let Some(buffer) = data.dyn_ref::<ArrayBuffer>() {
                codec::decode_binary(&Uint8Array::new(buffer).to_vec())
            } else if let Some(text) = data.as_string() {
                codec::decode_text(&text)
            } else {
                return;
            };
            match incoming {
                Ok(Incoming::Output { stream, data }) => {
                    let bytes = codec::styled_output(stream, &data);
                    term.write_bytes(&Uint8Array::from(bytes.as_slice()));
                }
                Ok(Incoming::Control(message)) => show_control(&term, status, message),
                Err(error) => {
                    term.write_str(&format!("\r\n\x1b[31m{error}\x1b[39m\r\n"));
                }
            }
        });

        let on_close = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            // The pane may be gone (its signals with it) when the socket closes.
            if status
                .try_get_untracked()
                .is_some_and(|state| !state.ended())
            {
                status.set(PaneStatus::Lost);
            }
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        *self.socket_handlers.borrow_mut() = vec![on_open, on_message, on_close];
        *self.socket.borrow_mut() = Some(socket);
    }

    /// Starts a new session in the same terminal.
    fn reconnect(self: &Rc<Self>) {
        self.disconnect();
        self.term
            .write_str("\r\n\x1b[2m── reconnecting ──\x1b[22m\r\n");
        self.connect();
        self.term.focus();
    }

    fn paste_clipboard(self: &Rc<Self>) {
        let live = self.clone();
        spawn_local(async move {
            match clipboard::read_text().await {
                Ok(text) if open_socket(&live.socket).is_some() => {
                    live.term.paste(&text);
                    live.term.focus();
                }
                Ok(_) => {}
                Err(error) => live
                    .term
                    .write_str(&format!("\r\n\x1b[33m{error}\x1b[39m\r\n")),
            }
        });
    }

    fn disconnect(&self) {
        if let Some(socket) = self.socket.borrow_mut().take() {
            socket.set_onopen(None);
            socket.set_onmessage(None);
            socket.set_onclose(None);
            let _ = socket.close();
        }
        self.socket_handlers.borrow_mut().clear();
    }

    /// Closes the session and removes the terminal.
    fn close(&self) {
        self.disconnect();
        self.size_watch.stop();
        self.theme_observer.disconnect();
        self.term.dispose();
    }
}

/// Shows a control message in the terminal and the status.
fn show_control(term: &Terminal, status: RwSignal<PaneStatus>, message: ServerMessage) {
    match message {
        ServerMessage::Started { command, tty, .. } => {
            // Without a TTY, nothing turns the process's `\n` into `\r\n`: the terminal does.
            term.set_convert_eol(!tty);
            let command = if command.is_empty() {
                "attached".to_owned()
            } else {
                command.join(" ")
            };
            status.set(PaneStatus::Running { command });
            term.focus();
        }
        ServerMessage::Exited { code } => {
            let text = match code {
                Some(code) => format!("exited with code {code}"),
                None => "exited".to_owned(),
            };
            term.write_str(&format!("\r\n\x1b[2m── {text} ──\x1b[22m\r\n"));
            status.set(PaneStatus::Exited(code));
        }
        ServerMessage::Detached => {
            term.write_str("\r\n\x1b[2m── detached; the container still runs ──\x1b[22m\r\n");
            status.set(PaneStatus::Detached);
        }
        ServerMessage::Error { kind, message } => {
            term.write_str(&format!("\r\n\x1b[31m{message}\x1b[39m\r\n"));
            status.set(PaneStatus::Failed {
                kind: Some(kind),
                message,
            });
        }
    }
}

/// The socket, if it is open.
fn open_socket(socket: &SocketCell) -> Option<WebSocket> {
    socket
        .borrow()
        .as_ref()
        .filter(|socket| socket.ready_state() == WebSocket::OPEN)
        .cloned()
}

/// Sends input as binary frames, split so that a large paste stays under the server's limit.
fn send_stdin(socket: &SocketCell, bytes: &[u8]) {
    if let Some(socket) = open_socket(socket) {
        for chunk in bytes.chunks(STDIN_CHUNK) {
            let _ = socket.send_with_u8_array(chunk);
        }
    }
}

/// xterm's `theme` option for Berth's theme.
fn theme_object(theme: theme::Theme) -> Object {
    let object = Object::new();
    for (key, value) in palette(theme) {
        let _ = Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    object
}
