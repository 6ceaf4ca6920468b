//! Diagrams in Markdown: a ```` ```mermaid ```` block (`stateDiagram-v2`, `flowchart` or
//! `graph`) read into nodes and edges, or an ASCII-art block marked ```` ```diagram ````.
//! Used by the module checklist (is there a diagram?) and by the renderers (draw it).
//!
//! Parsing is ours: small, tolerant (lines it does not know are skipped) and bounded
//! ([`MAX_LINES`], [`MAX_EDGES`], [`MAX_LABEL`]), because module files are untrusted.

/// Lines of a diagram block read at most; the rest is ignored.
pub const MAX_LINES: usize = 400;
/// Edges kept at most.
pub const MAX_EDGES: usize = 100;
/// Characters of a node or edge label kept at most.
pub const MAX_LABEL: usize = 60;

/// What a fenced block with a diagram language holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Diagram {
    /// A mermaid `stateDiagram-v2` or `stateDiagram`.
    State(Graph),
    /// A mermaid `flowchart` or `graph`.
    Flowchart(Graph),
    /// An ASCII-art block marked `diagram`: shown as written.
    Ascii(String),
    /// A mermaid diagram of another type (its first word, e.g. 'gantt'): shown as source.
    Unknown { kind: String, source: String },
}

/// Nodes and the edges between them, in the order the source names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    /// Node ids in order of first appearance; '[*]' is written as `START` / `END`.
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// A node: its id and the label to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: String,
    pub label: String,
}

/// An edge between two nodes (indices into [`Graph::nodes`]), with an optional label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub label: String,
}

/// The id mermaid's `[*]` gets as a source (start) and as a target (end).
pub const START: &str = "[*] start";
pub const END: &str = "[*] end";

impl Diagram {
    /// Reads the block of a fence whose language is `language`; `None` when the language
    /// is not a diagram one (`mermaid`, `diagram`).
    pub fn parse(language: &str, body: &str) -> Option<Self> {
        match language {
            "diagram" => Some(Diagram::Ascii(body.to_owned())),
            "mermaid" => Some(parse_mermaid(body)),
            _ => None,
        }
    }

    /// The graph, for the kinds that have one.
    pub fn graph(&self) -> Option<&Graph> {
        match self {
            Diagram::State(graph) | Diagram::Flowchart(graph) => Some(graph),
            Diagram::Ascii(_) | Diagram::Unknown { .. } => None,
        }
    }

    /// A short name of the kind: 'stateDiagram-v2', 'flowchart', 'ascii' or the mermaid type.
    pub fn kind_name(&self) -> &str {
        match self {
            Diagram::State(_) => "stateDiagram-v2",
            Diagram::Flowchart(_) => "flowchart",
            Diagram::Ascii(_) => "ascii",
            Diagram::Unknown { kind, .. } => kind,
        }
    }
}

fn parse_mermaid(body: &str) -> Diagram {
    let mut lines = body
        .lines()
        .take(MAX_LINES)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("%%"));
    let header = lines.next().unwrap_or("");
    let kind = header.split_whitespace().next().unwrap_or("");
    let rest: Vec<&str> = lines.collect();
    match kind {
        "stateDiagram-v2" | "stateDiagram" => Diagram::State(parse_state(&rest)),
        "flowchart" | "graph" => Diagram::Flowchart(parse_flowchart(&rest)),
        _ => Diagram::Unknown {
            kind: if kind.is_empty() {
                "empty".to_owned()
            } else {
                clip(kind)
            },
            source: body.to_owned(),
        },
    }
}

impl Graph {
    fn node(&mut self, id: &str, label: Option<&str>) -> usize {
        let id = clip(id);
        if let Some(index) = self.nodes.iter().position(|n| n.id == id) {
            if let Some(label) = label.filter(|l| !l.is_empty()) {
                self.nodes[index].label = clip(label);
            }
            return index;
        }
        let label = label.filter(|l| !l.is_empty()).unwrap_or(&id);
        self.nodes.push(Node {
            label: clip(label),
            id,
        });
        self.nodes.len() - 1
    }

