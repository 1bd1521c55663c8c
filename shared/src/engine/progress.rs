//! The engine's JSON progress stream (pull, push, build, load, import): one JSON message per
//! line, folded into per-layer progress, an overall fraction, a text log and the first error.
//!
//! This is plain logic with no IO, so the browser and native tests use the same code.

use serde::{Deserialize, Serialize};

/// One message of the stream (the engine's `JSONMessage`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProgressMessage {
    /// What happened, such as `Downloading` or `Pull complete`.
    pub status: Option<String>,
    /// The layer (or tag) the message is about.
    pub id: Option<String>,
    /// Bytes done and total.
    #[serde(rename = "progressDetail")]
    pub progress_detail: Option<ProgressDetail>,
    /// Build output text.
    pub stream: Option<String>,
    /// A failure message.
    pub error: Option<String>,
    /// A failure, structured.
    #[serde(rename = "errorDetail")]
    pub error_detail: Option<ErrorDetail>,
    /// Extra results, such as a built image's `{"ID": …}`.
    pub aux: Option<serde_json::Value>,
}

/// Bytes done out of a total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProgressDetail {
    /// Bytes done.
    pub current: Option<u64>,
    /// Bytes in all.
    pub total: Option<u64>,
}

/// A structured failure.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorDetail {
    /// The failure's text.
    pub message: String,
}

/// Where one layer is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LayerProgress {
    /// The short layer id.
    pub id: String,
    /// The last status.
    pub status: String,
    /// Bytes done in the current phase.
    pub current: u64,
    /// Bytes in the current phase, when known.
    pub total: Option<u64>,
    /// 0.0 to 1.0 across the layer's phases (download then extract, or push).
    pub fraction: f64,
}

/// The folded state of a progress stream.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProgressState {
    /// Layers, in the order they first appeared.
    pub layers: Vec<LayerProgress>,
    /// Messages that are not about a layer, and build output, line by line.
    pub log: Vec<String>,
    /// The first error the engine reported.
    pub error: Option<String>,
    /// The image id a build or load reported, if any.
    pub image_id: Option<String>,
    partial_line: String,
    partial_stream: String,
}

