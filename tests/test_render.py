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
    assert marks["pe-e1"]["title"] == "MONEY · 2,054.25 万元 · → 年度预算 · rules 1.00"
    assert marks["pe-e1"]["data-normalized"] == "20542500" and marks["pe-e1"]["data-indicator"] == "pe-e0"
    assert (marks["pe-e5"]["title"] or "").startswith("PERCENT · 90.6% · ")
    assert (marks["pe-e7"]["title"] or "").startswith("COUNT · 13 次 · ")
    assert marks["pe-e0"]["title"] == "INDICATOR ← 2054.25 万元"


def test_title_and_attributes_are_escaped() -> None:
    document = _document()
    document.entities[0] = Entity("INDICATOR", 0, 5, '"><x>', source="rules")
    document.text = '"><x>' + document.text[5:]
    page = render_html(document)
    assert "<title>seed &lt;000&gt; &amp; co</title>" in page
    assert "<x>" not in page
    assert 'title="MONEY · 2,054.25 万元 · → &quot;&gt;&lt;x&gt; · rules 1.00"' in page


def test_page_is_self_contained() -> None:
    page = render_html(_document())
    assert "http://" not in page and "https://" not in page
    assert "<link" not in page and " src=" not in page
    assert "<style>" in page and "<script>" in page


def test_links_and_records_are_listed() -> None:
    page = render_html(_document())
    assert page.count('<li data-value="pe-e') == 4
    assert page.count('<tr data-label="') == 4
    assert '<tr data-label="MONEY" data-target="pe-e1">' in page  # a click on the row goes to its value
    assert '<td data-sort="20542500" class="pe-num">2,054.25 万元</td>' in page  # shown as read, sorted by value


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


@pytest.mark.parametrize("record, shown", [
    (Record("MONEY", "1.26亿元", 0, 6, 126_000_000, "元"), "1.26 亿元 (12,600 万元)"),
    (Record("MONEY", "9175.28亿元", 0, 9, 917528000000.0001, "元"), "9,175.28 亿元 (91,752,800 万元)"),
    (Record("MONEY", "583元", 0, 4, 583, "元"), "583 元"),
    (Record("MONEY", "-198.68万元", 0, 9, -1_986_800, "元"), "-198.68 万元"),
    (Record("PERCENT", "2.64个百分点", 0, 8, 2.64, "百分点"), "2.64 百分点"),
    (Record("COUNT", "1634人次", 0, 6, 1634, "人次"), "1,634 人次"),
    (Record("SCORE", "98.1分", 0, 5, 98.1, "分"), "98.1 分"),
    (Record("PERCENT", "x", 0, 1, 0.1 + 0.2, "%"), "0.3%"),
    (Record("MONEY", "x", 0, 1, None, "元"), ""),
])
def test_values_are_shown_as_people_read_them(record: Record, shown: str) -> None:
    from perfeval.render import readable_value

    assert readable_value(record) == shown


FINDINGS = [
    {"check": "execution_rate", "severity": "info", "message": "完成预算 90.6%: 1860.77 / 2054.25 = 90.58%",
     "spans": [[TEXT.index("90.6%"), TEXT.index("90.6%") + 5, "90.6%"], [TEXT.index("2054.25"), TEXT.index("2054.25") + 10, "2054.25 万元"]]},
    {"check": "new_audit", "severity": "warning", "message": '<img src=x onerror="window.pwned=1">', "spans": [[0, 4, "2023"]],
     "extra": {"a": 1}},
]


def test_findings_are_a_table_whose_spans_link_into_the_text() -> None:
    page = render_html(_document(), findings=FINDINGS)
    assert '<th scope="col">check</th><th scope="col">severity</th><th scope="col">message</th><th scope="col">spans</th><th scope="col">extra</th>' in page
    assert '<a href="#pe-e5" data-target="pe-e5">90.6% <small>' in page and '<tr class="pe-sev-warning">' in page
    assert "2023 <small>0-4</small>" in page  # a span no mark has: shown, not linked
    assert "&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;" in page and "<img" not in page
    assert "2 findings (1 info, 1 warning)" in page
    assert "(no findings)" in render_html(_document())


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
    from perfeval.checks import check

    assert len(check(document)) > 0 and out.read_text(encoding="utf-8").count('<tr class="pe-sev-') == len(check(document))


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


