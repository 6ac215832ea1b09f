//! `multipart/form-data` bodies, encoded in memory so a request can be
//! retried (a streaming form could be sent only once).

use bytes::Bytes;

/// A `multipart/form-data` body: text fields and files.
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    body: Bytes,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Multipart::default()
    }

    /// Add a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let value: String = value.into();
        self.parts.push(Part { name: name.into(), filename: None, content_type: None, body: value.into() });
        self
    }

    /// Add a file.
    pub fn file(
        mut self,
        name: impl Into<String>,
        filename: impl Into<String>,
        content_type: impl Into<String>,
        body: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            filename: Some(filename.into()),
            content_type: Some(content_type.into()),
            body: body.into(),
        });
        self
    }

    /// Add a field holding `value` as JSON (`application/json`).
    pub fn json<T: serde::Serialize + ?Sized>(mut self, name: impl Into<String>, value: &T) -> Result<Self, serde_json::Error> {
        let body = serde_json::to_vec(value)?;
        self.parts.push(Part {
            name: name.into(),
            filename: None,
            content_type: Some("application/json".into()),
            body: body.into(),
        });
        Ok(self)
    }

    /// The encoded body for `boundary`.
    pub(crate) fn encode(&self, boundary: &str) -> Bytes {
        // Quotes and line breaks cannot appear inside a quoted header parameter.
        let quote = |s: &str| s.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A");
        let mut out = Vec::with_capacity(self.parts.iter().map(|p| p.body.len() + 128).sum());
        for part in &self.parts {
            out.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"", quote(&part.name)).as_bytes());
            if let Some(filename) = &part.filename {
                out.extend_from_slice(format!("; filename=\"{}\"", quote(filename)).as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                out.extend_from_slice(format!("Content-Type: {}\r\n", quote(content_type)).as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&part.body);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        out.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_fields_and_files() {
        let form = Multipart::new().text("name", "Q3").file("data", "a \"b\".csv", "text/csv", &b"x,y\n"[..]);
        let body = form.encode("BOUNDARY");
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            "--BOUNDARY\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nQ3\r\n\
             --BOUNDARY\r\nContent-Disposition: form-data; name=\"data\"; filename=\"a %22b%22.csv\"\r\nContent-Type: text/csv\r\n\r\nx,y\n\r\n\
             --BOUNDARY--\r\n"
        );
    }
}
