//! Command lines as words: splitting what a user typed into an argv, and quoting an argv back
//! into a line a shell reads the same way.
//!
//! The create form's command and entrypoint and the terminal's custom command are split here,
//! so a line gives the same argv wherever it is typed. The rules are those of the Go
//! `shellwords` package the docker tooling splits command strings with: blanks (space, tab,
//! newline, carriage return) separate words; single quotes keep everything up to the next
//! single quote; double quotes group, and inside them a backslash still escapes the next
//! character; outside single quotes a backslash escapes the next character, which stands for
//! itself (newer versions of that package turn `\t` and `\n` into a tab and a newline; here
//! they stay `t` and `n`, as in the shells users copy lines from); `''` and `""` are empty words.
//! A line that ends inside a quote or on a lone backslash is refused rather than guessed at.
//! Nothing is expanded, and `$`, backticks, parentheses and operators such as `;` are ordinary
//! characters, since the engine runs the argv without a shell.

/// Why a line could not be split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// A `'` or `"` is never closed.
    #[error("a {0} quote is not closed")]
    UnclosedQuote(char),
    /// The line ends with a backslash that escapes nothing.
    #[error("the line ends with a backslash")]
    TrailingBackslash,
}

/// Splits a command line into words.
pub fn split(line: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut word = String::new();
    // Whether a word has begun: `""` begins one that stays empty.
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('\''), c) => word.push(c),
            (_, '\\') => {
                word.push(chars.next().ok_or(SplitError::TrailingBackslash)?);
                in_word = true;
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, ' ' | '\t' | '\n' | '\r') => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (_, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if let Some(quote) = quote {
        return Err(SplitError::UnclosedQuote(quote));
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Quotes a word for a POSIX shell, only when it needs it; [`split`] reads it back unchanged.
pub fn quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
    if safe {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines and the argv the Go `shellwords` parser makes of them (checked with its `Parse`).
    const CASES: &[(&str, &[&str])] = &[
        ("", &[]),
        ("   \t\n ", &[]),
        ("ls -la /tmp", &["ls", "-la", "/tmp"]),
        ("  padded\tline  ", &["padded", "line"]),
        (
            r#"sh -c 'echo "hi there"'"#,
            &["sh", "-c", r#"echo "hi there""#],
        ),
        (r#"echo "it's""#, &["echo", "it's"]),
        (r"a\ b", &["a b"]),
        (r#"a "b c" d\ e 'f"g'"#, &["a", "b c", "d e", "f\"g"]),
        (r#""" ''"#, &["", ""]),
        (r#"x"""#, &["x"]),
        (r#"pre"mid"post"#, &["premidpost"]),
        // A backslash inside double quotes escapes any character, not only `"`, `\`, `$`, `` ` ``.
        (r#""a\"b""#, &[r#"a"b"#]),
        (r#""a\\b""#, &[r"a\b"]),
        (r#""a\b""#, &["ab"]),
        (r#""\$HOME""#, &["$HOME"]),
        // Inside single quotes a backslash is an ordinary character.
        (r"'a\b' 'c\'", &[r"a\b", r"c\"]),
        (r"\\", &[r"\"]),
        (r"\'x", &["'x"]),
        ("$HOME `id`", &["$HOME", "`id`"]),
        ("multi\nline", &["multi", "line"]),
        ("ünï cødé", &["ünï", "cødé"]),
    ];

    #[test]
    fn splits_as_the_docker_tooling_does() {
        for (line, expected) in CASES {
            let expected: Vec<String> = expected.iter().map(|word| (*word).to_owned()).collect();
            assert_eq!(split(line), Ok(expected), "{line:?}");
        }
    }

    #[test]
    fn refuses_unfinished_lines() {
        assert_eq!(split("echo 'open"), Err(SplitError::UnclosedQuote('\'')));
        assert_eq!(split(r#"echo "open"#), Err(SplitError::UnclosedQuote('"')));
        assert_eq!(split(r#""a\""#), Err(SplitError::UnclosedQuote('"')));
        assert_eq!(split(r"echo \"), Err(SplitError::TrailingBackslash));
        assert_eq!(split(r#""a\"#), Err(SplitError::TrailingBackslash));
    }

    #[test]
    fn quoting_is_read_back_unchanged() {
        assert_eq!(quote("plain-word"), "plain-word");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), r"'it'\''s'");
        let argv = [
            "sh",
            "-c",
            "echo \"$HOME\" 'x'",
            "",
            r"back\slash",
            "tab\there",
        ];
        let line = argv.map(quote).join(" ");
        assert_eq!(split(&line).unwrap(), argv);
    }
}