def _visible_in(browser: Any, element: Any, box_id: str = "text") -> bool:
    """Whether ``element`` lies inside the visible part of the scrolling box and of the window."""
    return bool(browser.execute_script(
        "var r = arguments[0].getBoundingClientRect(), b = document.getElementById(arguments[1]).getBoundingClientRect();"
        "return r.top >= b.top && r.bottom <= b.bottom && r.top >= 0 && r.bottom <= window.innerHeight;",
        element, box_id,
    ))


@pytest.mark.slow
def test_page_in_headless_chromium(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    document = _document()
    document.records[2].indicator.text = "<script>window.pwned=2</script>"  # type: ignore[union-attr]
    page = tmp_path / "report.html"
    page.write_text(render_html(document, findings=FINDINGS), encoding="utf-8")
    browser.get(page.as_uri())

    # offline and escaped: nothing fetched, no injected element or script ran
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert browser.execute_script("return window.pwned === undefined && document.querySelectorAll('img, x').length === 0")
    assert "<script>window.pwned=2</script>" in _column(browser, 7)

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
    assert "2,054.25 万元" in money.get_attribute("title")
    assert "pe-active" in browser.find_element(By.ID, "pe-e0").get_attribute("class")

    # check findings are on the page, their spans link to the marks
    findings = browser.find_elements(By.CSS_SELECTOR, "#findings tbody tr")
    assert [row.find_elements(By.TAG_NAME, "td")[1].text for row in findings] == ["info", "warning"]
    assert 'onerror="window.pwned=1"' in findings[1].text

    value_header = browser.find_element(By.XPATH, "//table[@id='records']//th[text()='value']")
    value_col = 3
    value_header.click()
    assert _column(browser, value_col) == ["13 次", "90.6%", "1,860.77 万元", "2,054.25 万元"]  # by value, shown as read
    assert value_header.get_attribute("aria-sort") == "ascending"
    value_header.click()
    assert _column(browser, value_col) == ["2,054.25 万元", "1,860.77 万元", "90.6%", "13 次"]
    browser.find_element(By.XPATH, "//table[@id='records']//th[text()='indicator']").click()
    assert _column(browser, 7) == ["<script>window.pwned=2</script>", "常委会会议", "年度预算", "实际开支"]  # pinyin order

    # filters: by type, by a piece of the indicator
    visible = lambda: [r.find_elements(By.TAG_NAME, "td")[2].text for r in browser.find_elements(By.CSS_SELECTOR, "#records tbody tr") if r.is_displayed()]  # noqa: E731
    Select(browser.find_element(By.ID, "filter-type")).select_by_value("MONEY")
    assert sorted(visible()) == ["1860.77万元", "2054.25 万元"]
    assert browser.find_element(By.ID, "filter-count").text == "2 of 4 records"
    browser.find_element(By.ID, "filter-indicator").send_keys("实际")
    assert visible() == ["1860.77万元"]
    Select(browser.find_element(By.ID, "filter-type")).select_by_value("")
    browser.find_element(By.ID, "filter-indicator").clear()
    browser.execute_script("document.getElementById('filter-indicator').dispatchEvent(new Event('input'))")
    assert len(visible()) == 4

    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000


@pytest.mark.slow
def test_page_opens_on_the_first_figure_and_rows_jump_to_their_value(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    blank = "\n" * 300  # a PDF's cover and contents pages come out as blank lines
    text = blank + "年度预算 2054.25 万元。" + blank + "召开常委会会议 13次。\n"
    first, second = text.index("2054.25 万元"), text.index("13次")
    entities = [Entity("MONEY", first, first + 10, "2054.25 万元"), Entity("COUNT", second, second + 3, "13次")]
    records = [Record(e.label, e.text, e.start, e.end, v, u) for e, (v, u) in zip(entities, [(20542500, "元"), (13, "次")])]
    page = tmp_path / "long.html"
    page.write_text(render_html(Document(text, entities, [], records, name="long")), encoding="utf-8")
    browser.get(page.as_uri())

    box = browser.find_element(By.ID, "text")
    assert browser.execute_script("return arguments[0].scrollTop", box) > 0
    assert _visible_in(browser, browser.find_element(By.ID, "pe-e0"))
    count = browser.find_element(By.ID, "pe-e1")
    assert not _visible_in(browser, count)

    browser.find_elements(By.CSS_SELECTOR, "#records tbody tr")[1].click()
    assert _visible_in(browser, count)
    assert "pe-flash" in count.get_attribute("class")
