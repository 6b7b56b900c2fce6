#![allow(clippy::unwrap_used)]

use super::*;

fn slice<'a>(text: &'a str, node: &Node) -> &'a str {
    &text[node.span.start..node.span.end]
}

#[test]
fn spans_point_at_source() {
    let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app\n      image: \"nginx:latest\"\n";
    let parsed = parse(text);
    assert!(parsed.error.is_none());
    let root = &parsed.documents[0].root;
    let image = root.path(&["spec", "containers"]).unwrap().items()[0].get("image").unwrap();
    assert_eq!(image.as_str(), Some("nginx:latest"));
    assert_eq!(slice(text, image), "\"nginx:latest\"");
    assert_eq!(slice(text, &root.entry("kind").unwrap().key), "kind");
}

#[test]
fn multi_document_and_unicode_offsets() {
    let text = "a: é\n---\nb: ünï\nc: x\n";
    let parsed = parse(text);
    assert_eq!(parsed.documents.len(), 2);
    let c = parsed.documents[1].root.get("c").unwrap();
    assert_eq!(slice(text, c), "x");
}

#[test]
fn merge_keys_and_aliases() {
    let text = "base: &b\n  x: 1\nthing:\n  <<: *b\n  y: 2\n";
    let parsed = parse(text);
    let thing = parsed.documents[0].root.get("thing").unwrap();
    assert_eq!(thing.get("x").and_then(Node::as_i64), Some(1));
    assert_eq!(thing.get("y").and_then(Node::as_i64), Some(2));
}

#[test]
fn errors_carry_offsets_and_keep_earlier_documents() {
    let text = "a: 1\n---\nb: [1, 2\nc: 3\n";
    let parsed = parse(text);
    assert_eq!(parsed.documents.len(), 1);
    let error = parsed.error.unwrap();
    assert!(error.offset >= 9, "{error:?}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = "[".repeat(100_000);
    assert!(parse(&text).error.is_some());
}

#[test]
fn billion_laughs_is_bounded() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        let prev = if i == 0 { "a".to_string() } else { format!("l{}", i - 1) };
        text.push_str(&format!(
            "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    assert!(parse(&text).error.is_some());
}

#[test]
fn templates_are_recognised() {
    assert!(is_templated("image: {{ .Values.image }}"));
    assert!(is_templated("metadata:\n  name: {{ include \"x\" . }}\n"));
    assert!(is_templated("{{- if .Values.enabled }}\nkind: Service\n{{- end }}\n"));
    assert!(is_templated("{% if x %}\na: 1\n"));
    assert!(!is_templated("run: echo ${{ github.sha }}"));
    assert!(!is_templated("query: \"sum(rate(x{service='{{args.service}}'}[2m]))\"\n"));
    assert!(!is_templated("annotations:\n  summary: 'Pod {{ $labels.pod }} restarts'\n"));
    assert!(!is_templated("query: |\n  sum(rate(x{service=\"{{args.service}}\"}[2m]))\nnext: 1\n"));
    assert!(!is_templated("# {{ comment }}\na: 1\n"));
}

#[test]
fn continuation_lines_at_the_parent_indentation_are_accepted_like_libyaml() {
    let text = "spec:\n  description: 'first line\n  second line'\n  type: string\n  command: [\n    \"a\"\n  ]\n";
    let parsed = parse(text);
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    let spec = parsed.documents[0].root.get("spec").unwrap();
    assert_eq!(spec.get("description").and_then(Node::as_str), Some("first line second line"));
    assert_eq!(slice(text, spec.get("type").unwrap()), "string");
    assert_eq!(slice(text, &spec.get("command").unwrap().items()[0]), "\"a\"");
}

#[test]
fn indentation_that_no_parser_accepts_is_still_an_error() {
    let parsed = parse("a:\n  b: x\n c: y\n");
    assert!(parsed.error.is_some());
}

#[test]
fn quoted_continuation_under_a_sequence_item_is_accepted() {
    let text = "items:\n  - description: 'a\n    b'\n    name: x\n";
    let parsed = parse(text);
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    let item = &parsed.documents[0].root.get("items").unwrap().items()[0];
    assert_eq!(slice(text, item.get("name").unwrap()), "x");
}

#[test]
fn duplicate_keys_keep_the_last_value_and_are_recorded() {
    let text = "a: 1\nb:\n  privileged: false\n  privileged: true\n  x: 1\na: 2\n";
    let parsed = parse(text);
    let document = &parsed.documents[0];
    assert_eq!(document.root.get("a").and_then(Node::as_i64), Some(2));
    let b = document.root.get("b").unwrap();
    assert_eq!(b.get("privileged").and_then(Node::as_bool), Some(true));
    assert_eq!(b.as_mapping().unwrap().len(), 2);
    let found: Vec<(&str, &str, &str)> = document
        .duplicate_keys
        .iter()
        .map(|d| (d.key.as_str(), &text[d.span.start..d.span.end], &text[..d.span.start]))
        .map(|(k, s, before)| (k, s, if before.ends_with("  ") { "nested" } else { "top" }))
        .collect();
    assert_eq!(found, [("privileged", "privileged", "nested"), ("a", "a", "top")]);
    assert_eq!(&text[document.duplicate_keys[1].first.start..][..4], "a: 1");
}

#[test]
fn three_equal_keys_give_two_duplicates_and_merge_keys_may_repeat() {
    let text = "x: &x {p: 1}\ny: &y {q: 2}\nm:\n  <<: *x\n  <<: *y\n  k: 1\n  k: 2\n  k: 3\n";
    let parsed = parse(text);
    let document = &parsed.documents[0];
    let m = document.root.get("m").unwrap();
    assert_eq!(m.get("k").and_then(Node::as_i64), Some(3));
    assert_eq!(m.get("q").and_then(Node::as_i64), Some(2));
    assert_eq!(document.duplicate_keys.len(), 2);
}

#[test]
fn fifty_thousand_equal_keys_keep_one_entry() {
    let text = "k: 1\n".repeat(50_000);
    let parsed = parse(&text);
    assert_eq!(parsed.documents[0].duplicate_keys.len(), 49_999);
    assert_eq!(parsed.documents[0].root.as_mapping().unwrap().len(), 1);
}

/// Inputs the fuzzer once crashed or stalled on (`fuzz/regressions/yaml`).
#[test]
fn fuzz_regressions_replay() {
    shipshape_testkit::replay_fuzz_regressions("yaml", crate::fuzzing::yaml);
}
