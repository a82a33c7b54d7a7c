"""Author studio: access, library, diagnostics, preview, upload, translations."""

from __future__ import annotations

import hashlib
import io
import os
import re

import pytest

from tests.web.conftest import csrf_token
from trainer.db import get_session
from trainer.services.accounts import create_user
from trainer.story.loader import stamp_file


@pytest.fixture
def author(app, client, auth):
    with app.app_context():
        create_user(get_session(), "writer", "password-1", roles="author")
    auth.login("writer", "password-1")
    return client


def test_learner_gets_403_on_every_author_page(client, auth):
    auth.register()
    for url in (
        "/author/",
        "/author/stories/mini.md",
        "/author/stories/mini.md/preview",
        "/author/stories/mini.md/version",
        "/author/upload",
        "/author/translations/mini",
    ):
        assert client.get(url).status_code == 403, url
    token = csrf_token(client.get("/").text)
    assert client.post("/author/upload", data={"csrf_token": token}).status_code == 403


def test_signed_out_author_pages_go_to_sign_in(client):
    response = client.get("/author/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_library_lists_files_with_status_and_figures(author):
    page = author.get("/author/").text
    assert "mini.md" in page
    assert "0 errors, 0 warnings" in page
    row = page.split("mini.md", 1)[1].split("</tr>", 1)[0]
    # 7 passages, 2 endings both reachable, 3 indicators cued
    assert re.search(r"<td>7</td>\s*<td>2 \(2\)</td>\s*<td>3</td>", row), row


def test_story_page_shows_diagnostics_with_source_and_graph(author, stories_dir):
    path = stories_dir / "mini.md"
    path.write_text(path.read_text().replace("(#promise)", "(#promize)"))
    page = author.get("/author/stories/mini.md").text
    assert "C001" in page and "#promize" in page
    assert '<span class="here"><span class="ln">' in page  # the offending line, highlighted
    assert "<svg" in page and 'class="node kind-start' in page
    assert author.get("/author/stories/nope.md").status_code == 404
    assert author.get("/author/stories/..%2Fsecret.md").status_code == 404


def test_version_endpoint_changes_when_the_file_changes(author, stories_dir):
    first = author.get("/author/stories/mini.md/version").json
    path = stories_dir / "mini.md"
    path.write_text(path.read_text().replace("A new interview", "An edited interview"))
    second = author.get("/author/stories/mini.md/version").json
    assert first["hash"] != second["hash"]


def test_preview_plays_and_jumps_without_saving(app, author):
    page = author.get("/author/stories/mini.md/preview").text
    assert "Arrival" in page and "nothing is saved" in page
    page = author.get("/author/stories/mini.md/preview?path=arrival:1,alone:2&role=police").text
    assert '<h1 id="passage" tabindex="-1">The passport</h1>' in page
    assert "trust = 1" in page and "asked_documents = true" in page
    jumped = author.get("/author/stories/mini.md/preview?at=alone&vars=trust:0&role=police").text
    assert "Alone with Dilnoza" in jumped
    assert "Ask who holds her passport" not in jumped  # needs trust >= 1
    jumped = author.get("/author/stories/mini.md/preview?at=alone&vars=trust:3").text
    assert "Ask who holds her passport" in jumped
    from sqlmodel import select

    from trainer.models import Attempt

    with app.app_context():
        assert get_session().exec(select(Attempt)).all() == []


def test_preview_keeps_the_path_that_still_exists(author, stories_dir):
    path = stories_dir / "mini.md"
    text = path.read_text()
    # the second choice of 'alone' changes target, so the replay stops before it
    path.write_text(text.replace("(#passport){once", "(#promise){once"))
    page = author.get("/author/stories/mini.md/preview?path=arrival:1,alone:2,passport:1").text
    assert "2 steps of your path were kept, 1 no longer exist" in page
    assert "What she was promised" in page


def test_broken_story_preview_explains(author, stories_dir):
    path = stories_dir / "mini.md"
    path.write_text(path.read_text().replace("(#promise)", "(#promize)"))
    response = author.get("/author/stories/mini.md/preview")
    assert response.status_code == 409
    assert "This story has errors" in response.text


def upload(client, data: bytes, name="story.md"):
    token = csrf_token(client.get("/author/upload").text)
    return client.post(
        "/author/upload",
        data={"csrf_token": token, "story": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_upload_new_version_and_translation(author, stories_dir):
    text = (stories_dir / "mini.md").read_text()
    response = upload(author, text.replace("A new interview", "Uploaded title").encode(), "x.md")
    assert response.status_code == 302
    assert "Uploaded title" in (stories_dir / "mini.md").read_text()
    russian = text.replace("language: en", "language: ru").replace(
        "A new interview", "Новое интервью"
    )
    response = upload(author, russian.encode(), "../../etc/passwd")
    assert response.status_code == 302
    assert (stories_dir / "mini.ru.md").exists()
    assert not list(stories_dir.parent.glob("passwd*"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01binary\xff" * 100, "The story has errors"),
        (b"---\nid: broken\n---\n## A {#a}\n\n- [x](#nowhere)\n", "The story has errors"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_stored(author, stories_dir, data, message):
    before = sorted(p.name for p in stories_dir.iterdir())
    response = upload(author, data)
    assert response.status_code in (400, 413)
    if response.status_code == 400:
        assert message in response.text
    assert sorted(p.name for p in stories_dir.iterdir()) == before


def test_huge_upload_is_refused(app, author, stories_dir):
    from trainer.services.authoring import UploadError, store_upload

    before = sorted(p.name for p in stories_dir.iterdir())
    # the request limit answers 413 before the file is read (a small limit keeps the test
    # client's body in memory) ...
    app.config["MAX_CONTENT_LENGTH"] = 200_000
    response = upload(author, b"x" * 300_000)
    assert response.status_code == 413
    assert "The file is too large." in response.text
    # ... and the service refuses anything over 1 MB whatever the request limit
    with pytest.raises(UploadError, match="too-large"):
        store_upload(app.extensions["trainer.authoring"], b"x" * 1_200_000)
    assert sorted(p.name for p in stories_dir.iterdir()) == before


def test_upload_without_file_or_token(author):
    token = csrf_token(author.get("/author/upload").text)
    assert author.post("/author/upload", data={"csrf_token": token}).status_code == 400
    assert author.post("/author/upload", data={}).status_code == 400


def test_translations_side_by_side(author, stories_dir):
    text = (stories_dir / "mini.md").read_text()
    russian = text.replace("language: en", "language: ru")
    russian = russian.replace("- [Go on](#alone)\n", "")  # a choice missing in translation
    (stories_dir / "mini.ru.md").write_text(russian)
    page = author.get("/author/translations/mini").text
    assert "mini.ru.md" in page and "T003" in page
    assert author.get("/author/translations/nope").status_code == 404


def test_preview_reports_ignored_input_and_takes_notes(author):
    page = author.get("/author/stories/mini.md/preview?at=alone&vars=trust:abc,nope:1&role=x").text
    assert "Ignored (unknown name or wrong type): role=x, trust:abc, nope:1" in page
    # noted() conditions can be tested: the passport passage offers referral when noted
    url = (
        "/author/stories/mini.md/preview?at=passport&notes=coercion-destination.document-retention"
    )
    page = author.get(url).text
    assert "Offer to refer her for help" in page
    assert (
        "Offer to refer her for help"
        not in author.get("/author/stories/mini.md/preview?at=passport").text
    )
    # links carry the notes along
    assert "notes=coercion-destination.document-retention" in page


def test_translations_page_lists_missing_languages(author):
    page = author.get("/author/translations/mini").text
    assert "No translation yet: create mini.ru.md" in page
    assert "mini.ky.md" in page


def test_translations_page_says_whether_each_translation_is_up_to_date(author, stories_dir):
    """Three states from ``translates:`` against the original's hash, never file times."""
    original = stories_dir / "mini.md"
    russian = stories_dir / "mini.ru.md"
    kyrgyz = stories_dir / "mini.ky.md"
    text = original.read_text(encoding="utf-8")
    version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    russian.write_text(text.replace("language: en", "language: ru"), encoding="utf-8")
    kyrgyz.write_text(text.replace("language: en", "language: ky"), encoding="utf-8")

    def freshness(page: str, name: str) -> str:
        section = page.split(f'<span class="hint">{name}</span>', 1)[1].split("</section>")[0]
        return " ".join(section.split())

    page = author.get("/author/translations/mini").text
    assert f"Version: {version}; a translation that renders this version" in page
    for name in ("mini.ru.md", "mini.ky.md"):
        assert (
            f"Not tracked: add translates: {version} to the front matter, or run trainer "
            f"stamp {name}." in freshness(page, name)
        )
        assert "Same passages, choices and cues as the original." in freshness(page, name)

    stamp_file(russian)
    stamp_file(kyrgyz)
    # The translations are older on disk than the original: that must not matter.
    os.utime(russian, (1, 1))
    os.utime(original, None)
    page = author.get("/author/translations/mini").text
    assert f"Up to date with the original (translates: {version})." in freshness(page, "mini.ru.md")
    assert "The original changed" not in page and "Not tracked" not in page

    edited = text.replace("A new interview", "An edited interview")
    original.write_text(edited, encoding="utf-8")
    now = hashlib.sha256(edited.encode("utf-8")).hexdigest()[:12]
    os.utime(russian, None)  # ... and neither does a translation saved after the original
    page = author.get("/author/translations/mini").text
    for name in ("mini.ru.md", "mini.ky.md"):
        assert (
            f"The original changed since this translation (translates: {version}, the original "
            f"is now {now}): review it, then run trainer stamp {name}."
        ) in freshness(page, name)
        assert "T010" not in freshness(page, name)  # said once, in words, not as a difference
    assert "Up to date" not in page

    library = author.get("/author/").text
    row = library.split("mini.ru.md</a>", 1)[1].split("</tr>", 1)[0]
    assert "Review: the original changed" in row  # short in the table
    assert "0 errors, 1 warnings" in row  # T010 is a warning
    original_row = library.split("mini.md</a>", 1)[1].split("</tr>", 1)[0]
    assert f"<code>{now}</code>" in original_row
    stamp_file(russian)
    library = author.get("/author/").text
    row = library.split("mini.ru.md</a>", 1)[1].split("</tr>", 1)[0]
    assert '<span class="ok">Up to date</span>' in row
    assert "0 errors, 0 warnings" in row


def test_translations_page_in_russian(author, stories_dir):
    text = (stories_dir / "mini.md").read_text(encoding="utf-8")
    (stories_dir / "mini.ru.md").write_text(text.replace("language: en", "language: ru"))
    page = author.get("/author/translations/mini", headers={"Accept-Language": "ru"}).text
    assert "Not tracked" not in page
    assert "translates: " in page and "trainer stamp mini.ru.md" in page


def catalogue_ids(client) -> list[str]:
    return re.findall(r'href="/modules/([a-z0-9-]+)"', client.get("/").text)


def test_upload_is_a_draft_until_published(app, author, auth, client, stories_dir):
    text = (stories_dir / "mini.md").read_text().replace("id: mini", "id: fresh")
    response = upload(author, text.encode(), "fresh.md")
    assert response.status_code == 302
    page = author.get(response.headers["Location"]).text
    assert "as a draft: learners do not see it" in page
    assert "draft: true" in (stories_dir / "fresh.md").read_text()
    assert "Publish</button>" in page
    # learners (and the author as a learner) see no trace of it
    assert "fresh" not in catalogue_ids(author) and "mini" in catalogue_ids(author)
    assert author.get("/modules/fresh").status_code == 404
    # publish: exactly the draft line goes, and the story appears
    before = (stories_dir / "fresh.md").read_bytes()
    token = csrf_token(page)
    response = author.post("/author/stories/fresh.md/publish", data={"csrf_token": token})
    assert response.status_code == 302
    after = (stories_dir / "fresh.md").read_bytes()
    assert before.replace(b"draft: true\n", b"") == after
    assert "fresh" in catalogue_ids(author)
    assert author.get("/modules/fresh").status_code == 200
    # and back to draft
    token = csrf_token(author.get("/author/stories/fresh.md").text)
    author.post("/author/stories/fresh.md/publish", data={"csrf_token": token, "draft": "1"})
    assert "fresh" not in catalogue_ids(author)
    assert "Draft</span>" in author.get("/author/").text


def test_publish_at_once_and_a_draft_translation(author, stories_dir):
    text = (stories_dir / "mini.md").read_text()
    token = csrf_token(author.get("/author/upload").text)
    response = author.post(
        "/author/upload",
        data={"csrf_token": token, "publish": "1", "story": (io.BytesIO(text.encode()), "m.md")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "draft" not in (stories_dir / "mini.md").read_text()
    russian = text.replace("language: en", "language: ru").replace(
        "A new interview", "Новое интервью"
    )
    upload(author, russian.encode(), "ru.md")  # a draft translation
    assert (stories_dir / "mini.ru.md").exists()
    module = author.get("/modules/mini").text
    # only the published languages are offered: one language, so no language choice
    assert 'id="story-language"' not in module
    assert '<input type="hidden" name="language" value="en">' in module
    token = csrf_token(author.get("/author/stories/mini.ru.md").text)
    author.post("/author/stories/mini.ru.md/publish", data={"csrf_token": token})
    module = author.get("/modules/mini").text
    assert 'id="story-language"' in module and '<option value="ru"' in module


def test_a_story_with_errors_cannot_be_published(author, stories_dir):
    path = stories_dir / "mini.md"
    path.write_text(path.read_text().replace("roles:", "draft: true\nroles:", 1))
    path.write_text(path.read_text().replace("(#promise)", "(#promize)"))
    page = author.get("/author/stories/mini.md").text
    assert "Fix the errors below to publish it." in page
    response = author.post("/author/stories/mini.md/publish", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert "cannot be published" in author.get(response.headers["Location"]).text
    assert "draft: true" in path.read_text()


def test_publish_needs_an_author_a_token_and_a_real_file(client, auth, author, stories_dir):
    token = csrf_token(author.get("/author/").text)
    assert (
        author.post("/author/stories/nope.md/publish", data={"csrf_token": token}).status_code
        == 404
    )
    assert author.post("/author/stories/mini.md/publish", data={}).status_code in (302, 400)
    assert "draft" not in (stories_dir / "mini.md").read_text()
    auth.logout()
    auth.register("learner9", "password-1")
    token = csrf_token(client.get("/").text)
    response = client.post(
        "/author/stories/mini.md/publish", data={"csrf_token": token, "draft": "1"}
    )
    assert response.status_code == 403
    assert "draft" not in (stories_dir / "mini.md").read_text()
