"""Time to write the offline graph page for a synthetic 5,000-node policykg graph.

    python3 bench/viz_render.py [--reports 1000] [--laws 2000] [--agencies 1000] [--regions 500]
                                [--programs 500] [--edges 20000] [-o /tmp/policykg-viz-bench.html]

Prints the node/edge counts, the seconds to build and write the page (layout included) and the
page size in MB. The graph is random but seeded, with the shape of a real build: reports cite
laws (with evidence), are issued by agencies, mention programs, agencies and regions; agencies
sit in regions, regions are part of regions, some agencies cooperate.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import networkx as nx

from policykg.viz.page import write_graph_page

BASE = "https://w3id.org/policykg/"


def synthetic_graph(reports=1000, laws=2000, agencies=1000, regions=500, programs=500, edges=20000,
                    seed=7) -> nx.MultiDiGraph:
    r = random.Random(seed)
    G = nx.MultiDiGraph()
    ids = {"Report": [], "Law": [], "Agency": [], "Region": [], "Program": []}
    for i in range(regions):
        n = f"{BASE}region/{110000 + i}"
        G.add_node(n, type="Region", label=f"示例区{i}", code=str(110000 + i),
                   lat=30 + r.random() * 10, lon=110 + r.random() * 10)
        ids["Region"].append(n)
    for i in range(agencies):
        n = f"{BASE}agency/{i}"
        G.add_node(n, type="Agency", label=f"示例区{i % regions}卫生健康局{i}", aliases=[f"区卫健局{i}"])
        ids["Agency"].append(n)
    for i in range(laws):
        n = f"{BASE}law/{i}"
        G.add_node(n, type="Law", label=f"中华人民共和国示例法第{i}号", level=r.choice(["法律", "行政法规", "部门规章", "地方性法规"]))
        ids["Law"].append(n)
    for i in range(programs):
        n = f"{BASE}program/{i}"
        G.add_node(n, type="Program", label=f"示例专项行动{i}")
        ids["Program"].append(n)
    for i in range(reports):
        n = f"{BASE}report/{i}"
        G.add_node(n, type="Report", label=f"示例区{i % regions}卫生健康局{2019 + i % 5}年法治政府建设情况报告",
                   year=2019 + i % 5)
        ids["Report"].append(n)

    count = 0

    def add(u, v, t, **kw):
        nonlocal count
        G.add_edge(u, v, type=t, weight=kw.pop("weight", 1), **kw)
        count += 1

    for i, rep in enumerate(ids["Report"]):
        add(rep, ids["Agency"][i % agencies], "issued_by")
        add(rep, ids["Region"][i % regions], "mentions_region")
    for i, a in enumerate(ids["Agency"]):
        add(a, ids["Region"][i % regions], "located_in")
    for i, reg in enumerate(ids["Region"][1:], 1):
        add(reg, ids["Region"][r.randrange(i)], "part_of")
    hubs = ids["Law"][:50]  # a few laws (宪法, 民法典, ...) are cited by nearly everyone
    while count < edges:
        rep = r.choice(ids["Report"])
        k = r.random()
        if k < 0.6:
            law = r.choice(hubs) if r.random() < 0.3 else r.choice(ids["Law"])
            start = r.randrange(5000)
            add(rep, law, "cites", citations=1, roles=[r.choice(["basis", "study", "enforcement"])],
                evidence=[{"text": f"依据《{G.nodes[law]['label']}》开展执法检查{r.randrange(1, 900)}户次。",
                           "start": start, "end": start + 30, "role": "enforcement"}])
        elif k < 0.8:
            add(rep, r.choice(ids["Program"]), "mentions_program")
        elif k < 0.95:
            add(rep, r.choice(ids["Agency"]), "mentions_agency")
        else:
            add(r.choice(ids["Agency"]), r.choice(ids["Agency"]), "cooperates_with")
    return G


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in (("reports", 1000), ("laws", 2000), ("agencies", 1000), ("regions", 500),
                          ("programs", 500), ("edges", 20000)):
        ap.add_argument(f"--{name}", type=int, default=default)
    ap.add_argument("-o", "--out", type=Path, default=Path(tempfile.gettempdir()) / "policykg-viz-bench.html")
    a = ap.parse_args()
    t0 = time.perf_counter()
    G = synthetic_graph(a.reports, a.laws, a.agencies, a.regions, a.programs, a.edges)
    t1 = time.perf_counter()
    write_graph_page(G, a.out, title="viz benchmark", description="synthetic graph")
    t2 = time.perf_counter()
    print(f"graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges (generated in {t1 - t0:.2f} s)")
    print(f"page:  {a.out} written in {t2 - t1:.2f} s, {a.out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
