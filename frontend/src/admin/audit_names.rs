//! Names beside the engine ids in an audit record's target, such as `web1 (02c6…)`, for the
//! objects the page knows (pure).

/// One object the page knows: its full id and the name people call it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    /// The engine's id, without `sha256:`.
    pub id: String,
    /// The container's name, the image's first tag, the network's name.
    pub name: String,
}

/// The shortest id an engine path can carry that is still read as one.
const SHORTEST_ID: usize = 12;

/// `target` with each engine id the page knows written as `name (0123…)`; other text stays.
pub fn with_names(target: &str, known: &[Known]) -> String {
    let mut out = String::with_capacity(target.len());
    let mut rest = target;
    while !rest.is_empty() {
        let run = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let (word, after) = rest.split_at(run);
        out.push_str(&named(word, known).unwrap_or_else(|| word.to_owned()));
        let mut chars = after.chars();
        if let Some(separator) = chars.next() {
            out.push(separator);
        }
        rest = chars.as_str();
    }
    out
}

/// `word` as `name (0123…)` when it is the id, or the start of the id, of an object in `known`.
fn named(word: &str, known: &[Known]) -> Option<String> {
    let hex = word.len() >= SHORTEST_ID && word.chars().all(|c| c.is_ascii_hexdigit());
    if !hex {
        return None;
    }
    let word = word.to_ascii_lowercase();
    known
        .iter()
        .find(|object| !object.name.is_empty() && object.id.starts_with(&word))
        .map(|object| format!("{} ({}…)", object.name, &word[..4]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<Known> {
        vec![
            Known {
                id: "02c6aa11bb22cc33dd44ee55ff660077889900aabbccddeeff00112233445566".into(),
                name: "web1".into(),
            },
            Known {
                id: "9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f".into(),
                name: String::new(),
            },
        ]
    }

    #[test]
    fn a_known_id_gets_its_name() {
        let target = "/engine/local/containers/02c6aa11bb22cc33dd44ee55ff660077889900aabbccddeeff00112233445566/start";
        assert_eq!(
            with_names(target, &known()),
            "/engine/local/containers/web1 (02c6…)/start"
        );
        assert_eq!(
            with_names("/containers/02c6aa11bb22?force=1", &known()),
            "/containers/web1 (02c6…)?force=1"
        );
    }

    #[test]
    fn unknown_ids_names_and_short_words_stay() {
        let all = known();
        for target in [
            "/engine/local/containers/web1/stop",
            "/containers/abcdefabcdef0123/json",
            "/containers/02c6aa/json",
            "/containers/9f9f9f9f9f9f9f/json",
            "fromImage=busybox&tag=latest",
            "",
        ] {
            assert_eq!(with_names(target, &all), target);
        }
    }
}
