//! Schemes by name, for configuration files: what [`Display`](std::fmt::Display) writes and
//! [`FromStr`](std::str::FromStr) parses.

use super::Scheme;

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.provider().name())
    }
}

impl std::str::FromStr for Scheme {
    type Err = UnknownScheme;

    /// A built-in scheme by its name (`"stripe"`, `"twitch-eventsub"`, …), as [`Display`](std::fmt::Display) writes
    /// it, for configuration files. `"square"` parses with an empty notification URL: give it with
    /// [`Scheme::square`] instead, or the verifier will not build.
    ///
    /// ```
    /// use hooksafe::Scheme;
    ///
    /// let scheme: Scheme = "stripe".parse()?;
    /// assert_eq!(scheme, Scheme::Stripe);
    /// assert_eq!(scheme.to_string(), "stripe");
    /// assert!("strype".parse::<Scheme>().unwrap_err().to_string().contains("stripe"));
    /// # Ok::<(), hooksafe::scheme::UnknownScheme>(())
    /// ```
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let named = |scheme: &&Self| {
            let provider = scheme.provider();
            provider.name() == name || provider.aliases().contains(&name)
        };
        Self::ALL.iter().find(named).cloned().ok_or_else(|| UnknownScheme(name.to_owned()))
    }
}

/// A name that is no built-in scheme; its message lists the names there are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownScheme(String);

impl std::fmt::Display for UnknownScheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` is not a scheme hooksafe knows; the names are:", self.0)?;
        let names = Scheme::ALL.iter();
        for (index, scheme) in names.enumerate() {
            write!(f, "{} {}", if index == 0 { "" } else { "," }, scheme.provider().name())?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownScheme {}
