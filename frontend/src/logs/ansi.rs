//! ANSI escape sequences in log lines: SGR colours and styles become styled spans; every other
//! control sequence (cursor moves, titles) is dropped.

/// A colour from an SGR sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// One of the 256 palette colours; 0–15 follow the theme.
    Indexed(u8),
    /// A 24-bit colour.
    Rgb(u8, u8, u8),
}

/// The style of a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// Foreground colour.
    pub fg: Option<Color>,
    /// Background colour.
    pub bg: Option<Color>,
    /// Bold.
    pub bold: bool,
    /// Faint.
    pub dim: bool,
    /// Italic.
    pub italic: bool,
    /// Underlined.
    pub underline: bool,
}

impl Style {
    /// CSS classes (theme colours and styles) for this style, and the other colours as CSS
    /// values for the `color` and `background` properties (set through the CSSOM, which the
    /// content security policy allows where it forbids `style` attributes).
    pub fn css(&self) -> (String, Option<String>, Option<String>) {
        let mut classes = Vec::new();
        let mut values = [None, None];
        for (slot, (prefix, color)) in [("fg", self.fg), ("bg", self.bg)].into_iter().enumerate() {
            match color {
                Some(Color::Indexed(index)) if index < 16 => {
                    classes.push(format!("ansi-{prefix}-{index}"));
                }
                Some(color) => {
                    let (r, g, b) = rgb(color);
                    values[slot] = Some(format!("rgb({r},{g},{b})"));
                }
                None => {}
            }
        }
        for (on, class) in [
            (self.bold, "ansi-bold"),
            (self.dim, "ansi-dim"),
            (self.italic, "ansi-italic"),
            (self.underline, "ansi-underline"),
        ] {
            if on {
                classes.push(class.to_owned());
            }
        }
        let [color, background] = values;
        (classes.join(" "), color, background)
    }
}

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The text, free of escapes.
    pub text: String,
    /// Its style.
    pub style: Style,
}

/// Splits a line into styled spans. Styles do not carry over from one line to the next, so
/// every line can be drawn on its own.
pub fn parse(line: &str) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut style = Style::default();
    let mut text = String::new();
    let mut chars = line.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '\x1b' {
            text.push(c);
            continue;
        }
        match chars.peek().map(|&(_, c)| c) {
            Some('[') => {
                chars.next();
                let mut params = String::new();
                let mut last = None;
                for (_, c) in chars.by_ref() {
                    if ('\x40'..='\x7e').contains(&c) {
                        last = Some(c);
                        break;
                    }
                    params.push(c);
                }
                if last == Some('m') {
                    let next = apply_sgr(style, &params);
                    if next != style {
                        flush(&mut spans, &mut text, style);
                        style = next;
                    }
                }
            }
            Some(']') => {
                // An operating system command, ended by BEL or ESC \.
                while let Some((_, c)) = chars.next() {
                    if c == '\x07' {
                        break;
                    }
                    if c == '\x1b' {
                        chars.next();
                        break;
                    }
                }
            }
            Some(_) => {
                chars.next();
            }
            None => {}
        }
    }
    flush(&mut spans, &mut text, style);
    spans
}

/// The line's text with every escape removed: what search and downloads see.
pub fn strip(line: &str) -> String {
    if !line.contains('\x1b') {
        return line.to_owned();
    }
    parse(line).into_iter().map(|span| span.text).collect()
}

fn flush(spans: &mut Vec<Span>, text: &mut String, style: Style) {
    if !text.is_empty() {
        spans.push(Span {
            text: std::mem::take(text),
            style,
        });
    }
}

fn apply_sgr(mut style: Style, params: &str) -> Style {
    let codes: Vec<u16> = params
        .split([';', ':'])
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    let mut i = 0;
    while i < codes.len() {
        let code = codes[i];
        match code {
            0 => style = Style::default(),
            1 => style.bold = true,
            2 => style.dim = true,
            3 => style.italic = true,
            4 => style.underline = true,
            22 => (style.bold, style.dim) = (false, false),
            23 => style.italic = false,
            24 => style.underline = false,
            30..=37 => style.fg = Some(Color::Indexed((code - 30) as u8)),
            39 => style.fg = None,
            40..=47 => style.bg = Some(Color::Indexed((code - 40) as u8)),
            49 => style.bg = None,
            90..=97 => style.fg = Some(Color::Indexed((code - 90 + 8) as u8)),
            100..=107 => style.bg = Some(Color::Indexed((code - 100 + 8) as u8)),
            38 | 48 => {
                let (color, used) = extended(&codes[i + 1..]);
                if code == 38 {
                    style.fg = color;
                } else {
                    style.bg = color;
                }
                i += used;
            }
            _ => {}
        }
        i += 1;
    }
    style
}

/// `5;n` or `2;r;g;b` after a 38 or 48; returns the colour and how many codes it used.
fn extended(codes: &[u16]) -> (Option<Color>, usize) {
    let byte = |i: usize| codes.get(i).map(|&c| c.min(255) as u8);
    match codes.first() {
        Some(5) => (byte(1).map(Color::Indexed), 2),
        Some(2) => match (byte(1), byte(2), byte(3)) {
            (Some(r), Some(g), Some(b)) => (Some(Color::Rgb(r, g, b)), 4),
            _ => (None, codes.len()),
        },
        _ => (None, 0),
    }
}

fn rgb(color: Color) -> (u8, u8, u8) {
    match color {
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(index) if index >= 232 => {
            let level = 8 + (index - 232) * 10;
            (level, level, level)
        }
        Color::Indexed(index) => {
            let cube = index.saturating_sub(16);
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (level(cube / 36), level((cube / 6) % 6), level(cube % 6))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_one_span() {
        let spans = parse("hello");
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].style, Style::default());
    }

    #[test]
    fn colours_and_resets_make_spans() {
        let spans = parse("a\x1b[1;31mred\x1b[0m b");
        assert_eq!(spans.len(), 3);
        assert_eq!(spans[1].text, "red");
        assert_eq!(spans[1].style.fg, Some(Color::Indexed(1)));
        assert!(spans[1].style.bold);
        assert_eq!(spans[2].style, Style::default());
        assert_eq!(spans[1].style.css().0, "ansi-fg-1 ansi-bold");
    }

    #[test]
    fn extended_colours_are_inline() {
        let spans = parse("\x1b[38;2;1;2;3mx\x1b[48;5;196my");
        assert_eq!(spans[0].style.fg, Some(Color::Rgb(1, 2, 3)));
        assert_eq!(spans[0].style.css().1.as_deref(), Some("rgb(1,2,3)"));
        assert_eq!(spans[1].style.bg, Some(Color::Indexed(196)));
        assert_eq!(spans[1].style.css().2.as_deref(), Some("rgb(255,0,0)"));
    }

    #[test]
    fn other_sequences_are_dropped() {
        assert_eq!(strip("\x1b]0;title\x07a\x1b[2Kb\x1b[10;5Hc"), "abc");
        assert_eq!(strip("no escapes"), "no escapes");
    }
}