    fn edge(&mut self, from: usize, to: usize, label: &str) {
        if self.edges.len() < MAX_EDGES {
            self.edges.push(Edge {
                from,
                to,
                label: clip(label),
            });
        }
    }
}

/// `A --> B`, `A --> B: label`, `[*] --> A`; `note ... end note`, `state`, `direction` and
/// braces are skipped.
fn parse_state(lines: &[&str]) -> Graph {
    let mut graph = Graph::default();
    let mut in_note = false;
    for line in lines {
        if in_note {
            in_note = !line.starts_with("end note");
            continue;
        }
        if line.starts_with("note ") {
            // A one-line note has a ':'; a block note runs to 'end note'.
            in_note = !line.contains(':');
            continue;
        }
        let Some((from, rest)) = line.split_once("-->") else {
            continue;
        };
        let (to, label) = match rest.split_once(':') {
            Some((to, label)) => (to.trim(), label.trim()),
            None => (rest.trim(), ""),
        };
        let from = from.trim();
        if from.is_empty() || to.is_empty() || to.contains(char::is_whitespace) {
            continue;
        }
        let from = if from == "[*]" { START } else { from };
        let to = if to == "[*]" { END } else { to };
        let from = graph.node(from, None);
        let to = graph.node(to, None);
        graph.edge(from, to, label);
    }
    graph
}

/// The arrows a flowchart line may use, longest first.
const ARROWS: [&str; 6] = ["-.->", "==>", "-->", "---", "-.-", "--o"];

/// `A[Label] --> B(Label)`, `A -->|label| B`, `A -- label --> B`, chains `A --> B --> C`.
/// `subgraph`, `end`, `style`, `classDef`, `class`, `click` and `linkStyle` are skipped.
fn parse_flowchart(lines: &[&str]) -> Graph {
    const SKIP: [&str; 7] = [
        "subgraph",
        "end",
        "style",
        "classDef",
        "class",
        "click",
        "linkStyle",
    ];
    let mut graph = Graph::default();
    for line in lines {
        let first = line.split_whitespace().next().unwrap_or("");
        if SKIP.contains(&first) || first == "direction" {
            continue;
        }
        for statement in line.split(';') {
            flow_statement(&mut graph, statement.trim());
        }
    }
    graph
}

fn flow_statement(graph: &mut Graph, statement: &str) {
    // Split into node, arrow, node, arrow, ...; an arrow may carry '|label|' after it or
    // a 'text' between '--' and its '-->'.
    let mut parts: Vec<(String, String)> = Vec::new(); // (node text, label of the arrow before it)
    let mut rest = statement;
    let mut label = String::new();
    loop {
        let found = ARROWS
            .iter()
            .filter_map(|a| rest.find(a).map(|at| (at, *a)))
            .min_by_key(|(at, a)| (*at, std::cmp::Reverse(a.len())));
        let Some((at, arrow)) = found else {
            parts.push((rest.trim().to_owned(), std::mem::take(&mut label)));
            break;
        };
        let mut node = rest[..at].trim();
        // 'A -- text --> B': the text before the arrow belongs to it.
        let mut text_label = String::new();
        if let Some((left, text)) = node.split_once("-- ") {
            text_label = text.trim().to_owned();
            node = left.trim();
        }
        parts.push((node.to_owned(), std::mem::take(&mut label)));
        label = text_label;
        rest = &rest[at + arrow.len()..];
        if let Some(after) = rest.strip_prefix('|')
            && let Some((inner, tail)) = after.split_once('|')
        {
            label = inner.trim().to_owned();
            rest = tail;
        }
        if parts.len() > MAX_EDGES {
            break;
        }
    }
    let mut previous: Option<usize> = None;
    for (text, label) in parts {
        let Some((id, node_label)) = flow_node(&text) else {
            previous = None;
            continue;
        };
        let index = graph.node(id, node_label);
        if let Some(from) = previous {
            graph.edge(from, index, &label);
        }
        previous = Some(index);
    }
}

