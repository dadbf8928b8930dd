"""Helpers shared by the tests of the generated pages: reading a page's data block, spotting
outside assets, and asking a page in the browser which nodes are selected."""
from __future__ import annotations

import json
import re

#: an src/href that would load something from the network
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)

#: JS for page.evaluate: the IRIs of the nodes selected in a graph page
SELECTED_IRIS = """() => { var api = window.policykg, sel = api.network.getSelectedNodes();
  return api.data.nodes.filter(function (n) { return sel.indexOf(n.id) >= 0; }).map(function (n) { return n.iri; }); }"""


def page_data(html: str) -> dict:
    """The JSON data block of a graph page (nodes, edges, options, facets)."""
    m = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S)
    assert m, "no graph data block"
    return json.loads(m.group(1))
