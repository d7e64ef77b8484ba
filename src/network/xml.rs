//! GraphML and GEXF network files, as networkx, igraph, Gephi and yEd write
//! them, read with roxmltree (a kept, strict XML parser that knows where in
//! the file each element is).
//!
//! Nodes are agents in the order the file lists them, whatever their ids
//! (any string); a node that is in no edge is an agent with no contacts.
//! Edges are ties of acquaintance: a directed file's edges count in both
//! directions, and self-loops and repeated edges are dropped and counted
//! when the graph is built, as for edge lists. Optionally a node attribute
//! (`group_attribute`) is read as each agent's group, and each edge's
//! weight as its tie's strength (GraphML: the edge attribute named
//! `weight`, as networkx and igraph write it; GEXF: the edge's `weight`;
//! 1 where an edge has none, as both formats' defaults say).

use std::collections::HashMap;
use std::path::Path;

use roxmltree::{Document, Node, ParsingOptions};

use crate::scenario::{FieldPath, InputError, Problem};

/// The largest GraphML or GEXF file grapevine reads: XML is read whole into
/// memory (several times the file's size), so larger networks belong in an
/// edge list.
pub const MAX_XML_BYTES: u64 = 256 << 20;

/// The most XML nodes (elements, attributes' texts) a file may hold, a
/// bound on the parser's memory whatever the file's layout.
const MAX_XML_NODES: u32 = 24_000_000;

/// Which XML format a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Graphml,
    Gexf,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Graphml => "GraphML",
            Format::Gexf => "GEXF",
        }
    }
}

/// A graph read from a file: its edges in dense indices, each index's id in
/// the file, and each node's value of the group attribute when one was asked
/// for.
#[derive(Debug)]
pub struct XmlGraph {
    pub ids: Vec<String>,
    pub edges: Vec<(u32, u32)>,
    pub labels: Option<Vec<String>>,
    /// Each edge's weight, in the order of `edges`, when asked for.
    pub weights: Vec<f32>,
}

/// What to read beside the ties: the node attribute naming each agent's
/// group, and whether edges carry weights.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reading<'a> {
    pub group_attribute: Option<&'a str>,
    pub weighted: bool,
}

/// Reads a GraphML or GEXF file; a problem is reported with the file's line
/// and column and what was expected there.
pub fn read_xml(path: &Path, format: Format, reading: Reading<'_>) -> Result<XmlGraph, InputError> {
    let text = crate::input::read_text(path, MAX_XML_BYTES).map_err(|e| {
        let mut problem = Problem::new(field(), e.describe(format.name()));
        if matches!(e, crate::input::Refused::Io(_)) {
            problem = problem.help("`path` is relative to the scenario file's folder");
        }
        if matches!(e, crate::input::Refused::TooLarge { .. }) {
            problem = problem.help("write the network as an edge list (networkx: write_edgelist(G, path, data=False)) and use kind = \"edge-list\"");
        }
        InputError::single(path, problem)
    })?;
    parse_xml(&text, path, format, reading)
}

fn field() -> FieldPath {
    FieldPath::parse("network.path")
}

/// A problem at a place in the file.
struct Located {
    at: usize,
    message: String,
    allowed: String,
}

fn at(node: Node<'_, '_>, message: impl Into<String>, allowed: impl Into<String>) -> Located {
    Located {
        at: node.range().start,
        message: message.into(),
        allowed: allowed.into(),
    }
}

/// Reads GraphML or GEXF text; `path` names it in errors.
pub fn parse_xml(
    text: &str,
    path: &Path,
    format: Format,
    reading: Reading<'_>,
) -> Result<XmlGraph, InputError> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_XML_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        let message = e.to_string();
        // roxmltree ends its messages with the position; the location says it.
        let message = message
            .rsplit_once(" at ")
            .map_or(message.as_str(), |(m, _)| m)
            .to_string();
        InputError::single(
            path,
            Problem::new(
                field(),
                format!(
                    "the {} file is not well-formed XML: {message}",
                    format.name()
                ),
            )
            .allowed(format!(
                "a {} file, as networkx or Gephi write it",
                format.name()
            ))
            .at_line(pos.row as usize, pos.col as usize),
        )
    })?;
    let read = match format {
        Format::Graphml => graphml(&doc, reading),
        Format::Gexf => gexf(&doc, reading),
    };
    read.map_err(|l| {
        let pos = doc.text_pos_at(l.at);
        InputError::single(
            path,
            Problem::new(field(), l.message)
                .allowed(l.allowed)
                .at_line(pos.row as usize, pos.col as usize),
        )
    })
}

