"""Agenda items in numbered and bulleted layouts, and the sections that are not items."""

from __future__ import annotations

from politiraad_graph.ingest.agenda import find_structure, summary, suspended_hyphen
from politiraad_graph.ingest.layout import analyse


def items(text: str) -> list[tuple[int | None, int, str]]:
    return [(i.number, i.position, i.title) for i in find_structure(analyse(text)).items]


def test_numbered_items_and_decision_words_left_out_of_titles() -> None:
    text = (
        "Referat fra møte i Politirådet i Oslo 13.01.2023\n\n"
        "1. Dagsorden godkjent\n\n"
        "2. Referat fra seminaret 17.-18.11.22 er godkjent\n\n"
        "3. Orientering fra politimesteren\n"
        "-Stillingen som ny politimester hadde søknadsfrist 4. desember.\n"
        "-Det er satt av 3 millioner.\n\n"
        "4. Eventuelt\nIngen saker\n"
    )
    assert items(text) == [
        (1, 1, "Dagsorden"),
        (2, 2, "Referat fra seminaret 17.-18.11.22"),
        (3, 3, "Orientering fra politimesteren"),
        (4, 4, "Eventuelt"),
    ]


def test_sak_numbering_with_case_year() -> None:
    text = (
        "Sak 12/25 Godkjenning av innkalling\nGodkjent.\nSak 13/25 Budsjett 2026\n"
        "Vedtatt.\nSak 14/25 Eventuelt\n"
    )
    structure = find_structure(analyse(text))
    assert [(i.number, i.case_number, i.title) for i in structure.items] == [
        (12, "12/25", "Godkjenning av innkalling"),
        (13, "13/25", "Budsjett 2026"),
        (14, "14/25", "Eventuelt"),
    ]


def test_sak_with_dot_and_numbers_that_break_the_sequence() -> None:
    text = (
        "Sak 1. Godkjenning av dagsorden\nDagsorden ble godkjent.\n"
        "Sak 2. Status\n"
        "1. Første punkt i en liste under saken\n"
        "Sak 3. Eventuelt\n"
    )
    assert [title for _, _, title in items(text)] == [
        "Godkjenning av dagsorden",
        "Status",
        "Eventuelt",
    ]


def test_joint_items_split_by_the_list_of_attachments() -> None:
    text = (
        "6. Orienteringer\nTekst.\n\n"
        "7.  og 8: Samarbeidsavtale 2024 – 2027 Handlingsplan mot vold 2024 - 2027\n"
        "-Utkast til ny samarbeidsavtale foreligger.\n"
        "-Handlingsplanen mot vold er på høring.\n"
        "-Begge dokumentene ble vedtatt.\n\n"
        "9. Eventuelt\n\n"
        "Vedlegg:\n"
        "Pkt. 7 – Samarbeidsavtale 2024 – 2027\n"
        "Pkt. 8 - Handlingsplan mot vold 2024 - 2027\n"
    )
    structure = find_structure(analyse(text))
    joint = [(i.number, i.title, i.joint) for i in structure.items if i.joint]
    assert joint == [
        (7, "Samarbeidsavtale 2024 – 2027", [3]),
        (8, "Handlingsplan mot vold 2024 - 2027", [2]),
    ]
    # each bullet belongs to the item whose title it speaks of; the closing one to the last
    about = {
        phrase: getattr(structure.item_at(text.index(phrase)), "number", None)
        for phrase in (
            "Utkast til ny samarbeidsavtale",
            "Handlingsplanen mot vold",
            "Begge dokumentene",
        )
    }
    assert about == {
        "Utkast til ny samarbeidsavtale": 7,
        "Handlingsplanen mot vold": 8,
        "Begge dokumentene": 8,
    }
    assert structure.items[-1].end == text.index("Vedlegg:")


def test_joint_items_split_at_og_without_attachments() -> None:
    text = "1. Budsjett og handlingsplan\nTekst.\n2.  og 3: Budsjett / Handlingsplan\nTekst.\n"
    assert [title for _, _, title in items(text)][1:] == ["Budsjett", "Handlingsplan"]


def test_bulleted_themes_of_a_seminar() -> None:
    text = (
        "Politirådet holdt sitt seminar 4.–5. september, der følgende temaer ble drøftet:\n\n"
        "• Vold blant unge i sentrum\n"
        "• Kriminalitets – og trusselbilde i Bergen\n"
        "• Innsats i utsatte områder. Per september 2024 har bydelene egne tiltak:\n"
        "o Årstad: nytt tiltak\n"
        "o Laksevåg: videreført\n"
        "• Utkast til ny samarbeidsavtale for perioden 2025 – 2027 ble kort presentert. "
        "Den legges\n"
        "fram for godkjenning i november.\n"
        "• Status for oppfølgingspunkter fra seminaret 2023 ble gjennomgått. Nye "
        "oppfølgingspunkter for 2024 ble diskutert.\n\n"
        "Vedlegg: 1. Oppfølgingspunkter\n"
    )
    assert items(text) == [
        (None, 1, "Vold blant unge i sentrum"),
        (None, 2, "Kriminalitets- og trusselbilde i Bergen"),
        (None, 3, "Innsats i utsatte områder"),
        (None, 4, "Utkast til ny samarbeidsavtale 2025–2027"),
        (
            None,
            5,
            "Status for oppfølgingspunkter fra seminaret 2023 og nye oppfølgingspunkter for 2024",
        ),
    ]
    structure = find_structure(analyse(text))
    assert getattr(structure.item_at(text.index("Laksevåg")), "position", None) == 3


def test_follow_up_section_is_not_agenda_items() -> None:
    text = (
        "Politirådet holdt et møte 3. mars 2025, der følgende saker ble diskutert:\n"
        "• Budsjett\n"
        "• Status for oppfølgingspunkter\n\n"
        "Oppfølgingspunkter Politirådet 2024 – status pr mars 2025\n\n"
        "1. Det skal lages en felles rutine.\n\nStatus: Ferdig.\n\n"
        "2. Det skal arbeides med mer.\n\nStatus: I gang.\n"
    )
    structure = find_structure(analyse(text))
    assert [i.title for i in structure.items] == ["Budsjett", "Status for oppfølgingspunkter"]
    assert structure.followup_section is not None
    assert text[structure.followup_section[0] :].startswith("Oppfølgingspunkter Politirådet 2024")


def test_tail_sections_end_the_last_item() -> None:
    text = (
        "1. Sak\nTekst.\n2. Eventuelt\nIngen saker\n\nForkortelser: OPD: Oslo "
        "politidistrikt\n\nOm politirådet:\n-Referat er offentlig.\n"
    )
    structure = find_structure(analyse(text))
    assert (
        text[structure.items[-1].start : structure.items[-1].end].strip()
        == "2. Eventuelt\nIngen saker"
    )


def test_summary_leaves_out_heading_and_bullet_marks() -> None:
    text = "1. Orientering\n-Første punkt.\n-Andre punkt.\n2. Eventuelt\n"
    layout = analyse(text)
    first = find_structure(layout).items[0]
    assert summary(layout, first) == "Første punkt. Andre punkt."


def test_suspended_hyphen() -> None:
    assert suspended_hyphen("Barne – og familieetaten") == "Barne- og familieetaten"
    assert (
        suspended_hyphen("Mortensrud – økt tilstedeværelse") == "Mortensrud – økt tilstedeværelse"
    )
