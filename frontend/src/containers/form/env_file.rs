//! Env files (`.env`): the `NAME=value` lines a pasted file adds to the environment field.

/// Reads an env file: `NAME=value` lines, skipping blank lines and `#` comments, accepting an
/// `export ` prefix and quoted values. Returns the lines to add to the environment field.
pub fn parse_env_file(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.strip_prefix("export ").unwrap_or(line).trim_start())
        .filter_map(|line| {
            let (key, value) = line.split_once('=')?;
            let value = value.trim();
            let unquoted = [('"', '"'), ('\'', '\'')]
                .iter()
                .find_map(|(open, close)| {
                    value
                        .strip_prefix(*open)
                        .and_then(|v| v.strip_suffix(*close))
                })
                .unwrap_or(value);
            Some(format!("{}={unquoted}", key.trim()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_env_files() {
        let text = "# settings\nexport A=1\n\nB=\"two words\"\nC='x'\nnot a pair\n D = spaced \n";
        assert_eq!(
            parse_env_file(text),
            ["A=1", "B=two words", "C=x", "D=spaced"]
        );
    }
}
