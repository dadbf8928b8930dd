"""How a policykg page looks: node shapes and colours by type, edge colours by type, law levels
and citation roles by colour, and vis-network's options."""
from __future__ import annotations

import math

#: node type -> (colour, vis shape); the legend lists the types in this order
NODE_STYLES: dict[str, tuple[str, str]] = {
    "Report": ("#e15759", "box"),
    "Agency": ("#4e79a7", "dot"),
    "Law": ("#f28e2b", "diamond"),
    "Program": ("#59a14f", "triangle"),
    "Region": ("#b07aa1", "hexagon"),
    "Year": ("#76b7b2", "ellipse"),
}
OTHER_STYLE = ("#9c9c9c", "dot")
EDGE_COLORS: dict[str, str] = {
    "cites": "#f28e2b",
    "issued_by": "#e15759",
    "submitted_to": "#e15759",
    "located_in": "#b07aa1",
    "jurisdiction": "#b07aa1",
    "mentions_region": "#b07aa1",
    "part_of": "#8c6d8c",
    "mentions_program": "#59a14f",
    "mentions_agency": "#4e79a7",
    "sub_organization_of": "#4e79a7",
    "cooperates_with": "#76b7b2",
    "issuer": "#4e79a7",
    "in_region": "#b07aa1",
    "in_year": "#76b7b2",
}
#: colours of law levels (views that colour laws by level) and citation roles (edges by role);
#: one for each term of graph.vocab (a test checks), whose order the filters follow
LEVEL_COLORS: dict[str, str] = {
    "法律": "#d62728", "行政法规": "#ff7f0e", "部门规章": "#8c564b", "地方性法规": "#bcbd22",
    "地方政府规章": "#e377c2", "党内法规": "#9467bd", "规范性文件": "#1f77b4", "国家规划": "#17becf",
    "其他": "#7f7f7f",
}
ROLE_COLORS: dict[str, str] = {
    "学习培训": "#1f77b4", "普法宣传": "#2ca02c", "执法依据": "#d62728", "制定修订": "#9467bd",
    "合法性审查": "#ff7f0e", "其他": "#7f7f7f",
}
OTHER_COLOR = "#7f7f7f"  # a level or role outside the vocabulary
OTHER_EDGE_COLOR = "#aaaaaa"


def style_of(node_type: str) -> tuple[str, str]:
    """(colour, vis shape) of a node type."""
    return NODE_STYLES.get(node_type, OTHER_STYLE)


def type_order(types) -> list[str]:
    """The node types present, in NODE_STYLES order, then any others by name."""
    return [t for t in NODE_STYLES if t in types] + sorted(t for t in types if t not in NODE_STYLES)


def level_color(level: str) -> str:
    return LEVEL_COLORS.get(level, OTHER_COLOR)


def role_color(role: str) -> str:
    return ROLE_COLORS.get(role, OTHER_COLOR)


def node_color(color: str) -> dict:
    """A vis node colour: ``color`` filled and outlined, a dark outline when selected or hovered."""
    return {"background": color, "border": color, "highlight": {"background": color, "border": "#222222"},
            "hover": {"background": color, "border": "#222222"}}


def vis_options(static: bool, types: list[str], smooth: bool = True) -> dict:
    """vis-network options: a group per node type, and physics unless positions are ``static``."""
    groups = {}
    for t in types:
        color, shape = style_of(t)
        groups[t] = {"color": {"background": color, "border": color,
                               "highlight": {"background": color, "border": "#222222"}},
                     "shape": shape}
        if shape == "box":
            groups[t]["font"] = {"color": "#ffffff"}
    return {
        "groups": groups,
        "nodes": {"font": {"size": 12, "face": "system-ui, Noto Sans CJK SC, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif"},
                  "scaling": {"label": {"drawThreshold": 6}}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "smooth": ({"enabled": True, "type": "continuous", "roundness": 0.3} if smooth else False),
                  "color": {"inherit": False}, "selectionWidth": 2},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": static and not smooth,
                        "hideEdgesOnZoom": static and not smooth, "navigationButtons": False, "keyboard": False},
        "layout": {"improvedLayout": not static, "randomSeed": 1},
        "physics": ({"enabled": False} if static else
                    {"enabled": True, "solver": "barnesHut", "minVelocity": 0.75,
                     "barnesHut": {"gravitationalConstant": -4000, "springLength": 120, "avoidOverlap": 0.1},
                     "stabilization": {"enabled": True, "iterations": 200, "updateInterval": 25, "fit": True}}),
    }


def pagerank_sizes(ranks: dict) -> dict:
    """Node sizes from PageRank (6 to 40, by the square root of each rank over the top one), the
    same on the overview page and in the GEXF for Gephi.

    >>> pagerank_sizes({"a": 0.5, "b": 0.125})
    {'a': 40.0, 'b': 23.0}
    """
    top = max(ranks.values(), default=1.0) or 1.0
    return {n: round(6 + 34 * math.sqrt(r / top), 2) for n, r in ranks.items()}
