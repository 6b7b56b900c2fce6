use shipshape_diagnostics::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub value: String,
    pub style: ScalarStyle,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Sequence(Vec<Node>),
    Mapping(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
    pub tag: Option<String>,
}

pub(crate) const MERGE_KEY: &str = "<<";

impl Node {
    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of any non-null scalar, whatever its YAML type.
    pub fn as_str(&self) -> Option<&str> {
        self.scalar().filter(|_| !self.is_null()).map(|s| s.value.as_str())
    }

    pub fn is_null(&self) -> bool {
        match &self.kind {
            NodeKind::Scalar(s) => {
                s.style == ScalarStyle::Plain && matches!(s.value.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        let s = self.scalar()?;
        if s.style != ScalarStyle::Plain {
            return None;
        }
        match s.value.as_str() {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        let s = self.scalar()?;
        if s.style != ScalarStyle::Plain {
            return None;
        }
        let text = s.value.trim_start_matches('+');
        text.parse::<i64>().ok().or_else(|| text.strip_prefix("0x").and_then(|h| i64::from_str_radix(h, 16).ok()))
    }

    pub fn as_f64(&self) -> Option<f64> {
        let s = self.scalar()?;
        if s.style != ScalarStyle::Plain {
            return None;
        }
        s.value.parse::<f64>().ok()
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// Sequence items, or nothing when this is not a sequence.
    pub fn items(&self) -> &[Node] {
        self.as_sequence().unwrap_or(&[])
    }

    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn is_mapping(&self) -> bool {
        matches!(self.kind, NodeKind::Mapping(_))
    }

    /// The entries of a mapping, merge keys (`<<`) resolved: own keys first,
    /// then merged keys not already present.
    pub fn entries(&self) -> Vec<&Entry> {
        let Some(own) = self.as_mapping() else {
            return Vec::new();
        };
        let mut out: Vec<&Entry> = own.iter().filter(|e| e.key.as_str() != Some(MERGE_KEY)).collect();
        for merge in own.iter().filter(|e| e.key.as_str() == Some(MERGE_KEY)) {
            let sources: Vec<&Node> = match &merge.value.kind {
                NodeKind::Sequence(items) => items.iter().collect(),
                _ => vec![&merge.value],
            };
            for source in sources {
                for entry in source.as_mapping().unwrap_or(&[]) {
                    let key = entry.key.as_str();
                    if key != Some(MERGE_KEY) && !out.iter().any(|e| e.key.as_str() == key) {
                        out.push(entry);
                    }
                }
            }
        }
        out
    }

    /// The entry for `key` in a mapping (merge keys honoured).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        let own = self.as_mapping()?;
        if let Some(entry) = own.iter().find(|e| e.key.as_str() == Some(key)) {
            return Some(entry);
        }
        if own.iter().any(|e| e.key.as_str() == Some(MERGE_KEY)) {
            return self.entries().into_iter().find(|e| e.key.as_str() == Some(key));
        }
        None
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// Follows a route of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The string at a route of mapping keys.
    pub fn str_at(&self, keys: &[&str]) -> Option<&str> {
        self.path(keys).and_then(Node::as_str)
    }

    /// The span of the key of `key` when present, else this node's span.
    pub fn key_span(&self, key: &str) -> Span {
        self.entry(key).map_or(self.span, |e| e.key.span)
    }

    /// The span of the first line of this node (for mappings: its first key).
    pub fn head_span(&self) -> Span {
        match &self.kind {
            NodeKind::Mapping(entries) => entries.first().map_or(self.span, |e| e.key.span),
            NodeKind::Sequence(items) => items.first().map_or(self.span, Node::head_span),
            NodeKind::Scalar(_) => self.span,
        }
    }
}
