//! Mermaid diagrams in Markdown drawn as text: each node that has outgoing edges as a box,
//! its edges beside it as labelled arrows to their targets. Used for `stateDiagram-v2` and
//! `flowchart` / `graph` blocks, in the TUI and (through the same renderer) in plain mode;
//! other mermaid types and ```` ```diagram ```` ASCII art are shown as written.
//!
//! ```text
//! ┌────────┐
//! │ Closed ├─ Success ─────────────────────▶ Closed
//! │        ├─ Failure threshold exceeded ──▶ Open
//! └────────┘
//! ```

use crate::content::diagram::{Diagram, END, Graph, START};

/// The label and text to show instead of a fenced block's source, when the block is a
/// diagram we draw.
pub(super) fn drawn(language: &str, code: &str) -> Option<(String, String)> {
    let diagram = Diagram::parse(language, code)?;
    let graph = diagram.graph().filter(|g| !g.edges.is_empty())?;
    Some((
        format!("{language} {}", diagram.kind_name()),
        draw(graph).join("\n") + "\n",
    ))
}

/// The graph as lines: a box per source node, in order of first appearance.
pub fn draw(graph: &Graph) -> Vec<String> {
    let mut out = Vec::new();
    let name = |index: usize| -> String {
        let node = &graph.nodes[index];
        match node.id.as_str() {
            START => "●".to_owned(),
            END => "◉".to_owned(),
            _ => node.label.clone(),
        }
    };
    for (index, _) in graph.nodes.iter().enumerate() {
        let edges: Vec<_> = graph.edges.iter().filter(|e| e.from == index).collect();
        if edges.is_empty() {
            continue;
        }
        let title = name(index);
        if graph.nodes[index].id == START {
            for edge in edges {
                out.push(format!("● start ──▶ {}", name(edge.to)));
            }
            continue;
        }
        let inner = width(&title);
        let labels: Vec<String> = edges
            .iter()
            .map(|e| {
                if e.label.is_empty() {
                    String::new()
                } else {
                    format!(" {} ", e.label)
                }
            })
            .collect();
        let longest = labels.iter().map(|l| width(l)).max().unwrap_or(0);
        out.push(format!("┌{}┐", "─".repeat(inner + 2)));
        for (i, (edge, label)) in edges.iter().zip(&labels).enumerate() {
            let left = if i == 0 {
                format!("│ {title} ├─")
            } else {
                format!("│ {} ├─", " ".repeat(inner))
            };
            let dashes = "─".repeat(longest - width(label) + 2);
            out.push(format!("{left}{label}{dashes}▶ {}", name(edge.to)));
        }
        out.push(format!("└{}┘", "─".repeat(inner + 2)));
    }
    out
}

fn width(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_diagram_as_boxes_and_arrows() {
        let code = "stateDiagram-v2\n  [*] --> Closed\n  Closed --> Closed: Success\n  Closed --> Open: Failure threshold exceeded\n  Open --> [*]\n";
        let (label, text) = drawn("mermaid", code).expect("drawn");
        assert_eq!(label, "mermaid stateDiagram-v2");
        assert_eq!(
            text,
            "● start ──▶ Closed\n\
             ┌────────┐\n\
             │ Closed ├─ Success ─────────────────────▶ Closed\n\
             │        ├─ Failure threshold exceeded ──▶ Open\n\
             └────────┘\n\
             ┌──────┐\n\
             │ Open ├───▶ ◉\n\
             └──────┘\n"
        );
    }

    #[test]
    fn unknown_types_and_ascii_stay_source() {
        assert_eq!(drawn("mermaid", "gantt\n  title x\n"), None);
        assert_eq!(drawn("diagram", "a --> b\n"), None);
        assert_eq!(drawn("mermaid", "flowchart LR\n  just text\n"), None);
        assert_eq!(drawn("rust", "fn a() {}\n"), None);
    }
}