/// How a layer status maps to a point in the layer's life: `(phase start, phase weight)` for
/// statuses with byte progress, or a fixed fraction.
fn layer_phase(status: &str) -> Option<Phase> {
    Some(match status {
        "Waiting" | "Pulling fs layer" | "Preparing" => Phase::Fixed(0.0),
        "Downloading" => Phase::Bytes(0.0, 0.7),
        "Verifying Checksum" | "Download complete" => Phase::Fixed(0.7),
        "Extracting" => Phase::Bytes(0.7, 0.3),
        "Pushing" => Phase::Bytes(0.0, 1.0),
        "Pull complete" | "Already exists" | "Pushed" | "Layer already exists" => Phase::Fixed(1.0),
        other if other.starts_with("Mounted from") => Phase::Fixed(1.0),
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy)]
enum Phase {
    Fixed(f64),
    Bytes(f64, f64),
}

impl ProgressState {
    /// Feeds a chunk of the stream, which may end in the middle of a line.
    pub fn feed(&mut self, chunk: &str) {
        self.partial_line.push_str(chunk);
        while let Some(end) = self.partial_line.find('\n') {
            let line: String = self.partial_line.drain(..=end).collect();
            self.feed_line(line.trim());
        }
    }

    /// Handles what is left when the stream ends.
    pub fn finish(&mut self) {
        let rest = std::mem::take(&mut self.partial_line);
        self.feed_line(rest.trim());
        let stream = std::mem::take(&mut self.partial_stream);
        if !stream.is_empty() {
            self.log.push(stream);
        }
    }

    fn feed_line(&mut self, line: &str) {
        if line.is_empty() {
            return;
        }
        match serde_json::from_str::<ProgressMessage>(line) {
            Ok(message) => self.apply(message),
            Err(_) => self.log.push(line.to_owned()),
        }
    }

    /// Applies one message.
    pub fn apply(&mut self, message: ProgressMessage) {
        if let Some(error) = message
            .error_detail
            .map(|detail| detail.message)
            .filter(|text| !text.is_empty())
            .or(message.error)
        {
            // The error is shown once, as the job's outcome, not also in its output.
            self.error.get_or_insert(error);
            return;
        }
        if let Some(id) = message
            .aux
            .as_ref()
            .and_then(|aux| aux.get("ID"))
            .and_then(serde_json::Value::as_str)
        {
            self.image_id = Some(id.to_owned());
        }
        if let Some(text) = message.stream {
            self.partial_stream.push_str(&text);
            while let Some(end) = self.partial_stream.find('\n') {
                let line: String = self.partial_stream.drain(..=end).collect();
                self.log.push(line.trim_end().to_owned());
            }
            return;
        }
        let Some(status) = message.status else {
            return;
        };
        if let Some(loaded) = status.strip_prefix("Loaded image ID: ") {
            self.image_id = Some(loaded.trim().to_owned());
        }
        let phase = layer_phase(&status);
        match (message.id, phase) {
            (Some(id), Some(phase)) => {
                let detail = message.progress_detail.unwrap_or_default();
                self.update_layer(id, status, detail, phase);
            }
            (Some(id), None) => self.log.push(format!("{id}: {status}")),
            (None, _) => self.log.push(status),
        }
    }

    fn update_layer(&mut self, id: String, status: String, detail: ProgressDetail, phase: Phase) {
        let index = match self.layers.iter().position(|layer| layer.id == id) {
            Some(index) => index,
            None => {
                self.layers.push(LayerProgress {
                    id,
                    ..LayerProgress::default()
                });
                self.layers.len() - 1
            }
        };
        let layer = &mut self.layers[index];
        layer.current = detail.current.unwrap_or(0);
        layer.total = detail.total.filter(|total| *total > 0);
        let fraction = match phase {
            Phase::Fixed(fraction) => fraction,
            Phase::Bytes(start, weight) => {
                let done = match layer.total {
                    Some(total) => (layer.current as f64 / total as f64).clamp(0.0, 1.0),
                    None => 0.0,
                };
                start + weight * done
            }
        };
        // Progress only moves forward, even if the engine retries a download.
        layer.fraction = layer.fraction.max(fraction);
        layer.status = status;
    }

    /// The mean of the layers' fractions, or `None` before any layer appears.
    pub fn overall(&self) -> Option<f64> {
        if self.layers.is_empty() {
            return None;
        }
        let sum: f64 = self.layers.iter().map(|layer| layer.fraction).sum();
        Some(sum / self.layers.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PULL: &str = r#"{"status":"Pulling from library/busybox","id":"latest"}
{"status":"Pulling fs layer","progressDetail":{},"id":"a1"}
{"status":"Pulling fs layer","progressDetail":{},"id":"b2"}
{"status":"Downloading","progressDetail":{"current":50,"total":100},"progress":"[=====>  ]","id":"a1"}
{"status":"Already exists","progressDetail":{},"id":"b2"}
"#;

    #[test]
    fn folds_a_pull_into_layers_in_any_chunking() {
        let mut whole = ProgressState::default();
        whole.feed(PULL);
        let mut bytewise = ProgressState::default();
        for piece in PULL.as_bytes().chunks(7) {
            bytewise.feed(std::str::from_utf8(piece).unwrap());
        }
        assert_eq!(whole, bytewise);
        assert_eq!(whole.log, ["latest: Pulling from library/busybox"]);
        assert_eq!(whole.layers.len(), 2);
        assert_eq!(whole.layers[0].status, "Downloading");
        assert!((whole.layers[0].fraction - 0.35).abs() < 1e-9);
        assert!((whole.layers[1].fraction - 1.0).abs() < 1e-9);
        assert!((whole.overall().unwrap() - 0.675).abs() < 1e-9);

        whole.feed("{\"status\":\"Extracting\",\"progressDetail\":{\"current\":100,\"total\":100},\"id\":\"a1\"}\n");
        whole.feed(
            "{\"status\":\"Pull complete\",\"id\":\"a1\"}\n{\"status\":\"Digest: sha256:ab\"}\n",
        );
        assert_eq!(whole.overall(), Some(1.0));
        assert_eq!(
            whole.log.last().map(String::as_str),
            Some("Digest: sha256:ab")
        );
        assert_eq!(whole.error, None);
    }

    #[test]
    fn progress_never_goes_back() {
        let mut state = ProgressState::default();
        state.feed("{\"status\":\"Pushing\",\"progressDetail\":{\"current\":80,\"total\":100},\"id\":\"c3\"}\n");
        state.feed("{\"status\":\"Pushing\",\"progressDetail\":{\"current\":10,\"total\":100},\"id\":\"c3\"}\n");
        assert!((state.layers[0].fraction - 0.8).abs() < 1e-9);
    }

    #[test]
    fn keeps_build_output_errors_and_the_image_id() {
        let mut state = ProgressState::default();
        state.feed("{\"stream\":\"Step 1/2 : FROM busybox\\n\"}\n{\"stream\":\" ---> 6eb\"}\n");
        state.feed("{\"stream\":\"e\\n\"}\n{\"aux\":{\"ID\":\"sha256:feed\"}}\n");
        state.feed("{\"errorDetail\":{\"message\":\"boom\"},\"error\":\"boom\"}\nnot json");
        state.finish();
        assert_eq!(
            state.log,
            ["Step 1/2 : FROM busybox", " ---> 6ebe", "not json"]
        );
        assert_eq!(state.image_id.as_deref(), Some("sha256:feed"));
        assert_eq!(state.error.as_deref(), Some("boom"));
        assert_eq!(state.overall(), None);
    }

    #[test]
    fn notes_a_loaded_image() {
        let mut state = ProgressState::default();
        state.feed("{\"stream\":\"Loaded image: app:1\\n\"}\n{\"status\":\"Loaded image ID: sha256:aa\"}\n");
        assert_eq!(state.image_id.as_deref(), Some("sha256:aa"));
        assert_eq!(
            state.log,
            ["Loaded image: app:1", "Loaded image ID: sha256:aa"]
        );
    }
}