/// The element children of `node` with this local name (any namespace).
fn children<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The one `<graph>` of a file's root element.
fn the_graph<'a, 'i>(root: Node<'a, 'i>, format: Format) -> Result<Node<'a, 'i>, Located> {
    let mut graphs = children(root, "graph");
    let graph = graphs.next().ok_or_else(|| {
        at(
            root,
            format!("the {} file has no <graph> element", format.name()),
            "one <graph> element holding the nodes and edges",
        )
    })?;
    if let Some(second) = graphs.next() {
        return Err(at(
            second,
            "a second <graph> element: grapevine reads one network a file",
            "one <graph> element",
        ));
    }
    Ok(graph)
}

/// Nodes and edges as they are gathered: ids to indices, and the edges.
struct Builder<'a> {
    index: HashMap<&'a str, u32>,
    ids: Vec<&'a str>,
    labels: Vec<Option<String>>,
    edges: Vec<(u32, u32)>,
    weights: Vec<f32>,
}

impl<'a> Builder<'a> {
    fn new() -> Self {
        Self {
            index: HashMap::new(),
            ids: Vec::new(),
            labels: Vec::new(),
            edges: Vec::new(),
            weights: Vec::new(),
        }
    }

    fn node(&mut self, node: Node<'a, '_>, label: Option<String>) -> Result<(), Located> {
        let id = required(node, "id", "a node")?;
        if self.index.contains_key(id) {
            return Err(at(
                node,
                format!("node `{id}` is listed twice"),
                "each node's id once",
            ));
        }
        if self.ids.len() as u64 >= crate::scenario::MAX_AGENTS {
            return Err(at(
                node,
                format!(
                    "more than {} nodes: more than grapevine can hold",
                    crate::scenario::MAX_AGENTS
                ),
                format!("at most {} nodes", crate::scenario::MAX_AGENTS),
            ));
        }
        self.index.insert(id, self.ids.len() as u32);
        self.ids.push(id);
        self.labels.push(label);
        Ok(())
    }

    /// An edge, with its weight as written (`None` where it has none or
    /// weights are not read).
    fn edge(&mut self, edge: Node<'a, '_>, weight: Option<&str>) -> Result<(), Located> {
        let end = |key: &str| -> Result<u32, Located> {
            let id = required(edge, key, "an edge")?;
            self.index.get(id).copied().ok_or_else(|| {
                at(
                    edge,
                    format!("the edge's {key} `{id}` is not a node of the graph"),
                    "edges between listed nodes",
                )
            })
        };
        let pair = (end("source")?, end("target")?);
        if let Some(text) = weight {
            match text.trim().parse::<f32>() {
                Ok(w) if w.is_finite() && w >= 0.0 => self.weights.push(w),
                _ => {
                    return Err(at(
                        edge,
                        format!(
                            "the edge's weight `{}` is not a tie's strength",
                            text.trim()
                        ),
                        "a weight that is a number at least 0",
                    ));
                }
            }
        }
        self.edges.push(pair);
        Ok(())
    }

    fn finish(
        self,
        graph: Node<'_, '_>,
        format: Format,
        attribute: Option<&str>,
    ) -> Result<XmlGraph, Located> {
        if self.ids.is_empty() {
            return Err(at(
                graph,
                format!("the {} file's graph has no nodes", format.name()),
                "at least one node",
            ));
        }
        let labels = match attribute {
            None => None,
            Some(name) => {
                let missing: Vec<&str> = self
                    .labels
                    .iter()
                    .zip(&self.ids)
                    .filter(|(l, _)| l.is_none())
                    .map(|(_, id)| *id)
                    .take(6)
                    .collect();
                if !missing.is_empty() {
                    let count = self.labels.iter().filter(|l| l.is_none()).count();
                    return Err(at(
                        graph,
                        format!(
                            "{count} node{} no `{name}` value ({}{})",
                            if count == 1 { " has" } else { "s have" },
                            missing.join(", "),
                            if count > missing.len() { ", ..." } else { "" }
                        ),
                        format!("a `{name}` value for every node, or a default for the attribute"),
                    ));
                }
                Some(self.labels.into_iter().flatten().collect())
            }
        };
        Ok(XmlGraph {
            ids: self.ids.iter().map(|s| s.to_string()).collect(),
            edges: self.edges,
            labels,
            weights: self.weights,
        })
    }
}

