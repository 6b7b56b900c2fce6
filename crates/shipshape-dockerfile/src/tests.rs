#![allow(clippy::unwrap_used)]

use crate::shell::{commands, Separator};
use crate::{parse, Args};

const SAMPLE: &str = r#"# syntax=docker/dockerfile:1.7
# escape=\
ARG BASE=node:20
FROM --platform=$BUILDPLATFORM ${BASE} AS build
WORKDIR /app
# a comment
RUN --mount=type=cache,target=/root/.npm \
    npm ci && \
    # comment inside continuation
    npm run build
RUN <<EOF
apt-get update
apt-get install -y curl
EOF
COPY --from=build --chown=1000:1000 /app/dist /srv
CMD ["node", "server.js"]
ENV A=1 B="two words"
"#;

fn text_at(source: &str, span: shipshape_diagnostics::Span) -> &str {
    &source[span.start..span.end]
}

#[test]
fn instructions_keep_positions() {
    let file = parse(SAMPLE);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.directives.len(), 2);
    let keywords: Vec<&str> = file.instructions.iter().map(|i| i.keyword.as_str()).collect();
    assert_eq!(keywords, ["ARG", "FROM", "WORKDIR", "RUN", "RUN", "COPY", "CMD", "ENV"]);
    let run = &file.instructions[3];
    assert_eq!(run.flags[0].name, "mount");
    let script = run.shell_text().unwrap();
    let cmds = commands(script);
    assert_eq!(cmds.len(), 2);
    assert_eq!(cmds[0].separator, Some(Separator::And));
    assert_eq!(text_at(SAMPLE, cmds[1].span()), "npm run build");
    let heredoc = &file.instructions[4].heredocs[0];
    let cmds = commands(&heredoc.body);
    assert_eq!(cmds[1].name(), Some("apt-get"));
    assert_eq!(text_at(SAMPLE, cmds[1].args()[1].span), "-y");
    match &file.instructions[6].args {
        Args::Exec(words) => assert_eq!(text_at(SAMPLE, words[1].span), "\"server.js\""),
        other => panic!("{other:?}"),
    }
    let env = file.instructions[7].key_values();
    assert_eq!(env[1].1.as_ref().unwrap().value, "two words");
    assert_eq!(file.stages[0].name.as_ref().unwrap().value, "build");
    assert_eq!(file.expand_global_args(&file.stages[0].image.value).as_deref(), Some("node:20"));
}

#[test]
fn broken_input_is_reported_not_panicking() {
    for input in [
        "",
        "\\",
        "FROM",
        "RUN <<EOF\nno end",
        "apt-get install x",
        "FROM a\nRUN [\"unterminated",
        "\u{feff}FROM x\r\nRUN a \\\r\n b\r\n",
        "FROM é\nRUN é \\\n é",
    ] {
        let _ = parse(input);
    }
    let file = parse("FROM alpine\napt-get install x\n");
    assert_eq!(file.errors.len(), 1);
    assert!(file.errors[0].message.contains("unknown instruction"));
}

#[test]
fn sudo_and_assignments_are_skipped_for_the_name() {
    let text =
        crate::MappedText::contiguous("DEBIAN_FRONTEND=noninteractive sudo -E apt-get -qy install x | tee log", 0);
    let cmds = commands(&text);
    assert_eq!(cmds[0].program().unwrap().value, "sudo");
    assert_eq!(cmds[0].name(), Some("apt-get"));
    assert!(cmds[0].has_flag(Some('y'), &["yes"]));
    assert_eq!(cmds[0].separator, Some(Separator::Pipe));
}

#[test]
fn byte_order_mark_is_not_part_of_the_first_keyword() {
    let source = "\u{feff}FROM alpine:3.20\nRUN true\n";
    let file = parse(source);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.instructions[0].keyword, "FROM");
    assert_eq!(text_at(source, file.instructions[0].keyword_span), "FROM");
    assert_eq!(text_at(source, file.stages[0].image.span), "alpine:3.20");
}

#[test]
fn only_word_initial_double_angle_starts_a_heredoc() {
    let source = "FROM alpine\nRUN echo $((1<<2)) && cat<<EOF\nRUN true\n";
    let file = parse(source);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.instructions.len(), 3);
    assert!(file.instructions[1].heredocs.is_empty());
    let source = "FROM alpine\nRUN 3<<EOF cat <&3\nhello\nEOF\n";
    let file = parse(source);
    assert_eq!(file.instructions[1].heredocs.len(), 1);
    assert_eq!(file.instructions[1].heredocs[0].delimiter, "EOF");
}

#[test]
fn positions_survive_backtick_escape_and_comments_in_continuations() {
    let source = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN powershell -Command `\n    # a comment line\n    Write-Host `\n\n    hello\nWORKDIR C:\\app\n";
    let file = parse(source);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.escape, '`');
    let run = &file.instructions[1];
    let words = run.words();
    let last = words.last().unwrap();
    assert_eq!(last.value, "hello");
    assert_eq!(text_at(source, last.span), "hello");
    assert_eq!(text_at(source, words[1].span), "-Command");
    let workdir = &file.instructions[2];
    assert_eq!(workdir.keyword, "WORKDIR");
    assert_eq!(workdir.words()[0].value, "C:\\app");
}

#[test]
fn flags_exec_form_and_key_values_map_to_source() {
    let source = "FROM alpine\nCOPY --chown=app:app \\\n     --chmod=644 a.txt /dst/\nENV A=1 \\\n    B=\"x y\"\nCMD [\"a\", \\\n     \"b c\"]\n";
    let file = parse(source);
    let copy = &file.instructions[1];
    assert_eq!(text_at(source, copy.flags[1].span), "--chmod=644");
    assert_eq!(copy.flag("chmod").and_then(|f| f.value.as_deref()), Some("644"));
    let env = file.instructions[2].key_values();
    let b = env[1].1.as_ref().unwrap();
    assert_eq!(b.value, "x y");
    assert_eq!(text_at(source, b.span), "\"x y\"");
    match &file.instructions[3].args {
        Args::Exec(words) => assert_eq!(text_at(source, words[1].span), "\"b c\""),
        other => panic!("{other:?}"),
    }
}

#[test]
fn case_patterns_are_not_pipes() {
    let text = crate::MappedText::contiguous(
        "case \"$arch\" in\n  amd64 | x86_64) url=a ;;\n  arm64|aarch64) url=b ;;\n  *) exit 1 ;;\nesac; curl -fsSL \"$url\" | tar -xz",
        0,
    );
    let cmds = commands(&text);
    let pipes: Vec<&str> =
        cmds.iter().filter(|c| c.separator == Some(Separator::Pipe)).filter_map(|c| c.name()).collect();
    assert_eq!(pipes, ["curl"]);
    let names: Vec<&str> = cmds.iter().filter_map(|c| c.name()).collect();
    assert!(names.contains(&"exit"), "{names:?}");
    assert!(!names.contains(&"amd64") && !names.contains(&"x86_64)"), "{names:?}");
}

/// Inputs the fuzzers once crashed or stalled on (`fuzz/regressions/`).
#[test]
fn fuzz_regressions_replay() {
    shipshape_testkit::replay_fuzz_regressions("dockerfile", crate::fuzzing::dockerfile);
    shipshape_testkit::replay_fuzz_regressions("shell", crate::fuzzing::shell_script);
}
