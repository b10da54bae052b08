//! Trait boilerplate shared by every scheme's newtype.

/// Implements `PartialEq`, `Eq`, `PartialOrd`, `Display` and `Debug` for a version newtype
/// that has an `Ord` impl and a `raw: String` field holding the string as given.
///
/// Equality must follow the ordering (`1.0` and `1.00` are equal in several schemes), so
/// it cannot be derived from the fields.
macro_rules! version_traits {
    ($ty:ty) => {
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                self.cmp(other) == std::cmp::Ordering::Equal
            }
        }

        impl Eq for $ty {}

        impl PartialOrd for $ty {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.raw)
            }
        }

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({:?})", stringify!($ty), self.raw)
            }
        }

        impl $ty {
            /// The version string as it was given.
            pub fn as_str(&self) -> &str {
                &self.raw
            }
        }
    };
}

pub(crate) use version_traits;

/// Compares two runs of ASCII digits by numeric value, without overflow: leading zeros
/// are ignored, then the longer run is larger, then the first differing digit decides.
pub(crate) fn cmp_digits(a: &str, b: &str) -> std::cmp::Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}
