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

pub(crate) use warning;
