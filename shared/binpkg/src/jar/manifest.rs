//! `META-INF/MANIFEST.MF`, `pom.properties` and archive file names: the three places a Java
//! archive's Maven coordinates can come from, best first.

/// Maven coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coordinates {
    /// `groupId`; empty when only the file name was known.
    pub group: String,
    /// `artifactId`.
    pub artifact: String,
    /// `version`.
    pub version: String,
}

/// The coordinates of a `pom.properties` file (`groupId=`, `artifactId=`, `version=`), when all
/// three are there. `#` and `!` start comments; `=`, `:` or a space separate key and value.
pub fn pom_properties(text: &str) -> Option<Coordinates> {
    let (mut group, mut artifact, mut version) = (None, None, None);
    for line in text.lines() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        let Some(split) = line.find(['=', ':', ' ', '\t']) else {
            continue;
        };
        let (key, rest) = line.split_at(split);
        let value = rest[1..].trim_start_matches([' ', '\t', '=', ':']).trim();
        match key {
            "groupId" => group = Some(value.to_string()),
            "artifactId" => artifact = Some(value.to_string()),
            "version" => version = Some(value.to_string()),
            _ => {}
        }
    }
    let c = Coordinates {
        group: group?,
        artifact: artifact?,
        version: version?,
    };
    (!c.group.is_empty() && !c.artifact.is_empty() && !c.version.is_empty()).then_some(c)
}

/// The main section of a manifest: `Name: value` lines, a line starting with one space
/// continuing the previous value, up to the first blank line. Names are compared ignoring case.
pub struct Manifest {
    fields: Vec<(String, String)>,
}

impl Manifest {
    /// Parses the main section of `text`.
    pub fn parse(text: &str) -> Manifest {
        let mut fields: Vec<(String, String)> = Vec::new();
        for line in text.lines() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                break;
            }
            if let Some(more) = line.strip_prefix(' ') {
                if let Some((_, value)) = fields.last_mut() {
                    value.push_str(more);
                }
            } else if let Some((name, value)) = line.split_once(':') {
                fields.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
        Manifest { fields }
    }

    /// The first non-empty value of the field `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, v)| n.eq_ignore_ascii_case(name) && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Coordinates from the manifest, with `file_artifact` (the archive's name without version
    /// and extension) as the artifact when the manifest has no usable one.
    ///
    /// - group: `Implementation-Vendor-Id`, else `Bundle-SymbolicName` up to its last dot
    ///   (`com.fasterxml.jackson.core.jackson-databind` gives `com.fasterxml.jackson.core`);
    /// - artifact: the file name's, else `Implementation-Title` when it has no spaces (a
    ///   title such as `Apache Commons Lang` is not an artifact id);
    /// - version: `Implementation-Version`, `Bundle-Version`, then `Specification-Version`.
    pub fn coordinates(&self, file_artifact: &str) -> Option<Coordinates> {
        let symbolic = self
            .get("Bundle-SymbolicName")
            .map(|s| s.split(';').next().unwrap_or(s).trim());
        let group = self
            .get("Implementation-Vendor-Id")
            .or_else(|| symbolic.and_then(|s| s.rsplit_once('.')).map(|(g, _)| g))?;
        let artifact = if file_artifact.is_empty() {
            self.get("Implementation-Title")
                .filter(|t| !t.contains(char::is_whitespace))?
        } else {
            file_artifact
        };
        let version = self
            .get("Implementation-Version")
            .or_else(|| self.get("Bundle-Version"))
            .or_else(|| self.get("Specification-Version"))?;
        Some(Coordinates {
            group: group.to_string(),
            artifact: artifact.to_string(),
            version: version.to_string(),
        })
    }
}

/// Splits an archive's file name into artifact and version: `commons-lang3-3.12.0.jar` gives
/// `("commons-lang3", Some("3.12.0"))`, `commons-lang3.jar` gives `("commons-lang3", None)`.
/// The version starts at the last `-` followed by a digit.
pub fn split_file_name(name: &str) -> (&str, Option<&str>) {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let split = stem
        .rmatch_indices('-')
        .map(|(i, _)| i)
        .find(|i| stem[i + 1..].starts_with(|c: char| c.is_ascii_digit()));
    match split {
        Some(i) if i > 0 => (&stem[..i], Some(&stem[i + 1..])),
        _ => (stem, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pom_properties_needs_all_three() {
        let text = "#Generated by Maven\n#Sat Jan 01 2022\nversion=3.12.0\ngroupId=org.apache.commons\nartifactId=commons-lang3\n";
        assert_eq!(
            pom_properties(text),
            Some(Coordinates {
                group: "org.apache.commons".into(),
                artifact: "commons-lang3".into(),
                version: "3.12.0".into()
            })
        );
        assert_eq!(pom_properties("groupId=a\nartifactId=b\n"), None);
        assert_eq!(pom_properties("groupId=a\nartifactId=b\nversion=\n"), None);
        let spaced = pom_properties("groupId : g\nartifactId b\nversion=1\n").expect("spaced");
        assert_eq!(
            (spaced.group.as_str(), spaced.artifact.as_str()),
            ("g", "b")
        );
    }

    #[test]
    fn manifest_main_section_with_continuations() {
        let text = "Manifest-Version: 1.0\r\nBundle-SymbolicName: com.fasterxml.jackson.core.jackson-data\r\n bind;singleton:=true\r\nBundle-Version: 2.14.0\r\n\r\nName: other\r\nImplementation-Version: 9\r\n";
        let m = Manifest::parse(text);
        assert_eq!(
            m.get("bundle-symbolicname"),
            Some("com.fasterxml.jackson.core.jackson-databind;singleton:=true")
        );
        assert_eq!(
            m.get("Implementation-Version"),
            None,
            "only the main section"
        );
        let c = m.coordinates("jackson-databind").expect("coordinates");
        assert_eq!(c.group, "com.fasterxml.jackson.core");
        assert_eq!(c.version, "2.14.0");
        assert_eq!(
            Manifest::parse("Bundle-Version: 1\n").coordinates("x"),
            None
        );
    }

    #[test]
    fn file_names() {
        assert_eq!(
            split_file_name("commons-lang3-3.12.0.jar"),
            ("commons-lang3", Some("3.12.0"))
        );
        assert_eq!(
            split_file_name("log4j-1.2-api-2.19.0.jar"),
            ("log4j-1.2-api", Some("2.19.0"))
        );
        assert_eq!(
            split_file_name("commons-lang3.jar"),
            ("commons-lang3", None)
        );
        assert_eq!(split_file_name("-1.jar"), ("-1", None));
    }
}