fn required<'a, 'i>(node: Node<'a, 'i>, key: &str, what: &str) -> Result<&'a str, Located> {
    node.attribute(key).ok_or_else(|| {
        at(
            node,
            format!("{what} without `{key}`"),
            format!("<{} {key}=\"...\">", node.tag_name().name()),
        )
    })
}

/// The root element, checked to be `expected`.
fn root<'a, 'i>(doc: &'a Document<'i>, format: Format) -> Result<Node<'a, 'i>, Located> {
    let root = doc.root_element();
    let expected = match format {
        Format::Graphml => "graphml",
        Format::Gexf => "gexf",
    };
    if root.tag_name().name() != expected {
        return Err(at(
            root,
            format!(
                "the file's root element is <{}>, not <{expected}>",
                root.tag_name().name()
            ),
            format!("a {} file, starting <{expected}>", format.name()),
        ));
    }
    Ok(root)
}

/// GraphML: `<key>` declarations (with `attr.name` and an optional
/// `<default>`), then `<graph>` with `<node id>` (holding `<data key>`) and
/// `<edge source target>`.
fn graphml(doc: &Document<'_>, reading: Reading<'_>) -> Result<XmlGraph, Located> {
    let attribute = reading.group_attribute;
    let root = root(doc, Format::Graphml)?;
    let weight_key = if reading.weighted {
        Some(graphml_weight_key(root)?)
    } else {
        None
    };
    // The key ids that name the attribute, with their default value.
    let mut keys: HashMap<&str, Option<String>> = HashMap::new();
    if let Some(name) = attribute {
        for key in children(root, "key") {
            let applies = matches!(key.attribute("for"), None | Some("node") | Some("all"));
            if applies && key.attribute("attr.name") == Some(name) {
                let id = required(key, "id", "a key")?;
                let default = children(key, "default")
                    .next()
                    .and_then(|d| d.text())
                    .map(str::to_string);
                keys.insert(id, default);
            }
        }
        if keys.is_empty() {
            let names: Vec<&str> = children(root, "key")
                .filter(|k| matches!(k.attribute("for"), None | Some("node") | Some("all")))
                .filter_map(|k| k.attribute("attr.name"))
                .collect();
            return Err(no_attribute(root, name, &names));
        }
    }
    let graph = the_graph(root, Format::Graphml)?;
    let mut b = Builder::new();
    for node in children(graph, "node") {
        let label = attribute.and_then(|_| {
            children(node, "data")
                .find_map(|d| {
                    keys.get(d.attribute("key")?)
                        .map(|_| d.text().unwrap_or("").trim().to_string())
                })
                .or_else(|| keys.values().find_map(|d| d.clone()))
        });
        b.node(node, label)?;
    }
    for edge in graph.children().filter(|c| c.is_element()) {
        match edge.tag_name().name() {
            "edge" => {
                let weight = weight_key.as_ref().map(|(id, default)| {
                    children(edge, "data")
                        .find(|d| d.attribute("key") == Some(id))
                        .map_or(default.as_str(), |d| d.text().unwrap_or(""))
                });
                b.edge(edge, weight)?
            }
            "hyperedge" => {
                return Err(at(
                    edge,
                    "a <hyperedge>: grapevine's ties join two people",
                    "<edge source=\"...\" target=\"...\">",
                ));
            }
            "graph" => {
                return Err(at(
                    edge,
                    "a nested <graph>: grapevine reads one flat network",
                    "nodes and edges directly in the <graph>",
                ));
            }
            _ => {}
        }
    }
    b.finish(graph, Format::Graphml, attribute)
}

