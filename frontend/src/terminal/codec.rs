//! The terminal protocol on the browser's side ([`berth_shared::terminal`]): decoding the
//! backend's frames and encoding the browser's. No DOM, so it is unit-tested natively.

use berth_shared::terminal::{ClientMessage, ServerMessage, StreamTag, TerminalTarget};

/// A frame from the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// Process output.
    Output {
        /// Which stream.
        stream: StreamTag,
        /// The bytes (UTF-8 aligned by the backend).
        data: Vec<u8>,
    },
    /// A control message.
    Control(ServerMessage),
}

/// Why a frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// A binary frame without a known stream tag.
    #[error("an output frame with an unknown stream tag")]
    UnknownStream,
    /// A text frame that is not a server message.
    #[error("an unreadable control message: {0}")]
    BadControl(String),
}

/// Reads a binary frame.
pub fn decode_binary(frame: &[u8]) -> Result<Incoming, CodecError> {
    let (&tag, data) = frame.split_first().ok_or(CodecError::UnknownStream)?;
    let stream = StreamTag::from_byte(tag).ok_or(CodecError::UnknownStream)?;
    Ok(Incoming::Output {
        stream,
        data: data.to_vec(),
    })
}

/// Reads a text frame.
pub fn decode_text(text: &str) -> Result<Incoming, CodecError> {
    serde_json::from_str(text)
        .map(Incoming::Control)
        .map_err(|error| CodecError::BadControl(error.to_string()))
}

/// The opening message.
pub fn open_message(container: &str, target: &TerminalTarget, cols: u16, rows: u16) -> String {
    encode(&ClientMessage::Open {
        container: container.to_owned(),
        target: target.clone(),
        cols,
        rows,
    })
}

/// A resize message.
pub fn resize_message(cols: u16, rows: u16) -> String {
    encode(&ClientMessage::Resize { cols, rows })
}

fn encode(message: &ClientMessage) -> String {
    serde_json::to_string(message).unwrap_or_default()
}

/// Raw input from xterm's `onBinary`: one byte per character.
pub fn binary_input(data: &str) -> Vec<u8> {
    data.chars().map(|c| (u32::from(c) & 0xFF) as u8).collect()
}

/// Output as the terminal shows it: stderr (only told apart without a TTY) in red.
pub fn styled_output(stream: StreamTag, data: &[u8]) -> Vec<u8> {
    match stream {
        StreamTag::Stdout => data.to_vec(),
        StreamTag::Stderr => [b"\x1b[31m".as_slice(), data, b"\x1b[39m"].concat(),
    }
}

/// The WebSocket URL of the terminal endpoint, on the page's own origin.
pub fn socket_url(protocol: &str, host: &str, environment: &str) -> String {
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    let env = crate::api::percent_encode(environment);
    format!("{scheme}://{host}/api/env/{env}/terminal")
}

#[cfg(test)]
mod tests {
    use super::*;
    use berth_shared::terminal::TerminalErrorKind;

    #[test]
    fn decodes_output_and_control_frames() {
        assert_eq!(
            decode_binary(&[2, b'x']),
            Ok(Incoming::Output {
                stream: StreamTag::Stderr,
                data: vec![b'x']
            })
        );
        assert_eq!(decode_binary(&[]), Err(CodecError::UnknownStream));
        assert_eq!(decode_binary(&[9]), Err(CodecError::UnknownStream));
        assert_eq!(
            decode_text(r#"{"type":"error","kind":"command_not_found","message":"no shell"}"#),
            Ok(Incoming::Control(ServerMessage::Error {
                kind: TerminalErrorKind::CommandNotFound,
                message: "no shell".into()
            }))
        );
        assert!(decode_text("{}").is_err());
    }

    #[test]
    fn encodes_client_messages() {
        assert_eq!(
            resize_message(100, 30),
            r#"{"type":"resize","cols":100,"rows":30}"#
        );
        let open = open_message(
            "web",
            &TerminalTarget::Attach {
                detach_keys: "ctrl-p,ctrl-q".into(),
            },
            80,
            24,
        );
        assert!(
            open.starts_with(r#"{"type":"open","container":"web""#),
            "{open}"
        );
    }

    #[test]
    fn input_and_output_bytes() {
        assert_eq!(binary_input("\u{1b}[M\u{ff}"), vec![0x1b, b'[', b'M', 0xff]);
        assert_eq!(styled_output(StreamTag::Stdout, b"a"), b"a");
        assert_eq!(
            styled_output(StreamTag::Stderr, b"e"),
            b"\x1b[31me\x1b[39m".to_vec()
        );
    }

    #[test]
    fn socket_urls_follow_the_page() {
        assert_eq!(
            socket_url("https:", "console.example:8443", "prod eu"),
            "wss://console.example:8443/api/env/prod%20eu/terminal"
        );
        assert_eq!(
            socket_url("http:", "127.0.0.1:8080", "local"),
            "ws://127.0.0.1:8080/api/env/local/terminal"
        );
    }
}
