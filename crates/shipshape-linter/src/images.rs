//! Image references, as written in `FROM` and in container `image` fields.

use shipshape_dockerfile::{Dockerfile, Stage};

/// An image reference split into its parts: `name[:tag][@digest]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageRef<'a> {
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub fn parse(image: &'a str) -> Self {
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d)),
            None => (image, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        match rest[last_slash..].rfind(':') {
            Some(colon) => {
                Self { name: &rest[..last_slash + colon], tag: Some(&rest[last_slash + colon + 1..]), digest }
            }
            None => Self { name: rest, tag: None, digest },
        }
    }

    /// The repository without a registry host (`ghcr.io/a/b` → `a/b`,
    /// `nginx` → `library/nginx`).
    pub fn repository(&self) -> String {
        let mut parts = self.name.splitn(2, '/');
        let first = parts.next().unwrap_or("");
        match parts.next() {
            Some(rest) if first.contains(['.', ':']) || first == "localhost" => rest.to_string(),
            Some(_) => self.name.to_string(),
            None => format!("library/{}", self.name),
        }
    }
}

/// True for references that are filled in later (`$IMAGE`, `${TAG}`, `<image>`).
pub fn is_placeholder(reference: &str) -> bool {
    reference.is_empty() || reference.contains(['$', '<', '{'])
}

/// The base image of `stage` with global `ARG` defaults expanded, or `None`
/// when it is `scratch`, an earlier stage, or cannot be resolved.
pub fn resolved_base_image(dockerfile: &Dockerfile, stage: &Stage) -> Option<String> {
    let written = &stage.image.value;
    let reference = if written.contains('$') { dockerfile.expand_global_args(written)? } else { written.clone() };
    if reference.is_empty() || is_placeholder(&reference) || reference.eq_ignore_ascii_case("scratch") {
        return None;
    }
    let names_earlier_stage = dockerfile.stage_named(&reference).is_some_and(|s| s.index < stage.index);
    (!names_earlier_stage).then_some(reference)
}

#[cfg(test)]
mod tests {
    use super::ImageRef;

    #[test]
    fn references_split() {
        let r = ImageRef::parse("localhost:5000/app:1.2");
        assert_eq!((r.name, r.tag, r.digest), ("localhost:5000/app", Some("1.2"), None));
        let r = ImageRef::parse("ghcr.io/a/b:v1@sha256:ab");
        assert_eq!((r.name, r.tag, r.digest), ("ghcr.io/a/b", Some("v1"), Some("sha256:ab")));
        assert_eq!(ImageRef::parse("nginx").repository(), "library/nginx");
        assert_eq!(ImageRef::parse("ghcr.io/a/b").repository(), "a/b");
        assert_eq!(ImageRef::parse("acme/api:1").repository(), "acme/api");
    }
}
