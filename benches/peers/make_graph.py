"""Writes graph.txt: the largest connected component of an Erdős–Rényi graph
(networkx, seed 2026), nodes relabelled 0..n-1, one `u v` edge a line.

Committed with its output, so grapevine's side of the comparison needs no
Python; run it again only to change the graph.
"""
import networkx as nx

g = nx.gnp_random_graph(2000, 6 / 1999, seed=2026)
core = g.subgraph(max(nx.connected_components(g), key=len))
core = nx.convert_node_labels_to_integers(core, ordering="sorted")
nx.write_edgelist(core, "graph.txt", data=False)
print(f"graph.txt: {core.number_of_nodes()} nodes, {core.number_of_edges()} edges")
