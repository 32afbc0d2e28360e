"""Decision reports and the DGS starter: every kind of results folder, both languages.

The results folders are the small ones shared by the report tests (``conftest.py``).
"""

import base64
import re
import shutil
from html import unescape
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from simulation.cli import main
from simulation.i18n.words import NNBSP, colon, percent, phrase, text, typography
from simulation.reports.html import build_report
from simulation.reports.reader import read_results
from simulation.reports.recommendation import THRESHOLDS

PNG = b"\x89PNG\r\n\x1a\n"


def cli(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="transnum")
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def report(folders):
    """The report of a shared folder in a language, built once (a report takes seconds)."""
    built: dict[tuple[str, str], str] = {}

    def build(kind: str, lang: str) -> str:
        if (kind, lang) not in built:
            built[kind, lang] = build_report(read_results(folders[kind]), lang)
        return built[kind, lang]

    return build


class Collector(HTMLParser):
    """Ids, internal links, image sources and section headings of a document."""

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.images, self.sources = set(), [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        for key in ("src", "href"):
            if key in attrs and tag not in ("a", "img"):
                self.sources.append(attrs[key])


@pytest.mark.parametrize("kind", ["run", "compare", "sweep", "sensitivity", "calibrate"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_is_complete_self_contained_and_without_broken_references(
    report, folders, kind, lang
):
    results = read_results(folders[kind])
    assert results.kind == kind
    document = report(kind, lang)
    parsed = Collector()
    parsed.feed(document)
    assert f"<html lang='{lang}'>" in document
    assert {"summary", "figures", "scenario", "method", "odd"} <= parsed.ids
    for link in parsed.links:  # internal anchors only, and they exist
        assert link.startswith("#") and link[1:] in parsed.ids, link
    assert not parsed.sources  # no external stylesheet, script or frame
    for source in parsed.images:  # every figure is embedded PNG data
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1])[:8] == PNG
    assert parsed.images, "figures are embedded"
    assert f"<h2>{phrase('report.heading.summary', lang)}</h2>" in document


def test_french_report_follows_french_typography(report):
    document = report("compare", "fr")
    assert f"{NNBSP}%" in document  # narrow no-break space before %
    assert re.search(r"\d,\d", document)  # decimal comma
    assert "«\u00a0" in document and "\u00a0»" in document  # French quotes
    for lang, shown in (
        ("fr", document),
        ("en", report("compare", "en")),
    ):
        # "Recommandation\u00a0: " in French, or that none is recommended.
        headlines = (
            phrase("report.compare.headline", lang, c=colon(lang), a="").rstrip("."),
            phrase("report.compare.headline_none", lang, c=colon(lang)),
        )
        assert any(typography(headline, lang) in shown for headline in headlines)
        assert typography(text("ci95", lang), lang) in shown


def test_compare_report_states_its_recommendation_rule_and_thresholds(report):
    document = report("compare", "en")
    rule = phrase("report.compare.rule", "en", c=colon("en"))
    assert rule in document and "paired difference" in rule
    lead = phrase("report.compare.thresholds", "en", c=colon("en"), list="")[:-1]
    assert lead in document
    for threshold in THRESHOLDS:
        count = threshold.outcome == "golives_missing"  # a count; the others are shares
        limit = str(int(threshold.limit)) if count else percent(threshold.limit, "en", 0)
        words = phrase(f"report.compare.threshold.{threshold.outcome}.rule", "en", limit=limit)
        assert words in document
    for strategy in ("big_bang", "small_steps", "short_cycle"):
        assert text(strategy, "en") in document


def test_text_from_the_folder_is_escaped_and_a_figure_that_fails_is_noted(folders, monkeypatch):
    from simulation.reports import html

    results = read_results(folders["run"])
    results.scenario_text = results.scenario_text.replace(
        "name: Petite commune", "name: '<script>x</script> & Cie'"
    )

    def no_figure():
        raise ValueError("no column <b>")

    monkeypatch.setattr(html, "figures_for", lambda results, lang: [(no_figure, "Figure <i>")])
    document = build_report(results, "en")
    assert "<script>" not in document and "<b>" not in document and "<i>" not in document
    assert "<title>&lt;script&gt;x&lt;/script&gt; &amp; Cie</title>" in document
    assert "<p class='meta'>Figure &lt;i&gt; — no column &lt;b&gt;</p>" in document
    assert "&lt;script&gt;" in document.split("<pre>")[1]  # the scenario file, escaped


@pytest.mark.slow  # end to end: the report command writes both documents, twice
def test_report_command_writes_html_and_workbook(folders, tmp_path):
    out = tmp_path / "mon_rapport.html"
    result = cli("report", folders["compare"], "--out", out)
    assert out.exists() and out.with_suffix(".xlsx").exists()
    assert "wrote" in result.output
    sheets = load_workbook(out.with_suffix(".xlsx")).sheetnames
    assert phrase("workbook.sheet.summary", "fr") in sheets
    run = shutil.copytree(folders["run"], tmp_path / "run")  # the report goes in the folder
    cli("report", run, "--lang", "en")
    stem = phrase("cli.report_stem", "en")
    assert (run / f"{stem}.html").exists()
    sheets = load_workbook(run / f"{stem}.xlsx").sheetnames
    assert phrase("workbook.sheet.summary", "en") in sheets


@pytest.mark.slow  # end to end: init, validate, compare and report, as a DGS would
def test_init_then_own_services_then_compare_then_report(tmp_path):
    folder = tmp_path / "ma_collectivite"
    cli("init", folder)
    names = {p.name for p in folder.iterdir()}
    assert names == {"scenario.yaml", "organisation.xlsx", "services.csv", "relations.csv"}
    # A DGS replaces the example services of the workbook by theirs: names and headcounts.
    workbook = load_workbook(folder / "organisation.xlsx")
    services = workbook["Services"]
    services.delete_rows(2, services.max_row)
    for row in [("Mairie", 12), ("Urbanisme et habitat", 30), ("Écoles", 60), ("Voirie", 40)]:
        services.append(row)
    workbook.save(folder / "organisation.xlsx")
    cli("validate", folder / "scenario.yaml")
    results = tmp_path / "resultats"
    cli(
        "compare",
        folder / "scenario.yaml",
        "--replications",
        2,
        "--weeks",
        40,
        "--workers",
        1,
        "--out",
        results,
    )
    cli("report", results)
    report = (results / f"{phrase('cli.report_stem', 'fr')}.html").read_text(encoding="utf-8")
    assert "Ma collectivité" in report
    assert "Urbanisme et habitat" in report and "Écoles" in report  # names as written


def test_init_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 2
    assert "not empty" in result.output


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_says_how_it_goes_on_stderr_in_the_language_of_messages(folders, tmp_path, lang):
    from simulation.i18n.language import say, using
    from simulation.reports.contents import figures_for

    out = tmp_path / "r.html"
    result = cli("report", folders["run"], "--lang", lang, "--out", out)
    total = len(figures_for(read_results(folders["run"]), lang))
    with using(lang):
        expected = [say("report.progress.reading"), say("report.progress.report")]
        expected += [
            say("report.progress.figure", done=k, total=total) for k in range(1, total + 1)
        ]
        expected.append(say("report.progress.workbook"))
    assert result.stderr.splitlines() == expected
    assert not set(expected) & set(result.stdout.splitlines())  # stdout names the files only
    assert out.exists() and out.with_suffix(".xlsx").exists()


def test_report_writers_tell_a_progress_callback_and_print_nothing(compare, tmp_path, capsys):
    from simulation.reports.html import write_report
    from simulation.reports.workbook import write_workbook

    told = []
    write_report(
        compare, tmp_path / "r.html", "fr", progress=lambda key, **v: told.append((key, v))
    )
    write_workbook(
        compare, tmp_path / "r.xlsx", "fr", progress=lambda key, **v: told.append((key, v))
    )
    figures = [v for key, v in told if key == "report.progress.figure"]
    assert [v["done"] for v in figures] == list(range(1, len(figures) + 1))
    assert len(figures) > 3 and {v["total"] for v in figures} == {len(figures)}
    assert told[-1] == ("report.progress.workbook", {})
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_explains_its_words_of_statistics_and_its_annex_is_in_its_language(report, lang):
    document = report("compare", lang)
    parsed = Collector()
    parsed.feed(document)
    assert "glossary" in parsed.ids
    glossary = unescape(document.split("id='glossary'")[1].split("</section>")[0])
    for key in ("replication", "ci", "paired", "person_weeks", "quantile", "clear"):
        term = typography(phrase(f"report.glossary.{key}.term", lang), lang)
        meaning = typography(phrase(f"report.glossary.{key}.meaning", lang), lang)
        assert f"<dt>{term[0].upper()}{term[1:]}</dt><dd>{meaning}</dd>" in glossary
    assert "anglais" not in document.split("id='odd'")[1]
    embedded = "ODD protocol" in document.split("id='odd'")[1].split("</section>")[0]
    assert embedded == (lang == "en")  # the ODD document is English: embedded in English only
