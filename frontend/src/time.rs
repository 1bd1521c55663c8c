//! Time in the browser: the clock (and a ticking one), Unix times in the user's locale, and the values of
//! `datetime-local` inputs (which carry no time zone: they mean the browser's own).

/// Seconds since the Unix epoch, from the browser's clock.
pub fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The browser's clock as a signal that moves on once a second, so relative times tick; its
/// timer stops with the component that asked for it.
pub fn ticking_now() -> leptos::prelude::ReadSignal<i64> {
    use leptos::prelude::*;
    let now = RwSignal::new(now_seconds());
    if let Ok(handle) = set_interval_with_handle(
        move || {
            now.try_set(now_seconds());
        },
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    now.read_only()
}

/// A Unix time in the browser's locale, for tooltips.
pub fn absolute_time(seconds: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

/// An RFC 3339 time (as the engine writes them) in the browser's locale; the text itself when
/// it is not one.
pub fn locale_time(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

/// Milliseconds since the epoch for a `datetime-local` value, read in the browser's zone;
/// `None` when the input is empty or holds no valid time.
pub fn local_input_millis(value: &str) -> Option<i64> {
    if value.is_empty() {
        return None;
    }
    let millis = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
    millis.is_finite().then_some(millis.floor() as i64)
}

/// Whole seconds since the epoch for a `datetime-local` value, read in the browser's zone.
pub fn local_input_seconds(value: &str) -> Option<i64> {
    local_input_millis(value).map(|millis| millis.div_euclid(1000))
}

/// The `datetime-local` value (to the minute, in the browser's zone) of a time in milliseconds.
pub fn local_input_value(millis: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// Seconds since the epoch of an RFC 3339 time (as the engine writes them); `None` when the
/// text is not one.
pub fn rfc3339_seconds(rfc3339: &str) -> Option<i64> {
    let millis = js_sys::Date::parse(rfc3339);
    millis
        .is_finite()
        .then_some((millis / 1000.0).floor() as i64)
}
