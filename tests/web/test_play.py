"""Playing: catalogue, start, choices exactly once, notes, debrief, replay, access rules."""

from __future__ import annotations

import re

from sqlmodel import select

from tests.web.conftest import csrf_token
from trainer.db import get_session
from trainer.models import Attempt, Step


def steps_of(app, attempt_id):
    with app.app_context():
        return get_session().exec(select(Step).where(Step.attempt_id == attempt_id)).all()


def test_pages_need_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_catalogue_shows_module_and_status(client, auth, player):
    auth.register()
    page = client.get("/")
    assert "A new interview" in page.text
    assert "Not started" in page.text
    assert "Mentions of unpaid work and threats." in page.text
    player.start()
    assert "In progress" in client.get("/").text


def test_unknown_module_is_404(client, auth):
    auth.register()
    assert client.get("/modules/nope").status_code == 404
    page = client.get("/")
    response = client.post("/modules/nope/start", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 404


def test_start_with_unknown_role_gives_message(client, auth):
    auth.register()
    page = client.get("/modules/mini")
    response = client.post(
        "/modules/mini/start",
        data={"csrf_token": csrf_token(page.text), "role": "astronaut"},
        follow_redirects=True,
    )
    assert "Choose one of the roles offered" in response.text


def test_play_page_has_passage_choices_and_notes(client, auth, player):
    auth.register()
    attempt = player.start()
    page = player.page(attempt)
    assert page.status_code == 200
    assert '<h1 id="passage" tabindex="-1" lang="en">Arrival</h1>' in page.text
    assert 'value="arrival:1"' in page.text
    assert 'name="notes" value="coercion-destination.document-retention"' in page.text
    assert 'name="step" value="0"' in page.text
    # the cue is in the prose but not marked for the learner
    assert 'class="cue"' in page.text
    assert "cue-highlight" not in page.text


def test_choice_is_applied_once_even_when_posted_twice(app, client, auth, player):
    auth.register()
    attempt = player.start()
    first = player.choose(attempt, "arrival:1", step=0)
    assert first.status_code == 302
    again = player.choose(attempt, "arrival:1", step=0)  # double click / reload / back button
    assert again.status_code == 302
    followed = client.get(again.headers["Location"])
    assert "This page was out of date" in followed.text
    assert "Alone with Dilnoza" in followed.text
    assert [s.number for s in steps_of(app, attempt)] == [1]


def test_two_tabs_cannot_both_apply(app, client, auth, player):
    auth.register()
    attempt = player.start()
    player.choose(attempt, "arrival:1", step=0)  # tab A
    response = player.choose(attempt, "arrival:2", step=0)  # tab B, rendered for step 0
    assert "This page was out of date" in client.get(response.headers["Location"]).text
    with app.app_context():
        stored = get_session().get(Attempt, attempt)
        assert stored.state["passage"] == "alone"
        assert stored.step == 1


def test_tampered_step_and_unknown_choice(app, client, auth, player):
    auth.register()
    attempt = player.start()
    assert player.choose(attempt, "arrival:1", step="abc").status_code == 400
    future = player.choose(attempt, "arrival:1", step=7)
    assert "out of date" in client.get(future.headers["Location"]).text
    unknown = player.choose(attempt, "arrival:99")
    assert "That choice is not available here" in client.get(unknown.headers["Location"]).text
    not_here = player.choose(attempt, "promise:1")
    assert "not available" in client.get(not_here.headers["Location"]).text
    assert steps_of(app, attempt) == []


def test_notes_are_saved_with_a_step_and_on_their_own(app, client, auth, player):
    auth.register()
    attempt = player.start()
    player.choose(attempt, "arrival:1", notes=["coercion-destination.document-retention"])
    with app.app_context():
        stored = get_session().get(Attempt, attempt)
        assert stored.state["notes"] == ["coercion-destination.document-retention"]
    page = player.page(attempt).text
    ticked = 'id="note-coercion-destination.document-retention" checked'
    assert ticked in page
    response = client.post(
        f"/attempts/{attempt}/notes",
        data={
            "csrf_token": csrf_token(page),
            "step": "1",
            "notes-shown": "1",
            "notes": ["exploitative-conditions.excessive-hours"],
        },
    )
    assert response.status_code == 200
    assert response.json["ok"] is True
    stale = client.post(
        f"/attempts/{attempt}/notes",
        data={"csrf_token": csrf_token(page), "step": "0", "notes": []},
    )
    assert stale.status_code == 409
    bad = client.post(
        f"/attempts/{attempt}/notes",
        data={
            "csrf_token": csrf_token(page),
            "step": "1",
            "notes-shown": "1",
            "notes": ["not-an-indicator"],
        },
    )
    assert bad.status_code == 400
    with app.app_context():
        stored = get_session().get(Attempt, attempt)
        assert stored.state["notes"] == ["exploitative-conditions.excessive-hours"]


def test_unticking_every_box_clears_the_notes(app, auth, player):
    auth.register()
    attempt = player.start()
    player.choose(attempt, "arrival:1", notes=["coercion-destination.document-retention"])
    player.choose(attempt, "alone:1", notes=[])
    with app.app_context():
        stored = get_session().get(Attempt, attempt)
        assert stored.state["notes"] == []
        assert stored.state["notes_at"] == [["coercion-destination.document-retention"], []]


def test_save_notes_button_without_javascript(app, client, auth, player):
    auth.register()
    attempt = player.start()
    response = player.choose(
        attempt, "", notes=["exploitative-conditions.excessive-hours"], **{"save-notes": "1"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("saved=1#notes")
    page = client.get(response.headers["Location"]).text
    # The confirmation is inside the notes panel (where the page scrolls to), not at the top.
    status = re.search(r'<p id="notes-status"[^>]*>([^<]*)</p>', page)
    assert status and status.group(1) == "Your case notes are saved."
    assert steps_of(app, attempt) == []
    # A plain visit shows no confirmation.
    plain = client.get(f"/attempts/{attempt}").text
    assert re.search(r'<p id="notes-status"[^>]*></p>', plain)


def test_play_page_links_between_choices_and_notes(client, auth, player):
    """On a phone the notes sit below the choices: links jump both ways and count the ticks."""
    auth.register()
    attempt = player.start()
    page = player.page(attempt).text
    assert '<a href="#notes">Case notes</a>' in page
    assert 'id="choices"' in page and 'href="#choices"' in page
    player.choose(
        attempt, "", notes=["exploitative-conditions.excessive-hours"], **{"save-notes": "1"}
    )
    assert '<a href="#notes">Case notes (1 ticked)</a>' in player.page(attempt).text


def play_to_missed_ending(player, attempt):
    player.choose(attempt, "arrival:2")  # poor practice: questions in front of the supervisor
    return player.choose(attempt, "in-front:1")


def test_debrief_lists_missed_indicator_with_link(client, auth, player):
    auth.register()
    attempt = player.start()
    final = play_to_missed_ending(player, attempt)
    assert final.headers["Location"].endswith(f"/attempts/{attempt}/debrief")
    page = client.get(final.headers["Location"]).text
    assert "Missed: they were in front of you" in page
    assert "Boss holds passport or ID" in page
    link = re.search(r'href="(/attempts/\d+/passages/arrival\?cue=1[^"]*)"', page)
    assert link, page
    passage = client.get(link.group(1).replace("&amp;", "&")).text
    assert 'class="cue cue-highlight"' in passage
    assert "I keep everyone&#39;s papers in my safe." in passage or "papers in my safe" in passage
    assert "Broken" in page and "In front of the supervisor she cannot speak freely." in page
    assert "not passed" in page
    # the title of the passage is the link text, with no quotation marks pasted around it
    assert re.search(r"In <a href=\"[^\"]+\"><span lang=\"en\">Arrival</span></a>: <q>", page)
    # "Back to the debrief" returns to the indicator that linked to the passage
    assert "back=coercion-destination.document-retention" in link.group(1)
    assert (
        f'href="/attempts/{attempt}/debrief#i-coercion-destination.document-retention"' in passage
    )
    assert 'id="i-coercion-destination.document-retention"' in page
    # a finished attempt shows the debrief, never the play page
    assert client.get(f"/attempts/{attempt}").status_code == 302


def test_debrief_summary_links_folding_and_print_header(client, auth, player):
    auth.register("printer", "password-1")
    attempt = player.start()
    play_to_missed_ending(player, attempt)
    page = client.get(f"/attempts/{attempt}/debrief").text
    nav = re.search(r'<nav class="jump no-print"[^>]*>(.*?)</nav>', page, re.S)
    assert nav, page
    # every count in the summary links to a part of the page that exists
    for target in re.findall(r'href="#([^"]+)"', nav.group(1)):
        assert f'id="{target}"' in page, target
    assert 'href="#ind-missed"' in nav.group(1) and "Missed: 1" in nav.group(1)
    assert "Interview practice: 0 followed, 1 broken" in nav.group(1)
    # the missed list is open; the print-only line names the learner, module and date
    assert re.search(r'<details class="group" id="ind-missed" open>', page)
    header = re.search(r'<p class="print-only">(.*?)</p>', page, re.S)
    assert header and "Learner: printer" in header.group(1)
    assert re.search(r"Finished \d{4}-\d\d-\d\d \d\d:\d\d UTC", header.group(1))


def test_back_link_ignores_a_tampered_anchor(client, auth, player):
    auth.register()
    attempt = player.start()
    play_to_missed_ending(player, attempt)
    url = f"/attempts/{attempt}/passages/arrival?cue=1&back=%22%3E%3Cscript%3E"
    passage = client.get(url).text
    assert f'href="/attempts/{attempt}/debrief"' in passage and "<script>" not in passage


def test_passage_view_only_for_passages_on_the_path(client, auth, player):
    auth.register()
    attempt = player.start()
    play_to_missed_ending(player, attempt)
    assert client.get(f"/attempts/{attempt}/passages/promise").status_code == 404


def test_good_path_scores_and_compares_with_previous(client, auth, player):
    auth.register()
    first = player.start()
    play_to_missed_ending(player, first)
    second = player.start()
    player.choose(second, "arrival:1", notes=["coercion-destination.document-retention"])
    player.choose(
        second,
        "alone:2",
        notes=[
            "coercion-destination.document-retention",
            "exploitative-conditions.excessive-hours",
        ],
    )
    final = player.choose(second, "passport:1")
    page = client.get(final.headers["Location"]).text
    assert "— passed" in page
    assert "Previous attempt:" in page and "You improved by" in page
    history = client.get("/history").text
    assert history.count("Debrief") == 2
    assert "A new interview</a>" in history and "(English, Labour inspector)" in history


def test_replay_from_a_step_starts_a_new_attempt(app, client, auth, player):
    auth.register()
    attempt = player.start()
    play_to_missed_ending(player, attempt)
    page = client.get(f"/attempts/{attempt}/debrief").text
    response = client.post(
        f"/attempts/{attempt}/replay", data={"csrf_token": csrf_token(page), "step": "1"}
    )
    new_id = int(response.headers["Location"].split("/")[-1])
    assert new_id != attempt
    replayed = client.get(f"/attempts/{new_id}").text
    assert "Talking in front of the supervisor" in replayed
    assert [s.number for s in steps_of(app, new_id)] == [1]
    bad = client.post(
        f"/attempts/{attempt}/replay", data={"csrf_token": csrf_token(page), "step": "9"}
    )
    assert bad.status_code == 400


def test_another_learners_attempt_is_404_everywhere(client, auth, player):
    auth.register("owner")
    attempt = player.start()
    player.choose(attempt, "arrival:2")
    auth.logout()
    auth.register("intruder")
    token = csrf_token(client.get("/").text)
    assert client.get(f"/attempts/{attempt}").status_code == 404
    assert client.get(f"/attempts/{attempt}/debrief").status_code == 404
    assert client.get(f"/attempts/{attempt}/passages/arrival").status_code == 404
    for path in ("choose", "notes", "replay"):
        response = client.post(
            f"/attempts/{attempt}/{path}", data={"csrf_token": token, "step": "1", "choice": "x"}
        )
        assert response.status_code == 404, path
        assert "owner" not in response.text
    assert client.get("/attempts/999999").status_code == 404


def test_resume_after_signing_out(client, auth, player):
    auth.register()
    attempt = player.start()
    player.choose(attempt, "arrival:1", notes=["coercion-destination.document-retention"])
    auth.logout()
    auth.login()
    catalogue = client.get("/").text
    assert f'href="/attempts/{attempt}"' in catalogue and "Continue" in catalogue
    page = player.page(attempt).text
    assert "Alone with Dilnoza" in page
    assert "checked" in page


def test_editing_the_story_file_keeps_attempts_on_their_version(
    app, client, auth, player, stories_dir
):
    auth.register()
    attempt = player.start()
    path = stories_dir / "mini.md"
    text = path.read_text()
    path.write_text(text.replace("## Arrival {#arrival}", "## Arrival, edited {#arrival}"))
    assert '<h1 id="passage" tabindex="-1" lang="en">Arrival</h1>' in player.page(attempt).text
    fresh = player.start()
    assert "Arrival, edited" in player.page(fresh).text


def test_author_markdown_cannot_inject_script(client, auth, player, stories_dir):
    path = stories_dir / "mini.md"
    text = path.read_text()
    evil = text.replace(
        "You arrive at a sewing workshop.",
        'You arrive. <script>alert(1)</script> <img src=x onerror="alert(2)"> '
        "[click](javascript:alert(3))",
    )
    path.write_text(evil)
    auth.register()
    attempt = player.start()
    page = player.page(attempt).text
    assert "<script>alert(1)" not in page
    assert (
        "onerror" not in page.split('<div class="prose" lang="en">')[1].split("</div>")[0]
        or "&lt;img" in page
    )
    assert "javascript:" not in page


def test_finished_attempt_stores_its_findings_for_reports(app, auth, player):
    from trainer.models import AttemptFinding

    auth.register()
    attempt = player.start()
    play_to_missed_ending(player, attempt)
    with app.app_context():
        session = get_session()
        rows = session.exec(select(AttemptFinding).where(AttemptFinding.attempt_id == attempt))
        found = {(r.kind, r.item, r.status) for r in rows}
        stored = session.get(Attempt, attempt)
        assert stored.passage == "end-missed"
        assert stored.status == "completed" and stored.score is not None
    assert ("indicator", "coercion-destination.document-retention", "missed") in found
    assert ("practice", "practice.separate-from-companion", "poor") in found
    assert ("referral", "referral.nrm", "missing") in found


def test_huge_ids_are_404_not_500(client, auth):
    auth.register()
    assert client.get("/attempts/99999999999999999999999").status_code == 404
    assert client.get("/attempts/99999999999999999999999/debrief").status_code == 404


def test_replay_message_counts_steps_like_the_page(client, auth, player):
    auth.register()
    attempt = player.start()
    play_to_missed_ending(player, attempt)
    page = client.get(f"/attempts/{attempt}/debrief").text
    response = client.post(
        f"/attempts/{attempt}/replay",
        data={"csrf_token": csrf_token(page), "step": "1"},
        follow_redirects=True,
    )
    assert "A new attempt starts from step 2." in response.text
    assert "step 2" in response.text


def test_story_text_keeps_its_language_inside_another_interface(client, auth, player):
    """An English story in the Russian interface: the story's text is marked lang="en"."""
    auth.register()
    attempt = player.start()
    token = csrf_token(client.get("/").text)
    client.post("/auth/language", data={"csrf_token": token, "language": "ru", "next": "/"})
    page = player.page(attempt).text
    assert '<html lang="ru">' in page
    assert '<h1 id="passage" tabindex="-1" lang="en">Arrival</h1>' in page
    assert '<div class="prose" lang="en">' in page
    assert re.search(r'class="choice" lang="en">Ask to speak with Dilnoza alone<', page)
    play_to_missed_ending(player, attempt)
    debrief = client.get(f"/attempts/{attempt}/debrief").text
    assert '<q><span lang="en">' in debrief  # the quotation marks are the interface's
