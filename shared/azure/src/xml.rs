//! The little XML the storage services answer with: element texts by tag name, in order.
//! List Blobs and Get Messages bodies are flat enough that a scanner for `<Tag>text</Tag>`
//! suffices; texts are unescaped (the five predefined entities and numeric references).

/// The texts of every `<tag>...</tag>` inside `body`, in document order.
pub fn texts(body: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        out.push(unescape(&after[..end]));
        rest = &after[end + close.len()..];
    }
    out
}

/// The `<outer>` elements of `body`, each as its inner text (still XML).
pub fn elements<'a>(body: &'a str, outer: &str) -> Vec<&'a str> {
    let open = format!("<{outer}>");
    let close = format!("</{outer}>");
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        out.push(&after[..end]);
        rest = &after[end + close.len()..];
    }
    out
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(semi) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let entity = &tail[1..semi];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=semi]),
        }
        rest = &tail[semi + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_back_unescaped_and_in_order() {
        let body = "<?xml version=\"1.0\"?><EnumerationResults><Blobs>\
            <Blob><Name>a&amp;b</Name><Properties/></Blob><Blob><Name>c&#x3C;d&#62;</Name></Blob>\
            </Blobs><NextMarker>m1</NextMarker></EnumerationResults>";
        assert_eq!(texts(body, "Name"), vec!["a&b", "c<d>"]);
        assert_eq!(texts(body, "NextMarker"), vec!["m1"]);
        assert_eq!(elements(body, "Blob").len(), 2);
    }

    #[test]
    fn an_empty_element_and_a_stray_ampersand_survive() {
        assert_eq!(texts("<NextMarker></NextMarker>", "NextMarker"), vec![""]);
        assert_eq!(texts("<N>a & b</N>", "N"), vec!["a & b"]);
    }
}
