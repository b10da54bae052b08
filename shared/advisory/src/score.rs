//! CVSS base scores, computed from the published vector by RustSec's `cvss` crate (v2, v3.x, v4).
//!
//! Feeds also publish scores of their own (Node WG `cvss_score`); we recompute from the vector so
//! every score in the store comes from one implementation of the specification.

use std::str::FromStr;

use crate::model::Cvss;

/// Parses a vector and scores it. A vector that does not parse is kept with no score.
pub fn score_vector(vector: &str) -> Cvss {
    let vector = vector.trim();
    let parsed = cvss::Cvss::from_str(vector);
    let version = match &parsed {
        Ok(cvss::Cvss::CvssV20(_)) => "2.0".to_owned(),
        Ok(cvss::Cvss::CvssV30(_)) => "3.0".to_owned(),
        Ok(cvss::Cvss::CvssV31(_)) => "3.1".to_owned(),
        Ok(cvss::Cvss::CvssV40(_)) => "4.0".to_owned(),
        _ => version_from_prefix(vector),
    };
    let base_score = parsed.ok().map(|c| round1(c.score()));
    Cvss {
        version,
        vector: vector.to_owned(),
        base_score,
    }
}

/// `CVSS:3.1/...` gives `3.1`; a prefix-less vector is v2 by the specification's convention.
fn version_from_prefix(vector: &str) -> String {
    vector
        .strip_prefix("CVSS:")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("2.0")
        .to_owned()
}

/// Scores are defined to one decimal; this removes float noise such as `9.800000000000001`.
fn round1(score: f64) -> f64 {
    (score * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected scores from the FIRST calculators (first.org/cvss/calculator/3.1 and 4.0).
    #[test]
    fn scores_v3_and_v4_vectors() {
        let v31 = score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        assert_eq!((v31.version.as_str(), v31.base_score), ("3.1", Some(9.8)));
        let v30 = score_vector("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H");
        assert_eq!((v30.version.as_str(), v30.base_score), ("3.0", Some(8.1)));
        let v4 = score_vector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N");
        assert_eq!((v4.version.as_str(), v4.base_score), ("4.0", Some(9.3)));
        let v2 = score_vector("AV:N/AC:L/Au:N/C:P/I:P/A:P");
        assert_eq!((v2.version.as_str(), v2.base_score), ("2.0", Some(7.5)));
    }

    #[test]
    fn keeps_unparsable_vector_without_score() {
        let bad = score_vector("CVSS:3.1/AV:Q");
        assert_eq!(bad.version, "3.1");
        assert_eq!(bad.base_score, None);
        assert_eq!(bad.vector, "CVSS:3.1/AV:Q");
    }
}
