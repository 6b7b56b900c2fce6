use shipshape_diagnostics::Span;

/// Text assembled from pieces of a source file (continuation lines joined),
/// that can map any of its offsets back to a byte offset in the source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappedText {
    pub value: String,
    /// (offset in `value`, offset in the source), ascending.
    segments: Vec<(usize, usize)>,
}

impl MappedText {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn contiguous(value: &str, source_start: usize) -> Self {
        Self { value: value.to_string(), segments: vec![(0, source_start)] }
    }

    pub fn push(&mut self, piece: &str, source_start: usize) {
        if piece.is_empty() {
            return;
        }
        self.segments.push((self.value.len(), source_start));
        self.value.push_str(piece);
    }

    /// The source byte offset of `offset` in this text.
    pub fn source_offset(&self, offset: usize) -> usize {
        let index = match self.segments.binary_search_by(|(start, _)| start.cmp(&offset)) {
            Ok(i) => i,
            Err(0) => return self.segments.first().map_or(offset, |(_, src)| *src),
            Err(i) => i - 1,
        };
        let (start, source) = self.segments[index];
        source + (offset - start)
    }

    /// The source span of `start..end` of this text.
    pub fn source_span(&self, start: usize, end: usize) -> Span {
        if end <= start {
            return Span::empty(self.source_offset(start));
        }
        Span::new(self.source_offset(start), self.source_offset(end - 1) + 1)
    }

    /// A sub-text `start..end`, still mapped to the source.
    pub fn slice(&self, start: usize, end: usize) -> MappedText {
        let end = end.min(self.value.len());
        let start = start.min(end);
        let mut out = MappedText::new();
        let mut cursor = start;
        while cursor < end {
            let index = match self.segments.binary_search_by(|(s, _)| s.cmp(&cursor)) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            };
            let segment_end = self.segments.get(index + 1).map_or(self.value.len(), |(s, _)| *s).min(end);
            if let Some(piece) = self.value.get(cursor..segment_end) {
                out.push(piece, self.source_offset(cursor));
            }
            if segment_end <= cursor {
                break;
            }
            cursor = segment_end;
        }
        out
    }

    pub fn full_span(&self) -> Span {
        self.source_span(0, self.value.len())
    }
}
