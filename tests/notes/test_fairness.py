import datetime

from notes.fairness import suggest_presenters

ON = datetime.date(2030, 3, 6)
MEMBERS = {1: "Ann", 2: "Bo", 3: "Cai", 4: "Dee"}


def days_before(n):
    return ON - datetime.timedelta(days=n)


def test_who_never_presented_comes_first_then_who_waited_longest():
    talks = [(1, days_before(30)), (2, days_before(90))]
    found = suggest_presenters(MEMBERS, talks, ON, limit=4)
    assert [s.name for s in found] == ["Cai", "Dee", "Bo", "Ann"]
    assert found[0].reason == "has not presented yet"
    assert found[2].reason == (
        "last presented on 2029-12-06, 90 days before; 1 talk in the past year"
    )


def test_frequent_presenters_wait_longer():
    # Ann waited 60 days but gave three talks this year; Bo 40 days after one talk.
    talks = [
        (1, days_before(60)),
        (1, days_before(150)),
        (1, days_before(250)),
        (2, days_before(40)),
    ]
    found = suggest_presenters({1: "Ann", 2: "Bo"}, talks, ON)
    assert [s.name for s in found] == ["Bo", "Ann"]
    assert found[1].score == 60 / 4 and found[0].score == 40 / 2
    assert "3 talks in the past year" in found[1].reason


def test_talks_older_than_a_year_do_not_weigh():
    talks = [(1, days_before(400)), (1, days_before(700))]
    (found,) = suggest_presenters({1: "Ann"}, talks, ON)
    assert found.score == 400 and "0 talks in the past year" in found.reason


def test_who_presented_in_the_last_two_weeks_is_not_suggested():
    talks = [(1, days_before(13)), (2, days_before(14)), (3, ON + datetime.timedelta(days=7))]
    found = suggest_presenters({1: "Ann", 2: "Bo", 3: "Cai"}, talks, ON)
    assert [s.name for s in found] == ["Bo"]


def test_who_already_has_a_later_talk_comes_last():
    talks = [(1, ON + datetime.timedelta(days=30)), (2, days_before(20))]
    found = suggest_presenters({1: "Ann", 2: "Bo"}, talks, ON)
    assert [s.name for s in found] == ["Bo", "Ann"]
    assert found[1].reason == "already presents on 2030-04-05"


def test_talks_of_people_outside_the_group_are_ignored_and_limit_holds():
    found = suggest_presenters(MEMBERS, [(99, days_before(3))], ON, limit=2)
    assert [s.name for s in found] == ["Ann", "Bo"]
