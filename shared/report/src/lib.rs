//! Scan reports and their formats: JSON, table, CycloneDX, SPDX, SARIF.
