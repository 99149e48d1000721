import pytest

from chatsphere.text.durations import wait_in_words


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.2, "1 second"),
        (1, "1 second"),
        (2, "2 seconds"),
        (59.1, "60 seconds"),
        (89, "89 seconds"),
        (90, "2 minutes"),
        (900, "15 minutes"),
        (901, "16 minutes"),
        (3600, "60 minutes"),
        (5400, "2 hours"),
        (86400, "24 hours"),
    ],
)
def test_waits_read_naturally_and_are_never_shorter_than_the_real_one(seconds, words):
    assert wait_in_words(seconds) == words
