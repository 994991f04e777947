"""Computational graphs drawn from a derivation's declared forward map (TikZ, generated)."""
import sympy as sp

from .printing import latex


def _references(definition):
    return {a for a in sp.preorder_traversal(definition) if isinstance(a, sp.MatrixSymbol)}


def forward_edges(derivation, outputs):
    """(edges, nodes) of the forward map behind the named outputs: edges go input -> node."""
    defined = {d.obj.name: d for d in derivation.declared if d.kind == "definition"}
    declared = {d.obj.name: d.obj for d in derivation.declared if isinstance(d.obj, sp.MatrixSymbol)}
    edges, seen, todo = [], set(), list(outputs)
    while todo:
        name = todo.pop()
        if name in seen or name not in defined:
            continue
        seen.add(name)
        node = defined[name].obj
        for ref in sorted(_references(defined[name].definition) - {node}, key=lambda m: m.name):
            edges.append((declared.get(ref.name, ref), node))
            todo.append(ref.name)
    nodes = list(dict.fromkeys([a for a, _ in edges] + [b for _, b in edges]))
    return edges, nodes


def _depths(edges, nodes):
    depth = {n: 0 for n in nodes}
    for _ in nodes:  # longest path from an input, by relaxation (the graph is acyclic)
        for a, b in edges:
            depth[b] = max(depth[b], depth[a] + 1)
    sources = {a for a, _ in edges} - {b for _, b in edges}
    for node in sources:  # an input sits just before its first consumer
        depth[node] = max(0, min(depth[b] for a, b in edges if a == node) - 1)
    return depth


def computational_graph(derivation, outputs, xstep=2.6, ystep=1.3):
    """TikZ code for the forward map ending at the named outputs, laid out by depth."""
    edges, nodes = forward_edges(derivation, outputs)
    if not edges:
        raise ValueError(f"no forward map declared for {outputs}")
    depth = _depths(edges, nodes)
    columns = {}
    for node in nodes:
        columns.setdefault(depth[node], []).append(node)
    ids = {node: f"n{i}" for i, node in enumerate(nodes)}
    lines = [r"\begin{tikzpicture}[>={Stealth[length=2.2mm]}, every node/.style={draw, circle, "
             r"minimum size=9mm, inner sep=1pt}]"]
    for col, members in sorted(columns.items()):
        for row, node in enumerate(members):
            y = (len(members) - 1) / 2 * ystep - row * ystep
            lines.append(rf"\node ({ids[node]}) at ({col * xstep:.2f},{y:.2f}) {{${latex(node)}$}};")
    for k, (a, b) in enumerate(edges):
        span = depth[b] - depth[a]
        bend = f" [bend {'right' if k % 2 else 'left'}={15 + 10 * span}]" if span > 1 else ""
        lines.append(rf"\draw[->] ({ids[a]}) to{bend} ({ids[b]});")
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines)
