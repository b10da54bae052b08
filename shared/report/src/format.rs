//! Output formats: one entry point that writes a [`Report`] as a table, the JSON report, or one
//! of the exchange formats (CycloneDX 1.6, SPDX 2.3, SARIF 2.1.0).
//!
//! Every format is made from the JSON report alone, so a stored report can be turned into any
//! other format later without the image.

use std::fmt;
use std::io::Write;
use std::str::FromStr;

use crate::model::Report;
use crate::stamp::Timestamp;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A readable table for a terminal.
    Table,
    /// The JSON report (`schema_version` 1).
    Json,
    /// CycloneDX 1.6 JSON: SBOM plus vulnerabilities.
    CycloneDx,
    /// SPDX 2.3 JSON: SBOM.
    Spdx,
    /// SARIF 2.1.0: findings and failed checks as results (GitHub code scanning).
    Sarif,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 5] = [
        Format::Table,
        Format::Json,
        Format::CycloneDx,
        Format::Spdx,
        Format::Sarif,
    ];

    /// The name as given on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::CycloneDx => "cyclonedx",
            Format::Spdx => "spdx",
            Format::Sarif => "sarif",
        }
    }

    /// The usual file name suffix for this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Table => "txt",
            Format::Json => "json",
            Format::CycloneDx => "cdx.json",
            Format::Spdx => "spdx.json",
            Format::Sarif => "sarif",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = FormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| FormatError::UnknownFormat(s.to_string()))
    }
}

/// What can go wrong while writing a report.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The name is not one of `table|json|cyclonedx|spdx|sarif`.
    #[error("unknown report format `{0}`: expected table, json, cyclonedx, spdx or sarif")]
    UnknownFormat(String),
    /// Writing to the output failed.
    #[error("cannot write the {format} report")]
    Write {
        /// The format being written.
        format: Format,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Serialising the document failed.
    #[error("cannot serialise the {format} report")]
    Serialize {
        /// The format being written.
        format: Format,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// Several reports were given to a format that holds one image.
    #[error("the {format} format holds one image; {count} reports were given")]
    OneReportOnly {
        /// The format asked for.
        format: Format,
        /// How many reports were given.
        count: usize,
    },
}

/// Writes `report` in `format` to `out`, with the current time as the document's creation time.
pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> Result<(), FormatError> {
    render_at(report, format, &Timestamp::now(), out)
}

/// Writes `report` in `format` to `out`, stamping SBOM and SARIF documents with `created`.
///
/// The time is a parameter so that the same report always gives the same bytes when asked to.
pub fn render_at(
    report: &Report,
    format: Format,
    created: &Timestamp,
    out: &mut dyn Write,
) -> Result<(), FormatError> {
    match format {
        Format::Table => {
            let text = crate::table::render_table(report);
            out.write_all(text.as_bytes())
                .map_err(|source| FormatError::Write { format, source })
        }
        Format::Json => write_json(format, report, out),
        Format::CycloneDx => write_json(format, &crate::cyclonedx::bom(report, created), out),
        Format::Spdx => write_json(format, &crate::spdx::document(report, created), out),
        Format::Sarif => write_json(format, &crate::sarif::log(report), out),
    }
}

/// Writes several reports (the platforms of an index, say) in one output.
///
/// JSON gives the report itself for one and an array for several; the table prints each in
/// turn. The SBOM and SARIF formats describe one image, so they take exactly one report.
pub fn render_many(
    reports: &[Report],
    format: Format,
    out: &mut dyn Write,
) -> Result<(), FormatError> {
    match (format, reports) {
        (_, [one]) => render(one, format, out),
        (Format::Json, many) => write_json(format, &many, out),
        (Format::Table, many) => {
            for (i, report) in many.iter().enumerate() {
                if i > 0 {
                    out.write_all(b"\n")
                        .map_err(|source| FormatError::Write { format, source })?;
                }
                render(report, format, out)?;
            }
            Ok(())
        }
        (_, many) => Err(FormatError::OneReportOnly {
            format,
            count: many.len(),
        }),
    }
}

/// Pretty JSON with a final newline.
fn write_json<T: serde::Serialize + ?Sized>(
    format: Format,
    value: &T,
    out: &mut dyn Write,
) -> Result<(), FormatError> {
    serde_json::to_writer_pretty(&mut *out, value)
        .map_err(|source| FormatError::Serialize { format, source })?;
    out.write_all(b"\n")
        .map_err(|source| FormatError::Write { format, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_is_an_error() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>().unwrap(), f);
        }
        assert_eq!("CycloneDX".parse::<Format>().unwrap(), Format::CycloneDx);
        let err = "xml".parse::<Format>().unwrap_err();
        assert!(err.to_string().contains("`xml`"), "{err}");
    }
}
