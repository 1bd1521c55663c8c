//! Draws a QR code from its modules as one SVG path, so it scales crisply and stays tiny.

use berth_shared::api::auth::QrCode;
use leptos::prelude::*;

/// The SVG path of the dark modules, one unit square each.
pub fn qr_path(code: &QrCode) -> String {
    let size = code.size as usize;
    let mut path = String::new();
    for (index, module) in code.modules.bytes().enumerate() {
        if module == b'1' {
            path.push_str(&format!("M{} {}h1v1h-1z", index % size, index / size));
        }
    }
    path
}

/// A QR code with a quiet zone, dark on white whatever the theme, as scanners expect.
#[component]
pub fn QrImage(
    /// The code to draw.
    code: QrCode,
    /// What it encodes, for screen readers.
    label: &'static str,
) -> impl IntoView {
    let view_box = format!("-4 -4 {0} {0}", code.size + 8);
    view! {
        <svg class="qr" viewBox=view_box role="img" aria-label=label shape-rendering="crispEdges">
            <rect x="-4" y="-4" width="100%" height="100%" fill="#fff"/>
            <path d=qr_path(&code) fill="#000"/>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dark_modules_become_unit_squares() {
        let code = QrCode {
            size: 2,
            modules: "1001".into(),
        };
        assert_eq!(qr_path(&code), "M0 0h1v1h-1zM1 1h1v1h-1z");
    }
}
