//! Whose logs the viewer reads: a container's, a whole service's (aggregated by the engine over
//! every task on every node), or one task's. A swarm's lines come with their details (the task
//! and node they are from), which become a prefix such as `web.2@nas`, so the search box finds
//! one task's lines and the download keeps who said what.

use std::collections::BTreeMap;

use web_sys::AbortSignal;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::api::engine::containers::LogRange;
use crate::api::stream::ByteStream;
use crate::logs::lines::RawLine;

/// Whose logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogSource {
    /// One container; `tty` says whether its output is raw or multiplexed.
    Container { id: String, tty: bool },
    /// A service's tasks, or one task of it (`task`): `tasks` names them (`web.2@nas`) and
    /// `nodes` names nodes for tasks not known yet.
    Swarm {
        id: String,
        task: bool,
        tasks: BTreeMap<String, String>,
        nodes: BTreeMap<String, String>,
    },
}

const TASK_ID: &str = "com.docker.swarm.task.id";
const NODE_ID: &str = "com.docker.swarm.node.id";

impl LogSource {
    /// Whether the stream is raw (a TTY's) rather than multiplexed.
    pub fn tty(&self) -> bool {
        match self {
            Self::Container { tty, .. } => *tty,
            Self::Swarm { .. } => false,
        }
    }

    /// Streams the logs of `range`.
    pub async fn open(
        &self,
        engine: &Engine,
        range: &LogRange,
        signal: &AbortSignal,
    ) -> Result<ByteStream, ApiError> {
        match self {
            Self::Container { id, .. } => engine.container_logs(id, range, signal).await,
            Self::Swarm {
                id, task: false, ..
            } => engine.service_logs(id, range, signal).await,
            Self::Swarm { id, task: true, .. } => engine.task_logs(id, range, signal).await,
        }
    }

    /// Turns a service line's details into its task's name; a container's lines stay as they
    /// are.
    pub fn label_lines(&self, lines: &mut [RawLine]) {
        let Self::Swarm { tasks, nodes, .. } = self else {
            return;
        };
        for line in lines {
            line.text = labelled(&line.text, tasks, nodes);
        }
    }
}

/// `details message` as `task message`: the details are `key=value` pairs separated by commas,
/// before the first space.
pub fn labelled(
    text: &str,
    tasks: &BTreeMap<String, String>,
    nodes: &BTreeMap<String, String>,
) -> String {
    let (details, message) = text.split_once(' ').unwrap_or((text, ""));
    if !details.contains('=') {
        return text.to_owned();
    }
    let value = |key: &str| {
        details
            .split(',')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    };
    let label = match value(TASK_ID) {
        Some(task) => tasks.get(task).cloned().unwrap_or_else(|| {
            let node = value(NODE_ID)
                .map(|node| {
                    nodes
                        .get(node)
                        .cloned()
                        .unwrap_or_else(|| node.chars().take(12).collect())
                })
                .unwrap_or_default();
            format!("{}@{node}", task.chars().take(12).collect::<String>())
        }),
        None => return text.to_owned(),
    };
    format!("{label} {message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_become_the_task_name() {
        let tasks = BTreeMap::from([("t1".to_owned(), "web.1@nas".to_owned())]);
        let nodes = BTreeMap::from([("n2".to_owned(), "pi".to_owned())]);
        assert_eq!(
            labelled(
                "com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s,com.docker.swarm.task.id=t1 hello world",
                &tasks,
                &nodes
            ),
            "web.1@nas hello world"
        );
        // A task that started after the page loaded: its short id, on its node.
        assert_eq!(
            labelled(
                "com.docker.swarm.node.id=n2,com.docker.swarm.task.id=abcdefghijklmnop up",
                &tasks,
                &nodes
            ),
            "abcdefghijkl@pi up"
        );
        // A line without details stays.
        assert_eq!(labelled("plain text", &tasks, &nodes), "plain text");
    }
}
