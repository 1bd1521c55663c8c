//! Berth's test volume driver: a managed Docker plugin small enough to build in the test suite.
//!
//! It speaks the plugin protocol (JSON over HTTP/1.1) on `/run/docker/plugins/berth.sock`, the
//! socket its `config.json` names: `Plugin.Activate` and the `VolumeDriver.*` calls. A volume is
//! a folder under `/data`, the plugin's propagated mount, so the engine can bind it into
//! containers. Each volume's status carries the `GREETING` setting, which lets a test see that a
//! `PluginSet` reached the plugin. With `EXIT_AT_ONCE` set to anything, it exits as soon as it
//! starts, for tests of an enable that fails. One request per connection, served in turn.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

const SOCKET: &str = "/run/docker/plugins/berth.sock";
const DATA: &str = "/data";

fn main() {
    if std::env::var("EXIT_AT_ONCE").is_ok_and(|value| !value.is_empty()) {
        eprintln!("EXIT_AT_ONCE is set: exiting");
        std::process::exit(3);
    }
    let _ = std::fs::create_dir_all(DATA);
    let _ = std::fs::create_dir_all("/run/docker/plugins");
    let _ = std::fs::remove_file(SOCKET);
    let listener = match UnixListener::bind(SOCKET) {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cannot listen on {SOCKET}: {error}");
            std::process::exit(1);
        }
    };
    for stream in listener.incoming().flatten() {
        if let Err(error) = serve(stream) {
            eprintln!("request failed: {error}");
        }
    }
}

/// Reads one request, answers it and closes the connection.
fn serve(stream: UnixStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let mut length = 0usize;
    let mut chunked = false;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        let (name, value) = header.split_once(':').unwrap_or_default();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "transfer-encoding" => chunked = value.trim().eq_ignore_ascii_case("chunked"),
            _ => {}
        }
    }
    let body = if chunked {
        read_chunked(&mut reader)?
    } else {
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        body
    };
    let answer = answer(&path, &String::from_utf8_lossy(&body));
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.plugins.v1+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    )?;
    stream.flush()
}

/// A chunked body, whole.
fn read_chunked(reader: &mut impl BufRead) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let size =
            usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk)?;
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&chunk[..size]);
    }
}

/// The answer to one call, as JSON.
fn answer(path: &str, body: &str) -> String {
    let name = string_field(body, "Name").unwrap_or_default();
    let valid = !name.is_empty() && !name.contains('/') && name != "." && name != "..";
    let folder = Path::new(DATA).join(&name);
    match path {
        "/Plugin.Activate" => r#"{"Implements":["VolumeDriver"]}"#.to_owned(),
        "/VolumeDriver.Capabilities" => r#"{"Capabilities":{"Scope":"local"}}"#.to_owned(),
        "/VolumeDriver.Create" if valid => match std::fs::create_dir_all(&folder) {
            Ok(()) => r#"{"Err":""}"#.to_owned(),
            Err(error) => failure(&format!("cannot create {name}: {error}")),
        },
        "/VolumeDriver.Remove" if valid => match std::fs::remove_dir_all(&folder) {
            Ok(()) => r#"{"Err":""}"#.to_owned(),
            Err(error) => failure(&format!("cannot remove {name}: {error}")),
        },
        "/VolumeDriver.Mount" | "/VolumeDriver.Path" if valid && folder.is_dir() => {
            format!(r#"{{"Mountpoint":{},"Err":""}}"#, quote(&display(&folder)))
        }
        "/VolumeDriver.Unmount" if valid => r#"{"Err":""}"#.to_owned(),
        "/VolumeDriver.Get" if valid && folder.is_dir() => {
            format!(r#"{{"Volume":{},"Err":""}}"#, volume(&name, &folder))
        }
        "/VolumeDriver.List" => {
            let volumes: Vec<String> = std::fs::read_dir(DATA)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|entry| entry.path().is_dir())
                .map(|entry| {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    volume(&name, &entry.path())
                })
                .collect();
            format!(r#"{{"Volumes":[{}],"Err":""}}"#, volumes.join(","))
        }
        _ if path.starts_with("/VolumeDriver.") => failure(&format!("no such volume: {name}")),
        _ => failure(&format!("unknown call {path}")),
    }
}

/// One volume as the protocol describes it, its status carrying the greeting.
fn volume(name: &str, folder: &Path) -> String {
    let greeting = std::env::var("GREETING").unwrap_or_default();
    format!(
        r#"{{"Name":{},"Mountpoint":{},"Status":{{"greeting":{}}}}}"#,
        quote(name),
        quote(&display(folder)),
        quote(&greeting)
    )
}

fn display(path: &Path) -> String {
    PathBuf::from(path).to_string_lossy().into_owned()
}

fn failure(message: &str) -> String {
    format!(r#"{{"Err":{}}}"#, quote(message))
}

/// A JSON string.
fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The string value of a top-level member of a small JSON object, enough for the engine's
/// requests (`{"Name":"v1","Opts":{}}`): the members Berth's tests send hold no escapes.
fn string_field(body: &str, field: &str) -> Option<String> {
    let key = format!("\"{field}\"");
    let rest = &body[body.find(&key)? + key.len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_name_of_a_request() {
        assert_eq!(
            string_field(r#"{"Name": "v1", "Opts":{}}"#, "Name").as_deref(),
            Some("v1")
        );
        assert_eq!(string_field("{}", "Name"), None);
    }

    #[test]
    fn quotes_json() {
        assert_eq!(quote("a\"b\\c\n"), r#""a\"b\\c\u000a""#);
    }
}
