import datetime

from notes.fairness import suggest_presenters

ON = datetime.date(2030, 3, 6)
# Unless a test says otherwise, the meeting to fill is today's: every talk before it was given.
MEMBERS = {1: "Ann", 2: "Bo", 3: "Cai", 4: "Dee"}


def days_before(n):
    return ON - datetime.timedelta(days=n)


def test_who_never_presented_comes_first_then_who_waited_longest():
    talks = [(1, days_before(30)), (2, days_before(90))]
    found = suggest_presenters(MEMBERS, talks, ON, today=ON, limit=4)
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
    found = suggest_presenters({1: "Ann", 2: "Bo"}, talks, ON, today=ON)
    assert [s.name for s in found] == ["Bo", "Ann"]
    assert found[1].score == 60 / 4 and found[0].score == 40 / 2
    assert "3 talks in the past year" in found[1].reason


def test_talks_older_than_a_year_do_not_weigh():
    talks = [(1, days_before(400)), (1, days_before(700))]
    (found,) = suggest_presenters({1: "Ann"}, talks, ON, today=ON)
    assert found.score == 400 and "0 talks in the past year" in found.reason


def test_who_presented_in_the_last_two_weeks_is_not_suggested():
    talks = [(1, days_before(13)), (2, days_before(14)), (3, ON + datetime.timedelta(days=7))]
    found = suggest_presenters({1: "Ann", 2: "Bo", 3: "Cai"}, talks, ON, today=ON)
    assert [s.name for s in found] == ["Bo"]


def test_who_already_has_a_later_talk_comes_last():
    talks = [(1, ON + datetime.timedelta(days=30)), (2, days_before(20))]
    found = suggest_presenters({1: "Ann", 2: "Bo"}, talks, ON, today=ON)
    assert [s.name for s in found] == ["Bo", "Ann"]
    assert found[1].reason == "already presents on 2030-04-05"


def test_talks_of_people_outside_the_group_are_ignored_and_limit_holds():
    found = suggest_presenters(MEMBERS, [(99, days_before(3))], ON, today=ON, limit=2)
    assert [s.name for s in found] == ["Ann", "Bo"]


def test_a_talk_still_to_come_is_said_to_be_planned_not_presented():
    # Ann presented 90 days before the meeting and is to present 30 days before it, a
    # talk that lies ahead today; Bo presented 60 days before it, already.
    today = days_before(40)
    talks = [(1, days_before(90)), (1, days_before(30)), (2, days_before(60))]
    found = suggest_presenters({1: "Ann", 2: "Bo"}, talks, ON, today=today)
    assert [(s.name, s.reason) for s in found] == [
        ("Bo", "last presented on 2030-01-05, 60 days before; 1 talk in the past year"),
        (
            "Ann",
            "will present on 2030-02-04, 30 days before; "
            "2 talks given or planned in the year before",
        ),
    ]
    # On the day of that talk it is not given yet either; the day after, it is.
    (ann,) = suggest_presenters({1: "Ann"}, talks, ON, today=days_before(30))
    assert ann.reason.startswith("will present on 2030-02-04, 30 days before")
    (ann,) = suggest_presenters({1: "Ann"}, talks, ON, today=days_before(29))
    assert ann.reason.startswith("last presented on 2030-02-04, 30 days before")
