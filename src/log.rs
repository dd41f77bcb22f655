//! Warnings the crate must not swallow: to `tracing` with the `tracing` feature, else to standard error.

/// Emits one warning line.
macro_rules! warning {
    ($($arg:tt)*) => {{
        #[cfg(feature = "tracing")]
        tracing::warn!("hooksafe: {}", format_args!($($arg)*));
        #[cfg(not(feature = "tracing"))]
        eprintln!("hooksafe: warning: {}", format_args!($($arg)*));
    }};
}

/// Emits one informational line: to `tracing` at `info` with the `tracing` feature, nowhere without.
macro_rules! info {
    ($($arg:tt)*) => {{
        #[cfg(feature = "tracing")]
        tracing::info!("hooksafe: {}", format_args!($($arg)*));
        #[cfg(not(feature = "tracing"))]
        let _ = format_args!($($arg)*);
    }};
}

pub(crate) use {info, warning};
