"""perfeval.render: string-level checks of the page, then the page in headless Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from perfeval.render import render_html
from perfeval.types import Document, Entity, Indicator, Record, Relation

TEXT = "2023年年度预算 2054.25 万元，全年累计实际开支 1860.77万元，\n完成预算的 90.6%。\n\n召开常委会会议 13次 <b>&amp;</b>"


def _span(text: str, part: str) -> tuple[int, int]:
    start = TEXT.index(part)
    return start, start + len(part)


def _document() -> Document:
    """The worked example of ANNOTATION.md plus a COUNT and some markup-like text."""
    spans = [
        ("INDICATOR", "年度预算"),
        ("MONEY", "2054.25 万元"),
        ("INDICATOR", "实际开支"),
        ("MONEY", "1860.77万元"),
        ("INDICATOR", "完成预算"),
        ("PERCENT", "90.6%"),
        ("INDICATOR", "常委会会议"),
        ("COUNT", "13次"),
    ]
    entities = [Entity(label, *_span(TEXT, part), part) for label, part in spans]
    relations = [Relation(1, 0), Relation(3, 2), Relation(5, 4), Relation(7, 6)]
    figures = {1: (20542500, "元"), 3: (18607700, "元"), 5: (90.6, "%"), 7: (13, "次")}
    records = [
        Record(
            entities[head].label,
            entities[head].text,
            entities[head].start,
            entities[head].end,
            figures[head][0],
            figures[head][1],
            indicator=Indicator(entities[tail].text, entities[tail].start, entities[tail].end),
        )
        for head, tail in ((r.head, r.tail) for r in relations)
    ]
    return Document(TEXT, entities, relations, records, name="seed <000> & co")


class _TextOf(HTMLParser):
    """Collects the text inside ``#text`` without the label badges (``.pe-lbl``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.badge = 0
        self.text: list[str] = []
        self.marks: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id") == "text":
            self.depth = 1
        elif self.depth:
            self.depth += 1
            self.badge += attributes.get("class") == "pe-lbl"
            if tag == "mark":
                self.marks.append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            if tag == "span" and self.badge:
                self.badge -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.badge:
            self.text.append(data)


def _parse(page: str) -> _TextOf:
    parser = _TextOf()
    parser.feed(page)
    return parser


def test_text_round_trips_through_escaping_with_newlines() -> None:
    page = render_html(_document())
    assert _parse(page).text and "".join(_parse(page).text) == TEXT
    assert "<b>&amp;amp;</b>" not in page and "&lt;b&gt;&amp;amp;&lt;/b&gt;" in page


def test_every_entity_is_one_mark_with_its_label() -> None:
    marks = _parse(render_html(_document())).marks
    assert [m["data-label"] for m in marks] == [e.label for e in _document().entities]
    assert all(m["class"] == f"pe-ent pe-{m['data-label']}" for m in marks)


def test_value_title_shows_normalised_value_and_indicator() -> None:
    marks = {m["id"]: m for m in _parse(render_html(_document())).marks}
    assert marks["pe-e1"]["title"] == "MONEY · 20542500 元 · → 年度预算 · rules 1.00"
    assert marks["pe-e1"]["data-normalized"] == "20542500" and marks["pe-e1"]["data-indicator"] == "pe-e0"
    assert (marks["pe-e5"]["title"] or "").startswith("PERCENT · 90.6 % · ")
    assert marks["pe-e0"]["title"] == "INDICATOR ← 2054.25 万元"


def test_title_and_attributes_are_escaped() -> None:
    document = _document()
    document.entities[0] = Entity("INDICATOR", 0, 5, '"><x>', source="rules")
    document.text = '"><x>' + document.text[5:]
    page = render_html(document)
    assert "<title>seed &lt;000&gt; &amp; co</title>" in page
    assert "<x>" not in page
    assert 'title="MONEY · 20542500 元 · → &quot;&gt;&lt;x&gt; · rules 1.00"' in page


def test_page_is_self_contained() -> None:
    page = render_html(_document())
    assert "http://" not in page and "https://" not in page
    assert "<link" not in page and " src=" not in page
    assert "<style>" in page and "<script>" in page