/// `A`, `A[Label]`, `A(Label)`, `A{Label}`, `A((Label))`, `A[(Label)]`, `A>Label]`.
fn flow_node(text: &str) -> Option<(&str, Option<&str>)> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let open = text.find(['[', '(', '{', '>']);
    let (id, label) = match open {
        Some(at) if at > 0 => {
            let inner = text[at..]
                .trim_start_matches(['[', '(', '{', '>', '/', '\\'])
                .trim_end_matches([']', ')', '}', '/', '\\']);
            (&text[..at], Some(inner.trim().trim_matches('"')))
        }
        _ => (text, None),
    };
    let id = id.trim();
    if id.is_empty() || id.contains(char::is_whitespace) {
        return None;
    }
    Some((id, label))
}

/// At most [`MAX_LABEL`] characters.
fn clip(text: &str) -> String {
    text.chars().take(MAX_LABEL).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(graph: &Graph) -> Vec<String> {
        graph
            .edges
            .iter()
            .map(|e| {
                format!(
                    "{} -> {}: {}",
                    graph.nodes[e.from].label, graph.nodes[e.to].label, e.label
                )
            })
            .collect()
    }

    #[test]
    fn the_seed_state_diagram() {
        let body = "stateDiagram-v2\n    [*] --> Closed\n    Closed --> Closed: Success\n    Closed --> Open: Failure threshold exceeded\n\n    note right of Closed\n        All requests pass through\n    end note\n";
        let Some(Diagram::State(graph)) = Diagram::parse("mermaid", body) else {
            panic!("not a state diagram");
        };
        assert_eq!(
            labels(&graph),
            [
                "[*] start -> Closed: ",
                "Closed -> Closed: Success",
                "Closed -> Open: Failure threshold exceeded"
            ]
        );
    }

    #[test]
    fn flowcharts_with_labels_and_chains() {
        let body = "flowchart LR\n  A[Client] -->|retry| B(Breaker) --> C{Service}\n  B -- open --> D[Fallback]\n  subgraph x\n  end\n";
        let Some(Diagram::Flowchart(graph)) = Diagram::parse("mermaid", body) else {
            panic!("not a flowchart");
        };
        assert_eq!(
            labels(&graph),
            [
                "Client -> Breaker: retry",
                "Breaker -> Service: ",
                "Breaker -> Fallback: open"
            ]
        );
    }

    #[test]
    fn other_types_and_ascii() {
        assert!(matches!(
            Diagram::parse("mermaid", "gantt\n  title x\n"),
            Some(Diagram::Unknown { kind, .. }) if kind == "gantt"
        ));
        assert!(matches!(
            Diagram::parse("diagram", "a -> b\n"),
            Some(Diagram::Ascii(_))
        ));
        assert_eq!(Diagram::parse("rust", "fn a() {}"), None);
        assert!(matches!(
            Diagram::parse("mermaid", ""),
            Some(Diagram::Unknown { kind, .. }) if kind == "empty"
        ));
    }

    #[test]
    fn bounded() {
        let body = format!("flowchart TD\n{}", "A --> B\n".repeat(10_000));
        let Some(Diagram::Flowchart(graph)) = Diagram::parse("mermaid", &body) else {
            panic!("not a flowchart");
        };
        assert!(graph.edges.len() <= MAX_EDGES);
        let long = "x".repeat(1000);
        let body = format!("stateDiagram-v2\n{long} --> B\n");
        let Some(Diagram::State(graph)) = Diagram::parse("mermaid", &body) else {
            panic!("not a state diagram");
        };
        assert_eq!(graph.nodes[0].label.chars().count(), MAX_LABEL);
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_without_panicking(
            body in r"(stateDiagram-v2|flowchart LR|graph TD|gantt)?\n[ -~\né漢]{0,300}"
        ) {
            for language in ["mermaid", "diagram"] {
                if let Some(diagram) = Diagram::parse(language, &body)
                    && let Some(graph) = diagram.graph() {
                        for edge in &graph.edges {
                            proptest::prop_assert!(edge.from < graph.nodes.len());
                            proptest::prop_assert!(edge.to < graph.nodes.len());
                        }
                    }
            }
            let _ = crate::content::checklist::markdown::scan(&body);
        }
    }
}
