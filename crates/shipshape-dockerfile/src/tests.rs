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