/// The id of GraphML's edge attribute named `weight`, and its default (1
/// when the key gives none).
fn graphml_weight_key(root: Node<'_, '_>) -> Result<(String, String), Located> {
    let edge_keys = || {
        children(root, "key")
            .filter(|k| matches!(k.attribute("for"), None | Some("edge") | Some("all")))
    };
    let Some(key) = edge_keys().find(|k| k.attribute("attr.name") == Some("weight")) else {
        let names: Vec<&str> = edge_keys()
            .filter_map(|k| k.attribute("attr.name"))
            .collect();
        return Err(at(
            root,
            "the file has no edge attribute `weight` (weighted = true)",
            if names.is_empty() {
                "a <key for=\"edge\" attr.name=\"weight\">; the file declares no edge attributes"
                    .to_string()
            } else {
                format!(
                    "a <key for=\"edge\" attr.name=\"weight\">; the file's edge attributes: {}",
                    names.join(", ")
                )
            },
        ));
    };
    let id = required(key, "id", "a key")?;
    let default = children(key, "default")
        .next()
        .and_then(|d| d.text())
        .unwrap_or("1");
    Ok((id.to_string(), default.to_string()))
}

/// GEXF (1.1 to 1.3): `<graph>` with `<attributes class="node">` (each
/// `<attribute id title>`, optional `<default>`), `<nodes>` of `<node id>`
/// (holding `<attvalues>` of `<attvalue for value>`) and `<edges>` of
/// `<edge source target>`.
fn gexf(doc: &Document<'_>, reading: Reading<'_>) -> Result<XmlGraph, Located> {
    let attribute = reading.group_attribute;
    let root = root(doc, Format::Gexf)?;
    let graph = the_graph(root, Format::Gexf)?;
    let node_attributes = || {
        children(graph, "attributes")
            .filter(|a| a.attribute("class") == Some("node"))
            .flat_map(|a| children(a, "attribute"))
    };
    let mut keys: HashMap<&str, Option<String>> = HashMap::new();
    if let Some(name) = attribute {
        for a in node_attributes() {
            if a.attribute("title") == Some(name) || a.attribute("id") == Some(name) {
                let id = required(a, "id", "an attribute")?;
                let default = children(a, "default")
                    .next()
                    .and_then(|d| d.text())
                    .map(str::to_string);
                keys.insert(id, default);
            }
        }
        if keys.is_empty() {
            let names: Vec<&str> = node_attributes()
                .filter_map(|a| a.attribute("title"))
                .collect();
            return Err(no_attribute(graph, name, &names));
        }
    }
    let mut b = Builder::new();
    for nodes in children(graph, "nodes") {
        for node in children(nodes, "node") {
            let label = attribute.and_then(|_| {
                children(node, "attvalues")
                    .flat_map(|v| children(v, "attvalue"))
                    .find_map(|v| {
                        let key = v.attribute("for").or_else(|| v.attribute("id"))?;
                        keys.get(key)?;
                        v.attribute("value").map(|s| s.trim().to_string())
                    })
                    .or_else(|| keys.values().find_map(|d| d.clone()))
            });
            b.node(node, label)?;
        }
    }
    for edges in children(graph, "edges") {
        for edge in children(edges, "edge") {
            let weight = reading
                .weighted
                .then(|| edge.attribute("weight").unwrap_or("1"));
            b.edge(edge, weight)?;
        }
    }
    b.finish(graph, Format::Gexf, attribute)
}

