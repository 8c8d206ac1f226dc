"""diagram_parts: text sizes, boxes, the page scale and the shift to the origin, checked by hand."""

import pytest

from symback.documents.diagram_parts import (PAGE_HEIGHT_CM, PAGE_WIDTH_CM, Box, DiagramEdge, DiagramNode, fit_scale,
                                             moved_to_origin, text_size)
from symback.documents.tex import Tex


def test_text_size_grows_with_the_text_and_its_scripts():
    assert text_size("0.1")[0] < text_size("0.1234")[0] < text_size(r"-0.1234")[0]
    assert text_size(r"1.234 \times 10^{-5}")[1] > text_size("1.234")[1]


def test_the_width_of_a_number_in_ems():
    """8 pt digits are 0.5 em (4 pt) each, a point 0.28 em; a TeX point is 2.54/72.27 cm; 0.08 cm padding each side."""
    em = 8 * 2.54 / 72.27
    width, height = text_size("0.15")
    assert width == pytest.approx((3 * 0.5 + 0.28) * em + 0.16)
    assert height == pytest.approx(1.25 * em + 0.16)


def test_boxes_meet_when_they_overlap_or_come_within_the_gap():
    a = Box(0, 0, 2, 2)  # [-1, 1] x [-1, 1]
    assert a.meets(Box(1.5, 0, 2, 2)) and not a.meets(Box(2, 0, 2, 2))  # touching edges do not overlap
    assert a.meets(Box(2.05, 0, 2, 2), gap=0.1) and not a.meets(Box(2.2, 0, 2, 2), gap=0.1)


def test_a_figure_is_shrunk_onto_the_page_and_never_enlarged():
    assert fit_scale(10, 10) == 1.0
    assert fit_scale(2 * PAGE_WIDTH_CM, 1) == 0.5
    assert fit_scale(1, 3 * PAGE_HEIGHT_CM) == 0.3333  # rounded down to 4 decimals
    assert fit_scale(0, 0) == 1.0


def test_moved_to_origin_puts_the_top_left_corner_at_zero():
    node = DiagramNode("a", Tex("a"), x=5.0, y=3.0, size=1.0)
    other = DiagramNode("b", Tex("b"), x=8.0, y=4.0, size=1.0)
    edge = DiagramEdge(0, 1, "1", label=Tex("1"), label_x=6.5, label_y=2.0, label_width=1.0, label_height=0.4,
                       path=Tex("(5.000,3.000) -- (8.000,4.000)"))
    nodes, edges, width, height = moved_to_origin([node, other], [edge])
    # left edge: node a at 5 - 0.5 = 4.5; top: the label at 2 - 0.2 = 1.8; right 8.5, bottom 4.5
    assert (nodes[0].x, nodes[0].y, nodes[1].x, nodes[1].y) == (0.5, 1.2, 3.5, 2.2)
    assert (edges[0].label_x, edges[0].label_y) == (2.0, 0.2) and (width, height) == (4.0, 2.7)
    assert edges[0].path == "(0.500,1.200) -- (3.500,2.200)"


def test_a_segment_crosses_a_box_it_passes_through_but_not_one_beside_it():
    from symback.documents.diagram_parts import Box, crosses
    box = Box(1.0, 1.0, 0.4, 0.4)
    assert crosses(box, (0.0, 0.0), (2.0, 2.0)) and not crosses(box, (0.0, 2.0), (0.5, 1.5))
    assert not crosses(box, (0.0, 1.0), (0.85, 1.0), trim=0.1)  # trimmed short of the box
    assert crosses(box, (0.0, 1.0), (2.0, 1.0), trim=0.1)


def test_a_label_alone_on_its_edge_avoids_every_crossing():
    from symback.documents.diagram_parts import _crosses, Box, place_labels
    # two edges crossing at (1, 1): a label may not sit on the crossing, and with alone=True nowhere another edge passes
    centres = [(0.0, 0.0), (2.0, 2.0), (0.0, 2.0), (2.0, 0.0)]
    segments = [(0, 1), (2, 3)]
    sizes = [(0.3, 0.2), (0.3, 0.2)]
    spots = place_labels(centres, segments, sizes, [], [0.5, 0.5], alone=True)
    for j, (x, y) in enumerate(spots):
        other = segments[1 - j]
        assert not _crosses(Box(x, y, *sizes[j]), centres[other[0]], centres[other[1]])


def test_a_label_with_no_free_place_on_its_edge_is_refused_when_it_must_be_alone():
    from symback.documents.diagram_parts import place_labels
    centres = [(0.0, 0.0), (4.0, 0.0)] + [p for i in range(41) for p in ((0.1 * i, -1.0), (0.1 * i, 1.0))]
    segments = [(0, 1)] + [(2 + 2 * i, 3 + 2 * i) for i in range(41)]  # a comb of edges across the first one
    sizes = [(0.3, 0.2)] + [(0.0, 0.0)] * 41
    assert place_labels(centres, segments[:1] + segments[1:], sizes, [], alone=False) is not None
    assert place_labels(centres, segments, sizes, [], alone=True) is None
