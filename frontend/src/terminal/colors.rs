//! The terminal's colours for Berth's light and dark themes: xterm's defaults are made for a
//! dark background, so the light theme gets a palette whose every colour reads on white.

use crate::app::theme::Theme;

/// `(xterm theme key, colour)` pairs for `theme`.
pub fn palette(theme: Theme) -> &'static [(&'static str, &'static str)] {
    match theme {
        Theme::Light => &[
            ("background", "#ffffff"),
            ("foreground", "#1f2329"),
            ("cursor", "#1f5eff"),
            ("cursorAccent", "#ffffff"),
            ("selectionBackground", "#c9d8ff"),
            ("black", "#1f2329"),
            ("red", "#c0262d"),
            ("green", "#137a3d"),
            ("yellow", "#8a5a00"),
            ("blue", "#1f5eff"),
            ("magenta", "#9b2fae"),
            ("cyan", "#0b7285"),
            ("white", "#5d6673"),
            ("brightBlack", "#5d6673"),
            ("brightRed", "#d9363e"),
            ("brightGreen", "#1b8f4a"),
            ("brightYellow", "#9a6700"),
            ("brightBlue", "#3b73ff"),
            ("brightMagenta", "#b03fc4"),
            ("brightCyan", "#0c8599"),
            ("brightWhite", "#8a929d"),
        ],
        Theme::Dark => &[
            ("background", "#0b0e13"),
            ("foreground", "#e6e9ee"),
            ("cursor", "#7aa2ff"),
            ("cursorAccent", "#0b0e13"),
            ("selectionBackground", "#2a3a5e"),
            ("black", "#1b212a"),
            ("red", "#f87171"),
            ("green", "#4ade80"),
            ("yellow", "#fbbf4d"),
            ("blue", "#7aa2ff"),
            ("magenta", "#d68cf0"),
            ("cyan", "#5ccfe6"),
            ("white", "#c9d0da"),
            ("brightBlack", "#6b7583"),
            ("brightRed", "#fca5a5"),
            ("brightGreen", "#86efac"),
            ("brightYellow", "#fde68a"),
            ("brightBlue", "#a5c0ff"),
            ("brightMagenta", "#e9b5f7"),
            ("brightCyan", "#99e6f5"),
            ("brightWhite", "#ffffff"),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_themes_set_the_same_keys() {
        let keys = |theme| {
            palette(theme)
                .iter()
                .map(|(key, _)| *key)
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(Theme::Light), keys(Theme::Dark));
        assert!(keys(Theme::Light).contains(&"background"));
    }
}