fn no_attribute(node: Node<'_, '_>, name: &str, names: &[&str]) -> Located {
    let allowed = if names.is_empty() {
        "the file declares no node attributes".to_string()
    } else {
        format!("one of the file's node attributes: {}", names.join(", "))
    };
    at(
        node,
        format!("the file has no node attribute `{name}` (group_attribute)"),
        allowed,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, format: Format, attr: Option<&str>) -> Result<XmlGraph, InputError> {
        let reading = Reading {
            group_attribute: attr,
            weighted: false,
        };
        parse_xml(text, Path::new("net.xml"), format, reading)
    }

    fn weighted(text: &str, format: Format) -> Result<XmlGraph, InputError> {
        let reading = Reading {
            group_attribute: None,
            weighted: true,
        };
        parse_xml(text, Path::new("net.xml"), format, reading)
    }

    #[test]
    fn graphml_weights_come_from_the_weight_key_with_its_default() {
        let text = GRAPHML
            .replace(
                "<graph edgedefault",
                "<key id=\"d1\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n  <graph edgedefault",
            )
            .replace(
                "target=\"bob\"/>",
                "target=\"bob\"><data key=\"d1\">0.25</data></edge>",
            );
        let g = weighted(&text, Format::Graphml).unwrap();
        assert_eq!(g.weights, [0.25, 1.0, 1.0]);
        let e = weighted(GRAPHML, Format::Graphml).unwrap_err().to_string();
        assert!(e.contains("no edge attribute `weight`"), "{e}");
        let bad = text.replace(">0.25<", ">-3<");
        let e = weighted(&bad, Format::Graphml).unwrap_err().to_string();
        assert!(
            e.contains("`-3` is not a tie's strength") && e.contains(":9:5"),
            "{e}"
        );
        assert!(
            parse(&text, Format::Graphml, None)
                .unwrap()
                .weights
                .is_empty()
        );
    }

    #[test]
    fn gexf_weights_default_to_one() {
        let text = r#"<gexf version="1.3"><graph><nodes><node id="a"/><node id="b"/><node id="c"/></nodes>
<edges><edge source="a" target="b" weight="2.5"/><edge source="b" target="c"/></edges></graph></gexf>"#;
        assert_eq!(weighted(text, Format::Gexf).unwrap().weights, [2.5, 1.0]);
    }

    const GRAPHML: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="d0" for="node" attr.name="department" attr.type="string"><default>sales</default></key>
  <graph edgedefault="undirected">
    <node id="ann"><data key="d0">support</data></node>
    <node id="bob"/>
    <node id="cy"/>
    <edge source="ann" target="bob"/>
    <edge source="bob" target="cy"/>
    <edge source="cy" target="cy"/>
  </graph>
</graphml>"#;

    #[test]
    fn graphml_nodes_keep_file_order_with_string_ids_and_defaults() {
        let g = parse(GRAPHML, Format::Graphml, Some("department")).unwrap();
        assert_eq!(g.ids, ["ann", "bob", "cy"]);
        assert_eq!(g.edges, [(0, 1), (1, 2), (2, 2)]);
        assert_eq!(g.labels.unwrap(), ["support", "sales", "sales"]);
    }

    #[test]
    fn an_unknown_attribute_lists_the_known_ones() {
        let e = parse(GRAPHML, Format::Graphml, Some("team")).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("no node attribute `team`"), "{text}");
        assert!(text.contains("department"), "{text}");
    }

    #[test]
    fn an_edge_to_an_unlisted_node_is_located() {
        let text = GRAPHML.replace(
            "target=\"cy\"/>\n    <edge source=\"cy\"",
            "target=\"zed\"/>\n    <edge source=\"cy\"",
        );
        let e = parse(&text, Format::Graphml, None).unwrap_err();
        let shown = e.to_string();
        assert!(shown.contains("`zed` is not a node"), "{shown}");
        assert!(shown.contains(":9:"), "{shown}");
    }

    #[test]
    fn malformed_xml_is_located() {
        let e = parse(
            "<graphml>\n<graph>\n<node id=\"a\">\n</graph>",
            Format::Graphml,
            None,
        )
        .unwrap_err();
        let shown = e.to_string();
        assert!(shown.contains("not well-formed"), "{shown}");
        assert!(shown.contains(":4:"), "{shown}");
    }

    #[test]
    fn gexf_reads_attvalues_by_title() {
        let text = r#"<gexf xmlns="http://gexf.net/1.3" version="1.3">
  <graph defaultedgetype="undirected">
    <attributes class="node"><attribute id="0" title="segment" type="string"/></attributes>
    <nodes>
      <node id="x"><attvalues><attvalue for="0" value="loyal"/></attvalues></node>
      <node id="y"><attvalues><attvalue for="0" value="new"/></attvalues></node>
    </nodes>
    <edges><edge id="0" source="x" target="y"/></edges>
  </graph>
</gexf>"#;
        let g = parse(text, Format::Gexf, Some("segment")).unwrap();
        assert_eq!(g.ids, ["x", "y"]);
        assert_eq!(g.edges, [(0, 1)]);
        assert_eq!(g.labels.unwrap(), ["loyal", "new"]);
        let e = parse(text, Format::Graphml, None).unwrap_err();
        assert!(e.to_string().contains("not <graphml>"));
    }

    #[test]
    fn a_node_without_a_value_is_named() {
        let text = GRAPHML.replace("<default>sales</default>", "");
        let e = parse(&text, Format::Graphml, Some("department")).unwrap_err();
        let shown = e.to_string();
        assert!(
            shown.contains("2 nodes have no `department` value (bob, cy)"),
            "{shown}"
        );
    }
}
