"""Lines, paragraphs, sentences and meta blocks, in both styles PDF text arrives in."""

from __future__ import annotations

from politiraad_graph.ingest.layout import analyse

# The style pypdf writes for many Word documents: a blank line after every line, a line holding
# one space between paragraphs, a page joined on with a leading space.
DOUBLE_SPACED = (
    " REFERAT FRA POLITIRÅDET I DRAMMEN - 02.05.24 \n\n"
    "1. Orienteringer \n\n"
    "Ordføreren innledet med å vise til uroen i sentrum, og politiet ga en kort \n\n"
    "oversikt over helgens hendelser. \n\n"
    " \n\n"
    "Drammen kommune \n\n"
    "Referat \n"
    "Politirådets \n\n"
    "medlemmer: \n\n"
    "Sør-Øst politidistrikt: \n\n"
    "Siv Lunde (politistasjonssjef), Tor Amundsen (leder for forebygging) \n\n"
    "Møtested: Rådhuset \n\n"
    "Saksbehandler: Ane K. Moe \n"
    " Ordføreren viste videre til arbeidet med en ny plan for sentrum. \n\n"
    " \n\n"
    "2. Eventuelt \n\n"
    "Ingen saker. \n\n"
)


def test_double_spaced_paragraphs() -> None:
    layout = analyse(DOUBLE_SPACED)
    first = next(line for line in layout.lines if line.text.startswith("Ordføreren innledet"))
    second = next(line for line in layout.lines if line.text.startswith("oversikt"))
    assert first.paragraph == second.paragraph
    eventuelt = next(line for line in layout.lines if line.text.startswith("2. Eventuelt"))
    assert eventuelt.kind == "heading" and eventuelt.paragraph > first.paragraph


def test_plain_paragraphs() -> None:
    text = "1. Sak\nFørste linje\nandre linje.\n\nNytt avsnitt.\n"
    layout = analyse(text)
    paragraphs = [line.paragraph for line in layout.lines]
    assert paragraphs == [0, 0, 0, 1]


def test_side_box_inside_an_item_is_a_region() -> None:
    layout = analyse(DOUBLE_SPACED)
    boxes = [r for r in layout.regions if r.kind == "side-box"]
    assert len(boxes) == 1
    box = DOUBLE_SPACED[boxes[0].start : boxes[0].end]
    assert box.startswith("Drammen kommune") and box.endswith("Saksbehandler: Ane K. Moe")
    # the item goes on after the box: that sentence is body text, not part of the box
    after = DOUBLE_SPACED.index("Ordføreren viste videre")
    assert layout.region_at(after) is None


def test_sentences_skip_regions_and_respect_abbreviations() -> None:
    layout = analyse(DOUBLE_SPACED)
    sentences = [" ".join(DOUBLE_SPACED[s:e].split()) for s, e in layout.sentences()]
    assert "REFERAT FRA POLITIRÅDET I DRAMMEN - 02.05.24" in sentences
    assert not any("Saksbehandler" in s for s in sentences)
    text = (
        "Møtet startet kl. 9 den 4. desember. Bente T. Fagerli ledet. Det er satt av 40 mill. kr."
    )
    spans = analyse(text).sentences()
    assert [text[s:e] for s, e in spans] == [
        "Møtet startet kl. 9 den 4. desember.",
        "Bente T. Fagerli ledet.",
        "Det er satt av 40 mill. kr.",
    ]


def test_header_block_at_the_top() -> None:
    text = (
        "Møtebok\nTid: 12. mars 2025\nSted: Rådhuset\nTil stede: Kari Moe, Ola Berg\n\n"
        "Sak 1/25 Godkjenning\nGodkjent.\n"
    )
    layout = analyse(text)
    (block,) = layout.regions
    assert block.kind == "meeting-details"
    assert text[block.start : block.end].endswith("Ola Berg")


def test_line_kinds() -> None:
    text = (
        "Sak 3. Budsjett\n7.  og 8: To saker\n- Et punkt\n• Et tema\no Et underpunkt\n"
        "Tid: i dag\n13.10.25 var en dato\n"
    )
    kinds = [line.kind for line in analyse(text).lines]
    assert kinds == ["heading", "heading", "bullet", "bullet", "bullet", "field", "short"]