def test_links_and_records_are_listed() -> None:
    page = render_html(_document())
    assert page.count('<li data-value="pe-e') == 4
    assert page.count("<tr><td") == 4
    assert '<td data-sort="20542500" class="pe-num">20542500</td>' in page


def test_overlapping_entities_are_counted_not_nested() -> None:
    document = _document()
    document.entities.append(Entity("INDICATOR", 6, 9, "度预算"))
    page = render_html(document)
    assert len(_parse(page).marks) == 8
    assert "1 overlapping entities not highlighted" in page
    assert "".join(_parse(page).text) == TEXT


def test_empty_document_renders() -> None:
    page = render_html(Document("没有数字。\n"))
    assert "".join(_parse(page).text) == "没有数字。\n" and "(no links)" in page


REPORT = Path(__file__).parents[1] / "examples" / "000_e314fb277ec6a483.txt"


def test_render_command_writes_the_page_of_a_report(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    import perfeval
    from perfeval.cli.main import app

    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["render", str(REPORT), "-o", str(out), "--rules-only"])
    assert result.exit_code == 0, result.output
    document = perfeval.load(rules_only=True).extract_file(REPORT)
    parsed = _parse(out.read_text(encoding="utf-8"))
    assert "".join(parsed.text) == REPORT.read_text(encoding="utf-8") == document.text
    assert [(m["data-label"], m["id"]) for m in parsed.marks] == [
        (e.label, f"pe-e{i}") for i, e in enumerate(document.entities)
    ]
    assert f"wrote {out}: {len(document.records)} values" in result.output


def test_render_command_reports_a_missing_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from perfeval.cli.main import app

    result = CliRunner().invoke(app, ["render", str(tmp_path / "nope.txt"), "--rules-only"])
    assert result.exit_code == 1 and "no such file" in result.output


def test_render_command_reports_a_model_it_cannot_load(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from perfeval.cli.main import app

    result = CliRunner().invoke(app, ["render", str(REPORT), "--model", str(tmp_path / "no-model")])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not (tmp_path / "000_e314fb277ec6a483.html").exists()


# --- the page in a real browser ------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1400",
)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("chromium is absent: apt-get install -y chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)


def _column(driver: Any, index: int) -> list[str]:
    from selenium.webdriver.common.by import By

    return [row.find_elements(By.TAG_NAME, "td")[index].text for row in driver.find_elements(By.CSS_SELECTOR, "#records tbody tr")]


@pytest.mark.slow
def test_page_in_headless_chromium(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    page = tmp_path / "report.html"
    page.write_text(render_html(_document()), encoding="utf-8")
    browser.get(page.as_uri())

    marks = browser.find_elements(By.CSS_SELECTOR, "#text mark.pe-ent")
    assert [m.get_attribute("data-label") for m in marks] == [e.label for e in _document().entities]
    assert marks[1].value_of_css_property("background-color") != marks[0].value_of_css_property("background-color")
    shown = browser.execute_script(
        "var t = document.getElementById('text').cloneNode(true);"
        "t.querySelectorAll('.pe-lbl').forEach(function (b) { b.remove(); });"
        "return t.textContent;"
    )
    assert shown == TEXT

    money = browser.find_element(By.ID, "pe-e1")
    ActionChains(browser).move_to_element(money).perform()
    assert "20542500 元" in money.get_attribute("title")
    assert "pe-active" in browser.find_element(By.ID, "pe-e0").get_attribute("class")

    value_header = browser.find_element(By.XPATH, "//table[@id='records']//th[text()='value']")
    value_col = 3
    value_header.click()
    assert _column(browser, value_col) == ["13", "90.6", "18607700", "20542500"]
    assert value_header.get_attribute("aria-sort") == "ascending"
    value_header.click()
    assert _column(browser, value_col) == ["20542500", "18607700", "90.6", "13"]
    browser.find_element(By.XPATH, "//table[@id='records']//th[text()='indicator']").click()
    assert _column(browser, 7) == ["常委会会议", "年度预算", "实际开支", "完成预算"]  # pinyin order

    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
